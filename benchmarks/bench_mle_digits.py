"""Correct significant digits of MLE estimates, standard errors, AIC and BIC: derive
beside statsmodels' ``GenericLikelihoodModel``, both against an mpmath reference.

The models are the likelihood catalogue (``tests/problems/likelihood.py``, the
regular ones: Laplace and Uniform(0, theta) have no information-based standard
errors) plus three without a closed form: Gamma shape and scale, Cauchy
location, and logistic regression (2 covariates).

Reference (independent of derive): the textbook log-density written out below
for each model, differentiated by SymPy, summed over the same data in mpmath at
50 digits; Newton's method in mpmath to a relative step below 1e-45; standard
errors from the inverse of the observed information ``-H`` at that root (which
is what statsmodels' ``bse`` estimates with its numeric Hessian, and derive's
``se_observed``); AIC ``2k - 2l`` and BIC ``k log n - 2l``.

statsmodels: ``GenericLikelihoodModel`` with the same log-density (NumPy/SciPy),
``method="newton"`` (its numeric score and Hessian), ``maxiter=200``, started at
1.05 x the textbook estimate (method of moments or 0 where there is none).

Digits are ``-log10(max relative error)`` over the parameters, at most 17.

Run: ``python benchmarks/bench_mle_digits.py`` (about a minute; single-threaded BLAS).
"""

import os

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_v] = "1"

import sys
import warnings

import mpmath
import numpy as np
import sympy as sp
from scipy import special
from sympy import stats as ss

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from derive.fitting import fit
from tests.problems.likelihood import PROBLEMS

DPS = 50
x, y, x1, x2 = sp.symbols("x y x1 x2", real=True)
S = {name: sp.Symbol(name, real=True) for name in
     ("mu", "sigma", "v", "lam", "p", "theta", "alpha", "k", "b0", "b1", "b2")}
LOG2PI = sp.log(2 * sp.pi)

#: catalogue id -> the textbook log-density of one observation (known values in it)
TRUTH = {
    "normal_mu_sigma": -sp.log(S["sigma"]) - LOG2PI / 2 - (x - S["mu"])**2 / (2 * S["sigma"]**2),
    "normal_mu_variance": -sp.log(S["v"]) / 2 - LOG2PI / 2 - (x - S["mu"])**2 / (2 * S["v"]),
    "exponential": sp.log(S["lam"]) - S["lam"] * x,
    "poisson": x * sp.log(S["lam"]) - S["lam"] - sp.loggamma(x + 1),
    "bernoulli": x * sp.log(S["p"]) + (1 - x) * sp.log(1 - S["p"]),
    "binomial_known_m": (sp.loggamma(11) - sp.loggamma(x + 1) - sp.loggamma(11 - x)
                         + x * sp.log(S["p"]) + (10 - x) * sp.log(1 - S["p"])),
    "geometric": sp.log(S["p"]) + (x - 1) * sp.log(1 - S["p"]),
    "rayleigh": sp.log(x) - 2 * sp.log(S["sigma"]) - x**2 / (2 * S["sigma"]**2),
    "lognormal": (-sp.log(x) - sp.log(S["sigma"]) - LOG2PI / 2
                  - (sp.log(x) - S["mu"])**2 / (2 * S["sigma"]**2)),
    "pareto_known_scale": (sp.log(S["alpha"]) + S["alpha"] * sp.log(sp.Rational(3, 2))
                           - (S["alpha"] + 1) * sp.log(x)),
    "gamma_known_shape": ((sp.Rational(5, 2) - 1) * sp.log(x) - x / S["theta"]
                          - sp.loggamma(sp.Rational(5, 2)) - sp.Rational(5, 2) * sp.log(S["theta"])),
    "weibull_known_shape": (sp.log(sp.Rational(17, 10)) - sp.log(S["theta"])
                            + sp.Rational(7, 10) * (sp.log(x) - sp.log(S["theta"]))
                            - (x / S["theta"])**sp.Rational(17, 10)),
}
SKIPPED = {"laplace": "not differentiable in mu: no information-based standard errors",
           "uniform_0_theta": "support depends on theta: no information-based standard errors"}


def _cases():
    """(id, derive fit thunk, log-density, params, variables, data dict, start)."""
    out = []
    for prob in PROBLEMS:
        if prob["id"] in SKIPPED:
            continue
        dens, params, kw, known = prob["model"]()
        data = prob["data"](np.random.default_rng(7))
        out.append((prob["id"], (lambda d=dens, q=params, k=kw, c=known, a=data:
                                 fit(d, q, data=a, known=c, **k)),
                    TRUTH[prob["id"]], [S[q.name] for q in params], [x], {x: data},
                    1.05 * prob["expected"](data)))
    rng = np.random.default_rng(1)
    g = rng.gamma(2.5, 1.5, 1000)
    k, th = sp.symbols("k theta", positive=True)
    m, var = g.mean(), g.var()
    out.append(("gamma_shape_scale (Newton)", lambda: fit(ss.Gamma("X", k, th), [k, th], data=g),
                (S["k"] - 1) * sp.log(x) - x / S["theta"] - sp.loggamma(S["k"])
                - S["k"] * sp.log(S["theta"]), [S["k"], S["theta"]], [x], {x: g},
                1.05 * np.array([m * m / var, var / m])))
    c = np.random.default_rng(3).standard_cauchy(301) + 2.0
    out.append(("cauchy_location (Newton)", lambda: fit("Cauchy(mu, 1)", ["mu"], data=c),
                -sp.log(sp.pi) - sp.log(1 + (x - S["mu"])**2), [S["mu"]], [x], {x: c},
                1.05 * np.array([np.median(c)])))
    u1, u2 = rng.normal(size=500), rng.normal(size=500)
    yy = (rng.random(500) < special.expit(0.3 + u1 - 0.5 * u2)).astype(float)
    eta = S["b0"] + S["b1"] * x1 + S["b2"] * x2
    out.append(("logistic_regression (Newton)",
                lambda: fit("exp(y*(b0 + b1*x1 + b2*x2))/(1 + exp(b0 + b1*x1 + b2*x2))",
                            ["b0", "b1", "b2"], var=["x1", "x2", "y"],
                            data={"x1": u1, "x2": u2, "y": yy}),
                y * eta - sp.log(1 + sp.exp(eta)), [S["b0"], S["b1"], S["b2"]], [x1, x2, y],
                {x1: u1, x2: u2, y: yy}, np.zeros(3)))
    return out


