r"""LaTeX math to SymPy, safely and without guessing: :func:`parse_latex`.

Why a reader of our own: SymPy's two LaTeX parsers (ANTLR and Lark) disagree
with each other on about one formula in six and misread some silently (``x -``
read as ``x``, ``b d e`` as ``b*(d, e)``; sympy#30486, #25365), and neither
refuses an ambiguous formula: each picks a reading. Building on the Lark
grammar would inherit its readings and its dependency; a small recursive-descent
reader makes every convention one visible line here, and every ambiguity an
error. It never evaluates text: tokens (:mod:`derive.parsing.latex_tokens`)
become SymPy objects, and every arithmetic step on numbers goes through
:func:`derive.parsing.parse` with the operands as declared objects, so the
caps on digits, magnitudes and gamma-like values are exactly those of the text
parser; the text's length and character set pass the same gate, and nesting
deeper than :data:`~derive.parsing.costs.MAX_NESTING` is refused.

Conventions applied (each documented, none guessed):

* Letters are one-letter symbols (``xy`` is ``x*y``); subscripts extend names
  (``x_1``, ``\theta_{ij}`` are the symbols ``x_1``, ``theta_ij``); inside
  ``\sum_{i=...}`` a subscript that is the summation index makes an indexed
  symbol ``x[i]``. ``\hat{\mu}`` is the symbol ``mu_hat`` (also ``_bar``,
  ``_tilde``); ``\mathbf{x}`` is ``x``. Symbols are real (``symbols=`` gives
  others).
* ``e^{...}`` is the exponential unless ``e`` is declared a symbol; a bare ``e``
  is refused as ambiguous (``\mathrm{e}`` is Euler's number).
* ``\log`` and ``\ln`` are natural logarithms, ``\log_b`` has base ``b``.
* A function without parentheses takes one factor with its power:
  ``\sin x^2`` is ``sin(x**2)``, ``\sin 2x`` is ``sin(2*x)``; ``\sin^2 x`` is
  ``sin(x)**2``. ``\sin x y`` is refused (``sin(x)*y`` or ``sin(x*y)``), as is
  ``\sin^{-1} x`` (``asin`` or ``1/sin``).
* ``\sigma(...)`` with an argument in parentheses is the logistic sigmoid;
  ``\sigma`` otherwise is a symbol. ``\Gamma(...)`` is the gamma function.
* ``f(x)``, ``g(x)``, ``h(x)`` (and capitals) are refused as ambiguous
  (function or product) unless the letter is declared a symbol; any other
  letter before parentheses multiplies: ``a(b + c)``.
* ``a/bc`` is refused (``a/(b*c)`` or ``(a/b)*c``); ``\frac`` says it.
* ``\sum``, ``\prod``, ``\lim`` and ``\frac{d}{dx}`` apply to the product that
  follows, up to the next ``+``, ``-`` or relation; an integral runs to its
  ``dx``. These stay unevaluated (``Sum``, ``Integral``, ``Derivative``,
  ``Limit``); call ``.doit()`` under a budget.
* ``A^T``, ``A^\top`` and ``A^\intercal`` transpose a declared matrix; ``x^T``
  of a scalar is refused unless ``T`` is declared a symbol.
* ``|x|`` is ``Abs(x)``, ``\|x\|`` the norm of a scalar (``Abs``) or the
  Frobenius norm of a matrix; ``\det``, ``\operatorname{tr}`` act on matrices.

Examples
--------
>>> from derive.parsing.latex import parse_latex
>>> parse_latex(r"\frac{1}{2} x^{2} + \sin 2x")
x**2/2 + sin(2*x)
>>> parse_latex(r"e^{-\frac{(x-\mu)^2}{2\sigma^2}}")
exp(-(-mu + x)**2/(2*sigma**2))
>>> parse_latex(r"\sin x y")
Traceback (most recent call last):
...
derive.parsing.latex.AmbiguousLatexError: ambiguous: '\sin x y' reads as sin(x)*y or as sin(x*y); add parentheses at position 0: \sin x y
"""

from __future__ import annotations

import sympy as sp

from derive.errors import ParseError, UnsafeInputError
from derive.parsing.costs import MAX_NESTING, MAX_NODES
from derive.parsing.latex_envs import environment
from derive.parsing.latex_functions import FunctionReading
from derive.parsing.latex_scope import ScopedReading
from derive.parsing.latex_tokens import (
    DECORATIONS,
    FUNCTION_COMMANDS,
    GREEK,
    RELATIONS,
    tokenize,
)
from derive.parsing.names import symbol_table
from derive.parsing.text import parse

