"""Tests of derive.linalg against independent truth (numpy.linalg, textbook values)."""

import random

import numpy as np
import pytest
import sympy

from derive.errors import DerivationTimeout, NoClosedFormError, ShapeError, SingularMatrixError
from derive.linalg import (LinearMap, UndecidedError, charpoly, definiteness, det, eigen,
                           inverse, nullspace, rank)
from tests.cpu_time import cpu_seconds
from tests.problems.linalg import EIGEN_PROBLEMS
from tests.tolerances import TOLERANCES

TOL = TOLERANCES["linalg_vs_numpy_rel"]


def as_complex(value, digits=30):
    from derive.linalg.eigen import _numeric_value
    return complex(_numeric_value(value, digits))


def float_array(M):
    return np.array(sympy.Matrix(M).evalf(20).tolist(), dtype=complex)


def assert_same_multiset(got, want, tol=TOL):
    got, want = list(got), list(want)
    assert len(got) == len(want)
    for w in want:
        k = min(range(len(got)), key=lambda i: abs(got[i] - w))
        assert abs(got[k] - w) <= tol * max(1.0, abs(w)), (got, want)
        got.pop(k)


# ------------------------------------------------------------------ eigen catalogue

@pytest.mark.parametrize("problem", EIGEN_PROBLEMS, ids=[p["id"] for p in EIGEN_PROBLEMS])
def test_eigen_catalogue(problem):
    result = eigen(problem["input"], seconds=20)
    assert result.method == problem["method"], result.note
    assert result.verified, str(result)
    A = result.matrix
    if problem["expected"] is not None:
        got = {s.value: (s.algebraic, s.geometric) for s in result.spaces}
        assert len(got) == len(problem["expected"])
        for value, mult in problem["expected"].items():
            match = [g for g in got if
                     (abs(as_complex(g - value)) < 1e-25 if not (g - value).free_symbols
                      else sympy.simplify(sympy.expand(g - value)) == 0)]
            assert len(match) == 1, (value, list(got))
            assert got[match[0]] == mult
    if not A.free_symbols:
        # independent truth: numpy's eigenvalues of the float64 matrix
        assert_same_multiset([as_complex(v) for v in result.eigenvalues],
                             np.linalg.eigvals(float_array(A)), tol=1e-7)
        # and every vector is an eigenvector in plain float64 arithmetic
        Af = float_array(A)
        for s in result.spaces:
            lam = as_complex(s.value)
            for v in s.vectors:
                vf = np.array([as_complex(e) for e in v])
                assert np.linalg.norm(Af @ vf - lam * vf) <= 1e-9 * np.linalg.norm(Af) * \
                    np.linalg.norm(vf) + 1e-12
    assert sum(s.algebraic for s in result.spaces) == A.rows
    assert all(1 <= s.geometric <= s.algebraic for s in result.spaces)
    assert result.is_defective == (result.jordan is not None)


def test_textbook_2x2_exact_values():
    result = eigen([[1, 2], [3, 4]])
    assert set(result.eigenvalues) == {(5 - sympy.sqrt(33)) / 2, (5 + sympy.sqrt(33)) / 2}
    assert all(s.check.startswith("exact") for s in result.spaces)


def test_quintic_falls_back_to_crootof_with_numbers():
    result = eigen(EIGEN_PROBLEMS[8]["input"], digits=40)
    assert result.method == "rootof" and "x**5" not in result.note
    assert "_lambda**5 - _lambda - 1" in result.note and "CRootOf" in result.note
    assert all(isinstance(s.value, sympy.CRootOf) for s in result.spaces)
    # the values at 40 digits match numpy.roots and mpmath.polyroots at 50 digits
    import mpmath
    with mpmath.workdps(50):
        truth = mpmath.polyroots([1, 0, 0, 0, -1, -1], maxsteps=200, extraprec=100)
        got = [s.approx(40) for s in result.spaces]
        for z in truth:
            assert min(abs(complex(g) - complex(z)) for g in got) < 1e-14
    assert_same_multiset([complex(g) for g in got], np.roots([1, 0, 0, 0, -1, -1]))


