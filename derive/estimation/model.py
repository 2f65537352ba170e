"""The log-likelihood of an iid sample as a formula.

:func:`likelihood` turns a density ``p(x; theta)`` (text, a SymPy expression or a
``sympy.stats`` random variable) into a :class:`Likelihood`: the log-likelihood
of ``n`` independent observations with the data kept symbolic and indexed,

    l(theta) = sum_{i=1}^{n} log p(x_i; theta),

never the product of densities (which underflows to 0 at a few hundred
points). The log-density is expanded (``expand_log(force=True)``, parameters
carry the positivity their domain gives them) and split term by term into

    l(theta) = n a(theta) + sum_j c_j(theta) T_j + sum_i r(x_i; theta)

where ``T_j = sum_i g_j(x_i)`` are the *sufficient statistics* (``sum x``,
``sum x**2``, ``sum log x``, ...), kept as plain symbols, and ``r`` is what
does not separate (``log(1 + (x - mu)**2)`` for the Cauchy), kept as an
indexed ``Sum``. The score, Hessian, observed information and Fisher
information are derived from that form.

Examples
--------
>>> import sympy as sp
>>> from sympy.stats import Normal
>>> from derive.estimation.model import likelihood
>>> mu = sp.Symbol("mu", real=True); sigma = sp.Symbol("sigma", positive=True)
>>> L = likelihood(Normal("X", mu, sigma), [mu, sigma])
>>> L.statistics
{sum_x: Sum(x[i], (i, 1, n)), sum_x_2: Sum(x[i]**2, (i, 1, n))}
>>> L.loglik
mu*sum_x/sigma**2 + n*(-mu**2/(2*sigma**2) - log(sigma) - log(pi)/2 - log(2)/2) - sum_x_2/(2*sigma**2)
>>> L.fisher_information
Matrix([
[sigma**(-2),           0],
[          0, 2/sigma**2]])
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Mapping

import sympy as sp
from sympy.stats.rv import RandomSymbol

from derive.conveniences import provider
from derive.errors import NoClosedFormError, ParseError

__all__ = ["Likelihood", "likelihood"]

#: The sample size, a positive integer symbol shared by every likelihood.
N = sp.Symbol("n", positive=True, integer=True)
#: The observation index.
I = sp.Idx("i")


@dataclass(frozen=True, eq=False)
class Likelihood:
    """The log-likelihood of an iid sample, in terms of sufficient statistics.

    Attributes
    ----------
    logpdf : sympy expression
        ``log p(x; theta)`` for one observation, expanded.
    params : tuple of Symbol
        The parameters, in order.
    variables : tuple of Symbol
        The observed variables of one observation (``(x,)``, or ``(x, y)`` for
        a regression).
    domain : dict
        Parameter -> ``sympy.Interval`` of admissible values.
    support : sympy Set
        Where one observation lives (used for expectations).
    statistics : dict
        Statistic symbol -> the ``Sum`` over the sample it stands for.
    loglik : sympy expression
        ``n a(theta) + sum_j c_j(theta) T_j + (residual sum)``; see the module
        docstring.
    residual : sympy expression
        The per-observation part of ``logpdf`` that does not separate into
        ``c(theta) g(x)`` (0 for exponential families).
    bounds : tuple
        ``(param, "lower" | "upper", statistic)`` support constraints that
        involve a parameter, e.g. ``theta >= max x_i`` for Uniform(0, theta).
    constraints : tuple of sympy expressions
        Equality constraints ``g(theta) = 0`` on the parameters (``sum p - 1``).
    constants : tuple of Symbol
        Free symbols that are neither parameters nor data (known constants).
    """

    logpdf: Any
    params: tuple
    variables: tuple
    domain: Mapping[Any, Any]
    support: Any
    statistics: Mapping[Any, Any]
    loglik: Any
    residual: Any
    bounds: tuple = ()
    constraints: tuple = ()
    constants: tuple = ()
    stat_functions: Mapping[Any, Any] = field(default_factory=dict)
    nonsmooth: tuple = ()
    compact_logpdf: Any = None
    observed: Any = field(default=None, repr=False)

    n = N
    index = I

    # -- the sample ------------------------------------------------------
    @cached_property
    def data(self):
        """Variable -> ``IndexedBase`` used for the i-th observation."""
        return {v: sp.IndexedBase(v.name) for v in self.variables}

    def per_observation(self, expr):
        """``expr`` with each variable replaced by its i-th observation."""
        return expr.subs({v: self.data[v][I] for v in self.variables})

    @cached_property
    def loglik_sum(self):
        """``Sum(log p(x_i; theta), (i, 1, n))``: the definition, unexpanded."""
        return sp.Sum(self.per_observation(self.logpdf), (I, 1, N))

    @cached_property
    def loglik_display(self):
        """The log-likelihood with each statistic written as its ``Sum``."""
        return self.loglik.subs(self.statistics)

    # -- derivatives -----------------------------------------------------
    @cached_property
    def score(self):
        """Gradient of :attr:`loglik` with respect to the parameters (column)."""
        return sp.ImmutableMatrix([sp.diff(self.loglik, p) for p in self.params])

    @cached_property
    def hessian(self):
        """Hessian of :attr:`loglik` with respect to the parameters."""
        k = len(self.params)
        return sp.ImmutableMatrix(k, k, lambda a, b: sp.diff(self.score[a], self.params[b]))

    @cached_property
    def observed_information(self):
        """``-hessian``: the observed information, in terms of the statistics."""
        return -self.hessian

    @cached_property
    def score_one(self):
        """Score of one observation, ``d log p(x; theta) / d theta``."""
        return sp.ImmutableMatrix([sp.diff(self.logpdf, p) for p in self.params])

    @cached_property
    def hessian_one(self):
        """Hessian of one observation's log-density."""
        k = len(self.params)
        return sp.ImmutableMatrix(k, k, lambda a, b: sp.diff(self.score_one[a], self.params[b]))

    # -- expected information -------------------------------------------
    @cached_property
    def expected_statistics(self):
        """``E[g_j(x)]`` for the statistics the score determines, from ``E[score] = 0``.

        The score of a regular model has expectation zero at the true
        parameter; the score is linear in the statistics, so this gives the
        means of ``g_j(x)`` without integrating. Statistics it leaves
        undetermined are absent. Empty when the support depends on a
        parameter (the identity does not hold) or a residual term is present.
        """
        if self.bounds or self.residual != 0 or self.nonsmooth:
            return {}
        means = {t: sp.Symbol(f"E_{t.name}") for t in self.stat_functions}
        per_obs = [sp.expand(self.score[a].subs({N: 1, **means})) for a in range(len(self.params))]
        unknowns = [means[t] for t in self.stat_functions
                    if any(e.has(means[t]) for e in per_obs)]
        if not unknowns:
            return {}
        sol = _linear_solve(per_obs, unknowns)
        if sol is None:
            return {}
        back = {means[t]: t for t in self.stat_functions}
        return {back[m]: sp.factor(sp.cancel(v)) for m, v in sol.items()
                if not v.free_symbols & set(unknowns)}

    @cached_property
    def fisher_information(self):
        """Expected (Fisher) information of one observation, ``-E[hessian of log p]``.

        Derived symbolically from ``E[score] = 0`` (see
        :attr:`expected_statistics`). Raises :class:`NoClosedFormError` when
        that identity does not determine it (non-separable or non-smooth
        log-density, parameter-dependent support); the numeric value at an
        estimate is then available from :mod:`derive.estimation.inference`.
        """
        if self.bounds:
            raise NoClosedFormError(
                "Fisher information: the support depends on a parameter "
                f"({', '.join(str(b[0]) for b in self.bounds)}); the model is not regular and "
                "the information identity does not apply. Use the exact sampling "
                "distribution of the estimator instead.")
        if self.nonsmooth:
            raise NoClosedFormError(
                "Fisher information: the log-density is not differentiable in "
                f"{', '.join(map(str, self.nonsmooth))} (it contains |.|); no symbolic Hessian. "
                "Use expected_information(..., numeric) at the estimate (E[score score^T]).")
        if self.residual != 0:
            raise NoClosedFormError(
                f"Fisher information: the term {self.residual} does not separate into "
                "statistics, so E[hessian] needs an integral; it is computed numerically "
                "at the estimate by derive.estimation.inference.")
        means = self.expected_statistics
        H = self.hessian.subs(N, 1)
        missing = [t for t in self.stat_functions if H.has(t) and t not in means]
        if missing:
            raise NoClosedFormError(
                f"Fisher information: E[score] = 0 does not determine the mean of "
                f"{', '.join(str(self.statistics[t]) for t in missing)}; it is computed "
                "numerically at the estimate by derive.estimation.inference.")
        info = (-H.subs(means)).applyfunc(lambda e: sp.factor(sp.cancel(e)))
        return sp.ImmutableMatrix(info)

    @cached_property
    def location_parameters(self):
        """Parameters ``mu`` such that the density depends on ``x - mu`` only."""
        if len(self.variables) != 1:
            return ()
        x = self.variables[0]
        return tuple(p for p in self.params
                     if p not in sp.expand(self.logpdf.subs(x, x + p)).free_symbols)

    def fisher_information_integrated(self, *, seconds=10.0):
        """Fisher information of one observation as ``E[score score^T]``, integrated.

        For models where :attr:`fisher_information` (the ``E[score] = 0``
        identity) does not apply: a non-separable log-density (Cauchy) or a
        non-smooth one (Laplace, where ``E[-hessian]`` would be wrong). Each
        entry ``int s_a s_b p dx`` over the support is integrated by SymPy under
        :func:`derive.guard.run` (``seconds`` per entry), after shifting
        ``x -> x + mu`` for a location parameter.

        Raises
        ------
        NoClosedFormError
            Several observed variables, a non-interval support, or a
            parameter-dependent support.
        DerivationTimeout
            An entry did not integrate within ``seconds``.

        Examples
        --------
        >>> import sympy as sp
        >>> from sympy.stats import Laplace
        >>> mu = sp.Symbol("mu", real=True); b = sp.Symbol("b", positive=True)
        >>> likelihood(Laplace("X", mu, b), [mu, b]).fisher_information_integrated()
        Matrix([
        [b**(-2),       0],
        [      0, b**(-2)]])
        """
        from derive.guard import run
        if self.bounds or len(self.variables) != 1 or not isinstance(self.support, sp.Interval):
            raise NoClosedFormError(
                "fisher_information_integrated: needs one observed variable on an interval "
                "support that does not depend on the parameters")
        x = self.variables[0]
        shift = {x: x + self.location_parameters[0]} if self.location_parameters else {}
        lo, hi = self.support.inf, self.support.sup
        if shift and (lo.is_finite or hi.is_finite):
            shift = {}
        lp = self.compact_logpdf if self.compact_logpdf is not None else self.logpdf
        s = [sp.diff(lp, p) for p in self.params]
        dens = sp.exp(lp)
        k = len(self.params)
        out = sp.zeros(k, k)
        for a in range(k):
            for b in range(a, k):
                integrand = (s[a] * s[b] * dens).subs(shift)
                val = run(integrate_entry, (integrand, x, lo, hi), seconds=seconds,
                          what=f"E[score_{a} score_{b}]")
                if val.has(sp.Integral) or val.has(sp.oo, sp.zoo, sp.nan):
                    raise NoClosedFormError(f"E[score_{a} score_{b}] has no closed form: {val}")
                out[a, b] = out[b, a] = val
        return sp.ImmutableMatrix(out)

    @cached_property
    def fisher_information_n(self):
        """Fisher information of the whole sample, ``n * fisher_information``."""
        return sp.ImmutableMatrix(N * self.fisher_information)

    def fit(self, data=None, **options):
        """Estimate on ``data`` (default: the data given to :func:`likelihood`).

        See :func:`derive.fit` for ``options``.
        """
        data = self.observed if data is None else data
        if data is None:
            raise ParseError("Likelihood.fit: no data; pass data= here or to likelihood()")
        return provider("fit")(self, data=data, **options)

    def __repr__(self):
        return (f"Likelihood(params={list(self.params)}, variables={list(self.variables)}, "
                f"loglik={self.loglik})")

    def _repr_latex_(self):
        return (r"$\ell(" + ", ".join(sp.latex(p) for p in self.params) + ") = "
                + sp.latex(self.loglik_display) + "$")


