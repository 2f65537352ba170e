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
>>> pdf, support = named_distribution("Exponential(lam)", [lam, x], x)
>>> pdf, support
(lam*exp(-lam*x), Interval(0, oo))
"""

from __future__ import annotations

import re

import sympy as sp
from sympy import stats as ss

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


def from_random_symbol(rv, var):
    """Density expression and support of a ``sympy.stats`` random variable."""
    dist = rv.pspace.distribution
    support = getattr(dist, "set", sp.S.Reals)
    x = var if var is not None else sp.Symbol("x", real=True)
    pdf = ss.density(rv)(x)
    return pdf, x, support


#: sympy.stats distributions that text may name, e.g. ``"Normal(mu, sigma)"``.
DISTRIBUTIONS = ("Bernoulli", "Beta", "Binomial", "Cauchy", "Exponential", "Gamma",
                 "Geometric", "Laplace", "LogNormal", "Normal", "Pareto", "Poisson",
                 "Rayleigh", "StudentT", "Uniform", "Weibull")
DIST_CALL = re.compile(r"([A-Z][A-Za-z]*)\s*\((.*)\)", re.DOTALL)


def named_distribution(text, symbols, x):
    """Density and support of ``Name(arg, ...)``, a sympy.stats distribution.

    The arguments go through :func:`derive.parsing.parse` (never ``sympify``).
    """
    name, inner = DIST_CALL.fullmatch(text).groups()
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
    pdf, _, support = from_random_symbol(rv, x)
    return pdf, support


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
