"""Derivatives against tables, SciPy's Rosenbrock formulas and mpmath at 50 digits."""

import time

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import example, given, strategies as st
from scipy.optimize import rosen_der, rosen_hess

from derive import calculus, fastdiff
from derive.derivation import Derivation
from derive.errors import ParseError, ShapeError
from derive.fastdiff import jacobian_rows
from tests.problems.calculus import PROBLEMS
from tests.tolerances import TOLERANCES


def derive_problem(p):
    if p["op"] == "derivative":
        return calculus.derivative(p["input"], p["wrt"][0])
    if p["op"] == "derivative2":
        return calculus.derivative(p["input"], p["wrt"][0], 2)
    return getattr(calculus, p["op"])(p["input"], p["wrt"])


def mp_value(expr, point, dps=50):
    """Evaluate a SymPy expression at ``point`` (name -> float) with mpmath at dps digits."""
    subs = {s: sp.Float(point[s.name], dps) for s in expr.free_symbols}
    return complex(sp.N(expr.xreplace(subs), dps))


@pytest.mark.parametrize("problem", PROBLEMS, ids=[p["id"] for p in PROBLEMS])
def test_catalogue_matches_reference(problem):
    d = derive_problem(problem)
    assert isinstance(d, Derivation)
    got = sp.Matrix(d.result) if isinstance(d.result, sp.MatrixBase) else sp.Matrix([d.result])
    want = problem["expected"]
    want = sp.Matrix(want) if isinstance(want, sp.MatrixBase) else sp.Matrix([want])
    assert got.shape == want.shape
    rng = np.random.default_rng(7)
    names = sorted({s.name for s in got.free_symbols | want.free_symbols})
    for _ in range(3):
        point = {n: float(rng.uniform(0.3, 1.7)) for n in names}
        for a, b in zip(got, want):
            va, vb = mp_value(a, point), mp_value(b, point)
            assert abs(va - vb) <= 1e-40 * max(1.0, abs(vb)) + 1e-45, (a, b, point)


@pytest.mark.parametrize("n", [2, 10, 80])
def test_rosenbrock_gradient_and_hessian_match_scipy(n):
    xs = sp.symbols(f"x0:{n}", real=True)
    f = sum(100 * (xs[i + 1] - xs[i]**2)**2 + (1 - xs[i])**2 for i in range(n - 1))
    g, H = calculus.gradient(f, xs), calculus.hessian(f, xs)
    point = np.random.default_rng(n).normal(size=n)
    rtol = TOLERANCES["scipy_reference_rel"]
    np.testing.assert_allclose(g.compile()(*point), rosen_der(point), rtol=rtol, atol=1e-9)
    np.testing.assert_allclose(H.compile()(*point), rosen_hess(point), rtol=rtol, atol=1e-9)


def test_dense_quadratic_form_gradient_is_symmetrized_matrix():
    n = 12
    xs = sp.symbols(f"x0:{n}", real=True)
    A = np.random.default_rng(1).integers(-5, 6, size=(n, n))
    f = sum(int(A[i, j]) * xs[i] * xs[j] for i in range(n) for j in range(n))
    H = calculus.hessian(f, xs)
    np.testing.assert_array_equal(np.array(H.result, dtype=float), A + A.T)
    point = np.arange(n, dtype=float)
    np.testing.assert_allclose(calculus.gradient(f, xs).compile()(*point), (A + A.T) @ point)


def test_hessian_steps_record_the_gradient_it_was_built_from():
    H = calculus.hessian("x**2*y", "x y")
    assert H.steps[0].expr == sp.Matrix([2 * sp.Symbol("x", real=True) * sp.Symbol("y", real=True),
                                         sp.Symbol("x", real=True)**2])
    assert "gradient" in H.options


def test_directional_derivative_textbook_value():
    # D_u f for f = x^2 y at (1, 2) along u = (3, 4)/5: grad = (4, 1), so 16/5
    d = calculus.directional_derivative("x**2*y", "x y", [3, 4], normalize=True)
    assert d.result.subs({s: v for s, v in zip(d.wrt, (1, 2))}) == sp.Rational(16, 5)


def test_series_of_exp_and_log1p():
    assert calculus.series("exp(x)", "x", 0, 4).result == sum(
        sp.Symbol("x", real=True)**k / sp.factorial(k) for k in range(4))
    s = calculus.series("log(1 + x)", "x", 0, 5).result
    x = sp.Symbol("x", real=True)
    assert sp.expand(s - (x - x**2 / 2 + x**3 / 3 - x**4 / 4)) == 0


def test_names_keep_assumptions_of_the_expression():
    p = sp.Symbol("p", positive=True)
    d = calculus.derivative(sp.sqrt(p**2), "p")
    assert d.result == 1 and d.wrt == (p,)


@pytest.mark.parametrize("bad, error", [
    (lambda: calculus.derivative("x**2", "x", 0), ValueError),
    (lambda: calculus.gradient("x**2", []), ValueError),
    (lambda: calculus.gradient("x**2", "x x"), ValueError),
    (lambda: calculus.gradient("[x, y]", "x"), ShapeError),
    (lambda: calculus.gradient("x**2", "1x"), ParseError),
    (lambda: calculus.directional_derivative("x*y", "x y", [1]), ShapeError),
    (lambda: calculus.directional_derivative("x*y", "x y", [0, 0], normalize=True), ValueError),
])
def test_bad_input_gets_a_clear_error(bad, error):
    with pytest.raises(error):
        bad()


