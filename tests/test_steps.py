"""verify_steps: a derivation checked line by line, mistakes located and named, no false alarms."""

import pytest
import sympy as sp

from derive.checking.steps import verify_steps
from derive.errors import ParseError
from tests.problems.derivations import DERIVATIONS, MISTAKES, variant

# seeded mistakes located but not named today (the edit that repairs them is not
# among the rules, or parsing already evaluated the slip away): measured by
# benchmarks/bench_steps.py, pinned here so a regression shows
NOT_NAMED = {("ridge-solution", 2), ("poisson-mle", 1), ("integral-power", 1),
             ("sum-geometric", 1), ("log-of-sum", 1)}
UNNAMED_KINDS = {"other", "solution"}


def _symbols(entry):
    return [sp.Symbol(n, positive=True) for n in entry.get("positive", [])]


def test_catalogue_size():
    assert len(DERIVATIONS) >= 40 and len(MISTAKES) >= 60


@pytest.mark.parametrize("name", sorted(DERIVATIONS))
def test_correct_derivation_raises_no_alarm(name):
    entry = DERIVATIONS[name]
    report = verify_steps(entry["lines"], symbols=_symbols(entry), points=3)
    assert report.first_error is None, str(report)
    assert report.verified, str(report)


@pytest.mark.parametrize("mistake", MISTAKES, ids=[f"{m[0]}-{m[1]}-{m[3]}" for m in MISTAKES])
def test_seeded_mistake_located_and_named(mistake):
    name, index, _, kind = mistake
    report = verify_steps(variant(mistake), symbols=_symbols(DERIVATIONS[name]), points=3)
    first = next(s for s in report.steps if s.number == report.first_error)
    assert first.line == index + 1, str(report)
    assert first.report.counterexample is not None or first.kind == "solved equation"
    if kind not in UNNAMED_KINDS and (name, index) not in NOT_NAMED:
        assert first.mistake == kind, str(report)


def test_later_lines_consistent_with_the_wrong_step():
    report = verify_steps([r"\frac{d}{dx} \sin(x^2)", r"= \cos(x^2)",
                           r"= \cos(x^2) \cdot 1", r"= 2\cos(x^2)"])
    statuses = [s.status for s in report.steps]
    assert statuses == ["refuted", "consistent", "refuted"]
    assert report.steps[1].consistent_with == 1
    assert report.steps[0].highlight == r"\boxed{\cos{\left(x^{2} \right)}}"
    assert "consistent with step 1" in str(report)


def test_assumptions_decide_an_identity():
    assert verify_steps([r"\sqrt{x^2}", "= x"]).first_error == 1
    assert verify_steps([r"\sqrt{x^2}", "= x"],
                        symbols=[sp.Symbol("x", positive=True)]).verified


def test_markdown_and_tex_documents():
    md = ("# Score of the Gaussian mean\n\nThe derivative:\n"
          "$$\\frac{\\partial}{\\partial \\mu} \\left(-\\frac{(x - \\mu)^2}{2}\\right) = x - \\mu$$\n"
          "and then\n$$ = -(\\mu - x) $$\n")
    report = verify_steps(md)
    assert report.verified and [s.line for s in report.steps] == [4, 6]
    tex = ("\\begin{align*}\n f &= (a + b)^2 \\\\\n   &= a^2 + b^2 \\nonumber\n\\end{align*}")
    report = verify_steps(tex)
    assert report.first_error == 2 and report.steps[1].mistake == "(a+b)^2 as a^2+b^2"


def test_matrix_identity_as_a_step():
    n = sp.Symbol("n", integer=True, positive=True)
    A, B = sp.MatrixSymbol("A", n, n), sp.MatrixSymbol("B", n, n)
    ok = verify_steps([r"(A B)^{-1}", r"= B^{-1} A^{-1}"], symbols=[A, B])
    assert ok.verified, str(ok)
    wrong = verify_steps([r"(A B)^{-1}", r"= A^{-1} B^{-1}"], symbols=[A, B])
    assert wrong.first_error == 1
    assert "wrong order" in wrong.steps[0].report.diagnosis


def _normal_latex(v, mean, cov, precision):
    return (rf"\frac{{\exp\left(-\frac{{1}}{{2}} ({v} - {mean})^\top {precision} ({v} - {mean})"
            rf"\right)}}{{\sqrt{{\det(2\pi {cov})}}}}")


