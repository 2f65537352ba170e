"""The integrate and expect commands: through a subprocess as a user runs them, and
through derive.cli.main for the remaining paths (same code, no start-up cost)."""

import subprocess
import sys

from derive.cli import main


def derive(*args):
    return subprocess.run([sys.executable, "-m", "derive", *args], capture_output=True,
                          text=True, timeout=120)


def test_integrate_definite_exact():
    out = derive("integrate", "x**2", "x", "0", "1")
    assert out.returncode == 0 and "= 1/3" in out.stdout and "verified" in out.stdout


def test_expect_normal_second_moment():
    out = derive("expect", "X**2", "--dist", "Normal(mu, sigma)")
    assert out.returncode == 0 and "mu**2 + sigma**2" in out.stdout


def test_bad_input_exits_2_with_one_line():
    out = derive("expect", "X", "--dist", "Nromal(0, 1)")
    assert out.returncode == 2 and out.stderr.startswith("derive: error:")
    assert "unknown distribution family" in out.stderr and "Traceback" not in out.stderr


def test_integrate_numeric_digits(capsys):
    assert main(["integrate", "x**x", "x", "0", "1", "--digits", "30", "--seconds", "6"]) == 0
    out = capsys.readouterr().out
    assert "0.783430510712134407059264386527" in out and "numeric" in out


def test_integrate_positive_parameter_and_latex(capsys):
    assert main(["integrate", "exp(-a*x)", "x", "0", "oo", "--positive", "a", "--latex"]) == 0
    assert "\\frac{1}{a}" in capsys.readouterr().out


def test_expect_variance_of_two_variables(capsys):
    assert main(["expect", "X + Y", "--dist", "X=Normal(0, 1)", "--dist", "Y=Exponential(1)",
                 "--variance"]) == 0
    assert "= 2" in capsys.readouterr().out


def test_cli_errors(capsys):
    assert main(["integrate", "x+", "x"]) == 2
    assert main(["integrate", "x", "x", "0"]) == 2
    assert main(["expect", "X", "--dist", "X=Normal(0, 1)", "--dist", "X=Normal(0, 1)"]) == 2
    err = capsys.readouterr().err
    assert err.count("derive: error:") == 3
