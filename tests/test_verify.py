"""verify(claimed, truth): identities SymPy cannot prove, refutations with diagnoses."""

import numpy as np
import pytest
import sympy as sp
from scipy import stats

from derive.checking import verify
from derive.cli import main
from derive.errors import ParseError

x, y, a, b = sp.symbols("x y a b", real=True)
p = sp.Symbol("p", positive=True)

# true identities (textbook); several beyond sympy.simplify
TRUE = [
    ("tanh_prime", sp.sech(x) ** 2, 1 - sp.tanh(x) ** 2),
    ("logsumexp", sp.log(sp.exp(a) + sp.exp(b)), a + sp.log(1 + sp.exp(b - a))),
    ("sigmoid_prime", sp.exp(-x) / (1 + sp.exp(-x)) ** 2,
     1 / (1 + sp.exp(-x)) * (1 - 1 / (1 + sp.exp(-x)))),
    ("log_of_product_positive", sp.log(p * (p + 1)), sp.log(p) + sp.log(p + 1)),
    ("softplus_prime", sp.diff(sp.log(1 + sp.exp(x)), x), 1 / (1 + sp.exp(-x))),
    ("double_angle", sp.sin(2 * x), 2 * sp.sin(x) * sp.cos(x)),
    ("gamma_ratio", sp.gamma(x + 2) / sp.gamma(x + 1), x + 1),
]


@pytest.mark.parametrize("name,claimed,truth", TRUE, ids=[t[0] for t in TRUE])
def test_true_identities_verified(name, claimed, truth):
    report = verify(claimed, truth, seconds=1.0)
    assert report.status == "verified", str(report)
    assert report.points >= 3
    assert report.evidence


def test_numeric_route_states_its_evidence():
    r = verify(sp.log(sp.exp(a) + sp.exp(b)), a + sp.log(1 + sp.exp(b - a)))
    assert r.method.startswith("mpmath")
    assert any("simplify could not" in e or "did not finish" in e for e in r.evidence)
    assert any("agree" in e and "random points" in e for e in r.evidence)


@pytest.mark.parametrize("claimed,truth,expected", [
    (-2 * x * sp.cos(x**2), 2 * x * sp.cos(x**2), "wrong sign"),
    (4 * x * sp.exp(2 * x**2), 2 * x * sp.exp(2 * x**2), "constant factor: claimed = 2 * truth"),
    (x * sp.exp(x) / 2, x * sp.exp(x), "claimed = 1/2 * truth"),
    (sp.sin(x) ** 2 + 1, -sp.cos(x) ** 2 + 2 - 0 * x, None),  # actually equal: see below
    (x**3 + 5, x**3, "additive constant: claimed - truth = 5"),
    (sp.cos(x**2), 2 * x * sp.cos(x**2), "chain-rule"),
])
def test_refutations_carry_a_diagnosis(claimed, truth, expected):
    report = verify(claimed, truth, wrt="x", seconds=1.0)
    if expected is None:
        assert report.verified
        return
    assert report.status == "refuted", str(report)
    assert expected in report.diagnosis
    c = report.counterexample
    xv = c.point["x"]
    # both values are the real values of each side at the counterexample (independent evalf)
    assert float(c.claimed) == pytest.approx(float(claimed.subs(x, xv)), rel=1e-14)
    assert float(c.truth) == pytest.approx(float(truth.subs(x, xv)), rel=1e-14)


def test_tiny_error_is_refuted():
    r = verify(sp.exp(x) * (1 + sp.Rational(1, 10**15)), sp.exp(x))
    assert r.refuted and "constant factor" in r.diagnosis


def test_transpose_diagnosed():
    A = sp.ImmutableMatrix([[x, x * y], [sp.sin(y), 1]])
    assert verify(A.T, A).diagnosis == "transpose: claimed is the transpose of the truth"
    row = sp.ImmutableMatrix([[x, y, x * y]])
    r = verify(row, row.T)
    assert r.refuted and "transpose" in r.diagnosis
    assert verify(A, sp.Matrix(A)).verified


