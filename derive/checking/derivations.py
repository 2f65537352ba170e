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

The plans (what the truth of each entry is) live in :mod:`derive.checking.plans`,
the comparison at one point in :mod:`derive.checking.entries`, series in
:mod:`derive.checking.series`; this module runs the points and assembles the
report.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from derive.checking.diagnosis import describe
from derive.checking.entries import (
    PROJECTIONS,
    Claims,
    compare_entry,
    compare_projection,
    diagnose_values,
    finite_real,
    float_eval,
    point_context,
)
from derive.checking.matrix import check_matrix
from derive.checking.oracle import OracleError, mp_function
from derive.checking.plans import PLANS, Plan
from derive.checking.report import CheckReport, Counterexample, format_point
from derive.checking.sampling import resolve_at, sample_points
from derive.checking.second_order import check_second_order
from derive.checking.series import check_series
from derive.errors import DeriveError


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
    if op not in PLANS and op != "series":
        raise DeriveError(f"check: no checking rule for operation {op!r}; known: "
                          f"{', '.join(sorted(PLANS))} and matrix_*")
    if dps < 30:
        raise ValueError(f"check: dps={dps} is too low for an oracle; use 30 or more")
    if not isinstance(points, int) or points < 1:
        raise ValueError(f"check: points must be a positive integer, got {points!r}")
    if op == "series":
        return check_series(derivation, at=at, seed=seed, points=points, dps=dps)
    plan = PLANS[op](derivation)
    return _run(derivation, plan, at=at, seed=seed, points=points, dps=dps,
                max_entries=max_entries)


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
        return finite_real(float_eval(source_c, [p[s] for s in args]))

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
        ctx = point_context(d, plan, compiled, source_c, values, point, seed)
        claims = Claims(result_fn, values, dps)
        default = plan.default
        chosen = (default if len(default) <= max_entries else
                  [default[k] for k in sorted(rng.choice(len(default), max_entries,
                                                         replace=False))])
        try:
            for index in chosen:
                verdict = compare_entry(plan, index, values, claims, ctx, named, dps, state)
                if verdict is not None:
                    return _refuted(plan, named, *verdict, p_i + 1, dps, state, subject)
            if plan.bilinear is not None:
                for _ in range(PROJECTIONS):
                    verdict = compare_projection(plan, rng, values, claims, ctx, named, dps, state)
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
                    verdict = compare_entry(plan, index, values, claims, ctx, named, dps, state)
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


def _refuted(plan, named, index, claim, truth, npts, dps, state, subject):
    described = None
    if index == "projection":
        plan = Plan.__new__(Plan)
        plan.label = lambda idx: "u' R w along random directions u, w"
    else:
        described = _describe_entry(plan.d, index)
    gap = abs(claim - truth)
    rel = float(gap / abs(truth)) if truth != 0 else float("inf")
    evidence = [f"the formula disagrees with the mpmath derivative of the source "
                f"({dps}+15 digits) at {format_point(named)}"] + state["evidence"]
    return CheckReport(
        "refuted", f"mpmath oracle ({dps} digits)", points=npts, max_abs_error=float(gap),
        max_rel_error=rel, error_estimate=state["max_est"], worst_point=named, subject=subject,
        counterexample=Counterexample(named, claim, truth, plan.label(index)),
        diagnosis=described or diagnose_values(claim, truth), evidence=tuple(evidence))


def _entry_truth(d, index):
    """The entry's derivative of the source by SymPy's ``diff`` (for naming a mistake only)."""
    if d.op == "derivative":
        return sp.diff(d.source, d.wrt[0], int(d.options.get("n", 1)))
    if d.op == "gradient":
        return sp.diff(d.source, d.wrt[index[0]])
    if d.op == "hessian":
        return sp.diff(d.source, d.wrt[index[0]], d.wrt[index[1]])
    if d.op == "jacobian":
        F = list(sp.ImmutableMatrix(d.source)) if not isinstance(d.source, sp.Expr) \
            else [d.source]
        return sp.diff(F[index[0]], d.wrt[index[1]])
    return None


def _describe_entry(d, index):
    """A refuted entry in a person's terms: the term that differs or the slip that repairs it.

    The decision was the oracle's; this only names what is wrong, using SymPy's
    derivative of the source as the reference for the names.
    """
    try:
        truth = _entry_truth(d, index)
        claim = d.result[index] if index else d.result
    except (TypeError, ValueError, IndexError, AttributeError):
        return None
    if truth is None or not isinstance(claim, sp.Expr):
        return None
    variable = d.wrt[0] if d.op == "derivative" else d.wrt[index[-1]] if index else d.wrt[0]
    return describe(claim, truth, {"source": d.source if isinstance(d.source, sp.Expr)
                                   else None, "variable": variable})


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
    H = float_eval(compiled, [point[s] for s in args])
    if not finite_real(H):
        return "compiled Hessian not finite at the first point"
    H = np.asarray(H, dtype=float).reshape(shape)
    asym = float(np.max(np.abs(H - H.T), initial=0))
    return f"compiled Hessian symmetry: max |H - H^T| = {asym:.3g}"




