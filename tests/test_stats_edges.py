"""Stats at the edges: expectations that do not exist, supports too large to enumerate,
entropy of finite tables. Truth from SciPy and textbook formulas."""

import math

import pytest
import scipy.stats as ss
import sympy as sp

import derive
from derive.errors import NoClosedFormError
from derive.stats.result import STATUSES


def test_cauchy_mean_does_not_exist():
    assert math.isnan(ss.cauchy.mean())  # the oracle agrees: no mean
    r = derive.expectation("X", "Cauchy(0, 1)")
    assert r.status == "does not exist" and r.check.status != "verified"
    assert "not integrable" in r.reason and "does not exist" in str(r)
    with pytest.raises(NoClosedFormError):
        float(r)


def test_infinite_second_moment_and_variance_diverge():
    assert ss.cauchy.var() in (math.inf,) or math.isnan(ss.cauchy.var())
    r = derive.expectation("X**2", "Cauchy(0, 1)")
    assert (r.status, r.value) == ("diverges", sp.oo)
    assert derive.variance("X", "Cauchy(0, 1)").status == "does not exist"
    r = derive.expectation("1/X", "Exponential(1)")  # near 0 like 1/x
    assert r.status == "diverges" and "near 0" in r.reason


def test_huge_die_in_closed_form():
    n = 10**9
    r = derive.expectation("X", f"Die({n})")
    assert r.status == "exact" and r.value == sp.Rational(n + 1, 2)
    assert r.check.status == "verified"
    r = derive.expectation("X**2", f"Die({n})")
    assert r.value == sp.Rational((n + 1) * (2 * n + 1), 6)  # sum of squares / n
    assert any(step[0] == "size" for step in r.attempts)


def test_huge_binomial_mean():
    r = derive.expectation("X", "Binomial(10**9, 1/3)")
    assert r.status == "exact" and r.value == sp.Rational(10**9, 3)


@pytest.mark.parametrize("spec, probs", [
    ("DiscreteUniform([1,2,3,4])", [0.25] * 4),
    ("Categorical([1/2, 1/4, 1/4])", [0.5, 0.25, 0.25]),
    ("Die(6)", [1 / 6] * 6),
])
def test_entropy_of_finite_distributions(spec, probs):
    r = derive.entropy(spec)
    assert r.status == "exact" and r.check.status == "verified"
    assert not r.value.has(sp.zoo, sp.nan, sp.Lambda)
    assert float(r.value) == pytest.approx(ss.entropy(probs), rel=1e-14)


def test_statuses_listed():
    assert STATUSES == ("exact", "numeric", "unevaluated", "diverges", "does not exist")
