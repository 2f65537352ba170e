"""Every bad command-line input gets one clear line on stderr and exit 2, before any
work starts (issue 10, section 3); values that start with '-' are values.

In-process through derive.cli.main (the same parser and handlers as the console
script, without a new interpreter per case); test_cli.py runs real processes.
"""

import pytest

from derive.cli import main


@pytest.mark.parametrize("args, message", [
    (["verify", "x", "x", "--seed", "-1"], "--seed: expected an integer from 0"),
    (["verify", "x", "x", "--seed", "1e3"], "--seed: expected an integer"),
    (["verify", "x", "x", "--points", "1000000000"],
     "--points: expected an integer from 1 to 1000"),
    (["verify", "x", "x", "--points", "0"], "--points"),
    (["minimize", "x**2", "--wrt", "x", "--x0", "1", "--restarts", "1000000000"],
     "--restarts: expected an integer from 0 to 100"),
    (["minimize", "x**2", "--wrt", "x", "--x0", "1", "--maxiter", "10**12"], "--maxiter"),
    (["minimize", "x**2", "--wrt", "x", "--x0", "nan"], "--x0: expected a finite number"),
    (["minimize", "x**2", "--wrt", "x", "--x0", "1", "--tol", "-1"], "--tol"),
    (["integrate", "x", "x", "0", "1", "--digits", "99999999999999999999"],
     "--digits: expected an integer from 1 to 50"),
    (["eig", "[[1]]", "--digits", "1000000000"], "--digits: expected an integer from 5 to 1000"),
    (["integrate", "a*x", "x", "--positive", "a:100000000"],
     "--positive: expected a variable name"),
    (["integrate", "x", "x", "--seconds", "nan"], "--seconds: expected a number greater than 0"),
    (["stationary", "x**2", "--seconds", "inf"], "--seconds"),
    (["expect", "X", "--dist", "Normal(0, 1)", "--seconds", "0"], "--seconds"),
    (["det", "[[1]]", "--seconds", "-5"], "--seconds"),
    (["mle", "lam*exp(-lam*x)", "--params", "lam", "--level", "1.5"],
     "--level: expected a number greater than 0 and less than 1"),
    (["mle", "lam*exp(-lam*x)", "--params", "lam", "--level", "nan"], "--level"),
    (["mle", "lam*exp(-lam*x)", "--params", "lam", "--known", "k=nan"],
     "--known: 'k=nan': nan is not a finite number"),
    (["mle", "lam*exp(-lam*x)", "--params", "lam", "--known", "k"],
     "--known: expected NAME=NUMBER"),
    (["grad", "trace(A)", "--wrt", "A", "--shape", "A=1000000000,1000000000", "--check"],
     "at most 1000 entries"),
    (["grad", "trace(A)", "--wrt", "A", "--shape", "A=a:3"], "--shape: expected NAME=ROWS,COLS"),
    (["grad", "trace(A)", "--wrt", "A", "--shape", "A=0,2"], "--shape"),
])
def test_bad_option_one_line_exit_2(args, message, capsys):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert message in err, err
    assert err.startswith("derive: error: ") and err.count("\n") == 1
    assert "Traceback" not in err


def test_expression_starting_with_minus_is_an_expression(capsys):
    assert main(["stationary", "-x**2+y**2", "--wrt", "x", "y"]) == 0
    out = capsys.readouterr().out
    assert "saddle" in out
    assert main(["grad", "-x**2 + y", "--wrt", "x", "y"]) == 0
    assert "[-2*x, 1]" in capsys.readouterr().out


def test_minus_infinity_limit_readme_line(capsys):
    # the README's own line: sqrt(pi), exact or to 30 digits
    assert main(["integrate", "exp(-x**2)", "x", "-oo", "oo", "--digits", "30"]) == 0
    out = capsys.readouterr().out
    assert "(x, -oo, oo)) = sqrt(pi)" in out or "= 1.77245385090551602729816748334" in out


def test_negative_start_point_still_reads_as_numbers(capsys):
    assert main(["minimize", "(x + 2)**2 + y**2", "--wrt", "x", "y", "--x0", "-1.5", "-inf"]) == 2
    assert "--x0: expected a finite number, got '-inf'" in capsys.readouterr().err
    assert main(["minimize", "(x + 2)**2 + y**2", "--wrt", "x", "y", "--x0", "-1.5", "-2"]) == 0
    assert "x = -2" in capsys.readouterr().out


def test_help_is_still_an_option(capsys):
    assert main(["grad", "-h"]) == 0
    assert "--wrt" in capsys.readouterr().out
