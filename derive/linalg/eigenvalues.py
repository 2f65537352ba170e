"""Eigenvalues on their own, and compact forms of rotation-like eigenvalues.

When SymPy's eigenvectors of a symbolic matrix run past the budget, its
eigenvalues often do not: :func:`eigenvalues_worker` (run under the guard)
returns them with their multiplicities, and :func:`value_check` checks each
one without vectors: ``det(A - lambda I)`` must vanish, at random values of
the symbols, evaluated with mpmath at ``digits + 10`` digits relative to
``||A||^n``.

:func:`compact` rewrites ``sqrt((cos t - 1)(cos t + 1))`` (SymPy's form for the
eigenvalues of a rotation) as ``I*sin(t)``: both are square roots of
``-sin(t)^2``, so an eigenpair written with one stays an eigenpair with the
other (the pair is checked again after the rewrite).

Examples
--------
>>> import sympy as sp
>>> t = sp.Symbol("t", real=True)
>>> compact(sp.cos(t) + sp.sqrt((sp.cos(t) - 1) * (sp.cos(t) + 1)))
I*sin(t) + cos(t)
>>> A = sp.ImmutableMatrix([[sp.cos(t), -sp.sin(t)], [sp.sin(t), sp.cos(t)]])
>>> from derive.linalg.eigen import _mp
>>> value_check(A, sp.cos(t) + sp.I * sp.sin(t), 30, _mp)[1]
True
"""

from __future__ import annotations

import random

import mpmath
import sympy

__all__ = ["eigenvalues_worker", "value_check", "compact"]

_POINTS = 3
_w = sympy.Wild("w")


def eigenvalues_worker(A):
    """``{value: algebraic multiplicity}`` from SymPy, or None if some root is missing."""
    try:
        values = A.eigenvals(error_when_incomplete=False)
    except (NotImplementedError, sympy.polys.polyerrors.PolynomialError):
        return None
    if sum(values.values()) < A.rows:
        return None
    return {compact(v): m for v, m in values.items()}


def _sqrt_of_negative_square(p):
    if not (isinstance(p, sympy.Pow) and p.exp == sympy.Rational(1, 2)):
        return None
    base = sympy.trigsimp(sympy.expand(p.base))
    m = base.match(-_w**2)
    if m is None or not m[_w].free_symbols or m[_w].is_real is not True:
        return None
    return sympy.I * m[_w]


def compact(expr):
    """``sqrt(-g^2)`` (after trigsimp) as ``I*g``; anything else unchanged."""
    if not isinstance(expr, sympy.Basic) or not expr.has(sympy.Pow):
        return expr
    swaps = {}
    for p in expr.atoms(sympy.Pow):
        r = _sqrt_of_negative_square(p)
        if r is not None:
            swaps[p] = r
        elif isinstance(p, sympy.Pow) and p.exp == sympy.Rational(-1, 2):
            r = _sqrt_of_negative_square(sympy.sqrt(p.base))
            if r is not None:
                swaps[p] = 1 / r
    return expr.xreplace(swaps) if swaps else expr


def value_check(A, value, digits, to_mp, seed=0):
    """``(text, ok)``: does ``det(A - value I)`` vanish (random symbol values if any)?

    ``to_mp(expr, dps)`` turns an exact number into an mpmath number (the one
    :mod:`derive.linalg.eigen` uses, which also evaluates ``CRootOf``).
    """
    symbols = sorted(A.free_symbols | value.free_symbols, key=str)
    rng = random.Random(seed)
    dps = digits + 10
    worst, tried = mpmath.mpf(0), 0
    for _ in range(_POINTS if symbols else 1):
        subs = {s: sympy.Rational(round(rng.uniform(0.5 if s.is_positive else -2.0, 2.0), 6))
                for s in symbols}
        try:
            with mpmath.workdps(dps):
                M = mpmath.matrix([[to_mp(e.xreplace(subs), dps) for e in A.row(i)]
                                   for i in range(A.rows)])
                lam = to_mp(value.xreplace(subs), dps)
                scale = (mpmath.mnorm(M, 1) + abs(lam)) ** A.rows
                res = abs(mpmath.det(M - lam * mpmath.eye(A.rows))) / max(scale, 1)
        except (ValueError, ZeroDivisionError, TypeError):
            continue
        worst, tried = max(worst, res), tried + 1
    if not tried:
        return "numeric: could not evaluate det(A - λI) at any point", False
    tol = mpmath.mpf(10) ** (-(digits // 2))
    where = f" at {tried} random points of {', '.join(map(str, symbols))}" if symbols else ""
    ok = worst <= tol
    return (f"eigenvalue only: |det(A - λI)| / (|A| + |λ|)^n = {float(worst):.1e} at "
            f"{dps} digits{where} ({'≤' if ok else '>'} {float(tol):.0e})"), ok
