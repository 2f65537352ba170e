"""Fast symbolic differentiation through symengine, with SymPy results.

SymPy's ``diff`` is pure Python; symengine (a C++ core) differentiates the same
expressions 20-100x faster. This module sends an expression to symengine,
differentiates there, and converts the results back to SymPy *without*
re-evaluating every node (SymPy's evaluated constructors are what make the
naive round trip slow): symengine's output is already canonical, so sums and
products are rebuilt with SymPy's own argument order.

symengine does not know SymPy's user-level functions: it differentiates a
wrapped Python function as if it were constant (``Heaviside``) or drops the
chain rule (``sigmoid``). Only expressions built from the functions in
:data:`NATIVE_FUNCTIONS` go the fast way; everything else is differentiated by
SymPy, and so is any result in which symengine left a ``Derivative``. Until
one expression is large enough to be worth importing symengine (and NumPy with
it, :data:`SYMENGINE_MIN_NODES`), SymPy differentiates: ``derive grad "x**2*y"``
starts as fast as SymPy does.

symengine evaluates numbers exactly on conversion: ``gamma(10**10)`` would
become a ten-billion-digit integer, outside any budget. Subexpressions free of
the variables are constants to differentiation, so they are replaced by
placeholder symbols before the conversion and put back afterwards: symengine
never sees them.

Examples
--------
>>> import sympy as sp
>>> x, y = sp.symbols("x y", real=True)
>>> rows = jacobian_rows([x**2 * y, sp.exp(x*y)], [x, y])
>>> rows
[[2*x*y, x**2], [y*exp(x*y), x*exp(x*y)]]
>>> rows[1][0].free_symbols == {x, y}      # the caller's symbols, assumptions kept
True
>>> from derive.functions import sigmoid
>>> jacobian_rows([x * sigmoid(x)], [x])   # not native: SymPy differentiates
[[x*(1 - sigmoid(x))*sigmoid(x) + sigmoid(x)]]
"""

from __future__ import annotations

from functools import lru_cache

import sympy as sp
from sympy.core.add import _addsort
from sympy.core.mul import _mulsort

#: symengine, once :func:`_load_symengine` has imported it (False: not installed)
se = None

#: Below this many nodes (counted over all the expressions) SymPy's own ``diff``
#: takes a few milliseconds, less than importing symengine (which imports NumPy:
#: about 0.1 s), so a process whose derivatives are all small never loads it;
#: once loaded, symengine takes every expression it can.
SYMENGINE_MIN_NODES = 40

#: SymPy functions that symengine differentiates natively and correctly.
NATIVE_FUNCTIONS = frozenset({
    sp.exp, sp.log, sp.sin, sp.cos, sp.tan, sp.cot, sp.sec, sp.csc,
    sp.asin, sp.acos, sp.atan, sp.sinh, sp.cosh, sp.tanh, sp.coth, sp.sech, sp.csch,
    sp.asinh, sp.acosh, sp.atanh, sp.gamma, sp.loggamma, sp.polygamma, sp.erf,
    sp.erfc, sp.beta, sp.LambertW,
})


def jacobian_rows(exprs, wrt, *, symmetric=False):
    """Partial derivatives ``[[d e / d w for w in wrt] for e in exprs]``.

    Parameters
    ----------
    exprs : sequence of sympy expressions
    wrt : sequence of sympy symbols
    symmetric : bool, keyword-only
        Promise that the result is symmetric (a Hessian, the Jacobian of a
        gradient): only the upper triangle is differentiated and mirrored.

    Returns
    -------
    list of lists of sympy expressions
    """
    return [list(row) for row in _rows(tuple(exprs), tuple(wrt), symmetric)]


