"""Text to SymPy, safely: :func:`parse`, :func:`parse_matrix`, :func:`symbols`.

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

from derive.parsing.text import (FUNCTIONS, MAX_ARGUMENT_MAGNITUDE, MAX_DIGITS,
                                 MAX_LENGTH, MAX_LITERAL_DIGITS, MAX_MATRIX_POWER, MAX_NESTING,
                                 MAX_NODES, MatrixShapeError, as_sympy, parse, parse_matrix,
                                 symbols)

__all__ = ["FUNCTIONS", "MAX_ARGUMENT_MAGNITUDE", "MAX_DIGITS", "MAX_LENGTH",
           "MAX_LITERAL_DIGITS", "MAX_MATRIX_POWER", "MAX_NESTING", "MAX_NODES",
           "MatrixShapeError", "as_sympy", "parse", "parse_matrix", "symbols"]
