"""The public minimize(): formulas in, checked OptimizeResults out, against SciPy and
textbook answers."""

import sys
import warnings

import numpy as np
import pytest
import scipy.optimize as so
import sympy as sp

from derive.errors import ConvergenceError, ShapeError
from derive.optimize.minimize import OWN_METHODS, minimize
from derive.optimize.stationary import NUMERIC_FLOOR
from tests.cpu_time import cpu_seconds
from tests.tolerances import TOLERANCES

ROSEN = "(1 - x)**2 + 100*(y - x**2)**2"
XTOL = TOLERANCES["optimize_x_abs"]


def test_newton_on_rosenbrock_matches_scipy_truth():
    res = minimize(ROSEN, ["x", "y"], [-1.2, 1.0], method="newton")
    assert res.success and res.method == "newton"
    np.testing.assert_allclose(res.x, [1.0, 1.0], atol=XTOL)
    assert np.max(np.abs(so.rosen_der(res.x))) < 1e-9
    # the compiled objective / gradient agree with SciPy's reference functions
    x = np.array([-0.7, 0.4])
    assert res.objective(x) == pytest.approx(so.rosen(x), rel=TOLERANCES["scipy_reference_rel"])
    assert res.check["gradient"].status == "verified"
    assert res.check["hessian"].status == "verified"
    assert res.trace.f[0] == pytest.approx(so.rosen([-1.2, 1.0]))
    grad = res.derivation["gradient"]
    assert getattr(grad, "result", grad).shape == (2, 1)


@pytest.mark.parametrize("method", list(OWN_METHODS) + ["BFGS", "L-BFGS-B", "Newton-CG",
                                                         "trust-exact", "CG", "SLSQP"])
def test_every_method_on_a_quadratic(method):
    # minimizer of (x-1)^2 + 2(y+3)^2 + x*y: solve [[2,1],[1,4]] v = [2,-12]
    truth = np.linalg.solve([[2.0, 1.0], [1.0, 4.0]], [2.0, -12.0])
    res = minimize("(x - 1)**2 + 2*(y + 3)**2 + x*y", ["x", "y"], [0.0, 0.0], method=method,
                   learning_rate=0.2 if method in ("gd", "momentum", "nesterov") else None,
                   momentum=0.3, tol=1e-9, maxiter=5000)
    assert res.success, res.message
    np.testing.assert_allclose(res.x, truth, atol=1e-6)
    assert len(res.trace) >= 2


def test_closed_form_without_x0():
    res = minimize("x**4 - 2*x**2 + y**2 + x/4")
    assert res.method == "stationary" and res.success
    # f_x = 4x^3 - 4x + 1/4 = 0: deepest well is the most negative root
    roots = np.roots([4, 0, -4, 0.25]).real
    np.testing.assert_allclose(res.x, [roots.min(), 0.0], atol=1e-12)


def test_constrained_textbook_and_scipy_agree():
    res = minimize("x**2 + y**2", ["x", "y"], constraints=["x + y = 1"])
    np.testing.assert_allclose(res.x, [0.5, 0.5])
    assert res.multipliers["eq"] == [-1.0]
    num = minimize("x**2 + y**2", ["x", "y"], [3.0, -1.0], method="SLSQP",
                   constraints=["x + y = 1"])
    np.testing.assert_allclose(num.x, [0.5, 0.5], atol=1e-8)
    np.testing.assert_allclose(num.multipliers["eq"], [-1.0], atol=1e-7)
    assert num.check["kkt_residual"] < 1e-7
    tc = minimize("(x - 2)**2 + (y - 2)**2", ["x", "y"], [0.0, 0.0], method="trust-constr",
                  constraints=["x + y <= 2"])
    # trust-constr stops on gtol while its barrier parameter is ~3e-5: x is ~1e-5 inside
    np.testing.assert_allclose(tc.x, [1.0, 1.0], atol=1e-4)
    np.testing.assert_allclose(tc.multipliers["ineq"], [2.0], atol=1e-4)
    eq = minimize("(x - 2)**2 + (y - 2)**2", ["x", "y"], [0.0, 0.0], method="trust-constr",
                  constraints=["x + y = 2"])
    # stationarity 2(x - 2) + lambda = 0 at x = 1: lambda = 2
    np.testing.assert_allclose(eq.multipliers["eq"], [2.0], atol=1e-6)


