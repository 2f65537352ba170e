r"""``--from-latex`` on every command that takes an expression (issue 13, section 2):
the LaTeX spelling of an input prints exactly what the Python-syntax spelling
prints, and bad LaTeX is one line on stderr with exit 2.

The truth each LaTeX run is compared with is the same command on the
Python-syntax input, whose results the other CLI tests check against SciPy,
mpmath and textbook values.
"""

import re

import pytest

from derive.cli import main
from derive.cli.commands import COMMANDS


def _run(capsys, argv):
    code = main(argv)
    out, err = capsys.readouterr()
    return code, re.sub(r"\d+\.\d+ s\b", "T s", out), err  # timings differ


SAME = [
    pytest.param(["integrate", "x**2*exp(-x)", "x", "0", "oo"],
                 ["integrate", r"x^{2} e^{-x}", "x", "0", r"\infty", "--from-latex"],
                 id="integrate-definite"),
    pytest.param(["integrate", "exp(-a*x)", "x", "0", "oo", "--positive", "a"],
                 ["integrate", r"\exp(-a x)", "x", "0", r"\infty", "--positive", "a",
                  "--from-latex"], id="integrate-positive"),
    pytest.param(["integrate", "x*exp(x)", "x"],
                 ["integrate", r"x \, e^{x}", "x", "--from-latex"], id="integrate-indefinite"),
    pytest.param(["integrate", "1/(1+x**2)", "x", "-oo", "1/2"],
                 ["integrate", r"\frac{1}{1+x^2}", "x", r"-\infty", r"\frac{1}{2}",
                  "--from-latex"], id="integrate-limits"),
    pytest.param(["expect", "X**2", "--dist", "Normal(mu, sigma)"],
                 ["expect", "X^2", "--dist", "Normal(mu, sigma)", "--from-latex"],
                 id="expect"),
    pytest.param(["expect", "exp(t*X)", "--dist", "Exponential(lamda)", "--variance"],
                 ["expect", r"e^{t X}", "--dist", "Exponential(lamda)", "--variance",
                  "--from-latex"], id="expect-variance"),
    pytest.param(["expect", "sigma*X + Y", "--dist", "X=Normal(mu, sigma)",
                  "--dist", "Y=Poisson(lamda)"],
                 ["expect", r"\sigma X + Y", "--dist", "X=Normal(mu, sigma)",
                  "--dist", "Y=Poisson(lamda)", "--from-latex"], id="expect-two-variables"),
    pytest.param(["mle", "theta*exp(-theta*x)", "--params", "theta"],
                 ["mle", r"\theta e^{-\theta x}", "--params", "theta", "--from-latex"],
                 id="mle-greek"),
    pytest.param(["mle", "exp(-(x-mu)**2/(2*s**2))/sqrt(2*pi*s**2)", "--params", "mu", "s"],
                 ["mle", r"\frac{1}{\sqrt{2\pi s^2}} \exp\left(-\frac{(x-\mu)^2}{2 s^2}\right)",
                  "--params", "mu", "s", "--from-latex"], id="mle-normal"),
    pytest.param(["mle", "p_1**x*p_2**(1-x)", "--params", "p_1", "p_2",
                  "--constraint", "p_1 + p_2 - 1"],
                 ["mle", r"p_1^{x} p_2^{1-x}", "--params", "p_1", "p_2",
                  "--constraint", "p_1 + p_2 - 1", "--from-latex"], id="mle-constraint"),
    pytest.param(["minimize", "(x - 1)**2 + (y + 2)**2"],
                 ["minimize", r"(x-1)^2 + (y+2)^2", "--from-latex"], id="minimize-closed"),
    pytest.param(["minimize", "(1 - x)**2 + 100*(y - x**2)**2", "--wrt", "x", "y",
                  "--x0", "-1.2", "1"],
                 ["minimize", r"(1 - x)^2 + 100 \left(y - x^2\right)^2", "--wrt", "x", "y",
                  "--x0", "-1.2", "1", "--from-latex"], id="minimize-newton"),
    pytest.param(["minimize", "x**2 + y**2", "--wrt", "x", "y", "--constraint", "x + y = 1"],
                 ["minimize", "x^2 + y^2", "--wrt", "x", "y", "--constraint", "x + y = 1",
                  "--from-latex"], id="minimize-equality"),
    pytest.param(["minimize", "(x - 2)**2", "--wrt", "x", "--constraint", "x <= 1"],
                 ["minimize", "(x - 2)^2", "--wrt", "x", "--constraint", r"x \leq 1",
                  "--from-latex"], id="minimize-inequality"),
    pytest.param(["stationary", "x**3 - 3*x + y**2", "--wrt", "x", "y"],
                 ["stationary", r"x^3 - 3x + y^2", "--wrt", "x", "y", "--from-latex"],
                 id="stationary"),
    pytest.param(["eig", "[[2, 1], [1, 2]]"],
                 ["eig", r"\begin{bmatrix} 2 & 1 \\ 1 & 2 \end{bmatrix}", "--from-latex"],
                 id="eig"),
    pytest.param(["det", "[[a, b], [c, d]]"],
                 ["det", r"\begin{pmatrix} a & b \\ c & d \end{pmatrix}", "--from-latex"],
                 id="det"),
    pytest.param(["inv", "[[2, 1], [1, 2]]", "--latex"],
                 ["inv", r"\begin{bmatrix} 2 & 1 \\ 1 & 2 \end{bmatrix}", "--latex",
                  "--from-latex"], id="inv"),
    pytest.param(["definiteness", "[[2, -1], [-1, 2]]"],
                 ["definiteness", r"\begin{bmatrix} 2 & -1 \\ -1 & 2 \end{bmatrix}",
                  "--from-latex"], id="definiteness"),
    pytest.param(["grad", "x**2*y + exp(x)", "--wrt", "x", "y"],
                 ["grad", r"x^2 y + e^{x}", "--wrt", "x", "y", "--from-latex"], id="grad"),
    pytest.param(["hess", "x**2*y", "--wrt", "x", "y"],
                 ["hess", r"x^2 y", "--wrt", "x", "y", "--from-latex"], id="hess"),
    pytest.param(["grad", "trace(X.T*A*X)", "--wrt", "X", "--shape", "X=n,m", "A=n,n"],
                 ["grad", r"\operatorname{tr}\left(X^\top A X\right)", "--wrt", "X",
                  "--shape", "X=n,m", "A=n,n", "--from-latex"], id="grad-matrix"),
    pytest.param(["hess", "x.T*A*x", "--wrt", "x", "--shape", "x=n", "A=n,n"],
                 ["hess", r"x^T A x", "--wrt", "x", "--shape", "x=n", "A=n,n",
                  "--from-latex"], id="hess-matrix"),
    pytest.param(["verify", "1/cosh(x)**2", "1 - tanh(x)**2"],
                 ["verify", r"\frac{1}{\cosh^2 x}", r"1 - \tanh^2 x", "--from-latex"],
                 id="verify"),
]


