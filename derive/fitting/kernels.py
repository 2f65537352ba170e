"""Compiled NumPy kernels of the likelihood's expressions, for evaluation on data.

Every evaluation of a derived formula on data goes through
:func:`numeric_function`: the expressions are compiled once by
:func:`derive.codegen.compile` (CSE, stable rewrites) and the callable returns
one float array per expression.

Examples
--------
>>> import sympy as sp
>>> from derive.fitting.kernels import numeric_function
>>> x, y = sp.symbols("x y")
>>> f = numeric_function([x + y, x * y], [x, y])
>>> [v.tolist() for v in f(2.0, 3.0)]
[5.0, 6.0]
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from derive.codegen import compile as _compile

__all__ = ["numeric_function"]


def numeric_function(exprs, args):
    """NumPy callable of expressions over ``args``: returns one array per expression."""
    exprs = list(exprs)
    compiled = _compile(sp.ImmutableMatrix(exprs), list(args))

    def fn(*vals):
        out = np.asarray(compiled(*vals), float)
        return list(out.reshape((len(exprs),) + out.shape[1:]))

    return lambda *vals: [np.asarray(v, float) for v in fn(*vals)]
