"""Check a :class:`~derive.Derivation`: the decision rule of :func:`derive.check.check`.

At each random point inside the domain the assumptions allow:

1. **The formula against the oracle.** Every checked entry of ``result`` is
   evaluated at 45 digits and compared with the mpmath derivative of
   ``source`` (:mod:`derive.check.oracle`). Both carry an error estimate from
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
   source (:mod:`derive.check.numeric`). They decide only when the oracle
   cannot evaluate anywhere.
"""

from __future__ import annotations

import warnings

import mpmath
import numpy as np
import sympy as sp

from derive.check.numeric import check_gradient, check_jacobian
from derive.check.oracle import (OracleError, mp_function, partial, real,
                                 taylor_coefficients, two_precisions)
from derive.check.report import CheckReport, Counterexample
from derive.check.sampling import resolve_at, sample_points
from derive.errors import DeriveError, ShapeError

EPS = float(np.finfo(float).eps)
ORACLE_MARGIN = 100         # multiple of the oracle's two-precision error estimate allowed
ORACLE_REL = mpmath.mpf("1e-25")
CODE_ROUNDING = 1e3 * EPS   # a correct compiled formula may be off by this much per unit scale
CODE_GROSS = 1e-6           # beyond this fraction of the scale the code is wrong, not inexact