# ---------------------------------------------------------------------------
# construction
# ---------------------------------------------------------------------------

def integrate_entry(integrand, x, lo, hi):
    """``integrate(simplify(integrand), (x, lo, hi))`` (module level, for the guard)."""
    val = sp.integrate(sp.simplify(integrand), (x, lo, hi), conds="none")
    return sp.factor(sp.simplify(val))


def _linear_solve(equations, unknowns):
    """The unique solution of equations linear in ``unknowns`` (dict), else None.

    Uses ``sympy.linsolve`` (Gaussian elimination: cannot hang); a solution
    with free unknowns keeps only the determined ones.
    """
    try:
        sols = sp.linsolve(list(equations), list(unknowns))
    except ValueError:  # NonlinearError: not linear in the unknowns
        return None
    if not isinstance(sols, sp.FiniteSet) or len(sols) != 1:
        return None
    (vals,) = sols.args
    return {u: v for u, v in zip(unknowns, vals) if not v.has(*unknowns)}


def _as_symbol(obj, what):
    if isinstance(obj, sp.Symbol):
        return obj
    if isinstance(obj, str) and re.fullmatch(r"[A-Za-z_][A-Za-z_0-9]*", obj):
        return sp.Symbol(obj, real=True)
    raise ParseError(f"{what}: expected a name or a SymPy Symbol, got {obj!r}")


