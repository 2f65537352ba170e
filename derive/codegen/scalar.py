"""Print scalar expressions, and matrices of them, as vectorized NumPy source.

Common subexpressions are computed once (``sympy.cse``); special functions go
through SciPy (``gammaln``, ``erf``, ``polygamma``...); the result array is
allocated once in the broadcast shape of the inputs and filled entry by entry,
so constant entries broadcast too and nothing comes back as a ragged object
array. Symbols whose names are not Python identifiers get safe parameter names.

Examples
--------
>>> import sympy as sp
>>> x, y = sp.symbols("x y")
>>> print(scalar_source(sp.exp(x) * y + sp.exp(x), (x, y), name="f"))
import numpy
<BLANKLINE>
def f(x, y):
    x, y = (numpy.asarray(_a, dtype=numpy.result_type(_a, 1.0)) for _a in (x, y))
    _shape = numpy.broadcast_shapes(x.shape, y.shape)
    _dtype = numpy.result_type(x, y)
    if not _shape:  # a single point: NumPy scalars compute faster than 0-d arrays
        x, y = (x[()], y[()])
    x0 = numpy.exp(x)
    _out = numpy.empty(_shape, dtype=_dtype)
    _out[...] = x0 + x0*y
    return _out[()]
<BLANKLINE>
"""

from __future__ import annotations

import builtins
import keyword

import sympy as sp
from sympy.printing.numpy import SciPyPrinter

#: Names generated code of any backend may use: modules, and Python's builtins
#: (the printers write ``abs(x)``); user symbols with these names are renamed.
_RESERVED = {"numpy", "scipy", "functools", "math", "mpmath", "jax", "jnp", "torch", "builtins",
             "_out", "_shape", "_dtype", "_a"} | set(vars(builtins))


def safe_names(args) -> dict:
    """Map each argument to a Python identifier usable in generated source.

    A name that is not an identifier, a keyword, a builtin, a module the
    generated code imports, or starts with ``_`` becomes ``_arg<i>``.

    Examples
    --------
    >>> import sympy as sp
    >>> sorted(safe_names(sp.symbols("x numpy abs torch")).values())
    ['_arg1', '_arg2', '_arg3', 'x']
    """
    names, used = {}, set()
    for i, a in enumerate(args):
        name = getattr(a, "name", str(a))
        if (not name.isidentifier() or keyword.iskeyword(name) or name in _RESERVED
                or name in used or not name.isascii() or name.startswith("_")):
            name = f"_arg{i}"
        used.add(name)
        names[a] = name
    return names


def scalar_source(expr, args, *, name="f", cse=True) -> str:
    """Python source of a NumPy function computing ``expr`` (scalar or matrix)."""
    names = safe_names(args)
    renamed = {a: sp.Symbol(n, **kept_assumptions(a)) for a, n in names.items()}
    is_matrix = isinstance(expr, sp.MatrixBase)
    entries = list(expr) if is_matrix else [expr]
    entries = [sp.sympify(e).xreplace(renamed) for e in entries]
    nonzero = [k for k, e in enumerate(entries) if e != 0]
    taken = set(names.values())
    subexprs = []
    if cse and nonzero:
        gen = (sp.Symbol(f"x{i}") for i in range(10**9) if f"x{i}" not in taken)
        subexprs, reduced = sp.cse([entries[k] for k in nonzero], symbols=gen, order="none")
        for k, e in zip(nonzero, reduced):
            entries[k] = e
    printer = _SciPyPrinter({"fully_qualified_modules": True, "allow_unknown_functions": False, "order": "none",
                            "strict": True})
    params = ", ".join(names.values())
    if len(names) == 1:
        (p,) = names.values()
        body = [f"{p} = numpy.asarray({p}, dtype=numpy.result_type({p}, 1.0))"]
        body += [f"_shape = {p}.shape", f"_dtype = {p}.dtype"]
        body += [f"if not _shape:  # a single point: NumPy scalars compute faster than 0-d arrays",
                 f"    {p} = {p}[()]"]
    elif names:
        body = [f"{params} = (numpy.asarray(_a, dtype=numpy.result_type(_a, 1.0)) "
                f"for _a in ({params}))",
                f"_shape = numpy.broadcast_shapes({', '.join(n + '.shape' for n in names.values())})",
                f"_dtype = numpy.result_type({params})",
                "if not _shape:  # a single point: NumPy scalars compute faster than 0-d arrays",
                f"    {params} = ({', '.join(n + '[()]' for n in names.values())})"]
    else:
        body = ["_shape = ()", "_dtype = numpy.float64"]
    for sym, sub in subexprs:
        body.append(f"{printer.doprint(sym)} = {printer.doprint(sub)}")
    if is_matrix:
        rows, cols = expr.shape
        vector = cols == 1
        lead = f"({rows},)" if vector else f"({rows}, {cols})"
        body.append(f"_out = numpy.zeros({lead} + _shape, dtype=_dtype)")
        seen = {}
        for k, e in enumerate(entries):
            if e == 0:
                continue
            i, j = divmod(k, cols)
            index = f"{i}" if vector else f"{i}, {j}"
            if e.is_Atom or e not in seen:
                seen.setdefault(e, f"_out[{index}]")
                body.append(f"_out[{index}] = {printer.doprint(e)}")
            else:
                body.append(f"_out[{index}] = {seen[e]}")
        body.append("return _out")
    else:
        body.append("_out = numpy.empty(_shape, dtype=_dtype)")
        body.append(f"_out[...] = {printer.doprint(entries[0])}")
        body.append("return _out[()]")
    imports = sorted({"numpy"} | set(printer.module_imports)
                     | ({"builtins"} if any("builtins." in line for line in body) else set()))
    header = "".join(f"import {m}\n" for m in imports)
    return header + f"\ndef {name}({params}):\n" + "".join(f"    {line}\n" for line in body)


def kept_assumptions(symbol):
    """Assumptions worth keeping on renamed symbols (they guide CSE and printing)."""
    return {k: v for k, v in getattr(symbol, "assumptions0", {}).items()
            if k in ("real", "positive", "integer", "nonnegative") and v is not None}


class _SciPyPrinter(SciPyPrinter):
    """SymPy's SciPy printer, calling SciPy's combinatorial functions.

    SymPy's code printers rewrite ``binomial`` and the rising/falling factorials as
    gamma quotients before printing, and ``gamma(10**9 + 1)`` then evaluates to
    ``10**9!`` exactly (minutes of CPU, and an overflow in the printed code).
    """

    def _print_binomial(self, e):
        return self._call("binom", e.args)

    def _print_RisingFactorial(self, e):
        return self._call("poch", e.args)

    def _print_FallingFactorial(self, e):
        x, n = e.args
        return self._call("poch", (x - n + 1, n))

    def _call(self, name, args):
        return f"{self._module_format('scipy.special.' + name)}({', '.join(map(self._print, args))})"