@pytest.mark.parametrize("text, latex", SAME)
def test_latex_input_prints_what_the_text_input_prints(capsys, text, latex):
    code_text, out_text, err_text = _run(capsys, text)
    code_latex, out_latex, err_latex = _run(capsys, latex)
    assert out_text.strip() and not err_text
    assert (code_latex, out_latex, err_latex) == (code_text, out_text, err_text)


BAD = [
    (["integrate", r"\sin x y", "x", "--from-latex"], "EXPR: ambiguous"),
    (["integrate", "x", "x", "0", r"\frac{1}{", "--from-latex"], "UPPER:"),
    (["expect", r"\def\x{1} X", "--dist", "Normal(0, 1)", "--from-latex"], "EXPR:"),
    (["mle", r"a/bc", "--params", "a", "--from-latex"], "DENSITY: ambiguous"),
    (["mle", r"p^x (1-p)^{1-x}", "--params", "p", "--constraint", r"\input{x}",
      "--from-latex"], "--constraint:"),
    (["minimize", r"x^2 +", "--from-latex"], "EXPR:"),
    (["minimize", "x^2", "--wrt", "x", "--constraint", r"x \leq 1 \leq 2", "--from-latex"],
     "--constraint: expected one relation"),
    (["minimize", "x^2", "--wrt", "x", "--constraint", "x + 1", "--from-latex"],
     "--constraint: expected one relation"),
    (["stationary", r"\frac{" * 500 + "x", "--from-latex"], "EXPR:"),
    (["eig", r"\begin{bmatrix} 1 & 2 \\ 3 \end{bmatrix}", "--from-latex"], "MATRIX: ragged"),
    (["det", r"x^2", "--from-latex"], "MATRIX: expected a matrix environment"),
    (["inv", r"\begin{vmatrix} 1 & 2 \\ 3 & 4 \end{vmatrix}", "--from-latex"],
     "MATRIX: expected a matrix"),
    (["grad", r"\operatorname{tr}(X", "--wrt", "X", "--shape", "X=n,n", "--from-latex"],
     "EXPR:"),
    (["verify", r"e x", "x", "--from-latex"], "CLAIMED: ambiguous"),
]


@pytest.mark.parametrize("argv, start", BAD)
def test_bad_latex_is_one_line_and_exit_2(capsys, argv, start):
    code, out, err = _run(capsys, argv)
    assert code == 2, (out, err)
    assert err.startswith(f"derive: error: {start}"), err
    assert err.count("\n") == 1


def test_every_command_that_reads_an_expression_takes_from_latex(capsys):
    reads = {c.name for c in COMMANDS if any(
        flag in ("expr", "density", "matrix", "claimed") for a in c.arguments for flag in a.flags)}
    assert reads == {"grad", "hess", "verify", "integrate", "expect", "mle", "minimize",
                     "stationary", "eig", "det", "inv", "definiteness"}
    for name in reads:
        assert main([name, "--help"]) == 0
        assert "--from-latex" in capsys.readouterr().out
