"""Compiled matrix-calculus code on Dask arrays: lazy, one pass over the chunks.

The truth is NumPy's value of the same hand-written formula on the same data;
"one pass" is counted: the function that produces X's chunks records each call.
"""

import numpy as np
import pytest
from scipy import special

from derive.codegen.matrix import compile_matrix
from derive.matrix_calculus import matrix, ones, sigmoid, softplus, vector

da = pytest.importorskip("dask.array")
dask = pytest.importorskip("dask")

RNG = np.random.default_rng(11)
N, D, CHUNK = 100_000, 5, 25_000
X, W, Y = matrix("X", "n", "d"), vector("w", "d"), vector("y", "n")


@pytest.fixture(scope="module")
def data():
    x = RNG.normal(size=(N, D))
    y = (RNG.random(N) < 0.5).astype(float)
    return x, RNG.normal(size=D), y


def counted(x):
    """``x`` as a Dask array whose chunks are produced by a function that counts its calls."""
    reads = []

    def read(block, block_info=None):
        reads.append(block_info[None]["chunk-location"])
        return block

    return da.from_array(x, chunks=(CHUNK, D)).map_blocks(read, dtype=float), reads


def test_logistic_gradient_is_one_lazy_pass(data):
    x, w, y = data
    grad = compile_matrix(X.T * (sigmoid(X * W) - Y), [X, W, Y])
    xd, reads = counted(x)
    g = grad(xd, w, da.from_array(y, chunks=CHUNK))
    assert dask.is_dask_collection(g) and g.shape == (D,) and reads == []  # nothing ran yet
    value = g.compute(scheduler="sync")
    assert sorted(reads) == [(i, 0) for i in range(N // CHUNK)]  # each chunk read once
    truth = x.T @ (special.expit(x @ w) - y)
    np.testing.assert_allclose(value, truth, rtol=1e-12)
    np.testing.assert_allclose(grad(x, w, y), truth, rtol=1e-12)  # the NumPy path, unchanged


def test_scalar_loglik_is_lazy_and_unknown_chunk_sizes_are_named(data):
    """The logistic log-likelihood ``y^T X w - 1^T softplus(X w)`` (a 1 x 1 result)
    stays lazy; an array whose chunk sizes Dask does not know yet (a filtered array)
    is refused by name before any work, not with Dask's ``cannot convert float NaN``."""
    x, w, y = data
    loglik = compile_matrix(Y.T * (X * W) - ones(1, X.shape[0]) * softplus(X * W), [X, W, Y])
    xd, reads = counted(x)
    value = loglik(xd, w, da.from_array(y, chunks=CHUNK))
    assert dask.is_dask_collection(value) and reads == []
    truth = y @ (x @ w) - np.sum(np.logaddexp(0, x @ w))
    assert float(value.compute(scheduler="sync")) == pytest.approx(truth, rel=1e-12)
    assert len(reads) == N // CHUNK
    unknown = xd[da.from_array(y > 0.5, chunks=CHUNK)]
    with pytest.raises(ValueError, match=r"X: Dask does not know its chunk sizes.*"
                                         r"compute_chunk_sizes"):
        loglik(unknown, w, y[y > 0.5])
