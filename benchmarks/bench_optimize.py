"""Benchmark: derive's Newton (exact Hessian) against SciPy, side by side in one run.

Problems
    * 2-D Rosenbrock from (-1.2, 1);
    * 100-D Rosenbrock from the standard start (-1.2, 1, -1.2, 1, ...);
    * logistic-regression MLE, N = 100000, d = 20, seed 0 (mean negative
      log-likelihood; gradient X^T (sigma(X w) - y) / N, Hessian
      X^T diag(sigma (1 - sigma)) X / N).

All methods get the same callables: SciPy's rosen/rosen_der/rosen_hess, or
derive's compiled ones (2-D Rosenbrock); for the logistic problem the textbook
matrix forms written by hand in NumPy, and again as derived by derive.matrix
and compiled by derive.codegen.matrix (checked to agree with the hand-written
ones).

Methods: derive.optimize.newton (tol |g|inf < 1e-10), SciPy BFGS with numeric
gradient (jac=None), BFGS / L-BFGS-B with the exact gradient, Newton-CG and
trust-exact with the exact Hessian, all SciPy methods at their default
tolerances, and again asked for |g|inf < 1e-10. Columns: iterations, f/g/H
evaluations (counted by wrappers, so SciPy's finite-difference function calls
are included), final |g|inf from the exact gradient, f, wall time (best of a
few repeats, methods interleaved round-robin) and the ratio
time(method) / time(derive newton): > 1 means derive is faster.

Run:  python benchmarks/bench_optimize.py        (BLAS single-threaded)
"""

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
             "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"

import time  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
import scipy.optimize as so  # noqa: E402
from scipy.special import expit  # noqa: E402

from derive.optimize.newton import newton  # noqa: E402
from derive.optimize.restarts import multistart  # noqa: E402


class Counted:
    """fun/jac/hess wrappers that count calls."""

    def __init__(self, fun, jac, hess):
        self.n = {"f": 0, "g": 0, "H": 0}
        self._f, self._g, self._h = fun, jac, hess

    def fun(self, x):
        self.n["f"] += 1
        return self._f(x)

    def jac(self, x):
        self.n["g"] += 1
        return self._g(x)

    def hess(self, x):
        self.n["H"] += 1
        return self._h(x)


def logistic_problem(N=100_000, d=20, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((N, d))
    X[:, 0] = 1.0
    w_true = rng.standard_normal(d) / np.sqrt(d)
    y = (rng.random(N) < expit(X @ w_true)).astype(float)

    def fun(w):
        z = X @ w  # softplus(z) = max(z, 0) + log1p(exp(-|z|)): stable, faster than logaddexp
        return float(np.mean(np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z))) - y * z))

    def jac(w):
        return X.T @ (expit(X @ w) - y) / N

    def hess(w):
        p = expit(X @ w)
        Xs = X * np.sqrt(p * (1 - p))[:, None]
        return Xs.T @ Xs / N  # NumPy uses a symmetric rank-k product for A.T @ A

    return fun, jac, hess, np.zeros(d)


def logistic_from_derive_matrix(N=100_000, d=20, seed=0):
    """The same problem with f, gradient and Hessian derived by derive.matrix
    (X^T (sigma(X w) - y), X^T diag(sigma o (1 - sigma)) X) and compiled by
    derive.codegen.matrix; returns callables and the derived formulas."""
    from derive.codegen.matrix import compile_matrix
    from derive.matrix_calculus import gradient, hessian, matrix, softplus, total_sum, vector
    Xs, ws, ys = matrix("X", "n", "d"), vector("w", "d"), vector("y", "n")
    loss = total_sum(softplus(Xs * ws)) - ys.T * Xs * ws
    g, H = gradient(loss, ws), hessian(loss, ws)
    cf, cg, ch = (compile_matrix(e, [Xs, ws, ys]) for e in (loss, g.result, H.result))
    rng = np.random.default_rng(seed)  # the same data as logistic_problem
    X = rng.standard_normal((N, d))
    X[:, 0] = 1.0
    w_true = rng.standard_normal(d) / np.sqrt(d)
    y = (rng.random(N) < expit(X @ w_true)).astype(float)
    return (lambda w: float(np.asarray(cf(X, w, y)).reshape(())) / N,
            lambda w: np.asarray(cg(X, w, y)).ravel() / N,
            lambda w: np.asarray(ch(X, w, y)) / N, np.zeros(d), (g.result, H.result))


METHODS = [
    ("derive newton", None),
    ("BFGS (numeric g)", "BFGS-num"),
    ("BFGS (exact g)", "BFGS"),
    ("L-BFGS-B", "L-BFGS-B"),
    ("Newton-CG", "Newton-CG"),
    ("trust-exact", "trust-exact"),
]


#: SciPy options asking for |g|inf < 1e-10 (the "tight" tables)
TIGHT = {"BFGS-num": {"gtol": 1e-10}, "BFGS": {"gtol": 1e-10},
         "L-BFGS-B": {"gtol": 1e-10, "ftol": 0.0}, "Newton-CG": {"xtol": 1e-16},
         "trust-exact": {"gtol": 1e-10}}


