"""Bayesian inference: conjugate posteriors derived symbolically, and a numeric one.

:func:`conjugate_posterior` multiplies a ``sympy.stats`` prior by the
likelihood written in sufficient statistics, and *derives* the posterior's
hyperparameters: it sets ``log prior(theta; h') = log prior(theta; h) + l(theta)``
up to terms free of ``theta``, and solves the coefficient equations of each
function of ``theta`` (``log p``, ``log(1 - p)``, ``mu**2``, ``1/v`` ...) for
``h'``. Nothing is looked up in a table of conjugate pairs: Beta-Binomial,
Gamma-Poisson, Normal-Normal (known variance), Normal-Inverse-Gamma and
Dirichlet-Categorical all come out of the same matching, and a prior that is
not conjugate is reported as such. Posterior means come from
``sympy.stats.E``, the MAP from solving the gradient of the log posterior, and
equal-tailed credible intervals from SciPy's quantile functions of the
(marginal) posterior.

:func:`numeric_posterior` handles any one-parameter prior: the posterior is
normalized by mpmath quadrature in the log domain, the MAP comes from Newton
with the exact derivatives, the mean by quadrature.

Examples
--------
>>> import sympy as sp
>>> from sympy.stats import Beta, Binomial
>>> from derive.estimation.bayes import conjugate_posterior
>>> p = sp.Symbol("p", positive=True); a, b = sp.symbols("a b", positive=True)
>>> m = sp.Symbol("m", positive=True, integer=True)
>>> post = conjugate_posterior(Binomial("X", m, p), [p], prior=Beta("P", a, b))
>>> post.hyperparameters
{a: a + sum_x, b: b + m*n - sum_x}
>>> post.mean[p]
(a + sum_x)/(a + b + m*n)
>>> post.mode[p]
(a + sum_x - 1)/(a + b + m*n - 2)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np
import sympy as sp
from sympy import stats as ss
from sympy.stats.rv import RandomSymbol

from derive.errors import ConvergenceError, NoClosedFormError, ParseError
from derive.estimation.model import N, Likelihood, _rewrite_special, likelihood
from derive.estimation.numeric import Sample, _default_point, _numeric

__all__ = ["ConjugatePosterior", "conjugate_posterior", "numeric_posterior",
           "NumericPosterior"]


def _prior_log_density(prior, params):
    """log density of the prior (one RV, a Dirichlet, or (Normal, GammaInverse))."""
    rvs = prior if isinstance(prior, (tuple, list)) else (prior,)
    logd = sp.Integer(0)
    used = []
    for rv in rvs:
        if not isinstance(rv, RandomSymbol):
            raise ParseError(f"prior: expected sympy.stats random variable(s), got {rv!r}")
        dist = rv.pspace.distribution
        if type(dist).__name__ == "MultivariateBetaDistribution":
            k = len(dist.args[0])
            syms = params[len(used):len(used) + k]
            logd += sp.log(ss.density(rv)(*syms))
            used.extend(syms)
        else:
            sym = params[len(used)]
            logd += sp.log(ss.density(rv)(sym))
            used.append(sym)
    if len(used) != len(params):
        raise ParseError(f"prior: covers {len(used)} parameter(s), the model has "
                         f"{len(params)} ({[str(p) for p in params]})")
    body = logd
    return sp.expand(_rewrite_special(body), force=True)


def _theta_coefficients(expr, params):
    """Group ``expr`` by its parameter-dependent factors: {factor: coefficient}."""
    pset = set(params)
    out = {}
    for term in sp.Add.make_args(sp.expand(expr, force=True)):
        dep = sp.Mul(*[f for f in sp.Mul.make_args(term) if f.free_symbols & pset])
        if dep == 1:
            continue
        coef = term / dep
        out[dep] = out.get(dep, 0) + coef
    return out


def posterior_mean(rv):
    """``E[rv]``: ``sympy.stats.E``, else the integral of x times the density."""
    try:
        return sp.simplify(ss.E(rv))
    except NotImplementedError:
        x = sp.Dummy("x", positive=True)
        dist = rv.pspace.distribution
        val = sp.integrate(x * dist.pdf(x), (x, dist.set.inf, dist.set.sup), conds="none")
        return sp.simplify(val)


def solve_hyper(equations, unknowns):
    """``sympy.solve`` for the posterior hyperparameters (module level, for the guard)."""
    return sp.solve(list(equations), list(unknowns), dict=True)


@dataclass(frozen=True, eq=False)
class ConjugatePosterior:
    """A conjugate posterior with hyperparameters in terms of n and the statistics.

    Attributes
    ----------
    likelihood : Likelihood
    prior : random symbol or tuple of them
    hyperparameters : dict
        Prior hyperparameter -> its posterior value (formula).
    posterior : random symbol or tuple
        The prior's family with the posterior hyperparameters.
    mean, mode : dict
        Parameter -> posterior mean / MAP (formulas).
    """

    likelihood: Likelihood
    prior: Any
    hyperparameters: Mapping[Any, Any]
    posterior: Any
    mean: Mapping[Any, Any]
    mode: Mapping[Any, Any]
    steps: tuple = ()
    marginals: Mapping[Any, Any] = field(default_factory=dict)

    def _values(self, data, hyper, known):
        sample = Sample(self.likelihood, data, known=known)
        vals = {N: sample.n, **sample.stats, **sample.known}
        names = {h.name: h for h in self.hyperparameters}
        for k, v in dict(hyper).items():
            name = k.name if isinstance(k, sp.Symbol) else str(k)
            if name not in names:
                raise ParseError(f"hyper: unknown hyperparameter {name!r}; have {list(names)}")
            vals[names[name]] = float(v)
        missing = [h.name for h in self.hyperparameters if h not in vals]
        if missing:
            raise ParseError(f"hyper: no value for {missing}")
        return vals

    def on(self, data, hyper, *, known=None):
        """Numbers on data: hyperparameters, means and modes, as floats.

        ``hyper``: values of the prior hyperparameters (name or symbol -> float).
        """
        vals = self._values(data, hyper, known)

        def num(e):
            return float(sp.N(sp.sympify(e).subs(vals), 17))

        return {"hyperparameters": {h: num(e) for h, e in self.hyperparameters.items()},
                "mean": {p: num(e) for p, e in self.mean.items()},
                "mode": {p: num(e) for p, e in self.mode.items()}}

    def credible_interval(self, data, hyper, level=0.95, *, known=None):
        """Equal-tailed credible intervals, parameter -> (lo, hi), from the marginals."""
        if not 0 < level < 1:
            raise ValueError(f"level must be in (0, 1), got {level!r}")
        vals = self._values(data, hyper, known)
        out = {}
        for p, (family, args) in self.marginals.items():
            nums = [float(sp.N(sp.sympify(a).subs(vals), 17)) for a in args]
            dist = _scipy(family, nums)
            out[p] = (float(dist.ppf((1 - level) / 2)), float(dist.ppf((1 + level) / 2)))
        return out


def _scipy(family, a):
    from scipy import stats as st
    if family == "beta":
        return st.beta(a[0], a[1])
    if family == "gamma":
        return st.gamma(a[0], scale=a[1])
    if family == "normal":
        return st.norm(a[0], a[1])
    if family == "invgamma":
        return st.invgamma(a[0], scale=a[1])
    if family == "t":
        return st.t(a[0], loc=a[1], scale=a[2])
    raise NoClosedFormError(f"no quantile function for the marginal family {family!r}")


def conjugate_posterior(model, params=None, *, prior, **kwargs):
    """Derive the posterior of a conjugate prior in closed form.

    Parameters
    ----------
    model : Likelihood or anything :func:`likelihood` accepts
    params : sequence, optional
    prior : sympy.stats random symbol, or tuple
        Over the parameters in order: ``Beta``, ``Gamma``, ``Normal``, a
        ``MultivariateBeta`` (Dirichlet) over several, or
        ``(Normal("M", m, sqrt(v / kappa)), GammaInverse("V", alpha, beta))``
        for the Normal-Inverse-Gamma prior on ``(mu, v)``.

    Returns
    -------
    ConjugatePosterior

    Raises
    ------
    NoClosedFormError
        When the prior is not conjugate to the likelihood (the posterior is
        not in the prior's family): use :func:`numeric_posterior`.
    """
    from derive.guard import run
    L = model if isinstance(model, Likelihood) else likelihood(model, params, **kwargs)
    P = list(L.params)
    logprior = _prior_log_density(prior, P)
    hyper = sorted(logprior.free_symbols - set(P), key=lambda s: s.name)
    new = {h: sp.Dummy(h.name, **{k: v for k, v in h.assumptions0.items()
                                  if k in ("positive", "real", "integer")}) for h in hyper}
    logpost = logprior + (L.loglik - sum(L.loglik.atoms(sp.Sum), sp.Integer(0)))
    if L.residual != 0 or L.bounds:
        raise NoClosedFormError("conjugate_posterior: the likelihood does not reduce to "
                                "sufficient statistics; use numeric_posterior")
    diff = _theta_coefficients(logpost - logprior.subs(new), P)
    eqs = [sp.expand(c) for c in diff.values() if sp.expand(c) != 0]
    unknowns = list(new.values())
    sols = run(solve_hyper, (tuple(eqs), tuple(unknowns)), seconds=20,
               what="matching the posterior to the prior's family")
    sols = [s for s in sols if all(u in s for u in unknowns)]
    if not sols:
        raise NoClosedFormError(
            f"the prior {prior} is not conjugate to this likelihood: no hyperparameters make "
            f"log prior + log-likelihood a member of the prior's family (terms {list(diff)}). "
            "Use numeric_posterior.")
    sol = sols[0]
    hyper_post = {h: sp.factor_terms(sp.expand(sol[new[h]])) for h in hyper}
    rvs = prior if isinstance(prior, (tuple, list)) else (prior,)
    post_rvs = tuple(_rebuild(rv, hyper_post, P) for rv in rvs)
    logpost_family = logprior.subs(hyper_post, simultaneous=True)
    grad = [sp.diff(logpost_family, p) for p in P]
    modes = run(solve_hyper, (tuple(grad), tuple(P)), seconds=20, what="posterior mode")
    mode = {p: sp.factor(modes[0][p]) for p in P} if modes else {}
    mean, marginals = _means_and_marginals(rvs, post_rvs, P, hyper_post)
    return ConjugatePosterior(likelihood=L, prior=prior, hyperparameters=hyper_post,
                              posterior=post_rvs[0] if len(post_rvs) == 1 else post_rvs,
                              mean=mean, mode=mode, marginals=marginals)


def _rebuild(rv, subs, P):
    dist = rv.pspace.distribution
    name = type(dist).__name__.replace("Distribution", "")
    ctor = getattr(ss, name)
    args = [a.subs(subs, simultaneous=True) for a in dist.args]
    if name == "MultivariateBeta":
        return ctor(f"{rv.name}_post", list(args[0]))
    return ctor(f"{rv.name}_post", *args)


def _means_and_marginals(rvs, post_rvs, P, subs):
    from derive.guard import run
    mean, marg = {}, {}
    i = 0
    for rv, post in zip(rvs, post_rvs):
        dist = post.pspace.distribution
        name = type(dist).__name__
        if name == "MultivariateBetaDistribution":
            alphas = list(dist.args[0])
            tot = sp.Add(*alphas)
            for a in alphas:
                marginal = ss.Beta("B", a, tot - a)
                mean[P[i]] = sp.factor(run(posterior_mean, (marginal,), seconds=20,
                                           what="posterior mean"))
                marg[P[i]] = ("beta", (a, tot - a))
                i += 1
            continue
        p = P[i]
        if name == "NormalDistribution" and dist.args[1].has(*P):
            # mu | v ~ Normal(m, sqrt(v/kappa)): E[mu] = m; marginal Student t
            m, sd = dist.args
            mean[p] = dist.args[0]
            other = [r for r in post_rvs if type(r.pspace.distribution).__name__
                     == "GammaInverseDistribution"][0].pspace.distribution
            alpha, beta = other.args
            kappa = sp.cancel(P[1] / sd**2)
            marg[p] = ("t", (2 * alpha, m, sp.sqrt(beta / (alpha * kappa))))
        else:
            mean[p] = sp.factor(run(posterior_mean, (post,), seconds=20, what="posterior mean"))
            fam = {"BetaDistribution": "beta", "GammaDistribution": "gamma",
                   "NormalDistribution": "normal",
                   "GammaInverseDistribution": "invgamma"}.get(name)
            if fam is not None:
                marg[p] = (fam, tuple(dist.args))
        i += 1
    return mean, marg


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
        from scipy.integrate import quad
        from scipy.optimize import brentq
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
    >>> from derive.estimation.bayes import numeric_posterior
    >>> mu = sp.Symbol("mu", real=True)
    >>> x = np.random.default_rng(3).standard_cauchy(50) + 1.0
    >>> post = numeric_posterior(Cauchy("X", mu, 1), [mu], prior=Normal("M", 0, 10), data=x)
    >>> bool(abs(post.mean - post.map) < 0.2), round(float(post.pdf(post.map) > 0), 1)
    (True, 1.0)
    """
    import mpmath as mp
    from derive.optimize.newton import newton
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
    f = _numeric([lp, sp.diff(lp, p), sp.diff(lp, p, 2)], [p])
    sample = Sample(L, data, known=known)
    itv = L.domain[p]

    def logpost(t):
        return sample.loglik([t]) + float(f(t)[0])

    res = newton(lambda t: -logpost(t[0]) / sample.n if sample.in_domain(t) else np.inf,
                 lambda t: -(sample.score(t) + float(f(t[0])[1])) / sample.n,
                 lambda t: -(sample.hessian(t) + float(f(t[0])[2])) / sample.n,
                 [float(np.median(next(iter(sample.arrays.values()))))
                  if itv.inf.is_infinite and itv.sup.is_infinite else _default_point(itv)])
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
