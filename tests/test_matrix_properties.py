"""Property: every derived matrix gradient of a random expression survives finite differences."""

import sympy as sp
from hypothesis import given, settings, strategies as st

from derive.matrix_calculus import exp, gradient, hadamard, matrix, softplus, tanh, total_sum, vector
from derive.checking.matrix import check_matrix

X, A, B = matrix("X", "n", "n"), matrix("A", "n", "n"), matrix("B", "n", "n")
a, b = vector("a", "n"), vector("b", "n")

leaves = st.sampled_from([X, X.T, A, B, X, sp.Inverse(X)])


def _extend(children):
    return st.one_of(
        st.tuples(children, children).map(lambda p: p[0] * p[1]),
        st.tuples(children, children).map(lambda p: p[0] + p[1]),
        st.tuples(children, children).map(lambda p: hadamard(p[0], p[1])),
        children.map(lambda e: e.T),
        children.map(tanh),
    )


matrices = st.recursive(leaves, _extend, max_leaves=4)

scalars = st.one_of(
    matrices.map(sp.Trace),
    matrices.map(lambda E: a.T * E * b),
    matrices.map(lambda E: total_sum(softplus(E))),
    matrices.map(lambda E: sp.log(sp.Determinant(X)) + sp.Trace(E)),
    matrices.map(lambda E: sp.exp(sp.Trace(tanh(E)))),
    matrices.map(lambda E: total_sum(exp(tanh(E)))),
)


@settings(max_examples=25)
@given(scalars)
def test_random_matrix_expressions_verified(f):
    if not f.has(X):
        return
    d = gradient(f, X)
    assert d.result.shape == X.shape
    report = check_matrix(d)
    assert report.status == "verified", f"{f}: {d.result}\n{report}"
