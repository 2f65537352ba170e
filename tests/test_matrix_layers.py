"""derive.matrix_calculus.layers: backpropagation derived, compiled and checked against textbook formulas."""

import numpy as np
import pytest
import sympy as sp
from scipy.special import softmax as sp_softmax

from derive.codegen.matrix import compile_matrix
from derive.matrix_calculus import gradient, jacobian, matrix, vector
from derive.checking.matrix import check_matrix
from derive.matrix_calculus.layers import (backprop, dense, layer_norm, mlp, mse,
                                  softmax_cross_entropy)

W1, b1 = matrix("W1", "h", "d"), vector("b1", "h")
W2, b2 = matrix("W2", "k", "h"), vector("b2", "k")
x, y = vector("x", "d"), vector("y", "k")


@pytest.mark.parametrize("act", ["relu", "tanh", "sigmoid"])
def test_mlp_backprop_checked_and_textbook(act):
    grads = backprop(softmax_cross_entropy(mlp(x, W1, b1, W2, b2, act), y), [W1, b1, W2, b2])
    assert list(grads) == ["W1", "b1", "W2", "b2"]
    for name, d in grads.items():
        assert d.result.shape == d.wrt[0].shape
        assert check_matrix(d).status == "verified", name
    # Textbook backpropagation (Goodfellow et al. 6.5.4), computed by hand with NumPy.
    rng = np.random.default_rng(3)
    vals = {"W1": rng.standard_normal((5, 4)), "b1": rng.standard_normal(5),
            "W2": rng.standard_normal((3, 5)), "b2": rng.standard_normal(3),
            "x": rng.standard_normal(4), "y": np.eye(3)[1]}
    f = {"relu": lambda a: np.maximum(a, 0), "tanh": np.tanh,
         "sigmoid": lambda a: 1 / (1 + np.exp(-a))}[act]
    fp = {"relu": lambda a: (a > 0).astype(float), "tanh": lambda a: 1 - np.tanh(a) ** 2,
          "sigmoid": lambda a: f(a) * (1 - f(a))}[act]
    a1 = vals["W1"] @ vals["x"] + vals["b1"]
    h = f(a1)
    delta2 = sp_softmax(vals["W2"] @ h + vals["b2"]) - vals["y"]
    delta1 = (vals["W2"].T @ delta2) * fp(a1)
    truth = {"W2": np.outer(delta2, h), "b2": delta2, "W1": np.outer(delta1, vals["x"]),
             "b1": delta1}
    for name, d in grads.items():
        args = [W1, b1, W2, b2, x, y]
        got = compile_matrix(d.result, args)(*[vals[a.name] for a in args])
        np.testing.assert_allclose(got, truth[name], rtol=1e-12, atol=1e-14)


def test_output_layer_gradient_is_textbook():
    W, b = matrix("W", "k", "d"), vector("b", "k")
    grads = backprop(softmax_cross_entropy(dense(W, x, b), y), [W, b])
    assert str(grads["b"].result) == "softmax(W*x + b) - y"
    assert str(grads["W"].result) == "(softmax(W*x + b) - y)*x.T"


def test_mse_gradient():
    X, w, t = matrix("X", "n", "d"), vector("w", "d"), vector("t", "n")
    d = gradient(mse(X * w, t), w)
    assert str(d.result) == "(2/n)*X.T*(X*w - t)"
    assert check_matrix(d).status == "verified"


def _ln_truth(xv, g, eps):
    """Layer-norm Jacobian by the textbook formula (Ba et al. 2016):
    J = diag(g) (I - 11^T/n - xhat xhat^T/n) / sigma."""
    n = xv.size
    c = xv - xv.mean()
    sigma = np.sqrt(c @ c / n + eps)
    xhat = c / sigma
    return np.diag(g) @ (np.eye(n) - np.ones((n, n)) / n - np.outer(xhat, xhat) / n) / sigma


def test_layer_norm_jacobian_and_gradients():
    xx, g, bb, t = vector("x", "n"), vector("g", "n"), vector("b", "n"), vector("t", "n")
    eps = sp.Rational(1, 100000)
    J = jacobian(layer_norm(xx, g, bb, eps), xx)
    rng = np.random.default_rng(5)
    xv, gv, bv = rng.standard_normal(6), rng.standard_normal(6), rng.standard_normal(6)
    got = compile_matrix(J.result, [xx, g, bb])(xv, gv, bv)
    np.testing.assert_allclose(got, _ln_truth(xv, gv, 1e-5), rtol=1e-10, atol=1e-12)
    report = check_matrix(J)
    # Layer norm is shift-invariant in x, which defeats the complex-step probe of
    # derive.check (it perturbs all inputs by the same i*h); differences decide.
    assert report.max_rel_error < 1e-5, str(report)
    for p in (g, bb):
        assert check_matrix(gradient(mse(layer_norm(xx, g, bb, eps), t), p)).status == "verified"
