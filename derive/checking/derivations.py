"""Check a :class:`~derive.Derivation`: the decision rule of :func:`derive.checking.check`.

At each random point inside the domain the assumptions allow:

1. **The formula against the oracle.** Every checked entry of ``result`` is
   evaluated at 45 digits and compared with the mpmath derivative of
   ``source`` (:mod:`derive.checking.oracle`). Both carry an error estimate from
   a second evaluation at 30 digits; a disagreement beyond 100 times those
   estimates plus ``1e-25`` relative is a refutation. A correct formula cannot
   fail this (the estimates bound the errors with a margin of ~1e15), and a
   wrong one fails it unless it is wrong by less than ~1e-20.
2. **The compiled code against the oracle.** The float64 values of
   ``derivation.compile()`` must agree with the truth up to what rounding
   allows (``1e3 eps`` times the value, its sensitivity to the inputs and
   ``|f| / max(1, |x|)``). Worse than ``1e-6`` of that scale at half the points
   or more means the code does not compute its formula: refuted. Isolated
   losses of accuracy (an ill-conditioned formula near a bad point) are
   reported as a warning, never as a refutation of a correct formula.
3. **Supporting evidence** on the compiled code: complex step / central
   differences / Taylor test of the compiled result against the compiled
   source (:mod:`derive.checking.numeric`). They decide only when the oracle
   cannot evaluate anywhere.
"""

from __future__ import annotations

import warnings

import mpmath
import numpy as np
import sympy as sp

from derive.checking.numeric import check_gradient, check_jacobian
from derive.checking.oracle import (OracleError, mp_function, partial, real,
                                 taylor_coefficients, two_precisions)
from derive.checking.report import CheckReport, Counterexample, format_point
from derive.checking.sampling import resolve_at, sample_points
from derive.errors import DeriveError, ShapeError
from derive.calculus import gradient
from derive.checking.matrix import check_matrix
from derive.checking.second_order import check_second_order
from derive.codegen import compile as compile_code

EPS = float(np.finfo(float).eps)
ORACLE_MARGIN = 100         # multiple of the oracle's two-precision error estimate allowed
ORACLE_REL = mpmath.mpf("1e-25")
CODE_ROUNDING = 1e3 * EPS   # a correct compiled formula may be off by this much per unit scale
CODE_GROSS = 1e-6           # beyond this fraction of the scale the code is wrong, not inexact


def check(derivation, at=None, *, seed=0, points=5, dps=30, max_entries=12):
    """Check a derivation numerically; returns a :class:`~derive.checking.CheckReport`.

    Parameters
    ----------
    derivation : Derivation
        From :mod:`derive.calculus` (``op`` derivative, gradient, jacobian,
        hessian, directional, series) or a ``matrix_*`` derivation (delegated to
        :func:`derive.checking.matrix.check_matrix`).
    at : mapping or list of mappings, optional
        Points to check at (variable name or symbol -> number); variables left
        out are drawn at random. Default: ``points`` random points inside the
        domain the assumptions allow.
    seed : int
    points : int
        How many random points when ``at`` is not given.
    dps : int
        Digits of the mpmath oracle (at least 30).
    max_entries : int
        At most this many entries per point go through the oracle, drawn at
        random; all of them go through the numeric checks, and an entry those
        refute is sent to the oracle too.

    Returns
    -------
    CheckReport

    Examples
    --------
    >>> import sympy as sp
    >>> from derive.derivation import Derivation
    >>> x, y = sp.symbols("x y", real=True)
    >>> f = sp.exp(x) * sp.sin(y)
    >>> d = Derivation("gradient", f, sp.ImmutableMatrix([sp.exp(x) * sp.sin(y),
    ...                                                   sp.exp(x) * sp.cos(y)]), (x, y))
    >>> check(d, seed=1).status
    'verified'
    >>> wrong = Derivation("gradient", f, sp.ImmutableMatrix([sp.exp(x) * sp.sin(y),
    ...                                                       -sp.exp(x) * sp.cos(y)]), (x, y))
    >>> report = check(wrong, seed=1)
    >>> report.status, report.counterexample.entry
    ('refuted', 'd/dy')
    """
    op = derivation.op
    if op in ("matrix_hvp", "matrix_third_order"):
        return check_second_order(derivation, seed=seed)
    if op.startswith("matrix_"):
        return check_matrix(derivation, at=at, seed=seed)
    if op not in _PLANS and op != "series":
        raise DeriveError(f"check: no checking rule for operation {op!r}; known: "
                          f"{', '.join(sorted(_PLANS))} and matrix_*")
    if dps < 30:
        raise ValueError(f"check: dps={dps} is too low for an oracle; use 30 or more")
    if not isinstance(points, int) or points < 1:
        raise ValueError(f"check: points must be a positive integer, got {points!r}")
    if op == "series":
        return _check_series(derivation, at=at, seed=seed, points=points, dps=dps)
    plan = _PLANS[op](derivation)
    return _run(derivation, plan, at=at, seed=seed, points=points, dps=dps,
                max_entries=max_entries)


