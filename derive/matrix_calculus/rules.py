"""The rules of matrix differential calculus, as data.

Three tables, each mapping an expression class to one small function; the
engine in :mod:`derive.matrix_calculus.differential` only looks rules up and applies
them, so adding an operation means adding a row here.

``DIFFERENTIAL``
    ``rule(expr, d) -> differential of expr`` (``d`` differentiates a
    sub-expression and returns ``None`` for a constant).  The differential is
    a matrix expression linear in the differential symbol ``dX``:
    ``d(AB) = dA B + A dB``, ``d(A^-1) = -A^-1 dA A^-1``,
    ``d det A = det A tr(A^-1 dA)``, ``d f(A) = f'(A) o dA``,
    ``d softmax(z) = s o dz - s (s^T dz)``...
``PULLBACK``
    ``rule(L, C, pull, pull_scalar) -> G`` for a matrix ``L`` linear in ``dX``
    and a cotangent ``C`` of ``L``'s shape: the ``G`` with
    ``tr(C^T L) = tr(G^T dX)``.  This is "write df = tr(G^T dX) and read off
    G", one linear operation at a time: ``tr(C^T A L B) = tr((A^T C B^T)^T L)``,
    ``tr(C^T L^T) = tr(C L)``, ``tr(C^T (H o L)) = tr((H o C)^T L)``.
``JACOBIAN``
    ``rule(L, jac, grad) -> J`` for a column ``L`` linear in a vector
    differential ``dx``: the ``J`` with ``L = J dx`` (``H o L`` gives
    ``diag(H) J``).

Examples
--------
>>> import sympy as sp
>>> sorted(k.__name__ for k in PULLBACK)[:4]
['AsDiagonal', 'HadamardProduct', 'MatAdd', 'MatMul']
>>> sp.Inverse in DIFFERENTIAL
True
"""

from __future__ import annotations

import sympy as sp

from derive.errors import ShapeError
from derive.matrix_calculus.algebra import (
    add,
    hadamard,
    matrix_factors,
    mul,
    neg,
    transpose,
)
from derive.matrix_calculus.elementwise import (
    Diag,
    Elementwise,
    LogSumExp,
    Norm,
    Softmax,
    lift,
)

_t = sp.Dummy("t", real=True)


# -- differentials ------------------------------------------------------------------

def _d_matadd(e, d):
    return add(*[d(a) for a in e.args])


def _d_matmul(e, d):
    coeff, mats = matrix_factors(e)
    terms = [mul(d(coeff), *mats)]
    for i, m in enumerate(mats):
        terms.append(mul(coeff, *mats[:i], d(m), *mats[i + 1:]))
    return add(*terms)


def _d_transpose(e, d):
    return transpose(d(e.arg))


def _d_inverse(e, d):
    return neg(mul(e, d(e.arg), e))


def _d_matpow(e, d):
    base, k = e.args
    if not (k.is_Integer and k != 0):
        raise ShapeError(f"matrix power {e} needs a constant nonzero integer exponent")
    if k < 0:
        return _d_inverse(sp.Inverse(sp.MatPow(base, -k) if k != -1 else base), d)
    db = d(base)
    I = sp.Identity(base.shape[0])

    def pw(j):
        return I if j == 0 else base if j == 1 else sp.MatPow(base, j)
    return add(*[mul(pw(i), db, pw(int(k) - 1 - i)) for i in range(int(k))])


def _d_hadamard(e, d):
    fs = list(e.args)
    return add(*[hadamard(*fs[:i], d(f), *fs[i + 1:]) for i, f in enumerate(fs)])


def _d_hadamard_power(e, d):
    base, p = e.args
    if p.free_symbols:
        raise ShapeError(f"elementwise power {e} needs a constant exponent")
    inner = base if p - 1 == 1 else sp.HadamardPower(base, p - 1)
    return mul(p, hadamard(inner, d(base))) if p - 1 != 0 else d(base)


def _d_elementwise(e, d):
    fprime = sp.diff(e.function(_t), _t)
    return hadamard(lift(fprime, _t, e.arg), d(e.arg))


def _d_softmax(e, d):
    dz = d(e.arg)
    if dz is None:
        return None
    r, c = e.shape
    sdz = hadamard(e, dz)
    if e.axis == 0 and c == 1:                      # s o dz - s (s^T dz)
        return add(sdz, neg(mul(e, transpose(e), dz)))
    if e.axis == 0:                                 # S o dZ - S o (1 1^T (S o dZ))
        return add(sdz, neg(hadamard(e, mul(sp.OneMatrix(r, 1), sp.OneMatrix(1, r), sdz))))
    return add(sdz, neg(hadamard(e, mul(sdz, sp.OneMatrix(c, 1), sp.OneMatrix(1, c)))))


def _d_logsumexp(e, d):
    dz = d(e.arg)
    if dz is None:
        return None
    s = Softmax(e.arg, e.axis)
    r, c = e.arg.shape
    if e.axis == 0 and c == 1:                      # s^T dz
        return mul(transpose(s), dz)
    if e.axis == 0:
        return mul(sp.OneMatrix(1, r), hadamard(s, dz))
    return mul(hadamard(s, dz), sp.OneMatrix(c, 1))


def _d_diag(e, d):
    dv = d(e.arg)
    return None if dv is None else Diag(dv)


def _d_trace(e, d):
    dA = d(e.arg)
    return None if dA is None else sp.Trace(dA)


def _d_det(e, d):
    dA = d(e.arg)
    return None if dA is None else e * sp.Trace(mul(sp.Inverse(e.arg), dA))


