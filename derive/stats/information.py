"""Entropy, cross-entropy and Kullback-Leibler divergence.

SymPy has no KL divergence (sympy#18718). :func:`kl_divergence` uses closed
forms from the literature for the pairs Normal-Normal, Exponential-Exponential,
Gamma-Gamma, Laplace-Laplace, Bernoulli-Bernoulli and Categorical-Categorical
(finite tables), and otherwise computes E_P[log p(X) - log q(X)] (by
``sympy.stats`` under the budget, else numerically). Every closed form is
checked against quadrature or summation at random parameter values.

Sources of the closed forms
---------------------------
* Normal: S. Kullback, *Information Theory and Statistics* (1959); also
  K. P. Murphy, *Probabilistic Machine Learning: Advanced Topics* (2023), §5.1.
* Exponential, Gamma (shape k, scale theta), Laplace: M. Gil, F. Alajaji,
  T. Linder, "Rényi divergence measures for commonly used univariate continuous
  distributions", *Information Sciences* 249 (2013) 124-131, Table 3 (KL limits).
* Bernoulli, Categorical: T. M. Cover and J. A. Thomas, *Elements of
  Information Theory*, 2nd ed. (2006), eq. (2.26) (definition on a finite alphabet).

Examples
--------
>>> from derive.stats.information import kl_divergence
>>> r = kl_divergence("Normal(m1, s1)", "Normal(m2, s2)")
>>> print(r.value)
log(s2/s1) - 1/2 + (s1**2 + (m1 - m2)**2)/(2*s2**2)
>>> r.check.status
'verified'
"""

from __future__ import annotations

from dataclasses import replace

import sympy as sp
import sympy.stats as st

from derive.errors import ParseError
from derive.stats.distributions import distribution, family_of
from derive.stats.moments import _TEXT, DEFAULT_SECONDS, _describe, derive_quantity
from derive.stats.support import finite_entropy, large_size

__all__ = ["entropy", "cross_entropy", "kl_divergence", "KL_SOURCES"]

#: Family pair -> citation of the closed form used by :func:`kl_divergence`.
KL_SOURCES = {
    "Normal": "Kullback (1959); Murphy, PML: Advanced Topics (2023) §5.1",
    "Exponential": "Gil, Alajaji & Linder, Inf. Sci. 249 (2013), Table 3",
    "Gamma": "Gil, Alajaji & Linder, Inf. Sci. 249 (2013), Table 3",
    "Laplace": "Gil, Alajaji & Linder, Inf. Sci. 249 (2013), Table 3",
    "Bernoulli": "Cover & Thomas (2006), eq. (2.26)",
    "Categorical": "Cover & Thomas (2006), eq. (2.26)",
}


def _kl_closed_form(P, Q):
    """The literature's closed form of KL(P || Q) for a known family pair, or None."""
    fp, fq = family_of(P), family_of(Q)
    if fp != fq or fp not in KL_SOURCES:
        return None
    a, b = P.pspace.distribution, Q.pspace.distribution
    if fp == "Normal":
        m1, s1, m2, s2 = a.mean, a.std, b.mean, b.std
        return sp.log(s2 / s1) + (s1**2 + (m1 - m2)**2) / (2 * s2**2) - sp.Rational(1, 2)
    if fp == "Exponential":
        l1, l2 = a.rate, b.rate
        return sp.log(l1 / l2) + l2 / l1 - 1
    if fp == "Gamma":
        k1, t1, k2, t2 = a.k, a.theta, b.k, b.theta
        return ((k1 - k2) * sp.digamma(k1) - sp.loggamma(k1) + sp.loggamma(k2)
                + k2 * sp.log(t2 / t1) + k1 * (t1 - t2) / t2)
    if fp == "Laplace":
        m1, b1, m2, b2 = a.mu, a.b, b.mu, b.b
        d = sp.Abs(m1 - m2)
        return sp.log(b2 / b1) + d / b2 + b1 / b2 * sp.exp(-d / b1) - 1
    if fp in ("Bernoulli", "Categorical"):
        p, q = st.density(P).dict, st.density(Q).dict
        if set(p) - set(q):
            return sp.oo
        return sp.Add(*(pi * sp.log(pi / q[x]) for x, pi in p.items() if pi != 0))
    return None  # pragma: no cover


