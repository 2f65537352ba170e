"""The Hessian map ``H[V]`` in Kronecker/vec form and in einsum form.

``H[V]`` (see :mod:`derive.matrix_calculus.second_order`) is linear in ``V``.
Two other ways to write the same map:

* **Kronecker/vec**: ``vec(H[V]) = K vec(V)`` with the column-major ``vec``
  (columns stacked), so ``vec(A V B) = (B^T (x) A) vec(V)``,
  ``vec(V^T) = K_{n,m} vec(V)`` (the commutation matrix) and
  ``vec(S o V) = diag(vec S) vec(V)``. ``K`` is the full ``nm x nm`` Hessian.
* **einsum**: ``H[V]_{ij}`` as a sum of index contractions of ``V`` with
  ``V``-free operands (``[(coefficient, "ab,bc->ac", operands)]``), which
  :mod:`derive.codegen.matrix_linear_maps` evaluates with the contraction
  order chosen by cost, and from which the 4-index Hessian
  ``H_{ijkl} = d H[V]_{ij} / d V_{kl}`` follows by replacing ``V`` with two
  identities.

Examples
--------
>>> from derive.matrix_calculus import matrix, trace
>>> from derive.matrix_calculus.second_order import hvp
>>> W, X, Y = matrix("W", "d", "k"), matrix("X", "n", "d"), matrix("Y", "n", "k")
>>> d = hvp(trace((X * W - Y).T * (X * W - Y)), W)
>>> d.result
2*X.T*X*dW
>>> kron_form(d.result, d.options["direction"])
2*(KroneckerProduct(I, X.T*X))
>>> einsum_form(d.result, d.options["direction"])
[(2, 'ab,bc,cd->ad', (X.T, X, dW))]
"""

from __future__ import annotations

import itertools

import sympy as sp
from sympy import MatrixExpr

from derive.errors import ShapeError
from derive.matrix_calculus.algebra import mul, transpose
from derive.matrix_calculus.differential import read_off_gradient
from derive.matrix_calculus.nodes import Diag

__all__ = ["Vec", "Commutation", "kron_form", "einsum_form", "hessian_einsum_form"]


