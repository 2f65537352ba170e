"""Gradient descent variants against closed-form minimizers (np.linalg.solve) and Rosenbrock."""

import numpy as np
import pytest
from scipy.optimize import rosen, rosen_der

from derive.errors import ConvergenceError
from derive.optimize.gradient_descent import VARIANTS, gradient_descent
from tests.tolerances import TOLERANCES

XTOL = TOLERANCES["optimize_first_order_x_abs"]

rng = np.random.default_rng(1)
M = rng.standard_normal((4, 4))
A = M @ M.T + np.eye(4)
b = rng.standard_normal(4)
X_STAR = np.linalg.solve(A, b)


def fun(x):
    return 0.5 * x @ A @ x - b @ x


def jac(x):
    return A @ x - b


def hess(x):
    return A


@pytest.mark.parametrize("variant", VARIANTS)
def test_quadratic_reaches_solve(variant):
    L = np.linalg.eigvalsh(A).max()
    res = gradient_descent(fun, jac, np.zeros(4), variant=variant, learning_rate=1 / L,
                           momentum=0.5, tol=1e-8, maxiter=20_000)
    assert res.success, res.message
    np.testing.assert_allclose(res.x, X_STAR, atol=XTOL)
    assert res.method == variant
    assert len(res.trace) == res.nit + 1


def test_default_rate_is_one_over_largest_hessian_eigenvalue():
    res = gradient_descent(fun, jac, np.zeros(4), variant="fixed", hess=hess, tol=1e-8)
    assert res.learning_rate == pytest.approx(1 / np.linalg.eigvalsh(A).max(), rel=1e-12)
    assert res.success


def test_momentum_beats_plain_descent_on_ill_conditioned_quadratic():
    D = np.diag([1.0, 100.0])
    f, g = (lambda x: 0.5 * x @ D @ x), (lambda x: D @ x)
    plain = gradient_descent(f, g, [1.0, 1.0], variant="fixed", learning_rate=0.01, tol=1e-6)
    nest = gradient_descent(f, g, [1.0, 1.0], variant="nesterov", learning_rate=0.01,
                            momentum=0.8, tol=1e-6)
    assert plain.success and nest.success
    assert nest.nit < plain.nit / 2


def test_armijo_decreases_monotonically_on_rosenbrock():
    res = gradient_descent(rosen, rosen_der, [-1.2, 1.0], variant="armijo", maxiter=500)
    assert np.all(np.diff(res.trace.f) <= 0)
    assert res.trace.f[-1] < 0.1 * res.trace.f[0]


def test_divergence_is_reported_and_thrown():
    res = gradient_descent(fun, jac, np.ones(4), variant="fixed", learning_rate=10.0)
    assert res.status == 3 and not res.success and "Diverged" in res.message
    with pytest.raises(ConvergenceError, match="learning_rate"):
        gradient_descent(fun, jac, np.ones(4), variant="fixed", learning_rate=10.0, throw=True)


def test_maxiter_is_not_hidden():
    res = gradient_descent(rosen, rosen_der, [-1.2, 1.0], variant="fixed",
                           learning_rate=1e-4, maxiter=10)
    assert res.status == 1 and not res.success and res.nit == 10


def test_bad_options_are_named():
    with pytest.raises(ValueError, match="variant"):
        gradient_descent(fun, jac, np.zeros(4), variant="adam")
    with pytest.raises(ValueError, match="needs a learning_rate"):
        gradient_descent(fun, jac, np.zeros(4), variant="momentum")
    with pytest.raises(ValueError, match="momentum"):
        gradient_descent(fun, jac, np.zeros(4), variant="momentum", learning_rate=0.1,
                         momentum=1.5)
