"""check(derivation): correct derivations verified (no false alarms), wrong ones refuted.

The derivations are built by hand from textbook derivatives (and the formulas
of scipy.optimize.rosen_der / rosen_hess), never from derive's own calculus.
"""

import numpy as np
import pytest
import sympy as sp
from scipy.optimize import rosen_der

from derive import codegen as _codegen
from derive.checking import check
from derive.derivation import Derivation
from derive.errors import DeriveError
from derive.functions import sigmoid, softplus

pytestmark = pytest.mark.skipif(not hasattr(_codegen, "compile"),
                                reason="derive.codegen.compile not written yet")

from tests.problems.check import CATALOGUE, R10, derivation, rosen, rosen_grad

x, y, z = sp.symbols("x y z", real=True)
p = sp.Symbol("p", positive=True)
ROSEN10, GRAD10 = rosen(R10), rosen_grad(R10)
IDS = [e["id"] for e in CATALOGUE]


@pytest.mark.parametrize("entry", CATALOGUE, ids=IDS)
def test_correct_derivations_verified(entry):
    report = check(derivation(entry), at=entry.get("at"), points=3)
    assert report.status == "verified", str(report)
    assert report.evidence


def _bump(d, index, factor):
    res = sp.Matrix(d.result) if isinstance(d.result, sp.MatrixBase) else d.result
    if index is None:
        res = res * factor
    else:
        res[index] = res[index] * factor
        res = sp.ImmutableMatrix(res)
    return Derivation(d.op, d.source, res, d.wrt, options=d.options)


@pytest.mark.parametrize("eps", ["1e-8", "1e-12", "1e-16"])
def test_tiny_gradient_bug_in_10_dims_is_caught(eps):
    d = _bump(Derivation("gradient", ROSEN10, GRAD10, R10), (7, 0), 1 + sp.Rational(eps))
    report = check(d, points=2)
    assert report.status == "refuted", str(report)
    assert report.counterexample.entry == "d/dx7"


@pytest.mark.parametrize("entry", CATALOGUE, ids=IDS)
def test_wrong_by_1e_10_refuted(entry):
    d = derivation(entry)
    index = (None if not isinstance(d.result, sp.MatrixBase)
             else (d.result.rows - 1, d.result.cols - 1))
    report = check(_bump(d, index, 1 + sp.Rational(1, 10**10)), points=2)
    assert report.status == "refuted", str(report)


def test_counterexample_values_are_both_sides():
    d = Derivation("derivative", sp.sin(x**2), sp.cos(x**2), (x,))   # missing 2x
    r = check(d, points=2)
    c = r.counterexample
    xv = c.point["x"]
    assert float(c.claimed) == pytest.approx(np.cos(xv**2), rel=1e-14)
    assert float(c.truth) == pytest.approx(2 * xv * np.cos(xv**2), rel=1e-14)


def test_compiled_code_disagreeing_with_its_formula_is_refuted():
    class BrokenCode(Derivation):
        def compile(self, args=None, **options):
            good = super().compile(args, **options)
            return lambda *a: np.asarray(good(*a)) * 1.001
    d = BrokenCode("derivative", sp.exp(x) * x, sp.exp(x) * (x + 1), (x,))
    r = check(d, points=3)
    assert r.refuted and "code generation" in r.diagnosis


def test_points_respect_assumptions_and_seed():
    d = Derivation("derivative", sp.sqrt(p) * sp.log(p), sp.log(p) / (2 * sp.sqrt(p)) + 1 / sp.sqrt(p),
                   (p,))
    r1, r2 = check(d, seed=3), check(d, seed=3)
    assert r1.verified and r1.worst_point == r2.worst_point and r1.worst_point["p"] > 0


def test_gradient_against_scipy_at_reported_point():
    # the compiled gradient the check accepted agrees with SciPy's rosen_der there
    d = Derivation("gradient", ROSEN10, GRAD10, R10)
    r = check(d, points=1)
    point = np.array([r.worst_point[f"x{i}"] for i in range(10)])
    got = np.asarray(d.compile()(*point)).ravel()
    np.testing.assert_allclose(got, rosen_der(point), rtol=1e-12)


