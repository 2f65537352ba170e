"""Bayesian inference: conjugate posteriors derived symbolically.

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

A prior that is not conjugate goes to
:func:`derive.fitting.posterior.numeric_posterior` (on data: the fitting layer).

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

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import sympy as sp
from sympy import stats as ss
from sympy.stats.rv import RandomSymbol

from derive.conveniences import provider
from derive.errors import NoClosedFormError, ParseError
from derive.estimation.build import likelihood
from derive.estimation.density import random_variable, rewrite_special
from derive.estimation.model import Likelihood
from derive.guard import run

__all__ = ["ConjugatePosterior", "conjugate_posterior"]


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
    return sp.expand(rewrite_special(body), force=True)


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
    prior_values : dict
        The numbers a prior was given with (``Beta(2, 5)``), under the symbols
        that stood for them in the derivation (``alpha_P``); ``on`` uses them.
    """

    likelihood: Likelihood
    prior: Any
    hyperparameters: Mapping[Any, Any]
    posterior: Any
    mean: Mapping[Any, Any]
    mode: Mapping[Any, Any]
    steps: tuple = ()
    marginals: Mapping[Any, Any] = field(default_factory=dict)
    prior_values: Mapping[Any, Any] = field(default_factory=dict)

    def _values(self, data, hyper, known):
        vals = provider("sample_statistics")(self.likelihood, data, known=known)
        vals.update(self.prior_values)
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
    from scipy import stats as st  # deferred: optional heavy dependency
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
    prior : sympy.stats random symbol, text, or tuple of them
        Text names a distribution (``"Beta(2, 5)"``, ``"Normal(0, 10)"``); the
        hyperparameters may be symbols or numbers. Over the parameters in order: ``Beta``, ``Gamma``, ``Normal``, a
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
    L = model if isinstance(model, Likelihood) else likelihood(model, params, **kwargs)
    P = list(L.params)
    given = prior
    prior, values = _symbolic_prior(prior, P)
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
    # a term of the likelihood that no hyperparameter can absorb (-n*lam against a Beta
    # prior): solve() would drop that equation and report a wrong conjugacy
    stray = [c for c in eqs if not c.free_symbols & set(unknowns)]
    sols = [] if stray else run(solve_hyper, (tuple(eqs), tuple(unknowns)), seconds=20,
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
    if values:  # the prior's numbers back in place of the symbols that stood for them
        hyper_post = {h: e.subs(values) for h, e in hyper_post.items()}
        post_rvs = tuple(_rebuild(rv, {**values, **hyper_post}, P) for rv in rvs)
        mean = {p: sp.factor(e.subs(values)) for p, e in mean.items()}
        mode = {p: sp.factor(e.subs(values)) for p, e in mode.items()}
        marginals = {p: (fam, tuple(sp.sympify(a).subs(values) for a in args))
                     for p, (fam, args) in marginals.items()}
    return ConjugatePosterior(likelihood=L, prior=given, hyperparameters=hyper_post,
                              posterior=post_rvs[0] if len(post_rvs) == 1 else post_rvs,
                              mean=mean, mode=mode, marginals=marginals, prior_values=values)


def _symbolic_prior(prior, params):
    """The prior as random symbols whose numeric hyperparameters are symbols, and their values.

    Text (``"Beta(2, 5)"``) is read by :func:`~derive.estimation.density.random_variable`;
    a number ``a`` among a distribution's arguments becomes a symbol named
    after the argument and the variable (``alpha_P``), positive when ``a > 0``,
    so that the coefficient matching has unknowns to solve for.
    """
    rvs = prior if isinstance(prior, (tuple, list)) else (prior,)
    names = {p.name: p for p in params}
    out, values = [], {}
    for j, rv in enumerate(rvs):
        if isinstance(rv, str):
            rv = random_variable(rv, names, f"P{j}" if len(rvs) > 1 else "P")
        if not isinstance(rv, RandomSymbol):
            raise ParseError(f"prior: expected a sympy.stats random variable or text such as "
                             f"'Beta(2, 5)', got {rv!r}")
        dist = rv.pspace.distribution
        argnames = getattr(dist, "_argnames", ())
        subs = {}

        def symbol_for(a, label, rv=rv, subs=subs):
            if not (a.is_number and a.is_real):
                return a
            sym = sp.Symbol(f"{label}_{rv.name}", positive=True) if a > 0 else \
                sp.Symbol(f"{label}_{rv.name}", real=True)
            subs[sym] = a
            return sym

        if type(dist).__name__ == "MultivariateBetaDistribution":
            alphas = [symbol_for(a, f"alpha{k + 1}") for k, a in enumerate(dist.args[0])]
            new_rv = ss.MultivariateBeta(rv.name, alphas) if subs else rv
        else:
            args = [symbol_for(sp.sympify(a), argnames[k] if k < len(argnames) else f"h{k}")
                    for k, a in enumerate(dist.args)]
            new_rv = getattr(ss, type(dist).__name__.replace("Distribution", ""))(
                rv.name, *args) if subs else rv
        values.update(subs)
        out.append(new_rv)
    return (tuple(out) if isinstance(prior, (tuple, list)) else out[0]), values


def _rebuild(rv, subs, P):
    dist = rv.pspace.distribution
    name = type(dist).__name__.replace("Distribution", "")
    ctor = getattr(ss, name)
    args = [a.subs(subs, simultaneous=True) for a in dist.args]
    if name == "MultivariateBeta":
        return ctor(f"{rv.name}_post", list(args[0]))
    return ctor(f"{rv.name}_post", *args)


def _means_and_marginals(rvs, post_rvs, P, subs):
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
