"""The inference report of a fit: information criteria, delta method, sandwich errors,
and the closed forms of a regression evaluated fast and without cancellation.

Truths: textbook formulas evaluated with NumPy, SciPy's log-densities, NumPy's
least squares, and statsmodels' OLS (robust HC0 errors) when it is installed.
"""

import functools
import warnings

import numpy as np
import pytest
from scipy import stats as st

from derive.errors import ParseError
from derive.fitting import fit

RNG = np.random.default_rng(11)
X = RNG.normal(3.0, 1.5, 300)


@pytest.fixture(scope="module")
def normal_fit():
    return fit("Normal(mu, sigma)", ["mu", "sigma"], data=X)


def test_information_criteria_match_textbook(normal_fit):
    f, n, k = normal_fit, X.size, 2
    ll = st.norm.logpdf(X, X.mean(), X.std()).sum()
    assert f.loglik == pytest.approx(ll, rel=1e-13)
    assert f.aic == pytest.approx(2 * k - 2 * ll, rel=1e-13)
    assert f.aicc == pytest.approx(2 * k - 2 * ll + 2 * k * (k + 1) / (n - k - 1), rel=1e-13)
    assert f.bic == pytest.approx(k * np.log(n) - 2 * ll, rel=1e-13)
    text = f.summary()
    for words in ("Log-likelihood:", "AIC:", "AICc:", "BIC:", "coef", "std err", "P>|z|",
                  "[0.025", "0.975]", f"{X.mean():.10g}"):
        assert words in text


def test_delta_method_of_text(normal_fit):
    """Var(sigma_hat**2) = 2 sigma**4 / n (expected information), from 'sigma**2'."""
    value, se = normal_fit.delta_method("sigma**2")
    s2 = X.var()
    assert value == pytest.approx(s2, rel=1e-13)
    assert se == pytest.approx(np.sqrt(2 / X.size) * s2, rel=1e-12)
    with pytest.raises(ParseError, match="not parameters"):
        normal_fit.delta_method("sigma * tau")


def test_delta_method_exponential_mean():
    x = RNG.exponential(2.0, 400)
    value, se = fit("Exponential(lam)", ["lam"], data=x).delta_method("1/lam")
    assert value == pytest.approx(x.mean(), rel=1e-13)
    assert se == pytest.approx(x.mean() / np.sqrt(x.size), rel=1e-12)


def test_sandwich_exponential_matches_hand_formula():
    x = RNG.exponential(2.0, 400)
    f = fit("Exponential(lam)", ["lam"], data=x)
    lam = 1 / x.mean()
    # H = -n / lam**2, B = sum (1/lam - x_i)**2: var = B / H**2
    hand = np.sqrt(np.sum((1 / lam - x) ** 2) * lam**4 / x.size**2)
    assert f.se_sandwich[0] == pytest.approx(hand, rel=1e-12)


def _regression(n, seed, offset=0.0):
    rng = np.random.default_rng(seed)
    x1, x2 = rng.normal(size=n), rng.normal(size=n)
    y = offset + 2 * x1 - 0.5 * x2 + rng.normal(size=n)
    return x1, x2, y


@pytest.mark.parametrize("offset", [0.0, 1e6])
def test_linear_regression_closed_form_matches_least_squares(offset):
    """Truth: least squares on centred data (textbook OLS: slopes from the centred
    problem, intercept = mean y - slopes . mean x), accurate also far from 0."""
    x1, x2, y = _regression(2000, 5, offset)
    f = fit("exp(-(y-b0-b1*x1-b2*x2)^2/(2*s^2))/s", ["b0", "b1", "b2", "s"],
            var=["x1", "x2", "y"], data={"x1": x1, "x2": x2, "y": y})
    assert f.path == "closed form"
    A = np.column_stack([x1 - x1.mean(), x2 - x2.mean()])
    slopes, res, *_ = np.linalg.lstsq(A, y - y.mean(), rcond=None)
    b0 = y.mean() - slopes @ [x1.mean(), x2.mean()]
    np.testing.assert_allclose(f.x[:3], [b0, *slopes], rtol=1e-11)
    assert f.x[3] == pytest.approx(np.sqrt(res[0] / x1.size), rel=1e-10)