def test_tutorial_slsqp_with_hand_gradient():
    # SciPy tutorial style: minimize(fun, x0, method="SLSQP", jac=...)
    hand = lambda v: 2 * np.asarray(v, dtype=float)  # noqa: E731
    res = minimize("x**2 + y**2", [1, 1], method="SLSQP", jac=hand)
    truth = so.minimize(lambda v: v @ v, [1.0, 1.0], method="SLSQP", jac=hand)
    np.testing.assert_allclose(res.x, truth.x, atol=1e-10)
    assert res.check["jac_vs_exact"]["agrees"]
    wrong = minimize("x**2 + y**2", [1, 1], method="SLSQP", jac=lambda v: np.asarray(v))
    assert not wrong.check["jac_vs_exact"]["agrees"]


def test_restarts_find_the_global_minimum_of_a_tilted_double_well():
    f = "x**4 - 2*x**2 + x/2"
    one = minimize(f, ["x"], [1.0])
    assert one.x[0] > 0  # right (shallower) well
    many = minimize(f, ["x"], [1.0], restarts=6, restart_scale=2.0, seed=0)
    deeper = np.roots([4, 0, -4, 0.5]).real.min()
    np.testing.assert_allclose(many.x, [deeper], atol=1e-10)
    assert len(many.minima) == 2


def test_nonconvergence_reported_and_thrown():
    res = minimize(ROSEN, ["x", "y"], [-1.2, 1.0], method="gd", learning_rate=1e-4,
                   maxiter=5)
    assert not res.success and "Maximum number" in res.message
    with pytest.raises(ConvergenceError, match="maxiter"):
        minimize(ROSEN, ["x", "y"], [-1.2, 1.0], method="gd", learning_rate=1e-4,
                 maxiter=5, throw=True)


def test_bad_input():
    with pytest.raises(ShapeError, match="x0 has 1 entries"):
        minimize(ROSEN, ["x", "y"], [1.0])
    with pytest.raises(ValueError, match="unknown method 'adam'"):
        minimize(ROSEN, ["x", "y"], [1.0, 1.0], method="adam")
    with pytest.raises(ValueError, match="needs x0"):
        minimize(ROSEN, ["x", "y"], method="BFGS")
    with pytest.raises(ValueError, match="not variables: a"):
        minimize("a*x**2", ["x"], [1.0])


def test_rosenbrock_4d_text_against_scipy_reference():
    from tests.problems.optimize import rosenbrock_truth
    rosen, rosen_der, rosen_hess, x0 = rosenbrock_truth(4)
    text = " + ".join(f"100*(x{i + 1} - x{i}**2)**2 + (1 - x{i})**2" for i in range(3))
    wrt = [f"x{i}" for i in range(4)]
    res = minimize(text, wrt, x0)
    assert res.success
    np.testing.assert_allclose(res.x, np.ones(4), atol=XTOL)
    rng = np.random.default_rng(3)
    from derive.optimize.objective import compile_objective
    fun, jac, hess = compile_objective(text, wrt, hessian=True)
    rel = TOLERANCES["scipy_reference_rel"]
    for p in rng.uniform(-2, 2, size=(5, 4)):
        np.testing.assert_allclose(jac(p), rosen_der(p), rtol=rel, atol=1e-12)
        np.testing.assert_allclose(hess(p), rosen_hess(p), rtol=rel, atol=1e-12)


def test_closed_form_failure_falls_back_to_slsqp_with_x0():
    # minimizers form a segment (x + y = 1, x, y >= 0): no unique closed-form KKT point
    cons = ["x >= 0", "y >= 0", "x + y >= 1"]
    res = minimize("x + y", ["x", "y"], constraints=cons)
    assert not res.success and "continuum" in res.message
    res = minimize("x + y", ["x", "y"], [2.0, 3.0], constraints=cons)
    assert res.success and res.method == "SLSQP"
    assert res.fun == pytest.approx(1.0, abs=1e-9)
    assert "closed form" in res.message
    assert res.check["max_violation"] < 1e-9


def test_closed_form_ties_are_reported():
    res = minimize("x**4 - 2*x**2 + y**2")  # minima at (+-1, 0), both f = -1
    assert res.fun == -1.0 and "2 minima share the lowest value" in res.message
    assert sorted(p.x[0] for p in res.stationary.of_kind("minimum")) == [-1.0, 1.0]


def test_no_minimum_in_closed_form():
    res = minimize("x**3 + y")
    assert not res.success and "no strict local minimum" in res.message
    with pytest.raises(ConvergenceError):
        minimize("x*y", throw=True)


