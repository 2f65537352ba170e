"""Benchmark derive.matrix: compiled gradient vs hand-written NumPy, and derivation time vs n.

Prints, measured in the same run with one BLAS thread:

1. the compiled logistic-regression gradient ``X^T (sigma(X w) - y)`` at
   N = 1e6, d = 20 against the hand-written ``X.T @ (expit(X @ w) - y)``
   (target: ratio <= 1.05), and ``jax.jit(jax.grad)`` in float64 when jax
   is installed;
2. the same derivation compiled with ``backend="jax"`` and ``backend="torch"``
   against hand-written ``jax.jit`` and torch code, each in float64
   (target: ratio <= 1.1 per backend);
3. the derivation time of that gradient with symbolic sizes, and with
   concrete sizes n = 10 and n = 10,000 (nothing is expanded, so the times
   match).

Run: ``python benchmarks/bench_matrix.py [--n 1000000] [--d 20] [--repeat 7]``.
"""

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
             "BLIS_NUM_THREADS", "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"
os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false "
                                   "intra_op_parallelism_threads=1")   # jax on one thread too

import argparse  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
from scipy.special import expit  # noqa: E402


def best_of(fn, repeat):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def derivation_one(n):
    from derive.matrix_calculus import gradient, matrix, softplus, total_sum, vector
    t = time.perf_counter()
    X, w, y = matrix("X", n, 20), vector("w", 20), vector("y", n)
    gradient(total_sum(softplus(X * w)) - y.T * X * w, w)
    return time.perf_counter() - t


def derivation_times(sizes, repeat=50):
    """Best time per size, the sizes alternating so they share the machine's noise."""
    best = {n: float("inf") for n in sizes}
    for _ in range(repeat):
        for n in sizes:
            best[n] = min(best[n], derivation_one(n))
    return best


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--d", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=15)
    opts = ap.parse_args()

    from derive.codegen.matrix import compile_matrix
    from derive.matrix_calculus import gradient, matrix, softplus, total_sum, vector

    X, w, y = matrix("X", "n", "d"), vector("w", "d"), vector("y", "n")
    d = gradient(total_sum(softplus(X * w)) - y.T * X * w, w)
    grad = compile_matrix(d, [X, w, y], name="logistic_gradient")
    print(f"derived: {d.result}\n{grad.source}")

    rng = np.random.default_rng(0)
    Xv = rng.standard_normal((opts.n, opts.d))
    wv = rng.standard_normal(opts.d) / np.sqrt(opts.d)
    yv = (rng.uniform(size=opts.n) < expit(Xv @ wv)).astype(float)

    def hand():
        return Xv.T @ (expit(Xv @ wv) - yv)

    np.testing.assert_allclose(grad(Xv, wv, yv), hand(), rtol=1e-10)
    t_hand = t_comp = float("inf")
    for _ in range(opts.repeat):             # alternate calls so both see the same machine noise
        t_hand = min(t_hand, best_of(hand, 1))
        t_comp = min(t_comp, best_of(lambda: grad(Xv, wv, yv), 1))
    print(f"N={opts.n}, d={opts.d}, one BLAS thread, best of {opts.repeat} alternating calls")
    print(f"  hand-written X.T @ (expit(X @ w) - y): {t_hand * 1e3:8.2f} ms")
    print(f"  derive compiled gradient:              {t_comp * 1e3:8.2f} ms")
    print(f"  ratio compiled / hand-written:         {t_comp / t_hand:8.3f}  (target <= 1.05)")
    try:
        import jax
        jax.config.update("jax_enable_x64", True)
        import jax.numpy as jnp

        def loss(wj, Xj, yj):
            z = Xj @ wj
            return jnp.sum(jnp.logaddexp(0.0, z)) - yj @ z
        jg = jax.jit(jax.grad(loss))
        Xj, yj, wj = jnp.asarray(Xv), jnp.asarray(yv), jnp.asarray(wv)
        jg(wj, Xj, yj).block_until_ready()
        t_jax = best_of(lambda: jg(wj, Xj, yj).block_until_ready(), opts.repeat)
        print(f"  jax.jit(jax.grad) float64:             {t_jax * 1e3:8.2f} ms "
              f"(ratio {t_jax / t_hand:.3f})")
    except ImportError:
        print("  jax not installed: skipped")
    frameworks(d, Xv, wv, yv, opts.repeat)

    times = derivation_times(["n", 10, 10_000])
    t_sym, t10, t10k = times["n"], times[10], times[10_000]
    print("derivation time of the gradient (best of 50, alternating):")
    print(f"  symbolic n: {t_sym * 1e3:7.1f} ms   n = 10: {t10 * 1e3:7.1f} ms   "
          f"n = 10,000: {t10k * 1e3:7.1f} ms   ratio 10,000 / 10: {t10k / t10:.2f}")


