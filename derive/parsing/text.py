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
   ``binomial`` of numbers that big; ``gamma``-like functions of numbers above
   1000 (above 20 for ``digamma``/``polygamma``) stay unevaluated
   (``gamma(10**10)`` returns at once); symbol-free
   arguments of functions are limited to about ``10**30`` in magnitude, since
   SymPy evaluates signs and integer parts of them to full precision.

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
>>> parse("gamma(10**10)")
gamma(10000000000)
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

import ast
import builtins
import difflib
import keyword
import math
import operator
import re
import unicodedata
from collections.abc import Mapping
from fractions import Fraction

import sympy as sp
from sympy.matrices.exceptions import ShapeError as _SympyShapeError

from derive.errors import DeriveError, ParseError, ShapeError, UnsafeInputError
from derive.functions import relu, sigmoid, softplus

__all__ = ["parse", "parse_matrix", "symbols", "MatrixShapeError", "FUNCTIONS",
           "MAX_LENGTH", "MAX_NESTING", "MAX_NODES", "MAX_DIGITS"]

#: Longest text accepted, in characters.
MAX_LENGTH = 10_000
#: Deepest nesting of parentheses, brackets, unary signs, powers and ``.T``.
MAX_NESTING = 100
#: Most expression nodes in the syntax tree.
MAX_NODES = 5_000
#: Most digits an exact number built while parsing may have.  Kept below
#: Python's 4300-digit limit on ``int`` to ``str`` so every result can print.
MAX_DIGITS = 4_000
#: Most digits of one numeric literal.
MAX_LITERAL_DIGITS = 1_000
#: Most digits of a number under a non-integer power (``sqrt(n)`` factors n).
MAX_RADICAND_DIGITS = 100
#: Largest log10-magnitude of a symbol-free, non-rational function argument.
MAX_ARGUMENT_MAGNITUDE = 30
#: Largest |integer power| of an explicit matrix (from ``symbols=``).
MAX_MATRIX_POWER = 256
#: gamma-like functions of numbers larger than this stay unevaluated.
LAZY_ABOVE = 1000

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
_ARITY = {"log": (1, 2), "atan2": (2, 2), "polygamma": (2, 2), "beta": (2, 2),
          "binomial": (2, 2), "Heaviside": (1, 2), "Max": (1, None), "max": (1, None),
          "Min": (1, None), "min": (1, None)}
# gamma-like functions stay unevaluated when a rational argument exceeds this in
# numerator or denominator (polygamma sums n rationals with growing denominators).
_LAZY = {sp.gamma: LAZY_ABOVE, sp.loggamma: LAZY_ABOVE, sp.beta: LAZY_ABOVE,
         sp.digamma: 20, sp.polygamma: 20}
_BOUNDED = {sp.sin, sp.cos, sp.tanh, sp.atan, sp.acot, sp.asin, sp.acos, sp.erf,
            sp.erfc, sigmoid, sp.sign, sp.Heaviside, sp.atan2, sp.sech}
_EXP_LIKE = {sp.exp, sp.sinh, sp.cosh}
_LOG_LIKE = {sp.log, sp.asinh, sp.acosh}

_CONSTANTS = {"pi": sp.pi, "E": sp.E, "e": sp.E, "oo": sp.oo, "inf": sp.oo}
_RESERVED = {
    "I": "'I' is SymPy's imaginary unit and derive works over the reals; "
         "to use I as a name pass symbols={'I': Symbol('I', real=True)}",
    "nan": "'nan' is not a number an expression can contain",
    "zoo": "'zoo' (complex infinity) is not a value derive works with",
}

_TOKEN = re.compile(r"""
    (?P<ws>[ \t\r\n]+)
  | (?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>\*\*|[-+*/^@(),.\[\]])
""", re.VERBOSE)
_DECIMAL = re.compile(r"(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?")

