"""A one-parameter posterior under any prior, normalized numerically on data.

Where :func:`derive.estimation.bayes.conjugate_posterior` finds no closed form,
:func:`numeric_posterior` finds the mode by Newton's method with exact
derivatives and normalizes ``prior * likelihood`` by mpmath quadrature in the
log domain.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import mpmath as mp
import numpy as np
import sympy as sp
from scipy.integrate import quad
from scipy.optimize import brentq
from sympy import stats as ss
from sympy.stats.rv import RandomSymbol

from derive.errors import ConvergenceError, ParseError
from derive.estimation.build import likelihood
from derive.estimation.model import Likelihood
from derive.fitting.kernels import numeric_function
from derive.fitting.sample import Sample
from derive.fitting.start import default_point
from derive.optimize.newton import newton

__all__ = ["NumericPosterior", "numeric_posterior"]


@dataclass(frozen=True, eq=False)
class NumericPosterior:
    """A one-parameter posterior normalized numerically.

    Attributes
    ----------
    log_evidence : float
        ``log int prior * likelihood`` (mpmath quadrature, log domain).
    map : float
        Posterior mode (Newton with exact derivatives).
    mean, sd : float
        By quadrature.
    """

    log_evidence: float
    map: float
    mean: float
    sd: float
    logpdf: Any
    bounds: tuple

    def pdf(self, theta):
        """Normalized posterior density at ``theta`` (array)."""
        return np.exp(self.logpdf(np.asarray(theta, float)) - self.log_evidence)

    def credible_interval(self, level=0.95):
        """Equal-tailed interval: the normalized density integrated (scipy ``quad``)
        from the mode outwards, ends found by Brent's method."""
        lo, hi = self.bounds

        def dens(t):
            val = float(self.logpdf(t))
            return np.exp(val - self.log_evidence) if np.isfinite(val) else 0.0

        below, _ = quad(dens, lo, self.map, limit=200, epsabs=1e-13, epsrel=1e-12)

        def cdf(t):
            part, _ = quad(dens, self.map, t, limit=200, epsabs=1e-13, epsrel=1e-12)
            return below + part

        a0 = max(lo, self.mean - 40 * self.sd)
        b0 = min(hi, self.mean + 40 * self.sd)
        ql = brentq(lambda t: cdf(t) - (1 - level) / 2, a0, b0, xtol=1e-13)
        qh = brentq(lambda t: cdf(t) - (1 + level) / 2, a0, b0, xtol=1e-13)
        return ql, qh


def numeric_posterior(model, params=None, *, prior, data, known=None, **kwargs):
    """Posterior of one parameter under any prior, normalized numerically.

    Parameters
    ----------
    model : Likelihood or anything :func:`likelihood` accepts (one parameter)
    prior : sympy.stats random symbol or sympy expression in the parameter
        The prior density (need not be normalized).
    data : array_like

    Returns
    -------
    NumericPosterior

    Examples
    --------
    Cauchy location with a Normal(0, 10) prior:

    >>> import numpy as np, sympy as sp
    >>> from sympy.stats import Cauchy, Normal
    >>> from derive.fitting import numeric_posterior
    >>> mu = sp.Symbol("mu", real=True)
    >>> x = np.random.default_rng(3).standard_cauchy(50) + 1.0
    >>> post = numeric_posterior(Cauchy("X", mu, 1), [mu], prior=Normal("M", 0, 10), data=x)
    >>> bool(abs(post.mean - post.map) < 0.2), round(float(post.pdf(post.map) > 0), 1)
    (True, 1.0)
    """
    L = model if isinstance(model, Likelihood) else likelihood(model, params, **kwargs)
    if len(L.params) != 1:
        raise ParseError(f"numeric_posterior: one parameter, got {list(L.params)}")
    p = L.params[0]
    if isinstance(prior, RandomSymbol):
        prior = ss.density(prior)(p)
    prior = sp.sympify(prior)
    prior = prior.subs({s: p for s in prior.free_symbols if s.name == p.name})
    if prior.free_symbols - {p}:
        raise ParseError(f"prior {prior}: free symbols other than {p}")
    lp = sp.expand_log(sp.log(prior), force=True)
    f = numeric_function([lp, sp.diff(lp, p), sp.diff(lp, p, 2)], [p])
    sample = Sample(L, data, known=known)
    itv = L.domain[p]

    def logpost(t):
        return sample.loglik([t]) + float(f(t)[0])

    res = newton(lambda t: -logpost(t[0]) / sample.n if sample.in_domain(t) else np.inf,
                 lambda t: -(sample.score(t) + float(f(t[0])[1])) / sample.n,
                 lambda t: -(sample.hessian(t) + float(f(t[0])[2])) / sample.n,
                 [float(np.median(next(iter(sample.start_arrays.values()))))
                  if itv.inf.is_infinite and itv.sup.is_infinite else default_point(itv)])
    if not res.success:
        raise ConvergenceError(f"numeric_posterior: Newton for the MAP stopped: {res.message}")
    t_map = float(res.x[0])
    top = logpost(t_map)
    curv = -(sample.hessian([t_map])[0, 0] + float(f(t_map)[2]))
    width = 1 / np.sqrt(curv) if curv > 0 else 1.0
    lo = float(itv.inf) if itv.inf.is_finite else -mp.inf
    hi = float(itv.sup) if itv.sup.is_finite else mp.inf

    def w(s):
        t = float(s)
        if not sample.in_domain([t]):
            return mp.mpf(0)
        val = logpost(t)
        return mp.e**(val - top) if np.isfinite(val) else mp.mpf(0)

    pts = [lo, t_map - 10 * width, t_map, t_map + 10 * width, hi]
    pts = [q for q in pts if (lo == -mp.inf or q >= lo) and (hi == mp.inf or q <= hi)]
    z = mp.quad(w, pts)
    m1 = mp.quad(lambda s: s * w(s), pts) / z
    m2 = mp.quad(lambda s: (s - m1) ** 2 * w(s), pts) / z
    logz = float(mp.log(z)) + top
    vec = np.vectorize(lambda t: logpost(float(t)) if sample.in_domain([t]) else -np.inf)
    return NumericPosterior(log_evidence=logz, map=t_map, mean=float(m1), sd=float(mp.sqrt(m2)),
                            logpdf=vec, bounds=(float(lo), float(hi)))
