"""Benchmark second order in matrices: derive's compiled H[V] and full Hessian vs JAX and PyTorch.

Cases (float64, one BLAS thread for everyone, same data):

* ``logistic``: logistic regression in the weights ``w`` (``n`` features,
  ``2n`` samples): ``sum softplus(Z w) - y^T Z w``;
* ``least_squares``: ``||Z W - Y||^2`` in a weight matrix ``W`` (``n x n``);
* ``factorization``: ``||Y - U V^T||^2`` in ``U`` (``n x r``, ``r = 10``);
* ``logdet``: ``log det X`` (``n x n``).

For each: the Hessian-vector product by derive (compiled ``H[V]``, BLAS form
and einsum form, best of the two), ``jax.jvp(jax.grad(f))`` under ``jax.jit``,
and ``torch.autograd.functional.hvp``; ten products at one point (``hvp10``:
derive's ``prepare_hvp``, which computes the direction-free factors once, against
``jax.linearize`` of the gradient applied ten times, jitted, and ten torch calls); then the full Hessian by derive
(``compile_hessian``), ``jax.hessian`` (jitted) and
``torch.autograd.functional.hessian``, at the largest size that fits in
memory (``--full-n``). Beside the frameworks, hand-written NumPy (the best
achievable code: for H[V] the direction-free factors computed in the call, for
``hvp10`` once, then only the products with the direction; for the full
Hessian its Kronecker form). Ratios are baseline time / derive time (above 1:
derive is faster; ``numpy/derive`` near 1 means derive's code is as fast as
hand-written). Times are CPU time (``time.process_time``), best of
``--repeat``: every library runs on one thread, and CPU time does not count
the waits of a shared machine. The derivation (and compile) time of each map is printed
with symbolic sizes: it does not depend on ``n``.

Run: ``python benchmarks/bench_second_order.py [--n 1000] [--full-n 30] [--repeat 5]``.
"""

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
             "BLIS_NUM_THREADS", "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"
os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false "
                                   "intra_op_parallelism_threads=1")

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import scipy.special  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from derive.codegen.matrix_linear_maps import compile_hessian, compile_hvp, prepare_hvp  # noqa: E402
from derive.matrix_calculus import (hvp, logdet, matrix, norm, softplus,  # noqa: E402
                                    total_sum, trace, vector)


def best_of(fn, repeat):
    """Least CPU time of ``repeat`` calls (one thread everywhere, so CPU time is the run
    time without the noise of other processes on a shared machine)."""
    fn()                                   # warm-up (jit compilation, caches)
    times = []
    for _ in range(repeat):
        t = time.process_time()
        fn()
        times.append(time.process_time() - t)
    return min(times)


# -- the four cases, each: derive expression, variable, data maker, jax f, torch f ------------

def case_logistic():
    Z, w = matrix("Z", "N", "n"), vector("w", "n")
    y = vector("y", "N")
    f = total_sum(softplus(Z * w)) - y.T * Z * w

    def data(n, rng):
        return {"Z": rng.standard_normal((2 * n, n)) / np.sqrt(n), "y": rng.integers(0, 2, 2 * n) * 1.0,
                "w": rng.standard_normal(n) * 0.1}

    def jf(jnp, jax, d):
        return lambda w: jnp.sum(jax.nn.softplus(d["Z"] @ w)) - d["y"] @ (d["Z"] @ w)

    def tf(torch, d):
        return lambda w: torch.nn.functional.softplus(d["Z"] @ w).sum() - d["y"] @ (d["Z"] @ w)

    def numpy_at(d):                    # hand-written: c = s(1 - s), then Z^T (c * (Z v))
        s = scipy.special.expit(d["Z"] @ d["w"])
        c = s * (1 - s)

        def single(v):                  # everything in the call
            s1 = scipy.special.expit(d["Z"] @ d["w"])
            return d["Z"].T @ ((s1 * (1 - s1)) * (d["Z"] @ v))
        return (single, lambda v: d["Z"].T @ (c * (d["Z"] @ v)),
                lambda: (d["Z"].T * c) @ d["Z"])
    return "logistic regression in w", f, w, data, jf, tf, numpy_at