def _from_random_symbol(rv, var):
    """Density expression and support of a ``sympy.stats`` random variable."""
    from sympy import stats as ss
    dist = rv.pspace.distribution
    support = getattr(dist, "set", sp.S.Reals)
    x = var if var is not None else sp.Symbol("x", real=True)
    pdf = ss.density(rv)(x)
    return pdf, x, support


#: sympy.stats distributions that text may name, e.g. ``"Normal(mu, sigma)"``.
DISTRIBUTIONS = ("Bernoulli", "Beta", "Binomial", "Cauchy", "Exponential", "Gamma",
                 "Geometric", "Laplace", "LogNormal", "Normal", "Pareto", "Poisson",
                 "Rayleigh", "StudentT", "Uniform", "Weibull")
_DIST_CALL = re.compile(r"([A-Z][A-Za-z]*)\s*\((.*)\)", re.S)


def _named_distribution(text, symbols, x):
    """Density and support of ``Name(arg, ...)``, a sympy.stats distribution.

    The arguments go through :func:`derive.parsing.parse` (never ``sympify``).
    """
    from sympy import stats as ss

    from derive.parsing import parse
    name, inner = _DIST_CALL.fullmatch(text).groups()
    if name not in DISTRIBUTIONS:
        raise ParseError(f"unknown distribution {name!r}; known: {', '.join(DISTRIBUTIONS)}",
                         text=text, position=0, piece=name)
    parts, depth, cur = [], 0, ""
    for ch in inner:
        depth += ch in "([" and 1 or (ch in ")]" and -1 or 0)
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    names = {s.name: s for s in symbols}
    args = [parse(a.strip(), symbols=names) for a in parts if a.strip()]
    try:
        rv = getattr(ss, name)("X", *args)
    except (TypeError, ValueError) as err:
        raise ParseError(f"{name}{tuple(args)}: {err}", text=text) from err
    pdf, _, support = _from_random_symbol(rv, x)
    return pdf, support