# -- plans: what the truth of each entry is -------------------------------------------
class _Plan:
    """Per operation: the oracle of each result entry, labels, and the numeric support."""

    def __init__(self, derivation, label, order=1):
        self.d = derivation
        self.args = tuple(derivation.arguments())
        self.oracles = {}               # result index -> oracle(values) -> mpf
        self.default = []               # indices sampled by default
        self.label = label              # index -> str
        self.order = order              # derivative order (for scales)
        self.shape = _shape(derivation.result)
        self.support = lambda compiled, source_c, point, seed: None
        self.support_index = lambda i, j: None   # numeric (out, in) -> result index
        self.bilinear = None            # (u, w) -> oracle(values) of u' result w, all entries


def _shape(expr):
    return tuple(expr.shape) if isinstance(expr, sp.MatrixBase) else ()


def _entry(value, index):
    return value[index] if index else value


def _pos(args, symbol):
    return args.index(symbol)


def _plan_derivative(d):
    x = d.wrt[0]
    n = int(d.options.get("n", 1))
    plan = _Plan(d, lambda idx: f"d/d{x}" if n == 1 else f"d^{n}/d{x}^{n}", order=n)
    f = mp_function(d.source, plan.args)
    k = _pos(plan.args, x)
    plan.oracles = {(): lambda p: partial(f, p, {k: n})}
    plan.default = [()]
    if n == 1:
        plan.support = lambda c, s, p, seed: _support_gradient(plan, c, s, p, seed)
        plan.support_index = lambda i, j: ()
    return plan


def _plan_gradient(d):
    plan = _Plan(d, lambda idx: f"d/d{d.wrt[idx[0]]}")
    f = mp_function(d.source, plan.args)
    column = len(plan.shape) == 2

    def oracle(k):
        return lambda p: partial(f, p, {k: 1})
    for i, w in enumerate(d.wrt):
        plan.oracles[(i, 0) if column else (i,)] = oracle(_pos(plan.args, w))
    plan.default = list(plan.oracles)
    plan.support = lambda c, s, p, seed: _support_gradient(plan, c, s, p, seed)
    plan.support_index = lambda i, j: (j, 0) if column else (j,)
    if column:
        pos = [_pos(plan.args, w) for w in d.wrt]
        plan.bilinear = lambda u, w: lambda p: w[0] * _along(f, p, pos, [u], [1])
    return plan


def _plan_hessian(d):
    plan = _Plan(d, lambda idx: f"d2/d{d.wrt[idx[0]]}d{d.wrt[idx[1]]}", order=2)
    f = mp_function(d.source, plan.args)
    n = len(d.wrt)

    def oracle(j, k):
        a, b = _pos(plan.args, d.wrt[j]), _pos(plan.args, d.wrt[k])
        return lambda p: partial(f, p, {a: 2} if a == b else {a: 1, b: 1})
    plan.oracles = {(j, k): oracle(j, k) for j in range(n) for k in range(n)}
    # upper triangle by default: the symmetry of the compiled result is reported separately
    plan.default = [(j, k) for j in range(n) for k in range(j, n)]
    plan.support = lambda c, s, p, seed: _support_hessian(plan, c, p, seed)
    plan.support_index = lambda i, j: (i, j)
    pos = [_pos(plan.args, w) for w in d.wrt]
    plan.bilinear = lambda u, w: lambda p: _along(f, p, pos, [u, w], [1, 1])
    return plan


def _plan_jacobian(d):
    F = d.source if isinstance(d.source, sp.MatrixBase) else sp.ImmutableMatrix(list(d.source))
    F = sp.ImmutableMatrix(F).reshape(len(F), 1)
    plan = _Plan(d, lambda idx: f"d F[{idx[0]}]/d{d.wrt[idx[1]]}")
    fs = [mp_function(F[i], plan.args) for i in range(len(F))]

    def oracle(fi, k):
        return lambda p: partial(fi, p, {k: 1})
    plan.oracles = {(i, j): oracle(fs[i], _pos(plan.args, w))
                    for i in range(len(F)) for j, w in enumerate(d.wrt)}
    plan.default = list(plan.oracles)
    plan.support = lambda c, s, p, seed: _support_jacobian(plan, c, s, p, seed)
    plan.support_index = lambda i, j: (i, j)
    pos = [_pos(plan.args, w) for w in d.wrt]

    def weighted(u):
        return lambda *vals: sum(ui * fi(*vals) for ui, fi in zip(u, fs) if ui != 0)
    plan.bilinear = lambda u, w: lambda p: _along(weighted(u), p, pos, [w], [1])
    return plan


