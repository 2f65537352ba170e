"""Every backend (NumPy, JAX, PyTorch) against the same mpmath oracle at 50 digits.

The catalogue's derivations compile and are verified on each backend; a hypothesis
property compares compiled values and gradients of random expressions with 50-digit
evaluation of the same SymPy expression; the stable forms people write stay finite
and within a few ulps at extreme arguments; user symbol names never collide with
names the generated code uses.
"""

import re

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import example, given, settings, strategies as st

from derive import calculus
from derive.checking.matrix_identity import exact_value
from derive.codegen import compile, compile_mpmath
from derive.codegen.matrix import compile_matrix
from derive.errors import CompileError
from derive.functions import sigmoid, softplus
from derive.parsing import parse
from derive.matrix_calculus import gradient as matrix_gradient, hessian as matrix_hessian
from tests.problems.calculus import PROBLEMS
from tests.problems.matrix import GRADIENTS, HESSIANS
from tests.test_calculus import derive_problem
from tests.test_matrix import _elementwise_cases
from tests.tolerances import TOLERANCES

jax = pytest.importorskip("jax")
torch = pytest.importorskip("torch")

BACKENDS = ["numpy", "jax", "torch"]
REL = TOLERANCES["compiled_vs_mpmath_rel"]
EPS = np.finfo(float).eps


def as_numpy(value):
    if hasattr(value, "detach"):
        value = value.detach().numpy()
    out = np.asarray(value)
    assert out.dtype == np.float64, out.dtype      # float64 kept in every backend
    return out


def oracle(expr, args, point, dps=50):
    """``expr`` at ``point`` with mpmath at ``dps`` digits (complex parts must vanish)."""
    f = compile_mpmath(expr, args)
    with mpmath.workdps(dps):
        v = f(*[mpmath.mpf(p) for p in point])
    return complex(v).real


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("problem", PROBLEMS, ids=[p["id"] for p in PROBLEMS])
def test_catalogue_compiles_and_matches_oracle(problem, backend):
    d = derive_problem(problem)
    c = compile(d, backend=backend)
    want = problem["expected"]
    want = sp.Matrix(want) if isinstance(want, sp.MatrixBase) else sp.Matrix([want])
    by_name = {s.name: s for s in want.free_symbols}
    args = [by_name.get(a.name, a) for a in c.args]
    rng = np.random.default_rng(11)
    for _ in range(3):
        point = [float(rng.uniform(0.3, 1.7)) for _ in args]
        got = as_numpy(c(*point)).reshape(-1)
        ref = np.array([oracle(e, args, point) for e in want])
        np.testing.assert_allclose(got, ref, rtol=REL, atol=1e-300)


# -- the matrix-calculus catalogue: compiled on each backend against exact values ------

#: (id, f, wrt, truth): the Cookbook's formula where the catalogue has one, else the
#: derivative itself, evaluated entry by entry by scalar differentiation
MATRIX_CASES = [(pid, *make()) for pid, make, _ in GRADIENTS + HESSIANS] + \
    [(pid, f, X, sp.Derivative(f, X)) for pid, f, X in _elementwise_cases()]


def _rational_matrix(sym, rng):
    """Near the identity when square (inverses, determinants), else entries in [1/2, 3/2]
    (elementwise log, sqrt, quotients); symmetric for a symmetric symbol."""
    rows, cols = (int(d) for d in sym.shape)
    if rows == cols:
        M = sp.eye(rows) + sp.Matrix(rows, cols, lambda i, j: sp.Rational(
            int(rng.integers(-3, 4)), 10 * int(rng.integers(1, 4))))
    else:
        M = sp.Matrix(rows, cols, lambda i, j: sp.Rational(int(rng.integers(5, 16)), 10))
    return sp.ImmutableMatrix((M + M.T) / 2 if sym.T == sym else M)


