"""One point as one vector (issue 12, section 3): SciPy's calling convention,
index patterns compiled as slices, checked against SciPy's hand-written Rosenbrock
derivatives and against mpmath at 50 digits on random index patterns."""

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st
from scipy.optimize import rosen, rosen_der, rosen_hess

from derive.calculus import gradient, hessian
from derive.codegen import compile, compile_mpmath
from tests.tolerances import TOLERANCES

REL = TOLERANCES["scipy_reference_rel"]


@pytest.fixture(scope="module")
def rosen80():
    xs = sp.symbols("x0:80", real=True)
    f = sum(100 * (xs[i + 1] - xs[i]**2)**2 + (1 - xs[i])**2 for i in range(79))
    return xs, compile(f, xs), compile(gradient(f, xs)), compile(hessian(f, xs))


def test_rosenbrock_80_vector_matches_scipy(rosen80):
    xs, f, g, H = rosen80
    x = np.random.default_rng(0).normal(size=80)
    assert f(x) == pytest.approx(rosen(x), rel=REL)
    np.testing.assert_allclose(g(x), rosen_der(x), rtol=REL, atol=1e-9)
    np.testing.assert_allclose(H(x), rosen_hess(x), rtol=REL, atol=1e-9)
    np.testing.assert_allclose(g.vector(x), g(*x), rtol=1e-15)         # same as per-argument


def test_rosenbrock_gradient_is_written_as_slices(rosen80):
    _, _, g, H = rosen80
    assert "x[1:79]" in g.vector_source and g.vector_source.count("\n    _out[") <= 4
    assert "_flat[" in H.vector_source and H.vector_source.count("\n    _out[") <= 4


def test_vector_rejects_a_point_of_the_wrong_length(rosen80):
    _, _, g, _ = rosen80
    with pytest.raises(ValueError, match="1-D point of 80 values"):
        g.vector(np.ones(79))


def test_large_hessian_compiles_in_linear_time():
    import time
    xs = sp.symbols("x0:200", real=True)
    f = sum(100 * (xs[i + 1] - xs[i]**2)**2 + (1 - xs[i])**2 for i in range(199))
    H = hessian(f, xs)
    t = time.process_time()
    c = compile(H)
    assert time.process_time() - t < 20          # generous CPU budget; ~1 s here
    x = np.random.default_rng(1).normal(size=200)
    np.testing.assert_allclose(c(x), rosen_hess(x), rtol=REL, atol=1e-9)


# random index patterns: f = sum_i T(x_{i-1}, x_i, x_{i+1}) for a random template T
a, b, c = sp.symbols("a b c", real=True)
_atoms = st.sampled_from([a, b, c, a * b, b * c, sp.Integer(2)])
_templates = st.recursive(
    _atoms,
    lambda kids: st.one_of(
        st.tuples(st.sampled_from([sp.sin, sp.tanh, lambda e: e**2, lambda e: sp.exp(e / 3)]),
                  kids).map(lambda t: t[0](t[1])),
        st.tuples(kids, kids).map(lambda t: t[0] + t[1]),
        st.tuples(kids, kids).map(lambda t: t[0] * t[1])),
    max_leaves=5).filter(lambda e: e.free_symbols)


@settings(max_examples=15, deadline=None)
@given(_templates, st.integers(5, 9))
def test_property_index_patterns_match_50_digits(template, n):
    xs = sp.symbols(f"x0:{n}", real=True)
    f = sum(template.xreplace({a: xs[i - 1], b: xs[i], c: xs[i + 1]}) for i in range(1, n - 1))
    rng = np.random.default_rng(n)
    x = rng.uniform(-1, 1, size=n)
    for expr in (f, gradient(f, xs).result, hessian(f, xs).result):
        got = np.asarray(compile(expr, xs).vector(x), dtype=float).reshape(-1)
        entries = list(expr) if isinstance(expr, sp.MatrixBase) else [expr]
        with mpmath.workdps(50):
            want = np.array([float(compile_mpmath(e, xs)(*[mpmath.mpf(v) for v in x]))
                             for e in entries])
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


def test_an_offset_is_no_number():
    # x_i + x_{i+2} and x_i + 2: offset 2 and the number 2 must not make one run
    xs = sp.symbols("x0:8", real=True)
    g = sp.Matrix([xs[i] + (xs[i + 2] if i < 4 else 2) for i in range(8)])
    x = np.arange(8.0) / 7
    want = [x[i] + (x[i + 2] if i < 4 else 2) for i in range(8)]
    np.testing.assert_allclose(compile(g, xs, convention="vector")(x), want, rtol=1e-15)


@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_vector_convention_on_frameworks(backend, rosen80):
    pytest.importorskip(backend)
    xs = sp.symbols("x0:12", real=True)
    f = sum(100 * (xs[i + 1] - xs[i]**2)**2 + (1 - xs[i])**2 for i in range(11))
    x = np.random.default_rng(2).normal(size=12)
    for d, ref in ((gradient(f, xs), rosen_der), (hessian(f, xs), rosen_hess)):
        c = compile(d, backend=backend)
        out = c.vector(x) if backend == "jax" else c.vector(__import__("torch").tensor(x))
        out = np.asarray(out.detach().numpy() if hasattr(out, "detach") else out)
        assert out.dtype == np.float64
        np.testing.assert_allclose(out, ref(x), rtol=REL, atol=1e-9)


def test_entries_without_a_pattern_share_subexpressions():
    x, y, z = sp.symbols("x y z", real=True)
    f = sp.exp(sp.sin(x * y) * z) + sp.log(1 + (x * y) ** 2)
    c = compile(gradient(f, [x, y, z]), convention="vector")
    assert "_c0 = " in c.source                       # computed once, used by three entries
    p = np.array([0.3, -0.7, 1.1])
    with mpmath.workdps(50):
        want = [float(compile_mpmath(sp.diff(f, v), [x, y, z])(*[mpmath.mpf(t) for t in p]))
                for v in (x, y, z)]
    np.testing.assert_allclose(c(p), want, rtol=1e-14)
