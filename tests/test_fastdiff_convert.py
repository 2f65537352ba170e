"""fastdiff's symengine -> SymPy conversion builds what SymPy's own constructors build.

The converter skips SymPy's evaluating constructors where it can follow their
rules itself (``Add.flatten``, the distribution of a number over a lone sum,
``_keep_coeff``). The truth here is SymPy itself: every symengine node rebuilt
with ``sp.Add(*args)``, ``sp.Mul(*args)``, ``sp.Pow(b, e)``, ``f(*args)``, and the
results must be the same tree (``srepr``), compare equal and hash equal, over
seeded random expressions and their derivatives.
"""

import random

import pytest
import sympy as sp

from derive import fastdiff
from derive.fastdiff.convert import Converter, _distribute, _sum

se = pytest.importorskip("symengine")

X, Y, Z = sp.symbols("x y z", real=True)
SYMBOLS = {se.Symbol(s.name): s for s in (X, Y, Z)}


def by_constructors(e):
    """symengine -> SymPy, every node through SymPy's evaluating constructor."""
    if isinstance(e, se.Symbol):
        return SYMBOLS[e]
    if isinstance(e, se.Add):
        return sp.Add(*map(by_constructors, e.args))
    if isinstance(e, se.Mul):
        return sp.Mul(*map(by_constructors, e.args))
    if isinstance(e, se.Pow):
        return sp.Pow(*map(by_constructors, e.args))
    if not isinstance(e, se.Function):
        return e._sympy_()   # numbers, infinities
    return getattr(sp, type(e).__name__)(*map(by_constructors, e.args))   # sin, log, tanh


def same(a, b):
    return sp.srepr(a) == sp.srepr(b) and a == b and hash(a) == hash(b) \
        and a.is_commutative == b.is_commutative


def number(rng):
    return rng.choice([sp.Integer(rng.randint(-5, 5)), sp.Rational(rng.randint(-7, 7),
                                                                  rng.randint(1, 4)),
                       sp.Integer(1), sp.Integer(-1), sp.Rational(1, 2), sp.sqrt(2),
                       sp.pi, sp.Float(0.25)] if rng.random() < 0.1 else
                      [sp.Integer(rng.randint(-5, 5)),
                       sp.Rational(rng.randint(-7, 7), rng.randint(1, 4))])


def expression(rng, depth):
    """A random SymPy expression: sums, products and powers of symbols and numbers, a
    few native functions; numbers times sums (what SymPy distributes) on purpose."""
    if depth == 0 or rng.random() < 0.2:
        return rng.choice([X, Y, Z, X, Y, number(rng)])
    kind = rng.choice(["add", "add", "mul", "mul", "scaled", "pow", "fn"])
    if kind == "add":
        return sp.Add(*[expression(rng, depth - 1) for _ in range(rng.randint(2, 4))])
    if kind == "mul":
        return sp.Mul(*[expression(rng, depth - 1) for _ in range(rng.randint(2, 3))])
    if kind == "scaled":
        return number(rng) * (expression(rng, depth - 1) + expression(rng, depth - 1))
    if kind == "pow":
        return expression(rng, depth - 1) ** rng.choice([2, 3, -1, -2, sp.Rational(1, 2)])
    return rng.choice([sp.exp, sp.sin, sp.log, sp.tanh])(expression(rng, depth - 1))


def symengine_sum(rng):
    """A symengine sum of numbers times sums, left unexpanded (symengine keeps
    ``-2*(1 - x)``; SymPy distributes it and collects like terms around it)."""
    xs = [se.Symbol("x"), se.Symbol("y"), se.Symbol("z")]
    terms = []
    for _ in range(rng.randint(1, 4)):
        inner = se.add(*[rng.randint(-3, 3) * rng.choice(xs) ** rng.randint(1, 2)
                         * rng.choice([1, 1, rng.choice(xs)]) + rng.randint(-2, 2)
                         for _ in range(rng.randint(2, 3))])
        terms.append(se.Rational(rng.randint(-6, 6), rng.randint(1, 3)) * inner)
    terms.append(rng.randint(-3, 3) * rng.choice(xs) ** rng.randint(1, 2))
    return se.add(*terms)


@pytest.fixture(scope="module")
def loaded():
    assert fastdiff._load_symengine()


def test_converted_derivatives_are_what_sympy_builds(loaded):
    rng = random.Random(20261130)
    checked = 0
    for _ in range(150):
        expr = expression(rng, 3)
        if any(c.func not in fastdiff.NATIVE_FUNCTIONS for c in expr.atoms(sp.Function)):
            continue   # Abs (sqrt(x**2)): fastdiff never sends it to symengine
        try:
            s = se.sympify(expr)
        except (TypeError, ValueError, RuntimeError, NotImplementedError):
            continue
        for e in (s, s.diff(se.Symbol("x")), s.diff(se.Symbol("y")).diff(se.Symbol("x"))):
            got = Converter(se, SYMBOLS, fastdiff._SYMPY_FUNCTION)(e)
            want = by_constructors(e)
            assert same(got, want), (e, got, want)
            checked += 1
    assert checked > 300


def test_converted_unexpanded_sums_are_what_sympy_builds(loaded):
    rng = random.Random(7)
    for _ in range(300):
        e = symengine_sum(rng)
        got = Converter(se, SYMBOLS, fastdiff._SYMPY_FUNCTION)(e)
        assert same(got, by_constructors(e)), e


def test_sum_and_distribute_follow_sympys_constructors():
    """Direct: like terms that add up to 0, 1 or -1, nested sums, numbers that cancel."""
    rng = random.Random(11)
    pool = [X, Y, X * Y, X**2, 2 * X, -X, -X * Y, 3 * X**2, sp.Rational(1, 2) * Y, X + Y,
            -X + 1, sp.exp(X), 2 * sp.sin(Y), sp.Integer(3), sp.Rational(-1, 3), sp.sqrt(2),
            sp.sqrt(2) * X, sp.pi, 2 * sp.pi * Y, sp.Float(1.5) * X, Y**sp.Rational(1, 2)]
    for _ in range(500):
        args = [rng.choice(pool) for _ in range(rng.randint(2, 6))]
        got = _sum(args)
        if got is not None:
            assert same(got, sp.Add(*args)), args
        a = rng.choice([sp.Integer(2), sp.Integer(-1), sp.Rational(-3, 2), sp.Integer(-2)])
        b = sp.Add(*args)
        if b.is_Add:
            assert same(_distribute(a, b), sp.Mul(a, b)), (a, b)
