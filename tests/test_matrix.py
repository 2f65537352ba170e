"""derive.matrix: matrix calculus against the Matrix Cookbook and finite differences."""

import numpy as np
import pytest
import sympy as sp

from derive.derivation import Derivation
from derive.errors import ShapeError
from derive.matrix_calculus import (gradient, hessian, jacobian, logdet, logsumexp, matrix, sigmoid,
                           softmax, softplus, tanh, total_sum, vector)
from derive.checking.matrix import check_matrix
from derive.codegen.matrix import compile_matrix
from tests.problems.matrix import GRADIENTS, HESSIANS
from tests.tolerances import TOLERANCES


def _random_args(args, sizes, rng):
    vals = []
    for a in args:
        if isinstance(a, sp.MatrixSymbol):
            r, c = (int(sp.sympify(d).subs(sizes)) for d in a.shape)
            A = np.eye(r) + 0.1 * rng.standard_normal((r, c)) if r == c else rng.standard_normal((r, c))
            if a.T == a:
                A = (A + A.T) / 2
            vals.append(A.reshape(-1) if c == 1 else A)
        else:
            vals.append(rng.uniform(-1, 1))
    return vals


def _same_value(derived, expected, X):
    """Compile both formulas and compare them at random concrete sizes (3x4, 5x2)."""
    others = sorted((derived.free_symbols | expected.free_symbols) - {X}, key=lambda s: s.name)
    args = [X] + [a for a in others if not (isinstance(a, sp.Symbol) and a.name in ("n", "m"))]
    f, g = compile_matrix(derived, args), compile_matrix(expected, args)
    rng = np.random.default_rng(1)
    n, m = sp.Symbol("n", integer=True, positive=True), sp.Symbol("m", integer=True, positive=True)
    for sizes in ({n: 3, m: 4}, {n: 5, m: 2}):
        vals = _random_args(args, sizes, rng)
        np.testing.assert_allclose(f(*vals), g(*vals), rtol=TOLERANCES["matrix_formula_rel"],
                                   atol=1e-12)


@pytest.mark.parametrize("pid,make,source", GRADIENTS, ids=[g[0] for g in GRADIENTS])
def test_gradient_catalogue(pid, make, source):
    f, X, expected = make()
    d = gradient(f, X)
    assert d.op == "matrix_gradient" and d.wrt == (X,)
    assert d.result.shape == X.shape                      # layout: gradient has X's shape
    _same_value(d.result, expected, X)
    report = check_matrix(d)
    assert report.status == "verified", str(report)
    assert report.details["sizes"] and len(report.details["sizes"]) == 2


@pytest.mark.parametrize("pid,make,source", HESSIANS, ids=[h[0] for h in HESSIANS])
def test_hessian_catalogue(pid, make, source):
    f, x, expected = make()
    d = hessian(f, x)
    assert d.op == "matrix_hessian"
    assert d.result.shape == (x.shape[0], x.shape[0])
    _same_value(d.result, expected, x)
    assert check_matrix(d).status == "verified"


# -- textbook forms (structure, not only value) -------------------------------------------

def test_textbook_forms():
    n, m = "n", "m"
    x, A = vector("x", n), matrix("A", n, n)
    X, w, y = matrix("X", n, m), vector("w", m), vector("y", n)
    z, t = vector("z", n), vector("t", n)
    assert gradient(x.T * A * x, x).result == (A + A.T) * x
    assert gradient((X * w - y).T * (X * w - y), w).result == 2 * X.T * (X * w - y)
    assert gradient(total_sum(softplus(X * w)) - y.T * X * w, w).result == \
        X.T * (sigmoid(X * w) - y)
    assert gradient(logsumexp(z) - t.T * z, z).result == softmax(z) - t
    p = softmax(z)
    H = hessian(logsumexp(z) - t.T * z, z).result
    assert sp.latex(H) == r"\operatorname{diag}\left(\operatorname{softmax}\left(z\right)\right) " \
                          r"- \operatorname{softmax}\left(z\right) " \
                          r"\left(\operatorname{softmax}\left(z\right)\right)^{T}"
    assert sp.latex(gradient(logdet(A), A).result) == "A^{-T}"
    Sigma, S = matrix("Sigma", n, n, symmetric=True), matrix("S", n, n, symmetric=True)
    G = gradient(-logdet(Sigma) / 2 - sp.Trace(sp.Inverse(Sigma) * S) / 2, Sigma).result
    Si = sp.Inverse(Sigma)
    assert G == -Si / 2 + Si * S * Si / 2
    del p


def test_steps_show_the_differential():
    X, a, b = matrix("X", "n", "m"), vector("a", "n"), vector("b", "m")
    d = gradient(a.T * X * b, X)
    dX = sp.MatrixSymbol("dX", *X.shape)
    assert d.steps[0].expr == a.T * dX * b
    assert d.steps[-1].expr == a * b.T
    assert "d" in d.steps[0].description


def test_wrong_result_is_refuted():
    X, a, b = matrix("X", "n", "m"), vector("a", "n"), vector("b", "m")
    wrong = Derivation(op="matrix_gradient", source=a.T * X * b, result=b.T.T * a.T * 0 + (a * b.T) * 2,
                       wrt=(X,))
    assert check_matrix(wrong).status == "refuted"


def test_sympy_wrong_zero_cases_are_nonzero():
    X = matrix("X", "n", "n")
    assert gradient(logdet(X), X).result != sp.ZeroMatrix(*X.shape)
    assert gradient(sp.exp(sp.Trace(X)), X).result != sp.ZeroMatrix(*X.shape)


