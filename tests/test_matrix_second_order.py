"""Second order in matrices: H[V] maps, Kronecker and einsum forms, third order.

Truths are independent of derive's derivation: central differences of the
compiled gradient (check_second_order), textbook identities (Magnus &
Neudecker; Matrix Cookbook eqs. 57, 116) evaluated with NumPy, and numerical
differentiation of NumPy-written functions.
"""

import numpy as np
import pytest
import sympy as sp

from derive.checking.second_order import check_second_order
from derive.codegen.matrix_linear_maps import compile_hessian, compile_hvp, prepare_hvp
from derive.errors import ShapeError
from derive.matrix_calculus import (hessian, hvp, kron_form, logdet, logsumexp, matrix, norm,
                                    power, scalar, second_differential, softplus, third_order,
                                    total_sum, trace, vector)
from derive.matrix_calculus.nodes import Norm
from derive.matrix_calculus.vec_form import Commutation, Vec

n, m, d, k, r = sp.symbols("n m d k r", integer=True, positive=True)
X, A = matrix("X", "n", "n"), matrix("A", "n", "n")
W, Z, Y = matrix("W", "d", "k"), matrix("Z", "n", "d"), matrix("Y", "n", "k")
U, Vm, Ym = matrix("U", "n", "r"), matrix("V", "m", "r"), matrix("Y", "n", "m")
w = vector("w", "d")
Xr = matrix("X", "n", "m")

