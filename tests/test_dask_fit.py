"""Fits on Dask data (arrays, data frames, globs of .npy/.csv/.parquet files) on the
LocalCluster of two worker processes that derive starts by itself: the same
estimates, standard errors (sandwich too) and intervals as the in-memory fit,
also when a worker dies mid-fit, and a malformed chunk named in the error.

The truth here is the in-memory fit of the same data, itself checked against
textbook formulas, SciPy and statsmodels in test_likelihood / test_fit_report.
"""

import os

import numpy as np
import pytest
from scipy import special

from derive.errors import ParseError
from derive.fitting import fit
from derive.fitting.distributed import client_for, close_clients

distributed = pytest.importorskip("distributed")
da = pytest.importorskip("dask.array")

REL = 1e-12
N = 100_000
RNG = np.random.default_rng(5)


@pytest.fixture(scope="module")
def client():
    """The LocalCluster (two single-threaded worker processes, each under a nanny that
    restarts it) that ``fit`` and the CLI start when given no client and no address."""
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("DASK_SCHEDULER_ADDRESS", raising=False)
        yield client_for()
    close_clients()


def same(f_mem, f_dask):
    assert f_dask.sample.n == f_mem.sample.n
    np.testing.assert_allclose(f_dask.x, f_mem.x, rtol=REL)
    np.testing.assert_allclose(f_dask.se_expected, f_mem.se_expected, rtol=REL)
    np.testing.assert_allclose(f_dask.se_observed, f_mem.se_observed, rtol=1e-10)
    np.testing.assert_allclose(f_dask.wald(), f_mem.wald(), rtol=REL)
    assert f_dask.loglik == pytest.approx(f_mem.loglik, rel=REL)


def test_closed_form_on_npy_files(client, tmp_path):
    x = RNG.normal(3.0, 2.0, N)
    for i, part in enumerate(np.array_split(x, 4)):
        np.save(tmp_path / f"part{i}.npy", part)
    f_dask = fit("Normal(mu, sigma)", ["mu", "sigma"], data=str(tmp_path / "*.npy"),
                 client=client)
    assert f_dask.path == "closed form"
    same(fit("Normal(mu, sigma)", ["mu", "sigma"], data=x), f_dask)