def test_defective_jordan_form_reconstructs_matrix():
    A = sympy.Matrix([[2, 1, 0], [0, 2, 0], [0, 0, 3]])
    result = eigen(A)
    P, J = result.jordan
    assert P * J * P.inv() == A
    assert J[0, 1] + J[1, 2] == 1  # one Jordan block of size 2


@pytest.mark.parametrize("a, b, c, n", [(2, -1, -1, 4), (0, 1, 4, 5), (1, 2, 3, 7),
                                        (3, 1, -2, 6), (sympy.Rational(1, 2), 5, 5, 8)])
def test_toeplitz_formula_against_numpy(a, b, c, n):
    M = [[a if i == j else b if j == i + 1 else c if i == j + 1 else 0 for j in range(n)]
         for i in range(n)]
    result = eigen(M)
    assert result.method == "toeplitz" and result.verified
    assert all(s.value.has(sympy.cos) or s.value.is_number for s in result.spaces)
    assert_same_multiset([as_complex(v) for v in result.eigenvalues],
                         np.linalg.eigvals(float_array(M)), tol=1e-9)


def test_symbolic_toeplitz_checked_at_random_points():
    a, b = sympy.symbols("a b", positive=True)
    M = [[a, b, 0], [b, a, b], [0, b, a]]
    result = eigen(M)
    assert result.method == "toeplitz" and result.verified
    assert "random points" in result.spaces[0].check
    assert set(result.eigenvalues) == {a - sympy.sqrt(2) * b, a, a + sympy.sqrt(2) * b}


def test_exact_rational_out_of_time_falls_back_to_mpmath():
    rng = random.Random(1)
    M = [[rng.randint(-5, 5) for _ in range(7)] for _ in range(7)]
    result = eigen(M, seconds=0.3, digits=25)
    assert result.method == "numeric" and result.is_numeric
    assert "did not finish within 0.3 s" in result.note
    assert result.verified
    assert_same_multiset([complex(v) for v in result.eigenvalues],
                         np.linalg.eigvals(np.array(M, dtype=float)), tol=1e-9)


def test_symbolic_out_of_time_raises():
    S = sympy.Matrix(4, 4, sympy.symbols("m0:16"))
    before = cpu_seconds()
    with pytest.raises(DerivationTimeout, match="substitute numbers for m0"):
        eigen(S, seconds=0.5)
    # the eigenvectors get 0.5 s, then the eigenvalues alone 0.5 s more (not the default 10)
    assert cpu_seconds() - before < 4.0


def test_symbolic_without_closed_form_raises():
    a = sympy.Symbol("a")
    M = [[0, 0, 0, 0, 1], [1, 0, 0, 0, a], [0, 1, 0, 0, 0], [0, 0, 1, 0, 0], [0, 0, 0, 1, 0]]
    with pytest.raises(NoClosedFormError, match="substitute numbers for a"):
        eigen(M)


def test_numeric_input_digits_and_multiplicity():
    result = eigen([[2.0, 1.0], [1.0, 2.0]], digits=50)
    assert result.method == "numeric"
    values = sorted(result.eigenvalues, key=float)
    assert abs(values[0] - 1) < 1e-45 and abs(values[1] - 3) < 1e-45
    repeated = eigen(np.eye(3) * 2.5)
    assert [(s.algebraic, s.geometric) for s in repeated.spaces] == [(3, 3)]


def test_eigen_rendering():
    result = eigen([[1, 2], [3, 4]])
    text = str(result)
    assert "λ = " in text and "algebraic 1, geometric 1" in text and "every pair verified" in text
    latex = result._repr_latex_()
    assert latex.startswith("$") and latex.endswith("$") and "\\lambda" in latex
    assert "\\sqrt{33}" in latex