def _d_norm(e, d):
    dA = d(e.arg)
    return None if dA is None else sp.Trace(mul(transpose(e.arg), dA)) / e


def _d_scalar(e, d):
    """Chain rule through any scalar SymPy node (Add, Mul, Pow, exp, log, ...)."""
    dargs = [d(a) for a in e.args]
    if all(da is None for da in dargs):
        return None
    dummies = [sp.Dummy(f"u{i}") for i in range(len(e.args))]
    node = e.func(*dummies)
    terms = []
    for u, a, da in zip(dummies, e.args, dargs):
        if da is None:
            continue
        partial = sp.diff(node, u).subs(dict(zip(dummies, e.args)))
        terms.append(partial * da)
    return add(*terms)


DIFFERENTIAL = {
    sp.MatAdd: _d_matadd,
    sp.MatMul: _d_matmul,
    sp.Transpose: _d_transpose,
    sp.Inverse: _d_inverse,
    sp.MatPow: _d_matpow,
    sp.HadamardProduct: _d_hadamard,
    sp.HadamardPower: _d_hadamard_power,
    Elementwise: _d_elementwise,
    Softmax: _d_softmax,
    LogSumExp: _d_logsumexp,
    Diag: _d_diag,
    sp.Trace: _d_trace,
    sp.Determinant: _d_det,
    Norm: _d_norm,
    sp.Expr: _d_scalar,   # Add, Mul, Pow and scalar functions
}


# -- pullbacks: read off G from tr(C^T L) = tr(G^T dX) -----------------------------------

def _p_matadd(L, C, pull, pull_scalar):
    return add(*[pull(t, C) for t in L.args])


def _p_matmul(L, C, pull, pull_scalar, *, has):
    coeff, mats = matrix_factors(L)
    if has(coeff):
        M = mul(*mats)
        return pull_scalar(coeff, sp.Trace(mul(transpose(C), M)))
    idx = [i for i, m in enumerate(mats) if has(m)]
    if len(idx) != 1:
        raise ShapeError(f"{L} is not linear in the differential")
    i = idx[0]
    A, B = mats[:i], mats[i + 1:]
    Ct = mul(coeff, *[transpose(a) for a in reversed(A)], C, *[transpose(b) for b in reversed(B)])
    return pull(mats[i], Ct)


def _p_transpose(L, C, pull, pull_scalar):
    return pull(L.arg, transpose(C))


def _p_hadamard(L, C, pull, pull_scalar, *, has):
    idx = [i for i, f in enumerate(L.args) if has(f)]
    if len(idx) != 1:
        raise ShapeError(f"{L} is not linear in the differential")
    others = [f for i, f in enumerate(L.args) if i != idx[0]]
    return pull(L.args[idx[0]], hadamard(*others, C))


def _p_diag(L, C, pull, pull_scalar):
    return pull(L.arg, sp.DiagonalOf(C))


PULLBACK = {
    sp.MatAdd: _p_matadd,
    sp.MatMul: _p_matmul,
    sp.Transpose: _p_transpose,
    sp.HadamardProduct: _p_hadamard,
    Diag: _p_diag,
}


# -- Jacobians: J with L = J dx ---------------------------------------------------------

def _j_matadd(L, jac, grad, *, has):
    return add(*[jac(t) for t in L.args])


def _j_matmul(L, jac, grad, *, has):
    coeff, mats = matrix_factors(L)
    if has(coeff):                                  # (g^T dx) M  ->  M g^T
        return mul(*mats, transpose(grad(coeff)))
    idx = [i for i, m in enumerate(mats) if has(m)]
    if len(idx) != 1:
        raise ShapeError(f"{L} is not linear in the differential")
    i = idx[0]
    A, F, B = mats[:i], mats[i], mats[i + 1:]
    if not B:
        return mul(coeff, *A, jac(F))
    if F.shape[0] == 1 or (not A and L.shape == (1, 1)):   # A (F B) with F B a 1x1 scalar
        return mul(coeff, *A, transpose(grad(mul(F, *B))))
    Bm = mul(*B)
    if Bm.shape == (1, 1):                          # A F (1x1): the scalar commutes
        return mul(coeff, sp.Trace(Bm), *A, jac(F))
    if isinstance(F, Diag) and Bm.shape[1] == 1:    # diag(u) b = diag(b) u
        return mul(coeff, *A, Diag(Bm), jac(F.arg))
    raise ShapeError(f"cannot write {L} as J dx in matrix form; try a gradient of a scalar")


def _j_transpose(L, jac, grad, *, has):
    inner = transpose(L.arg)
    if isinstance(inner, sp.Transpose):
        raise ShapeError(f"cannot write {L} as J dx in matrix form")
    return jac(inner)


def _j_hadamard(L, jac, grad, *, has):
    idx = [i for i, f in enumerate(L.args) if has(f)]
    if len(idx) != 1:
        raise ShapeError(f"{L} is not linear in the differential")
    others = hadamard(*[f for i, f in enumerate(L.args) if i != idx[0]])
    return mul(Diag(others), jac(L.args[idx[0]]))


JACOBIAN = {
    sp.MatAdd: _j_matadd,
    sp.MatMul: _j_matmul,
    sp.Transpose: _j_transpose,
    sp.HadamardProduct: _j_hadamard,
}

#: Pullback and Jacobian rules that need to know which parts hold the differential.
NEEDS_HAS = {_p_matmul, _p_hadamard}
