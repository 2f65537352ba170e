"""Fast symbolic differentiation through symengine, with SymPy results.

SymPy's ``diff`` is pure Python; symengine (a C++ core) differentiates the same
expressions 20-100x faster. This module sends an expression to symengine,
differentiates there, and converts the results back to SymPy *without*
re-evaluating every node (SymPy's evaluated constructors are what make the
naive round trip slow): :mod:`derive.fastdiff.convert` builds each node as
SymPy's constructors would, following their rules itself where symengine's
form is not SymPy's. A Hessian is differentiated from symengine's own
gradient, and only where a variable occurs.

symengine knows a symbol by its name alone: expressions with a ``Dummy``, or
with two symbols of one name (``x`` real and ``x`` without assumptions), are
differentiated by SymPy.

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
from typing import NamedTuple

import sympy as sp
from sympy.polys.domains import EXRAW, QQ, ZZ
from sympy.polys.matrices import DomainMatrix

from derive.fastdiff.convert import Converter
from derive.traversal import distinct_subexpressions

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
    return [list(row) for row in _rows(tuple(exprs), tuple(wrt), symmetric).rows]


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


class _Jacobian(NamedTuple):
    """Jacobian rows in SymPy, with symengine's own rows when symengine made them."""

    rows: tuple                   # tuple of tuples of SymPy expressions
    se_rows: list | None = None   # a gradient's entries in symengine (constants hidden)
    back: Converter | None = None   # symengine -> SymPy, its memo shared by later rows
    constants: dict | None = None   # placeholder symbol -> the constant it hides


def matrix(rows):
    """``sp.ImmutableMatrix(rows)`` for rows of SymPy expressions, built from the
    non-zero entries (a 100 x 100 Hessian has a few hundred): SymPy's constructor
    sympifies and compares every entry with 0, here a third of the Hessian's time.

    The same matrix: equal, with SymPy's representation (``EXRAW`` entries, or
    ``ZZ``/``QQ`` when every entry is an integer/rational, as SymPy chooses).

    Examples
    --------
    >>> import sympy as sp
    >>> x = sp.Symbol("x")
    >>> M = matrix([[x**2, 0], [0, sp.Integer(1)]])
    >>> M == sp.ImmutableMatrix([[x**2, 0], [0, 1]]), M._rep.domain
    (True, EXRAW)
    >>> matrix([[sp.Integer(2)], [sp.Integer(0)]])._rep.domain
    ZZ
    """
    rows = [list(row) for row in rows]
    shape = (len(rows), len(rows[0]) if rows else 0)
    if not all(len(row) == shape[1] and all(isinstance(v, sp.Expr) for v in row)
               for row in rows):
        return sp.ImmutableMatrix(rows)
    dod = {}
    for i, row in enumerate(rows):
        nonzero = {j: v for j, v in enumerate(row) if v is not sp.S.Zero}
        if nonzero:
            dod[i] = nonzero
    rep = DomainMatrix(dod, shape, EXRAW)
    values = [v for entries in dod.values() for v in entries.values()]
    if all(isinstance(v, sp.Rational) for v in values):
        rep = rep.convert_to(ZZ if all(isinstance(v, sp.Integer) for v in values) else QQ)
    return sp.ImmutableMatrix._fromrep(rep)


@lru_cache(maxsize=128)
def _rows(exprs, wrt, symmetric):
    """Cached: a gradient asked for again (say by ``hessian``) costs nothing."""
    if _fast_path_applies(exprs, wrt):
        found = _symengine_jacobian(exprs, wrt, symmetric)
        if found is not None:
            return found
    return _Jacobian(_frozen(_sympy_rows(exprs, wrt, symmetric)))


def _frozen(rows):
    return tuple(tuple(r) for r in rows)


