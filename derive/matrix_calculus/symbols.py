"""Matrix and vector symbols of symbolic shape.

``matrix("X", "n", "m")`` is a SymPy :class:`~sympy.MatrixSymbol` whose
dimensions are positive integer symbols, so nothing downstream ever expands
it into entries: a derivation with ``n = 10`` and ``n = 10000`` is the same
symbolic work.  ``symmetric=True`` gives a :class:`SymmetricMatrixSymbol`,
whose transpose is itself (``Sigma.T == Sigma``), which is how covariance
matrices reach their textbook form.

Examples
--------
>>> from derive.matrix_calculus.symbols import matrix, vector
>>> X = matrix("X", "n", "m")
>>> X.shape
(n, m)
>>> w = vector("w", "m")
>>> (X * w).shape
(n, 1)
>>> S = matrix("Sigma", "n", "n", symmetric=True)
>>> S.T == S
True
"""

from __future__ import annotations

import sympy as sp

from derive.errors import ParseError, ShapeError


def dimension(d, *, name="dimension"):
    """A shape entry as SymPy: a positive integer, or a positive integer symbol.

    Parameters
    ----------
    d : int, str or sympy.Symbol
        ``3``, ``"n"`` or an existing symbol.
    name : str
        What the entry is, for the error message.

    Returns
    -------
    sympy.Integer or sympy.Symbol

    Examples
    --------
    >>> dimension("n")
    n
    >>> dimension(3)
    3
    """
    if isinstance(d, bool):
        raise ShapeError(f"{name} {d!r} is not a size; give a positive integer or a name like 'n'")
    if isinstance(d, int) or (isinstance(d, sp.Integer)):
        if int(d) < 1:
            raise ShapeError(f"{name} {d!r} must be a positive integer")
        return sp.Integer(int(d))
    if isinstance(d, str):
        text = d.strip()
        if text.isdigit():
            return dimension(int(text), name=name)
        if not text.isidentifier():
            raise ShapeError(f"{name} {d!r} is not a size; give a positive integer or a name like 'n'")
        return sp.Symbol(text, integer=True, positive=True)
    if isinstance(d, sp.Symbol):
        if d.is_integer and d.is_positive:
            return d
        return sp.Symbol(d.name, integer=True, positive=True)
    raise ShapeError(f"{name} {d!r} is not a size; give a positive integer or a name like 'n'")


class SymmetricMatrixSymbol(sp.MatrixSymbol):
    """A square matrix symbol known to be symmetric: its transpose is itself."""

    def _eval_transpose(self):
        return self


def matrix(name, rows, cols, *, symmetric=False):
    """A matrix symbol ``name`` of shape ``(rows, cols)``.

    Parameters
    ----------
    name : str
        The symbol's name.
    rows, cols : int, str or sympy.Symbol
        Its dimensions; strings become positive integer symbols.
    symmetric : bool, optional
        Declare the matrix symmetric (square only); then ``X.T`` is ``X``.

    Returns
    -------
    sympy.MatrixSymbol

    Examples
    --------
    >>> A = matrix("A", "n", "n")
    >>> A.shape
    (n, n)
    >>> matrix("B", 2, 3).shape
    (2, 3)
    """
    if not isinstance(name, str) or not name.isidentifier():
        raise ShapeError(f"matrix name {name!r} must be an identifier such as 'X'")
    r = dimension(rows, name=f"rows of {name}")
    c = dimension(cols, name=f"columns of {name}")
    if symmetric:
        if r != c:
            raise ShapeError(f"symmetric matrix {name} must be square, got shape ({r}, {c})")
        return SymmetricMatrixSymbol(name, r, c)
    return sp.MatrixSymbol(name, r, c)


def vector(name, size):
    """A column vector symbol ``name`` of shape ``(size, 1)``.

    Examples
    --------
    >>> vector("x", "n").shape
    (n, 1)
    """
    return matrix(name, size, 1)


def is_symmetric(X):
    """Whether the matrix symbol ``X`` was declared symmetric."""
    return isinstance(X, SymmetricMatrixSymbol)


def is_scalar_shaped(expr):
    """True for scalar expressions and 1x1 matrix expressions.

    Examples
    --------
    >>> x = vector("x", "n")
    >>> is_scalar_shaped(x.T * x), is_scalar_shaped(x)
    (True, False)
    """
    if isinstance(expr, sp.MatrixExpr):
        return tuple(expr.shape) == (1, 1)
    return isinstance(expr, sp.Expr)


def check_shapes(expr):
    """Raise :class:`ShapeError` where shapes differ as symbols (``n`` is not ``m``).

    SymPy only refuses shapes that are provably different, so ``A*X`` with ``A``
    ``n x n`` and ``X`` ``m x n`` passes it (``m`` might equal ``n``); a
    derivation must not assume that.

    Examples
    --------
    >>> A, X = matrix("A", "n", "n"), matrix("X", "m", "n")
    >>> check_shapes(X * A)
    >>> check_shapes(A * X)
    Traceback (most recent call last):
    ...
    derive.errors.ShapeError: A*X: A has n columns but X has m rows
    """
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.MatMul):
            mats = [a for a in node.args if isinstance(a, sp.MatrixExpr)]
            for a, b in zip(mats, mats[1:]):
                if a.shape[1] != b.shape[0]:
                    raise ShapeError(f"{node}: {a} has {a.shape[1]} columns but {b} has "
                                     f"{b.shape[0]} rows")
        elif isinstance(node, (sp.MatAdd, sp.HadamardProduct)):
            shapes = {tuple(a.shape) for a in node.args}
            if len(shapes) > 1:
                what = "sum" if isinstance(node, sp.MatAdd) else "Hadamard product"
                raise ShapeError(f"{node}: the {what} has terms of shapes "
                                 f"{', '.join(str(s) for s in sorted(shapes, key=str))}")
        elif isinstance(node, (sp.Trace, sp.Determinant, sp.Inverse)) or (
                isinstance(node, sp.MatPow)):
            M = node.args[0]
            if M.shape[0] != M.shape[1]:
                raise ShapeError(f"{node}: {M} has shape {M.shape}, not square")


def as_expr(obj, what="expression"):
    """``obj`` as a SymPy object, never by parsing text (text goes through derive.parse).

    Examples
    --------
    >>> as_expr(2)
    2
    >>> as_expr("x + 1")
    Traceback (most recent call last):
    ...
    derive.errors.ParseError: expression: text is not evaluated here; build the expression with derive.matrix_calculus.parse_matrix_expression(text, shapes): 'x + 1'
    """
    if isinstance(obj, sp.Basic):
        return obj
    if isinstance(obj, str):
        raise ParseError(f"{what}: text is not evaluated here; build the expression with "
                         f"derive.matrix_calculus.parse_matrix_expression(text, shapes)", text=repr(obj))
    try:
        return sp.sympify(obj, strict=True)  # strings were refused above; strict takes none
    except sp.SympifyError:
        raise ShapeError(f"{what}: {obj!r} is not a SymPy expression or number") from None
