"""Likelihood, closed-form MLE, Newton fallback and inference, against independent truth."""

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st_h
from scipy import optimize, special
from scipy import stats as st
from sympy import stats as ss

from derive.cli import main
from derive.errors import NoClosedFormError, ParseError, ShapeError
from derive.estimation import likelihood, mle
from derive.fitting import DegenerateDataError, fit
from tests.problems.likelihood import PROBLEMS
from tests.tolerances import TOLERANCES

REL = TOLERANCES["mle_vs_reference_rel"]


@pytest.fixture(scope="module")
def closed_forms():
    return {}


@pytest.mark.parametrize("prob", PROBLEMS, ids=[p["id"] for p in PROBLEMS])
def test_closed_form_mle_matches_textbook_and_scipy(prob):
    dens, params, kw, known = prob["model"]()
    x = prob["data"](np.random.default_rng(7))
    f = fit(dens, params, data=x, known=known, **kw)
    assert f.path == "closed form"
    np.testing.assert_allclose(f.x, prob["expected"](x), rtol=REL)
    if prob["scipy"] is not None:
        np.testing.assert_allclose(f.x, prob["scipy"](x), rtol=REL)


def test_normal_formula_and_information():
    mu, s = sp.Symbol("mu", real=True), sp.Symbol("sigma", positive=True)
    est = mle(ss.Normal("X", mu, s), [mu, s])
    L = est.likelihood
    n = L.n
    sx, sxx = sp.symbols("sum_x sum_x_2", real=True)
    assert sp.simplify(est.estimates[mu] - sx / n) == 0
    assert sp.simplify(est.estimates[s] ** 2 - (sxx / n - (sx / n) ** 2)) == 0
    assert est.second_order.startswith("verified")
    assert L.fisher_information == sp.ImmutableMatrix([[1 / s**2, 0], [0, 2 / s**2]])
    assert L.fisher_information_n == sp.ImmutableMatrix([[n / s**2, 0], [0, 2 * n / s**2]])


@pytest.mark.parametrize("dist, param, truth", [
    (lambda p: ss.Bernoulli("X", p), "p", lambda p: 1 / (p * (1 - p))),
    (lambda p: ss.Poisson("X", p), "lam", lambda p: 1 / p),
    (lambda p: ss.Exponential("X", p), "lam", lambda p: 1 / p**2),
    (lambda p: ss.Geometric("X", p), "p", lambda p: 1 / (p**2 * (1 - p))),
])
def test_fisher_information_textbook(dist, param, truth):
    p = sp.Symbol(param, positive=True)
    L = likelihood(dist(p), [p])
    assert sp.simplify(L.fisher_information[0, 0] - truth(p)) == 0


def test_gaussian_large_mean_is_stable():
    """n sum x**2 - (sum x)**2 cancels exactly: mean 1e6, sd 1."""
    x = 1e6 + np.random.default_rng(0).normal(size=1000)
    mu, s = sp.Symbol("mu", real=True), sp.Symbol("sigma", positive=True)
    f = fit(ss.Normal("X", mu, s), [mu, s], data=x)
    np.testing.assert_allclose(f.x, [x.mean(), x.std()], rtol=1e-12)


def test_million_observations_no_underflow():
    x = np.random.default_rng(1).normal(2.0, 3.0, 10**6)
    mu, s = sp.Symbol("mu", real=True), sp.Symbol("sigma", positive=True)
    f = fit(ss.Normal("X", mu, s), [mu, s], data=x)
    truth = np.sum(st.norm.logpdf(x, x.mean(), x.std()))
    assert np.isfinite(f.loglik) and f.loglik == pytest.approx(truth, rel=1e-10)
    np.testing.assert_allclose(f.se_expected, [x.std() / 1e3, x.std() / np.sqrt(2e6)],
                               rtol=1e-10)


