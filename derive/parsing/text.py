"""Text to SymPy expressions, safely.

User text is never handed to ``eval``, ``sympify`` or ``parse_expr`` (they call
``eval``; sympy#10805).  Instead the text goes through four gates, each of which
answers in well under a second whatever the input:

1. **Characters.**  At most :data:`MAX_LENGTH` characters of printable ASCII.
   Control and format characters (NUL, bidi overrides, zero-width spaces) raise
   :class:`~derive.errors.UnsafeInputError`; other non-ASCII characters (``µ``,
   ``μ``, full-width ``ｅ``) raise :class:`~derive.errors.ParseError`; both name
   the code point, e.g. ``U+FF45``.
2. **Tokens.**  A small tokenizer accepts numbers, names and the operators
   ``+ - * / ** ^ @ ( ) [ ] , .`` only.  Quotes, ``=``, ``:``, braces, ``;``,
   ``#`` and backslashes are rejected before anything is parsed, as are names
   starting with ``_`` (``__class__``) and Python keywords (``for``,
   ``import``; ``lambda`` is allowed as a symbol name, since ``:`` is not).
   ``^`` is rewritten to ``**`` token by token.  Parentheses, signs and powers
   are counted so nesting deeper than :data:`MAX_NESTING` is refused before
   CPython's parser could exhaust its stack.
3. **Syntax tree.**  ``ast.parse(mode="eval")`` builds the tree (at most
   :data:`MAX_NODES` expression nodes) and a whitelist maps it onto SymPy
   constructors: numbers, names, ``+ - * / ** @``, unary ``-``/``+``, ``.T``
   and calls of whitelisted functions by name.  Everything else (subscripts,
   attributes, keyword arguments, starred arguments, comparisons, ...) is an
   error naming the piece and its position.
4. **Cost.**  Exact arithmetic is bounded before it is done: a numeric power
   ``b**e`` whose result would have more than :data:`MAX_DIGITS` digits
   (``9**9**9**9``, ``2**1000000``) is refused, as are ``factorial`` and
   ``binomial`` of numbers that big, and ``gamma``, ``loggamma`` and ``beta``
   of integers (and half-integers) whose exact value would be that long
   (``gamma(99999)``); other ``gamma``-like functions of numbers above 1000
   (above 20 for ``digamma``/``polygamma``) stay unevaluated
   (``gamma(10**10 + 1/3)`` returns at once); symbol-free
   arguments of functions are limited to about ``10**30`` in magnitude, since
   SymPy evaluates signs and integer parts of them to full precision.

The gates live in their own modules: :mod:`derive.parsing.lexer` (characters,
tokens, nesting, the syntax tree), :mod:`derive.parsing.builder` (the whitelist
onto SymPy), :mod:`derive.parsing.costs` (the caps and the cost estimates) and
:mod:`derive.parsing.names` (functions, constants, declared symbols); this
module holds the entry points.

Conventions chosen here:

* Decimal literals are exact: ``0.5`` is ``1/2`` and ``1e-3`` is ``1/1000``.  A
  decimal literal outside the double-precision range (``1e400``, ``1e-400``) is
  refused, since compiled code would turn it into ``inf`` or ``0``.
* Names become ``Symbol(name, real=True)`` unless ``symbols=`` provides an
  object for them.  ``pi``, ``E``/``e`` and ``oo``/``inf`` are constants.  ``I``,
  ``nan`` and ``zoo`` are refused: derive works over the reals (declare
  ``symbols={"I": ...}`` to use ``I`` as a name).
* A function name used without a call is an ordinary symbol, so ``gamma*x +
  beta`` has the symbols ``gamma`` and ``beta``.
* ``^`` and ``**`` are both the power, right-associative, binding tighter than
  unary minus: ``-x^2`` is ``-(x**2)``.

Examples
--------
>>> from derive.parsing import parse, parse_matrix, symbols
>>> parse("x^2 + 0.5*sin(y)")
x**2 + sin(y)/2
>>> parse("x^2").equals(parse("x**2"))
True
>>> x = symbols("x", positive=True)
>>> parse("sqrt(x^2)", symbols=[x])
x
>>> parse("gamma(2001/2)")
gamma(2001/2)
>>> parse_matrix("[[1, x], [0, 1]]")
Matrix([
[1, x],
[0, 1]])
>>> parse("__import__('os')")
Traceback (most recent call last):
...
derive.errors.UnsafeInputError: name '__import__' starts with '_': private and dunder Python names are not allowed; rename the variable at position 0: __import__('os')
"""