def test_unknown_operation_and_low_precision_rejected():
    with pytest.raises(DeriveError, match="no checking rule"):
        check(Derivation("integral", x, x**2 / 2, (x,)))
    with pytest.raises(ValueError, match="too low"):
        check(Derivation("derivative", x**2, 2 * x, (x,)), dps=15)
    with pytest.raises(ValueError, match="positive integer"):
        check(Derivation("derivative", x**2, 2 * x, (x,)), points=0)


def test_matrix_ops_delegate():
    matrix = pytest.importorskip("derive.matrix_calculus")
    X = matrix.matrix("X", "n", "n")
    d = matrix.gradient(matrix.logdet(X), X)
    assert d.op.startswith("matrix_")
    report = check(d, at={"X": np.array([[2.0, 1.0], [1.0, 3.0]])})
    assert report.verified, str(report)


def _calculus_cases():
    from tests.problems.calculus import PROBLEMS
    return PROBLEMS


@pytest.mark.parametrize("entry", _calculus_cases(), ids=[e["id"] for e in _calculus_cases()])
def test_calculus_catalogue(entry):
    """derive.calculus's results and the catalogue's hand-typed answers both verify;
    the hand-typed answer perturbed by 1e-12 in one entry is refuted."""
    calculus = pytest.importorskip("derive.calculus")
    op, text, wrt = entry["op"], entry["input"], entry["wrt"]
    if op in ("derivative", "derivative2"):
        d = calculus.derivative(text, wrt[0], 2 if op == "derivative2" else 1)
    else:
        d = getattr(calculus, op)(text, wrt)
    assert check(d, points=2).verified
    expected = entry["expected"]
    expected = sp.ImmutableMatrix(expected) if isinstance(expected, sp.MatrixBase) else expected
    hand = Derivation(d.op, d.source, expected, d.wrt, options=d.options)
    assert check(hand, points=2).verified
    index = None if not isinstance(expected, sp.MatrixBase) else (0, 0)
    wrong = check(_bump(hand, index, 1 + sp.Rational(1, 10**12)), points=2)
    assert wrong.refuted, str(wrong)


def test_derivation_check_method_delegates():
    calculus = pytest.importorskip("derive.calculus")
    report = calculus.gradient("x**2*y + sin(x)", "x y").check(seed=2)
    assert report.verified and report.method == "mpmath oracle (30 digits)"


def test_report_renders_in_terminal_and_jupyter():
    r = check(Derivation("derivative", x**3, 3 * x**2, (x,)), points=2)
    assert str(r).startswith("verified derivative of x**3 by mpmath oracle (30 digits)")
    assert "derive-check" in r._repr_html_()


def test_projections_catch_a_bug_in_an_unsampled_entry():
    """With the oracle sampling only 2 entries per point, a 1e-15 error in one entry of a
    20-D gradient / 8-D Hessian is still found (random projections + bisection)."""
    from tests.problems.check import rosen_hess, rosen_symbols
    xs = rosen_symbols(20)
    res = sp.Matrix(rosen_grad(xs))
    res[13, 0] *= 1 + sp.Rational(1, 10**15)
    r = check(Derivation("gradient", rosen(xs), sp.ImmutableMatrix(res), xs), points=1,
              max_entries=2)
    assert r.refuted and r.counterexample.entry == "d/dx13", str(r)
    xs = rosen_symbols(8)
    H = sp.Matrix(rosen_hess(xs))
    H[5, 6] *= 1 + sp.Rational(1, 10**15)
    r = check(Derivation("hessian", rosen(xs), sp.ImmutableMatrix(H), xs), points=1,
              max_entries=2)
    assert r.refuted and r.counterexample.entry == "d2/dx5dx6", str(r)


# -- random expressions: no false alarm on derive.calculus, every 1e-12 bump caught ----------
from hypothesis import given, settings, strategies as st  # noqa: E402