# Characters the tokenizer refuses, with why; True marks an attempt at code.
_BAD_CHARS = {
    "'": ("a string quote: expressions contain no strings", True),
    '"': ("a string quote: expressions contain no strings", True),
    "=": ("'=': assignments and keyword arguments are not expressions", True),
    ":": ("':': lambdas, slices and ':=' are not expressions", True),
    "{": ("'{': dicts, sets and f-string fields are not expressions", True),
    "}": ("'}': dicts, sets and f-string fields are not expressions", True),
    ";": ("';': statements are not expressions", True),
    "#": ("'#': comments are not allowed", True),
    "\\": ("a backslash", True),
    "`": ("a backtick", True),
    "$": ("'$'", False),
    "?": ("'?'", False),
    "!": ("'!': write factorial(n)", False),
    "<": ("'<': comparisons are not expressions", False),
    ">": ("'>': comparisons are not expressions", False),
    "%": ("'%': modulo is not supported", False),
    "&": ("'&': bitwise operators are not supported", False),
    "|": ("'|': bitwise operators are not supported; for |x| write Abs(x)", False),
    "~": ("'~': bitwise operators are not supported", False),
}
# Tokens handed to Python's parser spelled differently: ``^`` is the power, and
# ``lambda`` (a regularisation weight or a rate, not Python's lambda: ':' never
# gets this far) becomes a name users cannot type, mapped back in _Builder.
_SPELLED = {"^": "**", "lambda": "_lambda"}
_UNSPELLED = {"_lambda": "lambda"}
_UNARY_BEFORE = {None, "(", "[", ",", "+", "-", "*", "/", "**", "^", "@"}
_RESETS = {"+", "-", "*", "/", "@", ","}


class MatrixShapeError(ParseError, ShapeError):
    """Matrix operands in the text whose shapes do not fit together."""


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
    table = _symbol_table(symbols)
    names = None if allowed is None else _allowed_names(allowed) | set(table)
    if not isinstance(text_or_sympy, str):
        return _from_object(text_or_sympy, names)
    builder = _Builder(text_or_sympy, table, _function_table(functions), names)
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
    table = _symbol_table(symbols)
    names = None if allowed is None else _allowed_names(allowed) | set(table)
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
    builder = _Builder(text_or_rows, table, _function_table(functions), names)
    tree = builder.syntax_tree()
    return builder.matrix(tree.body)


# --------------------------------------------------------------------------- options

def _symbol_table(symbols):
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


def _function_table(functions):
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


def _allowed_names(allowed):
    if isinstance(allowed, str):
        return set(allowed.replace(",", " ").split())
    return {getattr(a, "name", a) for a in allowed}


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


# --------------------------------------------------------------------------- sizes

def _int_digits(n):
    """log10 of |n| (0 for |n| <= 1), cheaply."""
    n = abs(n)
    if n <= 1:
        return 0.0
    bits = n.bit_length()
    return math.log10(n) if bits < 1000 else bits * math.log10(2)


def _size(q):
    """Digits of a Rational (the larger of numerator and denominator)."""
    return max(_int_digits(q.p), _int_digits(q.q))


def _numeric_size(e):
    """Digits of the exact number SymPy would compute if ``e`` were raised to a power."""
    if isinstance(e, sp.Rational):
        return _size(e)
    if isinstance(e, sp.Mul):
        return sum(_numeric_size(a) for a in e.args)
    if isinstance(e, sp.Pow) and isinstance(e.base, sp.Rational) \
            and isinstance(e.exp, sp.Rational):
        return _size(e.base) * abs(float(e.exp))
    return 0.0


def _radicand_size(e):
    """Digits of numbers under non-integer powers in ``e`` (SymPy factors them)."""
    if isinstance(e, sp.Pow) and isinstance(e.base, sp.Rational) \
            and isinstance(e.exp, sp.Rational) and not e.exp.is_Integer:
        return _size(e.base)
    if isinstance(e, sp.Mul):
        return sum(_radicand_size(a) for a in e.args)
    return 0.0


def _exp10(m):
    return 10.0 ** m if m < 300 else math.inf