def test_standard_errors_expected_and_observed():
    x = np.random.default_rng(2).exponential(0.5, 300)
    lam = sp.Symbol("lam", positive=True)
    f = fit(ss.Exponential("X", lam), [lam], data=x)
    # for the exponential both informations equal n / lam_hat**2 at the MLE
    np.testing.assert_allclose(f.se_expected, f.x / np.sqrt(300), rtol=1e-12)
    np.testing.assert_allclose(f.se_observed, f.x / np.sqrt(300), rtol=1e-10)
    lo, hi = f.wald(0.9)[0]
    z = st.norm.ppf(0.95)
    assert (lo, hi) == pytest.approx((f.x[0] * (1 - z / np.sqrt(300)),
                                      f.x[0] * (1 + z / np.sqrt(300))), rel=1e-12)


def test_lrt_normal_mean_matches_closed_form_statistic():
    x = np.random.default_rng(3).normal(0.3, 1.0, 200)
    mu, s = sp.Symbol("mu", real=True), sp.Symbol("sigma", positive=True)
    f = fit(ss.Normal("X", mu, s), [mu, s], data=x)
    res = f.lrt({"mu": 0.0})
    truth = 200 * np.log(np.mean(x**2) / x.var())
    assert res.statistic == pytest.approx(truth, rel=1e-8)
    assert res.pvalue == pytest.approx(st.chi2.sf(truth, 1), rel=1e-7)


def test_profile_interval_exponential_rate():
    x = np.random.default_rng(4).exponential(2.0, 50)
    lam = sp.Symbol("lam", positive=True)
    f = fit(ss.Exponential("X", lam), [lam], data=x)
    lo, hi = f.profile_interval("lam", 0.95)
    n, s = len(x), x.sum()

    def dev(t):  # independent: 2 (l(lam_hat) - l(t)) for the exponential
        return 2 * ((n * np.log(n / s) - n) - (n * np.log(t) - t * s))
    cut = st.chi2.ppf(0.95, 1)
    assert dev(lo) == pytest.approx(cut, abs=1e-8) and dev(hi) == pytest.approx(cut, abs=1e-8)
    assert lo < f.x[0] < hi


def test_gamma_shape_scale_newton_vs_scipy():
    k, th = sp.symbols("k theta", positive=True)
    x = st.gamma(2.5, scale=1.5).rvs(size=500, random_state=np.random.default_rng(5))
    f = fit(ss.Gamma("X", k, th), [k, th], data=x)
    assert f.path == "newton" and f.newton.start_method == "method of moments"
    a, _, scale = st.gamma.fit(x, floc=0)
    np.testing.assert_allclose(f.x, [a, scale], rtol=REL)
    # the MLE solves log k - digamma(k) = log(mean) - mean(log x) (independent check)
    assert np.log(f.x[0]) - special.digamma(f.x[0]) == pytest.approx(
        np.log(x.mean()) - np.log(x).mean(), rel=REL)


def test_weibull_shape_newton_vs_profile_equation():
    lam, k = sp.symbols("lam k", positive=True)
    x = 2.0 * np.random.default_rng(6).weibull(1.7, 400)
    f = fit(ss.Weibull("X", lam, k), [lam, k], data=x)
    assert f.path == "newton"
    lx = np.log(x)

    def g(c):  # profile score equation for the shape (Johnson-Kotz-Balakrishnan)
        xc = x**c
        return np.sum(xc * lx) / np.sum(xc) - 1 / c - lx.mean()
    c = optimize.brentq(g, 0.1, 10, xtol=1e-15)
    np.testing.assert_allclose(f.x, [np.mean(x**c) ** (1 / c), c], rtol=REL)


@pytest.mark.parametrize("which", ["cauchy", "student_t"])
def test_location_newton_vs_independent_root(which):
    mu = sp.Symbol("mu", real=True)
    rng = np.random.default_rng(8)
    if which == "cauchy":
        x = rng.standard_cauchy(301) + 3.0
        f = fit(ss.Cauchy("X", mu, 1), [mu], data=x)
        score = lambda m: np.sum(2 * (x - m) / (1 + (x - m) ** 2))  # noqa: E731
    else:
        nu = sp.Symbol("nu", positive=True)
        x = rng.standard_t(4, 301) - 1.0
        f = fit(ss.density(ss.StudentT("T", nu))(sp.Symbol("x", real=True) - mu), [mu],
                data=x, known={"nu": 4})
        score = lambda m: np.sum(5 * (x - m) / (4 + (x - m) ** 2))  # noqa: E731
    assert f.path == "newton" and f.newton.start_method == "median for location"
    med = np.median(x)
    root = optimize.brentq(score, med - 1, med + 1, xtol=1e-14)
    assert f.x[0] == pytest.approx(root, rel=REL)
    assert np.isfinite(f.se_expected[0]) and np.isfinite(f.se_observed[0])