def run_one(kind, fun, jac, hess, x0, maxiter, tight=False):
    c = Counted(fun, jac, hess)
    opts = {"maxiter": maxiter, **(TIGHT.get(kind, {}) if tight else {})}
    if kind is None:
        res = newton(c.fun, c.jac, c.hess, x0, tol=1e-10, maxiter=maxiter)
    elif kind == "BFGS-num":
        res = so.minimize(c.fun, x0, method="BFGS", options=opts)
    elif kind in ("BFGS", "L-BFGS-B"):
        res = so.minimize(c.fun, x0, jac=c.jac, method=kind, options=opts)
    else:
        res = so.minimize(c.fun, x0, jac=c.jac, hess=c.hess, method=kind, options=opts)
    return res, c.n


def table(title, fun, jac, hess, x0, maxiter, repeats, tight=False, skip=()):
    target = ("SciPy asked for |g|inf < 1e-10" if tight else "SciPy default tolerances")
    print(f"\n## {title} ({target})\n")
    print("| method | nit | f evals | g evals | H evals | final |g|inf | f | time (s) "
          "| time / derive |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    methods = [(name, kind) for name, kind in METHODS if kind not in skip]
    best = {name: (np.inf, None, None) for name, _ in methods}
    for _ in range(repeats):  # round-robin, so a busy machine slows every method alike
        for name, kind in methods:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                t = time.perf_counter()
                res, counts = run_one(kind, fun, jac, hess, x0, maxiter, tight)
                t = time.perf_counter() - t
            if t < best[name][0]:
                best[name] = (t, res, counts)
    rows = []
    for name, _ in methods:
        t, res, counts = best[name]
        rows.append((name, res, counts, float(np.max(np.abs(jac(res.x)))), t))
    t_derive = rows[0][4]
    for name, res, counts, gnorm, t in rows:
        print(f"| {name} | {res.nit} | {counts['f']} | {counts['g']} | {counts['H']} | "
              f"{gnorm:.1e} | {res.fun:.6g} | {t:.4f} | {t / t_derive:.2f} |")
    return rows


def main():
    print("# derive.optimize benchmark (BLAS single-threaded; SciPy at default tolerances, "
          "derive newton at |g|inf < 1e-10)")
    start = np.array([-1.2, 1.0])
    table("2-D Rosenbrock from (-1.2, 1), SciPy's rosen/rosen_der/rosen_hess", so.rosen,
          so.rosen_der, so.rosen_hess, start, 1000, 20)
    from derive.optimize.objective import compile_objective
    cf, cg, ch = compile_objective("(1 - x)**2 + 100*(y - x**2)**2", ["x", "y"],
                                   hessian=True)
    table("2-D Rosenbrock, derive-compiled f/g/H for every method", cf, cg, ch, start,
          1000, 20)
    table("2-D Rosenbrock, derive-compiled f/g/H for every method", cf, cg, ch, start,
          1000, 20, tight=True)
    x0 = np.tile([-1.2, 1.0], 50)
    rows = table("100-D Rosenbrock from (-1.2, 1, ..., -1.2, 1)", so.rosen, so.rosen_der,
                 so.rosen_hess, x0, 5000, 1)
    res = rows[0][1]
    print(f"\nderive newton lands at f = {res.fun:.6f}, x_1 = {res.x[0]:.4f} (a strict local "
          f"minimum: Hessian positive definite = {res.hess_positive_definite}, smallest "
          f"eigenvalue {np.linalg.eigvalsh(so.rosen_hess(res.x))[0]:.4f}); the global "
          "minimum is f = 0 at x = 1.")
    t = time.perf_counter()
    best = multistart(lambda s: newton(so.rosen, so.rosen_der, so.rosen_hess, s,
                                       maxiter=5000), x0, restarts=3, scale=1.0, seed=0)
    t = time.perf_counter() - t
    found = ", ".join(f"f = {m['fun']:.6g} ({m['count']}x)" for m in best.minima)
    print(f"derive.optimize.minimize(..., restarts=3, seed=0) re-runs Newton from the best "
          f"point + seeded noise: minima found: {found}; best f = {best.fun:.3g} "
          f"after {best.restart_nit} Newton iterations in total, {t:.2f} s.")
    f, g, H, w0 = logistic_problem()
    title = "Logistic-regression MLE, N = 100000, d = 20 (seed 0), from w = 0"
    table(title, f, g, H, w0, 1000, 5)
    table(title, f, g, H, w0, 1000, 5, tight=True)
    mf, mg, mH, _, formulas = logistic_from_derive_matrix()
    probe = np.random.default_rng(1).standard_normal(w0.size) / 5
    agree = max(abs(mf(probe) - f(probe)), np.max(np.abs(mg(probe) - g(probe))),
                np.max(np.abs(mH(probe) - H(probe))))
    print(f"\nderive.matrix derives gradient {formulas[0]} and Hessian {formulas[1]}; "
          f"compiled, they agree with the hand-written NumPy to {agree:.1e}.")
    table(title + ", f/g/H derived by derive.matrix and compiled", mf, mg, mH, w0, 1000, 5,
          tight=True)


if __name__ == "__main__":
    main()
