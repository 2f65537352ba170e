"""Matrices from any input, and the basic exact operations on them.

A matrix may be given as text (``"[[1, 2], [3, 4]]"``, parsed safely by
:func:`derive.parsing.parse_matrix`), nested lists, a NumPy array or a SymPy matrix.
It becomes a SymPy ``ImmutableMatrix``; Python and NumPy floats become SymPy
``Float`` entries, which mark the matrix as *numeric* (answered with
floating-point arithmetic), while integers, fractions and symbols keep it *exact*.

Exact work on symbolic entries can swell without bound, so it runs under the
time budget of :func:`derive.guard.run` (``seconds=``).

Examples
--------
>>> from derive.linalg import det, inverse, rank, nullspace, charpoly
>>> det([[1, 2], [3, 4]])
-2
>>> inverse([[2, 0], [0, 4]])
Matrix([
[1/2,   0],
[  0, 1/4]])
>>> rank([[1, 2], [2, 4]]), nullspace([[1, 2], [2, 4]])
(1, [Matrix([
[-2],
[ 1]])])
>>> charpoly([[1, 2], [3, 4]])
lambda**2 - 5*lambda - 2
"""

from __future__ import annotations

import fractions
import numbers

import numpy as np
import sympy

from derive.errors import ParseError, ShapeError, SingularMatrixError
from derive.guard import DEFAULT_SECONDS, run
from derive.parsing import parse, parse_matrix

__all__ = ["as_matrix", "describe", "is_numeric", "is_exact_numeric", "det", "inverse",
           "rank", "nullspace", "charpoly"]


# ------------------------------------------------------------------ input

def _entry(value, where):
    if isinstance(value, sympy.Basic):
        return value
    if isinstance(value, (bool, np.bool_)):
        raise ParseError(f"matrix entry {where} is a boolean ({value!r}); give a number")
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, numbers.Integral):
        return sympy.Integer(int(value))
    if isinstance(value, fractions.Fraction):
        return sympy.Rational(value.numerator, value.denominator)
    if isinstance(value, float):
        return sympy.Float(value)
    if isinstance(value, complex):
        return sympy.Float(value.real) + sympy.I * sympy.Float(value.imag)
    if isinstance(value, str):
        return parse(value)
    raise ParseError(f"matrix entry {where} has type {type(value).__name__}; give a number, "
                     f"a SymPy expression or text")


def as_matrix(M, *, square=False, what="matrix"):
    """``M`` as a SymPy ``ImmutableMatrix``.

    Parameters
    ----------
    M : str, nested list, numpy.ndarray, sympy matrix, or Derivation
        Text goes through :func:`derive.parsing.parse_matrix` (never ``eval``);
        a :class:`~derive.Derivation` with a matrix result (a Hessian) gives that matrix.
    square : bool, optional
        Require a square matrix.
    what : str, optional
        Names the argument in error messages.

    Returns
    -------
    sympy.ImmutableMatrix

    Raises
    ------
    ShapeError
        Not two-dimensional, empty, ragged, or not square when ``square=True``.
    ParseError
        Text or entries that are not numbers or expressions.

    Examples
    --------
    >>> import numpy as np
    >>> as_matrix(np.array([[1, 2], [3, 4]]))
    Matrix([
    [1, 2],
    [3, 4]])
    >>> as_matrix([[1, 2, 3]], square=True)
    Traceback (most recent call last):
    ...
    derive.errors.ShapeError: matrix [[1, 2, 3]] has shape 1x3; a square matrix is needed
    """
    result = getattr(M, "result", None)  # a Derivation, e.g. of a Hessian
    if isinstance(result, sympy.MatrixBase):
        M = result
    if isinstance(M, str):
        out = parse_matrix(M)
    elif isinstance(M, sympy.MatrixBase):
        out = sympy.ImmutableMatrix(M)
    elif isinstance(M, sympy.MatrixExpr):
        raise ShapeError(f"{what} {M} is a matrix symbol of symbolic shape; give explicit "
                         f"entries (e.g. sympy.Matrix(M.as_explicit()))")
    else:
        rows = M.tolist() if isinstance(M, np.ndarray) else M
        if isinstance(rows, (list, tuple)) and rows and all(
                not isinstance(r, (list, tuple)) for r in rows):
            rows = [[r] for r in rows]  # a flat sequence is a column vector
        if not isinstance(rows, (list, tuple)) or not rows \
                or not all(isinstance(r, (list, tuple)) for r in rows):
            raise ShapeError(f"{what} must be a non-empty 2-D array (list of rows), got "
                             f"{type(M).__name__} {_short(repr(M))}")
        width = len(rows[0])
        if width == 0 or any(len(r) != width for r in rows):
            raise ShapeError(f"{what} rows have lengths {[len(r) for r in rows]}; every row "
                             f"needs the same, non-zero length")
        out = sympy.ImmutableMatrix([[_entry(v, f"({i}, {j})") for j, v in enumerate(r)]
                                     for i, r in enumerate(rows)])
    if out.rows == 0 or out.cols == 0:
        raise ShapeError(f"{what} is empty (shape {out.rows}x{out.cols})")
    if square and out.rows != out.cols:
        raise ShapeError(f"{what} {describe(out)} has shape {out.rows}x{out.cols}; a square "
                         f"matrix is needed")
    return out