def _plan_directional(d):
    direction = d.options.get("direction")
    if direction is None:
        raise DeriveError("check: this directional derivative does not record its direction "
                          "(options['direction'])")
    v = [sp.sympify(c) for c in list(direction)]
    if len(v) != len(d.wrt):
        raise ShapeError(f"check: direction has {len(v)} components for {len(d.wrt)} variables")
    plan = _Plan(d, lambda idx: "directional derivative")
    f = mp_function(d.source, plan.args)
    vf = [mp_function(c, plan.args) for c in v]
    pos = [_pos(plan.args, w) for w in d.wrt]

    def oracle(p):
        base = [mpmath.mpf(t) for t in p]
        comps = [real(g(*base), "direction") for g in vf]

        def along(t):
            q = list(base)
            for k, c in zip(pos, comps):
                q[k] = base[k] + t * c
            return f(*q)
        return real(mpmath.diff(along, mpmath.mpf(0)), "derivative")
    plan.oracles = {(): oracle}
    plan.default = [()]
    return plan


def _along(f, point, pos, directions, orders):
    """Mixed derivative of ``f`` at ``point`` along ``directions`` (one order each).

    ``d/dt1 ... f(x + t1 v1 + t2 v2 ...)`` at ``t = 0``: with one direction the
    directional derivative ``grad . v``, with two the bilinear form ``v1' H v2``.
    """
    base = [mpmath.mpf(t) for t in point]
    dirs = [[mpmath.mpf(c) for c in v] for v in directions]

    def moved(*ts):
        q = list(base)
        for t, v in zip(ts, dirs):
            for k, c in zip(pos, v):
                if c != 0:
                    q[k] = q[k] + t * c
        return real(f(*q), "function")
    zero = [mpmath.mpf(0)] * len(dirs)
    try:
        if len(dirs) == 1:
            return real(mpmath.diff(moved, zero[0], orders[0]), "derivative")
        return real(mpmath.diff(moved, tuple(zero), tuple(orders)), "derivative")
    except (ZeroDivisionError, ValueError) as err:
        raise OracleError(f"mpmath.diff failed here: {err}") from None


_PLANS = {"derivative": _plan_derivative, "gradient": _plan_gradient,
          "hessian": _plan_hessian, "jacobian": _plan_jacobian,
          "directional": _plan_directional}


# -- numeric support on the compiled code ----------------------------------------------
def _split(plan, point):
    values = [point[s] for s in plan.args]
    wpos = [_pos(plan.args, w) for w in plan.d.wrt]
    return values, wpos


def _caller(plan, fn, values, wpos):
    def call(*w):
        vals = list(values)
        for k, v in zip(wpos, w):
            vals[k] = v
        return np.asarray(fn(*vals))
    return call


def _support_gradient(plan, compiled, source_c, point, seed):
    values, wpos = _split(plan, point)
    F = _caller(plan, source_c, values, wpos)
    G = _caller(plan, compiled, values, wpos)
    n = len(wpos)
    return check_gradient(F, lambda *w: list(np.asarray(G(*w)).reshape(n)),
                          [np.array(values[k]) for k in wpos],
                          names=[str(w) for w in plan.d.wrt], seed=seed)


def _support_jacobian(plan, compiled, source_c, point, seed):
    values, wpos = _split(plan, point)
    F = _caller(plan, source_c, values, wpos)
    J = _caller(plan, compiled, values, wpos)
    m, n = plan.shape
    return check_jacobian(lambda *w: np.asarray(F(*w)).reshape(m),
                          lambda *w: list(np.asarray(J(*w)).reshape(m, n).T),
                          [np.array(values[k]) for k in wpos],
                          names=[str(w) for w in plan.d.wrt], seed=seed)


