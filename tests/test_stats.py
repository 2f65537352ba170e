"""derive.stats: distributions by name, moments, information; truth from SciPy,
Monte Carlo and quadrature (never from derive itself)."""

import numpy as np
import pytest
import scipy.integrate
import scipy.stats as ss
import sympy as sp

from derive.errors import ParseError
from derive.integrals import IntegralCheck
from derive.stats import (FAMILIES, NotNormalizedError, covariance, cross_entropy,
                          density_variable, distribution, entropy, expectation, kl_divergence,
                          moment, moment_generating_function, pmf_variable, variance)
from derive.stats.moments import derive_quantity, random_variables
from tests.tolerances import TOLERANCES

REL = TOLERANCES["stats_vs_reference_rel"]
SIGMAS = TOLERANCES["monte_carlo_sigmas"]


def num(result, **values):
    expr = result.value.xreplace({s: values[s.name] for s in result.value.free_symbols
                                  if s.name in values})
    return float(sp.N(expr, 20))


def test_every_sympy_stats_family_is_known_by_name():
    import sympy.stats.crv_types as c
    import sympy.stats.drv_types as d
    import sympy.stats.frv_types as f
    names = set(c.__all__) | set(d.__all__) | set(f.__all__)
    assert names - {"ContinuousRV", "FiniteRV"} <= set(FAMILIES)


@pytest.mark.parametrize("spec, scipy_dist", [
    ("Normal(1, 2)", ss.norm(1, 2)),
    ("Exponential(3)", ss.expon(scale=1 / 3)),
    ("Beta(2, 5)", ss.beta(2, 5)),
    ("Poisson(3)", ss.poisson(3)),
    ("Binomial(10, 3/10)", ss.binom(10, 0.3)),
    ("Geometric(1/4)", ss.geom(0.25)),
])
def test_variance_matches_scipy(spec, scipy_dist):
    r = variance("X", spec, seconds=10)
    assert r.status == "exact" and r.check.status == "verified"
    assert np.isclose(float(r), scipy_dist.var(), rtol=REL)


def test_symbolic_second_moment_of_normal():
    r = expectation("X**2", "Normal(mu, sigma)")
    mu, sigma = sp.symbols("mu sigma", real=True)
    assert sp.simplify(r.value.subs({s: sp.Symbol(s.name, real=True)
                                     for s in r.value.free_symbols}) - mu**2 - sigma**2) == 0
    assert r.check.status == "verified" and len(r.check.points) >= 2
    assert np.isclose(num(r, mu=0.3, sigma=1.7), ss.norm(0.3, 1.7).moment(2), rtol=REL)


def test_covariance_of_x_and_x_squared_against_monte_carlo():
    r = covariance("X", "X**2", "Normal(mu, sigma)")
    mu, sigma = 0.5, 1.2
    value = num(r, mu=mu, sigma=sigma)
    assert np.isclose(value, 2 * mu * sigma**2, rtol=REL)  # textbook: 2 mu sigma^2
    rng = np.random.default_rng(0)
    x = rng.normal(mu, sigma, 400_000)
    prod = (x - x.mean()) * (x**2 - (x**2).mean())
    assert abs(prod.mean() - value) < SIGMAS * prod.std() / np.sqrt(x.size)


def test_expectation_of_function_of_two_independent_variables():
    r = expectation("X*Y + Y**2", {"X": "Uniform(0, 1)", "Y": "Exponential(2)"})
    assert np.isclose(float(r), 0.5 * 0.5 + 2 / 4, rtol=REL)  # E[X]E[Y] + E[Y^2]


def test_moments_and_mgf():
    assert np.isclose(float(moment(3, "Exponential(1)", central=True)), ss.expon.stats(
        moments="s") * 1.0, rtol=REL)  # skewness 2 = third central moment for rate 1
    r = moment_generating_function("Poisson(2)")
    t = sp.Symbol("t", real=True)
    value = float(sp.N(r.value.subs({s: 0.3 for s in r.value.free_symbols if s.name == "t"})))
    assert np.isclose(value, np.exp(2 * (np.exp(0.3) - 1)), rtol=REL)
    assert r.check.status == "verified"


def test_entropies_match_scipy():
    assert np.isclose(float(entropy("Normal(0, 2)")), ss.norm(0, 2).entropy(), rtol=REL)
    r = entropy("Exponential(lamda)")
    assert np.isclose(num(r, lamda=2.5), ss.expon(scale=1 / 2.5).entropy(), rtol=REL)


def _kl_quad(p, q, lo=-np.inf, hi=np.inf):
    f = lambda x: p.pdf(x) * (p.logpdf(x) - q.logpdf(x)) if p.pdf(x) > 0 else 0.0  # noqa
    return scipy.integrate.quad(f, lo, hi, limit=200, epsabs=1e-13, epsrel=1e-12)[0]