def _short(text, width=70):
    return text if len(text) <= width else text[:width - 3] + "..."


def describe(M):
    """A short one-line text for a matrix in messages: ``[[1, 2], [3, 4]]``.

    Examples
    --------
    >>> describe(sympy.Matrix([[1, 2], [3, 4]]))
    '[[1, 2], [3, 4]]'
    """
    return _short(str(M.tolist()))


def is_numeric(M):
    """True if ``M`` holds floating-point entries (so it is answered numerically).

    Examples
    --------
    >>> is_numeric(as_matrix([[1.5, 2]])), is_numeric(as_matrix([[1, 2]]))
    (True, False)
    """
    return any(e.has(sympy.Float) for e in M)


def is_exact_numeric(M):
    """True if every entry is an exact number (integers, rationals, radicals, I).

    Examples
    --------
    >>> x = sympy.Symbol("x")
    >>> is_exact_numeric(as_matrix([[1, sympy.sqrt(2)]])), is_exact_numeric(as_matrix([[x]]))
    (True, False)
    """
    return not is_numeric(M) and not any(e.free_symbols for e in M)


def _is_rational(M):
    return all(e.is_Rational for e in M)


def _as_float_array(M):
    return np.array(M.evalf(17).tolist(), dtype=complex if any(
        not e.is_real for e in M.evalf()) else float)


# ------------------------------------------------------------------ guarded workers

def _det_worker(M):
    return sympy.factor_terms(sympy.expand(M.det(method="berkowitz")))


def _inverse_worker(M):
    d = sympy.simplify(M.det(method="berkowitz"))
    if d == 0:
        return None
    return sympy.ImmutableMatrix(M.inv(method="ADJ").applyfunc(sympy.cancel))


def _rank_worker(M):
    return M.rank(iszerofunc=lambda e: sympy.simplify(e) == 0)


def _nullspace_worker(M):
    return [sympy.ImmutableMatrix(v.applyfunc(sympy.cancel))
            for v in M.nullspace(iszerofunc=lambda e: sympy.simplify(e) == 0)]


def _charpoly_worker(M, lam):
    return sympy.expand(M.charpoly(lam).as_expr(lam))


# ------------------------------------------------------------------ public operations

def det(M, *, seconds=DEFAULT_SECONDS):
    """Determinant, exact for exact input.

    Parameters
    ----------
    M : matrix-like
        Square; see :func:`as_matrix`.
    seconds : float, optional
        Time budget for symbolic entries.

    Returns
    -------
    sympy.Expr

    Examples
    --------
    >>> a, b, c, d = sympy.symbols("a b c d")
    >>> det([[a, b], [c, d]])
    a*d - b*c
    >>> det([[0.5, 1], [2, 3]])
    -0.500000000000000
    """
    A = as_matrix(M, square=True)
    if is_numeric(A) or _is_rational(A):
        return A.det()
    return run(_det_worker, (A,), seconds=seconds, what=f"the determinant of {describe(A)}")


