"""Least squares / ridge against SciPy lstsq, the SVD ridge formula and pinv."""

import numpy as np
import pytest
import scipy.linalg

from derive.errors import ShapeError, SingularMatrixError
from derive.optimize.least_squares import least_squares, normal_equations

rng = np.random.default_rng(42)
X = rng.standard_normal((200, 6))
Y = X @ rng.standard_normal(6) + 0.1 * rng.standard_normal(200)


@pytest.mark.parametrize("solver", ["lstsq", "cholesky"])
def test_ordinary_least_squares_matches_scipy(solver):
    truth = scipy.linalg.lstsq(X, Y, lapack_driver="gelsy")[0]
    res = least_squares(X, Y, solver=solver)
    np.testing.assert_allclose(res.x, truth, rtol=1e-10, atol=1e-12)
    assert res.check["relative_gradient"] < 1e-12


@pytest.mark.parametrize("solver", ["lstsq", "cholesky"])
@pytest.mark.parametrize("lam", [0.1, 10.0])
def test_ridge_matches_svd_formula(solver, lam):
    U, s, Vt = np.linalg.svd(X, full_matrices=False)
    truth = Vt.T @ ((s / (s**2 + lam)) * (U.T @ Y))
    res = least_squares(X, Y, ridge=lam, solver=solver)
    np.testing.assert_allclose(res.x, truth, rtol=1e-10, atol=1e-12)
    assert res.fun == pytest.approx(np.sum((X @ truth - Y) ** 2) + lam * truth @ truth,
                                    rel=1e-12)


def test_rank_deficient_gives_minimum_norm_and_cholesky_refuses():
    Xd = np.column_stack([X[:, 0], X[:, 1], X[:, 0] + X[:, 1]])
    res = least_squares(Xd, Y)
    assert res.rank == 2 and "rank deficient" in res.message
    np.testing.assert_allclose(res.x, np.linalg.pinv(Xd) @ Y, atol=1e-10)
    with pytest.raises(SingularMatrixError, match="lstsq"):
        least_squares(Xd, Y, solver="cholesky")


def test_lstsq_is_more_accurate_than_cholesky_when_ill_conditioned():
    t = np.linspace(0, 1, 40)
    V = np.vander(t, 9, increasing=True)  # cond ~ 1e7: X^T X ~ 1e14
    w_true = np.ones(9)
    y = V @ w_true
    err_lstsq = np.max(np.abs(least_squares(V, y).x - w_true))
    err_chol = np.max(np.abs(least_squares(V, y, solver="cholesky").x - w_true))
    assert err_lstsq < 1e-6
    assert err_lstsq < err_chol


def test_normal_equations_derivation_matches_textbook():
    ne = normal_equations()
    assert str(ne["gradient"].result) == "(2*lambda)*w + 2*X.T*(X*w - y)"
    assert str(ne["hessian"].result) == "(2*lambda)*I + 2*X.T*X"
    # numeric: the derived gradient formula agrees with finite differences of f
    lam, w = 0.3, rng.standard_normal(6)
    f = lambda v: np.sum((X @ v - Y) ** 2) + lam * v @ v
    fd = np.array([(f(w + 1e-6 * e) - f(w - 1e-6 * e)) / 2e-6 for e in np.eye(6)])
    np.testing.assert_allclose(2 * lam * w + 2 * X.T @ (X @ w - Y), fd, rtol=1e-6)


def test_bad_input():
    with pytest.raises(ShapeError, match="one entry per row"):
        least_squares(X, Y[:-1])
    with pytest.raises(ShapeError, match="2-D"):
        least_squares(Y, Y)
    with pytest.raises(ValueError, match="ridge"):
        least_squares(X, Y, ridge=-1)
    with pytest.raises(ValueError, match="solver"):
        least_squares(X, Y, solver="inv")
    with pytest.raises(ValueError, match="finite"):
        least_squares(np.full((3, 2), np.nan), np.zeros(3))
