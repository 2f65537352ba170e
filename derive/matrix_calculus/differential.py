"""The one engine: take the differential, then read off the derivative.

For a scalar ``f`` of a matrix ``X``, :func:`differential` applies the rules
of :data:`derive.matrix_calculus.rules.DIFFERENTIAL` to get ``df`` as an expression
linear in the symbol ``dX``; :func:`read_off_gradient` then rewrites ``df``
as ``tr(G^T dX)`` with the rules of :data:`~derive.matrix_calculus.rules.PULLBACK`
and returns ``G`` (the gradient, shaped like ``X``).  For a column ``F`` of
a vector ``x``, :func:`read_off_jacobian` writes ``dF = J dx`` and returns
``J``.  Nothing is ever expanded into entries, so the work does not depend
on the sizes.

Why SymPy's matrix expressions and not a tree of our own: the rest of
``derive`` (parsing, :class:`~derive.derivation.Derivation`, LaTeX rendering,
``free_symbols``) already speaks SymPy, and SymPy's ``MatMul``/``MatAdd``
canonicalise products and collect like terms for free.  What SymPy gets
wrong is its *differentiation* (``MatrixExpr.diff`` returns wrong zeros,
sympy#17229, #24725, #30527), which is not used anywhere here; the missing
pieces (elementwise functions, softmax, logsumexp, norms, diag) are small
``MatrixExpr`` subclasses in :mod:`derive.matrix_calculus.elementwise`.

Examples
--------
>>> from derive.matrix_calculus.symbols import matrix, vector
>>> x, A = vector("x", "n"), matrix("A", "n", "n")
>>> df, dx = differential(x.T * A * x, x)
>>> df
dx.T*A*x + x.T*A*dx
>>> read_off_gradient(df, dx)
A*x + A.T*x
"""

from __future__ import annotations

import sympy as sp
from sympy import MatrixExpr

from derive.errors import ShapeError
from derive.matrix_calculus import rules
from derive.matrix_calculus.algebra import add, is_zero, transpose
from derive.matrix_calculus.symbols import as_expr


def differential_symbol(X):
    """The symbol ``dX`` standing for a perturbation of ``X`` (same shape)."""
    return sp.MatrixSymbol(f"d{X.name}", *X.shape)


def _rule(table, e):
    for cls in type(e).__mro__:
        if cls in table:
            return table[cls]
    return None


def differential(expr, X, dX=None):
    """The differential of ``expr`` with respect to the matrix symbol ``X``.

    Parameters
    ----------
    expr : sympy expression
        Scalar, or matrix expression, in ``X`` and other symbols (constants).
    X : sympy.MatrixSymbol
        The variable.
    dX : sympy.MatrixSymbol, optional
        The differential symbol; ``d<X>`` by default.

    Returns
    -------
    (df, dX)
        ``df`` is linear in ``dX`` (0 when ``expr`` does not depend on ``X``).

    Examples
    --------
    >>> from derive.matrix_calculus.symbols import matrix
    >>> import sympy as sp
    >>> X = matrix("X", "n", "n")
    >>> differential(sp.log(sp.Determinant(X)), X)[0]
    Trace(X**(-1)*dX)
    """
    if dX is None:
        dX = differential_symbol(X)
    memo = {}

    def d(e):
        if e in memo:
            return memo[e]
        if not isinstance(e, sp.Basic) or not e.has(X):
            out = None
        elif e == X:
            out = dX
        elif isinstance(e, sp.MatrixSymbol):
            out = None
        else:
            rule = _rule(rules.DIFFERENTIAL, e)
            if rule is None or (rule is rules.DIFFERENTIAL[sp.Expr] and isinstance(e, MatrixExpr)):
                raise ShapeError(f"no differential rule for {type(e).__name__} in {expr}; "
                                 "write it with products, transposes, inverses, traces, "
                                 "determinants, Hadamard products or elementwise functions")
            out = rule(e, d)
        memo[e] = out
        return out

    expr = as_expr(expr)
    out = d(expr)
    if is_zero(out):
        out = sp.ZeroMatrix(*expr.shape) if isinstance(expr, MatrixExpr) else sp.S.Zero
    return out, dX


