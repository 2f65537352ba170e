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

from sympy.core.basic import Basic


def distinct_subexpressions(exprs, opaque=()):
    """Each distinct subexpression of ``exprs`` (an iterable of SymPy expressions) once,
    parents before their arguments.

    ``opaque``: a tuple of types, or a function of a node, saying which nodes' arguments
    are not visited (the node itself is).

    Examples
    --------
    >>> import sympy as sp
    >>> x = sp.Symbol("x")
    >>> sorted(map(str, distinct_subexpressions([x * sp.sin(x + 1)], opaque=(sp.sin,))))
    ['sin(x + 1)', 'x', 'x*sin(x + 1)']
    """
    closed = opaque if callable(opaque) else None
    seen, stack = set(), list(exprs)
    while stack:
        e = stack.pop()
        if e in seen:
            continue
        seen.add(e)
        yield e
        if not (isinstance(e, opaque) if closed is None else closed(e)):
            stack.extend(e.args)


def free_symbols(exprs):
    """``set().union(*(e.free_symbols for e in exprs))``, each distinct subexpression
    visited once (SymPy's ``free_symbols`` builds a set at every node, shared or not).

    A node whose class has a ``free_symbols`` of its own (a symbol; an integral, whose
    variable is bound) is asked for it; any other node's free symbols are those of
    its arguments, which is what SymPy's ``Basic.free_symbols`` says.

    Examples
    --------
    >>> import sympy as sp
    >>> x, y = sp.symbols("x y")
    >>> sorted(free_symbols([x**2 + sp.Integral(x*y, (x, 0, 1)), 3*y]), key=str)
    [x, y]
    >>> free_symbols([sp.Integral(x*y, (x, 0, 1))]) == {y}
    True
    """
    free = set()
    for e in distinct_subexpressions(exprs, _own_free_symbols):
        if _own_free_symbols(e):
            free |= e.free_symbols
    return free


_BASIC_FREE_SYMBOLS = Basic.__dict__["free_symbols"]


def _own_free_symbols(e):
    return type(e).free_symbols is not _BASIC_FREE_SYMBOLS