def test_regression_sandwich_matches_statsmodels_hc0():
    sm = pytest.importorskip("statsmodels.api")
    x1, x2, y = _regression(500, 6)
    y = y + x1 * np.random.default_rng(7).normal(size=x1.size)  # heteroscedastic
    f = fit("exp(-(y-b0-b1*x1-b2*x2)^2/(2*s^2))/s", ["b0", "b1", "b2", "s"],
            var=["x1", "x2", "y"], data={"x1": x1, "x2": x2, "y": y})
    ols = sm.OLS(y, sm.add_constant(np.column_stack([x1, x2]))).fit(cov_type="HC0")
    np.testing.assert_allclose(f.x[:3], ols.params, rtol=1e-12)
    np.testing.assert_allclose(f.se_sandwich[:3], ols.bse, rtol=1e-8)


def test_wald_lr_score_tests_poisson_textbook():
    """Poisson H0: lam = lam0. Wald (xbar - lam0)**2 / (xbar/n), score
    (sum x - n lam0)**2 / (n lam0), LR 2 (sum x log(xbar/lam0) - n (xbar - lam0))."""
    x = RNG.poisson(3.3, 250).astype(float)
    f = fit("Poisson(lam)", ["lam"], data=x)
    n, m, lam0 = x.size, x.mean(), 3.0
    got = f.tests({"lam": lam0})
    assert got["wald"].statistic == pytest.approx((m - lam0) ** 2 / (m / n), rel=1e-12)
    assert got["score"].statistic == pytest.approx((x.sum() - n * lam0) ** 2 / (n * lam0),
                                                   rel=1e-12)
    lr = 2 * (x.sum() * np.log(m / lam0) - n * (m - lam0))
    assert got["likelihood ratio"].statistic == pytest.approx(lr, rel=1e-10)
    assert got["score"].pvalue == pytest.approx(st.chi2.sf(got["score"].statistic, 1),
                                                rel=1e-12)


def test_score_test_with_nuisance_parameter():
    """Normal H0: mu = mu0 with sigma free: restricted sigma**2 = mean (x - mu0)**2,
    score statistic n (xbar - mu0)**2 / s0**2 (expected information at the restricted MLE)."""
    f = fit("Normal(mu, sigma)", ["mu", "sigma"], data=X)
    mu0 = 2.8
    s0sq = np.mean((X - mu0) ** 2)
    got = f.score_test({"mu": mu0})
    assert got.restricted[1] == pytest.approx(np.sqrt(s0sq), rel=1e-8)
    assert got.statistic == pytest.approx(X.size * (X.mean() - mu0) ** 2 / s0sq, rel=1e-7)


GLM_CASES = [  # text, params, data, log-density for statsmodels, start
    ("Gamma(k, theta)", ["k", "theta"],
     st.gamma(2.5, scale=1.5).rvs(size=400, random_state=np.random.default_rng(0)),
     lambda p, x: st.gamma.logpdf(x, p[0], scale=p[1]), [2.0, 1.0]),
    ("Normal(mu, sigma)", ["mu", "sigma"], np.random.default_rng(1).normal(3, 2, 300),
     lambda p, x: st.norm.logpdf(x, p[0], p[1]), [1.0, 1.0]),
    ("Exponential(lam)", ["lam"], np.random.default_rng(2).exponential(0.5, 300),
     lambda p, x: st.expon.logpdf(x, scale=1 / p[0]), [1.0]),
    ("Cauchy(mu, 1)", ["mu"], np.random.default_rng(3).standard_cauchy(301) + 2.0,
     lambda p, x: st.cauchy.logpdf(x, p[0]), [1.5]),
]


@functools.cache
def _glm_fit(text):
    """derive's fit of a GLM_CASES entry, shared by the tests that compare it."""
    _, params, x, _, _ = next(c for c in GLM_CASES if c[0] == text)
    return fit(text, params, data=x)