def test_derivation_is_size_independent():
    """Concrete sizes 10 and 10,000 give the same symbolic work: nothing is expanded."""
    results = []
    for size in (10, 10_000):
        X, w, y = matrix("X", size, 20), vector("w", 20), vector("y", size)
        results.append(str(gradient(total_sum(softplus(X * w)) - y.T * X * w, w).result))
    assert results[0] == results[1] == "X.T*(sigmoid(X*w) - y)"


def test_jacobian_of_layer():
    W, x = matrix("W", "m", "n"), vector("x", "n")
    d = jacobian(tanh(W * x), x)
    assert d.op == "matrix_jacobian" and d.result.shape == (W.shape[0], x.shape[0])
    assert check_matrix(d).status == "verified"


def test_check_at_given_point():
    X = matrix("X", "n", "n")
    d = gradient(logdet(X), X)
    r = check_matrix(d, at={"X": np.array([[2.0, 1.0], [1.0, 3.0]])})
    assert r.status == "verified" and r.details["sizes"] == [{"n": 2}]
    with pytest.raises(ShapeError, match="not arguments"):
        check_matrix(d, at={"Y": np.eye(2)})


def test_check_through_derivation_method():
    x, A = vector("x", "n"), matrix("A", "n", "n")
    d = gradient(x.T * A * x, x)
    assert d.check().status == "verified"
    f = d.compile()                       # derive.codegen.compile dispatches to compile_matrix
    assert "@" in f.source
    np.testing.assert_allclose(f([1.0, 2.0], [[1.0, 2.0], [3.0, 4.0]]), [12.0, 21.0])   # (A + A^T) x


@pytest.mark.parametrize("bad,match", [
    (lambda X, x: gradient(X, X), "scalar"),
    (lambda X, x: gradient(sp.Trace(X), sp.Symbol("t")), "matrix or vector symbol"),
    (lambda X, x: hessian(sp.Trace(X), X), "vector variable"),
    (lambda X, x: jacobian(X * x, X), "vector variable"),
    (lambda X, x: gradient(sp.Trace(X), "Q"), "not a matrix or vector symbol"),
    (lambda X, x: matrix("A", 0, 2), "positive"),
    (lambda X, x: matrix("A", "n", "m", symmetric=True), "square"),
])
def test_clear_errors(bad, match):
    X, x = matrix("X", "n", "n"), vector("x", "n")
    with pytest.raises(ShapeError, match=match):
        bad(X, x)


def test_inverse_of_product_reduces_to_textbook():
    """Matrix Cookbook (51): d det(AXB)/dX = det(AXB) X^-T, not A^T (AXB)^-T B^T."""
    A, X, B = (matrix(c, "n", "n") for c in "AXB")
    d = gradient(sp.Determinant(A * X * B), X)
    assert sp.latex(d.result) == r"\left|{A X B}\right| X^{-T}"
    assert check_matrix(d).status == "verified"


def test_hessian_check_also_checks_its_gradient():
    x, A = vector("x", "n"), matrix("A", "n", "n")
    right = hessian(x.T * A * x, x)
    assert check_matrix(right).status == "verified"
    # consistent Hessian of a wrong gradient (2 A x): refuted through the gradient check
    wrong = Derivation(op="matrix_hessian", source=x.T * A * x, result=2 * A, wrt=(x,),
                       options={"gradient": 2 * A * x})
    report = check_matrix(wrong)
    assert report.status == "refuted"
    assert any("the gradient 2*A*x is refuted" in line for line in report.evidence)


def test_text_is_never_evaluated():
    from derive.errors import ParseError
    from derive.matrix_calculus import exp as mexp
    X = matrix("X", "n", "n")
    for call in (lambda: gradient("__import__('os').system('echo pwned')", X),
                 lambda: mexp("X"), lambda: jacobian("x", vector("x", "n"))):
        with pytest.raises(ParseError, match="parse_matrix_expression"):
            call()


def _elementwise_cases():
    from derive.matrix_calculus import (col_sum, exp, hadamard, hadamard_quotient, log, power, relu,
                               row_sum, sqrt, norm)
    X, A = matrix("X", "n", "m"), matrix("A", "n", "m")
    u, v = vector("u", "n"), vector("v", "m")
    Z = matrix("Z", "n", "m")
    return [
        ("exp", u.T * exp(X) * v, X),
        ("log", total_sum(log(X)), X),
        ("sigmoid", u.T * sigmoid(hadamard(A, X)) * v, X),
        ("softplus", total_sum(softplus(X)), X),
        ("tanh", u.T * tanh(X) * v, X),
        ("relu", u.T * relu(X) * v, X),
        ("power3", total_sum(power(X, 3)), X),
        ("sqrt", total_sum(sqrt(X)), X),
        ("hadamard-quotient", total_sum(hadamard_quotient(A, X)), X),
        ("row-sum", row_sum(X).T * row_sum(X), X),
        ("col-sum", col_sum(hadamard(A, X)) * v, X),
        ("softmax-columns", u.T * softmax(Z, 0) * v, Z),
        ("softmax-rows", u.T * softmax(Z, 1) * v, Z),
        ("logsumexp-columns", logsumexp(Z, 0) * v, Z),
        ("logsumexp-rows", u.T * logsumexp(Z, 1), Z),
        ("norm", norm(X), X),
        ("vector-2-norm", norm(u), u),
    ]


@pytest.mark.parametrize("case", _elementwise_cases(), ids=lambda c: c[0])
def test_elementwise_and_axis_functions_checked(case):
    _, f, X = case
    d = gradient(f, X)
    assert d.result.shape == X.shape
    assert check_matrix(d).status == "verified", str(d.result)