def test_domain_respected():
    # sqrt(x**2) == x only for positive x: refuted for a real x, verified for a positive p
    assert verify(sp.sqrt(x**2), x).refuted
    assert verify(sp.sqrt(p**2), p).verified
    # log(x) of a real x: points with x < 0 are outside the real domain and skipped
    assert verify(sp.diff(sp.log(x), x), 1 / x).verified


def test_at_and_errors():
    r = verify(x**2, x * x, at={"x": 3})
    assert r.verified and r.points == 1
    with pytest.raises(ParseError, match="not a variable"):
        verify(x**2, x * x, at={"z": 3})
    with pytest.raises(ParseError, match="wrt names 'z'"):
        verify(x**2, x * x, wrt="z")
    with pytest.raises(ParseError, match="matrix and the other a scalar"):
        verify(sp.ImmutableMatrix([x]), x)
    with pytest.raises(ParseError, match="must be text"):
        verify(object(), x)


def test_inconclusive_when_no_point_is_in_the_domain():
    r = verify(sp.log(-sp.exp(a) - sp.exp(b)), a + sp.log(-1 - sp.exp(b - a)), seconds=0.5)
    assert r.status == "inconclusive", str(r)
    assert "no point" in r.evidence[-1]


def test_text_input():
    pytest.importorskip("derive.parsing")
    assert verify("sech(x)**2", "1 - tanh(x)**2").verified
    assert verify("2*x", "x**2", wrt=["x"]).refuted


def test_report_renders():
    r = verify(2 * sp.sin(x), sp.sin(x))
    text = str(r)
    assert text.startswith("REFUTED") and "counterexample" in text and "diagnosis" in text
    assert "<b style='color:#cf222e'>refuted</b>" in r._repr_html_()
    assert "\\begin{tabular}" in r.to_latex() and r.to_markdown().startswith("**refuted**")


def test_cli_exit_codes(capsys):
    assert main(["verify", "sech(x)**2", "1 - tanh(x)**2", "--wrt", "x"]) == 0
    assert capsys.readouterr().out.startswith("verified")
    assert main(["verify", "x", "x", "--wrt", "q"]) == 2
    assert "wrt names 'q'" in capsys.readouterr().err
    assert main(["verify", "x", "x", "--points", "0"]) == 2
    assert main(["verify", "cos(x**2)", "2*x*cos(x**2)", "--wrt", "x"]) == 1
    assert "diagnosis" in capsys.readouterr().out
    # hostile input is exit 2 with one line and no traceback (tests/test_cli.py: a real process)
    assert main(["verify", "__import__('os')", "x"]) == 2
    junk = capsys.readouterr().err
    assert junk.startswith("derive: error:") and junk.count("\n") == 1
    assert "Traceback" not in junk


def test_text_and_sympy_share_symbols():
    pytest.importorskip("derive.parsing")
    plain = sp.Symbol("x")                       # no assumptions
    assert verify(plain**2, "x*x").verified
    assert verify(sp.sqrt(p**2), "p").verified  # text 'p' takes the positive p
    assert verify(sp.Symbol("x", positive=True) * 2, 2 * plain).verified
    r = verify("[[1, x], [0, 1]]", "[[1, 0], [x, 1]]")
    assert r.refuted and "transpose" in r.diagnosis


# -- issue 10: a symbol cannot switch the oracle off; diagnoses in a person's terms ---------
def test_symbol_named_mpf_does_not_switch_the_oracle_off():
    r = verify("mpf*x + x/3", "x*mpf + x/2")
    assert r.refuted, str(r)
    assert "x/3" in r.diagnosis and "x/2" in r.diagnosis
    assert verify("mpf*x + pi*sqrt(x**2)", "x*mpf + pi*Abs(x)").verified


@pytest.mark.parametrize("claimed,truth,expected", [
    (2 * x * sp.cos(x**2) - y * sp.sin(x), 2 * x * sp.cos(x**2) + y * sp.sin(x),
     "sign error in a term: y*sin(x) has the wrong sign"),
    (x * (sp.exp(x) - y), x * (sp.exp(x) + y), "sign error in a term: x*y has the wrong sign"),
    (sp.exp(x) * x**2, sp.exp(x) * (x**2 + 2 * x), "a term is missing: 2*x*exp(x)"),
    (x**3 / 3 + x * sp.sin(x), x**3 / 3 + 2 * x * sp.sin(x), "factor 1/2 in a term"),
])
def test_term_errors_are_named_with_the_term(claimed, truth, expected):
    r = verify(claimed, truth, wrt="x", seconds=1.0)
    assert r.refuted and r.diagnosis.startswith(expected), r.diagnosis
    assert "chain-rule" not in r.diagnosis


