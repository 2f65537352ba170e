"""Building a :class:`~derive.estimation.model.Likelihood` from a density.

:func:`likelihood` expands the log-density (``expand_log(force=True)``, each
parameter carrying the positivity its domain gives it) and splits it term by
term into ``n a(theta) + sum_j c_j(theta) T_j + sum_i r(x_i; theta)``: the
sufficient statistics ``T_j = sum_i g_j(x_i)`` become plain symbols, what does
not separate stays an indexed ``Sum``.
"""

from __future__ import annotations

import re

import sympy as sp
from sympy.stats.rv import RandomSymbol

from derive.errors import ParseError
from derive.estimation.density import (
    DIST_CALL,
    as_symbol,
    assumed_interval,
    default_support,
    from_random_symbol,
    interval_from_logs,
    named_distribution,
    rewrite_special,
    strip_piecewise,
    with_assumptions,
)
from derive.estimation.model import I, Likelihood, N
from derive.parsing import parse

__all__ = ["likelihood"]


def _stat_name(g):
    text = re.sub(r"\W+", "_", str(g)).strip("_")
    return "sum_" + (text or "1")


def _split(logpdf, variables, params):
    """Split ``logpdf`` into ``a(theta)``, ``{g(x): c(theta)}`` and the residual."""
    vset, pset = set(variables), set(params)
    a, coeffs, residual = sp.Integer(0), {}, sp.Integer(0)
    for term in sp.Add.make_args(logpdf):
        fs = term.free_symbols
        if not fs & vset:
            a += term
            continue
        cfac, gfac, mixed = [], [], []
        for f in sp.Mul.make_args(term):
            ffs = f.free_symbols
            if not ffs & vset:
                cfac.append(f)
            elif not ffs & pset:
                gfac.append(f)
            else:
                mixed.append(f)
        if mixed:
            residual += term
            continue
        g = sp.Mul(*gfac)
        coeffs[g] = coeffs.get(g, 0) + sp.Mul(*cfac)
    return a, coeffs, residual


def _expand_terms(logpdf, variables, params):
    """Expand each term unless it mixes data and parameters inside a function."""
    vset, pset = set(variables), set(params)
    out = sp.Integer(0)
    for term in sp.Add.make_args(logpdf):
        funcs = [f for f in term.atoms(sp.Function)
                 if f.free_symbols & vset and f.free_symbols & pset]
        out += term if funcs else sp.expand(term, force=True)
    return out


def _nonsmooth(residual, params):
    return tuple(p for p in params
                 if any(p in a.free_symbols for a in residual.atoms(sp.Abs)))