def test_closed_form_budget_is_the_callers():
    """Himmelblau's closed form needs ~10 s of CPU: the caller sets the budget, and
    running out of it is said as such (never a wrong minimum): the stationary points
    are then enumerated numerically and labelled so (issue 14)."""
    himmelblau = "(x**2 + y - 11)**2 + (x + y**2 - 7)**2"
    res = minimize(himmelblau, ["x", "y"], seconds=0.5)
    assert res.stationary.status == "numeric" and "numeric" in res.message
    assert "ran out of its time budget" in res.stationary.message
    assert "seconds=" in res.stationary.message
    assert res.success and abs(res.fun) < 1e-20          # all four minima have f = 0
    assert len(res.stationary.of_kind("minimum")) == 4   # Himmelblau (1972): four minima
    res = minimize("x**2 - 3*x", ["x"], seconds=30)
    assert res.success and res.point == {sp.Symbol("x", real=True): sp.Rational(3, 2)}
    for bad in (0, -1, float("nan"), "10", True):
        with pytest.raises(ValueError, match="seconds must be a positive number"):
            minimize("x**2", ["x"], seconds=bad)


def test_a_failed_closed_form_result_prints():
    # SciPy's OptimizeResult formatter fails on an empty nested dict (no checks ran)
    res = minimize("tanh(tanh(x))", ["x"], seconds=1e-6)  # used up before the solve
    assert not res.success
    assert "message" in str(res) and len(res.check) == 0


#: CPU seconds a call may use beyond seconds + NUMERIC_FLOOR: process and pickling
#: overhead, the guard's polling, the differentiation that cannot be stopped midway
SECONDS_MARGIN = 1.0
HIMMELBLAU_MINIMA = [(3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186),
                     (3.584428, -1.848126)]  # Himmelblau (1972), f = 0 at each


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="guard children reaped")
@pytest.mark.parametrize("f, wrt", [
    ("(x**2 + y - 11)**2 + (x + y**2 - 7)**2", ["x", "y"]),   # solve needs ~10 s
    ("tanh(" * 50 + "x" + ")" * 50, ["x"]),                    # solve and enumeration stall
], ids=["himmelblau", "tanh-50-deep"])
def test_seconds_bounds_the_whole_call(f, wrt):
    """minimize(seconds=2): derivatives, solve and numeric enumeration share one CPU
    budget; the whole call stays within seconds + NUMERIC_FLOOR + a margin (the solve
    and the enumeration once had 2 s each plus uncounted differentiation: ~7 s)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        before = cpu_seconds()
        res = minimize(f, wrt, seconds=2)
        used = cpu_seconds() - before
    assert used <= 2 + NUMERIC_FLOOR + SECONDS_MARGIN, used
    if len(wrt) == 2:       # the enumeration still found Himmelblau's minima
        assert res.success and res.stationary.status == "numeric" and abs(res.fun) < 1e-20
        assert min(np.hypot(*(res.x - m)) for m in np.array(HIMMELBLAU_MINIMA)) < 1e-5
    else:
        assert not res.success and res.stationary.status == "timeout"
        assert "seconds=" in res.message


def test_a_constant_gradient_entry_means_no_stationary_point():
    res = minimize("x + y**2", ["x", "y"], seconds=5)   # grad f = (1, 2y) never vanishes
    assert not res.success and res.stationary.status == "none"
    assert "d f/d x = 1 is never zero" in res.message


def test_restarts_stop_when_the_budget_is_used_up():
    res = minimize("x**4 - 2*x**2 + x/2", ["x"], [1.0], restarts=100, seconds=1e-6)
    assert res.runs == 1 and "100 restarts skipped: the seconds= budget" in res.message
    assert res.success and res.x[0] > 0           # the first run's well, nothing invented


def test_rosenbrock_30d_new_symbols_same_iterates_as_newton_on_scipys_functions():
    """A new objective (names nothing is cached under): derive's exact derivatives drive
    the same Newton iterations as SciPy's hand-written rosen_der/rosen_hess."""
    from derive.optimize.newton import newton
    n = 30
    xs = sp.symbols(f"fresh_rosen_0:{n}", real=True)
    f = sum(100 * (xs[i + 1] - xs[i]**2)**2 + (1 - xs[i])**2 for i in range(n - 1))
    x0 = np.tile([-1.2, 1.0], n // 2)
    res = minimize(f, xs, x0, maxiter=1000)
    ref = newton(so.rosen, so.rosen_der, so.rosen_hess, x0, maxiter=1000)
    assert res.success and ref.success and res.nit == ref.nit
    np.testing.assert_allclose(res.x, ref.x, atol=1e-8)
    assert res.check["gradient"].status == res.check["hessian"].status == "verified"
    g, H = (res.derivation[k].result for k in ("gradient", "hessian"))
    point = np.random.default_rng(5).uniform(-2, 2, n)
    values = dict(zip(xs, point))
    rel = TOLERANCES["scipy_reference_rel"]
    np.testing.assert_allclose([float(e.xreplace(values)) for e in g], so.rosen_der(point),
                               rtol=rel, atol=1e-9)
    np.testing.assert_allclose(np.array(H.xreplace(values), dtype=float), so.rosen_hess(point),
                               rtol=rel, atol=1e-9)