@pytest.fixture(scope="module")
def matrix_oracle():
    """Per catalogue case, computed once for all backends: the derivation, its arguments,
    the drawn values (floats) and the exact values of the source and the truth."""
    cache = {}

    def get(pid, f, wrt, truth):
        if pid not in cache:
            d = (matrix_hessian if pid.startswith("hessian") else matrix_gradient)(f, wrt)
            symbols = sorted(f.free_symbols | d.result.free_symbols, key=lambda s: s.name)
            dims = sorted({x for s in symbols if isinstance(s, sp.MatrixSymbol)
                           for x in s.shape if x.is_Symbol}, key=str)
            sizes = {dim: 2 + i for i, dim in enumerate(dims)}
            args = [s for s in symbols if s not in dims]
            rng, values = np.random.default_rng(5), {}
            for s in args:
                c = s.xreplace(sizes)
                values[c] = _rational_matrix(c, rng) if isinstance(s, sp.MatrixSymbol) \
                    else sp.Rational(int(rng.integers(5, 16)), 10)
            floats = [np.array(values[s.xreplace(sizes)].tolist(), dtype=float)
                      if isinstance(s, sp.MatrixSymbol) else float(values[s]) for s in args]
            want = [_digits(exact_value(e.xreplace(sizes), values)) for e in (f, truth)]
            cache[pid] = (d, args, floats, want)
        return cache[pid]

    return get


def _digits(value):
    """Exact (or symbolic) entries as float64, evaluated at 50 digits."""
    entries = list(value) if isinstance(value, sp.MatrixBase) else [value]
    return np.array([complex(sp.N(v, 50)).real for v in entries])


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("case", MATRIX_CASES, ids=[c[0] for c in MATRIX_CASES])
def test_matrix_catalogue_compiles_and_matches_exact_values(case, backend, matrix_oracle):
    """The source and the derived formula, compiled on each backend, against exact
    rational arithmetic (50 digits where a function leaves the rationals) of the source
    and of the Cookbook's formula (:func:`derive.checking.matrix_identity.exact_value`,
    the oracle of ``verify`` for matrix identities)."""
    d, args, floats, want = matrix_oracle(*case)
    for expr, ref in zip((case[1], d.result), want):
        got = as_numpy(compile_matrix(expr, args, backend=backend)(*floats)).reshape(-1)
        np.testing.assert_allclose(got, ref, rtol=REL, atol=1e-13)


@pytest.mark.parametrize("backend", BACKENDS)
def test_broadcasting_shapes_agree_with_numpy(backend):
    g = compile(calculus.gradient("x**2*y + log(1 + exp(x))", "x y"), backend=backend)
    out = as_numpy(g(np.array([0.5, 1.0, 2.0]), 2.0))
    assert out.shape == (2, 3)
    h = compile(calculus.hessian("x**3*y + y**2", "x y"), backend=backend)
    assert as_numpy(h(np.array([0.5, 1.0]), np.array([2.0, 1.0]))).shape == (2, 2, 2)


@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_source_is_pasteable_and_imports_only_its_framework(backend):
    c = compile(calculus.gradient("softplus(x)*y + erf(y) + x*log(x)", "x y"), backend=backend)
    imports = [ln.split()[1] for ln in c.source.splitlines() if ln.startswith("import ")]
    assert imports and all(m.split(".")[0] == backend for m in imports), imports
    assert not re.search(r"(?<![.\w])(numpy|scipy)\.", c.source)
    namespace = {}
    exec(c.source, namespace)   # the pasted text runs on its own  # noqa: S102
    raw = namespace[c.name]
    if backend == "jax":
        with jax.enable_x64(True):
            pasted = as_numpy(raw(np.float64(0.7), np.float64(1.3)))
    else:
        pasted = as_numpy(raw(0.7, 1.3))
    np.testing.assert_allclose(pasted, as_numpy(c(0.7, 1.3)), rtol=1e-15)


def test_jax_float64_without_touching_global_config():
    before = jax.config.jax_enable_x64
    f = compile("exp(x)/3", backend="jax")
    assert as_numpy(f(np.array([1.0, 2.0]))).dtype == np.float64
    assert jax.config.jax_enable_x64 == before


def test_torch_float32_stays_float32():
    f = compile("sigmoid(x)*x", backend="torch")
    assert f(torch.ones(3, dtype=torch.float32)).dtype == torch.float32


def test_unknown_backend_and_matrix_limits_are_errors():
    with pytest.raises(CompileError, match="backend"):
        compile("x", backend="tensorflow")


# -- random expressions: values and gradients against 50-digit evaluation ----------

x, y = sp.symbols("x y", real=True)
_leaves = st.sampled_from([x, y, sp.Integer(2), sp.Rational(1, 3), x * y])
_unary = [sp.sin, sp.cos, sp.tanh, sp.atan, sigmoid, softplus,
          lambda e: sp.exp(e / 4), lambda e: sp.log(1 + e**2), lambda e: sp.sqrt(1 + e**2)]


