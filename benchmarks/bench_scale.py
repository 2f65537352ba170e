"""Logistic regression on data larger than the Dask workers' memory: derive against
dask-glm, in one run.

Writes ``--rows`` rows of 15 covariates and a 0/1 response as chunked ``.npy`` files
(``--files`` of them, 16 float64 columns: 128 bytes a row), starts a LocalCluster
of two single-threaded workers limited to ``--worker-memory`` each, and fits:

* derive: ``fit(model, data="dir/*.npy")`` — Newton, one pass over the chunks per
  iteration (compiled per-chunk score and Hessian, tree-summed);
* dask-glm ``newton`` and ``lbfgs`` on the same files (``da.from_npy_stack``-like
  lazy concatenation of the same memory-mapped files).

Printed: iterations, passes over the data, wall time, each worker's peak resident
memory, rows per second per pass against a hand-written in-memory NumPy IRLS on a
1e6-row sample (one BLAS thread), and the coefficients of derive against statsmodels
``Logit`` on that sample. Benchmarks print ratios; nothing here is a test.

Run: ``python -u benchmarks/bench_scale.py --rows 8000000 --worker-memory 256MiB``
(the defaults: 1 GiB of data, twice the 512 MiB the two workers may hold).
"""

import os

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_v] = "1"

import argparse  # noqa: E402
import glob  # noqa: E402
import resource  # noqa: E402
import shutil  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
from scipy import special  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

K = 15
TRUE = np.r_[0.2, np.linspace(-1.0, 1.0, K)] / 3


def write(directory, rows, files, seed=0):
    os.makedirs(directory, exist_ok=True)
    rng = np.random.default_rng(seed)
    per = rows // files
    for i in range(files):
        X = rng.normal(size=(per, K))
        y = (rng.random(per) < special.expit(TRUE[0] + X @ TRUE[1:])).astype(float)
        np.save(os.path.join(directory, f"part{i:04d}.npy"), np.column_stack([X, y]))
    return per * files


def peak_rss(client):
    """Peak resident memory of each worker, MiB (ru_maxrss is in KiB on Linux)."""
    return {w.rsplit(":", 1)[-1]: v / 1024 for w, v in client.run(
        lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss).items()}