def _rewrite_special(expr):
    """log Γ, log n!, log C(m, k), log B(a, b) into ``loggamma`` (no overflow)."""
    expr = expr.replace(lambda e: isinstance(e, sp.beta), lambda e: e.rewrite(sp.gamma))
    expr = expr.replace(lambda e: isinstance(e, (sp.factorial, sp.binomial)),
                        lambda e: e.rewrite(sp.gamma))
    expr = sp.expand_log(expr, force=True)
    return expr.replace(lambda e: isinstance(e, sp.log) and isinstance(e.args[0], sp.gamma),
                        lambda e: sp.loggamma(e.args[0].args[0]))


def _strip_piecewise(pdf, variables, params):
    """The nonzero branch of a piecewise density and its parameter bounds.

    Returns ``(expr, bounds)``, where bounds are ``(param, "lower"|"upper", var)``:
    the branch condition ``x <= theta`` becomes ``theta >= max x_i``.
    A finite support written as ``Eq(x, v)`` branches is turned into
    ``prod_v p(v)**[x = v]`` with the indicator as a Lagrange polynomial
    (exact on the support), e.g. Bernoulli -> ``p**x (1 - p)**(1 - x)``.
    """
    if not isinstance(pdf, sp.Piecewise):
        return pdf, ()
    branches = [(e, c) for e, c in pdf.args if e != 0]
    if len(variables) == 1 and branches and all(
            isinstance(c, sp.Eq) and variables[0] in c.free_symbols for _, c in branches):
        x = variables[0]
        values = [c.rhs if c.lhs == x else c.lhs for _, c in branches]
        out = sp.Integer(1)
        for (e, _), v in zip(branches, values):
            ind = sp.Mul(*[(x - w) / (v - w) for w in values if w != v])
            out *= e ** sp.expand(ind)
        return out, ()
    if len(branches) != 1:
        raise NoClosedFormError(
            f"density {pdf}: more than one nonzero branch; give the density on its "
            "support as one expression.")
    expr, cond = branches[0]
    bounds = []
    rels = cond.args if isinstance(cond, sp.And) else (cond,)
    pset = set(params)
    for rel in rels:
        if not isinstance(rel, sp.core.relational.Relational) or not (rel.free_symbols & pset):
            continue
        lhs, rhs = rel.lhs, rel.rhs
        if isinstance(rel, (sp.StrictGreaterThan, sp.GreaterThan)):
            lhs, rhs = rhs, lhs  # now lhs <= rhs
        if lhs in pset and rhs in variables:
            bounds.append((lhs, "upper", rhs))  # theta <= x_i for all i -> theta <= min x
        elif rhs in pset and lhs in variables:
            bounds.append((rhs, "lower", lhs))  # x_i <= theta -> theta >= max x
        else:
            raise NoClosedFormError(
                f"density {pdf}: support condition {rel} is not of the form "
                "x <= theta or x >= theta; write the density on its support.")
    return expr, tuple(bounds)


