"""derive.integrals: exact answers verified, numeric fallback with error, never a hang."""

import mpmath
import pytest
import sympy as sp

from derive.errors import ParseError
from derive.integrals import IntegralCheck, integrate, numeric_integral
from derive.integrals.verification import _verify_antiderivative, _verify_definite
from tests.tolerances import TOLERANCES

REL = TOLERANCES["integral_vs_reference_rel"]
x, y = sp.symbols("x y", real=True)


def close(value, truth, rel=REL):
    return abs(complex(value) - complex(truth)) <= rel * max(1.0, abs(complex(truth)))


def test_x_squared_on_unit_interval_is_exact_and_verified():
    r = integrate("x**2", ("x", 0, 1), seconds=20)
    assert r.value == sp.Rational(1, 3) and r.status == "exact"
    assert r.check.status == "verified" and "mpmath.quad" in r.check.method
    assert "1/3" in str(r) and r._repr_latex_().startswith("$")


def test_gaussian_integral_improper():
    r = integrate("exp(-x**2)", ("x", "-oo", "oo"), seconds=20)
    assert r.value == sp.sqrt(sp.pi) and r.check.status == "verified"


def test_positive_parameter_gives_plain_closed_form():
    a = sp.Symbol("a", positive=True)
    r = integrate("exp(-a*x)", ("x", 0, "oo"), symbols=[a], seconds=20)
    assert r.value == 1 / a and r.check.status == "verified"
    assert len(r.check.points) >= 2  # checked at several random values of a


def test_integer_parameter_gamma_moment():
    n = sp.Symbol("n", positive=True, integer=True)
    r = integrate("x**n*exp(-x)", ("x", 0, "oo"), symbols=[n], seconds=20)
    assert r.status == "exact" and r.check.status == "verified"
    assert sp.simplify(r.value.rewrite(sp.gamma) - sp.gamma(n + 1)) == 0


def test_closed_form_valid_on_part_of_parameter_space_comes_with_its_region():
    # SymPy: Piecewise((1/(y+1) - 0**(y+1)/(y+1), Ne(y, -1)), (oo, True)); the integral
    # exists only for y > -1, and the value is checked there
    r = integrate("x**y", ("x", 0, 1), seconds=20)
    assert r.status == "exact" and r.check.status == "verified"
    assert r.region is not None and "y > -1" in str(r)
    assert r.region.subs(y, -2) is sp.false and r.region.subs(y, sp.Rational(-1, 2)) is sp.true
    for yv in (-0.5, 0.5, 2.0):
        assert close(sp.N(r.value.subs(y, yv)), 1 / (yv + 1))
        assert r.region.subs(y, yv) is sp.true
    for point in r.check.points:
        assert point["y"] > -1


def test_antiderivative_verified_by_differentiation():
    r = integrate("x*exp(x)", "x", seconds=20)
    assert r.status == "exact" and not r.definite
    assert sp.simplify(sp.diff(r.value, x) - x * sp.exp(x)) == 0
    assert r.check.status == "verified" and "derivative" in r.check.method


def test_indefinite_without_closed_form_comes_back_as_a_numeric_antiderivative():
    r = integrate("exp(sin(x))", "x", seconds=2)
    assert r.status == "numeric" and isinstance(r.value, sp.Integral)
    assert "no closed form" in r.check.detail and r.function is not None
    with mpmath.workdps(30):
        truth = mpmath.quad(lambda t: mpmath.exp(mpmath.sin(t)), [0, 1.5])
    assert abs(r.function(1.5) - float(truth)) < 1e-12


def test_numeric_fallback_at_30_digits_matches_mpmath():
    r = integrate("x**x", ("x", 0, 1), digits=30, seconds=8)
    assert r.status == "numeric" and r.error is not None and r.error < 1e-29
    with mpmath.workdps(40):
        truth = mpmath.quad(lambda t: t**t, [0, 1])
        assert abs(mpmath.mpf(sp.Float(r.value, 40)) - truth) < mpmath.mpf(10) ** -29
    assert r.check.status == "verified"