# -- properties over a small grammar of random expressions ------------------

X, Y = sp.symbols("x y", real=True)
_leaves = st.sampled_from([X, Y, sp.Integer(2), sp.Rational(1, 3), sp.Integer(-1)])


def _grow(children):
    unary = st.sampled_from([sp.exp, sp.sin, sp.cos, sp.tanh, sp.atan, lambda e: sp.log(1 + e**2),
                             lambda e: sp.sqrt(1 + e**2)])
    return st.one_of(
        st.builds(lambda f, a: f(a), unary, children),
        st.builds(sp.Add, children, children),
        st.builds(sp.Mul, children, children),
        st.builds(lambda a: a**2, children),
    )


expressions = st.recursive(_leaves, _grow, max_leaves=6).filter(
    lambda e: e.free_symbols and e.count_ops() < 40)


def _mp_gradient(expr, point):
    f = sp.lambdify([X, Y], expr, modules="mpmath")
    with mpmath.workdps(40):
        return [float(mpmath.diff(lambda t: f(*(point[:k] + [t] + point[k + 1:])), point[k]))
                for k in range(2)]


@given(expressions, st.floats(-1.5, 1.5), st.floats(-1.5, 1.5))
@example(sp.exp(X) * sp.sin(Y), 0.5, -0.5)
def test_compiled_gradient_agrees_with_mpmath(expr, a, b):
    g = calculus.gradient(expr, [X, Y]).compile()
    got = g(a, b)
    want = _mp_gradient(expr, [mpmath.mpf(a), mpmath.mpf(b)])
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-9)


@given(expressions)
def test_hessian_is_symmetric_and_matches_sympy(expr):
    H = calculus.hessian(expr, [X, Y]).result
    assert H == H.T
    assert sp.expand(H[0, 1] - sp.diff(expr, X, Y)) == 0 or sp.simplify(
        H[0, 1] - sp.diff(expr, X, Y)) == 0


@given(expressions)
def test_symengine_fast_path_equals_sympy_diff(expr):
    # once symengine is loaded it takes every expression it can, small ones too
    assert fastdiff._load_symengine()
    fastdiff._rows.cache_clear()
    fast = jacobian_rows([expr], [X, Y])[0]
    for d, w in zip(fast, (X, Y)):
        diff = sp.expand(d - sp.diff(expr, w))
        assert diff == 0 or sp.simplify(diff) == 0


def test_variable_that_does_not_occur_is_warned_about():
    import warnings
    from derive.calculus import VariableWarning, gradient
    with pytest.warns(VariableWarning, match="z does not occur in x\\*\\*2 \\+ y\\*\\*2.*"
                                             "A typo\\? The symbols that occur are x, y"):
        d = gradient("x**2+y**2", "x z")
    assert list(d.result) == [2 * d.wrt[0], 0]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        gradient("x**2+y**2", "x y")


def test_derivation_at_a_point_by_name():
    from derive.calculus import gradient, hessian
    from derive.errors import ParseError
    d = gradient("x**3*y", "x y")
    assert d.result.subs("x", 2) == d.result  # the trap: a new, assumption-free x
    assert list(d.at(x=2, y=3)) == [36, 8]  # (3 x^2 y, x^3) by hand
    assert hessian("x**2*y", "x y").at(x="1/2", y=1).tolist() == [[2, 1], [1, 0]]
    with pytest.raises(ParseError, match="z is not a variable of this gradient; its "
                                         "variables are x, y"):
        d.at(z=1)


def test_huge_constants_never_reach_symengine():
    """symengine would evaluate gamma(10**10) exactly on conversion (issue 10 §1)."""
    import sympy as sp
    from derive.fastdiff import jacobian_rows
    x = sp.Symbol("x", real=True)
    big = sp.gamma(sp.Integer(10**10), evaluate=False)  # SymPy itself evaluates it when asked
    small = sp.loggamma(sp.Integer(10**10), evaluate=False)
    f = sp.Add(sp.Mul(x, big, evaluate=False), sp.Mul(small, x**2, evaluate=False),
               evaluate=False)
    start = time.process_time()
    rows = jacobian_rows([f], [x])
    assert time.process_time() - start < 5  # exact evaluation would not end
    assert str(rows[0][0]) == "2*x*loggamma(10000000000) + gamma(10000000000)"  # by hand
    assert not rows[0][0].free_symbols - {x}  # no placeholder left behind


def test_long_sums_are_differentiated_term_by_term_to_the_same_result():
    """A sum of many terms (a loss) is differentiated over the terms each variable
    occurs in; the result is SymPy's own derivative, and absent variables give 0."""
    xs = sp.symbols("x0:12", real=True)
    f = sum(100 * (xs[i + 1] - xs[i]**2)**2 + (1 - xs[i])**2 for i in range(11))
    assert fastdiff._load_symengine()
    fastdiff._rows.cache_clear()
    g, H = fastdiff.gradient_and_hessian(f, xs)
    for w, d in zip(xs, g):
        assert sp.expand(d - sp.diff(f, w)) == 0
    for i, row in enumerate(H):
        for j, d in enumerate(row):
            assert sp.expand(d - sp.diff(f, xs[i], xs[j])) == 0
            if abs(i - j) > 1:
                assert d is sp.S.Zero  # never differentiated: x_j does not occur in g_i
