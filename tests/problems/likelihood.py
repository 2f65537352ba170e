"""Textbook maximum likelihood estimates: id, model, data generator, expected value.

Each entry: ``id``, ``model()`` -> (density, params, likelihood kwargs, known),
``data(rng)`` -> sample, ``expected(x)`` -> the textbook estimate computed with
NumPy (independent of derive), ``scipy(x)`` -> SciPy's fit where it is closed
form (or None), and ``source``.
"""

import numpy as np
import sympy as sp
from sympy import stats as ss

mu = sp.Symbol("mu", real=True)
sigma = sp.Symbol("sigma", positive=True)
v = sp.Symbol("v", positive=True)
lam = sp.Symbol("lam", positive=True)
p = sp.Symbol("p", positive=True)
k = sp.Symbol("k", positive=True)
theta = sp.Symbol("theta", positive=True)
alpha = sp.Symbol("alpha", positive=True)
xm = sp.Symbol("xm", positive=True)
m = sp.Symbol("m", positive=True, integer=True)
b = sp.Symbol("b", positive=True)

CASEN = "Casella & Berger, Statistical Inference, 2nd ed."
WASS = "Wasserman, All of Statistics, ch. 9"


def _scipy(name, **fixed):
    from scipy import stats as st
    return lambda x: np.array([v for v in getattr(st, name).fit(x, **fixed)
                               if v is not None])


PROBLEMS = [
    dict(id="normal_mu_sigma", model=lambda: (ss.Normal("X", mu, sigma), [mu, sigma], {}, {}),
         data=lambda r: r.normal(3.0, 2.0, 400),
         expected=lambda x: np.array([x.mean(), x.std()]),
         scipy=lambda x: np.array(__import__("scipy.stats").stats.norm.fit(x)),
         source=CASEN + ", Example 7.2.11"),
    dict(id="normal_mu_variance",
         model=lambda: (ss.Normal("X", mu, sp.sqrt(v)), [mu, v], {}, {}),
         data=lambda r: r.normal(-1.0, 0.5, 300),
         expected=lambda x: np.array([x.mean(), x.var()]), scipy=None, source=CASEN),
    dict(id="exponential", model=lambda: (ss.Exponential("X", lam), [lam], {}, {}),
         data=lambda r: r.exponential(0.5, 500), expected=lambda x: np.array([1 / x.mean()]),
         scipy=lambda x: 1 / np.array([__import__("scipy.stats").stats.expon.fit(x, floc=0)[1]]),
         source=WASS),
    dict(id="poisson", model=lambda: (ss.Poisson("X", lam), [lam], {}, {}),
         data=lambda r: r.poisson(4.2, 500).astype(float),
         expected=lambda x: np.array([x.mean()]), scipy=None, source=CASEN + ", Ex. 7.2.5"),
    dict(id="bernoulli", model=lambda: (ss.Bernoulli("X", p), [p], {}, {}),
         data=lambda r: (r.random(300) < 0.3).astype(float),
         expected=lambda x: np.array([x.mean()]), scipy=None, source=CASEN + ", Ex. 7.2.7"),
    dict(id="binomial_known_m", model=lambda: (ss.Binomial("X", m, p), [p], {}, {"m": 10}),
         data=lambda r: r.binomial(10, 0.35, 200).astype(float),
         expected=lambda x: np.array([x.mean() / 10]), scipy=None, source=CASEN),
    dict(id="geometric", model=lambda: (ss.Geometric("X", p), [p], {}, {}),
         data=lambda r: r.geometric(0.25, 400).astype(float),
         expected=lambda x: np.array([1 / x.mean()]), scipy=None, source=WASS),
    dict(id="rayleigh", model=lambda: (ss.Rayleigh("X", sigma), [sigma], {}, {}),
         data=lambda r: r.rayleigh(1.7, 400),
         expected=lambda x: np.array([np.sqrt(np.mean(x**2) / 2)]),
         scipy=lambda x: np.array([__import__("scipy.stats").stats.rayleigh.fit(x, floc=0)[1]]),
         source="Siddiqui (1962); scipy.stats.rayleigh.fit closed form with floc"),
    dict(id="lognormal", model=lambda: (ss.LogNormal("X", mu, sigma), [mu, sigma], {}, {}),
         data=lambda r: r.lognormal(0.4, 0.8, 400),
         expected=lambda x: np.array([np.log(x).mean(), np.log(x).std()]),
         scipy=lambda x: (lambda s, loc, sc: np.array([np.log(sc), s]))(
             *__import__("scipy.stats").stats.lognorm.fit(x, floc=0)),
         source="Johnson, Kotz & Balakrishnan, Continuous Univariate Distributions 1, ch. 14"),
    dict(id="pareto_known_scale", model=lambda: (ss.Pareto("X", xm, alpha), [alpha], {},
                                                 {"xm": 1.5}),
         data=lambda r: 1.5 * (1 + r.pareto(2.5, 400)),
         expected=lambda x: np.array([len(x) / np.sum(np.log(x / 1.5))]),
         scipy=lambda x: np.array([__import__("scipy.stats").stats.pareto.fit(
             x, floc=0, fscale=1.5)[0]]),
         source="Arnold, Pareto Distributions, 2nd ed., sec. 5.1"),
    dict(id="gamma_known_shape", model=lambda: (ss.Gamma("X", k, theta), [theta], {}, {"k": 2.5}),
         data=lambda r: r.gamma(2.5, 1.3, 400),
         expected=lambda x: np.array([x.mean() / 2.5]),
         scipy=lambda x: np.array([__import__("scipy.stats").stats.gamma.fit(
             x, f0=2.5, floc=0)[2]]), source=CASEN),
    dict(id="weibull_known_shape", model=lambda: (ss.Weibull("X", theta, k), [theta], {},
                                                  {"k": 1.7}),
         data=lambda r: 2.0 * r.weibull(1.7, 400),
         expected=lambda x: np.array([np.mean(x**1.7) ** (1 / 1.7)]),
         scipy=None, source="Johnson, Kotz & Balakrishnan 1, ch. 21"),
    dict(id="laplace", model=lambda: (ss.Laplace("X", mu, b), [mu, b], {}, {}),
         data=lambda r: r.laplace(1.0, 2.0, 301),
         expected=lambda x: np.array([np.median(x), np.mean(np.abs(x - np.median(x)))]),
         scipy=lambda x: np.array(__import__("scipy.stats").stats.laplace.fit(x)),
         source="Norton (1984), The double exponential distribution, Amer. Statist. 38"),
    dict(id="uniform_0_theta", model=lambda: (ss.Uniform("X", 0, theta), [theta], {}, {}),
         data=lambda r: r.uniform(0, 3.0, 200), expected=lambda x: np.array([x.max()]),
         scipy=None, source=WASS + " (Uniform(0, theta): the MLE is max X_i, a boundary maximum)"),
]
