"""Newton's method on plain NumPy callables, against SciPy's Rosenbrock and linear algebra."""

import numpy as np
import pytest
from scipy.optimize import rosen, rosen_der, rosen_hess

from derive.errors import ConvergenceError, ShapeError
from derive.optimize.newton import modified_newton_step, newton
from tests.tolerances import TOLERANCES

XTOL = TOLERANCES["optimize_x_abs"]


def test_rosenbrock_2d_reaches_tight_gradient():
    res = newton(rosen, rosen_der, rosen_hess, [-1.2, 1.0])
    assert res.success and res.status == 0
    assert np.max(np.abs(rosen_der(res.x))) < 1e-10
    np.testing.assert_allclose(res.x, [1.0, 1.0], atol=XTOL)
    assert res.nit <= 22
    assert res.hess_positive_definite
    # trace: start plus one row per iteration, f non-increasing (Armijo)
    assert len(res.trace) == res.nit + 1
    assert np.all(np.diff(res.trace.f) <= 1e-12)
    np.testing.assert_allclose(res.trace.f, [rosen(x) for x in res.trace.x], rtol=1e-12)
    assert res.nhev == res.nit + 1


def test_quadratic_solved_in_one_step():
    rng = np.random.default_rng(0)
    M = rng.standard_normal((5, 5))
    A = M @ M.T + 5 * np.eye(5)
    b = rng.standard_normal(5)
    res = newton(lambda x: 0.5 * x @ A @ x - b @ x, lambda x: A @ x - b, lambda x: A,
                 np.ones(5))
    assert res.nit == 1
    np.testing.assert_allclose(res.x, np.linalg.solve(A, b), atol=1e-12)


def test_indefinite_hessian_is_shifted_to_a_descent_direction():
    g = np.array([1.0, -2.0])
    H = np.array([[1.0, 3.0], [3.0, 1.0]])  # eigenvalues 4, -2
    p, tau = modified_newton_step(g, H)
    assert tau > 2.0
    assert p @ g < 0
    np.testing.assert_allclose((H + tau * np.eye(2)) @ p, -g, atol=1e-12)


def test_start_at_a_maximum_of_one_coordinate_escapes():
    # f = -cos(x) + y^2: x = 0.1 sits near the minimum, x = pi - 0.1 near a maximum
    res = newton(lambda v: -np.cos(v[0]) + v[1] ** 2,
                 lambda v: np.array([np.sin(v[0]), 2 * v[1]]),
                 lambda v: np.diag([np.cos(v[0]), 2.0]), [np.pi - 0.1, 1.0])
    assert res.success
    assert np.cos(res.x[0]) == pytest.approx(1.0, abs=1e-12)
    assert res.trace.extra["shift"][1] > 0


def test_maxiter_reported_and_thrown():
    res = newton(rosen, rosen_der, rosen_hess, [-1.2, 1.0], maxiter=3)
    assert not res.success and res.status == 1 and res.nit == 3
    assert "Maximum number of iterations" in res.message
    with pytest.raises(ConvergenceError, match="maxiter"):
        newton(rosen, rosen_der, rosen_hess, [-1.2, 1.0], maxiter=3, throw=True)


def test_unbounded_below_is_not_a_success():
    res = newton(lambda x: -x[0] ** 2 - np.exp(x[0]),
                 lambda x: np.array([-2 * x[0] - np.exp(x[0])]),
                 lambda x: np.array([[-2 - np.exp(x[0])]]), [0.0], maxiter=50)
    assert not res.success


def test_bad_input_is_named():
    with pytest.raises(ShapeError, match="jac must return 2 entries"):
        newton(rosen, lambda x: np.zeros(3), rosen_hess, [0.0, 0.0])
    with pytest.raises(ValueError, match="x0"):
        newton(rosen, rosen_der, rosen_hess, [np.nan, 0.0])
    with pytest.raises(ValueError, match="tol"):
        newton(rosen, rosen_der, rosen_hess, [0.0, 0.0], tol=-1)
    with pytest.raises(TypeError, match="hess must be callable"):
        newton(rosen, rosen_der, 3, [0.0, 0.0])


def test_nonfinite_objective_reported():
    res = newton(lambda x: np.log(x[0]) * np.nan, lambda x: np.array([1.0]),
                 lambda x: np.array([[1.0]]), [1.0])
    assert res.status == 3 and not res.success
