"""symengine -> SymPy: the expression SymPy's own constructors would build.

Differentiating in symengine is fast; converting its results back was most of
fastdiff's time when every node went through SymPy's evaluating constructors,
which re-canonicalize what symengine already made canonical. Where symengine's
tree is not SymPy's canonical form, SymPy distributes a number over a lone sum
(``-2*(1 - x)`` is ``2*x - 2``) and then collects like terms in the sum around
it. :class:`Converter` builds each node the way the constructor would:
:func:`_sum` follows ``Add.flatten``, :func:`_distribute` and :func:`_scale`
``Mul.flatten``'s two-argument rule and ``_keep_coeff``, step by step, for the
terms derivatives are made of (rational numbers; symbols, powers, function
calls and products with a rational coefficient), and give up (None) on
anything else, where SymPy's constructor runs itself.
tests/test_fastdiff_convert.py checks the results against SymPy's constructors
on seeded random expressions, node for node (same tree, equal, same hash).

Examples
--------
>>> import sympy as sp, symengine as se
>>> x = sp.Symbol("x", real=True)
>>> e = se.sympify((1 - x)**2).diff(se.Symbol("x"))
>>> e                                             # symengine keeps the product
-2*(1 - x)
>>> Converter(se, {se.Symbol("x"): x}, {})(e)     # as SymPy builds it: distributed
2*x - 2
>>> _ == sp.Mul(-2, 1 - x)
True
"""

from __future__ import annotations

import sympy as sp
from sympy.core.add import _addsort
from sympy.core.mul import _keep_coeff, _mulsort
from sympy.core.parameters import global_parameters


class Converter:
    """symengine -> SymPy, node by node, memoized: the expression SymPy's evaluating
    constructors would build from symengine's tree, built without re-canonicalizing
    where the result is already canonical (:func:`_sum`, :func:`_distribute`).

    ``se`` is the symengine module (loaded by the caller: importing it costs 0.1 s);
    ``symbols`` maps symengine symbols to the SymPy symbols they stand for;
    ``functions`` maps symengine's function names to SymPy's (``"sin"``: ``sp.sin``).
    ``unevaluated`` turns True once a ``Derivative`` or ``Subs`` was met.
    """

    def __init__(self, se, symbols, functions):
        self.se = se
        self.cache = dict(symbols)
        self.functions = functions
        self.unevaluated = False

    def __call__(self, e):
        hit = self.cache.get(e)
        if hit is None:
            hit = self.cache[e] = self._convert(e)
        return hit

    def _spread(self, a):
        """The terms of a rational times a sum ``a`` (symengine keeps ``-2*(1 - x)``),
        each scaled as SymPy's distribution scales it, for the sum around ``a`` to collect
        (:func:`_sum` collects them there as it would collect the distributed sum's
        terms); None for any other ``a``, or one already converted."""
        se = self.se
        if not isinstance(a, se.Mul) or a in self.cache or not global_parameters.distribute:
            return None
        parts = a.args
        if len(parts) != 2 or not isinstance(parts[0], (se.Integer, se.Rational)) \
                or not isinstance(parts[1], se.Add):
            return None
        c = self(parts[0])
        out = []
        for t in parts[1].args:
            u = self(t)
            out.extend(_scale(c, v) for v in (u.args if u.is_Add else (u,)))
        return out

    def _convert(self, e):
        se = self.se
        if isinstance(e, se.Add):
            terms = []
            for a in e.args:
                spread = self._spread(a)
                if spread is None:
                    terms.append(self(a))
                else:
                    terms.extend(spread)
            total = _sum(terms)
            return sp.Add(*[self(a) for a in e.args]) if total is None else total
        if isinstance(e, se.Mul):
            args = [self(a) for a in e.args]
            numbers = [a for a in args if a.is_Number]
            rest = [a for a in args if not a.is_Number]
            if len(numbers) == 1 and len(rest) == 1 and rest[0].is_Add:
                # SymPy distributes a number over a lone sum
                if numbers[0].is_Rational and rest[0].is_commutative \
                        and global_parameters.distribute:
                    return _distribute(numbers[0], rest[0])
                return sp.Mul(*args)
            if len(numbers) > 1 or not all(_plain_factor(a) for a in rest):
                return sp.Mul(*args)
            _mulsort(rest)
            if numbers and numbers[0] != 1:
                rest.insert(0, numbers[0])
            return sp.Mul._from_args(rest, True)
        if isinstance(e, se.Pow):
            base, exp = self(e.args[0]), self(e.args[1])
            if base.is_Symbol and exp.is_Integer and base.is_commutative \
                    and exp is not sp.S.Zero and exp is not sp.S.One:
                return sp.Pow(base, exp, evaluate=False)   # what Pow evaluates x**n to
            return sp.Pow(base, exp)
        if isinstance(e, se.Symbol):
            return sp.Symbol(e.name)
        if isinstance(e, se.Integer):
            return sp.Integer(int(e))
        if isinstance(e, se.Rational):
            return sp.Rational(int(e.p), int(e.q))
        if e.is_Number or not e.args:
            return e._sympy_()
        if isinstance(e, (se.Derivative, se.Subs)):
            self.unevaluated = True
        func = type(e._sympy_()) if not isinstance(e, se.Function) else None
        if func is None:
            func = self.functions.get(type(e).__name__) or type(e._sympy_())
        return func(*[self(a) for a in e.args])


