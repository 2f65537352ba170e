r"""Operators with a scope in LaTeX: sums, products, integrals, limits, derivatives.

A mixin of the LaTeX reader (:mod:`derive.parsing.latex`). ``\\sum``,
``\\prod``, ``\\lim`` and ``\\frac{d}{dx}`` apply to the product that follows,
up to the next ``+``, ``-`` or relation; an integral runs to its differential
``dx`` (``\\, dx``, ``\\mathrm{d}x``). The results stay unevaluated.

Examples
--------
>>> from derive.parsing.latex import parse_latex
>>> parse_latex(r"\lim_{x \to 0} \frac{\sin x}{x} + \int_0^1 t \, dt")
Integral(t, (t, 0, 1)) + Limit(sin(x)/x, x, 0, dir='+-')
"""

from __future__ import annotations

import sympy as sp

from derive.parsing.latex_tokens import GREEK


class ScopedReading:
    """Methods of the LaTeX reader for operators that apply to what follows."""

    def bounds(self, what, pos):
        """``_{i=1}^{n}`` of a sum or product: (index, lower, upper)."""
        if not self.at("sym", "_"):
            self.fail(f"\\{what} needs its range, e.g. \\{what}_{{i=1}}^{{n}}", pos)
        self.next()
        self.expect("sym", "{")
        kind, name, p = self.next()
        if kind == "cmd" and name in GREEK:
            name = GREEK[name]
        elif kind != "letter":
            self.fail(f"the index of \\{what} must be a letter", p)
        index = sp.Symbol(name, integer=True)
        self.expect("sym", "=")
        lower = self.expr()
        self.expect("sym", "}")
        if not self.at("sym", "^"):
            self.fail(f"\\{what} needs an upper limit ^{{n}}", pos)
        self.next()
        upper = self.argument()
        return index, lower, upper

    def body(self):
        """What a sum, product, limit or derivative applies to: the product that follows."""
        self.enter()
        value = self.term()
        self.depth -= 1
        return value

    def big_operator(self, what, pos):
        index, lower, upper = self.bounds(what, pos)
        self.indices.append(index)
        body = self.body()
        self.indices.pop()
        cls = sp.Sum if what == "sum" else sp.Product
        return cls(body, (index, lower, upper))

    def integral(self, pos):
        lower = upper = None
        if self.at("sym", "_"):
            self.next()
            lower = self.argument()
            self.expect("sym", "^")
            upper = self.argument()
        self.stop_at_d += 1
        body = self.expr()
        self.stop_at_d -= 1
        if self.at("cmd", "mathrm"):
            self.roman_d(pos)
        elif self.at("letter", "d"):
            self.next()
        else:
            self.fail("an integral needs its differential, e.g. \\, dx", pos)
        kind, name, p = self.next()
        if kind == "cmd" and name in GREEK:
            name = GREEK[name]
        elif kind != "letter":
            self.fail("the integration variable must be a letter", p)
        var = self.named(name, p)
        if lower is None:
            return sp.Integral(body, var)
        return sp.Integral(body, (var, lower, upper))

    def roman_d(self, pos):
        self.next()
        self.expect("sym", "{")
        self.expect("letter", "d")
        self.expect("sym", "}")

    def limit(self, pos):
        if not self.at("sym", "_"):
            self.fail("\\lim needs _{x \\to a}", pos)
        self.next()
        self.expect("sym", "{")
        kind, name, p = self.next()
        var = self.symbol(GREEK.get(name, name))
        if not (self.at("cmd", "to") or self.at("cmd", "rightarrow")):
            self.fail("\\lim_{x \\to a}: expected \\to", self.peek()[2])
        self.next()
        direction = "+-"
        close = self.i
        while close < len(self.tokens) and self.tokens[close][1] != "}":
            close += 1
        if close >= 2 and self.tokens[close - 2][1] == "^" and self.tokens[close - 1][1] in "+-":
            direction = self.tokens[close - 1][1]
            del self.tokens[close - 2:close]           # x \to 0^+: one side
        point = self.expr()
        self.expect("sym", "}")
        body = self.body()
        return sp.Limit(body, var, point, direction) if direction != "+-" else \
            sp.Limit(body, var, point, "+-" if point.is_finite else "+")

    def fraction(self, pos):
        derivative = self.derivative_operator()
        if derivative is not None:
            return derivative
        numerator, denominator = self.group(), self.group()
        return self.op("latexarg0/latexarg1", numerator, denominator)

    def derivative_operator(self):
        """``\\frac{d}{dx}``, ``\\frac{\\partial^2}{\\partial x \\partial y}``, ``\\frac{d f}{dx}``."""
        start = self.i
        if not self.at("sym", "{"):
            return None
        self.next()
        mark = self.differential_mark()
        if mark is None:
            self.i = start
            return None
        order = 1
        if self.at("sym", "^"):
            self.next()
            order = int(self.argument())
        operand = None
        if not self.at("sym", "}"):
            operand = self.expr()
        self.expect("sym", "}")
        self.expect("sym", "{")
        variables = []
        if not (self.at("letter", "d") or self.at("cmd", "partial") or self.at("cmd", "mathrm")):
            self.i = start          # \frac{d}{ad - bc}: a fraction whose numerator is d
            return None
        while not self.at("sym", "}"):
            if self.differential_mark() is None:
                self.fail("the denominator of a derivative is d x or \\partial x",
                          self.peek()[2])
            kind, name, p = self.next()
            var = self.named(GREEK.get(name, name), p)
            times = 1
            if self.at("sym", "^"):
                self.next()
                times = int(self.argument())
            variables += [var] * times
        self.next()
        if len(variables) != order:
            self.fail(f"the derivative's order {order} does not match its variables "
                      f"{variables}", self.peek()[2])
        if operand is None:
            operand = self.body()
        return sp.Derivative(operand, *variables)

    def differential_mark(self):
        if self.at("letter", "d"):
            self.next()
            return "d"
        if self.at("cmd", "partial"):
            self.next()
            return "partial"
        if self.at("cmd", "mathrm") and self.at("letter", "d", k=2):
            self.roman_d(None)
            return "d"
        return None
