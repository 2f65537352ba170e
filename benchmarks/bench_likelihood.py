"""Benchmark of derive.likelihood: time to derive each closed-form MLE, digits of
agreement with SciPy on fixed data, and the largest sample handled in the log domain.

Baselines, measured in the same run:

* plain SymPy: ``solve`` of the score equations of an explicit sample of 5
  (``sum_i log p(x_i)`` with x_1..x_5 symbols), under a 10 s budget per problem;
* the product of densities (``np.prod(pdf)``), which underflows to 0;
* at scale (``--scale-only``, issue 11): the plain formula a user would write with
  NumPy for the same estimates and standard errors (``x.mean()``, ``x.std()``, the SE
  from the textbook formula; no check of the data), ``fit`` at N = 10**7 with the
  closed form already derived (derive also checks every observation against the
  support); "Poisson int" gives both the int64 counts ``rng.poisson`` returns. And
  a hand-written NumPy IRLS against ``newton_mle`` on a logistic regression, per
  iteration (``--logistic-only`` for that alone). CPU times, medians of interleaved
  runs.

Run: ``python benchmarks/bench_likelihood.py`` (single-threaded BLAS).
"""

import os

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_v] = "1"

import sys
import time

import numpy as np
import sympy as sp
from scipy import special
from scipy import stats as st
from sympy import stats as ss

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from derive.errors import DerivationTimeout
from derive.estimation import likelihood, mle
from derive.fitting import Sample, fit, newton_mle
from derive.guard import run
from tests.problems.likelihood import PROBLEMS

BASELINE_SECONDS = 10.0


def plain_sympy_solve(density, params, x):
    """The classic tutorial: an explicit sample of 5, differentiate, solve."""
    xs = sp.symbols("x1:6", positive=True)
    ll = sum(sp.log(density.subs(x, xi)) for xi in xs)
    return sp.solve([sp.diff(ll, p) for p in params], params, dict=True)


def baseline_time(density, params, x):
    t = time.perf_counter()
    try:
        sols = run(plain_sympy_solve, (density, params, x), seconds=BASELINE_SECONDS,
                   what="plain SymPy solve")
        status = "solved" if sols else "[] (no solution)"
    except DerivationTimeout:
        status = f"timeout > {BASELINE_SECONDS:g} s"
    except Exception as err:  # noqa: BLE001 - any failure of the baseline is its result
        status = f"error {type(err).__name__}"
    return time.perf_counter() - t, status


def digits(a, b):
    rel = np.max(np.abs(np.asarray(a) - np.asarray(b)) / np.maximum(np.abs(b), 1e-300))
    return 16.0 if rel == 0 else float(-np.log10(rel))