from __future__ import annotations

import math
from fractions import Fraction

import sympy as sp

from derive.errors import ParseError
from derive.parsing.builder import Builder, MatrixShapeError
from derive.parsing.costs import (
    MAX_ARGUMENT_MAGNITUDE,
    MAX_DIGITS,
    MAX_LENGTH,
    MAX_LITERAL_DIGITS,
    MAX_MATRIX_POWER,
    MAX_NESTING,
    MAX_NODES,
)
from derive.parsing.names import (
    FUNCTIONS,
    allowed_names,
    function_table,
    symbol_table,
    symbols,
)

__all__ = ["parse", "parse_matrix", "symbols", "as_sympy", "MatrixShapeError", "FUNCTIONS",
           "MAX_LENGTH", "MAX_NESTING", "MAX_NODES", "MAX_DIGITS", "MAX_LITERAL_DIGITS",
           "MAX_ARGUMENT_MAGNITUDE", "MAX_MATRIX_POWER"]


def parse(text_or_sympy, *, symbols=None, functions=None, allowed=None):
    """Turn text (or a SymPy object) into a SymPy expression, safely.

    Parameters
    ----------
    text_or_sympy : str, sympy.Basic, int, float or fractions.Fraction
        The expression.  SymPy objects are returned unchanged (after the
        ``allowed`` check); numbers become exact SymPy numbers.
    symbols : iterable of Symbol/MatrixSymbol, or mapping name -> object, optional
        Objects to use for names in the text (carrying assumptions or shapes).
        Other names become ``Symbol(name, real=True)``.
    functions : mapping name -> callable, optional
        Extra functions the text may call (package-defined, e.g. ``trace``);
        they take precedence over the built-in whitelist :data:`FUNCTIONS`.
    allowed : iterable of str, optional
        If given, the only names (besides ``symbols`` and the constants) the
        text may use; any other name is a :class:`~derive.errors.ParseError`.

    Returns
    -------
    sympy.Basic
        A scalar ``Expr`` or a matrix expression.

    Raises
    ------
    ParseError
        Text that is not an expression of this grammar; the message names the
        offending piece and its 0-based position (``.piece``, ``.position``).
    UnsafeInputError
        Text that tries something no expression needs (code, attributes,
        strings, control characters) or that would cost too much to build.

    Examples
    --------
    >>> import sympy as sp
    >>> from derive.parsing import parse
    >>> parse("-x^2 + 2*x*y")
    -x**2 + 2*x*y
    >>> parse("log(8, 2) + 1.25")
    17/4
    >>> A = sp.MatrixSymbol("A", 3, 3); v = sp.MatrixSymbol("v", 3, 1)
    >>> parse("v.T @ A @ v", symbols=[A, v])
    v.T*A*v
    >>> parse("x + z", allowed={"x", "y"})
    Traceback (most recent call last):
    ...
    derive.errors.ParseError: undefined symbol 'z'; declared: x, y at position 4: x + z
    >>> parse("2**1000000")
    Traceback (most recent call last):
    ...
    derive.errors.UnsafeInputError: 2**1000000 would have about 301030 digits (limit 4000) at position 0: 2**1000000
    """
    table = symbol_table(symbols)
    names = None if allowed is None else allowed_names(allowed) | set(table)
    if not isinstance(text_or_sympy, str):
        return _from_object(text_or_sympy, names)
    builder = Builder(text_or_sympy, table, function_table(functions), names)
    tree = builder.syntax_tree()
    return builder.finish(builder.build(tree.body), tree.body)