def test_cauchy_fisher_information_by_quadrature():
    mu = sp.Symbol("mu", real=True)
    x = np.random.default_rng(9).standard_cauchy(100)
    f = fit(ss.Cauchy("X", mu, 1), [mu], data=x)
    assert "quadrature" in f.expected_method
    assert f.expected_information[0, 0] == pytest.approx(100 / 2, rel=1e-8)  # I = 1/(2 gamma^2)


def test_logistic_regression_newton_vs_independent_root():
    x, y = sp.symbols("x y", real=True)
    b0, b1 = sp.symbols("b0 b1", real=True)
    rng = np.random.default_rng(10)
    xs = rng.normal(size=400)
    ys = (rng.random(400) < special.expit(0.5 + 1.5 * xs)).astype(float)
    eta = b0 + b1 * x
    f = fit(sp.exp(y * eta) / (1 + sp.exp(eta)), [b0, b1], var=[x, y],
            data={"x": xs, "y": ys})
    assert f.path == "newton"
    X = np.c_[np.ones_like(xs), xs]
    root = optimize.root(lambda b: X.T @ (ys - special.expit(X @ b)), np.zeros(2), tol=1e-14)
    np.testing.assert_allclose(f.x, root.x, rtol=REL)
    w = special.expit(X @ root.x)
    cov = np.linalg.inv(X.T @ (X * (w * (1 - w))[:, None]))
    np.testing.assert_allclose(f.se_observed, np.sqrt(np.diag(cov)), rtol=1e-7)


def test_linear_regression_normal_equations():
    x, y = sp.symbols("x y", real=True)
    b0, b1 = sp.symbols("b0 b1", real=True)
    s = sp.Symbol("sigma", positive=True)
    rng = np.random.default_rng(11)
    xs = rng.normal(size=200)
    ys = 1.0 + 2.0 * xs + 0.5 * rng.normal(size=200)
    f = fit(ss.density(ss.Normal("E", b0 + b1 * x, s))(y), [b0, b1, s], var=[x, y],
            data={"x": xs, "y": ys})
    assert f.path == "closed form"
    X = np.c_[np.ones_like(xs), xs]
    beta, res, *_ = np.linalg.lstsq(X, ys, rcond=None)
    np.testing.assert_allclose(f.x, [*beta, np.sqrt(res[0] / 200)], rtol=REL)


def test_categorical_lagrange():
    p1, p2, p3 = sp.symbols("p1 p2 p3", positive=True)
    x1, x2, x3 = sp.symbols("x1 x2 x3", real=True)
    est = mle(p1**x1 * p2**x2 * p3**x3, [p1, p2, p3], var=[x1, x2, x3],
              constraint=p1 + p2 + p3 - 1)
    assert est.method == "Lagrange multiplier" and est.second_order.startswith("verified")
    labels = np.random.default_rng(12).choice(3, size=500, p=[0.2, 0.5, 0.3])
    onehot = np.eye(3)[labels]
    f = fit(est.likelihood, data=onehot)
    np.testing.assert_allclose(f.x, np.bincount(labels, minlength=3) / 500, rtol=1e-13)


def test_laplace_and_uniform_notes():
    mu, b, th = sp.Symbol("mu", real=True), sp.Symbol("b", positive=True), \
        sp.Symbol("theta", positive=True)
    est = mle(ss.Laplace("X", mu, b), [mu, b])
    assert est.method == "median" and "not differentiable" in est.notes[0]
    est = mle(ss.Uniform("X", 0, th), [th])
    assert est.method == "boundary" and "boundary" in est.notes[0]
    with pytest.raises(NoClosedFormError, match="support depends"):
        est.likelihood.fisher_information