def _grow(children):
    return st.one_of(
        st.tuples(st.sampled_from(_unary), children).map(lambda t: t[0](t[1])),
        st.tuples(children, children).map(lambda t: t[0] + t[1]),
        st.tuples(children, children).map(lambda t: t[0] * t[1]),
    )


expressions = st.recursive(_leaves, _grow, max_leaves=6).filter(lambda e: e.has(x) and e.has(y))


@settings(max_examples=25, deadline=None)
@given(expressions, st.floats(-2, 2), st.floats(-2, 2))
@example(sp.log(sp.exp(x) + sp.exp(y)) * x, 0.5, -1.5)
def test_random_expressions_every_backend_matches_50_digits(expr, a, b):
    grad = [sp.diff(expr, v) for v in (x, y)]
    ref_value = oracle(expr, [x, y], [a, b])
    ref_grad = [oracle(g, [x, y], [a, b]) for g in grad]
    for backend in BACKENDS:
        f = compile(expr, [x, y], backend=backend)
        g = compile(sp.Matrix(grad), [x, y], backend=backend)
        np.testing.assert_allclose(as_numpy(f(a, b)), ref_value, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(as_numpy(g(a, b)), ref_grad, rtol=1e-9, atol=1e-12)


# -- the stable forms people write (issue 10) -------------------------------------

z = sp.Symbol("z", real=True)
STABLE = [
    ("log(exp(x)+exp(y)+exp(z))", (1000.0, 1000.0, 1000.0)),
    ("log(exp(x)+exp(y)+exp(z))", (-1000.0, -1001.0, -999.0)),
    ("log(sigmoid(x))", (-1000.0,)),
    ("log(sigmoid(x))", (40.0,)),
    ("log(cosh(x))", (1000.0,)),
    ("log(cosh(x))", (1e-5,)),
    ("sqrt(x**2+y**2)", (1e200, 1e200)),
    ("sqrt(x**2+y**2)", (1e-200, 3e-200)),
    ("x*log(x)", (0.0,)),
    ("x*log(x)", (1e-300,)),
]


def _close(got, want):
    return abs(got - want) <= TOLERANCES["stable_forms_eps"] * EPS * max(abs(want), 1e-300)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("text, point", STABLE, ids=[f"{t}@{p[0]:g}" for t, p in STABLE])
def test_stable_forms_are_finite_and_within_ulps(text, point, backend):
    expr = parse(text)
    args = sorted(expr.free_symbols, key=lambda s: s.name)
    got = float(as_numpy(compile(expr, args, backend=backend)(*point)))
    want = oracle(expr, args, point) if point != (0.0,) else 0.0   # x log x -> 0 at 0
    assert np.isfinite(got) and _close(got, want), (got, want)


@pytest.mark.parametrize("backend", BACKENDS)
def test_gradient_of_two_term_logsumexp_at_1000(backend):
    g = compile(calculus.gradient("log(exp(x) + exp(y))", "x y"), backend=backend)
    np.testing.assert_array_equal(as_numpy(g(1000.0, 1000.0)), [0.5, 0.5])


#: the logistic Hessian weight as derivations write it (factor() splits exp(b0 + b1*x))
LOGISTIC_WEIGHTS = ["exp(x)/(1 + exp(x))**2", "-exp(x)*exp(y)/(exp(x)*exp(y) + 1)**2",
                    "sigmoid(x)*(1 - sigmoid(x))", "sigmoid(x) - sigmoid(x)**2"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_logistic_weight_is_finite_and_accurate_at_large_eta(backend):
    # compiled as sigmoid(eta)*sigmoid(-eta): e^-eta for eta >> 0, never inf/inf = nan
    for text in LOGISTIC_WEIGHTS:
        expr = parse(text)
        args = sorted(expr.free_symbols, key=lambda s: s.name)
        f = compile(expr, args, backend=backend)
        etas = np.array([-1000.0, -700.0, -40.0, 40.0, 700.0, 1000.0])
        got = as_numpy(f(etas, *[0.0] * (len(args) - 1)))
        for eta, g in zip(etas, got):
            # 1 - sigmoid(1000) is e^-1000: the oracle needs 500 digits, not 50
            want = oracle(expr, args, (eta,) + (0.0,) * (len(args) - 1), dps=500)
            assert np.isfinite(g) and _close(g, want), (text, eta, g, want)
    d = calculus.hessian("log(1 + exp(x))", "x")
    got = as_numpy(compile(d, backend=backend)(np.array([-1000.0, 40.0, 1000.0]))).ravel()
    want = [oracle(d.result[0], [x], (v,), dps=500) for v in (-1000.0, 40.0, 1000.0)]
    assert all(_close(g, w) for g, w in zip(got, want)), (got, want)


_big = st.floats(min_value=-1e4, max_value=1e4).filter(lambda v: abs(v) > 1.0)
FORMS = [  # (expression, arguments it takes, how a point is drawn)
    (sp.log(sp.exp(x) + sp.exp(y) + sp.exp(z)), (x, y, z), st.tuples(_big, _big, _big)),
    (sp.log(sp.exp(x) + sp.exp(y)) + x, (x, y), st.tuples(_big, _big)),
    (sp.log(sigmoid(x)), (x,), st.tuples(_big)),
    (sp.log(sp.cosh(x)), (x,), st.tuples(st.floats(-1e5, 1e5))),
    (sp.sqrt(x**2 + y**2), (x, y),
     st.tuples(st.floats(1e150, 1e300), st.floats(-1e300, -1e150))),
    (x * sp.log(x), (x,), st.tuples(st.floats(1e-300, 1e300))),
    (sp.log(1 + sp.exp(x)) - x, (x,), st.tuples(_big)),
]


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_property_stable_forms_at_extreme_arguments(data):
    expr, args, points = data.draw(st.sampled_from(FORMS))
    point = data.draw(points)
    # log(cosh(1e-30)) = log(1 + 5e-61): the oracle needs digits beyond 2*|log10 x|
    tiny = min((abs(p) for p in point if p), default=1.0)
    want = oracle(expr, args, point, dps=60 + 2 * max(0, int(-np.log10(tiny))))
    for backend in BACKENDS:
        got = float(as_numpy(compile(expr, args, backend=backend)(*point)))
        scale = max(abs(want), max(abs(p) for p in point) * EPS)   # softplus(x) - x loses |x| eps
        assert np.isfinite(got), (expr, point, backend)
        assert abs(got - want) <= TOLERANCES["stable_forms_eps"] * EPS * scale, \
            (expr, point, backend, got, want)


# -- names: a user symbol never shadows what generated code uses -------------------

COLLIDING = ["mpf", "numpy", "exp", "abs", "torch", "jax", "scipy", "math", "log"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_symbol_names_never_collide(backend):
    expr = parse(" + ".join(f"{n}*exp(x)/3" for n in COLLIDING) + " + log(x)")
    args = sorted(expr.free_symbols, key=lambda s: s.name)
    point = [0.5 + i / 10 for i in range(len(args))]
    got = float(as_numpy(compile(expr, args, backend=backend)(*point)))
    assert got == pytest.approx(oracle(expr, args, point), rel=1e-14)


def test_mpmath_oracle_not_switched_off_by_a_symbol_named_mpf():
    e = parse("mpf*x + x/3 + exp*2")
    args = sorted(e.free_symbols, key=lambda s: s.name)   # exp, mpf, x
    with mpmath.workdps(30):
        assert float(compile_mpmath(e, args)(2, 3, 4)) == pytest.approx(4 + 12 + 4 / 3)


def test_compile_accepts_names():
    assert float(compile("x*y + 1", ["y", "x"])(2.0, 3.0)) == 7.0
    assert float(compile("x*y + 1", "x y", backend="torch")(2.0, 3.0)) == 7.0


@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_matrix_source_imports_only_its_framework_and_stays_finite(backend):
    from derive.matrix_calculus import gradient as mgradient, matrix, softplus as msoftplus, \
        total_sum, vector
    X, w, y = matrix("X", "n", "d"), vector("w", "d"), vector("y", "n")
    c = compile(mgradient(total_sum(msoftplus(X * w)) - y.T * X * w, w), backend=backend)
    imports = [ln.split()[1] for ln in c.source.splitlines() if ln.startswith("import ")]
    assert all(m.split(".")[0] == backend for m in imports), imports
    assert not re.search(r"(?<![.\w])(numpy|scipy)\.", c.source)
    Xv = np.array([[1000.0, 0.0], [0.0, -1000.0]])
    got = as_numpy(c(w=np.ones(2), X=Xv, y=np.zeros(2)))
    np.testing.assert_array_equal(got, [1000.0, 0.0])


def test_oracle_and_code_not_switched_off_by_a_symbol_named_mpf():
    import derive
    assert derive.verify("mpf*x + x/3", "x*mpf + x/2").status == "refuted"
    assert derive.gradient("mpf*x**2/3", "x").check().status == "verified"
