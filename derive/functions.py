"""Deep-learning functions SymPy lacks, as real SymPy functions.

``sigmoid``, ``softplus`` and ``relu`` differentiate, evaluate at numbers to any
precision, rewrite to elementary functions (``.rewrite(exp)``), and print as the
numerically stable NumPy/SciPy calls (``scipy.special.expit``,
``numpy.logaddexp(0, x)``, ``numpy.maximum(x, 0)``).

Examples
--------
>>> import sympy as sp
>>> from derive.functions import sigmoid, softplus
>>> x = sp.Symbol("x")
>>> sp.diff(softplus(x), x)
sigmoid(x)
>>> sp.diff(sigmoid(x), x)
(1 - sigmoid(x))*sigmoid(x)
>>> sigmoid(0)
1/2
>>> sp.N(softplus(1), 20)
1.3132616875182228340
"""

from __future__ import annotations

import sympy as sp
from sympy.core.function import ArgumentIndexError


class sigmoid(sp.Function):
    """The logistic function 1 / (1 + exp(-x))."""

    def fdiff(self, argindex=1):
        if argindex != 1:
            raise ArgumentIndexError(self, argindex)
        return self * (1 - self)

    @classmethod
    def eval(cls, x):  # SymPy's automatic-evaluation hook on a SymPy argument; runs no text
        if x.is_zero:
            return sp.Rational(1, 2)
        if x is sp.oo:
            return sp.S.One
        if x is sp.S.NegativeInfinity:
            return sp.S.Zero

    def _eval_rewrite_as_exp(self, x, **kwargs):
        return 1 / (1 + sp.exp(-x))

    _eval_rewrite_as_tractable = _eval_rewrite_as_exp

    def _eval_rewrite_as_tanh(self, x, **kwargs):
        return (1 + sp.tanh(x / 2)) / 2

    def _eval_evalf(self, prec):
        return self.rewrite(sp.exp)._eval_evalf(prec)

    def _eval_is_real(self):
        return self.args[0].is_real

    def _eval_is_positive(self):
        return self.args[0].is_real

    def _pythoncode(self, printer):
        return f"{printer._module_format('scipy.special.expit')}({printer._print(self.args[0])})"

    _numpycode = _pythoncode

    def _mpmathcode(self, printer):
        arg = printer._print(self.args[0])
        return f"(1/(1 + {printer._module_format('mpmath.exp')}(-({arg}))))"

    def _latex(self, printer):
        return rf"\sigma\left({printer._print(self.args[0])}\right)"


class softplus(sp.Function):
    """log(1 + exp(x)), computed stably as ``logaddexp(0, x)``."""

    def fdiff(self, argindex=1):
        if argindex != 1:
            raise ArgumentIndexError(self, argindex)
        return sigmoid(self.args[0])

    @classmethod
    def eval(cls, x):  # SymPy's automatic-evaluation hook on a SymPy argument; runs no text
        if x.is_zero:
            return sp.log(2)

    def _eval_rewrite_as_log(self, x, **kwargs):
        return sp.log(1 + sp.exp(x))

    _eval_rewrite_as_exp = _eval_rewrite_as_log
    _eval_rewrite_as_tractable = _eval_rewrite_as_log

    def _eval_evalf(self, prec):
        return self.rewrite(sp.log)._eval_evalf(prec)

    def _eval_is_real(self):
        return self.args[0].is_real

    def _eval_is_positive(self):
        return self.args[0].is_real

    def _pythoncode(self, printer):
        return f"{printer._module_format('numpy.logaddexp')}(0, {printer._print(self.args[0])})"

    _numpycode = _pythoncode

    def _mpmathcode(self, printer):
        arg = printer._print(self.args[0])
        return f"{printer._module_format('mpmath.log')}(1 + {printer._module_format('mpmath.exp')}({arg}))"

    def _latex(self, printer):
        return rf"\operatorname{{softplus}}\left({printer._print(self.args[0])}\right)"


class relu(sp.Function):
    """max(x, 0); its derivative is the Heaviside step (0 at x = 0)."""

    def fdiff(self, argindex=1):
        if argindex != 1:
            raise ArgumentIndexError(self, argindex)
        return sp.Heaviside(self.args[0], 0)

    @classmethod
    def eval(cls, x):  # SymPy's automatic-evaluation hook on a SymPy argument; runs no text
        if x.is_nonnegative:
            return x
        if x.is_nonpositive:
            return sp.S.Zero

    def _eval_rewrite_as_Max(self, x, **kwargs):
        return sp.Max(x, 0)

    _eval_rewrite_as_Piecewise = lambda self, x, **kw: sp.Piecewise((x, x > 0), (0, True))  # noqa: E731

    def _eval_evalf(self, prec):
        return sp.Max(self.args[0], 0)._eval_evalf(prec)

    def _eval_is_real(self):
        return self.args[0].is_real

    def _pythoncode(self, printer):
        return f"{printer._module_format('numpy.maximum')}({printer._print(self.args[0])}, 0)"

    _numpycode = _pythoncode

    def _mpmathcode(self, printer):
        return f"{printer._module_format('mpmath.mpf')}(max({printer._print(self.args[0])}, 0))"

    def _latex(self, printer):
        return rf"\operatorname{{relu}}\left({printer._print(self.args[0])}\right)"


#: Functions of this module, by the name users write in expressions.
DEEP_LEARNING_FUNCTIONS = {"sigmoid": sigmoid, "softplus": softplus, "relu": relu}