def irls(X, y, tol=1e-9):
    b, it = np.zeros(X.shape[1]), 0
    while True:
        it += 1
        p = special.expit(X @ b)
        g = X.T @ (y - p)
        b = b + np.linalg.solve(X.T @ (X * (p * (1 - p))[:, None]), g)
        if np.max(np.abs(g)) < tol * X.shape[0]:
            return b, it


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=8_000_000)
    ap.add_argument("--files", type=int, default=16)
    ap.add_argument("--worker-memory", default="256MiB")
    ap.add_argument("--dir", default="/tmp/derive_bench_scale")
    ap.add_argument("--skip-dask-glm", action="store_true")
    args = ap.parse_args()

    import dask.array as da
    from distributed import Client, LocalCluster

    from derive.fitting import fit
    from derive.fitting.distributed import DaskSample, open_data

    shutil.rmtree(args.dir, ignore_errors=True)
    t = time.perf_counter()
    n = write(args.dir, args.rows, args.files)
    size = sum(os.path.getsize(p) for p in glob.glob(f"{args.dir}/*.npy"))
    print(flush=True)
    print(f"data: {n:,} rows x {K} covariates in {args.files} .npy files, "
          f"{size / 2**30:.2f} GiB, written in {time.perf_counter() - t:.1f} s")
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                           memory_limit=args.worker_memory, dashboard_address=None)
    client = Client(cluster)
    print(f"LocalCluster: 2 workers x {args.worker_memory} (data / total worker memory = "
          f"{size / (2 * _bytes(args.worker_memory)):.1f})")
    names = [f"x{j}" for j in range(1, K + 1)]
    eta = " + ".join(["b0"] + [f"b{j}*x{j}" for j in range(1, K + 1)])
    model = f"exp(y*({eta}))/(1 + exp({eta}))"
    params = [f"b{j}" for j in range(K + 1)]
    kw = {"var": [*names, "y"]}

    # in-memory baseline on a sample that fits: hand-written IRLS, and derive + statsmodels
    sample = np.load(f"{args.dir}/part0000.npy")[:1_000_000]
    Xs, ys = np.column_stack([np.ones(len(sample)), sample[:, :K]]), sample[:, K]
    t = time.perf_counter()
    _, it_np = irls(Xs, ys)
    per_row_np = (time.perf_counter() - t) / it_np / len(sample)
    f_mem = fit(model, params, data={**{v: sample[:, j] for j, v in enumerate(names)},
                                     "y": ys}, **kw)
    try:
        import statsmodels.api as sm
        ref = sm.Logit(ys, Xs).fit(disp=0, tol=1e-12).params
        print(f"1e6-row sample: derive vs statsmodels Logit, max rel coefficient difference "
              f"{np.max(np.abs(f_mem.x - ref) / np.abs(ref)):.1e}")
    except ImportError:
        print("statsmodels not installed: no Logit comparison")

    rows = []
    t = time.perf_counter()
    f = fit(model, params, data=f"{args.dir}/*.npy", client=client, **kw)
    wall = time.perf_counter() - t
    s = f.sample
    assert isinstance(s, DaskSample)
    passes_iter = s.passes - 2  # the first pass (counts, support) and the parameter-free sum
    rows.append(("derive newton", f.newton.nit, s.passes, wall,
                 (wall / max(passes_iter, 1)) / n, f.x))
    print(f"derive: {f.newton.nit} Newton iterations, {s.passes} passes, {wall:.1f} s; worker "
          f"peak RSS (MiB): {({k: round(v) for k, v in peak_rss(client).items()})}")
    if not args.skip_dask_glm:
        from dask_glm.algorithms import lbfgs, newton
        from dask_glm.families import Logistic
        data = open_data(f"{args.dir}/*.npy", [*names, "y"])  # the same chunked reads
        X = da.concatenate([da.ones((n, 1), chunks=(data.chunks[0], (1,))), data[:, :K]],
                           axis=1)
        y = data[:, K]
        for name, algo in (("dask-glm newton", newton), ("dask-glm lbfgs", lbfgs)):
            t = time.perf_counter()
            try:
                beta = algo(X, y, family=Logistic, tol=1e-9, max_iter=100)
            except Exception as err:  # noqa: BLE001 -- a benchmark reports and goes on
                print(f"{name}: failed after {time.perf_counter() - t:.0f} s: "
                      f"{type(err).__name__}: {str(err)[:160]}")
                continue
            rows.append((name, None, None, time.perf_counter() - t, None, np.asarray(beta)))
    print(f"\n{'method':16} {'iter':>5} {'passes':>7} {'wall s':>8} {'rows/s per pass':>16} "
          f"{'vs NumPy':>9} {'max |b - derive|':>17}")
    for name, it, passes, wall, per_row, b in rows:
        rate = f"{1 / per_row:16,.0f}" if per_row else f"{'':16}"
        ratio = f"{per_row_np / per_row:9.2f}" if per_row else f"{'':9}"
        print(f"{name:16} {it if it else '':>5} {passes if passes else '':>7} {wall:8.1f} "
              f"{rate} {ratio} {np.max(np.abs(b - rows[0][5])):17.1e}")
    print(f"in-memory NumPy IRLS: {1 / per_row_np:,.0f} rows/s per iteration ({it_np} "
          "iterations on the 1e6-row sample)")
    print("worker peak RSS (MiB):", {k: round(v) for k, v in peak_rss(client).items()})
    client.close()
    cluster.close()
    shutil.rmtree(args.dir, ignore_errors=True)


def _bytes(text):
    units = {"KiB": 2**10, "MiB": 2**20, "GiB": 2**30, "KB": 1e3, "MB": 1e6, "GB": 1e9}
    for u, m in units.items():
        if text.endswith(u):
            return float(text[:-len(u)]) * m
    return float(text)


if __name__ == "__main__":
    main()