def test_without_a_simple_diagnosis_the_difference_is_shown():
    r = verify(sp.exp(x) * sp.sin(x) + sp.cos(x) * x**2, sp.exp(x) * sp.cos(x) + sp.cos(x) * x,
               wrt="x", seconds=2.0)
    assert r.refuted and r.diagnosis.startswith("claimed - truth = ")


def test_assumptions_through_symbols():
    assert verify("sqrt(x**2)", "x").refuted
    assert verify("sqrt(x**2)", "x", symbols=sp.symbols("x", positive=True)).verified
    n = sp.Symbol("n", integer=True, positive=True)
    with pytest.raises(ParseError, match="declared positive"):
        verify("n + 1", "1 + n", symbols=[n], at={"n": -3})


# -- matrix identities at random concrete sizes ------------------------------------------------
n_, k_ = sp.symbols("n k", integer=True, positive=True)
A_, C_ = sp.MatrixSymbol("A", n_, n_), sp.MatrixSymbol("C", k_, k_)
U_, V_ = sp.MatrixSymbol("U", n_, k_), sp.MatrixSymbol("V", k_, n_)
P_, Q_ = sp.MatrixSymbol("P", n_, k_), sp.MatrixSymbol("Q", k_, n_)


def test_woodbury_and_push_through_verified_exactly():
    woodbury = A_.I - A_.I * U_ * (C_.I + V_ * A_.I * U_).I * V_ * A_.I
    r = verify((A_ + U_ * C_ * V_).I, woodbury)
    assert r.verified and r.method == "exact rational arithmetic", str(r)
    push = verify(P_ * (sp.Identity(k_) + Q_ * P_).I, (sp.Identity(n_) + P_ * Q_).I * P_)
    assert push.verified


def test_wrong_woodbury_refuted_with_a_small_counterexample():
    wrong = A_.I - A_.I * U_ * (C_ + V_ * A_.I * U_).I * V_ * A_.I      # C instead of C^-1
    r = verify((A_ + U_ * C_ * V_).I, wrong)
    assert r.refuted, str(r)
    point = r.counterexample.point
    assert point["n"] <= 4 and point["k"] <= 4
    # independent check: the counterexample really is one
    vals = {sp.MatrixSymbol(name, *sp.Matrix(v).shape): sp.Matrix(v) for name, v in point.items()
            if isinstance(v, list)}
    sizes = {n_: point["n"], k_: point["k"]}
    lhs = (A_ + U_ * C_ * V_).I.xreplace(sizes).xreplace(vals).doit()
    rhs = wrong.xreplace(sizes).xreplace(vals).doit()
    assert sp.simplify(sp.Matrix(lhs) - sp.Matrix(rhs)) != sp.zeros(*sp.Matrix(lhs).shape)


def test_wrong_order_of_a_product_is_not_called_a_transpose():
    S, T = sp.MatrixSymbol("S", n_, n_), sp.MatrixSymbol("T", n_, n_)
    r = verify(S * T, T * S, structure={"S": "symmetric", "T": "symmetric"})
    assert r.refuted and r.diagnosis.startswith("wrong order of a matrix product")
    assert "transpose" not in r.diagnosis
    assert "transpose" in verify((S * A_).T, S * A_).diagnosis


# Gaussian product (Matrix Cookbook eq. 371, Petersen & Pedersen 2012):
# N(x; a, A) N(x; b, B) = N(a; b, A + B) N(x; c, C),
# C = (A^-1 + B^-1)^-1, c = C (A^-1 a + B^-1 b)
x_, a_, b_ = (sp.MatrixSymbol(s, n_, 1) for s in "xab")
GA, GB = sp.MatrixSymbol("A", n_, n_), sp.MatrixSymbol("B", n_, n_)
SPD = {"A": "spd", "B": "spd"}


