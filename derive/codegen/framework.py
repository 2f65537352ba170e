"""Scalar expressions as JAX or PyTorch source: one printer, a table per framework.

The NumPy printer of :mod:`derive.codegen.scalar` names every call by its full
NumPy/SciPy path (``numpy.logaddexp``, ``scipy.special.expit``).  A framework
backend (:mod:`derive.codegen.jax_backend`, :mod:`derive.codegen.torch_backend`)
is a table from those paths to the framework's own calls (``jax.numpy.logaddexp``,
``torch.special.expit``), so the stable rewrites of
:mod:`derive.codegen.rewrite` become the framework's stable functions; a call the
table lacks is a :class:`~derive.errors.CompileError` naming it, never a silent
fallback to NumPy.  Numeric constants (``sqrt(2)``, ``pi``) are printed as
float literals, so the source imports only the framework.

Why not ``array-api-compat``: the Array API standard has ``logaddexp`` and
``hypot`` but none of the special functions the stable rewrites need
(``expit``, ``xlogy``, ``logsumexp``, ``gammaln``, ``erf``, ``softmax``), so one
array-API code path would fall back to naive formulas exactly where stability
matters; and pasted code would need ``array_api_compat`` installed beside the
framework. A table per framework keeps each framework's own stable calls and a
source that imports that framework alone.

Examples
--------
>>> import sympy as sp
>>> from derive.codegen.jax_backend import JAX
>>> x = sp.Symbol("x", real=True)
>>> print(framework_source(sp.exp(x) * sp.sqrt(2), (x,), JAX, name="f"))
import jax.numpy
<BLANKLINE>
# float64 needs jax.config.update('jax_enable_x64', True) (or the context
# manager jax.enable_x64(True)); otherwise JAX computes in float32.
<BLANKLINE>
def f(x):
    x = jax.numpy.asarray(x, dtype=jax.numpy.result_type(x, float))
    _dtype = jax.numpy.result_type(x, float)
    _shape = x.shape
    return jax.numpy.broadcast_to(jax.numpy.asarray(1.4142135623730951*jax.numpy.exp(x), dtype=_dtype), _shape)
<BLANKLINE>
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sympy as sp
from sympy.printing.numpy import SciPyPrinter

from derive.codegen.scalar import kept_assumptions, safe_names
from derive.errors import CompileError


@dataclass(frozen=True)
class Framework:
    """What differs between array frameworks, as data.

    Attributes
    ----------
    name : str
        ``"jax"`` or ``"torch"``.
    calls : dict
        NumPy/SciPy path -> the framework's path (``"numpy.exp": "jax.numpy.exp"``).
    convert : str
        Template turning parameter ``{p}`` into a floating array of the framework.
    broadcast : str
        Template broadcasting ``{e}`` (an array or a number) to ``_shape``.
    stack : str
        Template stacking the list ``{items}`` along a new first axis.
    shapes : str
        Template of the broadcast shape of ``{shapes}`` (comma-separated).
    printer : type
        The printer class (a :class:`FrameworkPrinter`).
    prelude : tuple of str
        Comment lines printed before the function, if any.
    dtype_of : callable
        Parameter names -> code of their common floating dtype (``_dtype``).
    modules : tuple of str
        Modules matrix code may import (``jax.nn`` for ``softmax``).
    cast : str
        Method call casting an array to ``_dtype`` (``astype(_dtype)``, ``to(_dtype)``).
    """

    name: str
    calls: dict
    convert: str
    broadcast: str
    stack: str
    shapes: str
    printer: type
    prelude: tuple = field(default=())
    dtype_of: Any = None
    modules: tuple = field(default=())
    cast: str = ""


class FrameworkPrinter(SciPyPrinter):
    """SciPy printing with every module path translated through a framework's table."""

    def __init__(self, framework):
        super().__init__({"fully_qualified_modules": True, "allow_unknown_functions": False,
                          "order": "none", "strict": True})
        self.framework = framework
        self.printmethod = "_frameworkcode"  # derive's functions print via _print_<name> below

    def _module_format(self, fqn, register=True):
        if "." not in fqn:             # a Python builtin (abs), works on every framework's arrays
            return fqn
        target = self.framework.calls.get(fqn)
        if target is None:
            raise CompileError(f"{fqn} has no {self.framework.name} counterpart in derive's "
                               f"table; compile with backend='numpy' or rewrite the expression")
        return super()._module_format(target, register)

    def _print_Float(self, e):         # the nearest double, all 17 digits
        return repr(float(e))

    # derive's own functions (derive.functions, derive.codegen.rewrite)
    def _print_sigmoid(self, e):
        return f"{self._module_format('scipy.special.expit')}({self._print(e.args[0])})"

    def _print_softplus(self, e):
        return self.logaddexp(sp.S.Zero, e.args[0])

    def _print_relu(self, e):
        return f"{self._module_format('numpy.maximum')}({self._print(e.args[0])}, 0.0)"

    def _print_xlogy(self, e):
        a, b = (self._print(v) for v in e.args)
        return f"{self._module_format('scipy.special.xlogy')}({a}, {b})"

    def _print_logcosh(self, e):
        return e._numpycode(self)

    def _print_Max(self, e):
        return self._fold("numpy.maximum", e.args)

    def _print_Min(self, e):
        return self._fold("numpy.minimum", e.args)

    def _fold(self, fn, args):
        ref = self._print(next(a for a in args if not a.is_number))
        codes = [f"{self._module_format('numpy.full_like')}({ref}, {self._print(a)})" if a.is_number else self._print(a)
                 for a in args]
        code = codes[0]
        for c in codes[1:]:
            code = f"{self._module_format(fn)}({code}, {c})"
        return code

    def _print_logaddexp(self, e):
        return self.logaddexp(*e.args)

    def logaddexp(self, a, b):
        """Code for ``log(exp(a) + exp(b))``."""
        return f"{self._module_format('numpy.logaddexp')}({self._print(a)}, {self._print(b)})"