def _support_hessian(plan, compiled, point, seed):
    grad_c = getattr(plan, "gradient_code", None)
    if grad_c is None:
        grad = plan.d.options.get("gradient")
        if grad is None:
            grad = gradient(plan.d.source, list(plan.d.wrt)).result
        grad_c = plan.gradient_code = compile_code(sp.ImmutableMatrix(grad), list(plan.args))
    values, wpos = _split(plan, point)
    G = _caller(plan, grad_c, values, wpos)
    H = _caller(plan, compiled, values, wpos)
    n = len(wpos)
    return check_jacobian(lambda *w: np.asarray(G(*w)).reshape(n),
                          lambda *w: list(np.asarray(H(*w)).reshape(n, n).T),
                          [np.array(values[k]) for k in wpos],
                          names=[str(w) for w in plan.d.wrt], seed=seed)


# -- the run ---------------------------------------------------------------------------
def _float_eval(fn, values):
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            return np.asarray(fn(*values))
        except (ValueError, TypeError, ZeroDivisionError, OverflowError, ArithmeticError):
            return None


def _finite_real(value):
    return value is not None and not np.iscomplexobj(value) and bool(np.all(np.isfinite(value)))


class _Claims:
    """The formula (``result``) at one point at two precisions, evaluated once for all entries."""

    def __init__(self, result_fn, values, dps):
        self.result_fn, self.values, self.dps = result_fn, values, dps
        self._cache = {}

    def _at(self, digits):
        if digits not in self._cache:
            with mpmath.workdps(digits):
                self._cache[digits] = self.result_fn(*self.values)
        return self._cache[digits]

    def bilinear(self, u, w):
        """``u' R w`` at the higher precision, its two-precision error, and ``sum |u R w|``."""
        out = []
        for digits in (self.dps, self.dps + 15):
            with mpmath.workdps(digits):
                R = self._at(digits)
                total, scale = mpmath.mpf(0), mpmath.mpf(0)
                for i, ui in enumerate(u):
                    if ui == 0:
                        continue
                    for j, wj in enumerate(w):
                        if wj == 0:
                            continue
                        term = mpmath.mpf(ui) * real(R[i, j], "result") * mpmath.mpf(wj)
                        total += term
                        scale += abs(term)
                out.append((total, scale))
        (low, _), (high, scale) = out
        with mpmath.workdps(self.dps + 15):
            return high, abs(high - low), scale

    def entry(self, index):
        with mpmath.workdps(self.dps):
            low = real(_entry(self._at(self.dps), index), "result")
        with mpmath.workdps(self.dps + 15):
            high = real(_entry(self._at(self.dps + 15), index), "result")
            return high, abs(high - low)


SUPPORT_ALL_POINTS = 20   # numeric support at every point up to this many variables, else once


def _subject(d):
    text = f"{d.op} of {d.source}"
    return text if len(text) <= 80 else text[:77] + "..."