def test_eigen_bad_input():
    with pytest.raises(ShapeError, match="shape 2x3; a square matrix"):
        eigen([[1, 2, 3], [4, 5, 6]])
    with pytest.raises(ShapeError, match="rows have lengths"):
        eigen([[1, 2], [3]])
    with pytest.raises(ValueError, match="digits"):
        eigen([[1]], digits=2)


def test_text_input():
    pytest.importorskip("derive.parsing")
    result = eigen("[[1, 2], [3, 4]]")
    assert set(result.eigenvalues) == {(5 - sympy.sqrt(33)) / 2, (5 + sympy.sqrt(33)) / 2}
    with pytest.raises(ValueError):
        eigen("[[__import__('os').system('true')]]")


# ------------------------------------------------------------------ definiteness

@pytest.mark.parametrize("M, expected", [
    ([[2, -1], [-1, 2]], "positive definite"),
    ([[1, 1], [1, 1]], "positive semidefinite"),
    ([[-2, 0], [0, -1]], "negative definite"),
    ([[-1, 1], [1, -1]], "negative semidefinite"),
    ([[1, 2], [2, 1]], "indefinite"),
    ([[0, 0], [0, 0]], "positive semidefinite"),
    ([[1, 4], [0, 1]], "indefinite"),           # symmetric part [[1, 2], [2, 1]]
    ([[2.0, 0.5], [0.5, 1.0]], "positive definite"),
    ([[1.0, 1.0], [1.0, 1.0]], "positive semidefinite"),
])
def test_definiteness_cases(M, expected):
    d = definiteness(M)
    assert d == expected
    # independent truth: signs of numpy's eigenvalues of the symmetric part
    S = np.array(M, dtype=float)
    w = np.linalg.eigvalsh((S + S.T) / 2)
    if expected in ("positive definite", "negative definite"):
        assert np.all(w > 0) if expected.startswith("positive") else np.all(w < 0)
    if expected == "indefinite":
        assert w.min() < 0 < w.max()


def test_definiteness_random_gram_matrices():
    rng = np.random.default_rng(0)
    for n, k in [(3, 3), (4, 2), (5, 5)]:
        B = rng.integers(-3, 4, size=(n, k))
        G = (B @ B.T).tolist()
        full = np.linalg.matrix_rank(B) == n
        assert definiteness(G) == ("positive definite" if full else "positive semidefinite")
        assert definiteness((-B @ B.T).tolist()).startswith("negative")


def test_definiteness_symbolic():
    a, b = sympy.symbols("a b", positive=True)
    assert definiteness([[a, 0], [0, b]]) == "positive definite"
    assert definiteness([[-a, 0], [0, -b]]) == "negative definite"
    x = sympy.Symbol("x", real=True)
    with pytest.raises(UndecidedError, match="depends on the values of x"):
        definiteness([[x, 0], [0, 1]])


# ------------------------------------------------------------------ det, inverse, rank, ...

def test_basic_operations_against_numpy():
    rng = np.random.default_rng(3)
    for n in (2, 3, 5):
        M = rng.integers(-6, 7, size=(n, n))
        d = det(M.tolist())
        assert abs(float(d) - np.linalg.det(M)) <= TOL * max(1, abs(np.linalg.det(M)))
        if d != 0:
            inv = np.array(inverse(M.tolist()).evalf().tolist(), dtype=float)
            assert np.allclose(inv @ M, np.eye(n), atol=1e-12)
        assert rank(M.tolist()) == np.linalg.matrix_rank(M)
        coeffs = sympy.Poly(charpoly(M.tolist(), "t"), sympy.Symbol("t")).all_coeffs()
        assert np.allclose(np.array(coeffs, dtype=float), np.poly(M), rtol=1e-9)


