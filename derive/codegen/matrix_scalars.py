"""Scalars inside compiled matrix code: ``trace(X.T X) + lam * log(det(S))``.

The matrix emitter (:mod:`derive.codegen.matrix`) hands the scalar parts of an
expression to :class:`ScalarPrinter`, which prints the arithmetic with NumPy
and asks the emitter back for every matrix-valued atom (a trace is an
``einsum``, ``log det`` a ``slogdet``, a squared norm a sum of squares), so
each matrix operation is written once, by the emitter.

Examples
--------
>>> import numpy as np
>>> from derive.codegen.matrix import compile_matrix
>>> from derive.matrix_calculus import matrix
>>> from sympy import Trace, log, Determinant
>>> S = matrix("S", 2, 2)
>>> f = compile_matrix(Trace(S) + log(Determinant(S)), [S])
>>> print(round(float(f(np.diag([2.0, 3.0]))), 12), round(5 + float(np.log(6)), 12))
6.791759469228 6.791759469228
"""

from __future__ import annotations

import sympy as sp
from sympy.printing.numpy import NumPyPrinter

from derive.matrix_calculus.elementwise import Norm

__all__ = ["ScalarPrinter"]


class ScalarPrinter(NumPyPrinter):
    """NumPy printing of scalar expressions whose atoms may be matrix functions.

    ``emitter`` writes the matrix sub-expressions (traces, determinants, norms,
    entries) and names the symbols; this printer writes the scalar arithmetic
    around them, with the stable forms of derive's functions.
    """

    def __init__(self, emitter):
        super().__init__({"fully_qualified_modules": True, "strict": True})
        self.emitter = emitter
        if emitter.fw is not None:     # derive's functions print through _print_<name> below
            self.printmethod = "_matrixcode"

    def _module_format(self, fqn, register=True):
        return super()._module_format(self.emitter.call(fqn), register)

    def _print_Symbol(self, s):
        return self.emitter.name_of(s)

    def _print_Trace(self, e):
        return self.emitter.trace(e.arg)

    def _print_Determinant(self, e):
        return f"{self._module_format('numpy.linalg.det')}({self.emitter.code(e.arg)})"

    def _print_Norm(self, e):          # sqrt(sum(A*A)): analytic, so complex steps work
        a = self.emitter.code(e.arg)
        return f"{self._module_format('numpy.sqrt')}({self._module_format('numpy.sum')}({a} * {a}))"

    def _print_Pow(self, e, rational=False):
        if isinstance(e.base, Norm) and e.exp == 2:
            a = self.emitter.code(e.base.arg)
            return f"{self._module_format('numpy.sum')}({a} * {a})"
        return super()._print_Pow(e, rational=rational)

    def _print_log(self, e):
        if isinstance(e.args[0], sp.Determinant):
            return (f"{self._module_format('numpy.linalg.slogdet')}"
                    f"({self.emitter.code(e.args[0].arg)})[1]")
        return f"{self._module_format('numpy.log')}({self._print(e.args[0])})"

    def _print_sigmoid(self, e):
        return f"{self._module_format('scipy.special.expit')}({self._print(e.args[0])})"

    def _zero_like(self, x):       # frameworks other than NumPy want tensors on both sides
        return "0" if self.emitter.fw is None else f"{self._module_format('numpy.zeros_like')}({x})"

    def _print_softplus(self, e):
        x = self._print(e.args[0])
        return f"{self._module_format('numpy.logaddexp')}({self._zero_like(x)}, {x})"

    def _print_relu(self, e):
        x = self._print(e.args[0])
        return f"{self._module_format('numpy.maximum')}({x}, {self._zero_like(x)})"

    def _print_Heaviside(self, e):
        h0 = float(e.args[1] if len(e.args) > 1 else sp.Rational(1, 2))
        x = self._print(e.args[0])
        h = repr(h0) if self.emitter.fw is None else f"{self._module_format('numpy.full_like')}({x}, {h0!r})"
        return f"{self._module_format('numpy.heaviside')}({x}, {h})"

    def _print_MatrixElement(self, e):
        return f"{self.emitter.code(e.parent)}[{self._print(e.i)}, {self._print(e.j)}]"