def _magnitude(e):
    """An upper bound on log10|e| for a symbol-free expression, without evaluating it."""
    if isinstance(e, sp.Rational):
        return _size(e)
    if e.is_NumberSymbol or e in (sp.oo, -sp.oo, sp.zoo, sp.nan):
        return 1.0
    args = e.args
    if not args:
        return 1.0
    mags = [_magnitude(a) for a in args]
    if isinstance(e, sp.Add):
        return max(mags) + math.log10(len(mags))
    if isinstance(e, sp.Mul):
        return sum(mags)
    if isinstance(e, sp.Pow):
        return (mags[0] + 1.0) * _exp10(mags[1])
    func = e.func
    if func in _BOUNDED:
        return 1.0
    if func in _EXP_LIKE:
        return _exp10(mags[0])
    if func in _LOG_LIKE:
        return math.log10(2.31 * max(mags[-1], 1.0)) + 1.0
    if func is sp.digamma:                      # about -1/x near 0, log x far out
        return mags[0] + 1.0
    if func is sp.polygamma:                    # about m!/x**(m+1) near 0
        order = _exp10(mags[0])
        return (order + 1.0) * (mags[1] + mags[0] + 1.0)
    if func in (sp.gamma, sp.factorial, sp.loggamma, sp.binomial):
        big = _exp10(max(mags))
        return big * (max(mags) + 1.0)
    return max(mags) + 1.0


def _lgamma_digits(n):
    """Digits of n! for a non-negative number n (float, may be inf)."""
    if n > 1e300:
        return math.inf
    return math.lgamma(n + 1.0) / math.log(10.0)


# --------------------------------------------------------------------------- builder