def test_no_closed_form_says_so():
    k, th = sp.symbols("k theta", positive=True)
    with pytest.raises(NoClosedFormError, match="Newton"):
        mle(ss.Gamma("X", k, th), [k, th])


def test_bad_input_errors():
    lam = sp.Symbol("lam", positive=True)
    with pytest.raises(ParseError, match="outside the support"):
        fit(ss.Exponential("X", lam), [lam], data=np.array([1.0, -2.0]))
    k, th = sp.symbols("k theta", positive=True)
    with pytest.raises(ParseError, match="known"):
        fit(ss.Gamma("X", k, th), [th], data=np.array([1.0, 2.0]))
    with pytest.raises(ParseError, match="does not appear"):
        likelihood(ss.Exponential("X", lam), ["mu"])
    with pytest.raises(ShapeError):
        fit(ss.Exponential("X", lam), [lam], data=np.ones((3, 2)))
    with pytest.raises(ParseError, match="non-finite"):
        fit(ss.Exponential("X", lam), [lam], data=np.array([1.0, np.nan]))


def test_text_density():
    pytest.importorskip("derive.parsing")
    est = mle("lam * exp(-lam * x)", ["lam"], var="x")
    lam = est.likelihood.params[0]
    assert sp.simplify(est.estimates[lam] - est.likelihood.n / sp.Symbol("sum_x", real=True)) == 0


def test_cli_mle(tmp_path, capsys):
    csv = tmp_path / "x.csv"
    x = np.random.default_rng(13).normal(1.0, 2.0, 50)
    csv.write_text("x\n" + "\n".join(repr(float(v)) for v in x) + "\n")
    assert main(["mle", "exp(-(x-mu)^2/(2*sigma^2))/sqrt(2*pi*sigma^2)", "--var", "x",
                 "--params", "mu", "sigma", "--data", str(csv)]) == 0
    out = capsys.readouterr().out
    assert f"{x.mean():.8g}" in out and "closed form" in out
    assert main(["mle", "exp(-lam*x", "--params", "lam"]) == 2
    assert capsys.readouterr().err.startswith("derive: error:")


@pytest.mark.parametrize("text, params, truth", [
    ("Uniform(0, theta)", ["theta"], lambda x: [x.max()]),
    ("Normal(mu, sigma)", ["mu", "sigma"], lambda x: [x.mean(), x.std()]),
    ("Exponential(lam)", ["lam"], lambda x: [1 / x.mean()]),
])
def test_named_distribution_text(text, params, truth):
    pytest.importorskip("derive.parsing")
    x = np.random.default_rng(14).uniform(0.5, 2.0, 60)
    f = fit(text, params, data=x)
    assert f.path == "closed form"
    np.testing.assert_allclose(f.x, truth(x), rtol=1e-12)


def test_named_distribution_unknown():
    pytest.importorskip("derive.parsing")
    with pytest.raises(ParseError, match="unknown distribution 'Foo'"):
        likelihood("Foo(1, 2)", ["p"])


def test_fit_check_score_and_hessian_against_finite_differences():
    k, th = sp.symbols("k theta", positive=True)
    x = st.gamma(2.5, scale=1.5).rvs(size=200, random_state=np.random.default_rng(15))
    f = fit(ss.Gamma("X", k, th), [k, th], data=x)
    rep = f.check()
    assert rep["score"].status == "verified" and rep["hessian"].status == "verified"
    # independent: the score of the Gamma log-likelihood written with SciPy
    kk, tt = rep["point"]
    manual = [np.sum(np.log(x)) - len(x) * (special.digamma(kk) + np.log(tt)),
              np.sum(x) / tt**2 - len(x) * kk / tt]
    np.testing.assert_allclose(f.sample.score(rep["point"]), manual, rtol=1e-10)
    lap = fit(ss.Laplace("X", sp.Symbol("mu", real=True), sp.Symbol("b", positive=True)),
              ["mu", "b"], data=x)
    with pytest.raises(NoClosedFormError, match="not differentiable"):
        lap.check()


