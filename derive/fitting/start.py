"""Starting points for Newton's method: median for location, method of moments.

Examples
--------
>>> import numpy as np, sympy as sp
>>> from derive.fitting.sample import Sample
>>> from derive.fitting.start import moment_start
>>> mu = sp.Symbol("mu", real=True)
>>> x = np.array([0.0, 1.0, 5.0])
>>> moment_start(Sample("1/(pi*(1 + (x - mu)**2))", x, params=[mu]))
(array([1.]), 'median for location')
"""

from __future__ import annotations

import warnings

import numpy as np
import sympy as sp

from derive.fitting.kernels import numeric_function

__all__ = ["default_point", "moment_start"]


def _moment_function(sample, rest, fixed):
    """``theta_rest -> [E x, E x**2, ...]`` by quadrature of the density, or None."""
    from scipy.integrate import quad  # deferred: optional heavy dependency
    L = sample.likelihood
    sup = L.support.subs(sample.known) if L.support.free_symbols else L.support
    if not isinstance(sup, sp.Interval) or sup.free_symbols:
        return None
    x = L.variables[0]
    logp = L.logpdf.subs(fixed)
    dens = numeric_function([sp.exp(logp)], [x] + list(rest) + list(sample.known))
    lo, hi = float(sup.inf), float(sup.sup)
    kv = list(sample.known.values())

    def moments(vals):
        out = []
        for j in range(1, len(rest) + 1):
            val, _ = quad(lambda t, j=j: t**j * float(dens(t, *vals, *kv)[0]), lo, hi,
                          limit=200)
            out.append(val)
        return np.array(out)

    return moments


def default_point(itv):
    lo, hi = itv.inf, itv.sup
    if lo.is_finite and hi.is_finite:
        return float((lo + hi) / 2)
    if lo.is_finite:
        return float(lo) + 1.0
    if hi.is_finite:
        return float(hi) - 1.0
    return 0.0


def moment_start(sample):
    """A starting point and how it was found.

    Location parameters (the density depends on ``x - mu`` only) start at the
    sample median; the others by the method of moments when the moments
    exist (computed by quadrature, matched by least squares), else at a default point
    of their domain (0, 1 or the middle of a bounded interval).

    Returns
    -------
    (ndarray, str)
    """
    from scipy.optimize import least_squares  # deferred: optional heavy dependency
    L = sample.likelihood
    P = list(L.params)
    x0 = np.array([default_point(L.domain[p]) for p in P])
    how = "default point of the domain"
    fixed = {}
    if len(L.variables) == 1:
        xs = sample.start_arrays[L.variables[0]]
        for j, p in enumerate(P):
            if p in L.location_parameters:
                x0[j] = float(np.median(xs))
                fixed[p] = x0[j]
                how = "median for location"
        rest = [p for p in P if p not in fixed]
        if rest:
            moments = _moment_function(sample, rest, fixed)
            if moments is not None:
                target = np.array([np.mean(xs ** (j + 1)) for j in range(len(rest))])
                positive = [bool(L.domain[p].inf.is_nonnegative) for p in rest]

                def resid(z):
                    vals = np.where(positive, np.exp(z), z)
                    with np.errstate(all="ignore"):
                        got = moments(vals)
                    return (got - target) / np.abs(target)

                z0 = np.array([np.log(x0[P.index(p)]) if pos else x0[P.index(p)]
                               for p, pos in zip(rest, positive)])
                try:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        sol = least_squares(resid, z0)
                except (ValueError, FloatingPointError):
                    sol = None
                if sol is not None and sol.success and np.max(np.abs(sol.fun)) < 1e-6:
                    vals = np.where(positive, np.exp(sol.x), sol.x)
                    for p, v in zip(rest, vals):
                        x0[P.index(p)] = v
                    how = "method of moments" + (" (median for location)" if fixed else "")
    return x0, how
