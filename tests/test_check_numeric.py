"""check_gradient / check_jacobian on plain callables, against independent truth."""

import numpy as np
import pytest
from scipy.optimize import rosen, rosen_der

from derive.checking import check_gradient, check_jacobian
from derive.checking.finite_diff import central_jacobian
from derive.checking.taylor import taylor_test
from derive.errors import ShapeError

# correct (f, grad, point) triples, several ill-conditioned; none may be refuted
CORRECT = [
    ("exp10x", lambda x: np.exp(10 * x), lambda x: 10 * np.exp(10 * x), np.array(3.0)),
    ("log_near_0", lambda x: np.log(x), lambda x: 1 / x, np.array(1e-6)),
    ("rosen_optimum", rosen, rosen_der, np.ones(10)),
    ("rosen_near_optimum", rosen, rosen_der, np.ones(10) + 1e-7 * np.arange(10)),
    ("rosen_random", rosen, rosen_der, np.random.default_rng(1).uniform(-2, 2, 10)),
    ("abs_not_analytic", lambda x: np.sum(np.abs(x) ** 3), lambda x: 3 * x * np.abs(x),
     np.array([0.7, -1.3])),
    ("tanh_large", lambda x: np.tanh(x), lambda x: 1 - np.tanh(x) ** 2, np.array(20.0)),
    ("cancelling", lambda x: x**2 - 2 * x + 1, lambda x: 2 * x - 2, np.array(1.0 + 1e-9)),
    ("big_scale", lambda x: np.sum(x**3), lambda x: 3 * x**2, np.array([1e5, -3e4])),
    ("logsumexp", lambda x: np.logaddexp.reduce(x), lambda x: np.exp(x - np.logaddexp.reduce(x)),
     np.array([0.1, 50.0, -3.0])),
]


@pytest.mark.parametrize("name,f,g,x", CORRECT, ids=[c[0] for c in CORRECT])
def test_no_false_alarm(name, f, g, x):
    for seed in range(3):
        report = check_gradient(f, g, x, seed=seed)
        assert report.status == "verified", (name, str(report))


@pytest.mark.parametrize("eps", [1e-6, 1e-9, 1e-11])
def test_tiny_relative_bug_is_caught_by_complex_step(eps):
    x = np.random.default_rng(0).uniform(-2, 2, 10)

    def buggy(v):
        g = rosen_der(v)
        g[4] *= 1 + eps
        return g

    report = check_gradient(rosen, buggy, x)
    assert report.status == "refuted"
    assert report.method == "complex step"
    assert report.counterexample.entry == "d x0[4]"
    assert report.counterexample.claimed == pytest.approx(rosen_der(x)[4] * (1 + eps), rel=1e-15)


def test_bug_caught_by_finite_differences_when_not_analytic():
    f = lambda x: np.sum(np.abs(x) ** 3)
    g = lambda x: 3 * x * np.abs(x) * np.array([1, 1 + 1e-7])
    report = check_gradient(f, g, np.array([0.7, -1.3]))
    assert report.status == "refuted" and report.method == "central differences"
    assert any("complex step" in line for line in report.evidence)


def test_multiple_inputs_of_any_shape():
    A = np.arange(6.0).reshape(2, 3) / 7
    b = np.array([0.5, -0.2, 0.1])
    f = lambda A, b, s: s * np.sum(np.sin(A @ b))
    def grad(A, b, s):
        c = np.cos(A @ b)
        return [s * np.outer(c, b), s * A.T @ c, np.sum(np.sin(A @ b))]
    assert check_gradient(f, grad, [A, b, np.array(1.5)], names=["A", "b", "s"]).verified
    def wrong(A, b, s):  # the transposed matrix gradient
        g = grad(A, b, s)
        return [g[0], g[1] * 1.001, g[2]]
    r = check_gradient(f, wrong, [A, b, np.array(1.5)], names=["A", "b", "s"])
    assert r.refuted and r.counterexample.entry.startswith("d b[")


def test_jacobian_of_softmax():
    def F(z):
        e = np.exp(z - z.max())
        return e / e.sum()
    def J(z):
        s = F(z)
        return np.diag(s) - np.outer(s, s)
    z = np.array([0.3, -1.0, 2.0, 0.0])
    assert check_jacobian(F, J, z).verified
    assert check_jacobian(F, lambda z: J(z) + 1e-8 * np.eye(4), z).refuted


def test_sign_error_and_missing_factor_refuted():
    f = lambda x: np.sin(x**2)
    assert check_gradient(f, lambda x: -2 * x * np.cos(x**2), np.array(0.8)).refuted
    assert check_gradient(f, lambda x: np.cos(x**2), np.array(0.8)).refuted


def test_non_finite_claim_and_outside_domain():
    r = check_gradient(lambda x: x**2, lambda x: x / 0.0 * 0.0, np.array(1.0))
    assert r.refuted and "not finite" in r.evidence[0]
    r = check_gradient(lambda x: np.log(x), lambda x: 1 / x, np.array(-1.0))
    assert r.status == "inconclusive"


def test_shape_errors_are_clear():
    with pytest.raises(ShapeError, match="not a scalar"):
        check_gradient(lambda x: x, lambda x: x, np.ones(3))
    with pytest.raises(ShapeError, match="shape"):
        check_gradient(lambda x: np.sum(x), lambda x: np.ones(4), np.ones(3))
    with pytest.raises(ShapeError, match="arrays for"):
        check_gradient(lambda x, y: x * y, lambda x, y: [y], [np.array(1.0), np.array(2.0)])


def test_finite_difference_error_estimate_is_honest():
    # the estimate must bound the true error (independent truth: analytic derivative)
    for x0 in (0.1, 1.0, 7.0, 300.0):
        x = np.array([x0])
        est = central_jacobian(lambda v: np.sin(v) * np.exp(v / 100), x)
        truth = np.cos(x0) * np.exp(x0 / 100) + np.sin(x0) * np.exp(x0 / 100) / 100
        assert abs(est.value[0, 0] - truth) <= est.error[0, 0] * 10


def test_taylor_slopes():
    F = lambda v: np.array([np.exp(v[0]) * np.cos(v[1])])
    x = np.array([0.2, 0.9])
    J = np.array([[np.exp(0.2) * np.cos(0.9), -np.exp(0.2) * np.sin(0.9)]])
    assert abs(taylor_test(F, J, x).slope - 2) < 0.2
    assert abs(taylor_test(F, J * [[1, 0.9]], x).slope - 1) < 0.2
    lin = taylor_test(lambda v: 3 * v, np.array([[3.0]]), np.array([1.0]))
    assert lin.verdict == "uninformative"