def _inspect(exprs, wrt):
    """The symbols of ``exprs`` and ``wrt``, and the function calls in ``exprs`` free of
    ``wrt``; None when symengine must not take ``exprs``.

    One walk over the distinct subexpressions. symengine would get wrong: a function
    it does not know natively (see the module docstring), a ``Derivative``,
    ``Integral`` or ``Order``, a symbol that is not a plain ``Symbol`` (a ``Dummy``
    named ``x`` is no symengine symbol ``x``: its derivative came out 0) and two
    symbols of one name (``x`` real and ``x`` without assumptions are one symbol in
    symengine).

    Examples
    --------
    >>> import sympy as sp
    >>> x, c = sp.Symbol("x"), sp.Symbol("c")
    >>> symbols, calls = _inspect([x * sp.exp(c) + sp.sin(x)], [x])
    >>> sorted(symbols, key=str), calls
    ([c, x], [exp(c)])
    >>> _inspect([x * sp.Symbol("x", real=True)], [x]) is None   # one name, two symbols
    True
    >>> _inspect([sp.Dummy("x") * x], [x]) is None
    True
    """
    variables = set(wrt)
    symbols, calls = set(wrt), []
    for e in distinct_subexpressions(exprs):
        if e.is_Symbol:
            if type(e) is not sp.Symbol:
                return None
            symbols.add(e)
        elif isinstance(e, sp.Function):
            if e.func not in NATIVE_FUNCTIONS:
                return None
            if not (e.free_symbols & variables):
                calls.append(e)
        elif isinstance(e, (sp.Derivative, sp.Integral, sp.Order)):
            return None
    if len({s.name for s in symbols}) != len(symbols):
        return None
    return symbols, calls


def _hide_constants(exprs, symbols, calls):
    """``exprs`` with the function ``calls`` free of the variables (``gamma(10**10)``,
    ``log(2)``) replaced by placeholder symbols, and the map back.

    symengine would evaluate such calls exactly on conversion, without a budget.
    ``symbols``: the symbols of ``exprs`` (placeholder names differ from theirs).

    Examples
    --------
    >>> import sympy as sp
    >>> x = sp.Symbol("x")
    >>> big = sp.gamma(10**10, evaluate=False)  # SymPy itself would compute (10**10 - 1)!
    >>> hidden, back = _hide_constants([x * big], {x}, [big])
    >>> hidden[0].has(sp.gamma), list(back.values())
    (False, [gamma(10000000000)])
    """
    if not calls:
        return exprs, {}
    taken = {s.name for s in symbols}  # names must stay distinct
    constants = {}
    for call in calls:
        name = f"_derive_constant_{len(constants)}"
        while name in taken:
            name += "_"
        constants[call] = sp.Symbol(name)
    hidden = tuple(e.xreplace(constants) for e in exprs)
    return hidden, {v: k for k, v in constants.items()}


@lru_cache(maxsize=64)
def _gradient_and_hessian(expr, wrt):
    """The gradient, and the Hessian as its Jacobian; when symengine made the gradient,
    the Hessian is differentiated from symengine's own gradient (no conversion back)."""
    jac = _rows((expr,), wrt, False)
    g = jac.rows[0]
    if jac.se_rows is not None:
        rows = _differentiate(jac.se_rows[0], [se.Symbol(w.name) for w in wrt], True,
                              jac.back)
        if rows is not None:
            return g, _frozen(_put_back(rows[0], jac.constants))
    return g, _rows(g, wrt, True).rows


def _fast_path_applies(exprs, wrt) -> bool:
    """symengine may take ``exprs`` (:func:`_inspect` looks closer), and is loaded."""
    if se is False or not all(isinstance(w, sp.Symbol) for w in wrt):
        return False
    if not all(isinstance(e, sp.Expr) for e in exprs):
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


