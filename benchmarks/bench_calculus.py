"""Benchmark: derivation time of gradient + Hessian, and compiled code vs SciPy.

Run: ``python benchmarks/bench_calculus.py [--full]``

1. Gradient plus Hessian of the n-dimensional Rosenbrock function and of a
   dense quadratic form, n = 10, 20, 40, 80, each in a fresh interpreter (a
   cold start: nothing cached; the import is not counted), against plain SymPy
   (``diff`` per variable, then ``sympy.hessian``) measured the same way; plain
   SymPy is run up to n = 40 unless ``--full`` is given (it takes minutes at 80).
2. The compiled gradient and Hessian of 80-D Rosenbrock against
   ``scipy.optimize.rosen_der`` and ``rosen_hess`` (hand-written NumPy),
   one BLAS thread, as ratios of the time per call measured in the same run.
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
    print("2. compiled 80-D Rosenbrock vs scipy.optimize (time per call, one BLAS thread)")
    for name, ours, theirs in (("gradient", lambda: g(*x), lambda: rosen_der(x)),
                               ("Hessian", lambda: H(*x), lambda: rosen_hess(x))):
        t_ours = min(timeit.repeat(ours, number=200, repeat=5)) / 200
        t_base = min(timeit.repeat(theirs, number=200, repeat=5)) / 200
        print(f"   {name:9s} derive {t_ours * 1e6:8.1f} us   scipy {t_base * 1e6:8.1f} us   "
              f"ratio {t_ours / t_base:5.2f}x")
    # vectorized: 10,000 points at once (the compiled code broadcasts; SciPy loops)
    pts = np.random.default_rng(1).normal(size=(n, 10_000))
    t_ours = min(timeit.repeat(lambda: g(*pts), number=3, repeat=3)) / 3
    t_base = min(timeit.repeat(lambda: [rosen_der(p) for p in pts.T], number=1, repeat=3))
    print(f"   gradient at 10,000 points: derive {t_ours * 1e3:.1f} ms (one broadcast call), "
          f"scipy loop {t_base * 1e3:.1f} ms, ratio {t_ours / t_base:.2f}x")


if __name__ == "__main__":
    derivation_times("--full" in sys.argv)
    compiled_vs_scipy()