_NORMAL = {}


@settings(max_examples=8)
@given(seed=st_h.integers(0, 2**32 - 1), n=st_h.integers(2, 300),
       loc=st_h.floats(-1e4, 1e4), scale=st_h.floats(1e-3, 1e3))
def test_property_normal_closed_form_equals_numpy(seed, n, loc, scale):
    if not _NORMAL:
        mu, s = sp.Symbol("mu", real=True), sp.Symbol("sigma", positive=True)
        _NORMAL["est"] = mle(ss.Normal("X", mu, s), [mu, s])
    x = np.random.default_rng(seed).normal(loc, scale, n)
    f = fit(_NORMAL["est"].likelihood, data=x, closed_form=_NORMAL["est"])
    np.testing.assert_allclose(f.x, [x.mean(), x.std()], rtol=1e-10)
    assert f.loglik == pytest.approx(np.sum(st.norm.logpdf(x, x.mean(), x.std())), rel=1e-10)


def test_likelihood_keeps_data_and_rejects_missing_params():
    lam = sp.Symbol("lam", positive=True)
    x = np.array([1.0, 2.0, 3.0, 6.0])
    assert likelihood(ss.Poisson("X", lam), [lam], data=x).fit().x[0] == pytest.approx(3.0)
    with pytest.raises(ParseError, match="parameters"):
        likelihood(ss.Poisson("X", lam), None)


@pytest.mark.parametrize("make, truth", [
    # Cauchy(mu, gamma): I = diag(1/(2 gamma^2), 1/(2 gamma^2)) (Lehmann & Casella, TPE, 2.6)
    (lambda mu, g: ss.Cauchy("X", mu, g), lambda g: sp.diag(1 / (2 * g**2), 1 / (2 * g**2))),
    # Laplace(mu, b): E[score score^T] = diag(1/b^2, 1/b^2) (not -E[Hessian], which is 0)
    (lambda mu, g: ss.Laplace("X", mu, g), lambda g: sp.diag(1 / g**2, 1 / g**2)),
])
def test_fisher_information_integrated(make, truth):
    mu, g = sp.Symbol("mu", real=True), sp.Symbol("g", positive=True)
    L = likelihood(make(mu, g), [mu, g])
    with pytest.raises(NoClosedFormError):
        L.fisher_information
    got = L.fisher_information_integrated()
    assert sp.simplify(got - truth(g)) == sp.zeros(2, 2)


def test_degenerate_data_and_non_numeric_data():
    p = sp.Symbol("p", positive=True)
    with pytest.raises(DegenerateDataError, match="boundary"):
        fit(ss.Bernoulli("X", p), [p], data=np.zeros(5))
    mu, s = sp.Symbol("mu", real=True), sp.Symbol("sigma", positive=True)
    with pytest.raises(DegenerateDataError):
        fit(ss.Normal("X", mu, s), [mu, s], data=np.full(4, 2.0))
    with pytest.raises(ParseError, match="not numeric"):
        fit(ss.Normal("X", mu, s), [mu, s], data=["a", "b"])


def test_integrated_fisher_information_refuses_what_is_not_a_density():
    # p**x on the reals integrates to infinity: E[score score^T] over it would be
    # no Fisher information; said at once by quadrature, not after a 2 s budget
    L = likelihood("p**x * (1 - p)**(1 - x)", ["p"])
    with pytest.raises(NoClosedFormError, match="not a probability density"):
        L.fisher_information_integrated(seconds=2)


def test_total_mass_check_evaluates_special_functions():
    # the mass check once compiled to the math module, which has no besseli:
    # int_0^oo exp(-2x) I_0(x) dx = 1/sqrt(3) (Gradshteyn-Ryzhik 6.611.4)
    from derive.estimation.model import _total_mass
    x = sp.Symbol("x", positive=True)
    p = sp.Symbol("p", positive=True)
    total = _total_mass(p * sp.exp(-2 * x) * sp.besseli(0, x), x, 0, sp.oo, {p: 1})
    assert total == pytest.approx(1 / np.sqrt(3), rel=1e-12)
