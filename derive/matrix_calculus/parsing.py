"""Matrix expressions from text, with declared shapes.

:func:`parse_matrix_expression` declares each named matrix with its shape
(``{"X": ("n", "m")}``; a vector is ``("n", 1)``), then reads the text with
:func:`derive.parsing.parse` (never ``eval``) and the matrix functions of
:data:`MATRIX_FUNCTIONS`.  ``*`` and ``@`` are matrix products, ``.T`` the
transpose; ``exp``, ``log``, ``sigmoid`` and friends act entry by entry on
matrices; ``hadamard(A, B)`` is the entrywise product.

It returns the expression and the declared symbols by name, so the variable
of differentiation is at hand. Text derive prints reads back: ``softmax(X,
axis=1)`` and ``logsumexp(X, axis=1)`` (the only keyword), ``total_sum(A)``, and a
1x1 matrix added to a scalar (``(X@w - y).T@(X@w - y) + lam/2*trace(W.T@W)``) is
read as the scalar it is.

Examples
--------
>>> f, syms = parse_matrix_expression("trace(A*X*B)", {"A": "n,n", "X": "n,m", "B": "m,n"})
>>> f
Trace(A*X*B)
>>> from derive.matrix_calculus import gradient
>>> gradient(f, syms["X"]).result
A.T*B.T
>>> nll, syms = parse_matrix_expression("sum(softplus(X@w)) - y.T@X@w",
...                                     {"X": ("n", "d"), "w": ("d", 1), "y": ("n", 1)})
>>> gradient(nll, syms["w"]).result
X.T*(sigmoid(X*w) - y)
"""

from __future__ import annotations

import ast
import re

import sympy as sp

from derive.errors import ParseError, ShapeError
from derive.matrix_calculus import elementwise as ew
from derive.matrix_calculus.symbols import check_shapes, matrix
from derive.parsing import parse


def _transpose(A):
    return A.T


def _sum(A):
    return ew.total_sum(A) if isinstance(A, sp.MatrixExpr) else A


def _logsumexp(A, axis=0):
    return ew.logsumexp(A, int(axis))


def _softmax(A, axis=0):
    return ew.softmax(A, int(axis))


def _diag(v):
    return ew.Diag(v)


def _term(A):
    """A 1x1 matrix as the scalar it is (tr of it); anything else unchanged."""
    if isinstance(A, sp.MatrixExpr) and tuple(A.shape) == (1, 1):
        return sp.Trace(A)
    return A


#: ``axis=<digits>``, the one keyword matrix text may use (softmax, logsumexp).
_AXIS = re.compile(r"\baxis\s*=\s*(\d+)")
_TERM = "scalar_term_"


#: The functions matrix text may call, by name.
MATRIX_FUNCTIONS = {
    "trace": ew.trace, "tr": ew.trace, "det": ew.det, "logdet": ew.logdet, "inv": ew.inv,
    "transpose": _transpose, "exp": ew.exp, "log": ew.log, "tanh": ew.tanh,
    "sigmoid": ew.sigmoid, "softplus": ew.softplus, "relu": ew.relu, "sqrt": ew.sqrt,
    "power": ew.power, "hadamard": ew.hadamard, "hadamard_quotient": ew.hadamard_quotient,
    "softmax": _softmax, "logsumexp": _logsumexp, "norm": ew.norm, "sum": _sum,
    "rowsum": ew.row_sum, "colsum": ew.col_sum, "diag": _diag, "scalar": ew.scalar,
    "total_sum": ew.total_sum, "row_sum": ew.row_sum, "col_sum": ew.col_sum,
    _TERM: _term,
}


class _WrapTerms(ast.NodeTransformer):
    """Wrap every operand of + and - in ``scalar_term_(...)`` (1x1 matrices become scalars)."""

    def visit_BinOp(self, node):
        self.generic_visit(node)
        if isinstance(node.op, (ast.Add, ast.Sub)):
            for side in ("left", "right"):
                part = getattr(node, side)
                if not (isinstance(part, ast.BinOp) and isinstance(part.op, (ast.Add, ast.Sub))):
                    setattr(node, side, ast.Call(ast.Name(_TERM, ast.Load()), [part], []))
        return node


def _scalar_terms(text):
    """``text`` with the terms of its sums wrapped so a 1x1 matrix plus a scalar is a scalar.

    Only called on text the safe parser already accepted (its caps hold); ``ast``
    parses and prints it, nothing is evaluated.
    """
    tree = _WrapTerms().visit(ast.parse(text, mode="eval"))
    return ast.unparse(ast.fix_missing_locations(tree))


def parse_shape(spec, *, name="?"):
    """``"n,m"``, ``("n", "m")``, ``"n"`` (a column vector) or ``(3, 1)`` as a pair.

    Examples
    --------
    >>> parse_shape("n,m"), parse_shape("n"), parse_shape((3, 1))
    (('n', 'm'), ('n', 1), (3, 1))
    """
    if isinstance(spec, str):
        parts = [p.strip() for p in spec.split(",")]
    else:
        parts = list(spec)
    if len(parts) == 1:
        parts.append(1)
    if len(parts) != 2 or any(p == "" for p in parts):
        raise ShapeError(f"shape of {name} must be 'rows,cols' (e.g. n,m) or one size for a "
                         f"column vector, got {spec!r}")
    return tuple(int(p) if isinstance(p, str) and p.isdigit() else p for p in parts)


def parse_matrix_expression(text, shapes, *, symbols=None):
    """A matrix expression from text, with the shapes of its matrices.

    Parameters
    ----------
    text : str
        E.g. ``"trace(A*X*B)"``, ``"(X@w - y).T@(X@w - y)"``, ``"logdet(S)"``.
    shapes : mapping
        Name -> shape: ``"n,m"``, ``("n", "m")``, or one size for a column vector.
        Names not listed are scalar symbols.
    symbols : iterable, optional
        Extra scalar symbols or matrix symbols to use by name.

    Returns
    -------
    (expr, symbols)
        ``expr`` is a matrix expression, or a scalar built from traces,
        determinants, ...; ``symbols`` maps each name in ``shapes`` to its
        :class:`~sympy.MatrixSymbol`.

    Raises
    ------
    ParseError
        Unsafe or malformed text, or operands whose shapes do not fit (named).

    Examples
    --------
    >>> f, syms = parse_matrix_expression("x.T*A*x", {"x": "n", "A": "n,n"})
    >>> f.shape, syms["x"].shape
    ((1, 1), (n, 1))
    """

    table = {}
    for name, spec in dict(shapes).items():
        rows, cols = parse_shape(spec, name=name)
        table[name] = matrix(name, rows, cols)
    declared = dict(table)
    for s in symbols or ():
        table[s.name] = s
    plain = _AXIS.sub(r"\1", text) if isinstance(text, str) else text
    try:
        try:
            expr = parse(plain, symbols=table, functions=MATRIX_FUNCTIONS)
        except ParseError as err:
            if "Mix of Matrix and Scalar" not in str(err):
                raise
            expr = parse(_scalar_terms(plain), symbols=table, functions=MATRIX_FUNCTIONS)
        check_shapes(expr)
    except ShapeError as err:
        raise ParseError(f"shapes do not fit: {err}", text=text) from None
    return expr, declared