def _pair(p, q, symbols):
    P = distribution(p, name="X", symbols=symbols)
    _TEXT[P] = p if isinstance(p, str) else None
    shared = {s.name: s for s in P.free_symbols if s != P}
    if symbols is not None:
        shared.update(dict(symbols) if isinstance(symbols, dict)
                      else {s.name: s for s in symbols})
    Q = distribution(q, name="Y", symbols=shared)
    _TEXT[Q] = q if isinstance(q, str) else None
    if type(P.pspace).__mro__[1] is not type(Q.pspace).__mro__[1] and not (
            isinstance(P.pspace, st.frv.SingleFinitePSpace)
            and isinstance(Q.pspace, st.frv.SingleFinitePSpace)):
        raise ParseError(f"{p} and {q}: both distributions must be continuous, or both "
                         "discrete")
    return P, Q


def _log_density(Q, at):
    if isinstance(Q.pspace, st.frv.SingleFinitePSpace):
        table = st.density(Q).dict
        return sp.Piecewise(*[(sp.log(v), sp.Eq(at, k)) for k, v in table.items()],
                            (-sp.oo, True))
    return sp.log(st.density(Q)(at))


def entropy(p, *, symbols=None, seconds=DEFAULT_SECONDS, seed=0):
    """Differential (continuous) or Shannon (discrete) entropy H(P) = -E[log p(X)], in nats.

    Examples
    --------
    >>> print(entropy("Exponential(lamda)").value)
    1 - log(lamda)
    """
    X = distribution(p, name="X", symbols=symbols)
    closed = None
    if isinstance(X.pspace, st.frv.SingleFinitePSpace) and large_size(X)[0] is None:
        value = finite_entropy(X)
        if value is not None:
            closed = (value, "-sum p log p over the probability table")
    return derive_quantity("entropy", [X], {"X": X}, "H(X)", seconds=seconds, seed=seed,
                           closed_form=closed)


def cross_entropy(p, q, *, symbols=None, seconds=DEFAULT_SECONDS, seed=0):
    """Cross-entropy H(P, Q) = -E_P[log q(X)], in nats.

    Examples
    --------
    >>> print(cross_entropy("Bernoulli(1/2)", "Bernoulli(1/4)").value)
    -log(3/4)/2 + log(4)/2
    """
    P, Q = _pair(p, q, symbols)
    expr = -_log_density(Q, P)
    out = derive_quantity("E", [expr], {"X": P}, "H(P, Q)", seconds=seconds, seed=seed)
    return _with_q(out, Q)


def kl_divergence(p, q, *, symbols=None, seconds=DEFAULT_SECONDS, seed=0):
    """Kullback-Leibler divergence KL(P || Q) = E_P[log p(X) - log q(X)], in nats.

    Parameters
    ----------
    p, q : str or sympy.stats random symbol
        Distributions, e.g. ``"Normal(m1, s1)"``; names shared between the two
        are the same parameter.
    symbols : iterable of Symbol or dict, optional
        Symbols with assumptions for parameter names.
    seconds : float
        Budget of the symbolic attempt (the numeric check gets as much again).
    seed : int
        Seed of the random parameter values of the check.

    Returns
    -------
    StatsResult
        ``method`` names the closed form and its source, or ``sympy.stats``,
        or the numeric quadrature.

    Examples
    --------
    >>> print(kl_divergence("Exponential(a)", "Exponential(b)").value)
    log(a/b) - 1 + b/a
    >>> round(float(kl_divergence("Normal(0, 1)", "Normal(1, 2)")), 12)
    0.443147180560
    """
    P, Q = _pair(p, q, symbols)
    expr = _log_density(P, P) - _log_density(Q, P)
    closed = _kl_closed_form(P, Q)
    family = family_of(P)
    form = None if closed is None else (
        closed, f"closed form ({family}-{family}; {KL_SOURCES[family]})")
    out = derive_quantity("E", [expr], {"X": P}, "KL(P || Q)", seconds=seconds, seed=seed,
                          closed_form=form)
    return _with_q(out, Q)


def _with_q(result, Q):
    variables = {"P": result.variables.get("X"), "Q": _describe({"Y": Q})["Y"]}
    return replace(result, variables=variables)