def _has(dX):
    return lambda e: isinstance(e, sp.Basic) and e.has(dX)


def read_off_gradient(df, dX):
    """The ``G`` with ``df = tr(G^T dX)``, for a scalar (or 1x1) ``df`` linear in ``dX``.

    Examples
    --------
    >>> from derive.matrix_calculus.symbols import matrix, vector
    >>> X, a, b = matrix("X", "n", "m"), vector("a", "n"), vector("b", "m")
    >>> dX = differential_symbol(X)
    >>> read_off_gradient(a.T * dX * b, dX)
    a*b.T
    """
    has = _has(dX)

    def pull(L, C):
        if not has(L):
            return None
        if L == dX:
            return C
        rule = _rule(rules.PULLBACK, L)
        if rule is None:
            raise ShapeError(f"cannot read off a gradient from {L}: not linear in {dX}")
        if rule in rules.NEEDS_HAS:
            return rule(L, C, pull, pull_scalar, has=has)
        return rule(L, C, pull, pull_scalar)

    def pull_scalar(s, c):
        if not has(s):
            return None
        if isinstance(s, MatrixExpr):
            return pull(s, c * sp.Identity(1) if c != 1 else sp.Identity(1))
        if isinstance(s, sp.Add):
            return add(*[pull_scalar(a, c) for a in s.args])
        if isinstance(s, sp.Mul):
            inner = [a for a in s.args if has(a)]
            if len(inner) != 1:
                raise ShapeError(f"{s} is not linear in {dX}")
            rest = sp.Mul(*[a for a in s.args if not has(a)])
            return pull_scalar(inner[0], c * rest)
        if isinstance(s, sp.Trace):
            k = s.arg.shape[0]
            return pull(s.arg, sp.Identity(k) if c == 1 else _scaled_identity(c, k))
        raise ShapeError(f"{s} is not linear in {dX}")

    G = pull_scalar(df, sp.S.One)
    return sp.ZeroMatrix(*dX.shape) if is_zero(G) else G


def _scaled_identity(c, k):
    return sp.MatMul(c, sp.Identity(k)) if k != 1 else sp.MatMul(c, sp.Identity(1))


def read_off_jacobian(dF, dx):
    """The ``J`` with ``dF = J dx``, for a column (or 1x1) ``dF`` linear in a vector ``dx``.

    Examples
    --------
    >>> from derive.matrix_calculus.symbols import matrix, vector
    >>> A, x = matrix("A", "m", "n"), vector("x", "n")
    >>> dx = differential_symbol(x)
    >>> read_off_jacobian(A * dx, dx)
    A
    """
    has = _has(dx)
    if dx.shape[1] != 1:
        raise ShapeError(f"a Jacobian in matrix form needs a vector variable; {dx} has shape {dx.shape}")

    def jac(L):
        if not has(L):
            return None
        if L == dx:
            return sp.Identity(dx.shape[0])
        if not isinstance(L, MatrixExpr):       # a scalar linear in dx: the gradient, transposed
            return transpose(grad(L))
        rule = _rule(rules.JACOBIAN, L)
        if rule is None:
            raise ShapeError(f"cannot write {L} as J d{dx.name[1:]} in matrix form")
        return rule(L, jac, grad, has=has)

    def grad(s):
        return read_off_gradient(s, dx)

    if isinstance(dF, MatrixExpr) and dF.shape[1] != 1:
        raise ShapeError(f"a Jacobian in matrix form needs a column-vector function; got shape {dF.shape}")
    J = jac(dF)
    rows = dF.shape[0] if isinstance(dF, MatrixExpr) else 1
    return sp.ZeroMatrix(rows, dx.shape[0]) if is_zero(J) else J