def test_gaussian_product_as_a_step():
    # Matrix Cookbook eq. 371 (Petersen & Pedersen 2012), as a person writes it
    n = sp.Symbol("n", integer=True, positive=True)
    x, a, b = (sp.MatrixSymbol(s, n, 1) for s in "xab")
    A, B = sp.MatrixSymbol("A", n, n), sp.MatrixSymbol("B", n, n)
    C = r"\left(A^{-1} + B^{-1}\right)^{-1}"
    c = rf"\left({C} \left(A^{{-1}} a + B^{{-1}} b\right)\right)"
    left = _normal_latex("x", "a", "A", "A^{-1}") + " " + _normal_latex("x", "b", "B", "B^{-1}")
    right = (_normal_latex("a", "b", "(A + B)", "(A + B)^{-1}") + " "
             + _normal_latex("x", c, C, r"\left(A^{-1} + B^{-1}\right)"))
    options = {"symbols": [x, a, b, A, B], "structure": {"A": "spd", "B": "spd"}}
    ok = verify_steps([left, "= " + right], **options)
    assert ok.verified, str(ok)
    wrong = verify_steps([left, "= " + right.replace("(A + B)", "(A - B)")], **options)
    assert wrong.first_error == 1, str(wrong)
    assert wrong.steps[0].report.counterexample.point["n"] <= 2


def test_inconclusive_says_why_and_errors_name_the_line():
    report = verify_steps([r"\int_0^1 e^{-x^{3}} \sin(x^{5}) \, dx", r"= 0.5"], seconds=0.5)
    step = report.steps[0]
    assert step.status in ("inconclusive", "refuted")
    with pytest.raises(ParseError, match="line 2"):
        verify_steps([r"x^2", r"= \def\y{1}"])
    with pytest.raises(ParseError, match="no lines"):
        verify_steps("just prose, no mathematics\n".replace("just prose, no mathematics", ""))


def test_matrix_derivative_identities_checked_exactly():
    n = sp.Symbol("n", integer=True, positive=True)
    X = sp.MatrixSymbol("X", n, n)
    a = sp.MatrixSymbol("a", n, 1)
    ok = verify_steps([r"\frac{\partial}{\partial X} \log\det X", r"= X^{-T}"], symbols=[X])
    assert ok.verified, str(ok)
    wrong = verify_steps([r"\frac{\partial}{\partial X} \log\det X", r"= X^{-1}"], symbols=[X])
    assert wrong.first_error == 1, str(wrong)
    quad = verify_steps([r"\frac{\partial}{\partial X} \operatorname{tr}(a^T X a)", r"= a a^T"],
                        symbols=[X, a])
    assert quad.verified, str(quad)


def test_cli_check_steps(tmp_path, capsys):
    from derive.cli import main
    good = tmp_path / "good.md"
    good.write_text("Expand:\n$$ (a+b)^2 = a^2 + 2ab + b^2 $$\n")
    assert main(["check-steps", str(good)]) == 0
    assert capsys.readouterr().out.startswith("every step verified")
    bad = tmp_path / "bad.tex"
    bad.write_text("\\begin{align}\n\\frac{d}{dx} e^{3x} &= e^{3x}\n\\end{align}\n")
    assert main(["check-steps", str(bad)]) == 1
    assert "missing inner derivative" in capsys.readouterr().out
    binary = tmp_path / "bin.tex"
    binary.write_bytes(b"\xff\xfe x")
    assert main(["check-steps", str(binary)]) == 2
    assert "not UTF-8" in capsys.readouterr().err
    assert main(["check-steps", str(tmp_path / "missing.tex")]) == 2


def test_cli_verify_latex(capsys):
    from derive.cli import main
    assert main(["verify", "--from-latex", r"\sqrt{x^2}", "x", "--positive", "x"]) == 0
    assert main(["verify", "--from-latex", r"\frac{d}{dx} x^3", "3x^2"]) == 0
    assert main(["verify", "--from-latex", r"\sin x y", "x"]) == 2
    assert "ambiguous" in capsys.readouterr().err
    assert main(["grad", r"\frac{1}{2} x^2 y", "--wrt", "x", "y", "--from-latex"]) == 0
    assert "x**2/2" in capsys.readouterr().out


def test_a_data_draw_that_makes_the_solution_singular_is_drawn_again():
    # With the name k, the first data draw at size 5 has mean exactly 1, so
    # p = 1 makes the score 0/0 there; the step must still be verified, and
    # the same in every process (the draw no longer depends on Python's salted
    # string hash, which made this test's sibling fail on CI one run in ~40).
    lines = [r"\ell = \sum_{i=1}^{n} \left(k_i \log p + (1 - k_i)\log(1 - p)\right)",
             r"\frac{\partial \ell}{\partial p} = \sum_{i=1}^{n}\left(\frac{k_i}{p} - "
             r"\frac{1 - k_i}{1 - p}\right) = 0",
             r"\Rightarrow \hat{p} = \frac{1}{n}\sum_{i=1}^{n} k_i"]
    report = verify_steps(lines, points=3)
    assert report.verified, str(report)
