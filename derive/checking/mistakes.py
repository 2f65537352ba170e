r"""Name the mistake in a wrong step by repairing it: one small edit that makes it right.

A refuted step has a claimed expression and the truth (what the previous line
gives). Each rule below proposes single edits of the *claimed* expression that
undo one typical slip; when an edit makes the claim agree with the truth at
the random points (mpmath, 30 digits), the slip is named and the edited
sub-expression is the one to highlight. The rules, as data, in the order they
are tried:

======================  ============================================================
mistake                 edit that repairs the claim
======================  ============================================================
missing inner derivative  multiply the claim, or a term, by the derivative of an inner
                        argument of the differentiated source (derivative steps only)
sign                    negate the claim, or one of its terms
factor 2                multiply the claim, or one term, by 2 or by 1/2
exponent off by one     raise or lower the exponent of one power by one
inverted fraction       turn one quotient ``p/q`` upside down
log of a sum split      join ``log(u) + log(v)`` back into ``log(u + v)``
(a+b)^2 as a^2+b^2      join ``u^2 + v^2`` back into ``(u + v)^2`` or ``(u - v)^2``
======================  ============================================================

Examples
--------
>>> import sympy as sp
>>> from derive.checking.mistakes import name_mistake
>>> x = sp.Symbol("x", real=True)
>>> name_mistake(3 * x**3, 3 * x**2, [x])
('exponent off by one', x**3)
>>> name_mistake(sp.log(x) + sp.log(2), sp.log(x + 2), [x])
('log of a sum split', log(x) + log(2))
"""

from __future__ import annotations

import random

import mpmath
import numpy as np
import sympy as sp

from derive.checking.oracle import OracleError, mp_function, real
from derive.checking.sampling import draw
from derive.errors import DeriveError

MAX_CANDIDATES = 60


def _points(symbols, count=3, seed=7):
    rng = np.random.default_rng(seed)
    return [{s: draw(s, rng) for s in symbols} for _ in range(count)]


def _values(expr, symbols, points):
    """``expr`` at ``points`` (mpmath, 30 digits), or ``None`` where it cannot be evaluated."""
    if not isinstance(expr, sp.Basic) or expr.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        return None
    try:
        f = mp_function(expr, symbols)
        with mpmath.workdps(30):
            return [real(f(*[p[s] for s in symbols])) for p in points]
    except (OracleError, DeriveError, ValueError, TypeError, ZeroDivisionError,
            AttributeError, NotImplementedError, KeyError):
        return None


def _agree(candidate, truth_values, symbols, points):
    """Does ``candidate`` take ``truth_values`` at ``points`` (mpmath, 30 digits)?"""
    values = None if truth_values is None else _values(candidate, symbols, points)
    if values is None:
        return False
    with mpmath.workdps(30):
        return all(abs(a - b) <= mpmath.mpf(10) ** -20 * max(1, abs(a), abs(b))
                   for a, b in zip(values, truth_values))


def _edit_terms(claim, edit):
    """``(claim with one term of one sum edited, that term)``, for every term of every sum.

    The sum is rebuilt with the one term changed, so a term that also occurs
    inside another term (``x e^x + e^x``) is edited where it stands.
    """
    adds = ([claim] if isinstance(claim, sp.Add) else []) + sorted(
        (a for a in claim.atoms(sp.Add) if a != claim), key=sp.count_ops)
    count = 0
    for add in adds:
        args = list(add.args)
        for k, term in enumerate(args):
            count += 1
            if count > MAX_CANDIDATES:
                return
            new_add = sp.Add(*(args[:k] + [edit(term)] + args[k + 1:]))
            yield (new_add if add == claim else _replace(claim, add, new_add)), term


def _replace(expr, old, new):
    """``expr`` with the first occurrence (in pre-order) of ``old`` replaced by ``new``."""
    if expr == old:
        return new
    done = False

    def walk(e):
        nonlocal done
        if done:
            return e
        if e == old:
            done = True
            return new
        if not e.args:
            return e
        args = [walk(a) for a in e.args]
        return e.func(*args) if any(a is not b for a, b in zip(args, e.args)) else e
    return walk(expr)


def _sign(claim, context):
    yield -claim, claim
    yield from _edit_terms(claim, lambda term: -term)


def _factor_two(claim, context):
    for f in (sp.Rational(1, 2), sp.Integer(2)):
        yield claim * f, claim
    for f in (sp.Rational(1, 2), sp.Integer(2)):
        yield from _edit_terms(claim, lambda term, f=f: term * f)


def _exponent(claim, context):
    for p in sorted(claim.atoms(sp.Pow), key=sp.default_sort_key):
        for e in (p.exp + 1, p.exp - 1):
            yield _replace(claim, p, sp.Pow(p.base, e)), p
    for s in sorted(claim.free_symbols, key=str):      # x is x^1
        yield _replace(claim, s, s**2), s


