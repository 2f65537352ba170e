r"""The one place where a command's input text becomes what its operation reads.

Without ``--from-latex`` the text is passed on unchanged: each operation reads
it with :func:`derive.parsing.parse` and its own conventions (positive names,
random variables, matrix shapes). With ``--from-latex`` it is read here by
:func:`derive.parsing.parse_latex` into a SymPy object, which every operation
takes as it takes text (names are matched by name, so ``\mu`` is the
parameter ``mu``). Names given as options (``VAR``, ``--wrt``, ``--params``)
stay plain names. Bad LaTeX raises :class:`~derive.errors.ParseError` (of the
same kind) naming the input it came from; ``derive.cli.main`` prints it as one
line and exits 2.

Examples
--------
>>> from types import SimpleNamespace
>>> latex, text = SimpleNamespace(from_latex=True), SimpleNamespace(from_latex=False)
>>> expression(latex, r"\frac{x^2}{2}"), expression(text, "x**2/2")
(x**2/2, 'x**2/2')
>>> relation(latex, r"x + y \geq 1", what="--constraint")
x + y >= 1
>>> matrix(latex, r"\begin{bmatrix} 2 & 1 \\ 1 & 2 \end{bmatrix}").tolist()
[[2, 1], [1, 2]]
>>> expression(latex, r"\sin x y", what="EXPR")
Traceback (most recent call last):
...
derive.parsing.latex.AmbiguousLatexError: EXPR: ambiguous: '\sin x y' reads as sin(x)*y or as sin(x*y); add parentheses at position 0: \sin x y
"""

from __future__ import annotations

import sympy as sp

from derive.errors import ParseError
from derive.parsing import parse_latex
from derive.parsing.latex import parse_latex_relation

_RELATIONS = {"=": sp.Eq, "<=": sp.Le, ">=": sp.Ge, "<": sp.Lt, ">": sp.Gt}


def expression(args, text, *, symbols=None, what="EXPR"):
    """``text`` unchanged, or with ``--from-latex`` the expression its LaTeX means.

    ``symbols`` (names or objects with assumptions, as for
    :func:`~derive.parsing.parse_latex`) are used for names in the LaTeX.
    ``None`` stays ``None`` (an option not given).
    """
    if text is None or not args.from_latex:
        return text
    try:
        return parse_latex(text, symbols=symbols)
    except ParseError as err:
        raise _naming(err, what) from None


def relation(args, text, *, symbols=None, what="--constraint"):
    r"""``text`` unchanged, or with ``--from-latex`` the relation its LaTeX states.

    One relation: ``=``, ``\leq``, ``\geq``, ``<`` or ``>``.
    """
    if text is None or not args.from_latex:
        return text
    try:
        sides, relations = parse_latex_relation(text, symbols=symbols)
        if len(relations) != 1 or relations[0] not in _RELATIONS:
            raise ParseError("expected one relation (=, \\leq, \\geq, <, >) between two "
                             "sides", text=text)
    except ParseError as err:
        raise _naming(err, what) from None
    return _RELATIONS[relations[0]](*sides, evaluate=False)


def matrix(args, text, *, what="MATRIX"):
    r"""``text`` unchanged, or with ``--from-latex`` the matrix of its
    ``bmatrix``/``pmatrix``/``matrix`` environment."""
    value = expression(args, text, what=what)
    if args.from_latex and not isinstance(value, sp.MatrixBase):
        raise ParseError(f"{what}: expected a matrix environment such as "
                         r"\begin{bmatrix} 1 & 2 \\ 3 & 4 \end{bmatrix}", text=text)
    return value


def _naming(err, what):
    """The same error, its message starting with the input it came from."""
    err.message = f"{what}: {err.message}"
    err.args = (err._render(),)
    return err
