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
>>> from derive.matrix.symbols import matrix, vector
>>> from derive.matrix.elementwise import sigmoid, softmax, logsumexp, hadamard, norm
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
from derive.matrix.symbols import as_expr

_ARG = sp.Symbol("ARGPLACEHOLDER")
_t = sp.Dummy("t", real=True)


def _matrix_or_fail(A, what):
    if not isinstance(A, MatrixExpr):
        raise ShapeError(f"{what} needs a matrix or vector expression, got {A!r}")
    return A


class Elementwise(MatrixExpr):
    """A scalar function applied to every entry of a matrix expression.

    ``Elementwise(Lambda(t, f(t)), A)``; use the constructors
    :func:`exp`, :func:`log`, :func:`sigmoid`, ... rather than this class.
    """

    def __new__(cls, function, arg):
        if not isinstance(function, sp.Lambda) or len(function.variables) != 1:
            raise TypeError("Elementwise needs a one-variable sympy.Lambda")
        arg = _matrix_or_fail(as_expr(arg), "an elementwise function")
        return super().__new__(cls, function, arg)

    @property
    def function(self):
        return self.args[0]

    @property
    def arg(self):
        return self.args[1]

    @property
    def shape(self):
        return self.arg.shape

    def scalar(self, t):
        """The scalar function at ``t`` (a SymPy expression)."""
        return self.function(t)

    def _entry(self, i, j, **kwargs):
        return self.function(self.arg._entry(i, j, **kwargs))

    def _fill(self, printer, text):
        body = self.function(_ARG)
        return printer._print(body).replace(_ARG.name, text)

    def _latex(self, printer):
        from sympy.printing.precedence import PRECEDENCE
        return self._fill(printer, printer.parenthesize(self.arg, PRECEDENCE["Atom"] - 1)
                          if isinstance(self.function(_ARG), sp.Pow) else printer._print(self.arg))

    def _sympystr(self, printer):
        return self._fill(printer, printer._print(self.arg))


class AxisSoftmax(MatrixExpr):
    """softmax of a matrix expression along an axis (0: each column, 1: each row).

    (Named so that SymPy, which orders terms by class name, prints
    ``softmax(z) - y`` as a textbook does; ``Softmax`` is the same class.)
    """

    def __new__(cls, arg, axis=0):
        arg = _matrix_or_fail(as_expr(arg), "softmax")
        axis = sp.Integer(int(axis))
        if axis not in (0, 1):
            raise ShapeError(f"softmax axis must be 0 (columns) or 1 (rows), got {axis}")
        return super().__new__(cls, arg, axis)

    arg = property(lambda self: self.args[0])
    axis = property(lambda self: int(self.args[1]))
    shape = property(lambda self: self.arg.shape)

    def _latex(self, printer):
        sub = "" if self.arg.shape[1] == 1 and self.axis == 0 else f"_{{{self.axis}}}"
        return rf"\operatorname{{softmax}}{sub}\left({printer._print(self.arg)}\right)"

    def _sympystr(self, printer):
        sub = "" if self.arg.shape[1] == 1 and self.axis == 0 else f", axis={self.axis}"
        return f"softmax({printer._print(self.arg)}{sub})"


Softmax = AxisSoftmax


class LogSumExp(MatrixExpr):
    """log of the sum of exp along an axis: a row (axis 0) or a column (axis 1)."""

    def __new__(cls, arg, axis=0):
        arg = _matrix_or_fail(as_expr(arg), "logsumexp")
        axis = sp.Integer(int(axis))
        if axis not in (0, 1):
            raise ShapeError(f"logsumexp axis must be 0 (columns) or 1 (rows), got {axis}")
        return super().__new__(cls, arg, axis)

    arg = property(lambda self: self.args[0])
    axis = property(lambda self: int(self.args[1]))

    @property
    def shape(self):
        r, c = self.arg.shape
        return (sp.Integer(1), c) if self.axis == 0 else (r, sp.Integer(1))

    def _latex(self, printer):
        sub = "" if self.arg.shape[1] == 1 and self.axis == 0 else f"_{{{self.axis}}}"
        return rf"\operatorname{{logsumexp}}{sub}\left({printer._print(self.arg)}\right)"

    def _sympystr(self, printer):
        sub = "" if self.arg.shape[1] == 1 and self.axis == 0 else f", axis={self.axis}"
        return f"logsumexp({printer._print(self.arg)}{sub})"


class AsDiagonal(MatrixExpr):
    """diag(v): the square matrix with the column vector v on its diagonal.

    (Named for SymPy's by-class-name term order: ``diag(p) - p p^T``; ``Diag`` is
    the same class.)
    """

    def __new__(cls, arg):
        arg = _matrix_or_fail(as_expr(arg), "diag")
        if arg.shape[1] != 1:
            raise ShapeError(f"diag needs a column vector, got shape {arg.shape} for {arg}")
        return super().__new__(cls, arg)

    arg = property(lambda self: self.args[0])
    shape = property(lambda self: (self.arg.shape[0], self.arg.shape[0]))

    def _eval_transpose(self):
        return self

    def _latex(self, printer):
        return rf"\operatorname{{diag}}\left({printer._print(self.arg)}\right)"

    def _sympystr(self, printer):
        return f"diag({printer._print(self.arg)})"


