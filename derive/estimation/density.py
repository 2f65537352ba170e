"""Reading a density: text, a SymPy expression or a ``sympy.stats`` random variable.

The pieces :func:`~derive.estimation.build.likelihood` uses before it splits a
log-density into sufficient statistics: the density and support of a named
distribution (``"Normal(mu, sigma)"``, arguments read by
:func:`derive.parsing.parse`, never ``sympify``), log-Gamma rewrites that do not
overflow, the nonzero branch of a piecewise density with the support
constraints it puts on a parameter, and parameter domains inferred from the
arguments of ``log``.

Examples
--------
>>> import sympy as sp
>>> from derive.estimation.density import named_distribution
>>> x = sp.Symbol("x", real=True); lam = sp.Symbol("lam", positive=True)
>>> pdf, support, _ = named_distribution("Exponential(lam)", [lam, x], x)
>>> pdf, support
(lam*exp(-lam*x), Interval(0, oo))
"""

from __future__ import annotations

import re

import sympy as sp
from sympy import stats as ss
from sympy.stats.frv import SingleFiniteDistribution

from derive.errors import NoClosedFormError, ParseError
from derive.parsing import parse

__all__ = [
    "DISTRIBUTIONS",
    "default_support",
    "from_random_symbol",
    "interval_from_logs",
    "named_distribution",
    "rewrite_special",
    "strip_piecewise",
]


def as_symbol(obj, what):
    if isinstance(obj, sp.Symbol):
        return obj
    if isinstance(obj, str) and re.fullmatch(r"[A-Za-z_][A-Za-z_0-9]*", obj):
        return sp.Symbol(obj, real=True)
    raise ParseError(f"{what}: expected a name or a SymPy Symbol, got {obj!r}")


#: A finite distribution's integer parameters above this are held as symbols (with their
#: values beside them): ``Binomial(10**9, p)`` is never expanded or factorial-evaluated.
HELD_INTEGER = 1000


def from_random_symbol(rv, var):
    """Density, variable, support and held constants of a ``sympy.stats`` random variable.

    A finite distribution (Binomial, Die, ...) gives its probability mass
    function in closed form, not the table of its values; an integer
    parameter above :data:`HELD_INTEGER` becomes a positive integer symbol
    named after the parameter (``n_X``) whose value is returned in the
    fourth item, so that ``log binomial(10**9, x)`` is never evaluated.

    Examples
    --------
    >>> import sympy as sp
    >>> from sympy import stats as ss
    >>> p = sp.Symbol("p", positive=True); x = sp.Symbol("x", real=True)
    >>> pmf, _, support, held = from_random_symbol(ss.Binomial("X", 10**9, p), x)
    >>> held
    {n_X: 1000000000}
    """
    dist = rv.pspace.distribution
    x = var if var is not None else sp.Symbol("x", real=True)
    if not isinstance(dist, SingleFiniteDistribution):
        return ss.density(rv)(x), x, getattr(dist, "set", sp.S.Reals), {}
    names = getattr(dist, "_argnames", ())
    args, held = list(dist.args), {}
    for j, a in enumerate(args):
        if isinstance(a, sp.Integer) and abs(a) > HELD_INTEGER:
            name = f"{names[j] if j < len(names) else 'c'}_{rv.name}"
            args[j] = sp.Symbol(name, positive=True) if a > 0 else sp.Symbol(name, real=True)
            held[args[j]] = a
    if held:
        dist = type(dist)(*args)
    pmf = dist.pmf(x)
    if pmf == 0 or isinstance(pmf, sp.Piecewise) and any(
            isinstance(c, sp.Eq) for _, c in pmf.args):
        pmf = ss.density(rv)(x)  # a small table (Bernoulli, a list of values): exact
    return pmf, x, dist.set, held