def case_least_squares():
    Z, W, Y = matrix("Z", "N", "n"), matrix("W", "n", "n"), matrix("Y", "N", "n")
    f = trace((Z * W - Y).T * (Z * W - Y))

    def data(n, rng):
        return {"Z": rng.standard_normal((n, n)), "Y": rng.standard_normal((n, n)),
                "W": rng.standard_normal((n, n))}

    def jf(jnp, jax, d):
        return lambda W: jnp.sum((d["Z"] @ W - d["Y"]) ** 2)

    def tf(torch, d):
        return lambda W: ((d["Z"] @ W - d["Y"]) ** 2).sum()

    def numpy_at(d):                    # 2 Z^T Z once; vec(G V) = (I kron G) vec(V)
        G = 2 * d["Z"].T @ d["Z"]
        return (lambda V: 2 * (d["Z"].T @ (d["Z"] @ V)), lambda V: G @ V,
                lambda: np.kron(np.eye(d["W"].shape[1]), G))
    return "least squares in W (n x n)", f, W, data, jf, tf, numpy_at


def case_factorization():
    U, V, Y = matrix("U", "n", "r"), matrix("V", "m", "r"), matrix("Y", "n", "m")
    f = norm(Y - U * V.T) ** 2

    def data(n, rng):
        r = min(10, n)
        return {"U": rng.standard_normal((n, r)), "V": rng.standard_normal((n, r)),
                "Y": rng.standard_normal((n, n))}

    def jf(jnp, jax, d):
        return lambda U: jnp.sum((d["Y"] - U @ d["V"].T) ** 2)

    def tf(torch, d):
        return lambda U: ((d["Y"] - U @ d["V"].T) ** 2).sum()

    def numpy_at(d):                    # 2 V^T V once; vec(D G) = (G^T kron I) vec(D)
        G = 2 * d["V"].T @ d["V"]
        return (lambda D: D @ (2 * d["V"].T @ d["V"]), lambda D: D @ G,
                lambda: np.kron(G.T, np.eye(d["U"].shape[0])))
    return "||Y - U V^T||^2 in U (n x 10)", f, U, data, jf, tf, numpy_at


def case_logdet():
    X = matrix("X", "n", "n")
    f = logdet(X)

    def data(n, rng):
        A = rng.standard_normal((n, n)) / np.sqrt(n)
        return {"X": np.eye(n) * 2 + A}

    def jf(jnp, jax, d):
        return lambda X: jnp.linalg.slogdet(X)[1]

    def tf(torch, d):
        return lambda X: torch.linalg.slogdet(X)[1]

    def numpy_at(d):                    # A = X^-T once; H[V] = -A V^T A
        A = np.linalg.inv(d["X"]).T
        n = A.shape[0]

        def full():                     # K[(i,j),(k,l)] = -A[i,l] A[k,j], column-major vec
            return (-np.einsum("il,kj->jilk", A, A)).reshape(n * n, n * n)

        def single(V):
            B = np.linalg.inv(d["X"]).T
            return -B @ V.T @ B
        return (single, lambda V: -A @ V.T @ A, full)
    return "log det X (n x n)", f, X, data, jf, tf, numpy_at


CASES = [case_logistic, case_least_squares, case_factorization, case_logdet]


def derive_maps(f, var):
    t = time.perf_counter()
    d = hvp(f, var)
    t_derive = time.perf_counter() - t
    t = time.perf_counter()
    blas, ein, full = compile_hvp(d), compile_hvp(d, form="einsum"), compile_hessian(d)
    prep = prepare_hvp(d)
    t_compile = time.perf_counter() - t
    return d, blas, ein, full, prep, t_derive, t_compile


def call_args(compiled, values, direction=None, V=None):
    return [direction if (V is not None and a == V) else values[a.name] for a in compiled.args]


