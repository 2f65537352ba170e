"""What is wrong with a refuted identity, in the terms a person uses.

:func:`derive.checking.verify` hands a refuted pair ``claimed`` / ``truth`` here
with the values of both sides at the random points it tried. The rules run in
order and the first that fits names the mistake:

1. the ratio ``claimed / truth`` is constant: a wrong sign, a constant factor,
   or zero;
2. the difference is constant: an additive constant (a lost integration
   constant, a dropped ``+ 1``);
3. the difference is a multiple of one term (of either side, as written or
   expanded): a sign error in that term (``-2 t``), a missing term (``-t``), a
   doubled or halved term (``t``, ``-t/2``), an extra term;
4. ``truth / claimed`` is a simple non-constant expression: a missing factor
   (a chain-rule factor);
5. otherwise the simplified difference itself, when simplify gave one within
   the time budget.

Every comparison is numeric, at the points already tried, at 45 digits; a
rule never claims more than the numbers show.

Examples
--------
>>> import sympy as sp
>>> from derive.checking import verify
>>> x = sp.Symbol("x", real=True)
>>> verify(x**3 - sp.sin(x), x**3 + sp.sin(x), wrt="x").diagnosis
'sign error in a term: sin(x) has the wrong sign (claimed - truth = -2*sin(x))'
>>> verify(sp.exp(x) * x**2, sp.exp(x) * (x**2 + 2*x), wrt="x").diagnosis
'a term is missing: 2*x*exp(x) (claimed - truth = -2*x*exp(x))'
"""

from __future__ import annotations

import mpmath
import sympy as sp

from derive.checking.mistakes import name_mistake
from derive.checking.oracle import OracleError, mp_function, real
from derive.errors import DerivationTimeout, DeriveError
from derive.guard import run

SIMPLE_OPS = 12      # a non-constant ratio this simple is worth naming as a missing factor
MAX_TERMS = 40       # at most this many candidate terms per side
EXPAND_OPS = 150     # sides larger than this are not expanded into terms
SHOWN = 120          # longest simplified difference shown in a diagnosis

# multiple m of a term t with claimed - truth = m * t, and what it means
_TRUTH_TERM_RULES = (
    (-2, "sign error in a term: {t} has the wrong sign"),
    (-1, "a term is missing: {t}"),
    (1, "factor 2 in a term: claimed has 2*({t}) where the truth has {t}"),
    (sp.Rational(-1, 2), "factor 1/2 in a term: claimed has ({t})/2 where the truth has {t}"),
)
_CLAIMED_TERM_RULES = (
    (2, "sign error in a term: claimed has {t} where the truth has -({t})"),
    (1, "an extra term: {t}"),
)


def nice(value):
    """A short exact-looking form of an mpf: 2, 1/2, pi, sqrt(2)...

    Examples
    --------
    >>> import mpmath
    >>> nice(mpmath.mpf(0.5)), nice(mpmath.pi)
    ('1/2', 'pi')
    """
    f = float(value)
    guess = sp.nsimplify(f, [sp.pi, sp.E], tolerance=1e-12 * max(1.0, abs(f)), rational=False)
    if not guess.is_Float and guess.count_ops() <= 4 and \
            abs(float(guess) - f) <= 1e-12 * max(1.0, abs(f)):
        return str(guess)
    return mpmath.nstr(value, 12)


def _constant(values):
    ref = values[0]
    return all(abs(v - ref) <= mpmath.mpf(10) ** -20 * max(1, abs(ref)) for v in values)


def _close(a, b):
    return abs(a - b) <= mpmath.mpf(10) ** -20 * max(1, abs(a), abs(b))


