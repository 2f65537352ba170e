"""Tidy constructors for matrix expressions, used by every rule.

The rules of :mod:`derive.matrix_calculus.rules` build their results with these
instead of the raw SymPy classes: zeros vanish (``None`` stands for a zero
differential), identities and all-ones factors drop out of products, like
terms collect, and :func:`transpose` pushes a transpose through products,
sums and Hadamard products the way a textbook does, so that
``((X w - y)^T X)^T`` comes back as ``X^T (X w - y)`` rather than
``X^T (w^T X^T - y^T)^T``.

Examples
--------
>>> import sympy as sp
>>> from derive.matrix_calculus.symbols import matrix, vector
>>> X, w, y = matrix("X", "n", "m"), vector("w", "m"), vector("y", "n")
>>> transpose(mul(transpose(X * w - y), X))
X.T*(X*w - y)
>>> mul(X, sp.Identity(X.shape[1]), w)
X*w
>>> add(None, X * w, X * w)
2*X*w
"""

from __future__ import annotations

import sympy as sp
from sympy import MatrixExpr

from derive.matrix_calculus.nodes import Diag, Elementwise, InverseTranspose


def is_zero(e):
    """True for ``None``, 0 and zero matrices."""
    return e is None or e == 0 or isinstance(e, sp.ZeroMatrix)


def mul(*factors):
    """A product; ``None`` when any factor is zero. Scalars go in front."""
    if any(is_zero(f) for f in factors):
        return None
    scal = [f for f in factors if not isinstance(f, MatrixExpr)]
    mats = [f for f in factors if isinstance(f, MatrixExpr)]
    mats = [m for m in mats if not (isinstance(m, sp.Identity) and len(mats) > 1)]
    coeff = sp.Mul(*scal)
    if not mats:
        return coeff
    if len(mats) == 1 and coeff == 1:
        return mats[0]
    return sp.MatMul(coeff, *mats, evaluate=True) if coeff != 1 else sp.MatMul(*mats, evaluate=True)


def add(*terms):
    """A sum of like-shaped terms, zeros and ``None`` dropped; ``None`` if nothing is left."""
    terms = [t for t in terms if not is_zero(t)]
    if not terms:
        return None
    if len(terms) == 1:
        return terms[0]
    if any(isinstance(t, MatrixExpr) for t in terms):
        out = sp.MatAdd(*terms, evaluate=True)
        return None if is_zero(out) else out
    out = sp.Add(*terms)
    return None if out == 0 else out


def neg(e):
    """-e (``None`` stays ``None``)."""
    return None if is_zero(e) else mul(sp.S.NegativeOne, e)


def _is_ones(e):
    return isinstance(e, sp.OneMatrix) or (isinstance(e, sp.Identity) and e.shape == (1, 1))


def hadamard(*factors):
    """A Hadamard product; all-ones factors drop, equal bases merge their powers."""
    if any(is_zero(f) for f in factors):
        return None
    flat = []
    for f in factors:
        flat.extend(f.args if isinstance(f, sp.HadamardProduct) else [f])
    coeff, mats = sp.S.One, []
    for f in flat:
        if isinstance(f, sp.MatMul):
            c, ms = f.as_coeff_matrices()
            if c != 1:
                coeff *= c
                f = sp.MatMul(*ms) if len(ms) > 1 else ms[0]
        mats.append(f)
    powers = {}
    order = []
    for f in mats:
        base, p = (f.args[0], f.args[1]) if isinstance(f, sp.HadamardPower) else (f, sp.S.One)
        if base not in powers:
            order.append(base)
            powers[base] = sp.S.Zero
        powers[base] += p
    kept = []
    for base in order:
        p = powers[base]
        if p == 0 or _is_ones(base):
            continue
        kept.append(base if p == 1 else sp.HadamardPower(base, p))
    if not kept:
        one = sp.OneMatrix(*mats[0].shape)
        return mul(coeff, one)
    core = kept[0] if len(kept) == 1 else sp.HadamardProduct(*kept)
    return mul(coeff, core)


def transpose(e):
    """The transpose, pushed through products, sums and Hadamard products."""
    if e is None:
        return None
    if not isinstance(e, MatrixExpr):
        return e
    if isinstance(e, sp.Transpose):
        return e.arg
    if isinstance(e, sp.MatMul):
        c, mats = e.as_coeff_matrices()
        return mul(c, *[transpose(m) for m in reversed(mats)])
    if isinstance(e, sp.MatAdd):
        return add(*[transpose(t) for t in e.args])
    if isinstance(e, sp.HadamardProduct):
        return hadamard(*[transpose(f) for f in e.args])
    if isinstance(e, sp.HadamardPower):
        return sp.HadamardPower(transpose(e.args[0]), e.args[1])
    if isinstance(e, (sp.Identity, Diag)):
        return e
    if isinstance(e, sp.OneMatrix):
        return sp.OneMatrix(e.shape[1], e.shape[0])
    if isinstance(e, Elementwise) and isinstance(e.arg, sp.Transpose):
        return Elementwise(e.function, e.arg.arg)
    if isinstance(e, sp.Inverse):
        inner = transpose(e.arg)
        return sp.Inverse(inner) if inner == e.arg else InverseTranspose(e)
    if tuple(e.shape) == (1, 1) and not isinstance(e, sp.MatrixSymbol):
        return e
    t = e.T
    return t


def matrix_factors(e):
    """``(coeff, [matrix factors])`` of a product, or ``(1, [e])``."""
    if isinstance(e, sp.MatMul):
        c, mats = e.as_coeff_matrices()
        return c, list(mats)
    return sp.S.One, [e]

