"""derive minimize / derive stationary through derive.cli.main (the console script's
own code, without a new interpreter per case; tests/test_cli.py runs real processes)."""

import pytest

from derive.cli import main


def test_minimize_newton_rosenbrock(capsys):
    code = main(["minimize", "(1 - x)**2 + 100*(y - x**2)**2", "--wrt", "x", "y",
                 "--x0", "-1.2", "1", "--method", "newton"])
    out = capsys.readouterr().out
    assert code == 0
    lines = dict(line.split("=", 1) for line in out.splitlines()
                 if line.startswith("  ") and "=" in line)
    assert float(lines["  x "]) == pytest.approx(1.0, abs=1e-8)
    assert float(lines["  y "]) == pytest.approx(1.0, abs=1e-8)
    assert "check gradient: verified" in out


def test_minimize_constrained_reports_multiplier(capsys):
    code = main(["minimize", "x**2 + y**2", "--wrt", "x", "y", "--constraint", "x + y = 1"])
    out = capsys.readouterr().out
    assert code == 0
    assert "x = 1/2, y = 1/2" in out and "'eq': [-1.0]" in out


def test_minimize_nonconvergence_exit_1(capsys):
    code = main(["minimize", "(1 - x)**2 + 100*(y - x**2)**2", "--wrt", "x", "y",
                 "--x0", "-1.2", "1", "--method", "gd", "--maxiter", "5"])
    assert code == 1
    assert "success: False" in capsys.readouterr().out


def test_stationary_classifies(capsys):
    assert main(["stationary", "x**3 - 3*x + y**2", "--wrt", "x", "y"]) == 0
    out = capsys.readouterr().out
    assert "saddle     at (x = -1, y = 0)" in out
    assert "minimum    at (x = 1, y = 0)" in out


def test_bad_input_exit_2_one_line_x0_length(capsys):
    assert main(["minimize", "x**2", "--wrt", "x", "y", "--x0", "1"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("derive: error:") and "x0 has 1 entries" in err
    assert "Traceback" not in err and err.count("\n") == 1


@pytest.mark.parametrize("args, needle", [
    (("minimize", "x**2", "--wrt", "x", "--x0", "1", "--method", "adam"), "unknown method"),
    (("stationary", "__import__('os')"), ""),
    (("minimize", "x**2 +", "--wrt", "x", "--x0", "1"), ""),
])
def test_bad_input_exit_2_one_line(args, needle, capsys):
    code = main(list(args))
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("derive: error:") and needle in err and len(err.splitlines()) == 1


def test_minimize_seconds_reaches_the_call(capsys):
    """--seconds is minimize(seconds=): a budget too small for Himmelblau's solve sends
    it to the numeric enumeration, whose 50-digit points are not called exact."""
    code = main(["minimize", "(x**2 + y - 11)**2 + (x + y**2 - 7)**2", "--seconds", "0.5"])
    out = capsys.readouterr().out
    assert code == 0 and "(numeric)" in out and "exact" not in out
    assert main(["minimize", "x**2 - 3*x", "--wrt", "x", "--seconds", "5"]) == 0
    assert "exact:   x = 3/2" in capsys.readouterr().out


@pytest.mark.parametrize("value", ["nan", "-1", "0", "inf", "3601", "ten"])
def test_minimize_bad_seconds_exit_2_one_line(value, capsys):
    assert main(["minimize", "x**2", "--wrt", "x", "--seconds", value]) == 2
    err = capsys.readouterr().err
    assert err.startswith("derive: error: minimize: argument --seconds: expected a number "
                          "greater than 0 and at most 3600") and err.count("\n") == 1
