"""The matrix-expression node types SymPy lacks: elementwise functions, softmax, norms.

Small :class:`~sympy.MatrixExpr` subclasses that print as a textbook does
(``sigmoid(X*w)``, ``diag(p)``, ``||w||``). The functions that build them, and
simplify while they do, are in :mod:`derive.matrix_calculus.elementwise`;
:mod:`derive.matrix_calculus.algebra` needs only the types, so they live here.

Examples
--------
>>> from derive.matrix_calculus.symbols import vector
>>> from derive.matrix_calculus.nodes import Norm
>>> Norm(vector("w", "m"))
||w||
"""

from __future__ import annotations

import sympy as sp
from sympy import MatrixExpr
from sympy.printing.precedence import PRECEDENCE

from derive.errors import ShapeError
from derive.matrix_calculus.symbols import as_expr

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

    def _entry(self, i, j, **kwargs):
        return sp.KroneckerDelta(i, j) * self.arg._entry(i, 0, **kwargs)

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
