"""Logistic regression on data larger than the Dask workers' memory: derive against
dask-glm, in one run.

Writes ``--rows`` rows of 15 covariates and a 0/1 response as chunked ``.npy`` files
(``--files`` of them, 16 float64 columns: 128 bytes a row), starts a LocalCluster
of two single-threaded workers limited to ``--worker-memory`` each, and fits:

* derive: ``fit(model, data="dir/*.npy")`` — Newton, one pass over the chunks per
  iteration (compiled per-chunk score and Hessian, tree-summed);
* dask-glm ``newton`` and ``lbfgs`` on the same files (the same lazy chunked reads),
  each in a child process on the same scheduler, bounded by ``--glm-max-iter`` and
  ``--glm-seconds``: a run still going at the limit is stopped and reported as "did
  not finish in T s" (its passes over the data are counted from the scheduler's task
  stream: reads of a chunk / chunks).

Printed: iterations, passes over the data, wall time, each worker's peak resident
memory, rows per second per pass (derive: the passes' own wall time; dask-glm: its
wall time over its passes) against a hand-written in-memory NumPy IRLS on a 1e6-row
sample (one BLAS thread), and the coefficients of derive against statsmodels
``Logit`` on that sample. Benchmarks print ratios; nothing here is a test.

Run: ``python -u benchmarks/bench_scale.py`` (the defaults: 17e6 rows in 17 files,
2.03 GiB, twice the 2 x 512 MiB the workers may hold; a worker holding derive's
kernels starts near 200 MiB, so 256 MiB workers pause at once and never finish).
"""

import os

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_v] = "1"

import argparse  # noqa: E402
import glob  # noqa: E402
import json  # noqa: E402
import resource  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
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


def _vm_hwm_kib():
    """This process's peak resident memory in KiB: ``VmHWM`` of /proc/self/status (it
    starts afresh at exec; ``ru_maxrss`` keeps the parent's peak from before the
    worker's exec, here the benchmark's own ~400 MiB), else ru_maxrss."""
    try:
        with open("/proc/self/status") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def peak_rss(client):
    """Peak resident memory of each worker, MiB."""
    return {w.rsplit(":", 1)[-1]: v / 1024 for w, v in client.run(_vm_hwm_kib).items()}


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
    ap.add_argument("--rows", type=int, default=17_000_000)
    ap.add_argument("--files", type=int, default=17)
    ap.add_argument("--worker-memory", default="512MiB")
    ap.add_argument("--dir", default="/tmp/derive_bench_scale")
    ap.add_argument("--skip-dask-glm", action="store_true")
    ap.add_argument("--glm-seconds", type=float, default=300.0,
                    help="wall-time limit of each dask-glm run (default 300)")
    ap.add_argument("--glm-max-iter", type=int, default=50)
    ap.add_argument("--glm-tol", type=float, default=1e-8)
    ap.add_argument("--dask-glm", choices=["newton", "lbfgs"], help=argparse.SUPPRESS)
    ap.add_argument("--scheduler", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.dask_glm:
        return dask_glm_child(args)

    from distributed import Client, LocalCluster

    from derive.fitting import fit
    from derive.fitting.distributed import DaskSample

    shutil.rmtree(args.dir, ignore_errors=True)
    t = time.perf_counter()
    n = write(args.dir, args.rows, args.files)
    size = sum(os.path.getsize(p) for p in glob.glob(f"{args.dir}/*.npy"))
    print(flush=True)
    print(f"data: {n:,} rows x {K} covariates in {args.files} .npy files, "
          f"{size / 2**30:.2f} GiB, written in {time.perf_counter() - t:.1f} s")
    def new_cluster():
        return LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                            memory_limit=args.worker_memory, dashboard_address=None)

    cluster = new_cluster()
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
    rows.append(("derive newton", f.newton.nit, s.passes, wall, s.pass_seconds / s.passes / n,
                 f.x))
    print(f"derive: {f.newton.nit} Newton iterations, {s.passes} passes ({s.pass_seconds:.1f} s "
          f"in them; the rest is derivation and compilation), {wall:.1f} s; worker "
          f"peak RSS (MiB): {({k: round(v) for k, v in peak_rss(client).items()})}", flush=True)
    client.close()
    cluster.close()
    if not args.skip_dask_glm:
        for algo in ("newton", "lbfgs"):  # each on a cluster of its own, as derive had
            cluster = new_cluster()
            client = Client(cluster)
            rows.append(run_dask_glm(algo, args, cluster.scheduler_address, n))
            print(f"dask-glm {algo}: {rows[-1][3]}; worker peak RSS (MiB): "
                  f"{({k: round(v) for k, v in peak_rss(client).items()})}", flush=True)
            client.close()
            cluster.close()
    print(f"\n{'method':16} {'iter':>5} {'passes':>7} {'wall s':>8} {'rows/s per pass':>16} "
          f"{'vs NumPy':>9} {'max |b - derive|':>17}")
    for name, it, passes, wall, per_row, b in rows:
        rate = f"{1 / per_row:16,.0f}" if per_row else f"{'':16}"
        ratio = f"{per_row_np / per_row:9.2f}" if per_row else f"{'':9}"
        if b is None:   # stopped or failed: say so in the row
            print(f"{name:16} {'':>5} {passes if passes else '':>7} {wall}")
            continue
        print(f"{name:16} {it if it else '':>5} {passes if passes else '':>7} {wall:8.1f} "
              f"{rate} {ratio} {np.max(np.abs(b - rows[0][5])):17.1e}")
    print(f"in-memory NumPy IRLS: {1 / per_row_np:,.0f} rows/s per iteration ({it_np} "
          "iterations on the 1e6-row sample)")
    shutil.rmtree(args.dir, ignore_errors=True)