def as_sympy(value):
    """``value`` as a SymPy object: text through :func:`parse`, anything else unchanged.

    Unlike :func:`parse`, numbers keep their kind (``0.5`` stays a Float). This
    is the one place where values that may come from a user become SymPy
    objects; it never evaluates text (``sympify(strict=True)`` refuses strings).

    Examples
    --------
    >>> as_sympy("x^2"), as_sympy(0.5), as_sympy(3)
    (x**2, 0.500000000000000, 3)
    """
    if isinstance(value, str):
        return parse(value)
    return sp.sympify(value, strict=True)


def parse_matrix(text_or_rows, *, symbols=None, functions=None, allowed=None):
    """Turn ``"[[1, 2], [3, 4]]"`` into an ``ImmutableMatrix``, safely.

    Parameters
    ----------
    text_or_rows : str, sympy matrix, or list of lists
        A list of equally long lists of scalar expressions; a flat list is a
        column vector.  Lists of strings or numbers have each entry parsed.
    symbols, functions, allowed
        As for :func:`parse`.

    Returns
    -------
    sympy.ImmutableMatrix

    Raises
    ------
    ParseError
        Ragged or empty rows, nested lists, matrix entries, or any error
        :func:`parse` raises for an entry.

    Examples
    --------
    >>> from derive.parsing import parse_matrix
    >>> parse_matrix("[[1, 2], [3, 4]]").det()
    -2
    >>> parse_matrix("[x, y^2]").shape
    (2, 1)
    >>> parse_matrix("[[1, 2], [3]]")
    Traceback (most recent call last):
    ...
    derive.errors.ParseError: ragged matrix: row 1 has 1 entries but row 0 has 2 at position 9: [[1, 2], [3]]
    """
    table = symbol_table(symbols)
    names = None if allowed is None else allowed_names(allowed) | set(table)
    if isinstance(text_or_rows, sp.MatrixBase):
        _check_allowed_object(text_or_rows, names)
        return sp.ImmutableMatrix(text_or_rows)
    if isinstance(text_or_rows, (list, tuple)):
        rows = [list(r) if isinstance(r, (list, tuple)) else [r] for r in text_or_rows]
        flat = not any(isinstance(r, (list, tuple)) for r in text_or_rows)
        if not rows or not rows[0] or any(len(r) != len(rows[0]) for r in rows):
            raise ParseError("a matrix needs equally long, non-empty rows",
                             text=repr(text_or_rows)[:200])
        opts = dict(symbols=table, functions=functions, allowed=allowed)
        entries = [[parse(e, **opts) for e in r] for r in rows]
        return sp.ImmutableMatrix(entries if not flat else [r[0] for r in entries])
    if not isinstance(text_or_rows, str):
        raise TypeError(f"parse_matrix() takes text, a SymPy matrix or a list of rows, "
                        f"not {type(text_or_rows).__name__}")
    builder = Builder(text_or_rows, table, function_table(functions), names)
    tree = builder.syntax_tree()
    return builder.matrix(tree.body)


def _from_object(obj, names):
    if isinstance(obj, bool):
        raise TypeError("parse() takes text or a SymPy expression, not a bool")
    if isinstance(obj, sp.MatrixBase):
        _check_allowed_object(obj, names)
        return sp.ImmutableMatrix(obj)
    if isinstance(obj, sp.Basic):
        _check_allowed_object(obj, names)
        return obj
    if isinstance(obj, int):
        return sp.Integer(obj)
    if isinstance(obj, Fraction):
        return sp.Rational(obj.numerator, obj.denominator)
    if isinstance(obj, float):
        if not math.isfinite(obj):
            raise ParseError(f"the number {obj!r} is not finite", text=repr(obj))
        return sp.Rational(Fraction(repr(obj)).numerator, Fraction(repr(obj)).denominator)
    raise TypeError(f"parse() takes text or a SymPy expression, not {type(obj).__name__}")


def _check_allowed_object(obj, names):
    if names is None:
        return
    extra = sorted(s.name for s in obj.free_symbols
                   if getattr(s, "name", None) not in names)
    if extra:
        raise ParseError(f"undefined symbol {extra[0]!r}; declared: "
                         f"{', '.join(sorted(names)) or '(none)'}", text=str(obj)[:200],
                         piece=extra[0])