def test_singular_inverse_names_matrix_and_rank():
    with pytest.raises(SingularMatrixError) as info:
        inverse([[1, 2, 3], [2, 4, 6], [1, 1, 1]])
    message = str(info.value)
    assert "[[1, 2, 3], [2, 4, 6], [1, 1, 1]]" in message and "rank 2 < 3" in message
    with pytest.raises(SingularMatrixError, match="rank 1 < 2"):
        inverse([[1.0, 2.0], [2.0, 4.0]])


def test_symbolic_det_inverse_nullspace():
    a, b, c, d = sympy.symbols("a b c d")
    assert sympy.expand(det([[a, b], [c, d]]) - (a * d - b * c)) == 0
    inv = inverse([[a, b], [c, d]])
    assert sympy.simplify(inv * sympy.Matrix([[a, b], [c, d]]) - sympy.eye(2)) == sympy.zeros(2)
    kernel = nullspace([[a, a], [b, b]])
    assert len(kernel) == 1 and sympy.simplify(sympy.Matrix([[a, a], [b, b]]) * kernel[0]) \
        == sympy.zeros(2, 1)


def test_nullspace_numeric_and_exact():
    M = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
    (v,) = nullspace(M)
    assert sympy.Matrix(M) * v == sympy.zeros(3, 1)
    (w,) = nullspace(np.array(M, dtype=float))
    wf = np.array(w.evalf().tolist(), dtype=float).ravel()
    assert np.allclose(np.array(M, dtype=float) @ wf, 0, atol=1e-12)


# ------------------------------------------------------------------ linear maps

def test_linear_map_compose_apply_kernel_image():
    rng = np.random.default_rng(1)
    A = rng.integers(-3, 4, size=(3, 4))
    B = rng.integers(-3, 4, size=(4, 2))
    f, g = LinearMap(A.tolist()), LinearMap(B.tolist())
    assert np.array_equal(np.array((f @ g).standard.tolist(), dtype=int), A @ B)
    x = [1, -2]
    assert np.array_equal(np.array((f @ g)(x).tolist(), dtype=int).ravel(),
                          A @ B @ np.array(x))
    kernel = f.kernel()
    assert len(kernel) == 4 - np.linalg.matrix_rank(A)
    for v in kernel:
        assert not np.any(A @ np.array(v.tolist(), dtype=float).ravel())
    assert len(f.image()) == f.rank == np.linalg.matrix_rank(A)
    with pytest.raises(ShapeError, match="cannot compose"):
        g @ f


def test_linear_map_change_of_basis():
    A = np.array([[2, 1], [1, 2]])
    P = np.array([[1, 1], [1, -1]])  # eigenvectors: the map is diagonal in this basis
    in_eigenbasis = LinearMap(A.tolist()).in_bases(P.tolist())
    assert np.array_equal(np.array(in_eigenbasis.matrix.tolist(), dtype=float),
                          np.linalg.inv(P) @ A @ P)
    assert in_eigenbasis.matrix == sympy.diag(3, 1)
    assert in_eigenbasis == LinearMap(A.tolist())  # the same map
    v = [3, 5]
    assert in_eigenbasis(v) == LinearMap(A.tolist())(v)
    with pytest.raises(SingularMatrixError, match="not a basis"):
        LinearMap(A.tolist()).in_bases([[1, 2], [2, 4]])
    assert "R^2 -> R^2" in str(in_eigenbasis) and in_eigenbasis._repr_latex_().startswith("$")


# ------------------------------------------------------------------ properties

from hypothesis import example, given, settings, strategies as st  # noqa: E402


@st.composite
def symmetric_integer_matrices(draw):
    n = draw(st.integers(1, 4))
    entries = draw(st.lists(st.integers(-5, 5), min_size=n * n, max_size=n * n))
    B = np.array(entries).reshape(n, n)
    return (B + B.T).tolist()


