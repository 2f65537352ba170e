"""Textbook form: factor what a textbook factors.

The read-off leaves sums such as ``X^T sigma(X w) - X^T y`` and
``A x + A^T x``; :func:`textbook` factors common left and right matrix
factors out of sums, bottom-up, giving ``X^T (sigma(X w) - y)`` and
``(A + A^T) x``.  It only regroups products (distributivity), so the value
never changes.

Examples
--------
>>> from derive.matrix.symbols import matrix, vector
>>> x, A = vector("x", "n"), matrix("A", "n", "n")
>>> textbook(A * x + A.T * x)
(A + A.T)*x
>>> X, w, y = matrix("X", "n", "m"), vector("w", "m"), vector("y", "n")
>>> textbook(X.T * X * w - X.T * y)
X.T*(X*w - y)
"""

from __future__ import annotations

import sympy as sp
from sympy import MatrixExpr

from derive.matrix.algebra import add, hadamard, matrix_factors, mul


def _hadamard_factors(c, mats):
    if len(mats) == 1 and isinstance(mats[0], sp.HadamardProduct):
        return list(mats[0].args)
    return None


def _factor_hadamard(e, terms):
    """h o a + h o b  ->  h o (a + b)."""
    counts = {}
    for c, mats in terms:
        for f in dict.fromkeys(_hadamard_factors(c, mats) or []):
            counts[f] = counts.get(f, 0) + 1
    common = [f for f, k in counts.items() if k >= 2]
    if not common:
        return None
    key = max(common, key=lambda f: counts[f])
    inner, others = [], []
    for c, mats in terms:
        fs = _hadamard_factors(c, mats)
        if fs is not None and key in fs:
            rest = list(fs)
            rest.remove(key)
            inner.append(mul(c, hadamard(*rest)))
        else:
            others.append(mul(c, *mats))
    return add(hadamard(key, textbook(add(*inner))), *others)


def _factor_sum(e):
    terms = [matrix_factors(t) for t in e.args]
    out = _factor_hadamard(e, terms)
    if out is not None:
        return out
    for side in (0, -1):                       # common left factor first, then right
        groups = {}
        for k, (c, mats) in enumerate(terms):
            if len(mats) >= 2:
                groups.setdefault(mats[side], []).append(k)
        best = max(groups.items(), key=lambda kv: len(kv[1]), default=(None, []))
        key, members = best
        if len(members) < 2:
            continue
        inner = []
        for k in members:
            c, mats = terms[k]
            rest = mats[1:] if side == 0 else mats[:-1]
            inner.append(mul(c, *rest))
        grouped = mul(key, textbook(add(*inner))) if side == 0 else mul(textbook(add(*inner)), key)
        others = [mul(c, *mats) for k, (c, mats) in enumerate(terms) if k not in members]
        return add(grouped, *others)
    return e


def textbook(e):
    """``e`` with common matrix factors pulled out of sums (bottom-up)."""
    if e is None or not isinstance(e, sp.Basic) or e.is_Atom or isinstance(e, sp.MatrixSymbol):
        return e
    if isinstance(e, (MatrixExpr, sp.Expr)) and e.args:
        args = [textbook(a) if isinstance(a, (MatrixExpr, sp.Expr)) and not isinstance(a, sp.Lambda)
                else a for a in e.args]
        if any(a is not b for a, b in zip(args, e.args)):
            if isinstance(e, sp.MatMul):
                e = mul(*args)
            elif isinstance(e, sp.MatAdd):
                e = add(*args)
            else:
                e = e.func(*args)
    if isinstance(e, sp.MatAdd):
        before = None
        while isinstance(e, sp.MatAdd) and e != before:
            before = e
            e = _factor_sum(e)
    return e
