r"""LaTeX environments inside a formula: matrices (``bmatrix``...) and ``cases``.

Rows are separated by ``\\``, cells by ``&``. A ``bmatrix``, ``pmatrix``,
``matrix`` or ``Bmatrix`` becomes an ``ImmutableMatrix``, a ``vmatrix`` its
determinant; ``cases`` becomes a ``Piecewise`` whose conditions are relations
(``x > 0``, ``x \leq 1``) or ``\text{otherwise}``.

Examples
--------
>>> from derive.parsing.latex import parse_latex
>>> parse_latex(r"\begin{bmatrix} 1 & x \\ 0 & 1 \end{bmatrix}")
Matrix([
[1, x],
[0, 1]])
>>> parse_latex(r"\begin{cases} x & x > 0 \\ 0 & \text{otherwise} \end{cases}")
Piecewise((x, x > 0), (0, True))
"""

from __future__ import annotations

import sympy as sp

MATRICES = {"bmatrix", "pmatrix", "matrix", "Bmatrix", "vmatrix", "smallmatrix"}
_RELATION = {"<": sp.StrictLessThan, ">": sp.StrictGreaterThan, "<=": sp.LessThan,
             ">=": sp.GreaterThan, "=": sp.Eq, "!=": sp.Ne}


def environment(reader, pos):
    """Read ``{name} ... \\end{name}`` after ``\\begin``; ``reader`` is the LaTeX reader."""
    name = _name(reader)
    if name not in MATRICES and name != "cases":
        reader.fail(f"the environment {name!r} is not part of a formula "
                    "(matrices and cases are)", pos)
    rows, row = [], []
    reader.enter()
    while True:
        if name == "cases":
            row.extend(_case(reader, pos))
        else:
            row.append(reader.expr())
        if reader.at("sym", "&"):
            reader.next()
            continue
        if reader.at("cmd", "newline"):
            reader.next()
            rows.append(row)
            row = []
            if reader.at("cmd", "end"):
                break
            continue
        rows.append(row)
        break
    reader.expect("cmd", "end")
    if _name(reader) != name:
        reader.fail(f"\\begin{{{name}}} closed by another \\end", pos)
    reader.depth -= 1
    if name == "cases":
        return sp.Piecewise(*[tuple(r) for r in rows])
    width = len(rows[0])
    if any(len(r) != width for r in rows):
        reader.fail("ragged matrix: rows of different lengths", pos)
    matrix = sp.ImmutableMatrix(rows)
    return matrix.det() if name == "vmatrix" else matrix


def _name(reader):
    reader.expect("sym", "{")
    letters = []
    while not reader.at("sym", "}"):
        letters.append(str(reader.next()[1]))
    reader.next()
    return "".join(letters)


def _case(reader, pos):
    value = reader.expr()
    if not reader.at("sym", "&"):
        reader.fail("a case needs its condition after '&'", pos)
    reader.next()
    if reader.at("cmd", "text") or reader.at("cmd", "mbox") or reader.at("cmd", "textrm"):
        reader.next()
        reader.expect("sym", "{")
        words = []
        while not reader.at("sym", "}"):
            words.append(str(reader.next()[1]))
        reader.next()
        word = "".join(words)
        if word in ("otherwise", "else"):
            return (value, True)
        if word not in ("for", "if"):
            reader.fail("a case condition in words is \\text{otherwise}, or \\text{if} "
                        "before a relation", pos)
    if reader.at("sym", ","):
        reader.next()
    left = reader.expr()
    if not reader.peek_relation():
        reader.fail("a case condition is a relation such as x > 0", pos)
    relation = reader.relation()
    right = reader.expr()
    if reader.at("sym", ","):
        reader.next()
    return (value, _RELATION[relation](left, right))
