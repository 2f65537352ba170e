"""The shared-subexpression printer prints what SymPy's ``str`` prints."""

import random

import sympy as sp

from derive.report.derivation import SharedStrPrinter

x, y, z = sp.symbols("x y z")
ATOMS = [x, y, z, sp.Integer(2), sp.Rational(-3, 7), sp.pi, sp.Float(0.5)]
UNARY = [sp.sin, sp.exp, sp.log, sp.sqrt, lambda e: -e, lambda e: 1 / e, sp.Abs]
BINARY = [sp.Add, sp.Mul, lambda a, b: a - b, lambda a, b: a / b, lambda a, b: a**b]


def _random_expr(rng, depth):
    if depth == 0:
        return rng.choice(ATOMS)
    if rng.random() < 0.4:
        return rng.choice(UNARY)(_random_expr(rng, depth - 1))
    return rng.choice(BINARY)(_random_expr(rng, depth - 1), _random_expr(rng, depth - 1))


def test_same_text_as_str_on_random_expressions_and_their_derivatives():
    rng = random.Random(7)
    for _ in range(60):
        e = _random_expr(rng, 4)
        for f in (e, sp.diff(e, x), sp.diff(e, x, y)):
            assert SharedStrPrinter().doprint(f) == str(f)


def test_one_printer_over_many_expressions_keeps_each_text():
    printer = SharedStrPrinter()
    es = [sp.sin(x)**2, -sp.sin(x), 1 / (1 + sp.sin(x)), sp.sin(x) * y]
    assert [printer.doprint(e) for e in es] == [str(e) for e in es]