def _inverted(claim, context):
    if claim != 0:
        yield 1 / claim, claim
    for node in [claim] + list(claim.atoms(sp.Mul)) + list(claim.atoms(sp.Pow)):
        num, den = node.as_numer_denom()
        if den != 1:
            yield _replace(claim, node, den / num) if node != claim else den / num, node


def _inner_derivative(claim, context):
    source, variable = context.get("source"), context.get("variable")
    if source is None or variable is None:
        return
    inner = set()
    for f in source.atoms(sp.Function, sp.Pow):
        for arg in f.args:
            if arg.has(variable) and arg != variable:
                inner.add(arg)
    for arg in inner:
        d = sp.diff(arg, variable)
        if d.is_number and abs(d) == 1:
            continue          # a factor -1 is a sign slip, named by the sign rule
        yield claim * d, claim
        yield from _edit_terms(claim, lambda term, d=d: term * d)


def _log_split(claim, context):
    for add in [claim] + list(claim.atoms(sp.Add)):
        logs = [t for t in sp.Add.make_args(add) if isinstance(t, sp.log)]
        if len(logs) >= 2:
            rest = sp.Add(*[t for t in sp.Add.make_args(add) if t not in logs[:2]])
            joined = sp.log(logs[0].args[0] + logs[1].args[0]) + rest
            yield _replace(claim, add, joined) if add != claim else joined, add


def _square_split(claim, context):
    for add in [claim] + list(claim.atoms(sp.Add)):
        squares = [t for t in sp.Add.make_args(add)
                   if isinstance(t, sp.Pow) and t.exp == 2]
        if len(squares) >= 2:
            u, v = squares[0].base, squares[1].base
            rest = sp.Add(*[t for t in sp.Add.make_args(add) if t not in squares[:2]])
            for joined in ((u + v)**2, (u - v)**2):
                new = joined + rest
                yield _replace(claim, add, new) if add != claim else new, add


#: (name, candidate edits) in the order they are tried
RULES = (
    ("missing inner derivative", _inner_derivative),   # only for derivative steps
    ("sign", _sign),
    ("factor 2", _factor_two),
    ("exponent off by one", _exponent),
    ("inverted fraction", _inverted),
    ("log of a sum split", _log_split),
    ("(a+b)^2 as a^2+b^2", _square_split),
)


def name_mistake(claim, truth, symbols, *, context=None):
    """The name of the slip that one edit of ``claim`` repairs, and the edited piece.

    Parameters
    ----------
    claim, truth : sympy.Expr
    symbols : list of Symbol
        Every free symbol of both.
    context : mapping, optional
        ``source`` and ``variable`` of a derivative step (for the inner
        derivative rule); ``transform``, applied to every edited claim before
        it is compared (the derivative, for an indefinite integral).

    Returns
    -------
    (str, sympy.Expr) or None
    """
    context = dict(context or {})
    transform = context.get("transform")
    if not isinstance(claim, sp.Expr) or not isinstance(truth, sp.Expr):
        return None
    symbols = sorted(set(symbols) | claim.free_symbols | truth.free_symbols, key=str)
    symbols = [s for s in symbols if isinstance(s, sp.Symbol)]
    points = _points(symbols)
    truth_values = _values(truth, symbols, points)  # once, not per candidate
    if truth_values is None:
        return None
    tried = 0
    for name, rule in RULES:
        for candidate, piece in rule(claim, context):
            tried += 1
            if tried > MAX_CANDIDATES * len(RULES):
                return None
            if transform is not None:
                candidate = transform(candidate)
            if _agree(candidate, truth_values, symbols, points):
                return name, piece
    return None


def agree(a, b, symbols):
    """Do ``a`` and ``b`` agree at three random points (mpmath, 30 digits)?

    Examples
    --------
    >>> import sympy as sp
    >>> x = sp.Symbol("x", real=True)
    >>> agree(sp.sin(2 * x), 2 * sp.sin(x) * sp.cos(x), [x])
    True
    """
    symbols = [s for s in sorted(set(symbols) | a.free_symbols | b.free_symbols, key=str)
               if isinstance(s, sp.Symbol)]
    points = _points(symbols)
    return _agree(a, _values(b, symbols, points), symbols, points)


def constant_offset(claim, truth, symbols):
    """``claim - truth`` when it is the same constant at random points, else None.

    Examples
    --------
    >>> import sympy as sp
    >>> x = sp.Symbol("x", real=True)
    >>> constant_offset(x**2 + 3, x**2, [x])
    3.00000000000000
    """
    symbols = [s for s in sorted(set(symbols) | claim.free_symbols | truth.free_symbols, key=str)
               if isinstance(s, sp.Symbol)]
    rnd = random.Random(3)
    values = []
    for _ in range(3):
        point = {s: sp.Rational(rnd.randint(3, 17), 7) for s in symbols}
        try:
            values.append(sp.N((claim - truth).xreplace(point), 30))
        except (TypeError, ValueError):
            return None
    if all(v.is_number and abs(v - values[0]) < 1e-20 for v in values) and values[0] != 0:
        return sp.Float(values[0], 15)
    return None