def check(derivation, at=None, *, seed=0, points=5, dps=30, max_entries=40):
    """Check a derivation numerically; returns a :class:`~derive.check.CheckReport`.

    Parameters
    ----------
    derivation : Derivation
        From :mod:`derive.calculus` (``op`` derivative, gradient, jacobian,
        hessian, directional, series) or a ``matrix_*`` derivation (delegated to
        :func:`derive.matrix.checking.check_matrix`).
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
        At most this many entries per point go through the oracle (all of
        them go through the numeric checks).

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
    if op.startswith("matrix_"):
        from derive.matrix.checking import check_matrix
        return check_matrix(derivation, at=at, seed=seed)
    if op not in _PLANS and op != "series":
        raise DeriveError(f"check: no checking rule for operation {op!r}; known: "
                          f"{', '.join(sorted(_PLANS))} and matrix_*")
    if dps < 30:
        raise ValueError(f"check: dps={dps} is too low for an oracle; use 30 or more")
    if op == "series":
        return _check_series(derivation, at=at, seed=seed, points=points, dps=dps)
    plan = _PLANS[op](derivation)
    return _run(derivation, plan, at=at, seed=seed, points=points, dps=dps,
                max_entries=max_entries)


# -- plans: what the truth of each entry is -------------------------------------------
class _Plan:
    """Per-operation: result entries, their oracle, and the numeric support check."""

    def __init__(self, derivation, entries, label, order=1):
        self.d = derivation
        self.args = tuple(derivation.arguments())
        self.entries = entries          # list of (index tuple, oracle(point) -> mpf)
        self.label = label              # index -> str
        self.order = order              # derivative order (for scales)
        self.shape = _shape(derivation.result)

    def support(self, compiled, source_c, point, seed):  # pragma: no cover - overridden
        return None


def _shape(expr):
    return tuple(expr.shape) if isinstance(expr, sp.MatrixBase) else ()


def _entry(expr, index):
    return expr[index] if index else expr


def _pos(args, symbol):
    return args.index(symbol)


def _plan_derivative(d):
    x = d.wrt[0]
    n = int(d.options.get("n", 1))
    plan = _Plan(d, [], lambda idx: f"d/d{x}" if n == 1 else f"d^{n}/d{x}^{n}", order=n)
    f = mp_function(d.source, plan.args)
    k = _pos(plan.args, x)
    plan.entries = [((), lambda p: partial(f, p, {k: n}))]
    if n == 1:
        plan.support = lambda c, s, p, seed: _support_gradient(plan, c, s, p, seed)
    else:
        plan.support = lambda *a: None
    return plan


def _plan_gradient(d):
    plan = _Plan(d, [], lambda idx: f"d/d{d.wrt[idx[0]]}")
    f = mp_function(d.source, plan.args)
    rows = d.result.shape[0]
    plan.entries = [((i, 0) if len(plan.shape) == 2 else (i,),
                     (lambda k: lambda p: partial(f, p, {k: 1}))(_pos(plan.args, d.wrt[i])))
                    for i in range(rows)]
    plan.support = lambda c, s, p, seed: _support_gradient(plan, c, s, p, seed)
    return plan


def _plan_hessian(d):
    plan = _Plan(d, [], lambda idx: f"d2/d{d.wrt[idx[0]]}d{d.wrt[idx[1]]}", order=2)
    f = mp_function(d.source, plan.args)
    n = len(d.wrt)

    def oracle(j, k):
        a, b = _pos(plan.args, d.wrt[j]), _pos(plan.args, d.wrt[k])
        return lambda p: partial(f, p, {a: 2} if a == b else {a: 1, b: 1})
    # upper triangle only: symmetry of the compiled result is checked separately
    plan.entries = [((j, k), oracle(j, k)) for j in range(n) for k in range(j, n)]
    plan.support = lambda c, s, p, seed: _support_hessian(plan, c, p, seed)
    return plan


def _plan_jacobian(d):
    F = d.source if isinstance(d.source, sp.MatrixBase) else sp.ImmutableMatrix(list(d.source))
    F = sp.ImmutableMatrix(F).reshape(len(F), 1)
    plan = _Plan(d, [], lambda idx: f"d F[{idx[0]}]/d{d.wrt[idx[1]]}")
    fs = [mp_function(F[i], plan.args) for i in range(len(F))]
    plan.entries = [((i, j), (lambda fi, k: lambda p: partial(fi, p, {k: 1}))(
        fs[i], _pos(plan.args, d.wrt[j]))) for i in range(len(F)) for j in range(len(d.wrt))]
    plan.support = lambda c, s, p, seed: _support_jacobian(plan, c, s, p, seed)
    return plan


def _plan_directional(d):
    direction = d.options.get("direction")
    if direction is None:
        raise DeriveError("check: this directional derivative does not record its direction "
                          "(options['direction'])")
    v = [sp.sympify(c) for c in (list(direction) if not isinstance(direction, sp.MatrixBase)
                                  else list(direction))]
    if len(v) != len(d.wrt):
        raise ShapeError(f"check: direction has {len(v)} components for {len(d.wrt)} variables")
    plan = _Plan(d, [], lambda idx: "directional derivative")
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
    plan.entries = [((), oracle)]
    plan.support = lambda *a: None
    return plan


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
        from derive.codegen import compile as compile_code
        grad = plan.d.options.get("gradient")
        if grad is None:
            try:
                from derive.calculus import gradient
            except ImportError:
                return None
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


def _run(d, plan, *, at, seed, points, dps, max_entries):
    args = plan.args
    compiled = d.compile(list(args))
    source_c = d.compile_source(list(args))

    def accept(p):
        return _finite_real(_float_eval(source_c, [p[s] for s in args]))

    given = resolve_at(at, args)
    if given:
        pts = [sample_points(args, 1, seed=seed + i, fixed=g)[0] for i, g in enumerate(given)]
    else:
        pts = sample_points(args, points, seed=seed, accept=accept)
    subject = f"{d.op} of {d.source}"
    if not pts:
        return CheckReport("inconclusive", "none", subject=subject, evidence=(
            f"no point found where {d.source} is finite and real",))
    rng = np.random.default_rng(seed)
    entries = plan.entries
    evidence = []
    worst = {"rel": -1.0}
    max_abs, max_rel, max_est = 0.0, 0.0, 0.0
    formula_digits = []
    oracle_points, code_bad, code_warn = 0, [], []
    supports = []
    for p_i, point in enumerate(pts):
        values = [point[s] for s in args]
        named = {str(s): point[s] for s in args}
        if not accept(point):
            evidence.append(f"point {_fmt_point(named)}: the function is not finite and real "
                            "there; skipped")
            continue
        cval = _float_eval(compiled, values)
        if cval is None or np.asarray(cval).size != max(1, int(np.prod(plan.shape, dtype=int))):
            cval = None
        else:
            cval = np.asarray(cval, dtype=float if not np.iscomplexobj(cval) else complex
                              ).reshape(plan.shape)
        if len(entries) > max_entries:
            chosen = [entries[k] for k in sorted(rng.choice(len(entries), max_entries,
                                                           replace=False))]
        else:
            chosen = entries
        try:
            f0 = abs(float(_float_eval(source_c, values).ravel()[0]))
        except (TypeError, ValueError, AttributeError):
            f0 = 0.0
        xscale = max([1.0] + [abs(point[w]) for w in d.wrt]) ** plan.order
        fscale = f0 / xscale
        sens = _sensitivity(compiled, values, [_pos(args, w) for w in d.wrt], plan.shape, seed)
        try:
            checked = []
            for index, oracle in chosen:
                truth, t_err = two_precisions(lambda: oracle(values), dps)
                rf = mp_function(_entry(d.result, index), args)
                claim, c_err = two_precisions(lambda: real(rf(*values), "result"), dps)
                checked.append((index, truth, t_err, claim, c_err))
        except OracleError as err:
            evidence.append(f"point {_fmt_point(named)}: oracle unavailable ({err})")
            checked = None
        if checked is not None:
            oracle_points += 1
            for index, truth, t_err, claim, c_err in checked:
                tol = (ORACLE_MARGIN * (t_err + c_err)
                       + ORACLE_REL * max(abs(truth), abs(claim), mpmath.mpf(fscale) * 1e-5))
                gap = abs(claim - truth)
                max_est = max(max_est, float(t_err))
                if gap > tol:
                    return _refuted(d, plan, named, index, claim, truth, p_i + 1, dps, evidence,
                                    subject, max_est)
                if truth != 0 and gap != 0:
                    formula_digits.append(float(-mpmath.log10(gap / abs(truth))))
                # compiled float64 against the truth
                if cval is None:
                    code_bad.append((named, index, float("nan"), float(truth)))
                    continue
                c = float(np.real(cval[index] if index else cval))
                t = float(truth)
                abs_err = abs(c - t)
                scale = abs(t) + float(sens[index] if index else sens) + fscale
                rel = abs_err / max(abs(t), 1e-300)
                max_abs = max(max_abs, abs_err)
                if rel > worst["rel"]:
                    worst = {"rel": rel, "point": named}
                max_rel = max(max_rel, min(rel, abs_err / max(scale, 1e-300)))
                if abs_err > CODE_GROSS * scale:
                    code_bad.append((named, index, c, t))
                elif abs_err > CODE_ROUNDING * scale:
                    code_warn.append((named, index, rel))
        support = plan.support(compiled, source_c, point, seed + p_i)
        if support is not None:
            supports.append(support)

    support_line = _support_summary(supports)
    if oracle_points == 0:
        return _decide_without_oracle(supports, pts, subject, evidence, support_line)
    bad_points = {tuple(sorted(b[0].items())) for b in code_bad}
    method = f"mpmath oracle ({dps} digits)"
    digits = min(formula_digits) if formula_digits else float("inf")
    evidence.insert(0, f"formula vs mpmath derivative of the source at {dps}+15 digits: "
                       f"{oracle_points} points, {len(chosen)} entries each, agreement to "
                       + (f"{min(digits, dps + 15):.0f} digits" if np.isfinite(digits)
                          else f"all {dps + 15} digits"))
    evidence.insert(1, f"compiled float64 vs oracle: max abs error {max_abs:.3g}, "
                       f"max rel error {max_rel:.3g}")
    if support_line:
        evidence.append(support_line)
    if plan.d.op == "hessian" and len(pts):
        evidence.append(_symmetry_line(compiled, pts[0], args, plan.shape))
    if len(bad_points) * 2 >= oracle_points and code_bad:
        named, index, c, t = code_bad[0]
        return CheckReport(
            "refuted", method, points=len(pts), max_abs_error=max_abs, max_rel_error=max_rel,
            error_estimate=max_est, worst_point=named, subject=subject,
            counterexample=Counterexample(named, c, t, plan.label(index)),
            diagnosis="the formula is right but the compiled code does not compute it "
                      "(a code generation error)", evidence=tuple(evidence))
    if code_warn or code_bad:
        evidence.append(f"warning: compiled float64 loses accuracy at {len(code_warn) + len(code_bad)}"
                        " entries (ill-conditioned there); the formula itself is right")
    return CheckReport("verified", method, points=len(pts), max_abs_error=max_abs,
                       max_rel_error=max_rel, error_estimate=max_est,
                       worst_point=worst.get("point"), subject=subject, evidence=tuple(evidence))


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


def _refuted(d, plan, named, index, claim, truth, npts, dps, evidence, subject, max_est):
    gap = abs(claim - truth)
    rel = float(gap / abs(truth)) if truth != 0 else float("inf")
    evidence.insert(0, f"the formula disagrees with the mpmath derivative of the source "
                       f"({dps}+15 digits) at {_fmt_point(named)}")
    return CheckReport(
        "refuted", f"mpmath oracle ({dps} digits)", points=npts, max_abs_error=float(gap),
        max_rel_error=rel, error_estimate=max_est, worst_point=named, subject=subject,
        counterexample=Counterexample(named, claim, truth, plan.label(index)),
        diagnosis=_diagnose_entry(claim, truth), evidence=tuple(evidence))


def _diagnose_entry(claim, truth):
    if truth != 0 and abs(claim + truth) <= mpmath.mpf(10) ** -20 * abs(truth):
        return "wrong sign: the claimed value is minus the true one"
    if truth != 0 and claim != 0:
        ratio = claim / truth
        if abs(ratio - 1) < mpmath.mpf("1e-3"):
            return f"claimed / true = 1 {'+' if ratio > 1 else '-'} {mpmath.nstr(abs(ratio - 1), 3)} here"
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


def _fmt_point(named):
    return ", ".join(f"{k}={v:.6g}" for k, v in named.items())


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
            evidence.append(f"point {_fmt_point(named)}: oracle unavailable ({e})")
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
    if not tried:
        return CheckReport("inconclusive", "none", points=len(pts), subject=subject,
                           evidence=tuple(evidence) or ("the oracle could not evaluate",))
    evidence.insert(0, f"Taylor coefficients 0..{degree} compared with mpmath.taylor of the "
                       f"source at {dps}+15 digits at {tried} parameter points")
    return CheckReport("verified", f"mpmath.taylor ({dps} digits)", points=len(pts),
                       max_abs_error=max_abs, max_rel_error=max_rel, error_estimate=max_est,
                       subject=subject, evidence=tuple(evidence))


def _free(expr):
    return set(getattr(expr, "free_symbols", set()))