def run_case(make, n, full_n, repeat, jax, jnp, torch):
    title, f, var, data, jf, tf, numpy_at = make()
    d, blas, ein, full, prep, t_derive, t_compile = derive_maps(f, var)
    V = d.options["direction"]
    rows = []
    for size, kind in ((n, "hvp"), (n, "hvp10"), (full_n, "full")):
        rng = np.random.default_rng(0)
        values = data(size, rng)
        x0 = values[var.name]
        direction = rng.standard_normal(x0.shape)
        out = {}
        if kind == "hvp":
            ref = np.asarray(blas(*call_args(blas, values, direction, V)))
            t_b = best_of(lambda: blas(*call_args(blas, values, direction, V)), repeat)
            t_e = best_of(lambda: ein(*call_args(ein, values, direction, V)), repeat)
            out["derive"] = min(t_b, t_e)
            out["derive form"] = "blas" if t_b <= t_e else "einsum"
        elif kind == "hvp10":          # ten directions at one point (Newton-CG, Lanczos)
            dirs = [rng.standard_normal(x0.shape) for _ in range(10)]
            ref = np.asarray(blas(*call_args(blas, values, dirs[-1], V)))

            def ten():
                apply = prep(*call_args(prep, values))
                return [apply(v) for v in dirs]
            out["derive"] = best_of(ten, repeat)
            out["derive form"] = "prep"
            direction = dirs[-1]
        else:
            ref = full(*call_args(full, values))
            out["derive"] = best_of(lambda: full(*call_args(full, values)), repeat)
            out["derive form"] = "einsum"
        if kind == "hvp":               # hand-written NumPy, everything computed per call
            single = numpy_at(values)[0]
            out["numpy"] = best_of(lambda: single(direction), repeat)
            out["numpy ok"] = np.allclose(np.asarray(single(direction)).reshape(
                ref.shape), ref, rtol=1e-6, atol=1e-6)
        elif kind == "hvp10":           # direction-free factors once, then ten products

            def ten_numpy():
                apply = numpy_at(values)[1]
                return [apply(v) for v in dirs]
            out["numpy"] = best_of(ten_numpy, repeat)
            out["numpy ok"] = np.allclose(ten_numpy()[-1].reshape(ref.shape), ref, rtol=1e-6,
                                          atol=1e-6)
        else:
            out["numpy"] = best_of(lambda: numpy_at(values)[2](), repeat)
            out["numpy ok"] = np.allclose(numpy_at(values)[2](), ref, rtol=1e-6, atol=1e-6)
        if jax is not None:
            dj = {k: jnp.asarray(v) for k, v in values.items()}
            fj = jf(jnp, jax, dj)
            if kind == "hvp":
                g = jax.grad(fj)
                hv = jax.jit(lambda x, v: jax.jvp(g, (x,), (v,))[1])
                xj, vj = jnp.asarray(x0), jnp.asarray(direction)
                got = np.asarray(hv(xj, vj))
                out["jax"] = best_of(lambda: hv(xj, vj).block_until_ready(), repeat)
                out["jax ok"] = np.allclose(got.reshape(ref.shape), ref, rtol=1e-6, atol=1e-6)
            elif kind == "hvp10":      # jax.linearize: the linear map at x, applied 10 times
                g = jax.grad(fj)
                xj = jnp.asarray(x0)
                vjs = [jnp.asarray(v) for v in dirs]

                @jax.jit
                def ten_jax(x, vs):
                    _, lin = jax.linearize(g, x)
                    return [lin(v) for v in vs]
                got = np.asarray(ten_jax(xj, vjs)[-1])
                out["jax"] = best_of(lambda: [a.block_until_ready() for a in ten_jax(xj, vjs)],
                                     repeat)
                out["jax ok"] = np.allclose(got.reshape(ref.shape), ref, rtol=1e-6, atol=1e-6)
            else:
                hj = jax.jit(jax.hessian(fj))
                xj = jnp.asarray(x0)
                H = np.asarray(hj(xj))
                k = x0.size
                # jax's H[i, j, k, l] (row-major); derive's column-major vec: compare as maps
                Hf = H.reshape(k, k) if x0.ndim == 1 else H.transpose(1, 0, 3, 2).reshape(k, k)
                out["jax"] = best_of(lambda: hj(xj).block_until_ready(), repeat)
                out["jax ok"] = np.allclose(Hf, ref, rtol=1e-6, atol=1e-6)
        if torch is not None:
            dt = {k: torch.as_tensor(v) for k, v in values.items()}
            ft = tf(torch, dt)
            xt = torch.as_tensor(x0)
            if kind in ("hvp", "hvp10"):
                vts = [torch.as_tensor(v) for v in (dirs if kind == "hvp10" else [direction])]
                got = torch.autograd.functional.hvp(ft, xt, vts[-1])[1].numpy()
                out["torch"] = best_of(lambda: [torch.autograd.functional.hvp(ft, xt, v)
                                                for v in vts], repeat)
                out["torch ok"] = np.allclose(got.reshape(ref.shape), ref, rtol=1e-6, atol=1e-6)
            else:
                H = torch.autograd.functional.hessian(ft, xt).numpy()
                k = x0.size
                Hf = H.reshape(k, k) if x0.ndim == 1 else H.transpose(1, 0, 3, 2).reshape(k, k)
                out["torch"] = best_of(lambda: torch.autograd.functional.hessian(ft, xt), repeat)
                out["torch ok"] = np.allclose(Hf, ref, rtol=1e-6, atol=1e-6)
        rows.append((title, kind, size, x0.shape, out))
    return rows, t_derive, t_compile, d


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--full-n", type=int, default=30)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--only", nargs="*", default=None, help="case names: logistic least_squares "
                                                             "factorization logdet")
    args = ap.parse_args()
    try:
        import jax  # deferred: optional heavy dependency
        jax.config.update("jax_enable_x64", True)
        import jax.numpy as jnp  # deferred: optional heavy dependency
    except ImportError:
        jax = jnp = None
        print("jax not installed: its columns are empty")
    try:
        import torch  # deferred: optional heavy dependency
        torch.set_num_threads(1)
    except ImportError:
        torch = None
        print("torch not installed: its columns are empty")
    cases = CASES if not args.only else [c for c in CASES if c.__name__[5:] in args.only]
    if not cases:
        ap.error(f"--only {args.only} matches no case")
    header = (f"{'case':32s} {'what':5s} {'size':>12s} {'derive s':>10s} {'form':>6s} "
              f"{'jax s':>10s} {'torch s':>10s} {'jax/derive':>10s} {'torch/derive':>12s} "
              f"{'best/derive':>11s} {'numpy s':>10s} {'numpy/derive':>12s} agree")
    print(f"\none BLAS thread, float64; n = {args.n} for H[V], n = {args.full_n} for the full "
          "Hessian; best of", args.repeat)
    print(header)
    print("-" * len(header))
    derivations = []
    for make in cases:
        rows, t_d, t_c, d = run_case(make, args.n, args.full_n, args.repeat, jax, jnp, torch)
        derivations.append((rows[0][0], t_d, t_c, d))
        for title, kind, size, shape, out in rows:
            jt, tt = out.get("jax"), out.get("torch")
            best = min(t for t in (jt, tt) if t is not None) if (jt or tt) else None

            def ratio(t):
                return f"{t / out['derive']:.1f}x" if t else "-"
            agree = all(out.get(k, True) for k in ("jax ok", "torch ok", "numpy ok"))
            print(f"{title:32s} {kind:5s} {str(shape):>12s} {out['derive']:10.2e} "
                  f"{out['derive form']:>6s} {jt or float('nan'):10.2e} {tt or float('nan'):10.2e} "
                  f"{ratio(jt):>10s} {ratio(tt):>12s} {ratio(best):>11s} "
                  f"{out['numpy']:10.2e} {ratio(out['numpy']):>12s} {'yes' if agree else 'NO'}")
    print("\nderivation (symbolic sizes) and compile times:")
    for title, t_d, t_c, d in derivations:
        print(f"  {title:32s} derive {t_d * 1e3:7.1f} ms  compile 4 forms {t_c * 1e3:7.1f} ms   "
              f"H[{d.options['direction'].name}] = {d.result}")
    print("derivation time with concrete sizes (nothing is expanded into entries):")
    for size in (10, 10_000):
        X = matrix("X", size, size)
        t = time.perf_counter()
        hvp(logdet(X), X)
        print(f"  log det X, n = {size:6d}: {1e3 * (time.perf_counter() - t):6.1f} ms")


if __name__ == "__main__":
    main()
