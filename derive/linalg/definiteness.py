"""Definiteness of a quadratic form: what an optimizer needs to know about a Hessian.

Exact for exact numbers (the inertia from the signs of the characteristic
polynomial's coefficients: all its roots are real, so Descartes' rule of signs
counts them exactly), for symbols through SymPy's pivot and Cholesky tests
(which use the symbols' assumptions), and from
``numpy.linalg.eigvalsh`` with a stated tolerance for floating-point entries.
A non-symmetric ``M`` is judged by its quadratic form ``x^T M x``, i.e. by its
symmetric part ``(M + M^T)/2`` (Hermitian part ``(M + M^H)/2`` for complex entries).

Examples
--------
>>> from derive.linalg import definiteness
>>> definiteness([[2, -1], [-1, 2]])
'positive definite'
>>> d = definiteness([[1.0, 0.0], [0.0, -3.0]])
>>> d, d.method
('indefinite', 'numeric: eigvalsh of the symmetric part, zero below 1.3e-15')
"""

from __future__ import annotations

import numpy as np
import sympy

from derive.errors import DeriveError
from derive.guard import DEFAULT_SECONDS, run
from derive.linalg.matrices import as_matrix, describe, is_numeric

__all__ = ["definiteness", "Definiteness", "UndecidedError"]

_ORDER = ("positive definite", "negative definite", "positive semidefinite",
          "negative semidefinite", "indefinite")


class UndecidedError(DeriveError, ValueError):
    """A symbolic matrix whose definiteness depends on values of its symbols."""


class Definiteness(str):
    """One of the five definiteness strings, with ``.method`` saying how it was decided."""

    method: str

    def __new__(cls, value, method):
        out = super().__new__(cls, value)
        out.method = method
        return out


def _exact_worker(S):
    """("inertia", counts) when the coefficient signs are known, else ("flags", SymPy's)."""
    if all(sym.is_real for sym in S.free_symbols):
        inertia = _inertia(S)
        if inertia is not None:
            return "inertia", inertia
    flags = (S.is_positive_definite, S.is_negative_definite, S.is_positive_semidefinite,
             S.is_negative_semidefinite, S.is_indefinite)
    return "flags", [None if f is None else bool(f) for f in flags]


def _inertia(S):
    """(positive, negative, zero) eigenvalue counts of a symmetric matrix of numbers, or None.

    All roots of its characteristic polynomial are real, so Descartes' rule of
    signs counts the positive ones exactly; None if a coefficient's sign is unknown.
    """
    coeffs = S.charpoly().all_coeffs()  # leading first
    zero = 0
    while coeffs and coeffs[-1] == 0:
        coeffs.pop()
        zero += 1
    signs = []
    for c in coeffs:
        if c.is_positive:
            signs.append(1)
        elif c.is_negative:
            signs.append(-1)
        elif c.is_zero:
            continue
        else:
            return None
    pos = sum(1 for a, b in zip(signs, signs[1:]) if a != b)
    return pos, S.rows - zero - pos, zero


def definiteness(M, *, seconds=DEFAULT_SECONDS):
    """Classify the quadratic form ``x^T M x``.

    Parameters
    ----------
    M : matrix-like
        Square; text, lists, NumPy or SymPy (see :func:`derive.linalg.as_matrix`).
    seconds : float, optional
        Time budget of the exact decision for symbolic entries.

    Returns
    -------
    Definiteness
        A ``str``: ``"positive definite"``, ``"positive semidefinite"``,
        ``"negative definite"``, ``"negative semidefinite"`` or ``"indefinite"``;
        ``.method`` says how it was decided.

    Raises
    ------
    UndecidedError
        Symbolic entries whose signs the assumptions do not settle.

    Examples
    --------
    >>> import sympy
    >>> a, b = sympy.symbols("a b", positive=True)
    >>> definiteness([[a, 0], [0, b]])
    'positive definite'
    >>> print(definiteness([[1, 1], [1, 1]]).method)  # doctest: +ELLIPSIS
    exact: inertia (1 positive, 0 negative, 1 zero eigenvalues) from the signs...
    """
    A = as_matrix(M, square=True)
    At = A.H if any(e.has(sympy.I) for e in A) else A.T  # Hermitian part for complex entries
    S = A if A == At else (A + At) / 2
    if is_numeric(S):
        dtype = complex if any(e.has(sympy.I) for e in S) else float
        values = np.linalg.eigvalsh(np.array(S.evalf(17).tolist(), dtype=dtype))
        tol = max(S.rows * np.finfo(float).eps * float(np.max(np.abs(values))), 1e-300)
        pos, neg = bool(np.any(values > tol)), bool(np.any(values < -tol))
        zero = bool(np.any(np.abs(values) <= tol))
        name = ("indefinite" if pos and neg else
                ("positive semidefinite" if zero else "positive definite") if pos else
                ("negative semidefinite" if zero else "negative definite") if neg else
                "positive semidefinite")  # the zero matrix is both semidefinite kinds
        return Definiteness(name, f"numeric: eigvalsh of the symmetric part, zero below "
                                  f"{tol:.1e}")
    if S.free_symbols:
        kind, found = run(_exact_worker, (S,), seconds=seconds,
                          what=f"the definiteness of {describe(S)}")
    else:
        kind, found = _exact_worker(S)
    if kind == "inertia":
        pos, neg, zero = found
        name = ("positive definite" if pos == S.rows else "negative definite" if neg == S.rows
                else "positive semidefinite" if neg == 0 else "negative semidefinite"
                if pos == 0 else "indefinite")
        return Definiteness(name, f"exact: inertia ({pos} positive, {neg} negative, {zero} zero "
                                  f"eigenvalues) from the signs of the characteristic "
                                  f"polynomial's coefficients (Descartes' rule, exact for "
                                  f"symmetric matrices)")
    pd, nd, psd, nsd, indefinite = found
    if psd is False and nsd is False:  # neither semidefinite kind: indefinite, exactly
        indefinite = True                # (SymPy's is_indefinite can say None here)
    for name, flag in zip(_ORDER, (pd, nd, psd, nsd, indefinite)):
        if flag:
            return Definiteness(name, "exact: pivots and principal minors of the symmetric "
                                      "part (SymPy)")
    raise UndecidedError(
        f"the definiteness of {describe(S)} depends on the values of "
        f"{', '.join(sorted(map(str, S.free_symbols))) or 'its entries'}; declare "
        f"assumptions (derive.symbols('a b', positive=True)) or substitute numbers")
