"""derive.stats.tests: p-values and intervals against scipy.stats to 1e-12 relative."""

import numpy as np
import pytest
import scipy.stats as ss
import sympy as sp

from derive.errors import ShapeError
from derive.stats import (chi2_variance_interval, norm_interval, t_interval, ttest_1samp,
                          welch_ttest, z_test)
from tests.tolerances import TOLERANCES

REL = TOLERANCES["tests_vs_scipy_rel"]
rng = np.random.default_rng(12345)
SAMPLES = [rng.normal(0.3, 1.5, n) for n in (5, 17, 200)]


@pytest.mark.parametrize("data", SAMPLES, ids=["n5", "n17", "n200"])
@pytest.mark.parametrize("alternative", ["two-sided", "less", "greater"])
def test_ttest_1samp_matches_scipy(data, alternative):
    ours = ttest_1samp(data, 0.1, alternative=alternative)
    ref = ss.ttest_1samp(data, 0.1, alternative=alternative)
    assert np.isclose(ours.statistic, ref.statistic, rtol=REL, atol=0)
    assert np.isclose(ours.pvalue, ref.pvalue, rtol=REL, atol=0)
    assert ours.df == ref.df


@pytest.mark.parametrize("data", SAMPLES, ids=["n5", "n17", "n200"])
@pytest.mark.parametrize("confidence", [0.8, 0.95, 0.999])
def test_intervals_match_scipy(data, confidence):
    n, mean, sem = data.size, data.mean(), ss.sem(data)
    ours = t_interval(data, confidence).interval
    ref = ss.t.interval(confidence, n - 1, loc=mean, scale=sem)
    assert np.allclose(ours, ref, rtol=REL, atol=0)
    ours = norm_interval(data, confidence, sigma_known=1.5).interval
    ref = ss.norm.interval(confidence, loc=mean, scale=1.5 / np.sqrt(n))
    assert np.allclose(ours, ref, rtol=REL, atol=0)
    ours = norm_interval(data, confidence).interval
    assert np.allclose(ours, ss.norm.interval(confidence, loc=mean, scale=sem), rtol=REL,
                       atol=0)


def test_chi2_variance_interval_textbook_formula():
    data = SAMPLES[1]
    n, v = data.size, data.var(ddof=1)
    lo, hi = chi2_variance_interval(data, 0.9).interval
    assert np.isclose(lo, (n - 1) * v / ss.chi2.ppf(0.95, n - 1), rtol=REL)
    assert np.isclose(hi, (n - 1) * v / ss.chi2.ppf(0.05, n - 1), rtol=REL)


@pytest.mark.parametrize("alternative", ["two-sided", "less", "greater"])
def test_welch_matches_scipy(alternative):
    a, b = SAMPLES[1], rng.normal(1.0, 0.5, 11)
    ours = welch_ttest(a, b, alternative=alternative)
    ref = ss.ttest_ind(a, b, equal_var=False, alternative=alternative)
    assert np.isclose(ours.statistic, ref.statistic, rtol=REL, atol=0)
    assert np.isclose(ours.pvalue, ref.pvalue, rtol=REL, atol=0)
    assert np.isclose(ours.df, ref.df, rtol=REL)


def test_z_test_against_normal_tail():
    data = SAMPLES[2]
    r = z_test(data, 0.0, 1.5)
    z = data.mean() / (1.5 / np.sqrt(data.size))
    assert np.isclose(r.statistic, z, rtol=REL)
    assert np.isclose(r.pvalue, 2 * ss.norm.sf(abs(z)), rtol=REL)


def test_statistic_is_a_formula_in_the_summaries():
    r = ttest_1samp([1.0, 2.0, 4.0], 1.0)
    xbar, s, n, mu0 = sp.symbols("xbar s n mu_0", real=True)
    assert sp.simplify(r.formula.rhs - (xbar - mu0) / (s / sp.sqrt(n))) == 0
    assert set(r.ingredients) == {"xbar", "s", "n", "mu_0"}
    assert "p-value" in str(r) and r._repr_latex_().startswith("$")


@pytest.mark.parametrize("call, error", [
    (lambda: ttest_1samp([1.0], 0), ValueError),
    (lambda: ttest_1samp([[1.0, 2.0]], 0), ShapeError),
    (lambda: ttest_1samp([1.0, np.nan], 0), ValueError),
    (lambda: ttest_1samp([1.0, 2.0], 0, alternative="bigger"), ValueError),
    (lambda: t_interval([1.0, 2.0], 1.5), ValueError),
    (lambda: z_test([1.0, 2.0], 0, -1), ValueError),
])
def test_bad_input(call, error):
    with pytest.raises(error):
        call()