def rank(M, *, seconds=DEFAULT_SECONDS, rtol=None):
    """Rank: exact for exact input (generic rank for symbols), SVD for floats.

    Examples
    --------
    >>> rank([[1, 2], [2, 4]]), rank([[1.0, 2.0], [2.0, 4.0 + 1e-9]])
    (1, 2)
    """
    A = as_matrix(M)
    if is_numeric(A):
        return int(np.linalg.matrix_rank(_as_float_array(A), rtol=rtol))
    if _is_rational(A):
        return A.rank()
    return run(_rank_worker, (A,), seconds=seconds, what=f"the rank of {describe(A)}")


def nullspace(M, *, seconds=DEFAULT_SECONDS):
    """A basis of the null space (kernel) as a list of column vectors.

    Examples
    --------
    >>> nullspace([[1, 0], [0, 1]])
    []
    >>> nullspace([[1.0, 2.0], [2.0, 4.0]])[0].T.evalf(6)
    Matrix([[-0.894427, 0.447214]])
    """
    A = as_matrix(M)
    if is_numeric(A):
        import scipy.linalg  # deferred: optional heavy dependency (numeric null space only)
        basis = scipy.linalg.null_space(_as_float_array(A))
        # sign convention: first non-zero entry negative like SymPy's free-variable basis
        return [sympy.ImmutableMatrix(basis[:, k]) for k in range(basis.shape[1])]
    if _is_rational(A):
        return [sympy.ImmutableMatrix(v) for v in A.nullspace()]
    return run(_nullspace_worker, (A,), seconds=seconds, what=f"the null space of {describe(A)}")


def charpoly(M, lam="lambda", *, seconds=DEFAULT_SECONDS):
    """The characteristic polynomial det(lam I - M) as an expression in ``lam``.

    Examples
    --------
    >>> charpoly([[2, 0], [0, 3]], "t")
    t**2 - 5*t + 6
    """
    A = as_matrix(M, square=True)
    symbol = sympy.Symbol(lam) if isinstance(lam, str) else lam
    if is_numeric(A) or _is_rational(A):
        return _charpoly_worker(A, symbol)
    return run(_charpoly_worker, (A, symbol), seconds=seconds,
               what=f"the characteristic polynomial of {describe(A)}")


def inverse(M, *, seconds=DEFAULT_SECONDS):
    """The inverse; a singular matrix raises :class:`SingularMatrixError` with its rank.

    Symbolic entries give the generic inverse (valid where the determinant,
    which the result's entries share as a denominator, is non-zero).

    Examples
    --------
    >>> inverse([[1, 2], [2, 4]])
    Traceback (most recent call last):
    ...
    derive.errors.SingularMatrixError: matrix [[1, 2], [2, 4]] is singular (rank 1 < 2): it has no inverse. Its null space is spanned by [[-2], [1]]; try derive.linalg.nullspace, or a least-squares solution (pseudo-inverse)
    """
    A = as_matrix(M, square=True)
    if is_numeric(A):
        values = _as_float_array(A)
        r = int(np.linalg.matrix_rank(values))
        if r < A.rows:
            raise _singular(A, r)
        return sympy.ImmutableMatrix(np.linalg.inv(values))
    if _is_rational(A):
        if A.det() == 0:
            raise _singular(A, A.rank())
        return sympy.ImmutableMatrix(A.inv())
    result = run(_inverse_worker, (A,), seconds=seconds, what=f"the inverse of {describe(A)}")
    if result is None:
        raise _singular(A, rank(A, seconds=seconds))
    return result


def _singular(A, r):
    kernel = ""
    if not is_numeric(A):
        try:
            vectors = nullspace(A)
        except Exception:  # the message stays informative without the kernel
            vectors = []
        if vectors:
            kernel = (" Its null space is spanned by "
                      + ", ".join(str(v.tolist()) for v in vectors[:3]) + ";")
    return SingularMatrixError(
        f"matrix {describe(A)} is singular (rank {r} < {A.rows}): it has no inverse."
        f"{kernel} try derive.linalg.nullspace, or a least-squares solution (pseudo-inverse)")