def main():
    rng_seed = 7
    x = sp.Symbol("x", positive=True)
    print("closed-form MLE derivation (each: fresh SymPy cache)")
    print(f"{'problem':24} {'derive s':>9} {'plain SymPy':>24} {'ratio':>7} "
          f"{'digits vs textbook':>18} {'vs scipy':>9}")
    worst = 0.0
    for prob in PROBLEMS:
        dens, params, kw, known = prob["model"]()
        sp.core.cache.clear_cache()
        t = time.perf_counter()
        est = mle(dens, params, **kw)
        dt = time.perf_counter() - t
        worst = max(worst, dt)
        pdf = ss.density(dens)(x) if isinstance(dens, sp.stats.rv.RandomSymbol) else dens
        if isinstance(pdf, sp.Piecewise):
            pdf = pdf.args[0][0]
        bt, status = baseline_time(pdf.subs(known), [p for p in params], x)
        data = prob["data"](np.random.default_rng(rng_seed))
        f = fit(est.likelihood, data=data, known=known, closed_form=est)
        d_text = digits(f.x, prob["expected"](data))
        d_sp = f"{digits(f.x, prob['scipy'](data)):.1f}" if prob["scipy"] else "-"
        ratio = f"{bt / dt:.1f}x" if "timeout" not in status else f">{bt / dt:.0f}x"
        print(f"{prob['id']:24} {dt:9.2f} {bt:6.2f} s {status:>16} {ratio:>7} "
              f"{d_text:18.1f} {d_sp:>9}")
    extra = [
        ("linear regression (1 covariate)", "Normal(b0 + b1*x, s)", ["b0", "b1", "s"],
         {"var": ["x", "y"]}),
        ("linear regression (2 covariates)", "exp(-(y-b0-b1*x1-b2*x2)^2/(2*s^2))/s",
         ["b0", "b1", "b2", "s"], {"var": ["x1", "x2", "y"]}),
        ("categorical (3 classes)", "p1^x1*p2^x2*p3^x3", ["p1", "p2", "p3"],
         {"var": ["x1", "x2", "x3"], "constraint": "p1 + p2 + p3 - 1"}),
    ]
    for name, text, params, kw in extra:
        sp.core.cache.clear_cache()
        if text.startswith("Normal("):
            b0, b1, xx, yy = sp.symbols("b0 b1 x y", real=True)
            s_ = sp.Symbol("s", positive=True)
            text = ss.density(ss.Normal("E", b0 + b1 * xx, s_))(yy)
        t = time.perf_counter()
        mle(text, params, **kw)
        dt = time.perf_counter() - t
        worst = max(worst, dt)
        print(f"{name:34} {dt:9.2f}")
    print(f"slowest closed-form derivation: {worst:.2f} s (goal < 2 s)")

    print("\nNewton path (no closed form), digits vs SciPy/independent root")
    k, th = sp.symbols("k theta", positive=True)
    g = st.gamma(2.5, scale=1.5).rvs(size=2000, random_state=np.random.default_rng(1))
    t = time.perf_counter()
    f = fit(ss.Gamma("X", k, th), [k, th], data=g)
    dt = time.perf_counter() - t
    a, _, scale = st.gamma.fit(g, floc=0)
    print(f"gamma shape+scale n=2000: {dt:.2f} s, {f.newton.nit} Newton iterations from "
          f"{f.newton.start_method}; digits vs scipy.stats.gamma.fit: "
          f"{digits(f.x, [a, scale]):.1f}")

    print("\nlargest sample in the log domain (Normal, closed form + SEs)")
    mu, s = sp.Symbol("mu", real=True), sp.Symbol("sigma", positive=True)
    L = likelihood(ss.Normal("X", mu, s), [mu, s])
    est = mle(L)
    for n in (10**3, 10**5, 10**6, 10**7):
        data = np.random.default_rng(2).normal(1.0, 2.0, n)
        prod = float(np.prod(st.norm.pdf(data, 1.0, 2.0)))
        t = time.perf_counter()
        f = fit(L, data=data, closed_form=est)
        dt = time.perf_counter() - t
        truth = float(np.sum(st.norm.logpdf(data, data.mean(), data.std())))
        print(f"n = {n:>9,}: derive log-likelihood {f.loglik:.10g} (rel err "
              f"{abs(f.loglik - truth) / abs(truth):.1e}) in {dt:.2f} s; product of "
              f"densities = {prod:g}")

    scale_ratios()


def _hand_normal(x):
    m, s = x.mean(), x.std()
    return m, s, s / np.sqrt(x.size), s / np.sqrt(2 * x.size)


def _hand_exponential(x):
    lam = 1 / x.mean()
    return lam, lam / np.sqrt(x.size)


def _hand_poisson(x):
    lam = x.mean()
    return lam, np.sqrt(lam / x.size)


def _hand_gamma_known_shape(x, k=2.5):
    theta = x.mean() / k
    return theta, theta / np.sqrt(x.size * k)


def _median_times(fns, repeats):
    """Median CPU seconds of each of ``fns``, run in turn ``repeats`` times (interleaved,
    so both sides see the same machine load and the same cache state)."""
    times = [[] for _ in fns]
    for _ in range(repeats):
        for t, fn in zip(times, fns):
            start = time.process_time()
            fn()
            t.append(time.process_time() - start)
    return [float(np.median(t)) for t in times]