def _run(d, plan, *, at, seed, points, dps, max_entries):
    args = plan.args
    compiled = d.compile(list(args))
    source_c = d.compile_source(list(args))
    result_fn = mp_function(d.result, args)

    def accept(p):
        return _finite_real(_float_eval(source_c, [p[s] for s in args]))

    given = resolve_at(at, args)
    if given:
        pts = [sample_points(args, 1, seed=seed + i, fixed=g)[0] for i, g in enumerate(given)]
    else:
        pts = sample_points(args, points, seed=seed, accept=accept)
    subject = _subject(d)
    if not pts:
        return CheckReport("inconclusive", "none", subject=subject, evidence=(
            f"no point found where {d.source} is finite and real",))
    rng = np.random.default_rng(seed)
    state = dict(evidence=[], worst_rel=-1.0, worst=None, max_abs=0.0, max_rel=0.0,
                 max_est=0.0, digits=[], code_bad=[], code_warn=[], conflicts=0)
    evidence = state["evidence"]
    oracle_points, supports, per_point = 0, [], 0
    for p_i, point in enumerate(pts):
        values = [point[s] for s in args]
        named = {str(s): point[s] for s in args}
        if not accept(point):
            evidence.append(f"point {format_point(named)}: the function is not finite and real "
                            "there; skipped")
            continue
        ctx = _point_context(d, plan, compiled, source_c, values, point, seed)
        claims = _Claims(result_fn, values, dps)
        default = plan.default
        chosen = (default if len(default) <= max_entries else
                  [default[k] for k in sorted(rng.choice(len(default), max_entries,
                                                         replace=False))])
        try:
            for index in chosen:
                verdict = _compare(plan, index, values, claims, ctx, named, dps, state)
                if verdict is not None:
                    return _refuted(plan, named, *verdict, p_i + 1, dps, state, subject)
            if plan.bilinear is not None:
                for _ in range(PROJECTIONS):
                    verdict = _projection(plan, rng, values, claims, ctx, named, dps, state)
                    if verdict is not None:
                        return _refuted(plan, named, *verdict, p_i + 1, dps, state, subject)
            oracle_ok = True
        except OracleError as err:
            oracle_ok = False
            state["oracle_failures"] = state.get("oracle_failures", 0) + 1
            if state["oracle_failures"] == 1:
                evidence.append(f"oracle unavailable at {format_point(named)}: {err}")
        if oracle_ok:
            oracle_points += 1
            per_point = len(chosen)
        if p_i == 0 or len(d.wrt) <= SUPPORT_ALL_POINTS:
            support = plan.support(compiled, source_c, point, seed + p_i)
            if support is None:
                continue
            supports.append(support)
            index = (plan.support_index(*support.details["index"])
                     if support.refuted and "index" in support.details else None)
            if index is not None and index not in chosen and oracle_ok:
                # the numeric check points at an entry the oracle did not sample: ask it
                try:
                    verdict = _compare(plan, index, values, claims, ctx, named, dps, state)
                except OracleError:
                    verdict = None
                if verdict is not None:
                    return _refuted(plan, named, *verdict, p_i + 1, dps, state, subject)
            if support.refuted:
                state["conflicts"] += 1

    support_line = _support_summary(supports)
    if state.get("oracle_failures", 0) > 1:
        evidence.append(f"oracle unavailable at {state['oracle_failures']} of {len(pts)} points")
    if oracle_points == 0:
        return _decide_without_oracle(supports, pts, subject, evidence, support_line)
    method = f"mpmath oracle ({dps} digits)"
    digits = min(state["digits"]) if state["digits"] else float("inf")
    evidence.insert(0, f"formula vs mpmath derivative of the source at {dps}+15 digits: "
                       f"{oracle_points} points, {per_point} entries each, agreement to "
                       + (f"{min(digits, dps + 15):.0f} digits" if np.isfinite(digits)
                          else f"all {dps + 15} digits"))
    if state.get("projections"):
        evidence.insert(1, f"every entry at once: {state['projections']} random projections "
                           "u' R w against the oracle's mixed directional derivative agree")
    evidence.insert(1, f"compiled float64 vs oracle: max abs error {state['max_abs']:.3g}, "
                       f"max rel error {state['max_rel']:.3g}")
    if support_line:
        evidence.append(support_line)
    if state["conflicts"]:
        evidence.append("the numeric check disagreed where the oracle agrees: the oracle "
                        "decides (the compiled source may be inaccurate there)")
    if plan.d.op == "hessian":
        evidence.append(_symmetry_line(compiled, pts[0], args, plan.shape))
    code_bad = state["code_bad"]
    bad_points = {tuple(sorted(b[0].items())) for b in code_bad}
    common = dict(points=len(pts), max_abs_error=state["max_abs"],
                  max_rel_error=state["max_rel"], error_estimate=state["max_est"],
                  subject=subject)
    if code_bad and len(bad_points) * 2 >= oracle_points:
        named, index, c, t = code_bad[0]
        return CheckReport(
            "refuted", method, worst_point=named,
            counterexample=Counterexample(named, c, t, plan.label(index)),
            diagnosis="the formula is right but the compiled code does not compute it "
                      "(a code generation error)", evidence=tuple(evidence), **common)
    if state["code_warn"] or code_bad:
        evidence.append(f"warning: compiled float64 loses accuracy at "
                        f"{len(state['code_warn']) + len(code_bad)} entries (ill-conditioned "
                        "there); the formula itself is right")
    return CheckReport("verified", method, worst_point=state["worst"],
                       evidence=tuple(evidence), **common)


def _point_context(d, plan, compiled, source_c, values, point, seed):
    """Float64 values and scales at one point, for judging the compiled code."""
    cval = _float_eval(compiled, values)
    size = max(1, int(np.prod(plan.shape, dtype=int)))
    if cval is None or np.asarray(cval).size != size or np.iscomplexobj(cval):
        cval = None
    else:
        cval = np.asarray(cval, dtype=float).reshape(plan.shape)
    f0 = _float_eval(source_c, values)
    f0 = abs(float(np.asarray(f0).ravel()[0])) if _finite_real(f0) else 0.0
    xscale = max([1.0] + [abs(point[w]) for w in d.wrt]) ** plan.order
    sens = _sensitivity(compiled, values, [_pos(plan.args, w) for w in d.wrt], plan.shape, seed)
    return dict(cval=cval, fscale=f0 / xscale, sens=sens)


