"""derive.codegen.matrix: BLAS-shaped NumPy code, stable, checked against hand-written NumPy."""

import numpy as np
import pytest
import sympy as sp
from scipy.special import expit, logsumexp as sp_logsumexp, softmax as sp_softmax

from derive.codegen.matrix import compile_matrix
from derive.errors import CompileError
from derive.matrix_calculus import (gradient, hessian, inv, logdet, logsumexp, matrix, norm, softmax,
                           softplus, total_sum, vector)


def test_logistic_gradient_matches_hand_written_and_uses_products():
    X, w, y = matrix("X", "n", "d"), vector("w", "d"), vector("y", "n")
    d = gradient(total_sum(softplus(X * w)) - y.T * X * w, w)
    f = compile_matrix(d, [X, w, y])
    assert "@" in f.source and "for " not in f.source and "[0, 1]" not in f.source
    rng = np.random.default_rng(0)
    Xv, wv, yv = rng.standard_normal((50, 4)), rng.standard_normal(4), rng.uniform(size=50)
    np.testing.assert_allclose(f(Xv, wv, yv), Xv.T @ (expit(Xv @ wv) - yv), rtol=1e-13)
    assert f(Xv, wv, yv).shape == (4,)
    np.testing.assert_allclose(f(X=Xv, w=wv, y=yv), f(Xv, wv, yv))


def test_stable_beyond_exp_overflow():
    """|Xw| > 709: sigmoid, softplus, softmax and logsumexp stay finite."""
    X, w, y = matrix("X", "n", "d"), vector("w", "d"), vector("y", "n")
    loss = total_sum(softplus(X * w)) - y.T * X * w
    Xv = np.array([[800.0, 0.0], [-900.0, 0.0], [0.0, 1000.0]])
    wv, yv = np.array([1.0, -1.0]), np.array([1.0, 0.0, 1.0])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        value = compile_matrix(loss, [X, w, y])(Xv, wv, yv)
        grad = compile_matrix(gradient(loss, w), [X, w, y])(Xv, wv, yv)
    assert np.isfinite(value) and np.all(np.isfinite(grad))
    np.testing.assert_allclose(value, 800.0 + 1000.0 - 800.0)   # softplus(t) = t for t >> 0
    z, t = vector("z", "k"), vector("t", "k")
    zv = np.array([1000.0, -1000.0, 999.0])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        lse = compile_matrix(logsumexp(z) - t.T * z, [z, t])(zv, np.array([1.0, 0, 0]))
        H = compile_matrix(hessian(logsumexp(z) - t.T * z, z), [z, t])(zv, np.zeros(3))
    np.testing.assert_allclose(lse, sp_logsumexp(zv) - 1000.0)
    p = sp_softmax(zv)
    np.testing.assert_allclose(H, np.diag(p) - np.outer(p, p), atol=1e-15)


def test_inverse_uses_solve_and_logdet_uses_slogdet():
    X, a, b = matrix("X", "n", "n"), vector("a", "n"), vector("b", "n")
    src = compile_matrix(a.T * inv(X) * b, [X, a, b]).source
    assert "numpy.linalg.solve" in src and "numpy.linalg.inv" not in src
    f = compile_matrix(logdet(X), [X])
    assert "slogdet" in f.source
    M = np.array([[2.0, 1.0], [1.0, 3.0]])
    np.testing.assert_allclose(f(M), np.log(5.0))
    g = compile_matrix(a.T * inv(X) * b, [X, a, b])
    np.testing.assert_allclose(g(M, [1.0, 2.0], [3.0, 4.0]),
                               np.array([1.0, 2.0]) @ np.linalg.solve(M, [3.0, 4.0]))


def test_trace_of_product_and_norm():
    A, B = matrix("A", "n", "m"), matrix("B", "n", "m")
    f = compile_matrix(sp.Trace(A.T * B) + norm(A), [A, B])
    assert "numpy.sum(" in f.source
    rng = np.random.default_rng(2)
    Av, Bv = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    np.testing.assert_allclose(f(Av, Bv), np.trace(Av.T @ Bv) + np.linalg.norm(Av))


def test_softmax_matrix_axis():
    Z = matrix("Z", "n", "m")
    f = compile_matrix(softmax(Z, 1), [Z])
    Zv = np.arange(6.0).reshape(2, 3)
    np.testing.assert_allclose(f(Zv), sp_softmax(Zv, axis=1))


def test_shape_errors_and_missing_arguments():
    X, w = matrix("X", "n", "d"), vector("w", "d")
    f = compile_matrix(X * w, [X, w])
    with pytest.raises(ValueError, match="w must have shape"):
        f(np.ones((3, 2)), np.ones(5))
    with pytest.raises(CompileError, match="not an argument"):
        compile_matrix(X * w + vector("b", "n"), [X, w])


def test_keyword_named_scalar_and_explicit_matrix():
    from derive.checking.matrix import check_matrix
    X, w, y = matrix("X", "n", "d"), vector("w", "d"), vector("y", "n")
    lam = sp.Symbol("lambda", positive=True)                 # a Python keyword as a name
    d = gradient(norm(X * w - y) ** 2 + lam * norm(w) ** 2, w)   # ridge regression
    assert check_matrix(d).status == "verified"
    f = d.compile()
    rng = np.random.default_rng(4)
    Xv, wv, yv = rng.standard_normal((6, 3)), rng.standard_normal(3), rng.standard_normal(6)
    np.testing.assert_allclose(f(wv, Xv, 0.5, yv), 2 * Xv.T @ (Xv @ wv - yv) + wv, rtol=1e-12)
    x = vector("x", 2)
    M = sp.ImmutableMatrix([[1, 2], [3, 4]])
    g = gradient(x.T * M * x, x)
    np.testing.assert_allclose(g.compile()([1.0, 2.0]), [12.0, 21.0])   # (M + M^T) x
