"""The SciPy bridge on plain callables: every method, traces, multiplier recovery."""

import numpy as np
import pytest
from scipy.optimize import rosen, rosen_der, rosen_hess

from derive.optimize.bridge import (HESSIAN_METHODS, multipliers_from_stationarity,
                                    scipy_minimize)


@pytest.mark.parametrize("method", ["BFGS", "L-BFGS-B", "CG", "Newton-CG", "trust-exact",
                                    "trust-ncg", "trust-krylov", "dogleg", "TNC", "SLSQP",
                                    "trust-constr"])
def test_quadratic_every_gradient_method(method):
    A = np.array([[3.0, 1.0], [1.0, 2.0]])
    b = np.array([1.0, -1.0])
    res = scipy_minimize(lambda x: 0.5 * x @ A @ x - b @ x, lambda x: A @ x - b,
                         lambda x: A, [2.0, 2.0], method=method, tol=1e-12)
    np.testing.assert_allclose(res.x, np.linalg.solve(A, b), atol=1e-6)
    assert res.method == method
    assert res.trace.f[-1] <= res.trace.f[0]
    if method.lower() in HESSIAN_METHODS and method != "trust-constr":
        assert res.nhev >= 1


def test_rosenbrock_trust_exact_exact_derivatives():
    res = scipy_minimize(rosen, rosen_der, rosen_hess, [-1.2, 1.0], method="trust-exact",
                         options={"gtol": 1e-10})
    np.testing.assert_allclose(res.x, [1.0, 1.0], atol=1e-8)
    np.testing.assert_allclose(res.trace.x[-1], res.x)


def test_derivative_free_method_gets_a_gradient_in_the_result():
    res = scipy_minimize(rosen, rosen_der, None, [0.5, 0.5], method="Nelder-Mead")
    np.testing.assert_allclose(res.jac, rosen_der(res.x))


def test_unknown_method_is_named():
    with pytest.raises(ValueError, match="unknown method 'adamw'"):
        scipy_minimize(rosen, rosen_der, None, [0.0, 0.0], method="adamw")


def test_multipliers_recovered_in_derive_convention():
    # min (x-2)^2 + (y-2)^2 s.t. x + y - 2 <= 0 at (1, 1): grad f = (-2, -2), mu = 2
    lam, mu, r = multipliers_from_stationarity(
        np.array([-2.0, -2.0]), np.zeros((0, 2)), np.array([[1.0, 1.0]]), np.array([0.0]))
    np.testing.assert_allclose(mu, [2.0])
    assert r < 1e-14
    # inactive constraint gets mu = 0 and a nonzero residual shows a non-KKT point
    lam, mu, r = multipliers_from_stationarity(
        np.array([1.0, 0.0]), np.zeros((0, 2)), np.array([[1.0, 1.0]]), np.array([-3.0]))
    assert mu.tolist() == [0.0] and r == 1.0