#: sympy.stats distributions that text may name, e.g. ``"Normal(mu, sigma)"``.
DISTRIBUTIONS = ("Bernoulli", "Beta", "Binomial", "Cauchy", "Exponential", "Gamma",
                 "Geometric", "Laplace", "LogNormal", "Normal", "Pareto", "Poisson",
                 "Rayleigh", "StudentT", "Uniform", "Weibull", "GammaInverse", "Die",
                 "DiscreteUniform")
DIST_CALL = re.compile(r"([A-Z][A-Za-z]*)\s*\((.*)\)", re.DOTALL)


def random_variable(text, symbols, name="X"):
    """The ``sympy.stats`` random variable ``Name(arg, ...)`` that ``text`` names.

    The arguments go through :func:`derive.parsing.parse` (never ``sympify``);
    ``symbols`` (name -> Symbol) fixes the symbols they may use.

    Examples
    --------
    >>> random_variable("Beta(2, 5)", {}, "P")
    P
    >>> random_variable("Beta(2, 5)", {}, "P").pspace.distribution.args
    (2, 5)
    """
    match = DIST_CALL.fullmatch(text.strip())
    if match is None:
        raise ParseError(f"{text!r} is not a distribution call Name(arg, ...); known names: "
                         f"{', '.join(DISTRIBUTIONS)}", text=text)
    dist, inner = match.groups()
    if dist not in DISTRIBUTIONS:
        raise ParseError(f"unknown distribution {dist!r}; known: {', '.join(DISTRIBUTIONS)}",
                         text=text, position=0, piece=dist)
    parts, depth, cur = [], 0, ""
    for ch in inner:
        depth += ch in "([" and 1 or (ch in ")]" and -1 or 0)
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    args = [parse(a.strip(), symbols=dict(symbols)) for a in parts if a.strip()]
    try:
        return getattr(ss, dist)(name, *args)
    except (TypeError, ValueError) as err:
        raise ParseError(f"{dist}{tuple(args)}: {err}", text=text) from err


def named_distribution(text, symbols, x):
    """Density, support and held constants of ``Name(arg, ...)`` (see :func:`random_variable`)."""
    rv = random_variable(text, {s.name: s for s in symbols})
    pdf, _, support, held = from_random_symbol(rv, x)
    return pdf, support, held


def rewrite_special(expr):
    """log Γ, log n!, log C(m, k), log B(a, b) into ``loggamma`` (no overflow)."""
    expr = expr.replace(lambda e: isinstance(e, sp.beta), lambda e: e.rewrite(sp.gamma))
    expr = expr.replace(lambda e: isinstance(e, (sp.factorial, sp.binomial)),
                        lambda e: e.rewrite(sp.gamma))
    expr = sp.expand_log(expr, force=True)
    return expr.replace(lambda e: isinstance(e, sp.log) and isinstance(e.args[0], sp.gamma),
                        lambda e: sp.loggamma(e.args[0].args[0]))


def strip_piecewise(pdf, variables, params):
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


def interval_from_logs(logpdf, symbol):
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


def with_assumptions(sym, interval):
    """A symbol with the assumptions its interval implies (positive when > 0)."""
    if interval.inf.is_nonnegative:
        return sp.Symbol(sym.name, positive=True)
    if interval.sup.is_nonpositive:
        return sp.Symbol(sym.name, negative=True)
    return sp.Symbol(sym.name, real=True)


def assumed_interval(sym):
    if sym.is_positive:
        return sp.Interval.open(0, sp.oo)
    if sym.is_nonnegative:
        return sp.Interval(0, sp.oo)
    if sym.is_negative:
        return sp.Interval.open(-sp.oo, 0)
    return sp.Interval(-sp.oo, sp.oo)


def default_support(logpdf, variables):
    if len(variables) != 1:
        return sp.S.Reals ** len(variables)
    x = variables[0]
    if logpdf.has(sp.loggamma) and any(x in a.free_symbols for a in logpdf.atoms(sp.loggamma)):
        return sp.S.Naturals0
    itv = interval_from_logs(logpdf, x)
    return itv if itv != sp.Interval.open(-sp.oo, sp.oo) else sp.S.Reals
