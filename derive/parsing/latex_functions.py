r"""Functions in LaTeX: ``\\sin x``, ``\\log_2 x``, ``\\operatorname{tr}``, decorations, norms.

A mixin of the LaTeX reader (:mod:`derive.parsing.latex`): how a function
command finds its argument (parentheses, a brace group, or one factor with its
power, refusing ``\\sin x y``), the names ``\\operatorname`` and ``\\mathrm``
may hold, and decorated names (``\\hat{\\mu}`` is ``mu_hat``).

Examples
--------
>>> from derive.parsing.latex import parse_latex
>>> parse_latex(r"\log_2 x + \sin^2 x + \operatorname{erf}(x)")
log(x)/log(2) + sin(x)**2 + erf(x)
"""

from __future__ import annotations

import sympy as sp

from derive.errors import ParseError
from derive.parsing.latex_tokens import (
    DECORATIONS,
    FUNCTION_COMMANDS,
    GREEK,
    OPERATOR_NAMES,
)


class FunctionReading:
    """Methods of the LaTeX reader for functions and names."""

    def norm(self, inner):
        if getattr(inner, "is_Matrix", False):
            return sp.sqrt(sp.trace(inner.T * inner))
        return self.op("Abs(latexarg0)", inner)

    def function(self, name, func, pos):
        power = None
        base = None
        if name == "log" and self.at("sym", "_"):
            self.next()
            base = self.argument()
        if self.at("sym", "^"):
            self.next()
            power = self.argument()
            if power.is_number and power.is_negative:
                self.ambiguous(pos, self.text[pos:self.peek()[2]],
                               f"the inverse function of \\{name}", f"1/\\{name} to a power",
                               f"write \\arc{name} or \\frac{{1}}{{\\{name}(x)}}")
        arg = self.function_argument(name, pos)
        if name == "det":
            value = _det(arg)
        elif func is sp.log and base is not None:
            value = self.op("log(latexarg0, latexarg1)", arg, base)
        else:
            value = self.apply(func, name, arg)
        return value if power is None else self.op("latexarg0**latexarg1", value, power)

    def apply(self, func, name, arg):
        names = {sp.sin: "sin", sp.cos: "cos", sp.tan: "tan", sp.sec: "sec", sp.csc: "csc",
                 sp.cot: "cot", sp.asin: "asin", sp.acos: "acos", sp.atan: "atan",
                 sp.sinh: "sinh", sp.cosh: "cosh", sp.tanh: "tanh", sp.coth: "coth",
                 sp.exp: "exp", sp.log: "log", sp.erf: "erf", sp.erfc: "erfc",
                 sp.sign: "sign", sp.atanh: "atanh", sp.asinh: "asinh", sp.acosh: "acosh",
                 sp.gamma: "gamma", sp.digamma: "digamma", sp.loggamma: "loggamma"}
        if func in (sp.Max, sp.Min):
            args = arg if isinstance(arg, tuple) else (arg,)
            placeholders = ", ".join(f"latexarg{k}" for k in range(len(args)))
            return self.op(f"{'Max' if func is sp.Max else 'Min'}({placeholders})", *args)
        if func is sp.polygamma:
            if not (isinstance(arg, tuple) and len(arg) == 2):
                self.fail("polygamma takes two arguments (m, x)", self.peek()[2])
            return self.op("polygamma(latexarg0, latexarg1)", *arg)
        if isinstance(arg, tuple):
            self.fail(f"\\{name} takes one argument", self.peek()[2])
        if func in names:
            return self.op(f"{names[func]}(latexarg0)", arg)
        spelled = {v: k for k, v in {"sigmoid": OPERATOR_NAMES["sigmoid"],
                                     "softplus": OPERATOR_NAMES["softplus"],
                                     "relu": OPERATOR_NAMES["relu"]}.items()}
        return self.op(f"{spelled[func]}(latexarg0)", arg)

    def function_argument(self, name, pos):
        if self.at("sym", "(") or self.at("cmd", "left"):
            if self.at("sym", "("):
                self.next()
                args = [self.expr()]
                while self.at("sym", ","):
                    self.next()
                    args.append(self.expr())
                self.expect("sym", ")")
                return args[0] if len(args) == 1 else tuple(args)
            self.next()
            return self.left(pos, arguments=True)
        if self.at("sym", "{") and self.at("cmd", "left", k=1):
            self.next()                          # SymPy prints f{\left(a, b \right)}
            self.next()
            args = self.left(pos, arguments=True)
            self.expect("sym", "}")
            return args
        if self.at("sym", "{"):
            return self.group()
        start = self.i
        arg = self.postfix()
        if self.peek()[0] == "letter" and self.tokens[start][0] == "num" and self.i == start + 1:
            arg = self.op("latexarg0*latexarg1", arg, self.postfix())   # \sin 2x
        if self.starts_factor() and not (self.at("cmd") and (
                self.peek()[1] in FUNCTION_COMMANDS or self.peek()[1] in (
                    "frac", "operatorname", "mathrm", "sum", "prod", "int", "lim"))):
            piece = self.text[pos:self.peek()[2]].strip() + " " + self.next_piece()
            self.ambiguous(pos, piece, f"{name}({arg})*{self.next_piece()}",
                           f"{name}({arg}*{self.next_piece()})")
        return arg

    def roman(self, kind, pos):
        self.expect("sym", "{")
        letters = []
        while not self.at("sym", "}"):
            k, v, p = self.next()
            if k not in ("letter", "num"):
                self.fail(f"\\{kind}{{...}} holds a name", p)
            letters.append(v)
        self.next()
        word = "".join(letters)
        if kind == "mathrm" and word == "e":
            if self.at("sym", "^"):
                self.next()
                return self.op("exp(latexarg0)", self.argument())
            return sp.E
        if kind == "mathrm" and word == "d":
            self.fail("a differential \\mathrm{d} outside an integral or a derivative", pos)
        if word in OPERATOR_NAMES:
            target = OPERATOR_NAMES[word]
            if target is None:
                self.fail(f"\\{kind}{{{word}}} is not supported", pos)
            if target == "trace":
                arg = self.function_argument(word, pos)
                return sp.trace(arg) if getattr(arg, "is_Matrix", False) else arg
            if target == "det":
                return _det(self.function_argument(word, pos))
            return self.apply(target, word, self.function_argument(word, pos))
        if kind in ("text", "textrm", "mbox"):
            self.fail(f"text \\{kind}{{{word}}} inside a formula", pos)
        if kind == "operatorname":
            self.fail(f"unknown operator \\operatorname{{{word}}}; derive reads "
                      f"{', '.join(sorted(k for k, v in OPERATOR_NAMES.items() if v))}", pos)
        if len(word) > 1 and (self.at("sym", "(") or self.at("cmd", "left")):
            self.ambiguous(pos, f"\\{kind}{{{word}}}(...)", f"a function {word} of (...)",
                           f"the symbol {word} times (...)", "write the formula of the function")
        return self.named(word, pos)

    def decorated(self, kind, pos):
        if self.at("sym", "{"):
            self.next()
            k, v, p = self.next()
            self.expect("sym", "}")
        else:
            k, v, p = self.next()
        if k == "cmd" and v in GREEK:
            name = GREEK[v]
        elif k == "letter":
            name = v
        else:
            self.fail(f"\\{kind} decorates a letter", p)
        return self.named(name + DECORATIONS[kind], pos)


def _det(arg):
    if getattr(arg, "is_Matrix", False):
        return sp.det(arg)
    raise ParseError(f"\\det needs a matrix, got {arg}")