@pytest.mark.parametrize("case", GLM_CASES, ids=[c[0] for c in GLM_CASES])
def test_statsmodels_generic_likelihood_model_agrees(case):
    """statsmodels' GenericLikelihoodModel (numeric Hessian): same estimates, standard
    errors to its numeric-Hessian accuracy, same log-likelihood, AIC and BIC."""
    base = pytest.importorskip("statsmodels.base.model")
    text, params, x, logpdf, start = case

    class Model(base.GenericLikelihoodModel):
        def loglike(self, p):
            return logpdf(p, self.endog).sum()

    model = Model(x, exog=np.ones((x.size, 1)), extra_params_names=params[1:] or None)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # statsmodels' notes on exog names and df
        res = model.fit(start_params=start, method="newton", disp=0, maxiter=200)
    f = _glm_fit(text)
    np.testing.assert_allclose(f.x, res.params, rtol=1e-7)
    np.testing.assert_allclose(f.se_observed, res.bse, rtol=1e-5)
    assert f.loglik == pytest.approx(res.llf, rel=1e-12)
    assert f.aic == pytest.approx(res.aic, rel=1e-12)
    assert f.bic == pytest.approx(res.bic, rel=1e-12)



def test_logistic_regression_rank_one_path_matches_statsmodels_logit():
    """A GLM's per-observation derivatives are rank one (score s q, Hessian w q q^T):
    Newton then sums by matrix products, like IRLS. Oracle: statsmodels Logit
    (analytic Hessian)."""
    sm = pytest.importorskip("statsmodels.api")
    from scipy import special

    from derive.estimation import likelihood
    from derive.fitting.kernels import rank_one_kernels

    rng = np.random.default_rng(21)
    x1, x2 = rng.normal(size=3000), rng.normal(size=3000)
    y = (rng.random(3000) < special.expit(0.3 + x1 - 0.5 * x2)).astype(float)
    L = likelihood("exp(y*(b0 + b1*x1 + b2*x2))/(1 + exp(b0 + b1*x1 + b2*x2))",
                   ["b0", "b1", "b2"], var=["x1", "x2", "y"])
    assert rank_one_kernels(L) is not None
    assert rank_one_kernels(likelihood("Cauchy(mu, s)", ["mu", "s"])) is None
    f = fit(L, data={"x1": x1, "x2": x2, "y": y})
    res = sm.Logit(y, sm.add_constant(np.column_stack([x1, x2]))).fit(disp=0, tol=1e-12)
    np.testing.assert_allclose(f.x, res.params, rtol=1e-10)
    np.testing.assert_allclose(f.se_observed, res.bse, rtol=1e-9)
    assert f.loglik == pytest.approx(res.llf, rel=1e-12)


def test_gamma_newton_standard_errors_to_12_digits_against_mpmath():
    """Truth: the Gamma MLE in mpmath at 50 digits from the sufficient statistics
    (theta = mean / k, log k - psi(k) = log mean - mean log x, by Newton), standard
    errors from the inverse of the observed information at that root."""
    mpmath = pytest.importorskip("mpmath")
    x = GLM_CASES[0][2]
    f = _glm_fit("Gamma(k, theta)")
    assert f.path == "newton"
    with mpmath.workdps(50):
        xs = [mpmath.mpf(float(v)) for v in x]
        n = len(xs)
        mean = mpmath.fsum(xs) / n
        c = mpmath.log(mean) - mpmath.fsum(mpmath.log(v) for v in xs) / n
        k = mpmath.findroot(lambda a: mpmath.log(a) - mpmath.digamma(a) - c, mpmath.mpf(2.5))
        th = mean / k
        info = mpmath.matrix([[n * mpmath.psi(1, k), n / th],
                              [n / th, 2 * mpmath.fsum(xs) / th**3 - n * k / th**2]])
        cov = mpmath.inverse(info)
        truth = [mpmath.sqrt(cov[0, 0]), mpmath.sqrt(cov[1, 1])]
        rel = max(abs(mpmath.mpf(float(a)) - t) / t for a, t in zip(f.se_observed, truth))
    assert float(-mpmath.log10(rel)) >= 12
    np.testing.assert_allclose(f.x, [float(k), float(th)], rtol=1e-13)