def run_dask_glm(algo, args, address, n):
    """One dask-glm run in a child process on the scheduler at ``address``, stopped at
    ``--glm-seconds``: a table row ``(name, None, passes, wall or text, per_row, beta)``."""
    name = f"dask-glm {algo}"
    cmd = [sys.executable, "-u", os.path.abspath(__file__), "--dask-glm", algo, "--scheduler",
           address, "--dir", args.dir, "--glm-max-iter", str(args.glm_max_iter),
           "--glm-tol", str(args.glm_tol)]
    t = time.perf_counter()
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=args.glm_seconds,
                              check=False)
    except subprocess.TimeoutExpired:
        return (name, None, None, f"did not finish in {args.glm_seconds:.0f} s (stopped)",
                None, None)
    wall = time.perf_counter() - t
    result = [ln for ln in done.stdout.splitlines() if ln.startswith("RESULT ")]
    if done.returncode or not result:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return (name, None, None, f"failed after {wall:.0f} s: {last[:120]}", None, None)
    out = json.loads(result[-1][len("RESULT "):])
    passes = out["passes"]
    return (name, None, round(passes, 1), wall, wall / max(passes, 1) / n,
            np.asarray(out["beta"]))


def dask_glm_child(args):
    """``--dask-glm ALGO``: fit on the files with dask-glm and print ``RESULT {json}``."""
    import dask.array as da
    from dask_glm.algorithms import lbfgs, newton
    from dask_glm.families import Logistic
    from distributed import Client, get_task_stream

    from derive.fitting.distributed import open_data

    client = Client(args.scheduler)
    names = [f"x{j}" for j in range(1, K + 1)]
    # derive's chunked reads, in 32 MiB blocks: dask-glm holds whole blocks and their
    # temporaries in memory (with derive's 128 MiB tasks its 512 MiB workers are killed)
    data = open_data(f"{args.dir}/*.npy", [*names, "y"], chunk_bytes=32 * 2**20)
    n = data.shape[0]
    X = da.concatenate([da.ones((n, 1), chunks=(data.chunks[0], (1,))), data[:, :K]], axis=1)
    algo = {"newton": newton, "lbfgs": lbfgs}[args.dask_glm]
    with get_task_stream(client) as stream:
        beta = algo(X, data[:, K], family=Logistic, tol=args.glm_tol, max_iter=args.glm_max_iter)
    reads = sum("read_npy_block" in str(t["key"]) for t in stream.data)
    print("RESULT " + json.dumps({"beta": np.asarray(beta).tolist(),
                                  "passes": reads / len(data.chunks[0])}))
    client.close()


def _bytes(text):
    units = {"KiB": 2**10, "MiB": 2**20, "GiB": 2**30, "KB": 1e3, "MB": 1e6, "GB": 1e9}
    for u, m in units.items():
        if text.endswith(u):
            return float(text[:-len(u)]) * m
    return float(text)


if __name__ == "__main__":
    main()
