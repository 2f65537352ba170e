"""The linear-algebra commands of the CLI through derive.cli.main (the console
script's own code, without a new interpreter per case; tests/test_cli.py runs
``derive eig`` and ``derive inv`` as real processes)."""

import numpy as np
import pytest

from derive.cli import main


def test_eig_textbook_matrix(capsys):
    assert main(["eig", "[[1,2],[3,4]]"]) == 0
    out = capsys.readouterr().out
    assert "λ = 5/2 - sqrt(33)/2" in out and "λ = 5/2 + sqrt(33)/2" in out
    assert out.count("check: exact") == 2 and "every pair verified" in out
    # the printed approximations agree with numpy
    for value in np.linalg.eigvals(np.array([[1.0, 2.0], [3.0, 4.0]])):
        assert f"{value:.8f}"[:9] in out


def test_singular_inverse_one_line_exit_2(capsys):
    assert main(["inv", "[[1,2],[2,4]]"]) == 2
    err = capsys.readouterr().err
    assert "singular (rank 1 < 2)" in err and "Traceback" not in err
    assert err.count("\n") == 1


def test_eig_latex_and_digits(capsys):
    assert main(["eig", "[[2,1],[1,2]]", "--latex"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("$") and "\\lambda" in out
    assert main(["eig", "[[0,0,0,0,1],[1,0,0,0,1],[0,1,0,0,0],[0,0,1,0,0],[0,0,0,1,0]]",
                 "--digits", "20"]) == 0
    out = capsys.readouterr().out
    assert "CRootOf" in out and "1.16730397826" in out


@pytest.mark.parametrize("args, message", [
    (["eig", "[[1,2],[3]]"], "ragged"),
    (["eig", "[[1,2,3],[4,5,6]]"], "square"),
    (["eig", "[[__import__('os')]]"], "not allowed"),
    (["eig", "[[1]]", "--digits", "1"], "--digits"),
    (["det", "[[1]]", "--seconds", "0"], "--seconds"),
])
def test_bad_input_exit_2(args, message, capsys):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_det_inv_definiteness(capsys):
    for args, expected in [(["det", "[[a,b],[c,d]]"], "a*d - b*c"),
                           (["inv", "[[2,0],[0,4]]"], "[[1/2, 0], [0, 1/4]]"),
                           (["definiteness", "[[1,2],[2,1]]"], "indefinite (exact")]:
        assert main(args) == 0
        assert capsys.readouterr().out.startswith(expected)