def gradient_and_hessian(expr, wrt):
    """The gradient (list) and Hessian (list of rows) of one scalar expression.

    The Hessian is the Jacobian of the gradient (upper triangle, mirrored);
    the gradient is cached, so asking for it first costs nothing extra.

    Examples
    --------
    >>> import sympy as sp
    >>> x, y = sp.symbols("x y", real=True)
    >>> gradient_and_hessian(x**3 * y, [x, y])
    ([3*x**2*y, x**3], [[6*x*y, 3*x**2], [3*x**2, 0]])
    """
    g, H = _gradient_and_hessian(expr, tuple(wrt))
    return list(g), [list(row) for row in H]


@lru_cache(maxsize=128)
def _rows(exprs, wrt, symmetric):
    """Cached: a gradient asked for again (say by ``hessian``) costs nothing."""
    if _fast_path_applies(exprs, wrt):
        hidden, constants = _hide_constants(exprs, wrt)
        rows = _symengine_rows(hidden, wrt, symmetric)
        if rows is not None:
            if constants:
                rows = [[d.xreplace(constants) for d in row] for row in rows]
            return tuple(tuple(r) for r in rows)
    return tuple(tuple(r) for r in _sympy_rows(exprs, wrt, symmetric))


def _hide_constants(exprs, wrt):
    """``exprs`` with every function call free of the variables (``gamma(10**10)``,
    ``log(2)``) replaced by a placeholder symbol, and the map back.

    symengine would evaluate such calls exactly on conversion, without a budget.

    Examples
    --------
    >>> import sympy as sp
    >>> x = sp.Symbol("x")
    >>> big = sp.gamma(10**10, evaluate=False)  # SymPy itself would compute (10**10 - 1)!
    >>> hidden, back = _hide_constants([x * big], [x])
    >>> hidden[0].has(sp.gamma), list(back.values())
    (False, [gamma(10000000000)])
    """
    variables = set(wrt)
    taken = {s.name for e in exprs for s in e.free_symbols}  # names must stay distinct
    constants = {}
    for e in exprs:
        for node in sp.preorder_traversal(e):
            if isinstance(node, sp.Function) and node not in constants \
                    and not (node.free_symbols & variables):
                name = f"_derive_constant_{len(constants)}"
                while name in taken:
                    name += "_"
                constants[node] = sp.Symbol(name)
    if not constants:
        return exprs, {}
    hidden = tuple(e.xreplace(constants) for e in exprs)
    return hidden, {v: k for k, v in constants.items()}


@lru_cache(maxsize=64)
def _gradient_and_hessian(expr, wrt):
    g = _rows((expr,), wrt, False)[0]
    return g, _rows(g, wrt, True)


def _fast_path_applies(exprs, wrt) -> bool:
    if se is False or not all(isinstance(w, sp.Symbol) for w in wrt):
        return False
    for e in exprs:
        if not isinstance(e, sp.Expr):
            return False
        for node in e.atoms(sp.Function, sp.Derivative, sp.Integral, sp.Order):
            if not isinstance(node, sp.Function) or node.func not in NATIVE_FUNCTIONS:
                return False
    if se is None and _nodes(exprs, SYMENGINE_MIN_NODES) < SYMENGINE_MIN_NODES:
        return False
    return _load_symengine()


def _nodes(exprs, stop):
    """The number of nodes in ``exprs``, counted up to ``stop``."""
    count = 0
    for e in exprs:
        for _ in sp.preorder_traversal(e):
            count += 1
            if count >= stop:
                return count
    return count


def _load_symengine() -> bool:
    """Import symengine into :data:`se` on first use; False if it is not installed."""
    global se
    if se is None:
        try:
            import symengine  # deferred: optional heavy dependency (imports NumPy, ~0.1 s)
        except ImportError:  # pragma: no cover - symengine is a declared dependency
            se = False
        else:
            se = symengine
    return se is not False


def _sympy_rows(exprs, wrt, symmetric):
    rows = [[None] * len(wrt) for _ in exprs]
    for i, e in enumerate(exprs):
        for j, w in enumerate(wrt):
            if symmetric and j < i:
                rows[i][j] = rows[j][i]
            else:
                rows[i][j] = sp.diff(e, w)
    return rows


