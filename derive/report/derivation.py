"""Text, LaTeX and Markdown renderings of a :class:`~derive.derivation.Derivation`.

Examples
--------
>>> import sympy as sp
>>> from derive.derivation import Derivation
>>> x, y = sp.symbols("x y")
>>> d = Derivation("gradient", x*y, sp.ImmutableMatrix([y, x]), (x, y))
>>> print(derivation_text(d))
gradient of x*y with respect to (x, y):
[y, x]
>>> derivation_latex(d)
'\\\\nabla_{x, y} \\\\left(x y\\\\right) = \\\\left[\\\\begin{matrix}y\\\\\\\\x\\\\end{matrix}\\\\right]'
"""

from __future__ import annotations

import sympy as sp
from sympy.printing.str import StrPrinter

_NAMES = {"derivative": "derivative", "gradient": "gradient", "jacobian": "Jacobian",
          "hessian": "Hessian", "series": "Taylor series", "directional": "directional derivative",
          "matrix_gradient": "gradient", "matrix_hessian": "Hessian",
          "matrix_jacobian": "Jacobian"}


def derivation_text(d) -> str:
    """Plain text for a terminal: what was derived, then the formula."""
    title = _NAMES.get(d.op, d.op.replace("_", " "))
    wrt = ", ".join(map(str, d.wrt))
    source = _text(d.source)
    if d.op == "derivative" and d.options.get("n", 1) == 1 and len(d.wrt) == 1:
        return f"d/d{wrt} {source} = {_text(d.result)}"
    if d.op == "derivative":
        return f"d^{d.options['n']}/d{wrt}^{d.options['n']} {source} = {_text(d.result)}"
    if d.op == "series":
        return (f"{title} of {source} about {wrt} = {d.options.get('x0')}, "
                f"to order {d.options.get('n')}:\n{_text(d.result)}")
    header = f"{title} of {source} with respect to ({wrt}):"
    return f"{header}\n{_text(d.result)}"


def derivation_latex(d) -> str:
    """LaTeX (without the surrounding ``$``) for Jupyter and papers."""
    src, res = sp.latex(d.source), sp.latex(d.result)
    wrt = ", ".join(sp.latex(w) for w in d.wrt)
    if d.op == "derivative":
        n = d.options.get("n", 1)
        order = "" if n == 1 else f"^{{{n}}}"
        return rf"\frac{{\partial{order}}}{{\partial {wrt}{order}}} \left({src}\right) = {res}"
    op = d.op.removeprefix("matrix_")
    if op == "gradient":
        return rf"\nabla_{{{wrt}}} \left({src}\right) = {res}"
    if op == "hessian":
        return rf"\nabla^2_{{{wrt}}} \left({src}\right) = {res}"
    if op == "jacobian":
        return rf"\frac{{\partial \left({src}\right)}}{{\partial {wrt}}} = {res}"
    if d.op == "series":
        return rf"{src} \approx {res}"
    name = d.op.replace("_", r"\_")
    return rf"\operatorname{{{name}}}_{{{wrt}}} \left({src}\right) = {res}"


def derivation_latex_with_steps(d) -> str:
    """The formula, then each step on its own line (``aligned``), for Jupyter.

    Steps are shown when there is more than one (matrix derivations record the
    differential at each stage); a one-step derivation shows the formula only.
    """
    if len(d.steps) < 2:
        return derivation_latex(d)
    lines = [derivation_latex(d)]
    lines += [rf"&\text{{{i}. {_latex_text(s.description)}:}}\quad {sp.latex(s.expr)}"
              for i, s in enumerate(d.steps, 1)]
    return r"\begin{aligned}&" + r"\\ ".join(lines) + r"\end{aligned}"


def _latex_text(text: str) -> str:
    text = text.replace("^T", "\u1d40").replace("^", "\u02c6")  # MathJax's \text has no \^
    for char in "\\&%$#_{}":
        text = text.replace(char, "\\" + char)
    return text


def derivation_markdown(d) -> str:
    """Markdown: a heading, the formula as display LaTeX, and the steps."""
    lines = [f"**{_NAMES.get(d.op, d.op)}**", "", f"$$ {derivation_latex(d)} $$"]
    if d.steps:
        lines += ["", "Steps:"]
        lines += [f"{i}. {s.description}: ${sp.latex(s.expr)}$" for i, s in enumerate(d.steps, 1)]
    return "\n".join(lines)


class SharedStrPrinter(StrPrinter):
    """``str`` of SymPy expressions, each distinct subexpression printed once.

    A derivative repeats its subexpressions (the Hessian of ``sin`` nested 100
    deep holds ``sin(sin(...(x)))`` thousands of times); ``str`` prints every
    occurrence again. The text of a subexpression does not depend on where it
    stands (its parent adds any parentheses), so it is kept: the same text, 40%
    faster on that Hessian. One printer per rendering (the memo lives as long).

    >>> x = sp.Symbol("x")
    >>> e = sp.sin(sp.sin(x))**2 + sp.cos(sp.sin(sp.sin(x)))
    >>> SharedStrPrinter().doprint(e) == str(e)
    True
    """

    def __init__(self, settings=None):
        super().__init__(settings)
        self._done = {}

    def _print(self, expr, **kwargs):
        if kwargs or not isinstance(expr, sp.Basic):
            return super()._print(expr, **kwargs)
        text = self._done.get(expr)
        if text is None:
            text = self._done[expr] = super()._print(expr)
        return text


def _text(expr) -> str:
    text = SharedStrPrinter().doprint
    if isinstance(expr, sp.MatrixBase):
        if expr.shape[1] == 1:
            return "[" + ", ".join(map(text, expr)) + "]"
        return "[" + ",\n ".join("[" + ", ".join(map(text, expr.row(i))) + "]"
                                 for i in range(expr.shape[0])) + "]"
    if isinstance(expr, tuple):
        return "[" + ", ".join(map(text, expr)) + "]"
    return text(expr)
