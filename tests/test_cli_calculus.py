"""The ``derive`` command for derivatives and the demo, through a subprocess."""

import subprocess
import sys

import pytest


def derive(*args, timeout=120):
    return subprocess.run([sys.executable, "-m", "derive", *args], capture_output=True,
                          text=True, timeout=timeout)


def test_grad_prints_formula_value_and_code():
    r = derive("grad", "x**2*y + exp(x)", "--wrt", "x", "y", "--at", "x=0", "y=2", "--code")
    assert r.returncode == 0, r.stderr
    assert "2*x*y + exp(x)" in r.stdout
    assert "[1. 0.]" in r.stdout.replace("  ", " ")  # (2*0*2 + e^0, 0^2)
    assert "def gradient(x, y):" in r.stdout


def test_hess_latex():
    r = derive("hess", "x**3*y", "--wrt", "x", "y", "--latex")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("$\\nabla^2_{x, y}")


@pytest.mark.parametrize("args", [
    ("grad", "x**", "--wrt", "x"),
    ("grad", "__import__('os').system('true')", "--wrt", "x"),
    ("grad", "x**2", "--wrt", "x", "--at", "x=abc"),
    ("grad", "x**2", "--wrt", "x", "--at", "y=1"),
    ("grad", "x**2"),
    ("nonsense-command",),
])
def test_bad_input_exits_2_with_one_line_and_no_traceback(args):
    r = derive(*args)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 or r.stderr.startswith("usage")
    assert "error" in r.stderr


def test_demo_runs_the_main_job():
    r = derive("demo", timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "w0 = -4.077" in r.stdout and "w1 = 1.504" in r.stdout  # Wikipedia: -4.0777, 1.5046
    assert r.stdout.count("\nverified ") == 2 and "refuted" not in r.stdout
