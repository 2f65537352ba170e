"""``derive mle --data`` and ``fit`` at the edges: every bad file or value is one clear line.

Through ``derive.cli.main`` (the same code a user runs, without the start-up cost)
and one subprocess for the README's line; truths from SciPy and textbook formulas.
"""

import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest
import sympy as sp
from scipy import stats as st
from sympy import stats as ss

from derive import conjugate_posterior
from derive.cli import main
from derive.errors import DeriveError, ParseError
from derive.fitting import fit
from derive.fitting.files import read_csv

ROOT = pathlib.Path(__file__).resolve().parents[1]
NORMAL = ["mle", "Normal(mu, sigma)", "--params", "mu", "sigma"]


def one_error_line(capsys, args):
    """Run the CLI; it must exit 2 with one stderr line and no traceback."""
    code = main(args)
    err = capsys.readouterr().err
    assert code == 2, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("derive: error:"), err
    return lines[0]


@pytest.fixture
def csv(tmp_path):
    def write(name, content):
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
        return str(path)
    return write


@pytest.mark.parametrize("content, words", [
    (b"x\n1.5\n\xe9\xff\n", "not UTF-8"),
    ("x,x\n1,2\n3,4\n", "names column 'x' twice"),
    ("", "is empty"),
    ("x\n", "no observations"),
    ("x\n1.7e308\n1.79e308\n1.75e308\n", "not finite in float64"),
    ("x\n1\nnan\n", "non-finite"),
    ("y\n1\n2\n", "no column 'x'"),
    ("x\n1\nabc\n", "not a numeric CSV"),
])
def test_bad_data_file_is_one_line(capsys, csv, content, words):
    path = csv("data.csv", content)
    line = one_error_line(capsys, [*NORMAL, "--data", path])
    assert words in line
    out = capsys.readouterr().out
    assert "RuntimeWarning" not in out


def test_bad_file_fails_before_any_derivation(capsys, csv):
    one_error_line(capsys, [*NORMAL, "--data", csv("d.csv", "x,x\n1,2\n")])
    assert capsys.readouterr().out == ""


def test_device_and_fifo_are_refused_at_once(capsys, tmp_path):
    assert "is a device" in one_error_line(capsys, [*NORMAL, "--data", "/dev/zero"])
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    assert "FIFO" in one_error_line(capsys, [*NORMAL, "--data", str(fifo)])


def test_size_cap(csv):
    path = csv("big.csv", "x\n" + "1.0\n" * 1000)
    with pytest.raises(ParseError, match="over the"):
        read_csv(path, ["x"], max_bytes=1000)


def test_byte_order_mark_is_ignored(csv):
    x = np.array([1.0, 2.5, 0.7, 3.25])
    path = csv("bom.csv", b"\xef\xbb\xbfx\n" + "\n".join(map(str, x)).encode() + b"\n")
    np.testing.assert_array_equal(read_csv(path, ["x"])["x"], x)


def test_known_nan_is_refused(capsys, csv):
    path = csv("g.csv", "x\n1\n2\n3\n")
    line = one_error_line(capsys, ["mle", "x^(k-1)*exp(-x/theta)/(gamma(k)*theta^k)",
                                   "--params", "theta", "--known", "k=nan", "--data", path])
    assert "not a finite number" in line
    with pytest.raises(DeriveError, match="not a finite number"):
        fit("x^(k-1)*exp(-x/theta)/(gamma(k)*theta^k)", ["theta"], data=[1.0, 2.0],
            known={"k": float("inf")})


def test_readme_example_file():
    """The README's mle line, as a user types it, on the CSV the package ships."""
    out = subprocess.run([sys.executable, "-m", "derive", *NORMAL, "--data",
                          "derive/data/normal_sample.csv"], capture_output=True, text=True,
                         timeout=120, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    x = np.loadtxt(ROOT / "derive/data/normal_sample.csv", skiprows=1)
    assert f"{x.mean():.10g}" in out.stdout and "verified" in out.stdout


def test_binomial_with_a_huge_number_of_trials_is_closed_form(capsys, csv):
    """Binomial(10**9, p): never expanded; estimate, SE and log-likelihood vs SciPy."""
    path = csv("b.csv", "x\n3\n5\n4\n")
    assert main(["mle", "Binomial(10**9, p)", "--params", "p", "--data", path]) == 0
    out = capsys.readouterr().out
    assert "p_hat = sum_x/(n*n_X)" in out and "n_X = 1000000000" in out
    x = np.array([3.0, 5.0, 4.0])
    f = fit("Binomial(10**9, p)", ["p"], data=x)
    p = x.mean() / 1e9
    np.testing.assert_allclose(f.x, [p], rtol=1e-14)
    np.testing.assert_allclose(f.loglik, st.binom.logpmf(x, 10**9, p).sum(), rtol=1e-9)
    np.testing.assert_allclose(f.se_expected, [np.sqrt(p * (1 - p) / (3 * 1e9))], rtol=1e-12)


@pytest.mark.parametrize("prior", [ss.Beta("P", 2, 5), "Beta(2, 5)"])
def test_beta_bernoulli_with_numbers_or_text(prior):
    p = sp.Symbol("p", positive=True)
    post = conjugate_posterior(ss.Bernoulli("X", p), [p], prior=prior)
    x = np.array([1.0, 0.0, 1.0, 1.0, 0.0, 1.0])
    got = post.on(x, {})
    a, b = 2 + x.sum(), 5 + x.size - x.sum()  # textbook Beta(a + s, b + n - s)
    assert got["mean"][p] == pytest.approx(a / (a + b), rel=1e-14)
    lo, hi = post.credible_interval(x, {})[p]
    assert (lo, hi) == pytest.approx(st.beta(a, b).ppf([0.025, 0.975]), rel=1e-12)


@pytest.mark.parametrize("prior", [ss.Normal("M", 1, 10), "Normal(1, 10)"])
def test_normal_normal_with_numbers_or_text(prior):
    mu = sp.Symbol("mu", real=True)
    post = conjugate_posterior("Normal(mu, 2)", [mu], prior=prior)
    x = np.array([0.3, 1.7, 2.2, -0.4])
    got = post.on(x, {})
    prec = 1 / 10**2 + x.size / 2**2  # textbook: precisions add
    mean = (1 / 10**2 + x.sum() / 2**2) / prec
    assert got["mean"][mu] == pytest.approx(mean, rel=1e-14)
    assert post.credible_interval(x, {})[mu] == pytest.approx(
        st.norm(mean, prec**-0.5).ppf([0.025, 0.975]), rel=1e-12)
