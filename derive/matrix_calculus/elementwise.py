"""Matrix expressions SymPy lacks: elementwise functions, softmax, logsumexp, norms.

SymPy's matrix expressions have products, transposes, inverses, traces,
determinants, Hadamard products and powers, but no ``exp(X)`` applied entry
by entry, no softmax, no logsumexp and no norm.  They are defined here as
small :class:`~sympy.MatrixExpr` subclasses that print as a textbook does,
so results like ``X^T (sigma(X w) - y)`` stay in matrix form.

Axis convention (as NumPy's): ``axis=0`` works down each column
(``softmax(Z, axis=0)`` makes every column sum to one, ``logsumexp(Z, 0)``
is a row ``1 x m``); ``axis=1`` along each row.  A column vector uses
``axis=0``.

Examples
--------
>>> from derive.matrix_calculus.symbols import matrix, vector
>>> from derive.matrix_calculus.elementwise import sigmoid, softmax, logsumexp, hadamard, norm
>>> X, w = matrix("X", "n", "m"), vector("w", "m")
>>> sigmoid(X * w)
sigmoid(X*w)
>>> z = vector("z", "k")
>>> logsumexp(z).shape, softmax(z).shape
((1, 1), (k, 1))
>>> hadamard(X, X)
HadamardPower(X, 2)
>>> norm(w)
||w||
"""

from __future__ import annotations

import sympy as sp
from sympy import MatrixExpr

from derive import functions as _dl
from derive.errors import ShapeError
from derive.matrix_calculus.algebra import add, mul
from derive.matrix_calculus.algebra import hadamard as tidy
from derive.matrix_calculus.nodes import (  # noqa: F401 (re-exported)
    AsDiagonal,
    AxisSoftmax,
    Diag,
    Elementwise,
    InverseTranspose,
    LogSumExp,
    Norm,
    Softmax,
    _matrix_or_fail,
)
from derive.matrix_calculus.symbols import as_expr

_ARG = sp.Symbol("ARGPLACEHOLDER")
_t = sp.Dummy("t", real=True)


def apply(function, A):
    """Apply a scalar SymPy function (or one-variable Lambda) to each entry of ``A``.

    Scalars (non-matrix expressions) get the plain function.

    Examples
    --------
    >>> import sympy as sp
    >>> from derive.matrix_calculus.symbols import matrix
    >>> apply(sp.cos, matrix("A", 2, 2))
    cos(A)
    """
    A = as_expr(A)
    lam = function if isinstance(function, sp.Lambda) else sp.Lambda(_t, function(_t))
    if not isinstance(A, MatrixExpr):
        return lam(A)
    if isinstance(A, Softmax) and lam(_t) == sp.log(_t):
        return log_softmax(A.arg, A.axis)
    return Elementwise(lam, A)


def _named(function, doc):
    def f(A):
        return apply(function, A)
    f.__name__ = function.__name__
    f.__doc__ = doc
    return f


exp = _named(sp.exp, "exp of each entry.\n\nExamples\n--------\n>>> from derive.matrix_calculus.symbols import matrix\n>>> exp(matrix('A', 2, 2))\nexp(A)\n")
log = _named(sp.log, "Natural log of each entry (log of a softmax becomes the stable log-softmax).\n\nExamples\n--------\n>>> from derive.matrix_calculus.symbols import matrix\n>>> log(matrix('A', 2, 2))\nlog(A)\n")
tanh = _named(sp.tanh, "tanh of each entry.\n\nExamples\n--------\n>>> from derive.matrix_calculus.symbols import matrix\n>>> tanh(matrix('A', 2, 2))\ntanh(A)\n")
sigmoid = _named(_dl.sigmoid, "The logistic function of each entry.\n\nExamples\n--------\n>>> from derive.matrix_calculus.symbols import matrix\n>>> sigmoid(matrix('A', 2, 2))\nsigmoid(A)\n")
softplus = _named(_dl.softplus, "log(1 + exp(.)) of each entry.\n\nExamples\n--------\n>>> from derive.matrix_calculus.symbols import matrix\n>>> softplus(matrix('A', 2, 2))\nsoftplus(A)\n")
relu = _named(_dl.relu, "max(., 0) of each entry.\n\nExamples\n--------\n>>> from derive.matrix_calculus.symbols import matrix\n>>> relu(matrix('A', 2, 2))\nrelu(A)\n")


def power(A, p):
    """Each entry of ``A`` to the power ``p`` (Hadamard power).

    Examples
    --------
    >>> from derive.matrix_calculus.symbols import matrix
    >>> power(matrix("A", 2, 2), 3)
    HadamardPower(A, 3)
    """
    A, p = as_expr(A), as_expr(p)
    if not isinstance(A, MatrixExpr):
        return A ** p
    if p.free_symbols:
        raise ShapeError(f"elementwise power of {A} needs a constant exponent, got {p}")
    if p == 1:
        return A
    return sp.HadamardPower(A, p)


def sqrt(A):
    """Square root of each entry."""
    return power(A, sp.Rational(1, 2))


def hadamard(*factors):
    """The entrywise (Hadamard) product of same-shaped matrices.

    Examples
    --------
    >>> from derive.matrix_calculus.symbols import matrix
    >>> A, B = matrix("A", "n", "m"), matrix("B", "n", "m")
    >>> hadamard(A, B)
    HadamardProduct(A, B)
    """
    shapes = {tuple(f.shape) for f in factors if isinstance(f, MatrixExpr)}
    if len(shapes) > 1:
        raise ShapeError(f"Hadamard product needs equal shapes, got {sorted(map(str, shapes))}")
    return tidy(*factors)


