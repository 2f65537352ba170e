"""Linear maps between coordinate spaces, with bases.

A :class:`LinearMap` is a matrix together with the bases it is written in: the
columns of ``domain`` (n x n) and ``codomain`` (m x m) are basis vectors in
standard coordinates, and ``matrix`` (m x n) takes domain coordinates to
codomain coordinates. The map itself does not depend on the bases:
:meth:`LinearMap.apply` works in standard coordinates, ``standard`` is the
standard matrix ``C M B^-1``, and :meth:`LinearMap.in_bases` re-expresses the
same map in other bases (change of basis).

Examples
--------
>>> from derive.linalg import LinearMap
>>> rotate = LinearMap([[0, -1], [1, 0]])       # a quarter turn
>>> stretch = LinearMap([[2, 0], [0, 1]])
>>> (stretch @ rotate).apply([1, 0]).T           # rotate first, then stretch
Matrix([[0, 1]])
>>> shear = LinearMap([[1, 1], [0, 1]])
>>> shear.in_bases([[1, 1], [0, 1]]).matrix      # the same shear in the basis (1,0), (1,1)
Matrix([
[1, 1],
[0, 1]])
>>> LinearMap([[1, 2], [2, 4]]).kernel()
[Matrix([
[-2],
[ 1]])]
"""

from __future__ import annotations

import sympy

from derive.errors import ShapeError, SingularMatrixError
from derive.linalg.matrices import as_matrix, describe, inverse, nullspace, rank

__all__ = ["LinearMap"]


def _basis(B, n, what):
    if B is None:
        return sympy.ImmutableMatrix(sympy.eye(n))
    B = as_matrix(B, what=what)
    if B.shape != (n, n):
        raise ShapeError(f"{what} {describe(B)} has shape {B.rows}x{B.cols}; a basis of a "
                         f"{n}-dimensional space is an {n}x{n} matrix of column vectors")
    if rank(B) < n:
        raise SingularMatrixError(f"{what} {describe(B)} is not a basis: its columns are "
                                  f"linearly dependent (rank {rank(B)} < {n})")
    return B


class LinearMap:
    """A linear map R^n -> R^m given by a matrix in chosen bases.

    Parameters
    ----------
    matrix : matrix-like
        m x n, acting on coordinates in ``domain`` and giving coordinates in ``codomain``.
    domain, codomain : matrix-like, optional
        Bases as columns (standard bases by default).

    Examples
    --------
    >>> f = LinearMap([[1, 2], [3, 4]])
    >>> f([1, 1]).T
    Matrix([[3, 7]])
    >>> f.rank, f.image()
    (2, [Matrix([
    [1],
    [3]]), Matrix([
    [2],
    [4]])])
    """

    def __init__(self, matrix, domain=None, codomain=None):
        self.matrix = as_matrix(matrix, what="matrix of the map")
        m, n = self.matrix.shape
        self.domain = _basis(domain, n, "domain basis")
        self.codomain = _basis(codomain, m, "codomain basis")
        self.standard = sympy.ImmutableMatrix(
            self.codomain * self.matrix * inverse(self.domain))

    @property
    def shape(self):
        """``(m, n)`` for a map from R^n to R^m."""
        return self.matrix.shape

    @property
    def rank(self):
        """Dimension of the image."""
        return rank(self.standard)

    def apply(self, v):
        """The image of ``v`` (standard coordinates in, standard coordinates out)."""
        v = as_matrix(v, what="vector")
        if v.rows != self.standard.cols:
            raise ShapeError(f"vector {describe(v)} has {v.rows} rows; this map takes vectors "
                             f"with {self.standard.cols}")
        return sympy.ImmutableMatrix(self.standard * v)

    __call__ = apply

    def __matmul__(self, other):
        """Composition ``self @ other``: first ``other``, then ``self``."""
        if not isinstance(other, LinearMap):
            return NotImplemented
        if other.standard.rows != self.standard.cols:
            raise ShapeError(f"cannot compose: the first map gives vectors of length "
                             f"{other.standard.rows}, the second takes length "
                             f"{self.standard.cols}")
        return LinearMap(self.standard * other.standard).in_bases(other.domain, self.codomain)

    def __eq__(self, other):
        return isinstance(other, LinearMap) and self.standard == other.standard

    __hash__ = None

    def kernel(self):
        """A basis of the kernel (standard coordinates)."""
        return nullspace(self.standard)

    def image(self):
        """A basis of the image (standard coordinates): the pivot columns."""
        return [sympy.ImmutableMatrix(v) for v in self.standard.columnspace()]

    def in_bases(self, domain=None, codomain=None):
        """The same map written in other bases: matrix ``C'^-1 S B'`` (change of basis).

        ``codomain`` defaults to ``domain`` for a map from a space to itself.
        """
        m, n = self.standard.shape
        if codomain is None and m == n:
            codomain = domain
        B = _basis(domain, n, "domain basis")
        C = _basis(codomain, m, "codomain basis")
        return LinearMap(inverse(C) * self.standard * B, B, C)

    def __repr__(self):
        return (f"LinearMap({self.matrix.tolist()}, domain={self.domain.tolist()}, "
                f"codomain={self.codomain.tolist()})")

    def __str__(self):
        m, n = self.standard.shape
        return (f"linear map R^{n} -> R^{m}, matrix {self.matrix.tolist()} in bases "
                f"{self.domain.tolist()} -> {self.codomain.tolist()} "
                f"(standard matrix {self.standard.tolist()})")

    def _repr_latex_(self):
        m, n = self.standard.shape
        return (f"$\\mathbb{{R}}^{n} \\to \\mathbb{{R}}^{m}: {sympy.latex(self.matrix)}"
                f"\\ \\text{{in bases }} {sympy.latex(self.domain)} \\to "
                f"{sympy.latex(self.codomain)}$")
