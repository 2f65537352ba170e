"""One pass over the data: the statistics, the support check and the Newton kernels of a
generalized linear model (issue 11, part 1).

Truths are independent of derive: ``math.fsum`` (the correctly rounded sum), the
textbook MLEs written with NumPy, SciPy's ``expit``/``logaddexp``, and a
hand-written NumPy IRLS or statsmodels' GLM. Sizes are small: the speed is
measured by ``benchmarks/bench_likelihood.py``, not here.
"""

import math

import numpy as np
import pytest
from scipy import special

from derive.errors import ParseError
from derive.estimation import likelihood, mle
from derive.fitting import Sample, fit
from derive.fitting.kernels import link_kernels, rank_one_kernels
from derive.fitting.scan import one_pass

RNG = np.random.default_rng(5)
EXPONENTIAL = (None, 0.0, np.inf, False, None)
COUNTS = (None, 0.0, np.inf, True, None)


@pytest.fixture(scope="module")
def exponential():
    return mle(likelihood("Exponential(lam)", ["lam"]))


@pytest.fixture(scope="module")
def logistic():
    return likelihood("exp(y*(b0 + b1*x1))/(1 + exp(b0 + b1*x1))", ["b0", "b1"],
                      var=["x1", "y"])


def test_block_sums_and_dot_products_are_exact_sums():
    """Blocks of 1000 (the last one short): sums and x**2, x*y against math.fsum."""
    x, y = RNG.exponential(2.0, 5500), RNG.normal(size=5500)
    (sx, sy), (sxx, sxy) = one_pass([x, y], [(0, 0), (0, 1)], EXPONENTIAL, block=1000)
    assert sx == pytest.approx(math.fsum(x), rel=1e-15)
    assert sy == pytest.approx(math.fsum(y), rel=1e-13)
    assert sxx == pytest.approx(math.fsum(x * x), rel=1e-14)
    assert sxy == pytest.approx(math.fsum(x * y), rel=1e-12)


@pytest.mark.parametrize("bad, where, words", [
    (-0.5, 4321, "observation 4321 = -0.5 lies outside"),
    (2.5, 999, "observation 999 = 2.5 lies outside"),
    (np.nan, 3001, "observation 3001 is nan"),
])
def test_support_check_names_the_first_bad_observation_in_any_block(bad, where, words):
    x = RNG.poisson(3.0, 5000).astype(float)
    x[where] = bad
    x[where + 300:] = -1.0  # later bad values: the first one is named
    with pytest.raises(ParseError, match=words):
        one_pass([x], [], COUNTS, block=1000)


def test_negative_zero_and_the_lower_end_are_in_the_support(exponential):
    x = np.array([-0.0, 0.0, 1.0, 2.0, 3.0])
    assert fit(exponential.likelihood, data=x, closed_form=exponential).x[0] == \
        pytest.approx(5 / 6.0, rel=1e-15)


def test_integer_counts_fit_exactly_as_floats():
    """int64 counts: exact integer sums, no float copy for the closed form, same fit."""
    est = mle(likelihood("Poisson(lam)", ["lam"]))
    counts = RNG.poisson(4.0, 3000)
    f_int = fit(est.likelihood, data=counts, closed_form=est)
    f_float = fit(est.likelihood, data=counts.astype(float), closed_form=est)
    assert f_int.x[0] == counts.sum() / counts.size
    np.testing.assert_array_equal(f_int.x, f_float.x)
    np.testing.assert_allclose(f_int.se_expected, np.sqrt(counts.mean() / counts.size),
                               rtol=1e-15)
    assert f_int.sample._floats is None
    assert f_int.loglik == pytest.approx(f_float.loglik, rel=1e-15)
    with pytest.raises(ParseError, match="observation 2 = -1.0 lies outside"):
        fit(est.likelihood, data=np.array([1, 2, -1, 3]), closed_form=est)


def test_integer_sums_too_large_for_int64_fall_back_to_floats():
    big = np.full(4, 2**61, dtype=np.int64)
    (total,), _ = one_pass([big], [], None)
    assert total == float(2**63)
    s = Sample("Bernoulli(p)", np.array([True, False, True, True]), params=["p"])
    assert list(s.stats.values()) == [3.0]