@pytest.mark.parametrize("p, q, sp_p, sp_q, lo", [
    ("Normal(0.3, 1.2)", "Normal(-0.5, 0.7)", ss.norm(0.3, 1.2), ss.norm(-0.5, 0.7), -np.inf),
    ("Gamma(2.5, 1.5)", "Gamma(1.5, 2)", ss.gamma(2.5, scale=1.5), ss.gamma(1.5, scale=2), 0),
    ("Laplace(0.5, 1)", "Laplace(-1, 2)", ss.laplace(0.5, 1), ss.laplace(-1, 2), -np.inf),
    ("Normal(0, 1)", "Laplace(0, 1)", ss.norm(0, 1), ss.laplace(0, 1), -np.inf),
])
def test_kl_divergence_matches_quadrature(p, q, sp_p, sp_q, lo):
    r = kl_divergence(p, q, seconds=10)
    assert r.status in ("exact", "numeric") and r.check.status != "refuted"
    assert np.isclose(float(r), _kl_quad(sp_p, sp_q, lo), rtol=1e-8)


def test_kl_closed_form_is_symbolic_and_cited():
    r = kl_divergence("Exponential(a)", "Exponential(b)")
    assert "closed form" in r.method and "2013" in r.method
    assert r.check.status == "verified"
    assert np.isclose(num(r, a=2.0, b=0.5), np.log(4) + 0.25 - 1, rtol=REL)


def test_discrete_kl_and_cross_entropy_match_scipy():
    p, q = [0.5, 0.25, 0.25], [0.2, 0.3, 0.5]
    r = kl_divergence("Categorical([1/2, 1/4, 1/4])", "Categorical([1/5, 3/10, 1/2])")
    assert np.isclose(float(r), ss.entropy(p, q), rtol=REL)
    r = kl_divergence("Bernoulli(p)", "Bernoulli(q)")
    assert np.isclose(num(r, p=0.3, q=0.6), ss.entropy([0.7, 0.3], [0.4, 0.6]), rtol=REL)
    h = cross_entropy("Bernoulli(1/2)", "Bernoulli(1/4)")
    assert np.isclose(float(h), -(0.5 * np.log(0.25) + 0.5 * np.log(0.75)), rtol=REL)


def test_user_density_checked_for_normalization():
    X = density_variable("3*x**2", "x", (0, 1))
    r = expectation("X", X)
    assert np.isclose(float(r), 0.75, rtol=REL)
    with pytest.raises(NotNormalizedError, match="integrates to 1/2"):
        density_variable("x", "x", (0, 1))
    with pytest.raises(NotNormalizedError, match="sum to"):
        pmf_variable({0: "1/2", 1: "1/3"})
    B = pmf_variable({0: "1/4", 1: "3/4"})
    assert np.isclose(float(variance("X", B)), 3 / 16, rtol=REL)


def test_distribution_parameters_get_the_familys_assumptions():
    X = distribution("Normal(mu, sigma)")
    mu, sigma = X.pspace.distribution.args
    assert sigma.is_positive and mu.is_positive is None
    n = distribution("Binomial(n, p)").pspace.distribution.n
    assert n.is_integer and n.is_positive


@pytest.mark.parametrize("text, match", [
    ("normal(0, 1)", "did you mean Normal"),
    ("Poisson(-1)", "positive"),
    ("Normal(0, 1", "expected a family"),
    ("Normal(0,, 1)", "empty argument"),
    ("Normal(loc=0)", "keyword"),
    ("__import__('os')", "expected a family|unknown"),
])
def test_bad_distributions_raise_parse_errors(text, match):
    with pytest.raises(ParseError, match=match):
        distribution(text)


def test_expression_without_random_variable_is_an_error():
    with pytest.raises(ParseError, match="no random variable"):
        expectation("y**2", "Normal(0, 1)")


def test_a_wrong_closed_form_is_refuted_and_replaced():
    rvs = random_variables("Exponential(2)")
    X = rvs["X"]
    r = derive_quantity("E", [X], rvs, "E[X]", closed_form=(sp.Rational(1, 3), "bogus"))
    assert any("refuted" in outcome for _, outcome, _ in r.attempts)
    assert r.value == sp.Rational(1, 2) and r.method == "sympy.stats"


def test_result_renders():
    r = expectation("X", "Poisson(lamda)")
    assert "Poisson(lamda)" in str(r) and r._repr_latex_().startswith("$")
    assert isinstance(r.check, IntegralCheck)


@pytest.mark.parametrize("quantity, spec", [
    (variance, "YuleSimon(2)"),   # the variance exists only for rho > 2
    (variance, "YuleSimon(1)"),
    (expectation, "YuleSimon(1)"),  # the mean only for rho > 1
])
def test_yule_simon_moments_that_do_not_exist_diverge(quantity, spec):
    # Yule-Simon(rho) terms fall like x**-(rho + 1): textbook (Simon 1955) moments
    # exist below order rho; Gauss's test decides the borderline sum 1/x.
    r = quantity("X", spec, seconds=5) if quantity is variance else quantity("X", spec)
    assert r.status == "diverges" and r.value == sp.oo


def test_yule_simon_moments_that_exist():
    assert variance("X", "YuleSimon(3)", seconds=5).value == sp.Rational(9, 4)
    assert expectation("X", "YuleSimon(2)").value == 2