def reference(logpdf, params, variables, data):
    """MLE, standard errors (inverse observed information), log-likelihood at 50 digits."""
    mpmath.mp.dps = DPS
    k = len(params)
    args = list(variables) + list(params)
    score = [sp.diff(logpdf, q) for q in params]
    hess = [[sp.diff(s, q) for q in params] for s in score]
    f_all = sp.lambdify(args, [logpdf, *score, *(h for row in hess for h in row)],
                        modules="mpmath")
    rows = list(zip(*[[mpmath.mpf(float(v)) for v in data[var]] for var in variables]))

    def sums(theta):
        tot = [mpmath.mpf(0)] * (1 + k + k * k)
        for row in rows:
            tot = [a + b for a, b in zip(tot, f_all(*row, *theta))]
        return tot[0], mpmath.matrix(tot[1:1 + k]), mpmath.matrix([tot[1 + k + k * j:1 + 2 * k + k * j] for j in range(k)])

    return sums


def mp_newton(sums, start):
    theta = [mpmath.mpf(float(v)) for v in start]
    for _ in range(100):
        _, s, H = sums(theta)
        step = mpmath.lu_solve(H, s)
        theta = [t - d for t, d in zip(theta, step)]
        if max(abs(d) / max(abs(t), mpmath.mpf(1e-30)) for d, t in zip(step, theta)) < 1e-45:
            break
    else:
        raise RuntimeError("mpmath Newton did not converge")
    ll, s, H = sums(theta)
    cov = mpmath.inverse(-H)
    return theta, [mpmath.sqrt(cov[j, j]) for j in range(len(theta))], ll


def statsmodels_fit(logpdf, params, variables, data, start):
    import statsmodels.base.model as sm_base  # deferred: optional heavy dependency
    f = sp.lambdify(list(variables) + list(params), logpdf, modules=["scipy", "numpy"])
    cols = [np.asarray(data[v], float) for v in variables]

    class Model(sm_base.GenericLikelihoodModel):
        def loglike(self, p):
            return float(np.sum(f(*cols, *p)))

    model = Model(cols[-1], exog=np.ones((cols[-1].size, 1)),
                  extra_params_names=[q.name for q in params[1:]] or None)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = model.fit(start_params=np.asarray(start, float), method="newton", disp=0,
                        maxiter=200)
    return np.asarray(res.params), np.asarray(res.bse), res.aic, res.bic


def digits(values, truths):
    worst = mpmath.mpf(0)
    for v, t in zip(np.atleast_1d(values), truths):
        if not np.isfinite(v):
            return float("nan")
        worst = max(worst, abs(mpmath.mpf(float(v)) - t) / abs(t))
    return 17.0 if worst == 0 else min(17.0, float(-mpmath.log10(worst)))


def main():
    print(__doc__.split("\n\n")[0].replace("\n", " "))
    print(f"reference: mpmath at {DPS} digits; cells: correct significant digits "
          "(derive / statsmodels)\n")
    head = (f"{'model':30} {'n':>5} {'path':>12} | {'estimates':>11} | {'std errors':>11} | "
            f"{'AIC':>11} | {'BIC':>11}")
    print(head)
    print("-" * len(head))
    low = {}
    for name, run_fit, logpdf, params, variables, data, start in _cases():
        sums = reference(logpdf, params, variables, data)
        f = run_fit()
        theta, se, ll = mp_newton(sums, f.x)
        n, kk = len(data[variables[0]]), len(params)
        aic, bic = 2 * kk - 2 * ll, kk * mpmath.log(n) - 2 * ll
        sm = statsmodels_fit(logpdf, params, variables, data, start)
        ours = (f.x, f.se_observed, [f.aic], [f.bic])
        truths = (theta, se, [aic], [bic])
        cells = []
        for j, (a, b, t) in enumerate(zip(ours, sm, truths)):
            da, db = digits(a, t), digits(b, t)
            low[j] = min(low.get(j, (99, 99))[0], da), min(low.get(j, (99, 99))[1], db)
            cells.append(f"{da:4.1f} / {db:4.1f}")
        print(f"{name:30} {n:5d} {f.path:>12} | " + " | ".join(cells))
    print("-" * len(head))
    print(f"{'fewest digits':49} | " + " | ".join(f"{a:4.1f} / {b:4.1f}" for a, b in
                                                 (low[j] for j in range(4))))
    for name, why in SKIPPED.items():
        print(f"skipped {name}: {why}")


if __name__ == "__main__":
    main()
