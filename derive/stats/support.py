"""What the support of a distribution decides before anything is computed.

Three questions, each answered without enumerating or integrating blindly:

* **Is the finite support too large to enumerate?** ``Die(10**9)`` has a
  billion outcomes; ``sympy.stats`` sums them one by one. :func:`large_size`
  finds such a size parameter, and :func:`with_symbolic_size` rebuilds the
  variable with a symbol ``n`` in its place, so that the closed form is derived
  (and checked by enumeration at small ``n``) as a function of ``n`` and only
  then evaluated at the given size.
* **Does the expectation exist?** :func:`existence` compares the tails of
  ``g(x) p(x)`` with ``1/x`` (limit comparison): ``E[X]`` of a Cauchy variable
  does not exist, ``E[X**2]`` diverges; quadrature would return a number for
  both.
* **Entropy of a finite distribution** is ``-sum p log p`` over its table
  (:func:`finite_entropy`); ``sympy.stats`` answers ``zoo`` or an unevaluated
  ``Lambda`` for some of them.

Examples
--------
>>> import sympy as sp, sympy.stats as st
>>> X = st.Die("X", 10**9)
>>> size, _ = large_size(X)
>>> size
1000000000
>>> existence(st.Cauchy("C", 0, 1))[0]
'does not exist'
>>> existence(st.Cauchy("C", 0, 1)**2)[:2]
('diverges', oo)
>>> finite_entropy(st.DiscreteUniform("U", [1, 2, 3, 4]))
log(4)
"""

from __future__ import annotations

import sympy as sp
import sympy.stats as st
from sympy.stats import frv_types

from derive.integrals.existence import nonintegrable_point

__all__ = ["MAX_ENUMERATED", "large_size", "with_symbolic_size", "existence",
           "finite_entropy", "drop_support_conditions"]

#: Finite supports larger than this are never enumerated.
MAX_ENUMERATED = 10_000

#: The symbol that stands for a large support size while the closed form is derived.
SIZE = sp.Symbol("n_size", positive=True, integer=True)


def large_size(expr):
    """``(size, rv)``: an integer parameter above :data:`MAX_ENUMERATED` of a finite
    random variable in ``expr`` (the number of sides, trials...), or ``(None, None)``."""
    for rv in st.random_symbols(expr):
        if not isinstance(rv.pspace, st.frv.SingleFinitePSpace):
            continue
        for arg in rv.pspace.distribution.args:
            if isinstance(arg, sp.Integer) and abs(arg) > MAX_ENUMERATED:
                return int(arg), rv
    return None, None


def with_symbolic_size(exprs, rv, size):
    """``exprs`` with the finite variable ``rv`` rebuilt so that its parameter
    ``size`` is the symbol :data:`SIZE`; returns ``(new exprs, new rv)``."""
    dist = rv.pspace.distribution
    args = [SIZE if (isinstance(a, sp.Integer) and int(a) == size) else a for a in dist.args]
    new = frv_types.rv(rv.symbol.name, type(dist), *args)
    return [e.xreplace({rv: new}) for e in exprs], new


def drop_support_conditions(value):
    """Inside ``Sum(f, (k, lo, hi))``, a ``Piecewise((a, k <= hi), (0, True))`` is ``a``:
    ``sympy.stats`` writes the support into the summand of a symbolic-size sum.

    Examples
    --------
    >>> k, n = sp.symbols("k n", integer=True, positive=True)
    >>> s = sp.Sum(sp.Piecewise((k / n, k <= n), (0, True)), (k, 1, n))
    >>> sp.factor(drop_support_conditions(s).doit())
    (n + 1)/2
    """
    def clean(summation):
        body = summation.function
        for k, lo, hi in summation.limits:
            body = body.replace(
                lambda e: isinstance(e, sp.Piecewise) and len(e.args) == 2
                and e.args[1].cond == sp.true and e.args[0].cond in (k <= hi, hi >= k),
                lambda e: e.args[0].expr)
        return sp.Sum(body, *summation.limits)
    return value.replace(lambda e: isinstance(e, sp.Sum), clean)


def _tail(h, x, end, side):
    """Limit of ``|x - end| * h`` at one end (``side`` +1: approached from above)."""
    if end is sp.oo:
        return sp.limit(x * h, x, sp.oo)
    if end is -sp.oo:
        return sp.limit(-x * h, x, -sp.oo)
    return sp.limit(side * (x - end) * h, x, end, "+" if side > 0 else "-")