def test_newton_on_a_dask_array_with_a_worker_killed_mid_fit(client, tmp_path):
    """Every pass reads the 4 chunks through ``chunk``; the 15th read kills its worker
    process (``os._exit``), once. Reads 1-14 are Dask's probe of ``chunk`` when the
    array is built, the first pass, the rows kept for the starting point and the
    first two Newton points, so the kill lands in the third Newton point's pass
    (``fit`` computes at least four). The scheduler runs the lost tasks again
    (the nanny restarts the dead worker), and the estimates, standard errors and
    sandwich standard errors equal the in-memory fit's."""
    x = RNG.gamma(2.5, 1.3, N)
    reads, killed = str(tmp_path / "reads"), str(tmp_path / "killed")

    def chunk(block):  # a local function: pickled by value to the workers
        fd = os.open(reads, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        os.write(fd, b".")
        count = os.fstat(fd).st_size
        os.close(fd)
        if count >= 15:
            try:
                os.close(os.open(killed, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
            except FileExistsError:
                return block
            os._exit(1)
        return block

    data = da.from_array(x, chunks=25_000).map_blocks(chunk, dtype=float)
    f_dask = fit("Gamma(k, theta)", ["k", "theta"], data=data, client=client)
    assert os.path.exists(killed)
    passes_after_kill = (os.path.getsize(reads) - 15) // 4
    assert f_dask.path == "newton" and passes_after_kill >= 1
    f_mem = fit("Gamma(k, theta)", ["k", "theta"], data=x)
    same(f_mem, f_dask)
    np.testing.assert_allclose(f_dask.se_sandwich, f_mem.se_sandwich, rtol=REL)
    assert f_dask.newton.nit <= 8


def test_logistic_regression_on_parquet_files(client, tmp_path):
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    x1, x2 = RNG.normal(size=N), RNG.normal(size=N)
    y = (RNG.random(N) < special.expit(0.3 + x1 - 0.5 * x2)).astype(float)
    frame = pd.DataFrame({"x1": x1, "x2": x2, "y": y})
    for i, rows in enumerate(np.array_split(np.arange(N), 3)):
        frame.iloc[rows].to_parquet(tmp_path / f"p{i}.parquet")
    model = "exp(y*(b0 + b1*x1 + b2*x2))/(1 + exp(b0 + b1*x1 + b2*x2))"
    kw = {"var": ["x1", "x2", "y"]}
    f_dask = fit(model, ["b0", "b1", "b2"], data=str(tmp_path / "*.parquet"), client=client,
                 **kw)
    f_mem = fit(model, ["b0", "b1", "b2"], data={"x1": x1, "x2": x2, "y": y}, **kw)
    assert f_dask.path == f_mem.path == "newton"
    np.testing.assert_allclose(f_dask.x, f_mem.x, rtol=REL)
    np.testing.assert_allclose(f_dask.se_observed, f_mem.se_observed, rtol=1e-10)
    np.testing.assert_allclose(f_dask.se_sandwich, f_mem.se_sandwich, rtol=REL)


def test_regression_closed_form_on_a_dask_dataframe(client):
    dd = pytest.importorskip("dask.dataframe")
    pd = pytest.importorskip("pandas")
    x1, x2 = RNG.normal(size=N), RNG.normal(size=N)
    y = 1e3 + 2 * x1 - 0.5 * x2 + RNG.normal(size=N)
    frame = dd.from_pandas(pd.DataFrame({"x1": x1, "x2": x2, "y": y}), npartitions=4)
    model = "exp(-(y-b0-b1*x1-b2*x2)^2/(2*s^2))/s"
    kw = {"var": ["x1", "x2", "y"]}
    f_dask = fit(model, ["b0", "b1", "b2", "s"], data=frame, client=client, **kw)
    f_mem = fit(model, ["b0", "b1", "b2", "s"], data={"x1": x1, "x2": x2, "y": y}, **kw)
    assert f_dask.path == "closed form"
    np.testing.assert_allclose(f_dask.x, f_mem.x, rtol=REL)


def test_malformed_third_file_is_named(client, tmp_path):
    x = RNG.exponential(0.5, 3000)
    for i, part in enumerate(np.array_split(x, 4)):
        rows = [repr(float(v)) for v in part]
        if i == 2:
            rows[500] = "0.3.1"
        (tmp_path / f"c{i}.csv").write_text("x\n" + "\n".join(rows) + "\n")
    with pytest.raises(ParseError, match=r"c2\.csv.*not a numeric CSV"):
        fit("Exponential(lam)", ["lam"], data=str(tmp_path / "*.csv"), client=client)


def test_csv_glob_matches_in_memory(client, tmp_path):
    x = RNG.exponential(0.5, 3000)
    for i, part in enumerate(np.array_split(x, 3)):
        (tmp_path / f"c{i}.csv").write_text("x\n" + "\n".join(map(repr, part.tolist())) + "\n")
    same(fit("Exponential(lam)", ["lam"], data=x),
         fit("Exponential(lam)", ["lam"], data=str(tmp_path / "*.csv"), client=client))


def test_out_of_support_and_no_files(client, tmp_path):
    with pytest.raises(ParseError, match="outside the support"):
        fit("Exponential(lam)", ["lam"], data=da.from_array(np.array([1.0, -2.0, 3.0]),
                                                             chunks=2), client=client)
    with pytest.raises(ParseError, match="no file matches"):
        fit("Exponential(lam)", ["lam"], data=str(tmp_path / "none*.npy"), client=client)


def test_cli_glob_on_the_local_cluster_and_on_a_scheduler_address(client, tmp_path, capsys,
                                                                  monkeypatch):
    """`derive mle --data 'parts/*.csv'` with no scheduler reads the files on the
    workers of the LocalCluster derive started; with `--scheduler ADDRESS`, on that
    scheduler; and fit() takes the address from DASK_SCHEDULER_ADDRESS."""
    from derive.cli import main
    x = RNG.normal(5.0, 2.0, 3000)
    for i, part in enumerate(np.array_split(x, 3)):
        (tmp_path / f"p{i}.csv").write_text("x\n" + "\n".join(map(repr, part.tolist())) + "\n")
    pattern = str(tmp_path / "p*.csv")
    argv = ["mle", "Normal(mu, sigma)", "--params", "mu", "sigma", "--data", pattern]
    with distributed.get_task_stream(client) as tasks:
        assert main(argv) == 0
    assert sum("read_csv_block" in str(t["key"]) for t in tasks.data) >= 3
    out = capsys.readouterr().out
    assert f"{x.mean():.10g}" in out and "verified" in out
    address = client.scheduler.address
    assert main(argv + ["--scheduler", address]) == 0
    assert f"{x.mean():.10g}" in capsys.readouterr().out
    monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", address)
    f = fit("Normal(mu, sigma)", ["mu", "sigma"], data=pattern)
    assert f.x[0] == pytest.approx(x.mean(), rel=REL)
    assert f.sample._client.scheduler.address == address
    close_clients(address)  # the client fit() opened on that address


def test_logistic_regression_on_npy_files(client, tmp_path):
    """The .npy path: each pass maps the files a window at a time on the workers, and
    the GLM's design matrix is the files' own columns."""
    x1, x2 = RNG.normal(size=N), RNG.normal(size=N)
    y = (RNG.random(N) < special.expit(0.3 + x1 - 0.5 * x2)).astype(float)
    for i, rows in enumerate(np.array_split(np.arange(N), 3)):
        np.save(tmp_path / f"p{i}.npy", np.column_stack([x1, x2, y])[rows])
    model = "exp(y*(b0 + b1*x1 + b2*x2))/(1 + exp(b0 + b1*x1 + b2*x2))"
    kw = {"var": ["x1", "x2", "y"]}
    f_dask = fit(model, ["b0", "b1", "b2"], data=str(tmp_path / "*.npy"), client=client, **kw)
    f_mem = fit(model, ["b0", "b1", "b2"], data={"x1": x1, "x2": x2, "y": y}, **kw)
    assert f_dask.path == f_mem.path == "newton"
    np.testing.assert_allclose(f_dask.x, f_mem.x, rtol=REL)
    np.testing.assert_allclose(f_dask.se_observed, f_mem.se_observed, rtol=1e-10)
