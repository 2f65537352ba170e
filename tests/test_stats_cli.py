"""The integrate and expect commands through derive.cli.main (the console script's
own code, without a new interpreter per case; tests/test_cli.py runs real processes)."""

from derive.cli import main


def test_integrate_definite_exact(capsys):
    assert main(["integrate", "x**2", "x", "0", "1"]) == 0
    out = capsys.readouterr().out
    assert "= 1/3" in out and "verified" in out


def test_expect_normal_second_moment(capsys):
    assert main(["expect", "X**2", "--dist", "Normal(mu, sigma)"]) == 0
    assert "mu**2 + sigma**2" in capsys.readouterr().out


def test_bad_input_exits_2_with_one_line(capsys):
    assert main(["expect", "X", "--dist", "Nromal(0, 1)"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("derive: error:") and err.count("\n") == 1
    assert "unknown distribution family" in err and "Traceback" not in err


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
