"""Benchmark: derivation time of gradient + Hessian, and compiled code vs SciPy.

Run: ``python benchmarks/bench_calculus.py [--full] [--only-speed]`` (``--only-speed``
skips part 1).

1. Gradient plus Hessian of the n-dimensional Rosenbrock function and of a
   dense quadratic form, n = 10, 20, 40, 80, each in a fresh interpreter (a
   cold start: nothing cached; the import is not counted), against plain SymPy
   (``diff`` per variable, then ``sympy.hessian``) measured the same way; plain
   SymPy is run up to n = 40 unless ``--full`` is given (it takes minutes at 80).
2. The compiled gradient and Hessian of 80-D Rosenbrock at one point against
   ``scipy.optimize.rosen_der`` and ``rosen_hess`` (hand-written NumPy),
   one BLAS thread, as ratios of the time per call measured in the same run:
   called with the point as one vector (SciPy's convention; targets 2x and
   1.5x) and, for comparison, with 80 separate arguments.
3. ``derive.minimize`` on 100-D Rosenbrock end to end (derivation, compilation,
   iterations, final check) against the same optimizer (``derive.optimize.newton``)
   run on SciPy's ``rosen``/``rosen_der``/``rosen_hess`` from the same start
   (target: 2x), CPU time.
4. The JAX backend's 80-D Rosenbrock gradient at one point (``jax.jit``-compiled
   vector function) against ``jax.jit(jax.grad(rosen))``, float64 (target: 1.2x).
"""

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import subprocess  # noqa: E402
import sys  # noqa: E402
import textwrap  # noqa: E402
import timeit  # noqa: E402

import numpy as np  # noqa: E402

COLD = textwrap.dedent("""
    import sys, time
    import sympy as sp
    kind, n, how = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    xs = sp.symbols(f"x0:{n}", real=True)
    if kind == "rosenbrock":
        f = sp.Add(*[100*(xs[i+1] - xs[i]**2)**2 + (1 - xs[i])**2 for i in range(n - 1)])
    else:
        A = [[sp.Rational(i + j + 1, i*j + 1) for j in range(n)] for i in range(n)]
        f = sp.Add(*[A[i][j]*xs[i]*xs[j] for i in range(n) for j in range(n)])
    if how == "derive":
        from derive.calculus import gradient, hessian
        t = time.perf_counter()
        gradient(f, xs); hessian(f, xs)
    else:
        t = time.perf_counter()
        [sp.diff(f, x) for x in xs]; sp.hessian(f, xs)
    print(time.perf_counter() - t)
""")


def cold(kind, n, how):
    out = subprocess.run([sys.executable, "-c", COLD, kind, str(n), how], capture_output=True,
                         text=True, check=True)
    return float(out.stdout)


def derivation_times(full):
    print("1. gradient + Hessian derivation time, cold start (seconds)")
    print(f"   {'function':12s} {'n':>4s} {'derive':>9s} {'plain SymPy':>12s} {'ratio':>8s}")
    for kind in ("rosenbrock", "quadratic"):
        for n in (10, 20, 40, 80):
            ours = cold(kind, n, "derive")
            base = cold(kind, n, "sympy") if (full or n <= 40) else None
            ratio = f"{base / ours:7.0f}x" if base else "       -"
            base_s = f"{base:12.2f}" if base else f"{'(--full)':>12s}"
            print(f"   {kind:12s} {n:4d} {ours:9.3f} {base_s} {ratio}")


def compiled_vs_scipy():
    import sympy as sp
    from scipy.optimize import rosen_der, rosen_hess

    from derive.calculus import gradient, hessian

    n = 80
    xs = sp.symbols(f"x0:{n}", real=True)
    f = sum(100 * (xs[i + 1] - xs[i]**2)**2 + (1 - xs[i])**2 for i in range(n - 1))
    g, H = gradient(f, xs).compile(), hessian(f, xs).compile()
    x = np.random.default_rng(0).normal(size=n)
    assert np.allclose(g(*x), rosen_der(x)) and np.allclose(H(*x), rosen_hess(x))
    print("2. compiled 80-D Rosenbrock vs scipy.optimize at one point (time per call, one BLAS thread)")
    for name, c, ref, target in (("gradient", g, rosen_der, 2.0), ("Hessian", H, rosen_hess, 1.5)):
        t_vec, t_args, t_base = alternating(
            [lambda c=c: c(x), lambda c=c: c(*x), lambda ref=ref: ref(x)], number=100, repeat=30)
        print(f"   {name:9s} derive f(x) {t_vec * 1e6:7.1f} us   scipy {t_base * 1e6:7.1f} us   "
              f"ratio {t_vec / t_base:5.2f}x (target {target}x);   "
              f"f(*x), 80 arguments: {t_args / t_base:5.2f}x")
    # vectorized: 10,000 points at once (the compiled code broadcasts; SciPy loops)
    pts = np.random.default_rng(1).normal(size=(n, 10_000))
    t_ours = min(timeit.repeat(lambda: g(*pts), number=3, repeat=3)) / 3
    t_base = min(timeit.repeat(lambda: [rosen_der(p) for p in pts.T], number=1, repeat=3))
    print(f"   gradient at 10,000 points: derive {t_ours * 1e3:.1f} ms (one broadcast call), "
          f"scipy loop {t_base * 1e3:.1f} ms, ratio {t_ours / t_base:.2f}x")