def numbers_as_floats(expr):
    """Numeric sub-expressions other than rationals (``sqrt(2)``, ``pi``) as floats."""
    def numeric(e):
        return (isinstance(e, sp.Expr) and e.is_number and not e.is_Rational
                and not isinstance(e, sp.Float) and e.is_extended_real)
    return expr.replace(numeric, lambda e: sp.Float(e.evalf(20), 17))


def framework_source(expr, args, framework, *, name="f", cse=True) -> str:
    """Python source of a ``framework`` function computing ``expr`` (scalar or matrix).

    Output shapes as for NumPy: a scalar gives the broadcast shape of the inputs, an
    ``m x n`` matrix ``(m, n, *broadcast)``, a column ``(n, *broadcast)``.
    """
    names = safe_names(args)
    renamed = {a: sp.Symbol(n, **kept_assumptions(a)) for a, n in names.items()}
    is_matrix = isinstance(expr, sp.MatrixBase)
    entries = list(expr) if is_matrix else [expr]
    entries = [numbers_as_floats(sp.sympify(e).xreplace(renamed)) for e in entries]
    nonzero = [k for k, e in enumerate(entries) if e != 0]
    subexprs = []
    if cse and nonzero:
        taken = set(names.values())
        gen = (sp.Symbol(f"x{i}") for i in range(10**9) if f"x{i}" not in taken)
        subexprs, reduced = sp.cse([entries[k] for k in nonzero], symbols=gen, order="none")
        for k, e in zip(nonzero, reduced):
            entries[k] = e
    printer = framework.printer(framework)
    params = list(names.values())
    body = [f"{p} = {framework.convert.format(p=p)}" for p in params]
    body.append(f"_dtype = {framework.dtype_of(params)}")
    body.append("_shape = " + (framework.shapes.format(
        shapes=", ".join(f"{p}.shape" for p in params)) if len(params) > 1
        else f"{params[0]}.shape" if params else "()"))
    for sym, sub in subexprs:
        body.append(f"{printer.doprint(sym)} = {printer.doprint(sub)}")
    cells = [framework.broadcast.format(e=printer.doprint(e) if e != 0 else "0.0")
             for e in entries]
    if is_matrix:
        rows, cols = expr.shape
        if cols == 1:
            body.append("return " + framework.stack.format(items="[" + ", ".join(cells) + "]"))
        else:
            grid = ", ".join(framework.stack.format(items="[" + ", ".join(cells[r * cols:(r + 1) * cols]) + "]")
                             for r in range(rows))
            body.append("return " + framework.stack.format(items=f"[{grid}]"))
    else:
        body.append(f"return {cells[0]}")
    imports = sorted(set(printer.module_imports) | {framework.calls["module"]})
    header = "".join(f"import {m}\n" for m in imports)
    prelude = "".join(f"{line}\n" for line in framework.prelude)
    return (header + ("\n" + prelude if prelude else "") + f"\ndef {name}({', '.join(params)}):\n"
            + "".join(f"    {line}\n" for line in body))