def _symengine_rows(exprs, wrt, symmetric):
    """Jacobian rows by symengine, or None when symengine cannot take the
    expressions or leaves a ``Derivative`` (the caller then uses SymPy).

    Only what can be nonzero is differentiated: an entry whose variable does not
    occur in the expression is 0, and a long sum (a loss over many terms, say) is
    differentiated term by term, each variable over the terms it occurs in, so a
    gradient costs the size of the sum, not that size times the variables.
    """
    try:
        parts = [_parts(e) for e in exprs]  # SymPy expressions only (see _fast_path_applies)
    except (TypeError, ValueError, RuntimeError, NotImplementedError):
        return None
    se_wrt = [se.Symbol(w.name) for w in wrt]
    symbols = set().union(*(free for terms in parts for _, free in terms))
    back = _Converter({se.Symbol(s.name): s for s in symbols})
    rows = [[None] * len(wrt) for _ in exprs]
    for i, terms in enumerate(parts):
        holding_of = {}  # variable -> the terms it occurs in
        for t, free in terms:
            for s in free:
                holding_of.setdefault(s, []).append(t)
        for j, (w, se_w) in enumerate(zip(wrt, se_wrt)):
            if symmetric and j < i:
                rows[i][j] = rows[j][i]
                continue
            holding = holding_of.get(w)
            if not holding:
                rows[i][j] = sp.S.Zero
                continue
            d = back(se.add(*[t.diff(se_w) for t in holding]) if len(holding) > 1
                     else holding[0].diff(se_w))
            if not d.is_Number and d.has(sp.Derivative):
                return None
            rows[i][j] = d
    return rows


#: a sum with at least this many terms is differentiated term by term
TERMWISE_MIN_TERMS = 8


def _parts(e):
    """``[(symengine term, its free symbols)]``: the terms of a long sum, else ``e`` whole."""
    terms = e.args if isinstance(e, sp.Add) and len(e.args) >= TERMWISE_MIN_TERMS else (e,)
    # se.sympify converts a SymPy expression (checked by _fast_path_applies); never text
    return [(se.sympify(t), t.free_symbols) for t in terms]


class _Converter:
    """symengine -> SymPy, node by node, memoized, without re-canonicalizing."""

    def __init__(self, symbols):
        self.cache = dict(symbols)

    def __call__(self, e):
        hit = self.cache.get(e)
        if hit is None:
            hit = self.cache[e] = self._convert(e)
        return hit

    def _convert(self, e):
        if isinstance(e, se.Add):
            args = [self(a) for a in e.args]
            if any(a.is_Add for a in args):
                return sp.Add(*args)
            _addsort(args)
            return sp.Add._from_args(args)
        if isinstance(e, se.Mul):
            args = [self(a) for a in e.args]
            numbers = [a for a in args if a.is_Number]
            rest = [a for a in args if not a.is_Number]
            if (len(numbers) > 1 or any(a.is_Mul for a in rest)
                    or (numbers and len(rest) == 1 and rest[0].is_Add)):
                return sp.Mul(*args)  # SymPy distributes a number over a lone sum
            _mulsort(rest)
            if numbers and numbers[0] != 1:
                rest.insert(0, numbers[0])
            return sp.Mul._from_args(rest)
        if isinstance(e, se.Pow):
            base, exp = e.args
            return sp.Pow(self(base), self(exp))
        if isinstance(e, se.Symbol):
            return sp.Symbol(e.name)
        if isinstance(e, se.Integer):
            return sp.Integer(int(e))
        if isinstance(e, se.Rational):
            return sp.Rational(int(e.p), int(e.q))
        if e.is_Number or not e.args:
            return e._sympy_()
        func = type(e._sympy_()) if not isinstance(e, se.Function) else None
        if func is None:
            func = _SYMPY_FUNCTION.get(type(e).__name__) or type(e._sympy_())
        return func(*[self(a) for a in e.args])


_SYMPY_FUNCTION = {f.__name__: f for f in NATIVE_FUNCTIONS}
_SYMPY_FUNCTION["abs"] = sp.Abs
