"""The result types of :func:`derive.linalg.eigen`, and exact eigenvalues as numbers.

:class:`Eigenspace` (one eigenvalue, its multiplicities, vectors and check) and
:class:`EigenResult` (all of them, how they were found) print in a terminal and
render in Jupyter. ``CRootOf`` values found by the guarded exact route are
cached with their digits (:data:`_ROOTS`) so showing them costs nothing.

>>> import sympy
>>> s = Eigenspace(sympy.Integer(2), 1, 1, (sympy.ImmutableMatrix([1, 0]),), "exact", True)
>>> s.approx(5)
2.0000
"""

from __future__ import annotations

import dataclasses

import mpmath
import sympy

from derive.linalg.matrices import describe

_ROOTS = {}  # CRootOf -> its value as a Float, filled by the guarded exact route


def _rootof_value(root, dps):
    have, value = _ROOTS.get(root, (0, None))
    if have >= dps:
        return sympy.N(value, dps)
    # mpmath's findroot from SymPy's isolating interval; N() refines the interval
    # with exact rational arithmetic instead, which takes minutes for complex roots.
    value = root.eval_approx(dps)
    if len(_ROOTS) > 1000:
        _ROOTS.clear()
    _ROOTS[root] = (dps, value)
    return value


def _numeric_value(expr, dps):
    """``N(expr, dps)``, with every CRootOf evaluated the fast way."""
    roots = expr.atoms(sympy.CRootOf)
    if roots:
        expr = expr.xreplace({r: _rootof_value(r, dps) for r in roots})
    return sympy.N(expr, dps)


def _mp(expr, dps):
    value = _numeric_value(expr, dps)
    re, im = value.as_real_imag()
    if re.free_symbols or im.free_symbols or not (re.is_number and im.is_number):
        raise ValueError(f"{expr} is not a number")
    re, im = sympy.Float(re, dps), sympy.Float(im, dps)
    if not (re.is_finite and im.is_finite):
        raise ValueError(f"{expr} is not finite")
    return mpmath.mpc(mpmath.mpf(re._mpf_), mpmath.mpf(im._mpf_))


@dataclasses.dataclass(frozen=True)
class Eigenspace:
    """One eigenvalue with its multiplicities, eigenvectors and verification.

    Attributes
    ----------
    value : sympy.Expr
        Exact expression, ``CRootOf``, or a ``Float`` at the requested digits.
    algebraic, geometric : int
        Multiplicity as a root of the characteristic polynomial; dimension of the
        eigenspace (``len(vectors)``).
    vectors : tuple of sympy.ImmutableMatrix
        A basis of the eigenspace (column vectors).
    check : str
        How ``A v = value v`` was verified, e.g. ``"exact"`` or
        ``"numeric at 40 digits: relative residual 2e-41"``.
    verified : bool
        Whether that check passed for every vector.
    """

    value: sympy.Expr
    algebraic: int
    geometric: int
    vectors: tuple
    check: str
    verified: bool

    def approx(self, digits=10):
        """The eigenvalue as a number with ``digits`` digits (free symbols kept)."""
        return _numeric_value(self.value, digits)