def likelihood(density, params, *, var=None, data=None, domain=None, support=None,
               constraint=None):
    """The log-likelihood of an iid sample from ``density``.

    Parameters
    ----------
    density : str, sympy expression or sympy.stats random symbol
        ``p(x; theta)`` for one observation. Text goes through
        :func:`derive.parsing.parse`, or names a distribution of
        :data:`DISTRIBUTIONS` (``"Uniform(0, theta)"``); a random symbol (``sympy.stats.Normal("X",
        mu, sigma)``) contributes its own density and support. A piecewise
        density (Uniform) contributes its support constraints.
    params : sequence of str or Symbol
        The parameters to estimate. Other free symbols are known constants.
    var : str, Symbol or sequence, optional
        The observed variable(s) of one observation (default ``x``; for a
        regression ``["x", "y"]``).
    data : array_like or mapping, optional
        Observations kept with the likelihood for :meth:`Likelihood.fit`
        (validated when fitted).
    domain : mapping, optional
        Parameter name or symbol -> ``sympy.Interval``. By default inferred:
        from the symbol's assumptions and from every ``log(a*theta + b)`` in
        the expanded log-density (which must be positive), e.g. ``p`` in
        ``(0, 1)`` for ``p**x (1-p)**(1-x)``.
    support : sympy Set, optional
        Where one observation lives (default: the random variable's set, else
        the reals).
    constraint : sympy expression or str, optional
        An equality ``g(theta) = 0`` the parameters satisfy (``p1 + p2 + p3 - 1``
        for a categorical model); the MLE then uses a Lagrange multiplier.

    Returns
    -------
    Likelihood

    Raises
    ------
    ParseError
        Text that does not parse, or a parameter that does not appear.

    Examples
    --------
    The Poisson rate: ``sum x`` is sufficient.

    >>> import sympy as sp
    >>> from derive.estimation.build import likelihood
    >>> lam, x = sp.symbols("lam x", positive=True)
    >>> L = likelihood(lam**x * sp.exp(-lam) / sp.factorial(x), [lam], var=x)
    >>> L.params, L.domain
    ((lam,), {lam: Interval.open(0, oo)})
    >>> L.loglik
    -lam*n - sum_loggamma_x_1 + sum_x*log(lam)
    >>> L.score
    Matrix([[-n + sum_x/lam]])
    >>> L.fisher_information
    Matrix([[1/lam]])
    """
    if params is None:
        raise ParseError("likelihood: give the parameters to estimate, e.g. params=['mu', 'sigma']")
    if var is None:
        variables = (sp.Symbol("x", real=True),)
    elif isinstance(var, (str, sp.Symbol)):
        variables = (as_symbol(var, "var"),)
    else:
        variables = tuple(as_symbol(v, "var") for v in var)
    if isinstance(params, (str, sp.Symbol)):
        params = [params]
    params = tuple(as_symbol(p, "params") for p in params)
    if not params:
        raise ParseError("likelihood: give at least one parameter to estimate")

    rv_support, held = None, {}
    if isinstance(density, RandomSymbol):
        if len(variables) != 1:
            raise ParseError("likelihood: a sympy.stats random variable has one variable; "
                             f"got var={var!r}")
        density, _, rv_support, held = from_random_symbol(density, variables[0])
    elif isinstance(density, str) and DIST_CALL.fullmatch(density.strip()):
        if len(variables) != 1:
            raise ParseError(f"likelihood: {density!r} has one variable; got var={var!r}")
        density, rv_support, held = named_distribution(density.strip(), params + variables,
                                                  variables[0])
    elif isinstance(density, str):
        names = {s.name: s for s in params + variables}
        density = parse(density, symbols=names)
    elif not isinstance(density, sp.Basic):
        raise ParseError(f"likelihood: density must be text, a SymPy expression or a "
                         f"sympy.stats random variable, got {type(density).__name__}")
    density = sp.sympify(density)
    # match parameters/variables by name to the symbols in the density
    byname = {s.name: s for s in density.free_symbols}
    params = tuple(byname.get(p.name, p) for p in params)
    variables = tuple(byname.get(v.name, v) for v in variables)
    for p in params:
        if p not in density.free_symbols:
            raise ParseError(f"likelihood: parameter {p} does not appear in the density "
                             f"{density}; check the names (params={[str(q) for q in params]})")
    if not any(v in density.free_symbols for v in variables):
        raise ParseError(f"likelihood: the variable(s) {[str(v) for v in variables]} do not "
                         f"appear in the density {density}; pass var=")

    body, bounds = strip_piecewise(density, variables, params)
    logpdf = rewrite_special(sp.log(body))
    logpdf = _expand_terms(logpdf, variables, params)

    # parameter domains: assumptions, inferred log arguments, user overrides
    user = {}
    for key, val in (domain or {}).items():
        name = key.name if isinstance(key, sp.Symbol) else str(key)
        user[name] = val
    dom, renamed = {}, {}
    for p in params:
        itv = assumed_interval(p).intersect(interval_from_logs(logpdf, p))
        if itv == sp.Interval(-sp.oo, sp.oo) and p.name not in user:
            # a parameter that enters only through |theta| or theta**2 (a scale written
            # as sqrt(sigma**2)): its sign is not identifiable; take theta > 0
            flipped = sp.expand(logpdf.subs(p, -p) - logpdf)
            if flipped == 0:
                itv = sp.Interval.open(0, sp.oo)
        if p.name in user:
            itv = user[p.name] if isinstance(user[p.name], sp.Set) else sp.Interval(*user[p.name])
        if itv.is_empty:
            raise ParseError(f"likelihood: the domain of {p} is empty")
        q = with_assumptions(p, itv)
        if q != p and not (p.is_positive and q.is_positive):
            renamed[p] = q
        dom[renamed.get(p, p)] = itv
    if renamed:
        body = body.subs(renamed)
        density = density.subs(renamed)
        params = tuple(renamed.get(p, p) for p in params)
        bounds = tuple((renamed.get(b[0], b[0]), b[1], b[2]) for b in bounds)
        logpdf = _expand_terms(rewrite_special(sp.log(body)), variables, params)
    if isinstance(rv_support, (set, frozenset)):
        rv_support = sp.FiniteSet(*rv_support)
    if support is None:
        support = rv_support if rv_support is not None else default_support(logpdf, variables)

    a, coeffs, residual = _split(logpdf, variables, params)
    statistics, stat_functions, loglik = {}, {}, N * a
    for g, c in sorted(coeffs.items(), key=lambda gc: _stat_name(gc[0])):
        t = sp.Symbol(_stat_name(g), real=True)
        statistics[t] = sp.Sum(g.subs({v: sp.IndexedBase(v.name)[I] for v in variables}), (I, 1, N))
        stat_functions[t] = g
        loglik += c * t
    if residual != 0:
        indexed = {v: sp.IndexedBase(v.name)[I] for v in variables}
        loglik += sp.Sum(residual.subs(indexed), (I, 1, N))
    constants = tuple(sorted(density.free_symbols - set(params) - set(variables),
                             key=lambda s: s.name))
    cons = ()
    if constraint is not None:
        if isinstance(constraint, str):
            constraint = parse(constraint, symbols={p.name: p for p in params})
        if isinstance(constraint, sp.Eq):
            constraint = constraint.lhs - constraint.rhs
        constraint = sp.sympify(constraint).subs(
            {s: byname.get(s.name, s) for s in constraint.free_symbols}).subs(renamed)
        cons = (constraint,)
    return Likelihood(logpdf=logpdf, params=params, variables=variables, domain=dom,
                      support=support, statistics=statistics, loglik=loglik,
                      residual=residual, bounds=bounds, constraints=cons, constants=constants,
                      stat_functions=stat_functions, nonsmooth=_nonsmooth(residual, params),
                      compact_logpdf=rewrite_special(sp.log(body)), observed=data,
                      constant_values=held)
