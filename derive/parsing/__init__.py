"""Text and LaTeX to SymPy, safely: :func:`parse`, :func:`parse_matrix`, :func:`symbols`,
:func:`parse_latex` (see :mod:`derive.parsing.latex`).

User text never reaches ``eval``, ``sympify`` or ``parse_expr``; see
:mod:`derive.parsing.text` for the gates it passes and the conventions
(one module per gate: ``lexer``, ``builder``, ``costs``, ``names``).
The facade exports :func:`parse` as ``derive.parse``.

Examples
--------
>>> from derive.parsing import parse
>>> parse("x^2 + 0.5*sin(y)")
x**2 + sin(y)/2
"""

from derive.parsing.latex import AmbiguousLatexError, parse_latex
from derive.parsing.text import (
                                 FUNCTIONS,
                                 MAX_ARGUMENT_MAGNITUDE,
                                 MAX_DIGITS,
                                 MAX_LENGTH,
                                 MAX_LITERAL_DIGITS,
                                 MAX_MATRIX_POWER,
                                 MAX_NESTING,
                                 MAX_NODES,
                                 MatrixShapeError,
                                 as_sympy,
                                 parse,
                                 parse_matrix,
                                 symbols,
)

__all__ = ["AmbiguousLatexError", "parse_latex", "FUNCTIONS", "MAX_ARGUMENT_MAGNITUDE", "MAX_DIGITS", "MAX_LENGTH",
           "MAX_LITERAL_DIGITS", "MAX_MATRIX_POWER", "MAX_NESTING", "MAX_NODES",
           "MatrixShapeError", "as_sympy", "parse", "parse_matrix", "symbols"]