__all__ = ["AmbiguousLatexError", "parse_latex", "parse_latex_relation"]

_FUNCTION_LETTERS = set("fghFGH")
_TRANSPOSE = {"top", "intercal", "T"}
_STOP_SYMS = {"+", "-", "=", ")", "]", "}", ",", "&", "<", ">", "|"}
_STOP_CMDS = {"right", "end", "newline", "to", "rightarrow", "Rightarrow", "implies",
              "Longrightarrow", "iff", "Leftrightarrow", "pm", "mp", "middle"} | set(RELATIONS)


class AmbiguousLatexError(ParseError):
    """LaTeX with two readings; ``readings`` holds both, as text."""

    def __init__(self, message, *, readings=(), **kwargs):
        self.readings = tuple(readings)
        super().__init__(message, **kwargs)


def parse_latex(latex, *, symbols=None, euler_e=False):
    r"""Read a LaTeX formula into a SymPy expression, safely and without guessing.

    Parameters
    ----------
    latex : str
        Math-mode LaTeX without ``$`` delimiters. One ``=`` makes an unevaluated
        ``Eq``.
    symbols : iterable of Symbol/MatrixSymbol, or mapping name -> object, optional
        Objects for names (assumptions, matrix shapes; declaring ``e``, ``f``
        or ``T`` makes them plain symbols).
    euler_e : bool
        Read a bare ``e`` as Euler's number (as SymPy's printer writes it)
        instead of refusing it as ambiguous.

    Returns
    -------
    sympy.Basic

    Raises
    ------
    AmbiguousLatexError
        Two readings are possible; the message shows both.
    UnsafeInputError
        TeX programming or file commands, nesting or numbers beyond the caps.
    ParseError
        Anything else that is not a formula derive reads.

    Examples
    --------
    >>> parse_latex(r"\sum_{i=1}^{n} (x_i - \mu)^2")
    Sum((-mu + x[i])**2, (i, 1, n))
    >>> parse_latex(r"\int_0^1 x^2 \, dx").doit()
    1/3
    >>> parse_latex(r"\frac{d}{dx} \left( x^3 \right)").doit()
    3*x**2
    >>> parse_latex(r"a/bc")
    Traceback (most recent call last):
    ...
    derive.parsing.latex.AmbiguousLatexError: ambiguous: 'a/bc' reads as a/(b*c) or as (a/b)*c; write \frac{a}{bc} or \frac{a}{b} c at position 1: a/bc
    """
    sides, relations = parse_latex_relation(latex, symbols=symbols, euler_e=euler_e)
    if len(sides) == 1:
        return sides[0]
    if len(sides) == 2 and relations == ["="]:
        return sp.Eq(sides[0], sides[1], evaluate=False)
    raise ParseError("parse_latex reads one expression or one equation; for a chain "
                     "a = b = c use derive.verify_steps", text=latex)


def parse_latex_relation(latex, *, symbols=None, euler_e=False):
    r"""The sides of a relation chain ``a = b \leq c`` and the relations between them.

    Examples
    --------
    >>> parse_latex_relation(r"(a+b)^2 = a^2 + 2ab + b^2")
    ([(a + b)**2, a**2 + 2*a*b + b**2], ['='])
    """
    if not isinstance(latex, str):
        raise TypeError(f"parse_latex takes a str, not {type(latex).__name__}")
    reader = _Reader(latex, symbol_table(symbols), euler_e)
    try:
        sides = [reader.expr()]
        relations = []
        while reader.peek_relation():
            relations.append(reader.relation())
            sides.append(reader.expr())
    except RecursionError:
        raise UnsafeInputError("the LaTeX is nested too deeply to read", text=latex) from None
    if reader.i < len(reader.tokens):
        kind, value, pos = reader.tokens[reader.i]
        reader.fail(f"unexpected {_show(kind, value)}", pos)
    return sides, relations


def _show(kind, value):
    return f"\\{value}" if kind == "cmd" else repr(value)