_X, _Y = sp.symbols("x y", real=True)
_leaves = st.sampled_from([_X, _Y, sp.Integer(2), sp.Rational(1, 3), _X * _Y])
_unary = [sp.sin, sp.cos, sp.exp, sp.tanh, sp.atan, lambda e: sp.log(1 + e**2),
          lambda e: sp.sqrt(1 + e**2), lambda e: softplus_(e)]


def softplus_(e):
    from derive.functions import softplus
    return softplus(e)


def _extend(children):
    return st.one_of(
        st.tuples(st.sampled_from(range(len(_unary))), children).map(lambda t: _unary[t[0]](t[1])),
        st.tuples(children, children).map(lambda t: t[0] + t[1]),
        st.tuples(children, children).map(lambda t: t[0] * t[1]),
        st.tuples(children, children).map(lambda t: t[0] / (2 + t[1] ** 2)))


_exprs = st.recursive(_leaves, _extend, max_leaves=6).filter(
    lambda e: {_X, _Y} <= e.free_symbols)


@settings(max_examples=25)
@given(_exprs, st.integers(0, 3))
def test_random_expressions(expr, seed):
    calculus = pytest.importorskip("derive.calculus")
    g = calculus.gradient(expr, [_X, _Y])
    report = check(g, seed=seed, points=2)
    assert report.verified, (expr, str(report))
    res = sp.Matrix(g.result)
    k = seed % 2
    if res[k, 0] != 0:
        res[k, 0] = res[k, 0] * (1 + sp.Rational(1, 10**12))
        bad = check(Derivation("gradient", g.source, sp.ImmutableMatrix(res), g.wrt),
                    seed=seed, points=2)
        assert bad.refuted, (expr, str(bad))


class _cube(sp.Function):
    """x**3 with NumPy code but no mpmath code: the oracle cannot evaluate it."""

    def fdiff(self, argindex=1):
        return 3 * self.args[0] ** 2

    def _numpycode(self, printer):
        return f"({printer._print(self.args[0])})**3"

    _pythoncode = _numpycode


def test_numeric_checks_decide_when_the_oracle_cannot_evaluate():
    x = sp.Symbol("x", real=True)
    good = check(Derivation("derivative", _cube(x) + x, 3 * x**2 + 1, (x,)), points=2)
    assert good.verified and good.method == "complex step"
    assert any("oracle unavailable" in e for e in good.evidence)
    bad = check(Derivation("derivative", _cube(x) + x, 3 * x**2 + sp.Rational(10001, 10000),
                           (x,)), points=2)
    assert bad.refuted and bad.method == "complex step"


def test_symbol_named_mpf_keeps_the_oracle():
    # issue 10: a user symbol named like the generated mpmath code's names
    import derive
    d = derive.gradient("mpf*x**2/3", ["x"])
    r = derive.check(d)
    assert r.verified and r.method.startswith("mpmath oracle"), str(r)
    assert not any("oracle unavailable" in e for e in r.evidence)


def test_random_points_respect_integer_and_positive_assumptions():
    from derive.checking.sampling import sample_points
    n = sp.Symbol("n", integer=True, positive=True)
    m = sp.Symbol("m", integer=True, negative=True, odd=True)
    for p in sample_points([n, m], 50, seed=3):
        assert p[n] >= 1 and float(p[n]).is_integer()
        assert p[m] <= -1 and int(p[m]) % 2 == 1


def test_refuted_gradient_names_the_term_with_the_wrong_sign():
    # issue 10: not "a missing factor" with a meaningless ratio
    from derive.derivation import Derivation
    x, y = sp.symbols("x y", real=True)
    f = sp.exp(x) * sp.sin(y) + x**2 * y
    wrong = Derivation("gradient", f, sp.ImmutableMatrix(
        [sp.exp(x) * sp.sin(y) - 2 * x * y, x**2 + sp.exp(x) * sp.cos(y)]), (x, y))
    r = check(wrong)
    assert r.refuted and r.diagnosis == "sign error in a term: 2*x*y has the wrong sign"
    chain = Derivation("derivative", sp.sin(x**2), sp.cos(x**2), (x,))
    assert check(chain).diagnosis.startswith("missing inner derivative")