def diagnose_scalar(c_expr, t_expr, samples, args, variables, seconds, difference=None):
    """The first rule that fits a refuted scalar pair, or ``None``.

    Parameters
    ----------
    c_expr, t_expr : sympy.Expr
        The claimed and the true side.
    samples : list of (point, claimed value, true value)
        ``point`` maps each of ``args`` to a float; values are mpf.
    args : list of Symbol
    variables : list of Symbol
        The variables of the derivation (named when a missing factor depends on them).
    seconds : float
        Budget of the symbolic steps (simplify of a ratio).
    difference : sympy.Expr, optional
        ``simplify(claimed - truth)`` if the caller has it.

    Examples
    --------
    >>> import sympy as sp, mpmath
    >>> x = sp.Symbol("x", real=True)
    >>> pts = [{x: v} for v in (0.5, 1.5)]
    >>> samples = [(p, mpmath.mpf(3 * p[x]**2), mpmath.mpf(p[x]**2)) for p in pts]
    >>> diagnose_scalar(3 * x**2, x**2, samples, [x], [x], 1.0)
    'off by a constant factor: claimed = 3 * truth'
    """
    with mpmath.workdps(45):
        pairs = [(c, t) for _, c, t in samples]
        ratios = [c / t for c, t in pairs if t != 0]
        if len(ratios) == len(pairs) and len(pairs) > 1 and _constant(ratios):
            r = ratios[0]
            if abs(r + 1) < mpmath.mpf(10) ** -20:
                return "wrong sign: claimed = -truth"
            if r == 0:
                return "claimed is 0"
            return f"off by a constant factor: claimed = {nice(r)} * truth"
        diffs = [c - t for c, t in pairs]
        if len(pairs) > 1 and _constant(diffs):
            return f"off by an additive constant: claimed - truth = {nice(diffs[0])}"
    found = _one_term_differs(c_expr, t_expr) or _term_rule(c_expr, t_expr, samples, args, diffs)
    if found:
        return found + _shown_difference(difference, prefix=" (", suffix=")")
    factor = _missing_factor(c_expr, t_expr, variables, seconds)
    if factor:
        return factor
    shown = _shown_difference(difference)
    return shown or None


def _one_term_differs(c_expr, t_expr):
    """Both sides written as sums that differ in exactly one term each."""
    c_terms, t_terms = list(sp.Add.make_args(c_expr)), list(sp.Add.make_args(t_expr))
    if len(c_terms) < 2 or len(t_terms) < 2:
        return None
    only_c, only_t = list(c_terms), []
    for term in t_terms:
        if term in only_c:
            only_c.remove(term)
        else:
            only_t.append(term)
    if len(only_c) != 1 or len(only_t) != 1:
        return None
    c, t = only_c[0], only_t[0]
    ratio = sp.cancel(c / t)
    if ratio == -1:
        return f"sign error in a term: {t} has the wrong sign"
    if ratio in (2, sp.Rational(1, 2)):
        return f"factor {ratio} in a term: claimed has {c} where the truth has {t}"
    return f"a term differs: claimed has {c} where the truth has {t}"


def describe(claim, truth, context=None):
    """Name what is wrong in ``claim`` against a symbolic ``truth``, or ``None``.

    First the term that differs when both are sums that differ in one term,
    then the slip one edit repairs (:func:`derive.checking.mistakes.name_mistake`).

    Examples
    --------
    >>> import sympy as sp
    >>> x = sp.Symbol("x", real=True)
    >>> describe(2 * x - sp.sin(x), 2 * x + sp.sin(x))
    'sign error in a term: sin(x) has the wrong sign'
    >>> describe(sp.cos(x**2), 2 * x * sp.cos(x**2), {"source": sp.sin(x**2), "variable": x})
    'missing inner derivative: cos(x**2)'
    """
    found = _one_term_differs(claim, truth)
    if found:
        return found
    symbols = sorted(claim.free_symbols | truth.free_symbols, key=str)
    named = name_mistake(claim, truth, symbols, context=context)
    if named is None:
        return None
    name, piece = named
    if name == "sign" and piece != claim:
        return f"sign error in a term: {piece} has the wrong sign"
    return f"{name}: {piece}"


def _shown_difference(difference, prefix="", suffix=""):
    if difference is None or difference == 0:
        return ""
    text = str(difference)
    if len(text) > SHOWN:
        return ""
    return f"{prefix}claimed - truth = {text}{suffix}"


def _terms(expr):
    terms = list(sp.Add.make_args(expr))
    if sp.count_ops(expr) <= EXPAND_OPS:
        expanded = sp.Add.make_args(sp.expand(expr))
        terms += [t for t in expanded if t not in terms]
    return [t for t in terms if not t.is_number][:MAX_TERMS]


