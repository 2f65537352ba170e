"""Per-chunk work of the Dask fit (derive.fitting.chunks) against hand-written
logistic-regression formulas: score X^T (y - p), Hessian -X^T diag(p(1-p)) X."""

import numpy as np
import pytest
from scipy import special

from derive.estimation import likelihood
from derive.fitting.chunks import first_pass_block, in_slices, point_block
from derive.fitting.kernels import design_columns, link_kernels


def _logistic_truth(X, y, theta):
    eta = X @ theta
    p = special.expit(eta)
    loglik = np.sum(y * eta - np.logaddexp(0, eta))
    return loglik, X.T @ (y - p), -(X.T * (p * (1 - p))) @ X


@pytest.mark.parametrize("params, columns, covariates", [
    # the data's own columns are the design matrix (intercept listed second)
    (["b1", "b0", "b2"], lambda x1, x2: [x1, np.ones_like(x1), x2], "b1*x1 + b0 + b2*x2"),
    # a covariate computed from the data: the general rank-one path
    (["b0", "b1", "b2"], lambda x1, x2: [np.ones_like(x1), x1, x2**2], "b0 + b1*x1 + b2*x2**2"),
])
def test_point_block_matches_the_logistic_formulas(params, columns, covariates):
    L = likelihood(f"exp(y*({covariates}))/(1 + exp({covariates}))", params,
                   var=["x1", "x2", "y"])
    kernel, q, used = link_kernels(L)
    used = tuple(list(L.variables).index(v) for v in used)
    design = design_columns(L)
    assert (design is None) == ("**2" in covariates)
    rng = np.random.default_rng(5)
    x1, x2 = rng.normal(size=(2, 53))
    y = (rng.random(53) < 0.4).astype(float)
    block = np.column_stack([x1, x2, y])
    theta = np.array([0.7, -0.3, 0.45])
    k = len(theta)
    row = in_slices(block, point_block, theta, None, [], (kernel, q, used, design), rows=8)[0]
    loglik, score, hessian = _logistic_truth(np.column_stack(columns(x1, x2)), y, theta)
    np.testing.assert_allclose(row[0], loglik, rtol=1e-13)
    np.testing.assert_allclose(row[1:1 + k], score, rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(row[1 + k:].reshape(k, k), hessian, rtol=1e-12, atol=1e-13)


def test_first_pass_in_slices_counts_every_row():
    block = np.array([[1.0, 2.0], [1.0, np.nan], [-3.0, 0.5], [2.5, 4.0], [2.0, 1.0]])
    row = in_slices(block, first_pass_block, 0.0, np.inf, True, None, rows=2)[0]
    # 5 rows; one non-finite; -3 (below 0) and 2.5 (not whole) outside the support
    assert row[0] == 5 and row[3] == 1 and row[4] == 2
    assert row[1] == 3.5


@pytest.mark.parametrize("layout", ["rows", "fortran", "one column"])
def test_in_file_maps_windows_and_sums_every_row(tmp_path, monkeypatch, layout):
    import derive.fitting.chunks as chunks
    monkeypatch.setattr(chunks, "WINDOW_ROWS", 64)
    data = np.random.default_rng(1).normal(size=(1000, 1 if layout == "one column" else 3))
    saved = {"rows": data, "fortran": np.asfortranarray(data), "one column": data[:, 0]}
    np.save(tmp_path / "d.npy", saved[layout])
    k = data.shape[1]
    row = chunks.in_file(str(tmp_path / "d.npy"), 100, 999, k, first_pass_block,
                         -np.inf, np.inf, False, None)[0]
    assert row[0] == 899
    np.testing.assert_allclose(row[1:1 + k], data[100:999].sum(axis=0), rtol=1e-13)


def test_first_pass_counts_values_outside_a_finite_support():
    # a support {1, 3, 7}: 2 and 5 are whole and inside [1, 7], yet outside it
    block = np.array([[1.0], [2.0], [3.0], [5.0], [7.0]])
    row = in_slices(block, first_pass_block, 1.0, 7.0, True, [1.0, 3.0, 7.0], rows=2)[0]
    assert row[0] == 5 and row[2] == 0 and row[3] == 2  # count, sum, non-finite, outside
