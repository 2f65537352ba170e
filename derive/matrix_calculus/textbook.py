"""Textbook form: factor what a textbook factors.

The read-off leaves sums such as ``X^T sigma(X w) - X^T y`` and
``A x + A^T x``; :func:`textbook` factors common left and right matrix
factors out of sums, bottom-up, giving ``X^T (sigma(X w) - y)`` and
``(A + A^T) x``.  It only regroups products (distributivity), so the value
never changes.

Examples
--------
>>> from derive.matrix_calculus.symbols import matrix, vector
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

from derive.matrix_calculus.algebra import add, hadamard, matrix_factors, mul, transpose
from derive.matrix_calculus.elementwise import InverseTranspose


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
    return add(hadamard(key, _factor(add(*inner))), *others)


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
        grouped = mul(key, _factor(add(*inner))) if side == 0 else mul(_factor(add(*inner)), key)
        others = [mul(c, *mats) for k, (c, mats) in enumerate(terms) if k not in members]
        return add(grouped, *others)
    return e


def _rebuild(e, f):
    """``e`` with ``f`` applied to its matrix/scalar arguments, rebuilt tidily."""
    if e is None or not isinstance(e, sp.Basic) or e.is_Atom or isinstance(e, sp.MatrixSymbol) \
            or isinstance(e, sp.MatrixBase):
        return e
    args = [f(a) if isinstance(a, (MatrixExpr, sp.Expr)) and not isinstance(a, sp.Lambda) else a
            for a in e.args]
    if all(a is b for a, b in zip(args, e.args)):
        return e
    if isinstance(e, sp.MatMul):
        return mul(*args)
    if isinstance(e, sp.MatAdd):
        return add(*args)
    return e.func(*args)


def _square(m):
    return m.shape[0] == m.shape[1]


def _open_inverses(e):
    """Inverses in SymPy's cancelling form: (ABC)^-1 = C^-1 B^-1 A^-1 (square factors),
    X^-T = (X^T)^-1, so that A^T (A X B)^-T B^T reduces to X^-T."""
    if isinstance(e, InverseTranspose):
        return _open_inverses(sp.Inverse(transpose(e.arg.arg)))
    if isinstance(e, sp.Transpose) and isinstance(e.arg, sp.Inverse):
        return _open_inverses(sp.Inverse(transpose(e.arg.arg)))
    e = _rebuild(e, _open_inverses)
    if isinstance(e, sp.Inverse) and isinstance(e.arg, sp.MatMul):
        c, mats = e.arg.as_coeff_matrices()
        if all(_square(m) for m in mats):
            return mul(1 / c, *[sp.Inverse(m) for m in reversed(mats)])
    return e


def _close_inverses(e):
    """(X^T)^-1 back to the textbook X^-T."""
    e = _rebuild(e, _close_inverses)
    if isinstance(e, sp.Inverse) and isinstance(e.arg, sp.Transpose):
        return InverseTranspose(sp.Inverse(e.arg.arg))
    return e


def textbook(e):
    """``e`` with inverses cancelled and common matrix factors pulled out of sums.

    Examples
    --------
    >>> import sympy as sp
    >>> from derive.matrix_calculus.symbols import matrix
    >>> A, X, B = (matrix(c, "n", "n") for c in "AXB")
    >>> textbook(A.T * InverseTranspose(sp.Inverse(A * X * B)) * B.T)
    X^-T
    """
    if e is None or not isinstance(e, sp.Basic):
        return e
    return _close_inverses(_factor(_open_inverses(e)))


def _factor(e):
    """``e`` with common matrix factors pulled out of sums (bottom-up)."""
    if e is None or not isinstance(e, sp.Basic) or e.is_Atom or isinstance(e, sp.MatrixSymbol):
        return e
    if isinstance(e, (MatrixExpr, sp.Expr)) and e.args:
        args = [_factor(a) if isinstance(a, (MatrixExpr, sp.Expr)) and not isinstance(a, sp.Lambda)
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
