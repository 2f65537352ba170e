"""Issue 10: a value that does not exist is never an answer; correct answers are kept.

Truths: textbook facts (sin has no limit of its antiderivative at infinity;
1/x and tan have simple poles at 0 and pi/2; the Beta-function integral
int_0^oo x^(m-1)/(1+x) dx = pi/sin(pi m) for 0 < m < 1) and mpmath at 50 digits.
"""

import mpmath
import pytest
import sympy as sp

from derive.errors import NoClosedFormError
from derive.integrals import STATUSES, integrate
from derive.integrals.existence import classify

x, m = sp.symbols("x m", real=True)


@pytest.mark.parametrize("f, lim, status", [
    ("sin(x)", ("x", 0, "oo"), "does not exist"),
    ("cos(x)", ("x", 0, "oo"), "does not exist"),
    ("1/x", ("x", -1, 1), "diverges"),
    ("tan(x)", ("x", 0, 2), "diverges"),
    ("1/x", ("x", 1, "oo"), "diverges"),
    ("1/x**2", ("x", -1, 1), "diverges"),
])
def test_divergent_or_nonexistent_integral_is_never_exact(f, lim, status):
    r = integrate(f, lim, seconds=20)
    assert r.status == status and r.status in STATUSES
    assert r.reason
    assert r.status not in ("exact", "numeric")
    assert not r.value.has(sp.AccumBounds, sp.nan, sp.zoo)
    with pytest.raises(NoClosedFormError) if r.value not in (sp.oo, -sp.oo) else _nothing():
        float(r)
    assert status in str(r)


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_pole_location_is_named():
    r = integrate("tan(x)", ("x", 0, 2), seconds=20)
    assert "pi/2" in r.reason


def test_integrable_singularity_still_gets_its_value():
    r = integrate("1/sqrt(x)", ("x", 0, 1), seconds=20)
    assert r.status == "exact" and r.value == 2 and r.check.status == "verified"


@pytest.mark.parametrize("f, lim, truth", [
    ("x**2", ("x", 0, 1), sp.Rational(1, 3)),
    ("exp(-x**2)", ("x", "-oo", "oo"), sp.sqrt(sp.pi)),
])
def test_thirty_digits_keep_the_exact_answer(f, lim, truth):
    r = integrate(f, lim, digits=30, seconds=20)
    assert r.status == "exact" and r.check.status == "verified"
    assert sp.simplify(r.value - truth) == 0
    assert r.check.max_abs_error < 1e-28


def test_piecewise_region_is_checked_inside_the_region():
    r = integrate("x**(m-1)/(1+x)", ("x", 0, "oo"), seconds=30)
    assert r.status == "exact" and r.region is not None
    assert r.check.status != "refuted"
    for point in r.check.points:
        assert 0 < point["m"] < 1
    for mv in ("0.3", "0.7"):
        with mpmath.workdps(50):
            truth = mpmath.quad(lambda t: t ** (mpmath.mpf(mv) - 1) / (1 + t), [0, 1, mpmath.inf])
        assert abs(float(r.value.subs(m, sp.Float(mv))) - float(truth)) < 1e-12
        assert r.region.subs(m, sp.Float(mv)) is sp.true
    assert r.region.subs(m, 2) is sp.false


@pytest.mark.parametrize("value", [sp.nan, sp.zoo, sp.AccumBounds(-1, 1),
                                   sp.Integral(sp.exp(x**3), x), sp.Lambda(x, x**2),
                                   sp.Piecewise((sp.Integral(sp.exp(x**3), (x, 0, m)), True))])
def test_unusable_values_are_never_classified_as_values(value):
    assert classify(value)[0] != "value"


@pytest.mark.parametrize("argv, status", [
    (["integrate", "sin(x)", "x", "0", "oo"], "does not exist"),
    (["integrate", "1/x", "x", "-1", "1"], "diverges"),
    (["integrate", "tan(x)", "x", "0", "2"], "diverges"),
])
def test_cli_exits_1_with_the_reason(argv, status, capsys):
    from derive.cli import main
    assert main(argv) == 1
    out = capsys.readouterr().out
    assert f"{status}:" in out and "exact" not in out


def test_cli_keeps_the_thirty_digit_exact_answer(capsys):
    from derive.cli import main
    assert main(["integrate", "x**2", "x", "0", "1", "--digits", "30"]) == 0
    out = capsys.readouterr().out
    assert "= 1/3" in out and "exact" in out and "verified" in out