@dataclasses.dataclass(frozen=True)
class EigenResult:
    """Eigen-decomposition of a matrix, with how it was obtained and checked.

    Attributes
    ----------
    matrix : sympy.ImmutableMatrix
    spaces : tuple of Eigenspace
    method : str
        ``"toeplitz"``, ``"exact"`` (radicals), ``"rootof"`` (some ``CRootOf``
        values), ``"numeric"`` (mpmath values) or ``"values"`` (exact eigenvalues
        without eigenvectors, when those ran past the budget).
    note : str
        Why this method was used (the reason for any fallback to numbers).
    digits : int
        Digits of numeric values and of the numeric checks.
    jordan : tuple or None
        ``(P, J)`` with ``A = P J P^-1`` for a defective matrix, else ``None``.
    """

    matrix: sympy.ImmutableMatrix
    spaces: tuple
    method: str
    note: str
    digits: int
    jordan: tuple | None = None

    @property
    def eigenvalues(self):
        """Eigenvalues repeated by algebraic multiplicity."""
        return [s.value for s in self.spaces for _ in range(s.algebraic)]

    @property
    def eigenvectors(self):
        """``[(value, algebraic multiplicity, [vectors])]``, like SymPy's ``eigenvects``."""
        return [(s.value, s.algebraic, list(s.vectors)) for s in self.spaces]

    @property
    def is_defective(self):
        """True if some eigenvalue has fewer eigenvectors than its multiplicity."""
        return any(s.geometric < s.algebraic for s in self.spaces)

    @property
    def verified(self):
        """True if every eigenpair passed its check."""
        return all(s.verified for s in self.spaces)

    @property
    def is_numeric(self):
        """True if the eigenvalues are floating-point numbers (method ``"numeric"``)."""
        return self.method == "numeric"

    def __str__(self):
        lines = [f"eigen of {describe(self.matrix)}: {_METHOD_TEXT[self.method]}",
                 f"  {self.note}"]
        for s in self.spaces:
            approx = "" if self.is_numeric or s.value.free_symbols else \
                f"  (≈ {s.approx(12)})"
            lines.append(f"  λ = {_str(s.value)}{approx}   algebraic {s.algebraic}, "
                         f"geometric {s.geometric}")
            for v in s.vectors:
                lines.append(f"      v = [{', '.join(_str(e) for e in v)}]")
            lines.append(f"      check: {s.check}")
        if self.jordan is not None:
            P, J = self.jordan
            lines.append(f"  defective; Jordan form A = P J P^-1 with J = {_str(J.tolist())}, "
                         f"P = {_str(P.tolist())}")
        what = "eigenvalue (eigenvectors not computed)" if self.method == "values" else "pair"
        lines.append(f"  every {what} verified" if self.verified else
                     f"  WARNING: some {what} failed its check")
        return "\n".join(lines)

    def _repr_latex_(self):
        rows = []
        for s in self.spaces:
            vecs = ",\\ ".join(_latex(v) for v in s.vectors)
            rows.append(f"\\lambda = {_latex(s.value)} & m_a = {s.algebraic},\\ "
                        f"m_g = {s.geometric} & {vecs} & \\text{{{_tex_escape(s.check)}}}")
        body = " \\\\ ".join(rows)
        out = (f"$\\text{{eigen of }} {sympy.latex(self.matrix)}"
               f"\\text{{: {_tex_escape(_METHOD_TEXT[self.method])}}}"
               f"\\\\ \\begin{{array}}{{llll}} {body} \\end{{array}}")
        if self.jordan is not None:
            P, J = self.jordan
            out += f"\\\\ \\text{{Jordan form: }} J = {_latex(J)},\\ P = {_latex(P)}"
        return out + "$"


_METHOD_TEXT = {
    "toeplitz": "compact closed form (tridiagonal Toeplitz)",
    "exact": "exact (rational numbers and radicals)",
    "rootof": "exact, some eigenvalues as CRootOf (no radicals)",
    "numeric": "numeric (mpmath)",
    "values": "exact eigenvalues only (no eigenvectors)",
}


def _str(expr):
    # order="none": ordering the terms of an Add evaluates any CRootOf numerically,
    # which takes seconds per root
    return sympy.sstr(expr, order="none")


def _latex(expr):
    return sympy.latex(expr, order="none")


def _tex_escape(text):
    for a, b in (("\\", ""), ("_", "\\_"), ("^", "\\^{}"), ("&", "\\&"), ("%", "\\%"),
                 ("#", "\\#"), ("{", "\\{"), ("}", "\\}"), ("λ", "$\\lambda$")):
        text = text.replace(a, b)
    return text