class _Reader(FunctionReading, ScopedReading):
    def __init__(self, text, table, euler_e=False):
        self.text = text
        self.euler_e = euler_e
        self.tokens = tokenize(text)
        self.table = table
        self.i = 0
        self.depth = 0
        self.nodes = 0
        self.indices = []          # summation indices in scope
        self.in_abs = 0
        self.in_norm = 0
        self.stop_at_d = 0         # inside an integral: stop at its differential
        self.cache = {}

    # ---- tokens and errors
    def fail(self, message, pos=None, unsafe=False):
        cls = UnsafeInputError if unsafe else ParseError
        raise cls(message, text=self.text, position=pos)

    def ambiguous(self, pos, piece, one, other, hint="add parentheses"):
        raise AmbiguousLatexError(f"ambiguous: '{piece}' reads as {one} or as {other}; {hint}",
                                  readings=(one, other), text=self.text, position=pos)

    def peek(self, k=0):
        j = self.i + k
        return self.tokens[j] if j < len(self.tokens) else (None, None, len(self.text))

    def next(self):
        tok = self.peek()
        if tok[0] is None:
            self.fail("the formula ends too early", len(self.text))
        self.i += 1
        return tok

    def at(self, kind, value=None, k=0):
        t = self.peek(k)
        return t[0] == kind and (value is None or t[1] == value)

    def expect(self, kind, value):
        t = self.next()
        if t[0] != kind or t[1] != value:
            self.fail(f"expected {_show(kind, value)}, found {_show(t[0], t[1])}", t[2])
        return t

    def enter(self):
        self.depth += 1
        if self.depth > MAX_NESTING:
            self.fail(f"the LaTeX nests deeper than {MAX_NESTING} levels", self.peek()[2],
                      unsafe=True)

    def op(self, template, *values):
        """Arithmetic through the text parser, so the same caps hold."""
        self.nodes += 1
        if self.nodes > MAX_NODES:
            self.fail(f"the formula has more than {MAX_NODES} parts", unsafe=True)
        names = {f"latexarg{k}": v for k, v in enumerate(values)}
        try:
            return parse(template, symbols=names)
        except ParseError as err:
            raise type(err)(f"{err.message} (in {self.text[:60]!r})", text=self.text,
                            position=self.peek()[2]) from None

    def symbol(self, name):
        for index in reversed(self.indices):
            if index.name == name:
                return index
        if name in self.table:
            return self.table[name]
        sym = self.cache.get(name)
        if sym is None:
            sym = self.cache[name] = sp.Symbol(name, real=True)
        return sym

    # ---- relations and sums
    def peek_relation(self):
        kind, value, _ = self.peek()
        return (kind == "sym" and value in "=<>") or (kind == "cmd" and value in RELATIONS)

    def relation(self):
        kind, value, _ = self.next()
        return RELATIONS[value]

    def expr(self):
        self.enter()
        if self.at("sym", "+"):
            self.next()
        total = self.term()
        while self.at("sym", "+") or self.at("sym", "-"):
            sign = self.next()[1]
            right = self.term()
            total = self.op("latexarg0 + latexarg1" if sign == "+" else "latexarg0 - latexarg1",
                            total, right)
        self.depth -= 1
        return total

    def term(self):
        pos = self.peek()[2]
        value = self.unary()
        while True:
            kind, tok, tpos = self.peek()
            if (kind == "cmd" and tok in ("cdot", "times")) or (kind == "sym" and tok == "*"):
                self.next()
                value = self.op("latexarg0*latexarg1", value, self.unary())
            elif (kind == "sym" and tok == "/") or (kind == "cmd" and tok == "div"):
                self.next()
                divisor = self.postfix()
                if self.starts_factor():
                    piece = self.text[pos:self.peek()[2]].strip() + self.next_piece()
                    self.ambiguous(tpos, piece, "a/(b*c)", "(a/b)*c",
                                   r"write \frac{a}{bc} or \frac{a}{b} c")
                value = self.op("latexarg0/latexarg1", value, divisor)
            elif self.starts_factor():
                value = self.op("latexarg0*latexarg1", value, self.postfix())
            else:
                return value

    def next_piece(self):
        _, value, pos = self.peek()
        return self.text[pos:pos + len(str(value)) + (1 if self.peek()[0] == "cmd" else 0)]

    def starts_factor(self):
        kind, value, _ = self.peek()
        if kind is None:
            return False
        if kind == "sym":
            if value == "|":
                return not self.in_abs
            return value in "([{"
        if kind == "cmd":
            if value in _STOP_CMDS or value in ("cdot", "times", "div"):
                return False
            if value == "dbar":
                return not self.in_norm
            if value == "mathrm" and self.stop_at_d and self.at("letter", "d", k=2):
                return False
            return True
        if kind == "letter" and self.stop_at_d and value == "d" and self.at("letter", k=1):
            return False
        return True

    def unary(self):
        if self.at("sym", "-"):
            self.next()
            return self.op("-latexarg0", self.unary())
        if self.at("sym", "+"):
            self.next()
            return self.unary()
        if self.at("cmd", "pm") or self.at("cmd", "mp"):
            self.fail("'\\pm' has two values; write the two formulas", self.peek()[2])
        return self.postfix()

    def postfix(self):
        base = self.primary()
        while True:
            if self.at("sym", "^"):
                base = self.power(base)
            elif self.at("sym", "!"):
                self.next()
                base = self.op("factorial(latexarg0)", base)
            elif self.at("sym", "'"):
                self.fail("primes (f', y'') are ambiguous here; write \\frac{d}{dx}",
                          self.peek()[2])
            else:
                return base

    def power(self, base):
        pos = self.next()[2]
        mark = self.peek(2)
        if self.at("sym", "{") and self.at("sym", "-", k=1) and self.at("sym", "}", k=3) and (
                (mark[0] == "cmd" and mark[1] in ("top", "intercal")) or
                (mark[0] == "letter" and mark[1] == "T" and "T" not in self.table)):
            if not getattr(base, "is_Matrix", False):
                self.fail("an inverse transpose (^{-T}) of a scalar", pos)
            self.i += 4
            return base.I.T
        if self.transpose_mark():
            if not getattr(base, "is_Matrix", False):
                self.fail("a transpose (^T, ^\\top) of a scalar; declare the matrix with "
                          "symbols=[MatrixSymbol(...)] (or T as a symbol for a power)", pos)
            return base.T
        exponent = self.argument()
        return self.op("latexarg0**latexarg1", base, exponent)

    def transpose_mark(self):
        """Consume ``T``, ``\\top``, ``{\\top}``, ``\\intercal`` when they mean a transpose."""
        k = 1 if self.at("sym", "{") else 0
        kind, value, _ = self.peek(k)
        is_mark = (kind == "cmd" and value in ("top", "intercal")) or (
            kind == "letter" and value == "T" and "T" not in self.table)
        if not is_mark or (k and not self.at("sym", "}", k=2)):
            return False
        self.i += 1 + 2 * k
        return True

    def argument(self):
        """A script argument: a braced group or one token (``x^2``, ``x^{2n}``, ``e^x``)."""
        if self.at("sym", "{"):
            return self.group()
        kind, value, pos = self.peek()
        if kind == "num":
            self.next()
            digits = value if len(value) == 1 else value[0]
            if len(value) > 1:     # x^23 is x^2 3 in TeX
                self.fail(f"in TeX x^{value} means x^{value[0]} times {value[1:]}; write "
                          f"x^{{{value}}}", pos)
            return self.op(digits)
        if kind == "sym" and value == "-":
            self.fail("a signed exponent needs braces: x^{-1}", pos)
        return self.primary()

    def group(self):
        self.expect("sym", "{")
        value = self.expr()
        self.expect("sym", "}")
        return value

    # ---- primaries
    def primary(self):
        kind, value, pos = self.peek()
        if kind is None:
            self.fail("the formula ends where a value is expected", pos)
        if kind == "num":
            self.next()
            if self.at("num"):
                self.fail(f"two numbers in a row ({value} {self.peek()[1]})", self.peek()[2])
            return self.op(value)
        if kind == "letter":
            return self.letter()
        if kind == "sym":
            return self.bracket(value, pos)
        return self.command(value, pos)

    def bracket(self, value, pos):
        closing = {"(": ")", "[": "]", "{": "}"}
        if value in closing:
            self.next()
            self.enter()
            saved, self.in_abs = self.in_abs, 0
            inner = self.expr()
            self.in_abs = saved
            self.expect("sym", closing[value])
            self.depth -= 1
            if value == "{" and isinstance(inner, sp.Symbol) and self.at("sym", "_"):
                return self.named(inner.name, pos)        # SymPy prints x[i] as {x}_{i}
            return inner
        if value == "|":
            self.next()
            self.in_abs += 1
            inner = self.expr()
            self.in_abs -= 1
            self.expect("sym", "|")
            return self.op("Abs(latexarg0)", inner)
        self.fail(f"unexpected {value!r}", pos)

    def name_with_subscript(self, name):
        if not self.at("sym", "_"):
            return name, None
        self.next()
        if self.at("sym", "{"):
            start = self.i
            depth = 0
            parts = []
            while True:
                kind, value, pos = self.next()
                if kind == "sym" and value == "{":
                    depth += 1
                    if depth == 1:
                        continue
                if kind == "sym" and value == "}":
                    depth -= 1
                    if depth == 0:
                        break
                parts.append((kind, value))
            simple = all(k in ("letter", "num") or (k == "cmd" and v in GREEK)
                         or (k == "sym" and v == ",") for k, v in parts)
            if simple:
                return name + "_" + "".join(GREEK.get(v, v) if k == "cmd" else v
                                            for k, v in parts if v != ","), None
            self.i = start
            return name, self.group()        # x_{i+1}: an index expression
        kind, value, pos = self.next()
        if kind in ("letter", "num") or (kind == "cmd" and value in GREEK):
            text = GREEK.get(value, value) if kind == "cmd" else value
            return name + "_" + text, None
        self.fail("a subscript must be a letter, a number or a braced group", pos)

    def named(self, name, pos):
        name, index = self.name_with_subscript(name)
        base, _, sub = name.partition("_")
        bound = [i for i in self.indices if i.name == sub]
        if index is not None or (sub and bound):
            idx = index if index is not None else bound[0]
            if not (idx.free_symbols & set(self.indices)):
                self.fail(f"the subscript of {base} is an expression but no summation "
                          "index is in scope", pos)
            return sp.IndexedBase(base, real=True)[idx]
        return self.symbol(name)

    def letter(self):
        kind, value, pos = self.next()
        if value == "e" and "e" not in self.table:
            if self.at("sym", "^"):
                self.next()
                return self.op("exp(latexarg0)", self.argument())
            if self.euler_e:
                return sp.E
            self.ambiguous(pos, "e", "Euler's number", "a variable e",
                           r"write \mathrm{e} or \exp, or declare e in symbols=")
        if value in _FUNCTION_LETTERS and self.at("sym", "(") and value not in self.table:
            self.ambiguous(pos, f"{value}(...)", f"a function {value} applied to (...)",
                           f"{value} times (...)", "derive reads no user functions; "
                           f"write the function's formula, or declare {value} a symbol")
        return self.named(value, pos)

    def command(self, value, pos):
        self.next()
        if value in GREEK:
            opens = self.at("sym", "(") or (self.at("cmd", "left") and self.at("sym", "(", k=1))
            if value in ("sigma", "Gamma") and opens and value not in self.table:
                name = "sigmoid" if value == "sigma" else "gamma"
                return self.op(f"{name}(latexarg0)", self.function_argument(value, pos))
            return self.named(GREEK[value], pos)
        if value == "pi":
            return sp.pi
        if value == "infty":
            return sp.oo
        if value in ("frac", "dfrac", "tfrac"):
            return self.fraction(pos)
        if value in ("binom", "dbinom", "tbinom"):
            n, k = self.group(), self.group()
            return self.op("binomial(latexarg0, latexarg1)", n, k)
        if value == "sqrt":
            index = None
            if self.at("sym", "["):
                self.next()
                index = self.expr()
                self.expect("sym", "]")
            radicand = self.group() if self.at("sym", "{") else self.primary()
            if index is None:
                return self.op("sqrt(latexarg0)", radicand)
            return self.op("latexarg0**(1/latexarg1)", radicand, index)
        if value == "left":
            return self.left(pos)
        if value == "dbar":
            self.in_norm += 1
            inner = self.expr()
            self.in_norm -= 1
            self.expect("cmd", "dbar")
            return self.norm(inner)
        if value in FUNCTION_COMMANDS:
            return self.function(value, FUNCTION_COMMANDS[value], pos)
        if value in ("operatorname", "mathrm", "text", "textrm", "mbox"):
            return self.roman(value, pos)
        if value in DECORATIONS:
            return self.decorated(value, pos)
        if value in ("sum", "prod"):
            return self.big_operator(value, pos)
        if value == "int":
            return self.integral(pos)
        if value == "lim":
            return self.limit(pos)
        if value == "begin":
            return environment(self, pos)
        if value in ("cdots", "ldots", "dots", "vdots", "ddots"):
            self.fail(f"'\\{value}' leaves terms out; write the sum with \\sum", pos)
        if value == "partial":
            self.fail("'\\partial' outside \\frac{\\partial}{\\partial x}", pos)
        self.fail(f"\\{value} cannot start a value here", pos)

    def left(self, pos, arguments=False):
        kind, value, _ = self.next()
        closing = {"(": ")", "[": "]", "|": "|", "dbar": "dbar", "lbrace": "rbrace", ".": None}
        if value not in closing:
            self.fail(f"\\left{value} is not a delimiter derive reads", pos)
        self.enter()
        saved, self.in_abs = self.in_abs, 0
        inner = self.expr()
        if arguments and self.at("sym", ","):
            inner = [inner]
            while self.at("sym", ","):
                self.next()
                inner.append(self.expr())
            inner = tuple(inner)
        self.in_abs = saved
        self.expect("cmd", "right")
        kind2, value2, pos2 = self.next()
        if value2 != closing[value] and value != ".":
            self.fail(f"\\left{value} closed by \\right{value2}", pos2)
        self.depth -= 1
        if value == "|":
            return self.op("Abs(latexarg0)", inner)
        if value == "dbar":
            return self.norm(inner)
        return inner

