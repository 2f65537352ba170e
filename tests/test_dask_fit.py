"""Fits on Dask data (arrays, data frames, globs of .npy/.csv/.parquet files) on a
LocalCluster of two workers: the same estimates, standard errors and intervals as
the in-memory fit, and a malformed chunk named in the error.

The truth here is the in-memory fit of the same data, itself checked against
textbook formulas, SciPy and statsmodels in test_likelihood / test_fit_report.
"""

import numpy as np
import pytest
from scipy import special

from derive.errors import ParseError
from derive.fitting import fit
from derive.fitting.distributed import close_clients

distributed = pytest.importorskip("distributed")
da = pytest.importorskip("dask.array")

REL = 1e-12
N = 100_000
RNG = np.random.default_rng(5)


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None)
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


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


def test_newton_on_a_dask_array(client):
    x = RNG.gamma(2.5, 1.3, N)
    f_dask = fit("Gamma(k, theta)", ["k", "theta"], data=da.from_array(x, chunks=30_000),
                 client=client)
    assert f_dask.path == "newton"
    f_mem = fit("Gamma(k, theta)", ["k", "theta"], data=x)
    same(f_mem, f_dask)
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


def test_cli_glob_on_a_scheduler_address(client, tmp_path, capsys, monkeypatch):
    """`derive mle --data 'parts/*.csv' --scheduler ADDRESS`, and the same address taken
    from DASK_SCHEDULER_ADDRESS by fit()."""
    from derive.cli import main
    x = RNG.normal(5.0, 2.0, 3000)
    for i, part in enumerate(np.array_split(x, 3)):
        (tmp_path / f"p{i}.csv").write_text("x\n" + "\n".join(map(repr, part.tolist())) + "\n")
    pattern = str(tmp_path / "p*.csv")
    address = client.scheduler.address
    assert main(["mle", "Normal(mu, sigma)", "--params", "mu", "sigma", "--data", pattern,
                 "--scheduler", address]) == 0
    out = capsys.readouterr().out
    assert f"{x.mean():.10g}" in out and "verified" in out
    monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", address)
    f = fit("Normal(mu, sigma)", ["mu", "sigma"], data=pattern)
    assert f.x[0] == pytest.approx(x.mean(), rel=REL)
    assert f.sample._client.scheduler.address == address
    close_clients()  # the client fit() opened on that address, before the cluster stops
