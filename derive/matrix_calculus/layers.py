"""Deep-learning layers as matrix expressions, with their derived backpropagation.

The builders return expressions (so they compose); :func:`backprop`
differentiates a loss with respect to several parameters at once, each
through the one engine of :mod:`derive.matrix_calculus.differential`, and returns the
derivations by name.  Conventions: one example at a time, column vectors;
``y`` in the cross-entropy is one-hot (or any probability vector), so the
loss is ``logsumexp(z) - y^T z = -y^T log softmax(z)``.

Examples
--------
>>> from derive.matrix_calculus import matrix, vector
>>> W, x, b, y = matrix("W", "k", "d"), vector("x", "d"), vector("b", "k"), vector("y", "k")
>>> loss = softmax_cross_entropy(dense(W, x, b), y)
>>> grads = backprop(loss, [W, b])
>>> grads["W"].result
(softmax(W*x + b) - y)*x.T
>>> grads["b"].result
softmax(W*x + b) - y
"""

from __future__ import annotations

import sympy as sp

from derive.errors import ShapeError
from derive.matrix_calculus import elementwise as ew
from derive.matrix_calculus.derivatives import gradient

ACTIVATIONS = {"relu": ew.relu, "tanh": ew.tanh, "sigmoid": ew.sigmoid,
               "softplus": ew.softplus, "identity": lambda a: a}


def activation(name):
    """The elementwise activation called ``name`` (relu, tanh, sigmoid, softplus, identity)."""
    try:
        return ACTIVATIONS[name]
    except KeyError:
        raise ShapeError(f"unknown activation {name!r}; choose one of {sorted(ACTIVATIONS)}") \
            from None


def dense(W, x, b=None, act="identity"):
    """A dense layer ``act(W x + b)``.

    Examples
    --------
    >>> from derive.matrix_calculus import matrix, vector
    >>> dense(matrix("W", "k", "d"), vector("x", "d"), vector("b", "k"), "relu")
    relu(W*x + b)
    """
    if W.shape[1] != x.shape[0]:
        raise ShapeError(f"dense: W has shape {W.shape} but x has shape {x.shape}")
    z = W * x if b is None else W * x + b
    return activation(act)(z)


def softmax_cross_entropy(z, y):
    """Cross-entropy of softmax(z) against a one-hot ``y``: ``logsumexp(z) - y^T z``.

    Examples
    --------
    >>> from derive.matrix_calculus import vector
    >>> softmax_cross_entropy(vector("z", "k"), vector("y", "k"))
    logsumexp(z) - y.T*z
    """
    if z.shape != y.shape:
        raise ShapeError(f"cross-entropy: logits {z} {z.shape} and targets {y} {y.shape} differ")
    return ew.logsumexp(z) - y.T * z


def mse(yhat, y):
    """Mean squared error ``(yhat - y)^T (yhat - y) / n`` over the ``n`` entries of ``y``.

    Examples
    --------
    >>> from derive.matrix_calculus import vector
    >>> mse(vector("p", "n"), vector("y", "n"))
    1/n*(p.T - y.T)*(p - y)
    """
    if yhat.shape != y.shape:
        raise ShapeError(f"mse: prediction {yhat.shape} and target {y.shape} differ")
    r = yhat - y
    return sp.MatMul(1 / (r.shape[0] * r.shape[1]), r.T, r) if r.shape[1] == 1 else \
        ew.total_sum(ew.hadamard(r, r)) / (r.shape[0] * r.shape[1])


def mlp(x, W1, b1, W2, b2, act="relu"):
    """The logits of a two-layer perceptron ``W2 act(W1 x + b1) + b2``."""
    return dense(W2, dense(W1, x, b1, act), b2)


def layer_norm(x, gamma, beta, eps=sp.Rational(1, 100000)):
    """Layer normalisation of a column ``x``: ``gamma o (x - mean) / sqrt(var + eps) + beta``.

    Examples
    --------
    >>> from derive.matrix_calculus import vector
    >>> x, g, b = vector("x", "n"), vector("g", "n"), vector("b", "n")
    >>> layer_norm(x, g, b).shape
    (n, 1)
    """
    n = x.shape[0]
    one = sp.OneMatrix(n, 1)
    centered = x - sp.MatMul(1 / n, one, one.T, x)
    var = ew.scalar(centered.T * centered) / n
    return ew.hadamard(gamma, sp.MatMul(1 / sp.sqrt(var + eps), centered)) + beta


def backprop(loss, params):
    """Gradients of a scalar ``loss`` with respect to each parameter, by name.

    Parameters
    ----------
    loss : sympy expression
        A scalar (or 1x1) matrix expression.
    params : sequence of MatrixSymbol

    Returns
    -------
    dict
        ``{name: Derivation}`` (op ``"matrix_gradient"``), in the order given.

    Examples
    --------
    >>> from derive.matrix_calculus import matrix, vector
    >>> W1, b1 = matrix("W1", "h", "d"), vector("b1", "h")
    >>> W2, b2 = matrix("W2", "k", "h"), vector("b2", "k")
    >>> x, y = vector("x", "d"), vector("y", "k")
    >>> g = backprop(softmax_cross_entropy(mlp(x, W1, b1, W2, b2), y), [W2, b2])
    >>> g["b2"].result
    softmax(W2*relu(W1*x + b1) + b2) - y
    """
    return {p.name: gradient(loss, p) for p in params}
