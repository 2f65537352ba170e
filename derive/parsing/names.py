"""The names text may use: functions, constants, reserved names, and declared symbols.

:data:`FUNCTIONS` is the whitelist of callable names; :data:`CONSTANTS` the
names that are numbers; :data:`RESERVED` the names refused with a reason.
:func:`symbols` makes the same real symbols :func:`derive.parsing.parse`
makes for undeclared names; the ``_table`` helpers validate the ``symbols=``,
``functions=`` and ``allowed=`` options of the entry points.

Examples
--------
>>> from derive.parsing.names import FUNCTIONS, CONSTANTS, symbol_table
>>> FUNCTIONS["ln"] is FUNCTIONS["log"], str(CONSTANTS["e"])
(True, 'E')
>>> from derive.parsing.names import symbols
>>> sorted(symbol_table(symbols("a b")))
['a', 'b']
"""

from __future__ import annotations

from collections.abc import Mapping

import sympy as sp

from derive.functions import relu, sigmoid, softplus

#: The functions text may call, by name.
FUNCTIONS = {
    "exp": sp.exp, "log": sp.log, "ln": sp.log, "sqrt": sp.sqrt, "cbrt": sp.cbrt,
    "sin": sp.sin, "cos": sp.cos, "tan": sp.tan, "sec": sp.sec, "csc": sp.csc,
    "cot": sp.cot, "asin": sp.asin, "acos": sp.acos, "atan": sp.atan, "acot": sp.acot,
    "atan2": sp.atan2, "sinh": sp.sinh, "cosh": sp.cosh, "tanh": sp.tanh,
    "sech": sp.sech, "csch": sp.csch, "coth": sp.coth, "asinh": sp.asinh,
    "acosh": sp.acosh, "atanh": sp.atanh,
    "sigmoid": sigmoid, "softplus": softplus, "relu": relu,
    "erf": sp.erf, "erfc": sp.erfc, "gamma": sp.gamma, "loggamma": sp.loggamma,
    "lgamma": sp.loggamma, "digamma": sp.digamma, "polygamma": sp.polygamma,
    "beta": sp.beta, "factorial": sp.factorial, "binomial": sp.binomial,
    "Abs": sp.Abs, "abs": sp.Abs, "sign": sp.sign, "Max": sp.Max, "max": sp.Max,
    "Min": sp.Min, "min": sp.Min, "floor": sp.floor, "ceiling": sp.ceiling,
    "ceil": sp.ceiling, "Heaviside": sp.Heaviside,
}

# (fewest, most) arguments; most None = any number.  Unlisted names take one.
ARITY = {"log": (1, 2), "atan2": (2, 2), "polygamma": (2, 2), "beta": (2, 2),
          "binomial": (2, 2), "Heaviside": (1, 2), "Max": (1, None), "max": (1, None),
          "Min": (1, None), "min": (1, None)}
# gamma-like functions stay unevaluated when a rational argument exceeds this in

CONSTANTS = {"pi": sp.pi, "E": sp.E, "e": sp.E, "oo": sp.oo, "inf": sp.oo}
RESERVED = {
    "I": "'I' is SymPy's imaginary unit and derive works over the reals; "
         "to use I as a name pass symbols={'I': Symbol('I', real=True)}",
    "nan": "'nan' is not a number an expression can contain",
    "zoo": "'zoo' (complex infinity) is not a value derive works with",
}


def symbols(names, **assumptions):
    """Create symbols, like :func:`sympy.symbols` but real by default.

    With no assumptions the symbols are ``real=True``, the same objects
    :func:`parse` makes for undeclared names; any assumption given is used as
    given (``positive=True`` implies real).

    Parameters
    ----------
    names : str
        Names separated by spaces or commas; ranges like ``"x:3"`` work.
    **assumptions
        SymPy assumptions (``positive=True``, ``integer=True``, ...) and
        ``cls=`` as in :func:`sympy.symbols`.

    Returns
    -------
    sympy.Symbol or tuple of sympy.Symbol

    Examples
    --------
    >>> from derive.parsing import symbols, parse
    >>> x, y = symbols("x y", positive=True)
    >>> x.is_positive, parse("x + y", symbols=[x, y]) == x + y
    (True, True)
    >>> symbols("t") == parse("t")
    True
    """
    if not (set(assumptions) - {"cls", "seq"}):
        assumptions["real"] = True
    return sp.symbols(names, **assumptions)



def symbol_table(symbols):
    if symbols is None:
        return {}
    if isinstance(symbols, str):
        raise TypeError("symbols= takes Symbol objects or a mapping name -> object, not a "
                        "string; create them with derive.symbols('x y', positive=True)")
    if isinstance(symbols, Mapping):
        table = dict(symbols)
    else:
        if isinstance(symbols, sp.Basic):
            symbols = [symbols]
        table = {}
        for s in symbols:
            name = getattr(s, "name", None)
            if not isinstance(name, str):
                raise TypeError(f"symbols= entries need a name (Symbol, MatrixSymbol); "
                                f"got {s!r}")
            table[name] = s
    for name, obj in table.items():
        if not isinstance(name, str):
            raise TypeError(f"symbols= keys are names (str), got {name!r}")
        if not isinstance(obj, (sp.Basic, sp.MatrixBase)):
            raise TypeError(f"symbols={{{name!r}: ...}} needs a SymPy object, got {obj!r}")
    return table


def function_table(functions):
    if not functions:
        return FUNCTIONS
    table = dict(FUNCTIONS)
    for name, func in dict(functions).items():
        if not (isinstance(name, str) and name.isidentifier() and not name.startswith("_")):
            raise ValueError(f"functions= keys must be plain names, got {name!r}")
        if not callable(func):
            raise TypeError(f"functions={{{name!r}: ...}} is not callable: {func!r}")
        table[name] = func
    return table


def allowed_names(allowed):
    if isinstance(allowed, str):
        return set(allowed.replace(",", " ").split())
    return {getattr(a, "name", a) for a in allowed}