class Vec(MatrixExpr):
    """vec(A): the columns of ``A`` stacked into one column (column-major)."""

    def __new__(cls, arg):
        return super().__new__(cls, arg)

    arg = property(lambda self: self.args[0])
    shape = property(lambda self: (self.arg.shape[0] * self.arg.shape[1], sp.Integer(1)))

    def _entry(self, i, j, **kwargs):
        rows = self.arg.shape[0]
        return self.arg._entry(i % rows, i // rows, **kwargs)

    def _latex(self, printer):
        return rf"\operatorname{{vec}}\left({printer._print(self.arg)}\right)"

    def _sympystr(self, printer):
        return f"vec({printer._print(self.arg)})"


class Commutation(MatrixExpr):
    """The commutation matrix ``K_{p,q}``: ``K vec(A) = vec(A^T)`` for ``A`` of shape ``p x q``."""

    def __new__(cls, p, q):
        return super().__new__(cls, sp.sympify(p), sp.sympify(q))  # sympify: package-built sizes

    p = property(lambda self: self.args[0])
    q = property(lambda self: self.args[1])
    shape = property(lambda self: (self.p * self.q, self.p * self.q))

    def _entry(self, i, j, **kwargs):
        # row i is entry (r, c) of A^T (q x p): i = r + q c; it picks A[c, r] = vec(A)[c + p r]
        return sp.KroneckerDelta(j, sp.floor(i / self.q) + self.p * sp.Mod(i, self.q))

    def _latex(self, printer):
        return rf"K_{{{printer._print(self.p)},{printer._print(self.q)}}}"

    def _sympystr(self, printer):
        return f"K({printer._print(self.p)}, {printer._print(self.q)})"


def _has(V):
    return lambda e: isinstance(e, sp.Basic) and e.has(V)


def kron_form(H, V):
    """The ``K`` with ``vec(H[V]) = K vec(V)`` (the full Hessian, ``nm x nm``), symbolically.

    Parameters
    ----------
    H : matrix expression
        Linear in ``V`` (``hvp(...).result``).
    V : MatrixSymbol
        The direction.

    Raises
    ------
    ShapeError
        ``H`` is not built from products, transposes, sums, Hadamard products
        with ``V``-free factors and traces.

    Examples
    --------
    >>> from derive.matrix_calculus import matrix, logdet
    >>> from derive.matrix_calculus.second_order import hvp
    >>> X = matrix("X", "n", "n")
    >>> d = hvp(logdet(X), X)
    >>> kron_form(d.result, d.options["direction"])
    -(KroneckerProduct(X**(-1), X^-T))*K(n, n)
    """
    has = _has(V)
    n, m = V.shape

    def K(L):
        if not has(L):
            return None
        if L == V:
            return sp.Identity(n * m)
        if isinstance(L, sp.MatAdd):
            parts = [K(t) for t in L.args]
            parts = [p for p in parts if p is not None]
            return parts[0] if len(parts) == 1 else sp.MatAdd(*parts)
        if isinstance(L, sp.MatMul):
            coeff, mats = L.as_coeff_matrices()
            if has(coeff):                      # c tr(M) B: vec(B) vec(grad of tr M)^T
                B = mul(*mats)
                G = read_off_gradient(coeff, V)
                return mul(Vec(B), transpose(Vec(G)))
            idx = [k for k, f in enumerate(mats) if has(f)]
            if len(idx) != 1:
                raise ShapeError(f"{L} is not linear in {V}")
            k = idx[0]
            A, F, B = mats[:k], mats[k], mats[k + 1:]
            left = mul(*A) if A else sp.Identity(F.shape[0])
            right = mul(*B) if B else sp.Identity(F.shape[1])
            kron = sp.KroneckerProduct(transpose(right), left)
            inner = K(F)
            out = kron if isinstance(inner, sp.Identity) else mul(kron, inner)
            return out if coeff == 1 else mul(coeff, out)
        if isinstance(L, sp.Transpose):
            p, q = L.arg.shape
            inner = K(L.arg)
            comm = Commutation(p, q)
            return comm if isinstance(inner, sp.Identity) else mul(comm, inner)
        if isinstance(L, sp.HadamardProduct):
            idx = [k for k, f in enumerate(L.args) if has(f)]
            if len(idx) != 1:
                raise ShapeError(f"{L} is not linear in {V}")
            others = [f for k, f in enumerate(L.args) if k != idx[0]]
            S = others[0] if len(others) == 1 else sp.HadamardProduct(*others)
            return mul(Diag(Vec(S)), K(L.args[idx[0]]))
        raise ShapeError(f"no Kronecker form for {type(L).__name__} in {L}; the map H[V] "
                         "itself (hvp) and its einsum form may still apply")

    out = K(H)
    return sp.ZeroMatrix(n * m, n * m) if out is None else out


# -- einsum ------------------------------------------------------------------------

class _Letters:
    def __init__(self):
        self._it = iter("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")

    def __call__(self):
        try:
            return next(self._it)
        except StopIteration:
            raise ShapeError("the map needs more than 52 einsum indices") from None


def _expand(L, i, j, has, fresh):
    """Terms ``(coeff, [(operand, (p, q))])`` whose contractions sum to ``L[i, j]``."""
    if not has(L):
        return [(sp.S.One, [(L, (i, j))])]
    if isinstance(L, sp.MatrixSymbol):
        return [(sp.S.One, [(L, (i, j))])]
    if isinstance(L, sp.MatAdd):
        return [t for a in L.args for t in _expand(a, i, j, has, fresh)]
    if isinstance(L, sp.Transpose):
        return _expand(L.arg, j, i, has, fresh)
    if isinstance(L, sp.MatMul):
        coeff, mats = L.as_coeff_matrices()
        chain = [i] + [fresh() for _ in range(len(mats) - 1)] + [j]
        terms = [(sp.S.One, [])]
        if has(coeff):
            c0, traced = sp.S.One, []
            for f in sp.Mul.make_args(coeff):
                if has(f):
                    traced.append(f)
                else:
                    c0 *= f
            if len(traced) != 1 or not isinstance(traced[0], sp.Trace):
                raise ShapeError(f"{coeff} is not a trace linear in the direction")
            a = fresh()
            terms = _expand(traced[0].arg, a, a, has, fresh)
            coeff = c0
        for k, f in enumerate(mats):
            pieces = _expand(f, chain[k], chain[k + 1], has, fresh)
            terms = [(c1 * c2, f1 + f2) for (c1, f1), (c2, f2) in itertools.product(terms, pieces)]
        return [(coeff * c, fs) for c, fs in terms]
    if isinstance(L, sp.HadamardProduct):
        terms = [(sp.S.One, [])]
        for f in L.args:
            pieces = _expand(f, i, j, has, fresh)
            terms = [(c1 * c2, f1 + f2) for (c1, f1), (c2, f2) in itertools.product(terms, pieces)]
        return terms
    raise ShapeError(f"no einsum form for {type(L).__name__} in {L}")


def _spec(factors, out):
    return ",".join("".join(ix) for _, ix in factors) + "->" + out


def einsum_form(H, V):
    """``H[V]`` as ``[(coefficient, spec, operands)]``: ``H[V] = sum c * einsum(spec, *operands)``.

    The operands are ``V`` and ``V``-free matrix expressions; every spec has
    output ``"ad"``-style two indices (rows, columns of ``H[V]``).

    Examples
    --------
    >>> from derive.matrix_calculus import matrix, logdet
    >>> from derive.matrix_calculus.second_order import hvp
    >>> X = matrix("X", "n", "n")
    >>> d = hvp(logdet(X), X)
    >>> einsum_form(d.result, d.options["direction"])
    [(-1, 'ab,cb,cd->ad', (X^-T, dX, X^-T))]
    """
    fresh = _Letters()
    i, j = fresh(), fresh()
    has = _has(V)
    out = []
    for coeff, factors in _expand(H, i, j, has, fresh):
        out.append((coeff, _spec(factors, i + j), tuple(f for f, _ in factors)))
    return _renamed(out)


def _renamed(terms):
    """Letters renamed in order of appearance, so equal maps print equal specs."""
    out = []
    for coeff, spec, ops in terms:
        order = {}
        for ch in spec:
            if ch.isalpha() and ch not in order:
                order[ch] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"[len(order)]
        out.append((coeff, "".join(order.get(ch, ch) for ch in spec), ops))
    return out


#: Stands for an identity matrix of the size of a direction's rows / columns.
ROWS_IDENTITY, COLS_IDENTITY = "I_rows", "I_cols"


def hessian_einsum_form(H, V):
    """The 4-index Hessian ``H_{ijkl} = d H[V]_{ij} / d V_{kl}`` as einsum terms.

    Each occurrence of ``V`` with indices ``(p, q)`` becomes two identity
    operands ``I[p, k]`` and ``I[q, l]`` (written as the strings
    :data:`ROWS_IDENTITY` and :data:`COLS_IDENTITY`); outputs are ``"ijkl"``-style.

    Examples
    --------
    >>> from derive.matrix_calculus import matrix, trace
    >>> from derive.matrix_calculus.second_order import hvp
    >>> X, A = matrix("X", "n", "m"), matrix("A", "n", "n")
    >>> d = hvp(trace(X.T * A * X), X)
    >>> hessian_einsum_form(d.result, d.options["direction"])
    [(1, 'ab,bc,de->adce', (A + A.T, 'I_rows', 'I_cols'))]
    """
    fresh = _Letters()
    i, j = fresh(), fresh()
    k, ell = fresh(), fresh()
    has = _has(V)
    out = []
    for coeff, factors in _expand(H, i, j, has, fresh):
        fs = []
        for f, (p, q) in factors:
            if f == V:
                fs += [(ROWS_IDENTITY, (p, k)), (COLS_IDENTITY, (q, ell))]
            else:
                fs.append((f, (p, q)))
        out.append((coeff, _spec(fs, i + j + k + ell), tuple(f for f, _ in fs)))
    return _renamed(out)