def existence(expr):
    """Whether ``E[expr]`` exists, for one continuous or infinite discrete variable.

    Compares each end of the support with ``1/x`` (``sum 1/k``): a nonzero limit
    of ``|x - end| g(x) p(x)`` makes that tail diverge with the limit's sign.

    Returns
    -------
    tuple
        ``("diverges", oo or -oo, reason)``, ``("does not exist", nan, reason)``,
        or ``(None, None, None)`` when nothing diverges or nothing could be decided.
    """
    rvs = list(st.random_symbols(expr))
    if len(rvs) != 1:
        return None, None, None
    (rv,) = rvs
    space = rv.pspace
    continuous = isinstance(space, st.crv.SingleContinuousPSpace)
    if not (continuous or isinstance(space, st.drv.SingleDiscretePSpace)):
        return None, None, None
    x = sp.Dummy("x", real=True)
    h = expr.xreplace({rv: x}) * st.density(rv)(x)
    dom = space.domain.set
    ends = [(dom.sup, -1), (dom.inf, +1)] if continuous else [
        (e, s) for e, s in ((dom.sup, -1), (dom.inf, +1)) if e in (sp.oo, -sp.oo)]
    signs, where = set(), []
    for end, side in ends:
        verdict = None if continuous else _ratio_test(h, x, end)
        if verdict == 0:
            continue  # summable towards this end
        if verdict is not None:
            signs.add(verdict)
            where.append(f"towards {sp.sstr(end)} the terms shrink too slowly (Raabe's "
                         "or Gauss's test)")
            continue
        try:
            L = _tail(h, x, end, side)
        except (NotImplementedError, ValueError, TypeError, ArithmeticError):
            return None, None, None
        if L.has(sp.AccumBounds, sp.nan, sp.zoo) or L.free_symbols or L.is_zero is not False:
            continue
        if L.is_extended_positive or L.is_extended_negative:
            signs.add(1 if L.is_extended_positive else -1)
            what = "integrand" if continuous else "term"
            where.append(f"towards {sp.sstr(end)} the {what} behaves like {sp.sstr(L)}/|x|"
                         if end in (sp.oo, -sp.oo) else
                         f"near {sp.sstr(end)} the {what} behaves like "
                         f"{sp.sstr(L)}/|x - {sp.sstr(end)}|")
    if continuous and not signs:
        signs, where = _interior(h, x, dom, where)
    if not signs:
        return None, None, None
    reason = "; ".join(where) + ", which is not " + ("integrable" if continuous else "summable")
    if len(signs) == 2:
        return ("does not exist", sp.nan,
                reason + ": the positive and negative parts are both infinite")
    return "diverges", sp.oo if signs == {1} else -sp.oo, reason


def _ratio_test(h, x, end):
    """The ratio test, and Raabe's and Gauss's where it cannot say, on the terms
    ``h(x)`` towards the infinite ``end``: 0 when they are summable there, the sign
    of the divergent sum (+1 or -1), or None when the tests cannot decide (or
    SymPy cannot take the limits).

    With ``r = |h(x +- 1) / h(x)|`` and ``L = lim r``: summable if ``L < 1``. If
    ``L = 1``, with ``R = lim |x| (1 - r)``: summable if ``R > 1``, divergent if
    ``R < 1``, and, when ``r`` is a rational function of ``x`` (Gauss's test),
    divergent if ``R = 1`` (``sum 1/x``). ``L > 1`` is left to the caller (terms of a
    probability mass function times a moment grow only when the moment grows
    exponentially). Decided in milliseconds where the limit of ``x h(x)`` (a Poisson
    term's ``3**x / x!``) takes SymPy seconds.

    >>> x = sp.Dummy("x", real=True)
    >>> _ratio_test(x**2 * 3**x / sp.factorial(x), x, sp.oo)
    0
    >>> _ratio_test(x**2 * sp.beta(x, 2), x, sp.oo)      # Yule-Simon(1): E[X**2] = oo
    1
    >>> _ratio_test(-1 / x, x, sp.oo)                    # R = 1, r rational: Gauss
    -1
    >>> _ratio_test(1 / (x * sp.log(x)**2), x, sp.oo) is None   # R = 1: no test says
    True
    """
    try:
        raw = sp.gammasimp(h.xreplace({x: x + (1 if end is sp.oo else -1)}) / h)
        ratio = sp.Abs(raw)
        L = sp.limit(ratio, x, end)
        if L != 1:
            return 0 if L.is_number and L.is_extended_real and (L < 1) is sp.true else None
        R = sp.limit(sp.Abs(x) * (1 - ratio), x, end)
    except (NotImplementedError, ValueError, TypeError, ArithmeticError):
        return None
    if not (R.is_number and R.is_extended_real):
        return None
    if (R > 1) is sp.true:
        return 0
    if R == 1 and not raw.is_rational_function(x):
        return None
    far = sp.N(h.xreplace({x: 10**6 if end is sp.oo else -10**6}))
    if not (far.is_number and far.is_extended_real) or far == 0:
        return None
    return 1 if far > 0 else -1


def _interior(h, x, dom, where):
    """Signs and descriptions of a non-integrable point inside the support."""
    c = nonintegrable_point(h, x, dom.inf, dom.sup)
    if c is None or c in (dom.inf, dom.sup):
        return set(), where
    signs = set()
    for side in (+1, -1):
        try:
            L = _tail(h, x, c, side)
        except (NotImplementedError, ValueError, TypeError, ArithmeticError):
            return set(), where
        if L.is_extended_positive or L.is_extended_negative:
            signs.add(1 if L.is_extended_positive else -1)
    if signs:
        where = where + [f"near {sp.sstr(c)} the integrand blows up like 1/|x - {sp.sstr(c)}|"
                         " or faster"]
    return signs, where


def finite_entropy(rv):
    """``-sum p log p`` over the probability table of a finite variable (nats), or
    ``None`` when the table is symbolic in its size or too large."""
    density = st.density(rv)
    table = density if isinstance(density, dict) else getattr(density, "dict", None)
    if table is None or len(table) > MAX_ENUMERATED:
        return None
    table = dict(table)
    if not all(p.is_number for p in table.values()) and len(table) > 64:
        return None
    return -sp.Add(*(p * sp.log(p) for p in table.values() if p != 0))
