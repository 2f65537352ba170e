"""Conjugate and numeric posteriors against textbook formulas and SciPy."""

import numpy as np
import pytest
import sympy as sp
from scipy import stats as st
from sympy import stats as ss

from derive.errors import NoClosedFormError
from derive.estimation import conjugate_posterior
from derive.fitting import numeric_posterior

N = sp.Symbol("n", positive=True, integer=True)
SX, SXX = sp.symbols("sum_x sum_x_2", real=True)


def test_beta_binomial_posterior_and_interval():
    p = sp.Symbol("p", positive=True)
    a, b = sp.symbols("a b", positive=True)
    m = sp.Symbol("m", positive=True, integer=True)
    post = conjugate_posterior(ss.Binomial("X", m, p), [p], prior=ss.Beta("P", a, b))
    # Gelman et al., Bayesian Data Analysis, 3rd ed., sec. 2.4
    assert sp.simplify(post.hyperparameters[a] - (a + SX)) == 0
    assert sp.simplify(post.hyperparameters[b] - (b + m * N - SX)) == 0
    assert sp.simplify(post.mean[p] - (a + SX) / (a + b + m * N)) == 0
    assert sp.simplify(post.mode[p] - (a + SX - 1) / (a + b + m * N - 2)) == 0
    x = np.random.default_rng(0).binomial(10, 0.3, 20).astype(float)
    got = post.credible_interval(x, {"a": 2, "b": 3}, 0.9, known={"m": 10})
    truth = st.beta(2 + x.sum(), 3 + 200 - x.sum())
    assert got[p] == pytest.approx((truth.ppf(0.05), truth.ppf(0.95)), rel=1e-12)
    nums = post.on(x, {"a": 2, "b": 3}, known={"m": 10})
    assert nums["mean"][p] == pytest.approx(truth.mean(), rel=1e-14)


def test_gamma_poisson():
    lam = sp.Symbol("lam", positive=True)
    a, th = sp.symbols("a theta", positive=True)
    post = conjugate_posterior(ss.Poisson("X", lam), [lam], prior=ss.Gamma("L", a, th))
    assert sp.simplify(post.hyperparameters[a] - (a + SX)) == 0
    assert sp.simplify(post.hyperparameters[th] - th / (N * th + 1)) == 0
    assert sp.simplify(post.mean[lam] - (a + SX) * th / (N * th + 1)) == 0


def test_normal_normal_known_variance():
    mu = sp.Symbol("mu", real=True)
    s, t0 = sp.symbols("sigma tau0", positive=True)
    m0 = sp.Symbol("m0", real=True)
    post = conjugate_posterior(ss.Normal("X", mu, s), [mu], prior=ss.Normal("M", m0, t0))
    prec = 1 / t0**2 + N / s**2
    assert sp.simplify(post.mean[mu] - (m0 / t0**2 + SX / s**2) / prec) == 0
    assert sp.simplify(post.hyperparameters[t0] ** 2 - 1 / prec) == 0


def test_normal_inverse_gamma():
    mu = sp.Symbol("mu", real=True)
    v, kap, al, be = sp.symbols("v kappa alpha beta", positive=True)
    m0 = sp.Symbol("m0", real=True)
    post = conjugate_posterior(ss.Normal("X", mu, sp.sqrt(v)), [mu, v],
                               prior=(ss.Normal("M", m0, sp.sqrt(v / kap)),
                                      ss.GammaInverse("V", al, be)))
    h = post.hyperparameters
    xbar = SX / N
    ss_ = SXX - N * xbar**2
    # Murphy, Conjugate Bayesian analysis of the Gaussian distribution (2007), eq. 85-88
    assert sp.simplify(h[kap] - (kap + N)) == 0
    assert sp.simplify(h[m0] - (kap * m0 + SX) / (kap + N)) == 0
    assert sp.simplify(h[al] - (al + N / 2)) == 0
    assert sp.simplify(h[be] - (be + ss_ / 2 + kap * N * (xbar - m0) ** 2 / (2 * (kap + N)))) == 0
    x = np.random.default_rng(1).normal(1.0, 2.0, 30)
    ci = post.credible_interval(x, {"m0": 0, "kappa": 1, "alpha": 2, "beta": 2}, 0.95)
    a_n, b_n = 2 + 15, 2 + 0.5 * np.sum((x - x.mean()) ** 2) + 30 * x.mean() ** 2 / (2 * 31)
    assert ci[v] == pytest.approx(st.invgamma(a_n, scale=b_n).ppf([0.025, 0.975]), rel=1e-10)


def test_dirichlet_categorical():
    ps = sp.symbols("p1 p2 p3", positive=True)
    xs = sp.symbols("x1 x2 x3", real=True)
    al = sp.symbols("a1 a2 a3", positive=True)
    post = conjugate_posterior(ps[0]**xs[0] * ps[1]**xs[1] * ps[2]**xs[2], list(ps),
                               var=list(xs), prior=ss.MultivariateBeta("D", list(al)))
    counts = [sp.Symbol(f"sum_x{j}", real=True) for j in (1, 2, 3)]
    for a, c in zip(al, counts):
        assert sp.simplify(post.hyperparameters[a] - (a + c)) == 0
    total = sum(al) + sum(counts)
    assert sp.simplify(post.mean[ps[0]] - (al[0] + counts[0]) / total) == 0


@pytest.mark.parametrize("hyper", [(2, 3), sp.symbols("a b", positive=True)])
def test_not_conjugate_is_reported(hyper):
    """A Beta prior cannot absorb the -n*lam of a Poisson likelihood, numbers or symbols."""
    lam = sp.Symbol("lam", positive=True)
    with pytest.raises(NoClosedFormError, match="not conjugate"):
        conjugate_posterior(ss.Poisson("X", lam), [lam], prior=ss.Beta("L", *hyper))


def test_numeric_posterior_matches_conjugate_truth():
    p = sp.Symbol("p", positive=True)
    x = (np.random.default_rng(2).random(40) < 0.3).astype(float)
    post = numeric_posterior(ss.Bernoulli("X", p), [p], prior=ss.Beta("P", 2, 5), data=x)
    truth = st.beta(2 + x.sum(), 5 + 40 - x.sum())
    assert post.mean == pytest.approx(truth.mean(), rel=1e-9)
    assert post.sd == pytest.approx(truth.std(), rel=1e-8)
    assert post.map == pytest.approx((1 + x.sum()) / (5 + 40), rel=1e-8)
    lo, hi = post.credible_interval(0.9)
    assert (lo, hi) == pytest.approx(tuple(truth.ppf([0.05, 0.95])), rel=1e-7)
    assert post.pdf(truth.mean()) == pytest.approx(truth.pdf(truth.mean()), rel=1e-8)
