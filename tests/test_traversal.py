"""derive.traversal against SymPy's own walks (``free_symbols``, ``preorder_traversal``)."""

import sympy as sp
from hypothesis import given

from derive.traversal import distinct_subexpressions, free_symbols
from tests.test_calculus import X, Y, expressions

Z, T = sp.symbols("z t")
F = sp.Function("f")
BOUND = [sp.Integral(X * Z, (Z, 0, Y)), sp.Sum(Z**2, (Z, 1, X)), sp.Lambda(Z, Z + Y),
         sp.Derivative(F(X, T), X), sp.Subs(F(Z) * Y, Z, X), sp.Piecewise((X, Y > 0), (T, True)),
         sp.Integral(sp.exp(-Z**2), (Z, -sp.oo, sp.oo)) * X]


@given(expressions)
def test_free_symbols_are_sympys(expr):
    exprs = [expr] + BOUND
    assert free_symbols(exprs) == set().union(*(e.free_symbols for e in exprs))


@given(expressions)
def test_each_distinct_subexpression_once(expr):
    exprs = [expr, expr + 1]
    nodes = list(distinct_subexpressions(exprs))
    assert len(nodes) == len(set(nodes))
    assert set(nodes) == {n for e in exprs for n in sp.preorder_traversal(e)}
