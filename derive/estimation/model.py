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
>>> from derive.estimation.build import likelihood
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

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import mpmath
import sympy as sp

from derive.conveniences import provider
from derive.errors import NoClosedFormError, ParseError
from derive.guard import run
from derive.integrals.quadrature import numeric_integral

__all__ = ["I", "Likelihood", "N"]

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
    constant_values : dict
        Values of constants the model fixed itself (``n_X = 10**9`` of a
        ``Binomial(10**9, p)``, held as a symbol so that it is never expanded).
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
    constant_values: Mapping[Any, Any] = field(default_factory=dict)

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
        estimate is then available from :mod:`derive.fitting (fit)`.
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
                "at the estimate by derive.fitting (fit).")
        means = self.expected_statistics
        H = self.hessian.subs(N, 1)
        missing = [t for t in self.stat_functions if H.has(t) and t not in means]
        if missing:
            raise NoClosedFormError(
                f"Fisher information: E[score] = 0 does not determine the mean of "
                f"{', '.join(str(self.statistics[t]) for t in missing)}; it is computed "
                "numerically at the estimate by derive.fitting (fit).")
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
        >>> from derive.estimation.build import likelihood
        >>> mu = sp.Symbol("mu", real=True); b = sp.Symbol("b", positive=True)
        >>> likelihood(Laplace("X", mu, b), [mu, b]).fisher_information_integrated()
        Matrix([
        [b**(-2),       0],
        [      0, b**(-2)]])
        """
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
        total = _total_mass(dens, x, lo, hi, {p: _inside(self.domain[p]) for p in self.params})
        if total is not None and not abs(total - 1) < 1e-3:
            raise NoClosedFormError(
                f"fisher_information_integrated: exp(log-density) is not a probability "
                f"density of {x} on {self.support} (it integrates to {total:.6g}, not 1, at "
                "a point of the parameters), so E[score score^T] over it is not the Fisher "
                "information")
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



def _inside(domain):
    """A point inside a parameter's domain (an interval; None when it is not one)."""
    if not isinstance(domain, sp.Interval):
        return None
    lo, hi = domain.inf, domain.sup
    if lo.is_finite and hi.is_finite:
        return (lo + hi) / 2
    return lo + sp.Rational(13, 10) if lo.is_finite else (
        hi - sp.Rational(13, 10) if hi.is_finite else sp.Rational(7, 10))


def _total_mass(dens, x, lo, hi, point):
    """``int dens dx`` over ``[lo, hi]`` at the parameters ``point``, by mpmath's
    quadrature (:func:`~derive.integrals.quadrature.numeric_integral`), when the
    quadrature is sure of it: None when it cannot be evaluated there or its error
    estimate is too large to tell the total from 1. A divergent integral comes out
    huge (or ``inf``) with a small relative error.

    >>> x, p = sp.symbols("x p", positive=True)
    >>> round(_total_mass(p * sp.exp(-p * x), x, 0, sp.oo, {p: 2}), 12)
    1.0
    >>> _total_mass(p**x, x, -sp.oo, sp.oo, {p: sp.Rational(13, 10)}) > 1e100
    True
    >>> _total_mass(p, x, -sp.oo, sp.oo, {p: sp.Rational(13, 10)}) > 1e10
    True
    """
    if any(v is None for v in point.values()):
        return None
    try:
        total, err = numeric_integral(dens, [(x, lo, hi)], dps=15, subs=point)
    except (ValueError, TypeError, ZeroDivisionError, ArithmeticError, NotImplementedError):
        return None
    if mpmath.isnan(total) or mpmath.im(total) != 0:
        return None
    if mpmath.isinf(total):
        return math.inf
    miss = abs(total - 1)
    return float(total) if miss == 0 or err < miss / 10 else None


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