Diag = AsDiagonal


class InverseTranspose(sp.Transpose):
    """(A^-1)^T, printed as a textbook does: A^{-T}."""

    def __new__(cls, inverse):
        if not isinstance(inverse, sp.Inverse):
            raise TypeError("InverseTranspose wraps an Inverse")
        return sp.MatrixExpr.__new__(cls, inverse)

    def _latex(self, printer):
        from sympy.printing.precedence import PRECEDENCE
        return f"{printer.parenthesize(self.arg.arg, PRECEDENCE['Pow'])}^{{-T}}"

    def _sympystr(self, printer):
        inner = printer._print(self.arg.arg)
        return f"{inner}^-T" if self.arg.arg.is_symbol else f"({inner})^-T"


class Norm(sp.Expr):
    """The Frobenius norm of a matrix (the 2-norm of a vector): sqrt(tr(A^T A))."""

    is_commutative = True
    is_real = True
    is_nonnegative = True

    def __new__(cls, arg):
        arg = _matrix_or_fail(as_expr(arg), "norm")
        return super().__new__(cls, arg)

    arg = property(lambda self: self.args[0])

    def _latex(self, printer):
        sub = "_2" if self.arg.shape[1] == 1 else "_F"
        return rf"\left\|{printer._print(self.arg)}\right\|{sub}"

    def _sympystr(self, printer):
        return f"||{printer._print(self.arg)}||"


# -- constructors ---------------------------------------------------------------

def apply(function, A):
    """Apply a scalar SymPy function (or one-variable Lambda) to each entry of ``A``.

    Scalars (non-matrix expressions) get the plain function.

    Examples
    --------
    >>> import sympy as sp
    >>> from derive.matrix.symbols import matrix
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


exp = _named(sp.exp, "exp of each entry.\n\nExamples\n--------\n>>> from derive.matrix.symbols import matrix\n>>> exp(matrix('A', 2, 2))\nexp(A)\n")
log = _named(sp.log, "Natural log of each entry (log of a softmax becomes the stable log-softmax).\n\nExamples\n--------\n>>> from derive.matrix.symbols import matrix\n>>> log(matrix('A', 2, 2))\nlog(A)\n")
tanh = _named(sp.tanh, "tanh of each entry.\n\nExamples\n--------\n>>> from derive.matrix.symbols import matrix\n>>> tanh(matrix('A', 2, 2))\ntanh(A)\n")
sigmoid = _named(_dl.sigmoid, "The logistic function of each entry.\n\nExamples\n--------\n>>> from derive.matrix.symbols import matrix\n>>> sigmoid(matrix('A', 2, 2))\nsigmoid(A)\n")
softplus = _named(_dl.softplus, "log(1 + exp(.)) of each entry.\n\nExamples\n--------\n>>> from derive.matrix.symbols import matrix\n>>> softplus(matrix('A', 2, 2))\nsoftplus(A)\n")
relu = _named(_dl.relu, "max(., 0) of each entry.\n\nExamples\n--------\n>>> from derive.matrix.symbols import matrix\n>>> relu(matrix('A', 2, 2))\nrelu(A)\n")


def power(A, p):
    """Each entry of ``A`` to the power ``p`` (Hadamard power).

    Examples
    --------
    >>> from derive.matrix.symbols import matrix
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
    >>> from derive.matrix.symbols import matrix
    >>> A, B = matrix("A", "n", "m"), matrix("B", "n", "m")
    >>> hadamard(A, B)
    HadamardProduct(A, B)
    """
    shapes = {tuple(f.shape) for f in factors if isinstance(f, MatrixExpr)}
    if len(shapes) > 1:
        raise ShapeError(f"Hadamard product needs equal shapes, got {sorted(map(str, shapes))}")
    from derive.matrix.algebra import hadamard as tidy
    return tidy(*factors)


def hadamard_quotient(A, B):
    """Entrywise quotient A / B.

    Examples
    --------
    >>> from derive.matrix.symbols import matrix
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
    >>> from derive.matrix.symbols import vector
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

    Examples
    --------
    >>> from derive.matrix.symbols import vector
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
    >>> from derive.matrix.symbols import matrix
    >>> t = sp.Symbol("t")
    >>> A = matrix("A", "n", "m")
    >>> lift(2 * t + 1, t, A)
    2*A + 1
    >>> lift(1 / t, t, A)
    HadamardPower(A, -1)
    """
    from derive.matrix.algebra import add, hadamard, mul

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
