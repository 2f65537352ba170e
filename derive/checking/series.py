"""Check a series expansion: Taylor coefficients against ``mpmath.taylor`` of the source.

Examples
--------
>>> from derive.calculus import series
>>> from derive.checking.series import check_series
>>> d = series("exp(x)", "x", n=3)
>>> check_series(d, at=None, seed=0, points=1, dps=30).status
'verified'
"""

from __future__ import annotations

import mpmath
import sympy as sp

from derive.checking.entries import (
    CODE_GROSS,
    ORACLE_MARGIN,
    ORACLE_REL,
    diagnose_values,
    finite_real,
    float_eval,
)
from derive.checking.oracle import (
    OracleError,
    mp_function,
    real,
    taylor_coefficients,
    two_precisions,
)
from derive.checking.report import CheckReport, Counterexample, format_point
from derive.checking.sampling import resolve_at, sample_points


def check_series(d, *, at, seed, points, dps):
    x = d.wrt[0]
    # series() stores x0 parsed (derive.parsing); strict refuses text anyone else put there
    x0 = sp.sympify(d.options.get("x0", 0), strict=True)
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
                    diagnosis=diagnose_values(cv, tv),
                    evidence=tuple(evidence) + (f"Taylor coefficient {k} differs from "
                                                "mpmath.taylor of the source",))
        # the compiled polynomial against the formula at x0 + 1/4
        xv = float(x0m) + 0.25
        value = float_eval(code, [xv] + pvals)
        with mpmath.workdps(dps):
            exact_value = real(claimed_mp(xv, *pvals), "series")
            scale = sum(abs(real(sp.N(c, dps)._to_mpmath(mpmath.mp.prec), "coefficient"))
                        * mpmath.mpf(0.25) ** k for k, c in enumerate(coeffs))
        if not finite_real(value):
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