def _compare(plan, index, values, claims, ctx, named, dps, state):
    """Oracle vs formula (decides) and oracle vs compiled code (recorded) at one entry.

    Returns None when the formula agrees, else (index, claim, truth).
    """
    oracle = plan.oracles[index]
    truth, t_err = two_precisions(lambda: oracle(values), dps)
    claim, c_err = claims.entry(index)
    fscale = ctx["fscale"]
    tol = (ORACLE_MARGIN * (t_err + c_err)
           + ORACLE_REL * max(abs(truth), abs(claim), mpmath.mpf(fscale) * 1e-5))
    gap = abs(claim - truth)
    state["max_est"] = max(state["max_est"], float(t_err))
    if gap > tol:
        return index, claim, truth
    if truth != 0 and gap != 0:
        state["digits"].append(float(-mpmath.log10(gap / abs(truth))))
    cval = ctx["cval"]
    if cval is None:
        state["code_bad"].append((named, index, float("nan"), float(truth)))
        return None
    c = float(cval[index] if index else cval)
    t = float(truth)
    abs_err = abs(c - t)
    sens = ctx["sens"]
    scale = abs(t) + float(sens[index] if index else sens) + fscale
    rel = abs_err / max(abs(t), 1e-300)
    state["max_abs"] = max(state["max_abs"], abs_err)
    if rel > state["worst_rel"]:
        state["worst_rel"], state["worst"] = rel, named
    state["max_rel"] = max(state["max_rel"], min(rel, abs_err / max(scale, 1e-300)))
    if abs_err > CODE_GROSS * scale:
        state["code_bad"].append((named, index, c, t))
    elif abs_err > CODE_ROUNDING * scale:
        state["code_warn"].append((named, index, rel))
    return None


PROJECTIONS = 2   # random projections u' R w per point: every entry of the result, at once