@settings(max_examples=15)
@given(symmetric_integer_matrices())
@example([[0, 1, 0], [1, 0, 1], [0, 1, 2]])  # SymPy's is_indefinite says None here
def test_definiteness_matches_numpy_eigenvalue_signs(M):
    w = np.linalg.eigvalsh(np.array(M, dtype=float))
    zero = np.abs(w) <= 1e-9 * max(1.0, np.abs(w).max())
    pos, neg = np.any((w > 0) & ~zero), np.any((w < 0) & ~zero)
    expected = ("indefinite" if pos and neg else
                ("positive semidefinite" if zero.any() else "positive definite") if pos else
                ("negative semidefinite" if zero.any() else "negative definite") if neg else
                "positive semidefinite")
    assert definiteness(M) == expected


@settings(max_examples=8)
@given(st.lists(st.integers(-6, 6), min_size=4, max_size=4))
def test_eigen_2x2_matches_numpy(entries):
    M = np.array(entries).reshape(2, 2)
    result = eigen(M)
    assert result.verified and result.method == "exact"
    assert_same_multiset([as_complex(v) for v in result.eigenvalues],
                         np.linalg.eigvals(M.astype(float)), tol=1e-7)
    # a repeated eigenvalue of a non-scalar 2x2 matrix is defective
    if len(result.spaces) == 1 and not np.array_equal(M, M[0, 0] * np.eye(2)):
        assert result.is_defective and result.jordan is not None


def test_accepts_a_hessian_derivation():
    from derive.calculus import hessian
    h = hessian("x**2 + x*y + 2*y**2", ["x", "y"])
    assert definiteness(h) == "positive definite"
    w = np.linalg.eigvalsh(np.array([[2.0, 1.0], [1.0, 4.0]]))  # the Hessian by hand
    assert_same_multiset([as_complex(v) for v in eigen(h).eigenvalues], w)


def test_high_digit_numeric_route_runs_under_a_budget():
    # issue 10: `derive eig "<12x12 random integer matrix>" --digits 1000` had no budget
    rng = random.Random(1)
    M = [[rng.randint(-9, 9) for _ in range(12)] for _ in range(12)]
    with pytest.raises(DerivationTimeout, match="fewer digits"):
        eigen(M, digits=1000, seconds=1, numeric_seconds=0.5)


# issue 14 §2: eigenvalues without eigenvectors; rotation eigenvalues compact
def test_rotation_eigenvalues_are_cos_plus_minus_i_sin():
    t = sympy.Symbol("t", real=True)
    r = eigen([[sympy.cos(t), -sympy.sin(t)], [sympy.sin(t), sympy.cos(t)]])
    values = set(r.eigenvalues)
    assert values == {sympy.cos(t) + sympy.I * sympy.sin(t), sympy.cos(t) - sympy.I * sympy.sin(t)}
    assert r.verified and not any(v.has(sympy.sqrt(sympy.cos(t) - 1)) for v in values)


def test_eigenvalues_alone_when_eigenvectors_run_out_of_budget():
    a, b = sympy.symbols("a b", real=True)
    n = 8  # the eigenvalues take ~0.7 s of CPU, the eigenvectors ~14 s
    M = sympy.zeros(n)
    for i in range(n):
        M[i, i] = a
        if i + 1 < n:
            M[i, i + 1] = M[i + 1, i] = b
    M[0, n - 1] = M[n - 1, 0] = 1
    r = eigen(M, seconds=1.5)  # too little for the vectors; the values get 1.5 s again
    assert r.method == "values" and "eigenvectors not computed" in r.note
    assert r.verified and all(s.vectors == () for s in r.spaces)
    assert sum(s.algebraic for s in r.spaces) == n
    point = {a: sympy.Rational(3, 10), b: sympy.Rational(7, 10)}
    got = sorted(complex(sympy.N(v.subs(point), 30)).real for v in r.eigenvalues)
    truth = sorted(np.linalg.eigvalsh(np.array(M.subs(point), dtype=float)))
    assert np.allclose(got, truth, atol=1e-12)