def _symengine_jacobian(exprs, wrt, symmetric):
    """The :class:`_Jacobian` by symengine, or None when symengine cannot take the
    expressions or leaves a ``Derivative`` (the caller then uses SymPy)."""
    found = _inspect(exprs, wrt)
    if found is None:
        return None
    symbols, calls = found
    hidden, constants = _hide_constants(exprs, symbols, calls)
    se_symbols = {s: se.Symbol(s.name) for s in symbols}
    try:
        se_exprs = _to_symengine(hidden, se_symbols)
    except (TypeError, ValueError, RuntimeError, NotImplementedError):
        return None
    back = Converter(se, {v: k for k, v in se_symbols.items()}, _SYMPY_FUNCTION)
    rows = _differentiate(se_exprs, [se.Symbol(w.name) for w in wrt], symmetric, back)
    if rows is None:
        return None
    sympy_rows, se_rows = rows
    rows = _frozen(_put_back(sympy_rows, constants))
    if len(exprs) != 1 or symmetric:   # only a gradient's are differentiated again (Hessian)
        return _Jacobian(rows)
    return _Jacobian(rows, se_rows, back, constants)


def _to_symengine(exprs, se_symbols):
    """``[se.sympify(e) for e in exprs]``, each distinct subexpression converted once (the
    variables recur all over a loss), sums, products and powers by symengine's own
    constructors; ``se_symbols`` maps the SymPy symbols to symengine's.

    se.sympify converts a SymPy expression (checked by _fast_path_applies); never text.
    """
    done = dict(se_symbols)
    builders = {sp.Add: se.Add, sp.Mul: se.Mul, sp.Pow: se.Pow}

    def convert(e):
        hit = done.get(e)
        if hit is None:
            build = builders.get(type(e))
            hit = done[e] = se.sympify(e) if build is None else build(*map(convert, e.args))
        return hit

    return [convert(e) for e in exprs]


def _put_back(rows, constants):
    if not constants:
        return rows
    return [[d.xreplace(constants) for d in row] for row in rows]


#: a sum with at least this many terms is differentiated term by term
TERMWISE_MIN_TERMS = 8


def _differentiate(se_exprs, se_wrt, symmetric, back):
    """``(SymPy rows, symengine rows)`` of the Jacobian of the symengine expressions
    ``se_exprs``, converted by ``back``; None if symengine left a ``Derivative``.

    Only what can be nonzero is differentiated: an entry whose variable does not
    occur in the expression is 0, and a long sum (a loss over many terms, say) is
    differentiated term by term, each variable over the terms it occurs in, so a
    gradient costs the size of the sum, not that size times the variables.
    """
    index = {w: j for j, w in enumerate(se_wrt)}
    n, zero = len(se_wrt), se.Integer(0)
    rows = [[sp.S.Zero] * n for _ in se_exprs]
    se_rows = [[zero] * n for _ in se_exprs]
    done = []   # (i, j) of the entries differentiated
    for i, e in enumerate(se_exprs):
        terms = e.args if isinstance(e, se.Add) and len(e.args) >= TERMWISE_MIN_TERMS else (e,)
        holding_of = {}  # variable -> the terms it occurs in
        for t in terms:
            for s in t.free_symbols:
                j = index.get(s)
                if j is not None and not (symmetric and j < i):
                    holding_of.setdefault(j, []).append(t)
        for j in sorted(holding_of):
            holding, w = holding_of[j], se_wrt[j]
            d = se.add(*[t.diff(w) for t in holding]) if len(holding) > 1 else holding[0].diff(w)
            se_rows[i][j] = d
            rows[i][j] = back(d)
            done.append((i, j))
    if back.unevaluated:
        return None
    if symmetric:   # the lower triangle: the upper's mirror (what was not done is 0)
        for i, j in done:
            rows[j][i], se_rows[j][i] = rows[i][j], se_rows[i][j]
    return rows, se_rows


#: symengine's function names -> SymPy's functions, for the conversion back
_SYMPY_FUNCTION = {f.__name__: f for f in NATIVE_FUNCTIONS}
_SYMPY_FUNCTION["abs"] = sp.Abs