def _plain_factor(f):
    """``f`` stays as it is in a product with a rational coefficient and other plain
    factors of different bases (SymPy's ``Mul.flatten`` combines numeric bases:
    ``sqrt(2)*sqrt(3)`` is ``sqrt(6)``)."""
    if not f.is_commutative:
        return False
    if f.is_Pow:
        return not f.base.is_number
    return f.is_Symbol or f.is_Add or isinstance(f, sp.Function)


def _plain_term(s):
    """``Mul(c, s)`` is ``Mul._from_args((c, s))`` for a rational ``c`` (not 0, 1)."""
    return s.is_commutative and (s.is_Symbol or (s.is_Pow and s.base.is_Symbol))


def _sum(args):
    """``sp.Add(*args)`` by ``Add.flatten``'s rules, or None outside the terms they are
    followed for here (floats, infinities, numeric powers, noncommutative terms...).

    Examples
    --------
    >>> import sympy as sp
    >>> x, y = sp.symbols("x y")
    >>> _sum([2*x, sp.Integer(3), x*y, -2*x + 1]) == x*y + 4
    True
    >>> _sum([x, sp.Float(1.5)]) is None
    True
    """
    coeff, terms, seq = sp.S.Zero, {}, list(args)
    for o in seq:
        if o.is_Number:
            if not o.is_Rational:
                return None
            coeff += o
            continue
        if o.is_Add:
            seq.extend(o.args)
            continue
        if not o.is_commutative:
            return None
        if o.is_Mul:
            c, s = o.as_coeff_Mul()
            if not c.is_Rational:
                return None
        elif o.is_Pow:
            if o.base.is_Number:
                return None
            c, s = sp.S.One, o
        elif o.is_Symbol or isinstance(o, (sp.Function, sp.NumberSymbol)):
            c, s = sp.S.One, o
        else:
            return None
        seen = terms.get(s)
        # [coefficient, the term as it came when it came once: it is what flatten rebuilds]
        terms[s] = [c, o] if seen is None else [seen[0] + c, None]
    out = []
    for s, (c, o) in terms.items():
        if c is sp.S.Zero:
            continue
        if o is not None:
            out.append(o)
        elif c is sp.S.One:
            out.append(s)
        elif s.is_Mul:
            out.append(s._new_rawargs(c, *s.args))
        elif s.is_Add:
            out.append(sp.Mul(c, s, evaluate=False))
        elif _plain_term(s):
            out.append(sp.Mul._from_args((c, s), True))
        else:
            out.append(sp.Mul(c, s))
    _addsort(out)
    if coeff is not sp.S.Zero:
        out.insert(0, coeff)
    return sp.Add._from_args(out, True)


def _distribute(a, b):
    """``sp.Mul(a, b)`` for a rational ``a`` (not 0, 1) and a sum ``b``: SymPy's
    ``Add(*[_keep_coeff(a, t) for t in b.args])``.

    Examples
    --------
    >>> import sympy as sp
    >>> x = sp.Symbol("x")
    >>> _distribute(sp.Integer(-2), 1 - x**2) == sp.Mul(-2, 1 - x**2)
    True
    """
    scaled = [_scale(a, t) for t in b.args]
    total = _sum(scaled)
    return sp.Add(*scaled) if total is None else total


def _scale(a, t):
    """``_keep_coeff(a, t)`` for a rational ``a`` (not 0, 1) and a term ``t`` of a
    commutative sum."""
    if t.is_Number:
        return a * t
    if t.is_Mul:   # _keep_coeff's own way with a product (a = -1: Mul.__neg__, alike)
        margs = list(t.args)
        if margs[0].is_Number:
            margs[0] *= a
            if margs[0] == 1:
                margs.pop(0)
        else:
            margs.insert(0, a)
        return sp.Mul._from_args(margs, True)
    if _plain_term(t):
        return sp.Mul._from_args((a, t), True)
    return _keep_coeff(a, t)