def _projection(plan, rng, values, claims, ctx, named, dps, state):
    """Compare ``u' R w`` with the oracle's mixed directional derivative for random u, w.

    One projection involves every entry of the result, so a wrong entry cannot
    hide among unsampled ones. On a disagreement, bisect the supports of u and
    w down to one entry and return its verdict.
    """
    rows, cols = plan.shape
    u = list(rng.standard_normal(rows))
    w = [1.0] if plan.d.op == "gradient" else list(rng.standard_normal(cols))

    def fails(uu, ww):
        truth, t_err = two_precisions(lambda: plan.bilinear(uu, ww)(values), dps)
        claim, c_err, scale = claims.bilinear(uu, ww)
        tol = ORACLE_MARGIN * (t_err + c_err) + ORACLE_REL * max(abs(truth), abs(claim), scale)
        state["max_est"] = max(state["max_est"], float(t_err))
        return abs(claim - truth) > tol, claim, truth

    bad, claim, truth = fails(u, w)
    state["projections"] = state.get("projections", 0) + 1
    if not bad:
        return None
    first = (claim, truth)

    def narrow(vec, other, is_rows):
        support = [i for i, c in enumerate(vec) if c != 0]
        while len(support) > 1:
            halves = (support[:len(support) // 2], support[len(support) // 2:])
            for half in halves:
                keep = set(half)
                part = [c if i in keep else 0.0 for i, c in enumerate(vec)]
                if fails(part, other)[0] if is_rows else fails(other, part)[0]:
                    support, vec = half, part
                    break
            else:
                return None, vec
        return support[0], vec

    i, u = narrow(u, w, True)
    j, w = (None, w) if i is None else narrow(w, u, False)
    if i is not None and j is not None:
        verdict = _compare(plan, (i, j), values, claims, ctx, named, dps, state)
        if verdict is not None:
            return verdict
    return ("projection",) + first


def _sensitivity(compiled, values, wpos, shape, seed, delta=1e-6):
    """|x| |d result / dx| along random signs: how much rounding of x moves the result."""
    rng = np.random.default_rng(seed + 104729)
    base = _float_eval(compiled, values)
    if not _finite_real(base):
        return np.zeros(shape) if shape else 0.0
    base = np.asarray(base, dtype=float).reshape(shape)
    out = np.zeros(shape)
    for _ in range(2):
        vals = list(values)
        for k in wpos:
            vals[k] = values[k] + delta * rng.choice([-1.0, 1.0]) * max(abs(values[k]), 1e-3)
        moved = _float_eval(compiled, vals)
        if _finite_real(moved):
            out = np.maximum(out, np.abs(np.asarray(moved, dtype=float).reshape(shape) - base)
                             / delta)
    return out if shape else float(out)


def _refuted(plan, named, index, claim, truth, npts, dps, state, subject):
    if index == "projection":
        plan = _Plan.__new__(_Plan)
        plan.label = lambda idx: "u' R w along random directions u, w"
    gap = abs(claim - truth)
    rel = float(gap / abs(truth)) if truth != 0 else float("inf")
    evidence = [f"the formula disagrees with the mpmath derivative of the source "
                f"({dps}+15 digits) at {format_point(named)}"] + state["evidence"]
    return CheckReport(
        "refuted", f"mpmath oracle ({dps} digits)", points=npts, max_abs_error=float(gap),
        max_rel_error=rel, error_estimate=state["max_est"], worst_point=named, subject=subject,
        counterexample=Counterexample(named, claim, truth, plan.label(index)),
        diagnosis=_diagnose_entry(claim, truth), evidence=tuple(evidence))


def _diagnose_entry(claim, truth):
    if truth != 0 and abs(claim + truth) <= mpmath.mpf(10) ** -20 * abs(truth):
        return "wrong sign: the claimed value is minus the true one"
    if truth != 0 and claim != 0:
        ratio = claim / truth
        if abs(ratio - 1) < mpmath.mpf("1e-3"):
            return (f"claimed / true = 1 {'+' if ratio > 1 else '-'} "
                    f"{mpmath.nstr(abs(ratio - 1), 3)} here")
        return f"claimed / true = {mpmath.nstr(ratio, 8)} here"
    return None


def _decide_without_oracle(supports, pts, subject, evidence, support_line):
    if support_line:
        evidence.append(support_line)
    if not supports:
        return CheckReport("inconclusive", "none", points=len(pts), subject=subject,
                           evidence=tuple(evidence) + ("neither the oracle nor a numeric "
                                                       "check could run",))
    for r in supports:
        if r.refuted:
            return CheckReport("refuted", r.method, points=len(pts), subject=subject,
                               max_abs_error=r.max_abs_error, max_rel_error=r.max_rel_error,
                               error_estimate=r.error_estimate, worst_point=r.worst_point,
                               counterexample=r.counterexample,
                               evidence=tuple(evidence) + tuple(r.evidence))
    status = "verified" if all(r.verified for r in supports) else "inconclusive"
    worst = max(supports, key=lambda r: r.max_rel_error)
    return CheckReport(status, worst.method, points=len(pts), subject=subject,
                       max_abs_error=max(r.max_abs_error for r in supports),
                       max_rel_error=worst.max_rel_error,
                       error_estimate=max(r.error_estimate for r in supports),
                       worst_point=worst.worst_point,
                       evidence=tuple(evidence) + tuple(worst.evidence))


def _support_summary(supports):
    if not supports:
        return ""
    counts = {s: sum(r.status == s for r in supports) for s in ("verified", "refuted",
                                                                "inconclusive")}
    methods = sorted({r.method for r in supports})
    text = ", ".join(f"{v} {k}" for k, v in counts.items() if v)
    return (f"numeric check of the compiled code ({' / '.join(methods)}, Taylor test): "
            f"{text} of {len(supports)} points; max rel error "
            f"{max(r.max_rel_error for r in supports):.3g}")


def _symmetry_line(compiled, point, args, shape):
    H = _float_eval(compiled, [point[s] for s in args])
    if not _finite_real(H):
        return "compiled Hessian not finite at the first point"
    H = np.asarray(H, dtype=float).reshape(shape)
    asym = float(np.max(np.abs(H - H.T), initial=0))
    return f"compiled Hessian symmetry: max |H - H^T| = {asym:.3g}"





# -- series: Taylor coefficients against mpmath.taylor ----------------------------------
def _check_series(d, *, at, seed, points, dps):
    x = d.wrt[0]
    x0 = sp.sympify(d.options.get("x0", 0))
    n = int(d.options.get("n", 6))
    claimed = d.result.removeO() if hasattr(d.result, "removeO") else d.result
    subject = f"series of {d.source} in {x} at {x0}"
    if x0.has(sp.oo, -sp.oo, sp.zoo):
        return CheckReport("inconclusive", "none", subject=subject,
                           evidence=("series at infinity: no Taylor coefficients to compare",))
    params = sorted((_free(d.source) | _free(claimed) | _free(x0)) - {x}, key=lambda s: s.name)
    f = mp_function(d.source, [x] + params)
    t = sp.Dummy("t")
    given = resolve_at(at, params)
    pts = ([sample_points(params, 1, seed=seed + i, fixed=g)[0] for i, g in enumerate(given)]
           if given else sample_points(params, points if params else 1, seed=seed))
    evidence, max_abs, max_rel, max_est, tried = [], 0.0, 0.0, 0.0, 0
    code = d.compile([x] + params)
    claimed_mp = mp_function(claimed, [x] + params)
    code_errors = []
    for point in pts:
        exact = {s: sp.Rational(v) for s, v in point.items()}
        named = {str(s): v for s, v in point.items()}
        x0v = x0.subs(exact)
        shifted = sp.expand(claimed.subs(exact).subs(x, x0v + t))
        try:
            poly = sp.Poly(shifted, t)
        except sp.PolynomialError:
            return CheckReport("inconclusive", "none", subject=subject, evidence=(
                "the series is not a polynomial in (x - x0) (Laurent or Puiseux terms): "
                "not compared with Taylor coefficients",))
        degree = max(n - 1, poly.degree())
        coeffs = [poly.coeff_monomial(t**k) for k in range(degree + 1)]
        pvals = [point[s] for s in params]
        x0m = x0v.evalf(dps + 20)
        try:
            truth, err = two_precisions(lambda: taylor_coefficients(
                lambda u: f(u, *[mpmath.mpf(v) for v in pvals]), mpmath.mpf(x0m), degree), dps)
        except OracleError as e:
            evidence.append(f"point {format_point(named)}: oracle unavailable ({e})")
            continue
        tried += 1
        for k, (c, tv) in enumerate(zip(coeffs, truth)):
            with mpmath.workdps(dps + 15):
                cv = real(sp.N(c, dps + 15)._to_mpmath(mpmath.mp.prec), "coefficient")
                gap = abs(cv - tv)
                tol = ORACLE_MARGIN * err[k] + ORACLE_REL * max(abs(tv), abs(cv), 1)
            max_est = max(max_est, float(err[k]))
            max_abs = max(max_abs, float(gap))
            if tv != 0:
                max_rel = max(max_rel, float(gap / abs(tv)))
            if gap > tol:
                return CheckReport(
                    "refuted", f"mpmath.taylor ({dps} digits)", points=len(pts),
                    max_abs_error=float(gap), max_rel_error=float(gap / abs(tv)) if tv else
                    float("inf"), error_estimate=max_est, worst_point=named, subject=subject,
                    counterexample=Counterexample(named, cv, tv, f"coefficient of ({x} - {x0})^{k}"),
                    diagnosis=_diagnose_entry(cv, tv),
                    evidence=tuple(evidence) + (f"Taylor coefficient {k} differs from "
                                                "mpmath.taylor of the source",))
        # the compiled polynomial against the formula at x0 + 1/4
        xv = float(x0m) + 0.25
        value = _float_eval(code, [xv] + pvals)
        with mpmath.workdps(dps):
            exact_value = real(claimed_mp(xv, *pvals), "series")
            scale = sum(abs(real(sp.N(c, dps)._to_mpmath(mpmath.mp.prec), "coefficient"))
                        * mpmath.mpf(0.25) ** k for k, c in enumerate(coeffs))
        if not _finite_real(value):
            code_errors.append((named, xv, float("nan"), float(exact_value)))
        elif abs(float(value) - float(exact_value)) > CODE_GROSS * float(scale):
            code_errors.append((named, xv, float(value), float(exact_value)))
    if not tried:
        return CheckReport("inconclusive", "none", points=len(pts), subject=subject,
                           evidence=tuple(evidence) or ("the oracle could not evaluate",))
    if code_errors:
        named, xv, c, t = code_errors[0]
        return CheckReport(
            "refuted", f"mpmath.taylor ({dps} digits)", points=len(pts), subject=subject,
            counterexample=Counterexample({**named, str(x): xv}, c, t, "compiled series"),
            diagnosis="the coefficients are right but the compiled code does not compute "
                      "the polynomial (a code generation error)", evidence=tuple(evidence))
    evidence.insert(0, f"Taylor coefficients 0..{degree} compared with mpmath.taylor of the "
                       f"source at {dps}+15 digits at {tried} parameter points; compiled "
                       f"polynomial agrees with the formula at {x} = x0 + 1/4")
    return CheckReport("verified", f"mpmath.taylor ({dps} digits)", points=len(pts),
                       max_abs_error=max_abs, max_rel_error=max_rel, error_estimate=max_est,
                       subject=subject, evidence=tuple(evidence))


def _free(expr):
    return set(getattr(expr, "free_symbols", set()))