def test_closed_form_fit_reads_the_data_once(exponential):
    """Estimates, standard errors and intervals from the statistics: no per-observation
    kernel is compiled or evaluated."""
    x = RNG.exponential(0.5, 2000)
    f = fit(exponential.likelihood, data=x, closed_form=exponential)
    f.wald()
    assert "_r" not in f.sample.__dict__ and "_rank_one" not in f.sample.__dict__
    assert f.x[0] == pytest.approx(1 / x.mean(), rel=1e-14)
    assert f.se_expected[0] == pytest.approx(1 / x.mean() / np.sqrt(x.size), rel=1e-14)


def test_link_kernels_are_finite_and_exact_far_in_the_tails(logistic):
    """l, s, w of the logistic model at |eta| up to 800 (exp overflows) against SciPy."""
    link, _, used = link_kernels(logistic)
    assert [v.name for v in used] == ["y"]
    eta = np.array([-800.0, -40.0, -1.0, 0.0, 2.5, 40.0, 800.0])
    y = np.array([0.0, 1.0, 1.0, 0.0, 1.0, 0.0, 1.0])
    with np.errstate(over="ignore"):
        lp, s, w = link(eta, y)
    p = special.expit(eta)
    np.testing.assert_allclose(lp, y * eta - np.logaddexp(0, eta), rtol=1e-15, atol=1e-300)
    np.testing.assert_allclose(s, y - p, rtol=1e-15, atol=1e-300)
    np.testing.assert_allclose(w, -p * special.expit(-eta), rtol=1e-12, atol=1e-17)
    weights, _ = rank_one_kernels(logistic)  # the same forms with eta written out
    with np.errstate(over="ignore"):
        lp2, s2, w2 = weights(0.0, 1.0, eta, y)
    np.testing.assert_allclose(np.stack([lp2, s2, w2]), np.stack([lp, s, w]), rtol=1e-15)


def test_logistic_newton_equals_hand_written_irls(logistic, monkeypatch):
    """Blocked evaluation (5 blocks of Q) against a plain NumPy IRLS on the full arrays."""
    monkeypatch.setattr("derive.fitting.sample._GLM_BLOCK", 1)  # blocks of 4096 columns
    n = 20000
    x1 = RNG.normal(size=n)
    y = (RNG.random(n) < special.expit(-0.4 + 1.3 * x1)).astype(float)
    f = fit(logistic, data={"x1": x1, "y": y})
    X, b = np.column_stack([np.ones(n), x1]), np.zeros(2)
    for _ in range(30):
        p = special.expit(X @ b)
        H = X.T @ (X * (p * (1 - p))[:, None])
        b = b + np.linalg.solve(H, X.T @ (y - p))
    p = special.expit(X @ b)
    np.testing.assert_allclose(f.x, b, rtol=1e-12)
    np.testing.assert_allclose(f.observed_information, X.T @ (X * (p * (1 - p))[:, None]),
                               rtol=1e-12)
    assert f.loglik == pytest.approx(np.sum(y * (X @ b) - np.logaddexp(0, X @ b)), rel=1e-13)


def test_poisson_regression_by_its_linear_predictor_matches_hand_written_irls():
    n = 3000
    x = RNG.normal(size=n)
    y = RNG.poisson(np.exp(0.2 + 0.7 * x))
    L = likelihood("exp(y*(a + b*x) - exp(a + b*x))/factorial(y)", ["a", "b"], var=["x", "y"])
    assert link_kernels(L) is not None
    f = fit(L, data={"x": x, "y": y}, method="newton")
    X, b = np.column_stack([np.ones(n), x]), np.zeros(2)
    for _ in range(30):
        mu = np.exp(X @ b)
        b = b + np.linalg.solve(X.T @ (X * mu[:, None]), X.T @ (y - mu))
    mu = np.exp(X @ b)
    np.testing.assert_allclose(f.x, b, rtol=1e-12)
    np.testing.assert_allclose(f.se_observed, np.sqrt(np.diag(np.linalg.inv(
        X.T @ (X * mu[:, None])))), rtol=1e-12)
    assert f.loglik == pytest.approx(np.sum(y * (X @ b) - mu - special.gammaln(y + 1)),
                                     rel=1e-13)


def test_models_without_a_linear_predictor_keep_the_general_kernels():
    L = likelihood("exp(-(y - b0 - b1*x)^2/(2*s^2))/s", ["b0", "b1", "s"], var=["x", "y"])
    assert link_kernels(L) is None
    assert link_kernels(likelihood("Cauchy(mu, s)", ["mu", "s"])) is None
