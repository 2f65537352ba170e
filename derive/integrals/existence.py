"""Whether a value SymPy returns is a value: divergence, non-existence, regions of validity.

SymPy's ``integrate`` answers a divergent or non-existent integral with ``oo``,
``nan``, ``zoo`` or ``AccumBounds``, and a conditionally valid one with a
``Piecewise`` whose last branch is the unevaluated integral. None of these is an
exact value. :func:`classify` sorts a returned value into

* ``("value", expr, region)``: a usable closed form, valid where ``region``
  holds (``None`` means everywhere the user's assumptions allow);
* ``("diverges", oo or -oo, reason)`` / ``("does not exist", None, reason)``;
* ``("singular", None, reason)``: ``nan``/``zoo`` that the caller settles with
  :func:`nonintegrable_point`;
* ``("incomplete", None, reason)``: nothing usable (an unevaluated piece).

>>> import sympy as sp
>>> x, m = sp.symbols("x m", real=True)
>>> classify(sp.AccumBounds(0, 2))[0]
'does not exist'
>>> classify(sp.oo)[:2]
('diverges', oo)
>>> kind, value, region = classify(sp.Piecewise((1/m, m > 0), (sp.Integral(sp.exp(-m*x), (x, 0, sp.oo)), True)))
>>> kind, value, region
('value', 1/m, m > 0)
>>> nonintegrable_point(1/x, x, -1, 1)
0
"""

from __future__ import annotations

import sympy as sp
from sympy.calculus.singularities import singularities

__all__ = ["classify", "nonintegrable_point"]

_UNUSABLE = (sp.Integral, sp.Lambda, sp.AccumBounds)


def _bad(expr) -> str:
    """What makes ``expr`` unusable as a closed form, or '' if nothing does."""
    if expr.has(sp.nan):
        return "nan"
    if expr.has(sp.zoo):
        return "zoo (complex infinity)"
    if expr.has(sp.AccumBounds):
        return "AccumBounds"
    if expr.has(sp.Integral):
        return "an unevaluated Integral"
    if expr.has(sp.Lambda):
        return "an unevaluated Lambda"
    if expr.has(sp.oo, -sp.oo):
        return "an infinity"
    return ""


def classify(value):
    """Sort a value returned by ``sympy.integrate`` (see the module docstring).

    Parameters
    ----------
    value : sympy.Expr

    Returns
    -------
    (kind, expr or None, region or reason)
    """
    if isinstance(value, sp.AccumBounds) or (value.has(sp.AccumBounds) and not value.free_symbols):
        return ("does not exist", None,
                f"the integral oscillates without settling: sympy.integrate's limit is "
                f"{sp.sstr(value)}, a range, not a number")
    if value in (sp.oo, -sp.oo):
        return ("diverges", value, f"the integral grows without bound (to {sp.sstr(value)})")
    if value in (sp.nan, sp.zoo) or (not value.free_symbols and value.has(sp.nan, sp.zoo)):
        return ("singular", None, f"sympy.integrate returned {sp.sstr(value)}")
    if isinstance(value, sp.Piecewise):
        kind, expr, region = _restrict(value)
        return (kind, expr, region) if kind != "value" else _zero_powers(expr, region)
    why = _bad(value)
    if why:
        return ("incomplete", None, f"the value contains {why}")
    return ("value", value, None)


def _restrict(value):
    """The branches of a Piecewise that are values, with the region where they hold."""
    good, seen = [], []
    for expr, cond in value.args:
        effective = sp.And(cond, *[sp.Not(c) for c in seen]) if seen else cond
        seen.append(cond)
        if effective is sp.false:
            continue
        if not _bad(expr):
            good.append((expr, effective))
    if not good:
        return ("incomplete", None, "no branch of the Piecewise is a closed form")
    if len(good) == len(value.args) or good[-1][1] is sp.true:
        return ("value", sp.Piecewise(*value.args) if len(good) > 1 else good[0][0], None)
    region = _real_args(sp.Or(*[c for _, c in good]))
    if region is sp.true:
        return ("value", sp.Piecewise(*good) if len(good) > 1 else good[0][0], None)
    if sp.count_ops(region) < 40:
        region = sp.simplify_logic(region)
    if len(good) == 1:
        return ("value", good[0][0], region)
    return ("value", sp.Piecewise(*good), region)


def _zero_powers(expr, region):
    """``0**e`` (an endpoint at zero raised to a parameter) is 0 where ``e > 0``: say so."""
    zeros = [p for p in expr.atoms(sp.Pow) if p.base == 0 and p.exp.free_symbols]
    if not zeros:
        return ("value", expr, region)
    cond = sp.And(*[sp.Gt(p.exp, 0) for p in zeros])
    region = cond if region is None else sp.And(region, cond)
    if sp.count_ops(region) < 40:
        region = _drop_implied_ne(sp.simplify_logic(region))
    return ("value", expr.xreplace({p: sp.S.Zero for p in zeros}), region)


def _drop_implied_ne(cond):
    """``(y > -1) & Ne(y, -1)`` is ``y > -1``: drop an ``Ne(s, c)`` the rest already excludes."""
    if not isinstance(cond, sp.And):
        return cond
    args = list(cond.args)
    for ne in [a for a in args if isinstance(a, sp.Ne) and isinstance(a.lhs, sp.Symbol)]:
        others = [a for a in args if a is not ne]
        if sp.And(*others).xreplace({ne.lhs: ne.rhs}) is sp.false:
            args.remove(ne)
    return sp.And(*args)


def _real_args(cond):
    """``|arg(a)| < c`` with ``a`` real and ``0 < c <= pi`` is ``a > 0`` (meijerg's conditions)."""
    def is_arg_bound(e):
        return (isinstance(e, sp.StrictLessThan) and isinstance(e.lhs, sp.Abs)
                and isinstance(e.lhs.args[0], sp.arg) and e.lhs.args[0].args[0].is_real
                and e.rhs.is_positive and (e.rhs <= sp.pi) is sp.true)
    return cond.replace(is_arg_bound, lambda e: sp.Gt(e.lhs.args[0].args[0], 0))


def nonintegrable_point(f, var, a, b):
    """A point of ``[a, b]`` where ``f`` blows up like ``1/(x - c)`` or faster, or None.

    Such a singularity makes the integral diverge (as a Lebesgue or improper
    Riemann integral; a principal value is another question). Runs SymPy's
    ``singularities`` and ``limit``: call it inside :func:`derive.guard.run`.
    """
    lo, hi = sp.sympify(a), sp.sympify(b)  # sympify: package-built limits, not user text
    try:
        points = singularities(f, var, sp.Interval(sp.Min(lo, hi), sp.Max(lo, hi)))
    except (NotImplementedError, TypeError, ValueError):
        return None
    if not isinstance(points, sp.FiniteSet):
        return None
    for c in sorted(points, key=lambda p: float(p) if p.is_finite else 0.0):
        if not c.is_finite:
            continue
        for side in ("+", "-"):
            if (side == "+" and c == max(lo, hi)) or (side == "-" and c == min(lo, hi)):
                continue
            try:
                order = sp.limit((var - c) * f, var, c, side)
            except (NotImplementedError, TypeError, ValueError):
                continue
            if order.is_zero is False and order is not sp.nan:
                return c
    return None
