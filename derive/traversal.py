"""Walks over SymPy expressions that visit each distinct subexpression once.

SymPy's ``preorder_traversal``, ``free_symbols`` and ``has`` visit a subtree
as often as it occurs: over the entries of a Hessian, which share most of
their subexpressions, that is the work many times over. :func:`distinct_subexpressions`
visits each distinct one once, over any number of expressions together.

Examples
--------
>>> import sympy as sp
>>> x, y = sp.symbols("x y")
>>> nodes = list(distinct_subexpressions([x**2 + y, 3*x**2]))
>>> len(nodes), nodes.count(x**2)
(7, 1)
"""

from __future__ import annotations


def distinct_subexpressions(exprs, opaque=()):
    """Each distinct subexpression of ``exprs`` (an iterable of SymPy expressions) once,
    parents before their arguments.

    ``opaque``: a tuple of types whose arguments are not visited (the node itself is).

    Examples
    --------
    >>> import sympy as sp
    >>> x = sp.Symbol("x")
    >>> sorted(map(str, distinct_subexpressions([x * sp.sin(x + 1)], opaque=(sp.sin,))))
    ['sin(x + 1)', 'x', 'x*sin(x + 1)']
    """
    seen, stack = set(), list(exprs)
    while stack:
        e = stack.pop()
        if e in seen:
            continue
        seen.add(e)
        yield e
        if not isinstance(e, opaque):
            stack.extend(e.args)