def hadamard_quotient(A, B):
    """Entrywise quotient A / B.

    Examples
    --------
    >>> from derive.matrix_calculus.symbols import matrix
    >>> hadamard_quotient(matrix("A", 2, 2), matrix("B", 2, 2))
    HadamardProduct(A, HadamardPower(B, -1))
    """
    return hadamard(A, power(B, -1))


def ones(rows, cols):
    """The all-ones matrix (the column vector 1 when ``cols == 1``)."""
    return sp.OneMatrix(rows, cols)


def row_sum(A):
    """Sums along each row: ``A 1``, a column vector."""
    return sp.MatMul(A, sp.OneMatrix(A.shape[1], 1))


def col_sum(A):
    """Sums down each column: ``1^T A``, a row vector."""
    return sp.MatMul(sp.OneMatrix(1, A.shape[0]), A)


def total_sum(A):
    """The sum of all entries, ``1^T A 1`` (a 1x1 expression)."""
    return sp.MatMul(sp.OneMatrix(1, A.shape[0]), A, sp.OneMatrix(A.shape[1], 1))


def softmax(A, axis=0):
    """softmax along ``axis`` (0: columns sum to one; a vector uses 0)."""
    return Softmax(A, axis)


def logsumexp(A, axis=0):
    """log-sum-exp along ``axis`` (0: one value per column)."""
    return LogSumExp(A, axis)


def log_softmax(A, axis=0):
    """log softmax as ``A - 1 logsumexp(A)``: finite for any input.

    Examples
    --------
    >>> from derive.matrix_calculus.symbols import vector
    >>> log_softmax(vector("z", "k"))
    z - 1*logsumexp(z)
    """
    r, c = A.shape
    if axis == 0:
        return A - sp.MatMul(sp.OneMatrix(r, 1), LogSumExp(A, 0))
    return A - sp.MatMul(LogSumExp(A, 1), sp.OneMatrix(1, c))


def norm(A):
    """Frobenius norm (2-norm of a vector)."""
    return Norm(A)


def trace(A):
    """tr(A) for a square matrix expression."""
    A = _matrix_or_fail(as_expr(A), "trace")
    if A.shape[0] != A.shape[1]:
        raise ShapeError(f"trace needs a square matrix, {A} has shape {A.shape}")
    return sp.Trace(A)


def det(A):
    """det(A) for a square matrix expression."""
    A = _matrix_or_fail(as_expr(A), "det")
    if A.shape[0] != A.shape[1]:
        raise ShapeError(f"det needs a square matrix, {A} has shape {A.shape}")
    return sp.Determinant(A)


def logdet(A):
    """log det(A) (compiled with ``slogdet``: log |det A|)."""
    return sp.log(det(A))


def inv(A):
    """The inverse of a square matrix expression."""
    A = _matrix_or_fail(as_expr(A), "inverse")
    if A.shape[0] != A.shape[1]:
        raise ShapeError(f"inverse needs a square matrix, {A} has shape {A.shape}")
    return sp.Inverse(A)


def scalar(M):
    """A 1x1 matrix expression as a scalar (``tr`` of it), to mix with scalars.

    SymPy refuses ``x.T*x + lam*trace(W.T*W)`` in Python ("Mix of Matrix and
    Scalar symbols"): write ``scalar(x.T*x) + lam*trace(W.T*W)``. Text given to
    :func:`~derive.matrix_calculus.parse_matrix_expression` needs no wrapping.

    Examples
    --------
    >>> from derive.matrix_calculus.symbols import vector
    >>> x = vector("x", "n")
    >>> scalar(x.T * x) + 1
    Trace(x.T*x) + 1
    """
    M = as_expr(M)
    if not isinstance(M, MatrixExpr):
        return M
    if tuple(M.shape) != (1, 1):
        raise ShapeError(f"{M} has shape {M.shape}, not 1x1; it is not a scalar")
    return sp.Trace(M)


def lift(expr, t, A):
    """The matrix expression that applies the scalar ``expr`` (in ``t``) to each entry of ``A``.

    Sums stay sums, products become Hadamard products, constant powers
    Hadamard powers and functions of ``t`` elementwise functions, so the
    derivative of the sigmoid reads ``sigma(A) o (1 - sigma(A))``.

    Examples
    --------
    >>> import sympy as sp
    >>> from derive.matrix_calculus.symbols import matrix
    >>> t = sp.Symbol("t")
    >>> A = matrix("A", "n", "m")
    >>> lift(2 * t + 1, t, A)
    2*A + 1
    >>> lift(1 / t, t, A)
    HadamardPower(A, -1)
    """

    expr = as_expr(expr)
    if expr == t:
        return A
    if not expr.has(t):
        return mul(expr, sp.OneMatrix(*A.shape)) if expr != 0 else sp.ZeroMatrix(*A.shape)
    if isinstance(expr, sp.Add):
        return add(*[lift(a, t, A) for a in expr.args])
    if isinstance(expr, sp.Mul):
        const = sp.Mul(*[a for a in expr.args if not a.has(t)])
        parts = [lift(a, t, A) for a in expr.args if a.has(t)]
        return mul(const, hadamard(*parts))
    if isinstance(expr, sp.Pow) and not expr.exp.has(t):
        return power(lift(expr.base, t, A), expr.exp)
    if isinstance(expr, sp.Function) and len(expr.args) == 1 and expr.args[0] == t:
        return Elementwise(sp.Lambda(_t, expr.func(_t)), A)
    return Elementwise(sp.Lambda(_t, expr.subs(t, _t)), A)
