"""fastdiff's fast path against SymPy's own ``diff`` and ``ImmutableMatrix``.

The truth is SymPy: derivatives by ``sp.diff``, matrices by ``sp.ImmutableMatrix``.
"""

import random

import pytest
import sympy as sp

from derive import fastdiff
from derive.fastdiff import gradient_and_hessian, jacobian_rows, matrix
from tests.test_fastdiff_convert import X, Y, Z, expression

pytest.importorskip("symengine")


@pytest.fixture(autouse=True)
def loaded():
    assert fastdiff._load_symengine()
    fastdiff._rows.cache_clear()
    fastdiff._gradient_and_hessian.cache_clear()


def test_a_dummy_and_two_symbols_of_one_name_get_sympys_derivatives():
    """symengine knows a symbol by its name only: a Dummy ``x`` or an ``x`` without
    assumptions beside a real ``x`` used to be merged (derivatives 0, or summed)."""
    x, x_plain, d = X, sp.Symbol("x"), sp.Dummy("x")
    f = sum(x**k * x_plain**(k + 1) for k in range(20)) * d   # large enough for symengine
    rows = jacobian_rows([f], [x, x_plain, d])[0]
    assert rows == [sp.diff(f, w) for w in (x, x_plain, d)]
    # a variable named like a symbol of f, but another symbol: its derivative is 0
    assert jacobian_rows([sum(x**k for k in range(1, 40))], [x_plain])[0] == [0]


def test_hessian_from_symengines_gradient_is_the_jacobian_of_the_gradient():
    """The Hessian is differentiated from symengine's own gradient; entry for entry it
    equals SymPy's second derivative."""
    rng = random.Random(3)
    for _ in range(12):
        f = expression(rng, 3) + sum(expression(rng, 2) for _ in range(3))
        if any(c.func not in fastdiff.NATIVE_FUNCTIONS for c in f.atoms(sp.Function)):
            continue
        wrt = (X, Y, Z)
        g, H = gradient_and_hessian(f, wrt)
        for i, a in enumerate(wrt):
            assert zero(g[i] - sp.diff(f, a)), (f, a)
            for j, b in enumerate(wrt):
                assert H[i][j] == H[j][i]
                assert zero(H[i][j] - sp.diff(f, a, b)), (f, a, b)


def zero(e):
    e = sp.expand(e)
    return e == 0 or sp.simplify(e) == 0


def test_rosenbrock_hessian_entries_are_sympys_own():
    xs = sp.symbols("x0:12", real=True)
    f = sum(100 * (xs[i + 1] - xs[i]**2)**2 + (1 - xs[i])**2 for i in range(11))
    g, H = gradient_and_hessian(f, xs)
    assert g == [sp.diff(f, w) for w in xs]     # the same trees: SymPy's canonical forms
    assert H == [[sp.diff(gi, w) for w in xs] for gi in g]


@pytest.mark.parametrize("rows", [
    [[X**2, sp.S.Zero], [sp.S.Zero, sp.exp(Y)]],
    [[sp.Integer(2), sp.S.Zero], [sp.Integer(-1), sp.Integer(3)]],
    [[sp.Rational(1, 2)], [sp.Integer(0)]],
    [[sp.S.Zero, sp.S.Zero]],
    [[X, sp.Float(1.5)]],
])
def test_matrix_is_sympys_immutable_matrix(rows):
    got, want = matrix(rows), sp.ImmutableMatrix(rows)
    assert type(got) is type(want) and got == want and hash(got) == hash(want)
    assert got.args == want.args and got._rep == want._rep
    assert got._rep.domain == want._rep.domain


def test_conversion_to_symengine_is_symengines_own():
    se = pytest.importorskip("symengine")
    symbols = {s: se.Symbol(s.name) for s in (X, Y, Z)}
    rng = random.Random(17)
    for _ in range(200):
        e = expression(rng, 3)
        try:
            want = se.sympify(e)
        except (TypeError, ValueError, RuntimeError, NotImplementedError):
            continue
        got = fastdiff._to_symengine([e], symbols)[0]
        assert got == want and str(got) == str(want), e
