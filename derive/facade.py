"""The facade's own functions: derivatives that choose their calculus by the input.

``derive.gradient``, ``derive.jacobian`` and ``derive.hessian`` take either
scalar variables (names or symbols: entry-by-entry calculus,
:mod:`derive.calculus`) or one matrix or vector symbol (matrix calculus in
matrix form, :mod:`derive.matrix_calculus`). The choice lives here, at the top,
so that neither calculus imports the other.

Examples
--------
>>> from derive.facade import gradient
>>> gradient("x**2*y", "x y").result.T
Matrix([[2*x*y, x**2]])
>>> from derive.matrix_calculus import matrix, vector, total_sum
>>> A, x = matrix("A", "n", "n"), vector("x", "n")
>>> gradient(x.T * A * x, x).result
(A + A.T)*x
"""

from __future__ import annotations

import sympy as sp

from derive import calculus, matrix_calculus
from derive.derivation import Derivation


def _is_matrix_variable(wrt) -> bool:
    return isinstance(wrt, sp.MatrixSymbol)


def gradient(f, wrt) -> Derivation:
    """The gradient of a scalar: a column in scalar variables, ``wrt``'s shape in a matrix.

    See :func:`derive.calculus.gradient` and :func:`derive.matrix_calculus.gradient`.

    Examples
    --------
    >>> gradient("x*y + exp(x)", "x y").result.T
    Matrix([[y + exp(x), x]])
    """
    if _is_matrix_variable(wrt):
        return matrix_calculus.gradient(f, wrt)
    return calculus.gradient(f, wrt)


def jacobian(F, wrt) -> Derivation:
    """The Jacobian, ``m x n`` (see :func:`derive.calculus.jacobian`, matrix calculus likewise).

    Examples
    --------
    >>> jacobian("[x**2, x*y]", "x y").result
    Matrix([
    [2*x, 0],
    [  y, x]])
    """
    if _is_matrix_variable(wrt):
        return matrix_calculus.jacobian(F, wrt)
    return calculus.jacobian(F, wrt)


def hessian(f, wrt) -> Derivation:
    """The Hessian: the Jacobian of the gradient, in scalar or matrix calculus by ``wrt``.

    Examples
    --------
    >>> hessian("x*y**2", "x y").result
    Matrix([
    [  0, 2*y],
    [2*y, 2*x]])
    """
    if _is_matrix_variable(wrt):
        return matrix_calculus.hessian(f, wrt)
    return calculus.hessian(f, wrt)