def test_budget_bounds_a_slow_integral():
    # SymPy spends many seconds on this one: the guard cuts the attempts at their share
    r = integrate("exp(-x**4)*cos(x)", ("x", 0, 1), seconds=2)
    assert any("out of budget" in outcome for _, outcome, _ in r.attempts)
    assert r.status in ("numeric", "exact")
    truth = mpmath.quad(lambda t: mpmath.exp(-t**4) * mpmath.cos(t), [0, 1])
    assert close(float(r), truth)


def test_double_integral():
    r = integrate("x*y", ("x", 0, 1), ("y", 0, 1), seconds=20)
    assert r.value == sp.Rational(1, 4)


def test_oscillatory_improper_integral_verified_with_quadosc():
    r = integrate("sin(x)/x", ("x", 0, "oo"), seconds=8)
    assert r.value == sp.pi / 2
    assert r.check.status in ("verified", "inconclusive")  # never refuted


def test_deep_learning_functions_integrate():
    r = integrate("sigmoid(x)*(1 - sigmoid(x))", ("x", "-oo", "oo"), seconds=20)
    assert close(float(r), 1.0)


def test_wrong_antiderivative_is_refuted():
    check = _verify_antiderivative(sp.cos(x), sp.sin(x) + x**2 / 1000, [x], seed=0)
    assert check.status == "refuted" and check.max_abs_error > 1e-4


def test_wrong_definite_value_is_refuted():
    check = _verify_definite(sp.exp(-x), ((x, 0, sp.oo),), sp.Rational(99, 100), 15, 0)
    assert check.status == "refuted"
    ok = _verify_definite(sp.exp(-x), ((x, 0, sp.oo),), sp.S.One, 15, 0)
    assert ok.status == "verified"


def test_numeric_integral_dependent_limits():
    v, err = numeric_integral(x * y, [(y, 0, x), (x, 0, 1)], dps=20)
    assert abs(v - mpmath.mpf(1) / 8) < 1e-18 and err < 1e-15


@pytest.mark.parametrize("bad, error", [
    (dict(f="x**2", limits=(("x", 0),)), ParseError),
    (dict(f="x**2", limits=()), ParseError),
    (dict(f="x**", limits=(("x", 0, 1),)), ParseError),
    (dict(f="x", limits=(("x", 0, 1),), digits=0), ValueError),
    (dict(f="x", limits=(("x", 0, 1),), digits=51), ValueError),
    (dict(f="x", limits=(("x", 0, 1),), seconds=-1), ValueError),
    (dict(f="x", limits=(("2x", 0, 1),)), ParseError),
])
def test_bad_input_raises_clear_errors(bad, error):
    with pytest.raises(error) as info:
        integrate(bad["f"], *bad["limits"], digits=bad.get("digits", 15),
                  seconds=bad.get("seconds", 2))
    assert str(info.value)


def test_integral_check_renders():
    c = IntegralCheck("verified", "m", (), 1e-20, "fine")
    assert "verified" in str(c) and "fine" in str(c)


def test_numeric_integral_and_categorical_never_evaluate_text(tmp_path):
    from derive.errors import UnsafeInputError
    from derive.integrals import numeric_integral
    from derive.stats.distributions import Categorical

    sentinel = tmp_path / "ran"
    payload = f"__import__('os').system('touch {sentinel}')"
    with pytest.raises(UnsafeInputError):
        numeric_integral(payload, [("x", 0, 1)])
    with pytest.raises(UnsafeInputError):
        Categorical("C", [payload, "1/2"])
    assert not sentinel.exists()
    value, _ = numeric_integral("x**2", [(sp.Symbol("x", real=True), 0, 1)])
    assert abs(value - mpmath.mpf(1) / 3) < 1e-14
