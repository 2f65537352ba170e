"""Closed-form stationary points against hand-derived textbook answers."""

import numpy as np
import pytest
import sympy as sp

from derive.optimize.stationary import classify, stationary_points
from tests.problems.optimize import STATIONARY

X, Y = sp.symbols("x y", real=True)


def _sympy(text):
    # the expected values are checked against the formula as SymPy reads it
    from derive.parsing import parse
    return parse(text)


@pytest.mark.parametrize("pid, f, wrt, expected, status, source", STATIONARY,
                         ids=[p[0] for p in STATIONARY])
def test_catalogue(pid, f, wrt, expected, status, source):
    res = stationary_points(f, wrt)  # text, through derive.parse
    assert res.status == status, res.message
    if expected is None:
        assert res.families
        return
    got = {tuple(np.round(p.x, 12)): p.kind for p in res.points}
    assert got == {tuple(k): v for k, v in expected.items()}
    for p in res.points:
        assert abs(float(sp.N(_sympy(f).subs(p.point)) - float(p.value))) < 1e-12
    if res.points:
        assert res.check["max_abs_gradient"] < 1e-40


def test_eigenvalues_match_numpy_at_the_point():
    res = stationary_points(X**4 - 2 * X**2 + Y**2 + X * Y, [X, Y])
    for p in res.points:
        x, y = p.x
        H = np.array([[12 * x**2 - 4, 1.0], [1.0, 2.0]])
        np.testing.assert_allclose(p.eigenvalues, np.linalg.eigvalsh(H), atol=1e-12)


def test_periodic_is_partial_and_one_variable_periodic_is_infinite():
    assert stationary_points(sp.sin(X) + Y**2, [X, Y]).status == "partial"
    res = stationary_points(sp.cos(X), [X])
    assert res.status == "infinite"
    assert "ImageSet" in res.message or "n" in res.message


def test_complex_solutions_are_dropped():
    x = sp.Symbol("x")  # not declared real: solve returns complex roots too
    res = stationary_points(x**4 / 4 + x**2 / 2, [x])  # f' = x^3 + x = x (x^2 + 1)
    assert [float(p.x[0]) for p in res.points] == [0.0]
    assert res.points[0].kind == "minimum"


def test_timeout_is_reported(monkeypatch):
    from derive.errors import DerivationTimeout
    import derive.optimize.stationary as st

    def boom(*args, **kwargs):
        raise DerivationTimeout("solving grad f = 0 did not finish within 0.1 s")
    monkeypatch.setattr("derive.guard.account.run", boom)  # the shared budget's
    res = st.stationary_points(X**2 + Y**2, [X, Y])
    assert res.status == "timeout" and "minimize" in res.message and not res.points


def test_classify_rules():
    assert classify([1, 1, 1]) == "minimum"
    assert classify([-1, -1]) == "maximum"
    assert classify([-1, 1]) == "saddle"
    assert classify([-1, 0, 1]) == "saddle"
    assert classify([0, 0]) == "degenerate"
    assert classify([-1, 0]) == "degenerate"


def test_unknown_symbols_rejected():
    a = sp.Symbol("a", real=True)
    with pytest.raises(ValueError, match="not variables: a"):
        stationary_points(a * X**2, [X])


# issue 14 §2: when solve runs out of budget, the points are enumerated numerically
def _rosenbrock(n):
    xs = sp.symbols(f"x0:{n}", real=True)
    return sum(100 * (xs[i + 1] - xs[i] ** 2) ** 2 + (1 - xs[i]) ** 2 for i in range(n - 1)), xs


def test_rosenbrock_5d_stationary_points_enumerated_numerically():
    from scipy.optimize import rosen_der, rosen_hess
    f, xs = _rosenbrock(5)
    res = stationary_points(f, xs, seconds=2)
    assert res.status == "numeric" and "numeric enumeration" in res.message
    assert res.check["max_abs_gradient"] < 1e-40
    minima = res.of_kind("minimum")
    assert any(np.allclose(p.x, np.ones(5), atol=1e-12) for p in minima)
    for p in res.points:                      # independent oracle: SciPy's Rosenbrock
        assert np.max(np.abs(rosen_der(p.x))) < 1e-8
        eig = np.linalg.eigvalsh(rosen_hess(p.x))
        expected = "minimum" if eig.min() > 0 else "saddle" if eig.max() > 0 else "maximum"
        assert p.kind == expected
    # the known second local minimum near (-1, 1, 1, 1, 1) (Kok & Sandrock 2009)
    assert any(p.x[0] < -0.9 and p.fun > 3 for p in minima)


def test_minimize_without_start_finds_the_global_minimum_of_5d_rosenbrock():
    import derive
    f, xs = _rosenbrock(5)
    r = derive.minimize(f, list(xs), seconds=2)  # solve cannot finish; numbers then do
    assert r.success and np.allclose(r.x, np.ones(5), atol=1e-10) and abs(r.fun) < 1e-20
    assert "numeric" in r.message


def test_solve_returning_nothing_is_cross_checked_by_numbers():
    # sympy's solve returns [] for this coercive quartic, which must have a global minimum
    from scipy.optimize import minimize as scipy_minimize
    res = stationary_points("x**4 + y**4 + z**4 - 4*x*y*z + x - y", ["x", "y", "z"], seconds=5)
    assert res.status == "numeric" and "solve returned no real solution" in res.message

    def grad(p):                               # written by hand, independent of derive
        x, y, z = p
        return np.array([4 * x**3 - 4 * y * z + 1, 4 * y**3 - 4 * x * z - 1, 4 * z**3 - 4 * x * y])

    for p in res.points:
        assert np.max(np.abs(grad(p.x))) < 1e-10
    best = min(scipy_minimize(lambda p: p[0]**4 + p[1]**4 + p[2]**4 - 4*p[0]*p[1]*p[2] + p[0] - p[1],
                              x0, jac=grad, method="BFGS", tol=1e-12).fun
               for x0 in np.random.default_rng(0).uniform(-2, 2, size=(20, 3)))
    assert abs(min(p.fun for p in res.of_kind("minimum")) - best) < 1e-8


def test_a_gradient_component_that_is_never_zero_settles_none_without_numbers():
    # exp(x) > 0 for real x: solve's empty answer is certain, said with the reason
    res = stationary_points("exp(x) + y**2", ["x", "y"])
    assert res.status == "none" and res.points == [] and "exp(x) is never zero" in res.message
    # a gradient that can vanish still goes to the numeric cross-check
    assert stationary_points("x**2 + y**2", ["x", "y"]).status == "complete"