CASES = {
    "logdet": (logdet(X), X, None),
    "quadratic_trace": (trace(Xr.T * A * Xr), Xr, None),
    "least_squares_weight_matrix": (trace((Z * W - Y).T * (Z * W - Y)), W, None),
    "logistic_weight_matrix": (scalar(total_sum(softplus(Z * W))) - trace(Y.T * Z * W), W, None),
    "logistic_weights": (scalar(total_sum(softplus(Z * w))), w, None),
    "factorization_in_U": (norm(Ym - U * Vm.T) ** 2, U, None),
    "factorization_mixed_UV": (norm(Ym - U * Vm.T) ** 2, U, Vm),
    "factorization_mixed_VU": (norm(Ym - U * Vm.T) ** 2, Vm, U),
    "inverse_trace": (trace(sp.Inverse(X) * A), X, None),
    "norm": (norm(Xr), Xr, None),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_hvp_is_checked_by_differences_of_the_compiled_gradient(case):
    f, var, other = CASES[case]
    dd = hvp(f, var, other)
    for seed in (0, 1):
        rep = check_second_order(dd, seed=seed)
        assert rep.status == "verified", (case, str(rep))
    assert rep.max_rel_error < 1e-6
    assert dd.check().status == "verified"       # Derivation.check reaches the same checker


def test_textbook_forms():
    dX, dU, dW = (hvp(*c[:2]).options["direction"] for c in
                  (CASES["logdet"], CASES["factorization_in_U"], CASES["least_squares_weight_matrix"]))
    assert str(hvp(logdet(X), X).result) == "-X^-T*dX.T*X^-T"
    assert hvp(trace(Xr.T * A * Xr), Xr).result == (A + A.T) * hvp(trace(Xr.T * A * Xr), Xr).options["direction"]
    assert hvp(norm(Ym - U * Vm.T) ** 2, U).result == 2 * dU * Vm.T * Vm
    assert hvp(trace((Z * W - Y).T * (Z * W - Y)), W).result == 2 * Z.T * Z * dW


def test_log_det_second_differential_matches_the_textbook_numerically():
    # d^2 log det X = -tr(X^-1 V X^-1 V)   (Magnus & Neudecker, ch. 8)
    d2 = second_differential(logdet(X), X)
    rng = np.random.default_rng(3)
    x = np.eye(4) + 0.3 * rng.standard_normal((4, 4))
    v = rng.standard_normal((4, 4))
    from derive.codegen.matrix import compile_matrix
    dX = hvp(logdet(X), X).options["direction"]
    got = compile_matrix(d2, [X, dX])(x, v)
    xi = np.linalg.inv(x)
    assert np.isclose(got, -np.trace(xi @ v @ xi @ v), rtol=1e-12)


def _numeric(expr, values):
    """A SymPy matrix expression (with Kronecker, vec, commutation) evaluated explicitly."""
    subs = {s: sp.ImmutableMatrix(v) for s, v in values.items()}
    sizes = {}
    for s, v in values.items():
        for dim, size in zip(s.shape, np.shape(v)):
            if dim.is_Symbol:
                sizes[dim] = size
    e = expr.xreplace(subs).subs(sizes)
    e = e.replace(lambda x: isinstance(x, (Vec, Commutation)), lambda x: x.as_explicit())
    e = e.replace(lambda x: isinstance(x, Norm), lambda x: sp.sqrt(sp.Trace(x.arg.T * x.arg).doit()))
    e = e.doit()
    return np.array(sp.N(e.as_explicit() if hasattr(e, "as_explicit") else e), dtype=float)


@pytest.mark.parametrize("case", ["logdet", "quadratic_trace", "least_squares_weight_matrix",
                                  "logistic_weight_matrix", "factorization_in_U",
                                  "factorization_mixed_UV", "norm"])
def test_kronecker_form_is_the_full_hessian(case):
    f, var, other = CASES[case]
    dd = hvp(f, var, other)
    V = dd.options["direction"]
    K = kron_form(dd.result, V)
    rng = np.random.default_rng(7)
    args = [a for a in dd.arguments() if isinstance(a, sp.MatrixSymbol) and a != V]
    dims = sorted({dim for a in args for dim in a.shape if dim.is_Symbol}, key=str)
    sizes = {dim: 2 + i % 2 for i, dim in enumerate(dims)}     # unequal, small: SymPy evaluates
    values = {}
    for a in args:
        shape = tuple(int(sp.sympify(s).subs(sizes)) for s in a.shape)
        values[a] = (np.eye(shape[0]) + 0.2 * rng.standard_normal(shape)
                     if a in (X,) else rng.standard_normal(shape))
    direction = rng.standard_normal(tuple(int(sp.sympify(s).subs(sizes)) for s in V.shape))
    Kn = _numeric(K, values)
    Hv = compile_hvp(dd)(*[values.get(a, direction) if a != V else direction
                           for a in compile_hvp(dd).args])
    assert np.allclose(Kn @ direction.reshape(-1, order="F"),
                       np.asarray(Hv).reshape(-1, order="F"), rtol=1e-9, atol=1e-9)
    # the compiled full Hessian is the same matrix
    full = compile_hessian(dd)
    Kc = full(*[values[a] for a in full.args])
    assert np.allclose(Kc, Kn, rtol=1e-9, atol=1e-9)


def test_expected_kronecker_structure():
    dd = hvp(trace((Z * W - Y).T * (Z * W - Y)), W)
    K = kron_form(dd.result, dd.options["direction"])
    assert K.has(sp.KroneckerProduct) and K.has(sp.Identity)        # I_k (x) 2 Z^T Z
    K2 = kron_form(hvp(norm(Ym - U * Vm.T) ** 2, U).result, hvp(norm(Ym - U * Vm.T) ** 2, U).options["direction"])
    assert str(K2) == "2*(KroneckerProduct(V.T*V, I))"             # 2 V^T V (x) I_n
    K3 = kron_form(hvp(logdet(X), X).result, hvp(logdet(X), X).options["direction"])
    assert K3.has(Commutation)                                      # V^T: the commutation matrix


@pytest.mark.parametrize("case", sorted(CASES))
def test_blas_einsum_and_full_hessian_agree_at_random_sizes(case):
    f, var, other = CASES[case]
    dd = hvp(f, var, other)
    blas, ein, full = compile_hvp(dd), compile_hvp(dd, form="einsum"), compile_hessian(dd)
    rng = np.random.default_rng(11)
    for _ in range(2):
        sizes = {}
        values = {}
        for a in blas.args:
            if isinstance(a, sp.MatrixSymbol):
                for dim in a.shape:
                    if dim.is_Symbol and dim not in sizes:
                        sizes[dim] = int(rng.integers(2, 6))
        for a in blas.args:
            if isinstance(a, sp.MatrixSymbol):
                shape = tuple(int(sp.sympify(s).subs(sizes)) for s in a.shape)
                near = a == X
                values[a] = np.eye(shape[0]) + 0.2 * rng.standard_normal(shape) if near \
                    else rng.standard_normal(shape)
            else:
                values[a] = rng.uniform(0.5, 1.5)
        hb = np.asarray(blas(*[values[a] for a in blas.args]))
        he = np.asarray(ein(*[values[a] for a in ein.args]))
        assert np.allclose(hb, he, rtol=1e-10, atol=1e-10)
        at = prepare_hvp(dd)
        apply = at(*[values[a] for a in at.args])
        assert np.allclose(np.asarray(apply(values[dd.options["direction"]])), hb,
                           rtol=1e-10, atol=1e-10)
        K = full(*[values[a] for a in full.args])
        Vsym = dd.options["direction"]
        assert np.allclose(K @ np.asarray(values[Vsym]).reshape(-1, order="F"),
                           hb.reshape(np.shape(values[var]) if hb.ndim == 2 else -1).reshape(-1, order="F")
                           if hb.ndim == 2 else hb, rtol=1e-9, atol=1e-9)


def test_compiled_hvp_never_builds_the_big_matrix():
    dd = hvp(trace((Z * W - Y).T * (Z * W - Y)), W)
    src = compile_hvp(dd).source + compile_hvp(dd, form="einsum").source
    assert "kron" not in src and "eye" not in src


@pytest.mark.parametrize("f, x", [
    (total_sum(power(vector("z", "k"), 3)), vector("z", "k")),
    (logsumexp(vector("z", "k")), vector("z", "k")),                         # log-partition
    (scalar(total_sum(softplus(Z * w))), w),
])
def test_third_order_maps_checked_by_differences_of_the_compiled_hessian(f, x):
    t = third_order(f, x)
    rep = check_second_order(t, seed=2)
    assert rep.status == "verified", str(rep)


def test_third_order_of_a_cubic_is_textbook():
    z = vector("z", "k")
    t = third_order(total_sum(power(z, 3)), z)
    assert str(t.result) == "6*diag(dz)"


def test_latex_shows_each_step():
    dd = hvp(logdet(X), X)
    latex = dd._repr_latex_()
    assert len(dd.steps) >= 5
    assert "dX" in latex or "d X" in latex


def test_matrix_hessian_points_to_hvp():
    with pytest.raises(ShapeError, match="hvp"):
        hessian(logdet(X), X)


def test_direction_name_clash_is_refused():
    dX = matrix("dX", "n", "n")
    with pytest.raises(ShapeError, match="direction"):
        hvp(trace(dX * X), X)


def test_refuted_claim_is_refuted():
    from derive.derivation import Derivation
    dd = hvp(logdet(X), X)
    wrong = Derivation(op="matrix_hvp", source=dd.source, result=-dd.result, wrt=dd.wrt,
                       steps=(), options=dd.options)
    assert check_second_order(wrong).status == "refuted"


def test_blas_hvp_multiplies_a_chain_in_the_cheap_order():
    # H[dU] = 2 dU V^T V: left to right forms the n x m product dU V^T; multi_dot picks
    # dU (V^T V) for a tall V. Values against the hand-written product, the einsum form
    # and prepare_hvp, in both shapes of V.
    dd = hvp(norm(Ym - U * Vm.T) ** 2, U)
    blas, ein, prep = compile_hvp(dd), compile_hvp(dd, form="einsum"), prepare_hvp(dd)
    assert "multi_dot" in blas.source
    rng = np.random.default_rng(3)
    for n, m, r in ((4, 30, 2), (6, 3, 5)):
        u, du, v, y = (rng.standard_normal(s) for s in ((n, r), (n, r), (m, r), (n, m)))
        want = 2 * du @ (v.T @ v)
        np.testing.assert_allclose(blas(u, du, v, y), want, rtol=1e-13)
        np.testing.assert_allclose(ein(u, du, v, y), want, rtol=1e-13)
        np.testing.assert_allclose(prep(*[{"U": u, "V": v, "Y": y}[a.name] for a in prep.args])(du),
                                   want, rtol=1e-13)