def scale_ratios(n=10**7, repeats=15):
    """fit() at N = 1e7 (closed form already derived) against hand-written NumPy
    for the same estimates and standard errors; linear regression end to end."""
    print(f"\nfit at N = {n:,} (closed form derived and kernels compiled once, by a fit on "
          f"100 points) vs hand-written NumPy, CPU time, median of {repeats} interleaved runs")
    rng = np.random.default_rng(3)
    cases = [("Normal", "Normal(mu, sigma)", ["mu", "sigma"], rng.normal(1.0, 2.0, n),
              _hand_normal),
             ("Exponential", "Exponential(lam)", ["lam"], rng.exponential(0.5, n),
              _hand_exponential),
             ("Poisson", "Poisson(lam)", ["lam"], rng.poisson(3.0, n).astype(float),
              _hand_poisson),
             ("Poisson int", "Poisson(lam)", ["lam"], rng.poisson(3.0, n), _hand_poisson),
             ("Gamma k=2.5", "Gamma(k, theta)", ["theta"], rng.gamma(2.5, 1.3, n),
              _hand_gamma_known_shape)]
    for name, dens, params, data, hand in cases:
        known = {"k": 2.5} if "k=" in name else None
        est = mle(likelihood(dens, params))
        _ = fit(est.likelihood, data=data[:100], closed_form=est, known=known).se_expected

        def run_derive(est=est, data=data, known=known):
            f = fit(est.likelihood, data=data, closed_form=est, known=known)
            return np.r_[f.x, f.se_expected]

        dt, dh = _median_times([run_derive, lambda hand=hand, data=data: hand(data)], repeats)
        print(f"{name:12} derive {dt * 1e3:7.2f} ms   NumPy {dh * 1e3:7.2f} ms   ratio "
              f"{dt / dh:6.2f}   digits {digits(run_derive(), hand(data)):.1f}")
    print("\nlinear regression, 2 covariates, fit end to end (derivation included)")
    for m in (10**3, 10**6):
        x1, x2 = rng.normal(size=m), rng.normal(size=m)
        y = 1 + 2 * x1 - 0.5 * x2 + rng.normal(size=m)
        t = time.perf_counter()
        fit("exp(-(y-b0-b1*x1-b2*x2)^2/(2*s^2))/s", ["b0", "b1", "b2", "s"],
            var=["x1", "x2", "y"], data={"x1": x1, "x2": x2, "y": y})
        print(f"N = {m:>9,}: {time.perf_counter() - t:.2f} s")
    logistic_per_iteration()


def logistic_per_iteration(n=10**6, repeats=5):
    """Newton on a logistic regression (2 covariates), per iteration, against a
    hand-written NumPy IRLS on the same data (same stopping rule on the score);
    CPU time, median of interleaved runs."""
    rng = np.random.default_rng(0)
    x1, x2 = rng.normal(size=n), rng.normal(size=n)
    y = (rng.random(n) < special.expit(0.3 + 1.0 * x1 - 0.5 * x2)).astype(float)
    L = likelihood("exp(y*(b0 + b1*x1 + b2*x2))/(1 + exp(b0 + b1*x1 + b2*x2))",
                   ["b0", "b1", "b2"], var=["x1", "x2", "y"])
    S = Sample(L, {"x1": x1, "x2": x2, "y": y})
    S.hessian(np.ones(3))  # kernels compiled, covariate matrix built: once per model/data
    X = np.column_stack([np.ones(n), x1, x2])
    out = {}

    def run_derive():
        S._last = (None, None)
        out["derive"] = newton_mle(S, start=np.zeros(3))

    def run_numpy():
        b, it = np.zeros(3), 0
        while True:
            it += 1
            p = special.expit(X @ b)
            g = X.T @ (y - p)
            b = b + np.linalg.solve(X.T @ (X * (p * (1 - p))[:, None]), g)
            if np.max(np.abs(g)) < 1e-9 * n:
                break
        out["numpy"] = (b, it)

    dt, dh = _median_times([run_derive, run_numpy], repeats)
    res, (b, it) = out["derive"], out["numpy"]
    dt, dh = dt / res.nit, dh / it
    print(f"\nlogistic regression N = {n:,}, Newton per iteration (CPU, median of {repeats}): "
          f"derive {dt * 1e3:.1f} ms ({res.nit} iterations), NumPy IRLS {dh * 1e3:.1f} ms "
          f"({it}), ratio {dt / dh:.2f}, max |coefficient difference| "
          f"{np.max(np.abs(res.x - b)):.1e}")


if __name__ == "__main__":
    if "--logistic-only" in sys.argv:
        logistic_per_iteration()
    elif "--scale-only" in sys.argv:
        scale_ratios()
    else:
        main()