def alternating(fns, number, repeat=7):
    """Best time per call of each function; rounds alternate so all share the machine's noise."""
    best = [float("inf")] * len(fns)
    for _ in range(repeat):
        for k, fn in enumerate(fns):
            best[k] = min(best[k], timeit.timeit(fn, number=number) / number)
    return best


def minimize_end_to_end(n=100, repeat=7):
    import statistics
    import time

    import sympy as sp
    from scipy.optimize import rosen, rosen_der, rosen_hess

    import derive
    from derive.optimize.newton import newton

    x0 = np.tile([-1.2, 1.0], n // 2)

    def rosenbrock(prefix):
        xs = sp.symbols(f"{prefix}0:{n}", real=True)
        return sum(100 * (xs[i + 1] - xs[i]**2)**2 + (1 - xs[i])**2 for i in range(n - 1)), xs

    def rounds(problems):
        """CPU seconds of derive.minimize and of newton(rosen, ...) on each problem."""
        ours, base = [], []
        for f, xs in problems:
            t = time.process_time()
            res = derive.minimize(f, xs, x0=x0, maxiter=1000)
            ours.append(time.process_time() - t)
            t = time.process_time()
            ref = newton(rosen, rosen_der, rosen_hess, x0, maxiter=1000)
            base.append(time.process_time() - t)
            # same method on the same function: the same minimizer (a local one from x0)
            assert res.success and ref.success and np.allclose(res.x, ref.x, atol=1e-8)
        return ours, base, res, ref

    same = rosenbrock("x")
    ours, base, res, ref = rounds([same] * (repeat + 1))  # the first round reported apart
    ratios = [a / b for a, b in zip(ours[1:], base[1:])]
    print(f"3. derive.minimize on {n}-D Rosenbrock, end to end (CPU time, median of {repeat} "
          "rounds after a first one; each round compiles and checks again)")
    print(f"   derive.minimize(f, x, x0): {statistics.median(ours[1:]):6.3f} s ({res.method}, "
          f"{res.nit} iterations, with its final check)")
    print(f"   newton(rosen, rosen_der, rosen_hess): {statistics.median(base[1:]):6.3f} s "
          f"({ref.nit} iterations)")
    print(f"   ratio {statistics.median(ratios):5.2f}x (median; rounds {min(ratios):.2f}x to "
          f"{max(ratios):.2f}x; first round {ours[0] / base[0]:.2f}x) (target 2x)")
    print("   (the same expression each round: its derivations come from fastdiff's cache)")
    # a new objective each round (fresh symbol names): nothing cached, what a user's first
    # call on a new objective costs
    fresh, base, _, _ = rounds([rosenbrock(f"u{r}_") for r in range(repeat)])
    ratios = [a / b for a, b in zip(fresh, base)]
    print(f"   a new objective each round (nothing cached): {statistics.median(fresh):6.3f} s, "
          f"ratio {statistics.median(ratios):5.2f}x (rounds {min(ratios):.2f}x to "
          f"{max(ratios):.2f}x) (target 2x)")


def jax_rosenbrock(n=80):
    try:
        import jax
        import jax.numpy as jnp
    except ImportError:
        print("4. jax not installed: skipped")
        return
    import sympy as sp

    from derive.calculus import gradient

    xs = sp.symbols(f"x0:{n}", real=True)
    f = sum(100 * (xs[i + 1] - xs[i]**2)**2 + (1 - xs[i])**2 for i in range(n - 1))
    g = gradient(f, xs).compile(backend="jax")

    def rosen(x):
        return jnp.sum(100.0 * (x[1:] - x[:-1]**2)**2 + (1 - x[:-1])**2)

    with jax.enable_x64(True):
        ref = jax.jit(jax.grad(rosen))
        x = jnp.asarray(np.random.default_rng(0).normal(size=n))
        np.testing.assert_allclose(g(x), ref(x), rtol=1e-12)
        t_ours, t_ref = alternating([lambda: g.vector(x).block_until_ready(),
                                     lambda: ref(x).block_until_ready()], number=100, repeat=40)
    print(f"4. JAX 80-D Rosenbrock gradient at one point, float64: derive {t_ours * 1e6:6.1f} us   "
          f"jax.jit(jax.grad(rosen)) {t_ref * 1e6:6.1f} us   ratio {t_ours / t_ref:5.2f}x "
          f"(target 1.2x)")


if __name__ == "__main__":
    if "--only-speed" not in sys.argv:
        derivation_times("--full" in sys.argv)
    compiled_vs_scipy()
    minimize_end_to_end()
    jax_rosenbrock()