class _Builder:
    """Checks one text and maps its syntax tree onto SymPy."""

    def __init__(self, text, table, functions, allowed):
        self.text = text
        self.table = table
        self.functions = functions
        self.allowed = allowed
        self.cache = {}

    # ---- errors and positions

    def fail(self, message, position=None, piece=None, unsafe=False, cls=None):
        cls = cls or (UnsafeInputError if unsafe else ParseError)
        raise cls(message, text=self.text, position=position, piece=piece)

    def _pos(self, node):
        return self.pos_map[min(node.col_offset, len(self.pos_map) - 1)]

    def _piece(self, node):
        start = self._pos(node)
        end_py = getattr(node, "end_col_offset", None)
        if end_py is None:
            return self.text[start:start + 1]
        end = self.pos_map[min(end_py - 1, len(self.pos_map) - 1)] + 1
        piece = self.text[start:end]
        return piece if len(piece) <= 50 else piece[:47] + "..."

    def node_fail(self, node, message, unsafe=False, cls=None):
        self.fail(message, self._pos(node), self._piece(node), unsafe, cls)

    # ---- gates 1-3

    def syntax_tree(self):
        text = self.text
        if len(text) > MAX_LENGTH:
            self.fail(f"the text has {len(text)} characters (limit {MAX_LENGTH}); "
                      "split the expression or build it from SymPy objects", unsafe=True)
        self._check_characters()
        tokens = self._tokens()
        if not tokens:
            self.fail("empty expression: write something like 'x**2 + 1'")
        self._check_nesting(tokens)
        kind, last, start = tokens[-1]
        if kind == "op" and last not in (")", "]"):
            self.fail(f"the expression ends with {last!r}: something is missing after it",
                      start, last)
        py_chars, pos_map = [], []
        for kind, tok, start in tokens:
            out = _SPELLED.get(tok, tok) if kind != "num" else tok
            py_chars.append(out)
            pos_map.extend(start + min(i, len(tok) - 1) for i in range(len(out)))
            py_chars.append(" ")
            pos_map.append(start + len(tok))
        self.pos_map = pos_map
        py_text = "".join(py_chars)
        try:
            tree = ast.parse(py_text, mode="eval")
        except SyntaxError as exc:
            offset = max((exc.offset or 1) - 1, 0)
            pos = pos_map[min(offset, len(pos_map) - 1)]
            msg = (exc.msg or "invalid syntax").replace("'**'", "'**' or '^'")
            self.fail(f"invalid syntax: {msg}", pos, text[pos:pos + 1])
        except (RecursionError, MemoryError):
            self.fail("the expression is nested or chained too deeply to parse; "
                      "split it into parts", unsafe=True)
        count = 0
        for node in ast.walk(tree):
            if isinstance(node, ast.expr):
                count += 1
                if count > MAX_NODES:
                    self.fail(f"the expression has more than {MAX_NODES} parts; "
                              "split it or build it from SymPy objects", unsafe=True)
        return tree

    def _check_characters(self):
        for i, ch in enumerate(self.text):
            if " " <= ch <= "~" or ch in "\t\r\n":
                continue
            code = f"U+{ord(ch):04X}"
            name = unicodedata.name(ch, None)
            described = f"{code} ({name})" if name else code
            category = unicodedata.category(ch)
            if category in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
                self.fail(f"control or invisible character {described}: expressions are "
                          "printable ASCII only", i, ch, unsafe=True)
            hint = ""
            folded = unicodedata.normalize("NFKC", ch)
            if folded.isascii() and folded.isprintable():
                hint = f"; it looks like {folded!r}, type that instead"
            elif name and ("GREEK" in name or name == "MICRO SIGN"):
                letter = "mu" if name == "MICRO SIGN" else name.split()[-1].lower()
                hint = f"; write Greek letters by name, e.g. {letter!r}"
            self.fail(f"non-ASCII character {ch!r} {described}: expressions are ASCII "
                      f"only{hint}", i, ch)

    def _tokens(self):
        text, pos, tokens = self.text, 0, []
        match = _TOKEN.match
        while pos < len(text):
            m = match(text, pos)
            if m is None:
                ch = text[pos]
                why, unsafe = _BAD_CHARS.get(ch, (repr(ch), False))
                self.fail(f"unexpected character {why}", pos, ch, unsafe=unsafe)
            kind, tok = m.lastgroup, m.group()
            if kind == "num":
                if len(tok) > MAX_LITERAL_DIGITS:
                    self.fail(f"a number with {len(tok)} characters (limit "
                              f"{MAX_LITERAL_DIGITS})", pos, tok[:20] + "...", unsafe=True)
                nxt = text[m.end():m.end() + 1]
                if nxt and (nxt.isalnum() or nxt in "_."):
                    self.fail(f"number {tok!r} directly followed by {nxt!r}: write a "
                              f"product as {tok}*{nxt}... (hex, binary, complex and "
                              "underscored literals are not supported)", pos, tok + nxt)
            elif kind == "name":
                if tok.startswith("_"):
                    self.fail(f"name {tok!r} starts with '_': private and dunder Python "
                              "names are not allowed; rename the variable", pos, tok,
                              unsafe=True)
                if keyword.iskeyword(tok) and tok not in _SPELLED:
                    self.fail(f"Python keyword {tok!r} is not part of an expression",
                              pos, tok, unsafe=True)
            if kind != "ws":
                tokens.append((kind, tok, pos))
            pos = m.end()
        return tokens

    def _check_nesting(self, tokens):
        """Refuse nesting deeper than MAX_NESTING before CPython parses it."""
        stack = []        # (open token, position, depth outside the bracket)
        chain = 0         # unary signs, powers, .T stacked at the current level
        outside = 0
        prev = None
        for kind, tok, pos in tokens:
            if tok in ("(", "["):
                stack.append((tok, pos, outside + chain))
                outside, chain = outside + chain + 1, 0
            elif tok in (")", "]"):
                want = "(" if tok == ")" else "["
                if not stack or stack[-1][0] != want:
                    self.fail(f"unmatched {tok!r}", pos, tok)
                _, _, depth = stack.pop()
                outside = stack[-1][2] + 1 if stack else 0
                chain = depth - outside
            elif kind == "op":
                if tok in ("**", "^", ".") or (tok in "+-" and prev in _UNARY_BEFORE):
                    chain += 1
                elif tok in _RESETS:
                    chain = 0
            if outside + chain > MAX_NESTING:
                self.fail(f"the expression nests deeper than {MAX_NESTING} levels "
                          "(parentheses, signs, powers); simplify it", pos, tok, unsafe=True)
            prev = tok if kind == "op" else kind
        if stack:
            tok, pos, _ = stack[-1]
            self.fail(f"{tok!r} is never closed", pos, tok)

    # ---- gate 4: the whitelist

    def finish(self, result, node):
        if isinstance(result, sp.Basic) and result.has(sp.zoo, sp.nan):
            self.node_fail(node, "the expression is undefined (division by zero or an "
                                 "indeterminate form such as oo - oo)")
        if isinstance(result, sp.Basic) and result.has(sp.I):
            self.node_fail(node, f"the expression is complex-valued ({str(result)[:60]}); "
                                 "derive works over the reals")
        return result

    def build(self, node):
        kind = type(node)
        if kind is ast.BinOp:
            return self._binop(node)
        if kind is ast.UnaryOp:
            return self._unary(node)
        if kind is ast.Name:
            return self._name(node)
        if kind is ast.Constant:
            return self._constant(node)
        if kind is ast.Call:
            return self._call(node)
        if kind is ast.Attribute:
            return self._attribute(node)
        self._refuse(node)

    def _refuse(self, node):
        unsafe = {
            ast.Lambda: "a lambda", ast.NamedExpr: "an assignment expression",
            ast.Subscript: "a subscript (indexing)", ast.Starred: "a starred argument",
            ast.JoinedStr: "an f-string", ast.FormattedValue: "an f-string field",
            ast.ListComp: "a comprehension", ast.SetComp: "a comprehension",
            ast.DictComp: "a comprehension", ast.GeneratorExp: "a generator expression",
            ast.Dict: "a dict", ast.Set: "a set", ast.Await: "'await'",
            ast.Yield: "'yield'", ast.YieldFrom: "'yield from'", ast.IfExp: "'if'/'else'",
            ast.Slice: "a slice",
        }
        plain = {ast.Compare: "a comparison", ast.BoolOp: "'and'/'or'",
                 ast.Tuple: "a tuple (a comma outside a function call)",
                 ast.List: "a list (use parse_matrix for matrices)"}
        kind = type(node)
        if kind in plain:
            self.node_fail(node, f"{plain[kind]} is not an expression")
        what = unsafe.get(kind, f"Python syntax '{kind.__name__}'")
        self.node_fail(node, f"{what} is not allowed in an expression", unsafe=True)

    def _constant(self, node):
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            unsafe = isinstance(value, (str, bytes))
            self.node_fail(node, f"the literal {self._piece(node)!r} is not a number",
                           unsafe=unsafe)
        if isinstance(value, int):
            return sp.Integer(value)
        return self._decimal(node)

    def _decimal(self, node):
        lit = self._piece(node)
        m = _DECIMAL.fullmatch(lit)
        if m is None:
            self.node_fail(node, f"cannot read the number {lit!r}")
        whole, frac, exp = m.group(1), m.group(2) or "", m.group(3) or "0"
        as_float = float(lit)
        mantissa = int(whole + frac or "0")
        if math.isinf(as_float):
            self.node_fail(node, f"the number {lit} overflows double precision (largest "
                                 "about 1.8e308); compiled code would make it inf",
                           unsafe=True)
        if as_float == 0.0 and mantissa != 0:
            self.node_fail(node, f"the number {lit} underflows double precision "
                                 "(smallest about 5e-324); compiled code would make it 0",
                           unsafe=True)
        if mantissa == 0:
            return sp.S.Zero
        power = int(exp) - len(frac)
        if power >= 0:
            return sp.Integer(mantissa * 10 ** power)
        return sp.Rational(mantissa, 10 ** -power)

    def _name(self, node):
        name = _UNSPELLED.get(node.id, node.id)
        if name in self.table:
            return self.table[name]
        if name in _CONSTANTS:
            return _CONSTANTS[name]
        if name in _RESERVED:
            self.node_fail(node, _RESERVED[name])
        if self.allowed is not None and name not in self.allowed:
            declared = ", ".join(sorted(self.allowed)) or "(none)"
            self.node_fail(node, f"undefined symbol {name!r}; declared: {declared}")
        sym = self.cache.get(name)
        if sym is None:
            sym = self.cache[name] = sp.Symbol(name, real=True)
        return sym

    def _unary(self, node):
        operand = self.build(node.operand)
        if isinstance(node.op, ast.USub):
            return -operand
        if isinstance(node.op, ast.UAdd):
            return operand
        self.node_fail(node, "'not' and '~' are not supported")

    def _attribute(self, node):
        if node.attr != "T":
            self.node_fail(node, f"attribute access '.{node.attr}' is not allowed; the only "
                                 "attribute is '.T' (transpose)", unsafe=True)
        if isinstance(node.value, ast.Constant):
            self.node_fail(node, "'.T' needs a matrix, not a number")
        value = self.build(node.value)
        if not _is_matrix(value):
            self.node_fail(node, f"'.T' needs a matrix but {self._piece(node.value)!r} is a "
                                 "scalar; declare it with symbols=[MatrixSymbol(name, n, 1)]")
        return value.T

    # binary operators: left-nested chains are flattened iteratively, so a long
    # sum costs no recursion.
    def _binop(self, node):
        op = type(node.op)
        if op is ast.Pow:
            return self._power(node, self.build(node.left), self.build(node.right))
        if op in (ast.Add, ast.Sub):
            group = (ast.Add, ast.Sub)
        elif op in (ast.Mult, ast.Div, ast.MatMult):
            group = (ast.Mult, ast.Div, ast.MatMult)
        else:
            self.node_fail(node, f"the operator {type(node.op).__name__} is not supported")
        spine, cur = [], node
        while isinstance(cur, ast.BinOp) and type(cur.op) in group:
            spine.append(cur)
            cur = cur.left
        first = self.build(cur)
        items = [(type(b.op), self.build(b.right), b) for b in reversed(spine)]
        if group[0] is ast.Add:
            return self._sum(first, items)
        return self._product(first, items)

    def _sum(self, first, items):
        terms = [first] + [t if op is ast.Add else -t for op, t, _ in items]
        if not any(_is_matrix(t) for t in terms):
            return sp.Add(*terms)
        acc = first
        for op, t, b in items:
            acc = self._apply(b, operator.add if op is ast.Add else operator.sub, acc, t)
        return acc

    def _product(self, first, items):
        if not any(op is ast.MatMult for op, _, _ in items) \
                and not _is_matrix(first) and not any(_is_matrix(t) for _, t, _ in items):
            factors = [first]
            for op, t, b in items:
                if op is ast.Div:
                    if t == 0:
                        self.node_fail(b, "division by zero")
                    t = self._power(b, t, sp.S.NegativeOne)
                factors.append(t)
            digits = sum(_numeric_size(f) for f in factors)
            if digits > MAX_DIGITS:
                self.node_fail(items[-1][2], f"this product would have about {digits:.0f} "
                                             f"digits (limit {MAX_DIGITS})", unsafe=True)
            if sum(_radicand_size(f) for f in factors) > MAX_RADICAND_DIGITS:
                self.node_fail(items[-1][2], "the numbers under roots in this product have "
                                             f"more than {MAX_RADICAND_DIGITS} digits",
                               unsafe=True)
            return self._call_sympy(items[-1][2], sp.Mul, factors, "multiply")
        acc = first
        ops = {ast.Mult: operator.mul, ast.MatMult: operator.matmul, ast.Div: operator.truediv}
        for op, t, b in items:
            if op is ast.Div and _is_matrix(t):
                self.node_fail(b, "cannot divide by a matrix; multiply by inv(...) instead")
            if op is ast.MatMult and not (_is_matrix(acc) or _is_matrix(t)):
                self.node_fail(b, "'@' is the matrix product but both sides are scalars; "
                                  "use '*' (or declare matrices with symbols=[MatrixSymbol"
                                  "(name, n, m)])")
            acc = self._apply(b, ops[op], acc, t)
        return acc

    def _power(self, node, base, exp):
        if _is_matrix(exp):
            self.node_fail(node, "a matrix cannot be an exponent")
        for part in (base, exp):
            self._check_argument(node, part, "**")
        if isinstance(exp, sp.Rational):
            size = _numeric_size(base)
            if size:
                digits = Fraction(abs(exp.p), exp.q) * Fraction(size)
                if digits > MAX_DIGITS:
                    shown = f"{float(digits):.0f}" if digits < 10 ** 15 else \
                        f"10^{math.log10(size) + _int_digits(exp.p) - _int_digits(exp.q):.0f}"
                    self.node_fail(node, f"{self._piece(node)} would have about {shown} "
                                         f"digits (limit {MAX_DIGITS})", unsafe=True)
            if not exp.is_Integer and _radicand_size(base) + (
                    _size(base) if isinstance(base, sp.Rational) else 0) \
                    > MAX_RADICAND_DIGITS:
                self.node_fail(node, f"a root of a number with more than "
                                     f"{MAX_RADICAND_DIGITS} digits (SymPy would factor it)",
                               unsafe=True)
        if isinstance(base, sp.MatrixBase):
            self._check_explicit_matrix_power(node, base, exp)
        if _is_matrix(base):
            return self._apply(node, operator.pow, base, exp)
        if base == 0 and exp.is_negative:
            self.node_fail(node, "division by zero")
        return self._call_sympy(node, sp.Pow, [base, exp], "raise to a power")

    def _check_explicit_matrix_power(self, node, base, exp):
        """Powers of explicit matrices are computed entry by entry: keep them small."""
        if not exp.is_Integer:
            self.node_fail(node, "an explicit matrix can only be raised to an integer power "
                                 "here; use derive.linalg for roots and functions of "
                                 "matrices", unsafe=True)
        if abs(exp) > MAX_MATRIX_POWER:
            self.node_fail(node, f"power {exp} of an explicit matrix (limit "
                                 f"{MAX_MATRIX_POWER}): entries would be computed exactly",
                           unsafe=True)
        if exp < 0 and max(base.shape) > 4:
            self.node_fail(node, f"inverse of an explicit {base.rows}x{base.cols} matrix: "
                                 "use derive.linalg, which runs it under a time budget",
                           unsafe=True)

    def _check_argument(self, node, arg, name):
        """Refuse symbol-free non-rational arguments too large to evaluate safely."""
        if isinstance(arg, sp.Rational) or not isinstance(arg, sp.Expr) \
                or _is_matrix(arg) or arg.free_symbols:
            return
        mag = _magnitude(arg)
        if mag > MAX_ARGUMENT_MAGNITUDE:
            self.node_fail(node, f"a symbol-free argument of {name} may reach about "
                                 f"10^{min(mag, 1e300):.3g} (limit 10^{MAX_ARGUMENT_MAGNITUDE}); "
                                 "SymPy would evaluate it to full precision", unsafe=True)

    def _call(self, node):
        func_node = node.func
        if isinstance(func_node, ast.Attribute) and func_node.attr != "T":
            self._attribute(func_node)
        if not isinstance(func_node, ast.Name):
            self.node_fail(node, "only named functions can be called, e.g. sin(x)",
                           unsafe=True)
        name = _UNSPELLED.get(func_node.id, func_node.id)
        if node.keywords:
            self.node_fail(node, f"keyword arguments in a call of {name!r} are not allowed",
                           unsafe=True)
        func = self.functions.get(name)
        if func is None:
            if name in self.table or name in _CONSTANTS:
                self.node_fail(func_node, f"{name!r} is a symbol, not a function; for a "
                                          f"product write {name}*(...)")
            if hasattr(builtins, name):
                self.node_fail(func_node, f"the Python builtin {name!r} is not allowed",
                               unsafe=True)
            close = difflib.get_close_matches(name, list(self.functions), n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else \
                "; see derive.parsing.FUNCTIONS"
            self.node_fail(func_node, f"unknown function {name!r}{hint}")
        for a in node.args:
            if isinstance(a, ast.Starred):
                self.node_fail(a, "a starred argument is not allowed", unsafe=True)
        low, high = _ARITY.get(name, (1, 1)) if name in FUNCTIONS and \
            self.functions.get(name) is FUNCTIONS[name] else (0, None)
        n = len(node.args)
        if n < low or (high is not None and n > high):
            want = str(low) if low == high else f"{low} or {high}" if high else f"{low}+"
            self.node_fail(node, f"{name}() takes {want} argument{'s' * (want != '1')}, "
                                 f"got {n}")
        args = [self.build(a) for a in node.args]
        if name in FUNCTIONS and func is FUNCTIONS[name]:
            if func is sp.sqrt:
                return self._power(node, args[0], sp.S.Half)
            if func is sp.cbrt:
                return self._power(node, args[0], sp.Rational(1, 3))
            for a in args:
                self._check_argument(node, a, f"{name}()")
            kwargs = {}
            if func in _LAZY and any(_large_rational(a, _LAZY[func]) for a in args):
                kwargs["evaluate"] = False
            if func in (sp.factorial, sp.binomial):
                self._check_combinatorial(node, func, args)
                # SymPy expands binomial(e, 99) into a product and evaluates
                # binomial(n, 1/10**300) through gamma: only integers evaluate.
                if func is sp.binomial and not all(a.is_Integer for a in args) \
                        and not any(a.free_symbols for a in args):
                    kwargs["evaluate"] = False
        else:
            kwargs = {}
        return self._call_sympy(node, func, args, f"apply {name}() to", kwargs)

    def _check_combinatorial(self, node, func, args):
        if any(a.is_infinite for a in args):
            self.node_fail(node, f"{self._piece(node)}: factorial and binomial of an "
                                 "infinity are not defined")
        if not all(isinstance(a, sp.Rational) for a in args):
            return
        if func is sp.factorial:
            n = args[0]
            if n.is_Integer and n >= 0 and _lgamma_digits(float(min(n, 10 ** 301))) > MAX_DIGITS:
                self.node_fail(node, f"{self._piece(node)} would be computed exactly with "
                                     f"more than {MAX_DIGITS} digits; use gamma(n + 1) or "
                                     "loggamma(n + 1) to keep it symbolic", unsafe=True)
            return
        n, k = args
        if not k.is_Integer or k < 0:
            return
        if n.is_Integer and n >= 0:
            k = min(k, max(n - k, sp.S.Zero))
        digits = float(min(k, 10 ** 301)) * (_size(n) + _int_digits(k.p) + 1.0)
        if digits > MAX_DIGITS:
            self.node_fail(node, f"{self._piece(node)} would be computed exactly with more "
                                 f"than {MAX_DIGITS} digits; use gamma or loggamma to keep "
                                 "it symbolic", unsafe=True)

    def _apply(self, node, op, left, right):
        return self._call_sympy(node, op, [left, right], "combine")

    def _call_sympy(self, node, func, args, what, kwargs=None):
        try:
            return func(*args, **(kwargs or {}))
        except DeriveError:
            raise
        except _SympyShapeError as exc:
            self.node_fail(node, f"shapes do not fit in {self._piece(node)!r}: {exc}",
                           cls=MatrixShapeError)
        except (RecursionError, MemoryError, OverflowError) as exc:
            self.node_fail(node, f"cannot {what} {self._piece(node)!r}: too large "
                                 f"({type(exc).__name__})", unsafe=True)
        except (TypeError, ValueError, AttributeError, NotImplementedError,
                ArithmeticError) as exc:
            self.node_fail(node, f"cannot {what} {self._piece(node)!r}: {exc}")

    # ---- matrices

    def matrix(self, node):
        if not isinstance(node, (ast.List, ast.Tuple)) or not node.elts:
            self.node_fail(node, "a matrix is written as a non-empty list of rows, "
                                 "e.g. [[1, 2], [3, 4]] or [x, y] for a column")
        rows_are_lists = [isinstance(e, (ast.List, ast.Tuple)) for e in node.elts]
        if any(rows_are_lists) and not all(rows_are_lists):
            bad = node.elts[rows_are_lists.index(not rows_are_lists[0])]
            self.node_fail(bad, "mixing rows and single entries in a matrix")
        rows = [r.elts for r in node.elts] if rows_are_lists[0] else [[e] for e in node.elts]
        width = len(rows[0])
        for i, row in enumerate(rows):
            if len(row) != width or not row:
                self.node_fail(node.elts[i], f"ragged matrix: row {i} has {len(row)} "
                                             f"entries but row 0 has {width}")
        entries = []
        for row in rows:
            out = []
            for e in row:
                if isinstance(e, (ast.List, ast.Tuple)):
                    self.node_fail(e, "a matrix entry cannot be a list (nested too deeply)")
                value = self.finish(self.build(e), e)
                if _is_matrix(value):
                    self.node_fail(e, "a matrix entry must be a scalar")
                out.append(value)
            entries.append(out)
        return sp.ImmutableMatrix(entries)


def _is_matrix(e):
    return bool(getattr(e, "is_Matrix", False))


def _large_rational(e, limit):
    return isinstance(e, sp.Rational) and (abs(e.p) > limit or e.q > limit)


