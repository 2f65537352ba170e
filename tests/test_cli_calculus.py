"""The ``derive`` command for derivatives and the demo, through ``derive.cli.main``
(the console script's own code, without a new interpreter per case; tests/test_cli.py
runs real processes)."""

import pytest

from derive.cli import main


def test_grad_prints_formula_value_and_code(capsys):
    code = main(["grad", "x**2*y + exp(x)", "--wrt", "x", "y", "--at", "x=0", "y=2", "--code"])
    out = capsys.readouterr().out
    assert code == 0
    assert "2*x*y + exp(x)" in out
    assert "[1. 0.]" in out.replace("  ", " ")  # (2*0*2 + e^0, 0^2)
    assert "def gradient(x, y):" in out


def test_hess_latex(capsys):
    assert main(["hess", "x**3*y", "--wrt", "x", "y", "--latex"]) == 0
    assert capsys.readouterr().out.startswith("$\\nabla^2_{x, y}")


@pytest.mark.parametrize("args", [
    ("grad", "x**", "--wrt", "x"),
    ("grad", "__import__('os').system('true')", "--wrt", "x"),
    ("grad", "x**2", "--wrt", "x", "--at", "x=abc"),
    ("grad", "x**2", "--wrt", "x", "--at", "y=1"),
    ("grad", "x**2"),
    ("nonsense-command",),
])
def test_bad_input_exits_2_with_one_line_and_no_traceback(args, capsys):
    assert main(list(args)) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1 or err.startswith("usage")
    assert "error" in err


def test_demo_runs_the_main_job(capsys):
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "w0 = -4.077" in out and "w1 = 1.504" in out  # Wikipedia: -4.0777, 1.5046
    assert out.count("\nverified ") == 2 and "refuted" not in out
