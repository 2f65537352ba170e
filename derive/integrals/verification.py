"""Checks of a closed form: an antiderivative differentiated back, a definite value by quadrature.

Parameters are drawn at random, respecting their assumptions (positive,
negative, integer).
"""

from __future__ import annotations

import random

import mpmath
import sympy as sp

from derive.integrals.quadrature import _quad
from derive.integrals.result import IntegralCheck
from derive.parsing import as_sympy

_N_POINTS = 4               # random points for verification
_VERIFY_DIGITS = 30         # working digits when checking an antiderivative


_REGION_TRIES = 400         # random draws to find points inside a region of validity
_WIDER = ((0.5, 2.0), (0.05, 1.0), (-3.0, 3.0), (1.0, 6.0))


def _sample_points(symbols, n, seed, variables=(), region=None):
    """Random values respecting assumptions: positive/integer/negative; reals in [0.5, 2].

    With ``region`` (a SymPy condition on the symbols), only points where it holds
    are returned, drawn from wider ranges when [0.5, 2] misses it; fewer than ``n``
    (possibly none) when the region is hard to hit.
    """
    rng = random.Random(seed)
    points = []
    for attempt in range(n if region is None else _REGION_TRIES):
        lo_hi = _WIDER[0] if region is None else _WIDER[(attempt // 8) % len(_WIDER)]
        point = {}
        for s in sorted(symbols, key=lambda s: s.name):
            if s.is_integer:
                lo = 1 if (s.is_positive or s.is_nonnegative) else (-4 if s.is_negative else 1)
                hi = -1 if s.is_negative else 4
                point[s] = sp.Integer(rng.randint(lo, hi))
            else:
                v = rng.uniform(0.3, 1.7) if s in variables else rng.uniform(*lo_hi)
                if s.is_positive or s.is_nonnegative:
                    v = abs(v) or 0.5
                if s.is_negative or s.is_nonpositive:
                    v = -abs(v) or -0.5
                point[s] = sp.Float(round(v, 6), _VERIFY_DIGITS)
        if region is not None and region.xreplace(point) is not sp.true:
            continue
        points.append(point)
        if len(points) == n:
            break
    return points


def _number(expr, subs, dps):
    """expr evaluated at subs with dps digits as a Python complex/mpmath number, or None."""
    try:
        v = expr.evalf(dps, subs=subs) if subs else expr.evalf(dps)
    except (TypeError, ValueError, ZeroDivisionError, AttributeError, RecursionError):
        return None
    if v.has(sp.Integral) or v.has(sp.Piecewise) or v.free_symbols:
        return None
    if v in (sp.nan, sp.zoo) or v.has(sp.oo, -sp.oo, sp.zoo, sp.nan):
        return None
    try:
        with mpmath.workdps(dps):
            re, im = v.as_real_imag()
            c = mpmath.mpc(mpmath.mpf(sp.Float(re, dps)), mpmath.mpf(sp.Float(im, dps)))
    except (TypeError, ValueError):
        return None
    return c


def _verify_antiderivative(f, F, variables, seed, region=None):
    """Differentiate F back along every variable and compare with f at random points.

    With ``region``, the points are drawn where it holds (a closed form valid on
    part of parameter space is checked inside its region).
    """
    deriv = F
    for v in reversed(variables):
        deriv = sp.diff(deriv, v)
    free = (f.free_symbols | F.free_symbols)
    points = _sample_points(free, _N_POINTS, seed, variables, region)
    worst, used = 0.0, []
    for point in points:
        a = _number(deriv, point, _VERIFY_DIGITS)
        b = _number(f, point, _VERIFY_DIGITS)
        if a is None or b is None:
            continue
        err = float(abs(a - b))
        scale = max(1.0, float(abs(b)))
        used.append({str(k): float(v) for k, v in point.items()})
        worst = max(worst, err / scale)
        if err > 1e-12 * scale:
            return IntegralCheck("refuted", "derivative of the antiderivative vs the integrand",
                                 tuple(used), err,
                                 f"d/d{','.join(map(str, variables))} F - f = {err:.3g} at "
                                 f"{used[-1]}")
    if not used:
        return IntegralCheck("inconclusive", "derivative of the antiderivative vs the integrand",
                             (), None, "no random point gave finite numbers on both sides")
    return IntegralCheck("verified", "derivative of the antiderivative vs the integrand at "
                         f"{len(used)} random points, {_VERIFY_DIGITS} digits",
                         tuple(used), worst)


def _verify_definite(f, limits, value, dps, seed, region=None):
    """Compare an exact definite value with mpmath.quad (parameters drawn at random).

    All arithmetic runs at ``dps + 10`` digits, so a value asked for at 30 digits
    is compared at 30 digits. With ``region``, parameters are drawn where it holds.
    """
    with mpmath.workdps(dps + 10):
        return _compare_definite(f, limits, value, dps, seed, region)


def _compare_definite(f, limits, value, dps, seed, region):
    limits = tuple(tuple(as_sympy(t) for t in lim) for lim in limits)
    value = as_sympy(value)
    integration_vars = {lim[0] for lim in limits}
    params = (f.free_symbols | value.free_symbols
              | set().union(*(lim[1].free_symbols | lim[2].free_symbols for lim in limits)))
    params -= integration_vars
    points = _sample_points(params, 3, seed, (), region) if params else [{}]
    worst, used, quad_value = 0.0, [], None
    for point in points:
        exact = _number(value, point, dps + 10)
        if exact is None:
            continue
        try:
            q, err = _quad(f, limits, dps, point)
        except (ValueError, ZeroDivisionError, TypeError) as exc:
            return IntegralCheck("inconclusive", "exact value vs mpmath.quad", tuple(used), None,
                                 f"quadrature failed: {exc}")
        q = mpmath.mpc(q)
        diff = float(abs(exact - q))
        scale = max(1.0, float(abs(exact)))
        used.append({str(k): float(v) for k, v in point.items()})
        if not params:
            quad_value = q
        if float(err) > 10.0 ** (-min(dps, 15) + 6) * scale:
            return IntegralCheck("inconclusive", "exact value vs mpmath.quad", tuple(used),
                                 diff, f"quadrature error estimate {float(err):.2g} too "
                                 "large to decide")
        if diff > max(10.0 ** (-dps + 3) * scale, 100 * float(err)):
            # refute only if a second quadrature rule confirms the first one
            try:
                q2 = mpmath.mpc(_quad(f, limits, dps, point, method="split")[0])
            except (ValueError, ZeroDivisionError, TypeError):
                q2 = None
            if q2 is None or float(abs(q2 - q)) > diff / 10:
                return IntegralCheck("inconclusive", "exact value vs mpmath.quad", tuple(used),
                                     diff, "the two quadrature rules disagree with each other "
                                     "(singular or oscillatory integrand?)")
            return IntegralCheck("refuted", "exact value vs mpmath.quad", tuple(used), diff,
                                 f"exact {mpmath.nstr(exact, 12)} vs quad "
                                 f"{mpmath.nstr(q, 12)} at {used[-1]}")
        worst = max(worst, diff)
    if not used:
        return IntegralCheck("inconclusive", "exact value vs mpmath.quad", (), None,
                             "the value is not a finite number at any sampled parameters")
    where = f" at {len(used)} random parameter values" if params else ""
    detail = "" if quad_value is None else "quad = " + mpmath.nstr(
        quad_value.real if quad_value.imag == 0 else quad_value, min(dps, 20))
    return IntegralCheck("verified", f"exact value vs mpmath.quad{where}, {dps} digits",
                         tuple(used), worst, detail)