def _interval_from_logs(logpdf, symbol):
    """Admissible interval of ``symbol`` from the log / log-gamma arguments (positive)."""
    lo, hi = sp.S.NegativeInfinity, sp.S.Infinity
    for lg in logpdf.atoms(sp.log, sp.loggamma):
        arg = lg.args[0]
        if arg.free_symbols != {symbol}:
            continue
        poly = sp.Poly(arg, symbol) if arg.is_polynomial(symbol) else None
        if poly is None or poly.degree() != 1:
            continue
        a, b = poly.all_coeffs()
        if not (a.is_number and b.is_number):
            continue
        root = -b / a
        if a > 0:
            lo = sp.Max(lo, root)
        else:
            hi = sp.Min(hi, root)
    return sp.Interval.open(lo, hi)


def _with_assumptions(sym, interval):
    """A symbol with the assumptions its interval implies (positive when > 0)."""
    if interval.inf.is_nonnegative:
        return sp.Symbol(sym.name, positive=True)
    if interval.sup.is_nonpositive:
        return sp.Symbol(sym.name, negative=True)
    return sp.Symbol(sym.name, real=True)


def _assumed_interval(sym):
    if sym.is_positive:
        return sp.Interval.open(0, sp.oo)
    if sym.is_nonnegative:
        return sp.Interval(0, sp.oo)
    if sym.is_negative:
        return sp.Interval.open(-sp.oo, 0)
    return sp.Interval(-sp.oo, sp.oo)


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
    >>> from derive.estimation.model import likelihood
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
        variables = (_as_symbol(var, "var"),)
    else:
        variables = tuple(_as_symbol(v, "var") for v in var)
    if isinstance(params, (str, sp.Symbol)):
        params = [params]
    params = tuple(_as_symbol(p, "params") for p in params)
    if not params:
        raise ParseError("likelihood: give at least one parameter to estimate")

    rv_support = None
    if isinstance(density, RandomSymbol):
        if len(variables) != 1:
            raise ParseError("likelihood: a sympy.stats random variable has one variable; "
                             f"got var={var!r}")
        density, _, rv_support = _from_random_symbol(density, variables[0])
    elif isinstance(density, str) and _DIST_CALL.fullmatch(density.strip()):
        if len(variables) != 1:
            raise ParseError(f"likelihood: {density!r} has one variable; got var={var!r}")
        density, rv_support = _named_distribution(density.strip(), params + variables,
                                                  variables[0])
    elif isinstance(density, str):
        from derive.parsing import parse
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

    body, bounds = _strip_piecewise(density, variables, params)
    logpdf = _rewrite_special(sp.log(body))
    logpdf = _expand_terms(logpdf, variables, params)

    # parameter domains: assumptions, inferred log arguments, user overrides
    user = {}
    for key, val in (domain or {}).items():
        name = key.name if isinstance(key, sp.Symbol) else str(key)
        user[name] = val
    dom, renamed = {}, {}
    for p in params:
        itv = _assumed_interval(p).intersect(_interval_from_logs(logpdf, p))
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
        q = _with_assumptions(p, itv)
        if q != p and not (p.is_positive and q.is_positive):
            renamed[p] = q
        dom[renamed.get(p, p)] = itv
    if renamed:
        body = body.subs(renamed)
        density = density.subs(renamed)
        params = tuple(renamed.get(p, p) for p in params)
        bounds = tuple((renamed.get(b[0], b[0]), b[1], b[2]) for b in bounds)
        logpdf = _expand_terms(_rewrite_special(sp.log(body)), variables, params)
    if isinstance(rv_support, (set, frozenset)):
        rv_support = sp.FiniteSet(*rv_support)
    if support is None:
        support = rv_support if rv_support is not None else _default_support(logpdf, variables)

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
            from derive.parsing import parse
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
                      compact_logpdf=_rewrite_special(sp.log(body)), observed=data)


def _default_support(logpdf, variables):
    if len(variables) != 1:
        return sp.S.Reals ** len(variables)
    x = variables[0]
    if logpdf.has(sp.loggamma) and any(x in a.free_symbols for a in logpdf.atoms(sp.loggamma)):
        return sp.S.Naturals0
    itv = _interval_from_logs(logpdf, x)
    return itv if itv != sp.Interval.open(-sp.oo, sp.oo) else sp.S.Reals