def _normal(v, mean, cov):
    """The multivariate normal density: det(2 pi S)^(-1/2) exp(-q/2), q a 1x1 quadratic form."""
    q = (v - mean).T * cov.I * (v - mean)
    return sp.exp(-q / 2) / sp.sqrt(sp.det(2 * sp.pi * cov))


def _gaussian_product(c_mean=None, merged_cov=None):
    C = (GA.I + GB.I).I
    c = C * (GA.I * a_ + GB.I * b_) if c_mean is None else c_mean
    lhs = _normal(x_, a_, GA) * _normal(x_, b_, GB)
    rhs = _normal(a_, b_, GA + GB if merged_cov is None else merged_cov) * _normal(x_, c, C)
    return lhs, rhs


def _scipy_sides(point, c_mean):
    """Both sides at a point by scipy.stats.multivariate_normal: an independent truth."""
    A, B = (np.array(point[k], dtype=float) for k in "AB")
    a, b, x = (np.array(point[k], dtype=float).ravel() for k in "abx")
    C = np.linalg.inv(np.linalg.inv(A) + np.linalg.inv(B))
    c = c_mean(A, B, a, b, C)
    lhs = stats.multivariate_normal(a, A).pdf(x) * stats.multivariate_normal(b, B).pdf(x)
    rhs = stats.multivariate_normal(b, A + B).pdf(a) * stats.multivariate_normal(c, C).pdf(x)
    return lhs, rhs


def test_gaussian_product_verified_with_spd_covariances():
    lhs, rhs = _gaussian_product()
    r = verify(lhs, rhs, structure=SPD)
    assert r.verified and r.points >= 4, str(r)
    assert "A spd, B spd" in " ".join(r.evidence)
    # the densities are the textbook ones: at random SPD matrices scipy agrees both ways
    rng = np.random.default_rng(1)
    for size in (1, 3):
        M, K = rng.normal(size=(2, size, size))
        point = {"A": M @ M.T + 0.5 * np.eye(size), "B": K @ K.T + np.eye(size),
                 "a": rng.normal(size=size), "b": rng.normal(size=size),
                 "x": rng.normal(size=size)}
        left, right = _scipy_sides(point, lambda A, B, a, b, C: C @ (
            np.linalg.solve(A, a) + np.linalg.solve(B, b)))
        assert left == pytest.approx(right, rel=1e-9)


@pytest.mark.parametrize("wrong", ["A - B", "c without C"])
def test_wrong_gaussian_product_refuted_with_a_small_counterexample(wrong):
    if wrong == "A - B":
        lhs, rhs = _gaussian_product(merged_cov=GA - GB)
    else:
        lhs, rhs = _gaussian_product(c_mean=GA.I * a_ + GB.I * b_)
    r = verify(lhs, rhs, structure=SPD)
    assert r.refuted, str(r)
    point = r.counterexample.point
    assert point["n"] <= 2
    if wrong == "c without C":  # independent check: scipy sees the same disagreement
        left, right = _scipy_sides(point, lambda A, B, a, b, C: np.linalg.solve(A, a)
                                   + np.linalg.solve(B, b))
        assert left == pytest.approx(float(r.counterexample.claimed), rel=1e-9)
        assert right == pytest.approx(float(r.counterexample.truth), rel=1e-9)
        assert left != pytest.approx(right, rel=1e-3)


def test_tiny_positive_sides_compared_by_their_ratio():
    # 2e-87 vs 1e-87: equal to 40 digits in absolute terms, a factor 2 apart
    tiny = sp.exp(-200) * sp.det(GA)
    assert verify(2 * tiny, tiny, structure=SPD).refuted
    assert verify(tiny, sp.exp(-100) * sp.exp(-100) * sp.det(GA.T), structure=SPD).verified


def test_structure_is_respected():
    S = sp.MatrixSymbol("S", n_, n_)
    assert verify(S.T, S, structure={"S": "symmetric"}).verified
    assert verify(S.T, S).refuted
    with pytest.raises(ParseError, match="structure"):
        verify(S.T, S, structure={"S": "orthogonal"})