def _term_values(term, samples, args):
    f = mp_function(term, args)
    with mpmath.workdps(45):
        return [real(f(*[p[a] for a in args]), "term") for p, _, _ in samples]


def _term_rule(c_expr, t_expr, samples, args, diffs):
    if len(samples) < 2:
        return None
    for expr, rules in ((t_expr, _TRUTH_TERM_RULES), (c_expr, _CLAIMED_TERM_RULES)):
        if len(sp.Add.make_args(expr)) < 2 and not isinstance(expr, sp.Mul):
            continue
        for term in _terms(expr):
            try:
                values = _term_values(term, samples, args)
            except (OracleError, DeriveError, ValueError, TypeError, ZeroDivisionError):
                continue
            if all(v == 0 for v in values):
                continue
            with mpmath.workdps(45):
                for multiple, text in rules:
                    m = mpmath.mpf(multiple.p) / multiple.q if isinstance(multiple, sp.Rational) \
                        else mpmath.mpf(multiple)
                    if all(_close(d, m * v) for d, v in zip(diffs, values)):
                        return text.format(t=term)
    return None


def ratio_of(claimed, truth):
    """``simplify(truth / claimed)`` (module level for :func:`derive.guard.run`).

    Examples
    --------
    >>> import sympy as sp
    >>> x = sp.Symbol("x")
    >>> ratio_of(sp.cos(x**2), 2*x*sp.cos(x**2))
    2*x
    """
    return sp.simplify(truth / claimed)


def _missing_factor(c_expr, t_expr, variables, seconds):
    if c_expr == 0:
        return None
    q = t_expr / c_expr   # often cancels by itself: 2*x*cos(x**2) / cos(x**2) -> 2*x
    if sp.count_ops(q) > SIMPLE_OPS:
        try:
            q = run(ratio_of, (c_expr, t_expr), seconds=seconds,
                    what="simplify(truth / claimed)")
        except (DerivationTimeout, DeriveError, ZeroDivisionError):
            return None
    denominator = q.as_numer_denom()[1]
    if any(isinstance(f, sp.Add) for f in sp.Mul.make_args(denominator)):
        return None      # a ratio of sums is not a factor anyone forgot
    if q.free_symbols and sp.count_ops(q) <= SIMPLE_OPS:
        where = (f" (depends on {', '.join(str(v) for v in variables if v in q.free_symbols)})"
                 if variables and any(v in q.free_symbols for v in variables) else "")
        return (f"truth = claimed * ({q}){where}: a missing factor "
                "(a chain-rule factor?)")
    return None


def product_order(c_expr, t_expr):
    """A wrong order of a matrix product, named as such (not as a transpose), or ``None``.

    Examples
    --------
    >>> import sympy as sp
    >>> A, B = sp.MatrixSymbol("A", 3, 3), sp.MatrixSymbol("B", 3, 3)
    >>> product_order(B * A, A * B)
    'wrong order of a matrix product: claimed B*A, the truth A*B'
    """
    for c, t in _paired_products(c_expr, t_expr):
        cf, tf = list(c.args), list(t.args)
        if cf != tf and sorted(map(str, cf)) == sorted(map(str, tf)):
            return f"wrong order of a matrix product: claimed {c}, the truth {t}"
    return None


def _paired_products(c_expr, t_expr):
    if isinstance(c_expr, sp.MatMul) and isinstance(t_expr, sp.MatMul):
        yield c_expr, t_expr
        return
    c_terms = [a for a in sp.Add.make_args(c_expr) if isinstance(a, sp.MatMul)]
    t_terms = [a for a in sp.Add.make_args(t_expr) if isinstance(a, sp.MatMul)]
    if isinstance(c_expr, sp.MatAdd):
        c_terms = [a for a in c_expr.args if isinstance(a, sp.MatMul)]
    if isinstance(t_expr, sp.MatAdd):
        t_terms = [a for a in t_expr.args if isinstance(a, sp.MatMul)]
    for c in c_terms:
        for t in t_terms:
            if c != t:
                yield c, t