def alternating(fns, repeat):
    """Best time of each function, calls alternating so all see the same machine noise."""
    best = [float("inf")] * len(fns)
    for _ in range(repeat):
        for k, fn in enumerate(fns):
            best[k] = min(best[k], best_of(fn, 1))
    return best


def frameworks(d, Xv, wv, yv, repeat):
    """The derivation compiled per backend against hand-written code in that framework."""
    from derive.codegen import compile
    print("per backend, float64, one thread: derive's compiled gradient / hand-written")
    try:
        import jax
        import jax.numpy as jnp
        with jax.enable_x64(True):
            ours = compile(d, backend="jax")
            naive = jax.jit(lambda w, X, y: X.T @ (jax.nn.sigmoid(X @ w) - y))
            hand = jax.jit(lambda w, X, y: ((jax.nn.sigmoid(X @ w) - y) @ X))
            auto = jax.jit(jax.grad(lambda w, X, y: jnp.sum(jnp.logaddexp(0.0, X @ w)) - y @ (X @ w)))
            Xj, wj, yj = jnp.asarray(Xv), jnp.asarray(wv), jnp.asarray(yv)
            for ref in (naive, hand, auto):
                np.testing.assert_allclose(ours(wj, Xj, yj), ref(wj, Xj, yj), rtol=1e-10)
            t_ours, t_naive, t_hand, t_auto = alternating(
                [lambda f=f: f(wj, Xj, yj).block_until_ready() for f in (ours, naive, hand, auto)],
                repeat)
        print(f"  jax:   derive {t_ours * 1e3:8.2f} ms   hand-written jax.jit (r @ X) "
              f"{t_hand * 1e3:8.2f} ms   ratio {t_ours / t_hand:6.3f}  (target <= 1.1)")
        print(f"         also: jax.jit of X.T @ r {t_naive * 1e3:8.2f} ms (ratio "
              f"{t_ours / t_naive:.3f}), jax.jit(jax.grad(loss)) {t_auto * 1e3:8.2f} ms "
              f"(ratio {t_ours / t_auto:.3f})")
    except ImportError:
        print("  jax not installed: skipped")
    try:
        import torch
        torch.set_num_threads(1)
        ours = compile(d, backend="torch")
        Xt, wt, yt = torch.as_tensor(Xv), torch.as_tensor(wv), torch.as_tensor(yv)

        def hand():
            return Xt.T @ (torch.sigmoid(Xt @ wt) - yt)
        np.testing.assert_allclose(ours(wt, Xt, yt).numpy(), hand().numpy(), rtol=1e-10)
        t_ours, t_hand = alternating([lambda: ours(wt, Xt, yt), hand], repeat)
        print(f"  torch: derive {t_ours * 1e3:8.2f} ms   hand-written torch   {t_hand * 1e3:8.2f} ms"
              f"   ratio {t_ours / t_hand:6.3f}  (target <= 1.1)")
    except ImportError:
        print("  torch not installed: skipped")


if __name__ == "__main__":
    main()
