"""A likelihood bound to data.

:class:`Sample` binds a :class:`~derive.estimation.model.Likelihood` to data:
it computes the statistics once (``sum x``, ``sum x**2``, ...) for the closed
forms, and evaluates the log-likelihood, score and Hessian as sums over the
observations of the per-observation log-density and its exact derivatives
(vectorized, pairwise summation: no cancellation between huge statistics).
Everything is in the log domain, so 10**7 observations do not underflow.

Examples
--------
>>> import numpy as np
>>> from derive.fitting.sample import Sample
>>> s = Sample("Exponential(lam)", np.array([0.5, 1.5, 1.0]), params=["lam"])
>>> s.n, {str(t): v for t, v in s.stats.items()}
(3, {'sum_x': 3.0})
>>> float(s.score([1.0])[0])
0.0
"""

from __future__ import annotations

import functools

import numpy as np
import sympy as sp

from derive.errors import ParseError, ShapeError
from derive.estimation.build import likelihood
from derive.estimation.model import Likelihood
from derive.fitting.kernels import (
    numeric_function,
    observation_kernels,
    rank_one_kernels,
)

__all__ = ["Sample", "sample_statistics"]


class Sample:
    """A likelihood bound to observed data.

    Parameters
    ----------
    model : Likelihood or anything :func:`likelihood` accepts
    data : array_like, mapping or 2-D array
        One variable: a 1-D array. Several (regression): a mapping name ->
        1-D array, or a 2-D array with one column per variable in order.
    known : mapping, optional
        Values of the known constants (``{"k": 2.0}`` for a Gamma of known
        shape).
    params, **kwargs
        Passed to :func:`likelihood` when ``model`` is not a Likelihood.

    Attributes
    ----------
    n : int
    stats : dict
        Statistic symbol -> value on the data.
    """

    def __init__(self, model, data, *, known=None, params=None, **kwargs):
        L = model if isinstance(model, Likelihood) else likelihood(model, params, **kwargs)
        self.likelihood = L
        self.arrays = self._load(L, data)
        if not self.lazy:
            self.n = int(next(iter(self.arrays.values())).shape[0])
            if self.n == 0:
                raise ShapeError("data: no observations")
        known = {**{c.name: float(v) for c, v in L.constant_values.items()},
                 **{(k.name if isinstance(k, sp.Symbol) else str(k)): _known_value(k, v)
                    for k, v in (known or {}).items()}}
        missing = [c.name for c in L.constants if c.name not in known]
        if missing:
            raise ParseError(f"data: the model has known constants {missing} without values; "
                             f"pass known={{{', '.join(repr(m) + ': ...' for m in missing)}}}")
        self.known = {c: known[c.name] for c in L.constants}
        self._stats = {}
        self._first_pass()

    #: whether the arrays are lazy (Dask): then sums are reductions over chunks
    lazy = False

    @property
    def start_arrays(self):
        """Variable -> in-memory array to take starting points (medians, moments) from."""
        return self.arrays

    def map_sum(self, exprs, values=None):
        """``sum_i e(x_i)`` for each expression in the variables, the constants and the
        symbols of ``values`` (symbol -> float), as floats; one pass."""
        L = self.likelihood
        extra = list(values or {})
        fn = numeric_function(list(exprs), list(L.variables) + list(L.constants) + extra)
        with np.errstate(over="ignore", invalid="ignore"):
            out = fn(*self._var_values(), *self.known.values(), *(values or {}).values())
        return [float(np.sum(np.broadcast_to(v, (self.n,)))) for v in out]

    def _load(self, L, data):
        """Variable -> in-memory float array."""
        return _arrays(L, data)

    def _first_pass(self):
        """One pass per variable: its sum is the statistic sum x and shows non-finite
        values; the variable with a support is checked in the same pass."""
        L = self.likelihood
        support = self._support()
        for v, a in self.arrays.items():
            with np.errstate(over="ignore", invalid="ignore"):
                if support is not None and v == L.variables[0]:
                    total = _scan(a, *support)
                else:
                    total = float(np.sum(a))
            if not np.isfinite(total):
                if not np.all(np.isfinite(a)):
                    raise ParseError(f"data: {v.name} has non-finite values (nan or inf)")
                raise ParseError(f"data: the sum of {v.name} is not finite in float64 (largest "
                                 f"|value| {float(np.max(np.abs(a))):.3g}); rescale the data "
                                 "(divide by a power of 10) and the estimates with it")
            for t, g in L.stat_functions.items():
                if g == v:
                    self._stats[t] = total

    @property
    def stats(self):
        """Statistic symbol -> value on the data (every statistic of the model)."""
        return {t: self.statistic(t) for t in self.likelihood.stat_functions}

    def statistics(self, ts):
        """Statistic -> value for each of ``ts`` (see :meth:`statistic`)."""
        return {t: self.statistic(t) for t in ts}

    def statistic(self, t):
        """The value of statistic ``t`` on the data, computed on first use (one pass).

        Products of at most two variables go through ``numpy.dot`` (no
        temporary array); other functions through the compiled kernel.
        """
        if t in self._stats:
            return self._stats[t]
        L = self.likelihood
        g = L.stat_functions[t]
        factors = _two_variable_product(g, L.variables)
        with np.errstate(over="ignore", invalid="ignore"):
            if factors is not None:
                a, b = (np.broadcast_to(self.arrays[v], (self.n,)) for v in factors)
                value = float(np.dot(a, b))
            else:
                vals = numeric_function([g], list(L.variables) + list(L.constants))(
                    *self._var_values(), *self.known.values())
                value = float(np.sum(np.broadcast_to(vals[0], (self.n,))))
        if not np.isfinite(value):
            top = max(float(np.max(np.abs(a))) for a in self.arrays.values())
            raise ParseError(f"data: the statistic {t} = {L.statistics[t]} is not finite in "
                             f"float64 on these data (largest |value| {top:.3g}); rescale the "
                             "data (divide by a power of 10) and the estimates with it")
        self._stats[t] = value
        return value

    def far_from_zero(self, v):
        """Whether ``mean(v)**2 > mean(v**2) / 2``: raw sums of squares would lose digits.

        Formulas in ``sum v`` and ``sum v**2`` (a variance, a Hessian) cancel
        by the factor ``mean(v**2) / var(v)``; below the threshold it is at most 2.
        """
        stat = {g: t for t, g in self.likelihood.stat_functions.items()}
        a = np.broadcast_to(self.arrays[v], (self.n,))
        s1 = self.statistic(stat[v]) if v in stat else float(np.sum(a))
        s2 = self.statistic(stat[v**2]) if v**2 in stat else float(np.dot(a, a))
        return (s1 / self.n) ** 2 > 0.5 * s2 / self.n

    def hessian_from_statistics(self, theta):
        """The Hessian of the log-likelihood from the statistics alone, or None.

        No pass over the observations: the Hessian of ``n a(theta) + sum_j
        c_j(theta) T_j`` at ``theta``. None when the model has a per-observation
        residual, or when a statistic it needs could cancel (a square of a
        variable far from zero, a non-polynomial square such as ``(log x)**2``).
        """
        L = self.likelihood
        if L.residual != 0 or L.nonsmooth or L.bounds:
            return None
        H = L.hessian
        stats = [t for t in L.stat_functions if H.has(t)]
        for t in stats:
            g = L.stat_functions[t]
            if not (g.is_polynomial(*L.variables) and g.free_symbols <= set(L.variables)):
                return None
            degree = sp.Poly(g, *L.variables).total_degree()
            if degree >= 2 and any(self.far_from_zero(v) for v in g.free_symbols):
                return None
        args = list(L.params) + [L.n] + stats + list(L.constants)
        vals = numeric_function(list(H), args)(*np.asarray(theta, float), self.n,
                                                *[self.statistic(t) for t in stats],
                                                *self.known.values())
        k = len(L.params)
        return np.array([float(v) for v in vals]).reshape(k, k)

    @functools.cached_property
    def _r(self):
        """Per-observation kernels, compiled once per model, and the parameter-free sum."""
        lp, g1, h1, fixed = observation_kernels(self.likelihood)
        with np.errstate(over="ignore", invalid="ignore"):
            c = fixed(*self._var_values(), *self.known.values())
        self._fixed = float(np.sum(np.broadcast_to(c[0], (self.n,))))
        return lp, g1, h1

    def _var_values(self):
        return [self.arrays[v] for v in self.likelihood.variables]

    def _support(self):
        """``(support, lo, hi, integer, values)`` to check one variable against, or None."""
        L = self.likelihood
        if len(L.variables) != 1 or L.bounds:
            return None
        sup = L.support
        if sup.free_symbols:
            sup = sup.subs(self.known)
            if sup.free_symbols:
                return None
        lo = float(sup.inf) if sup.inf.is_finite else -np.inf
        hi = float(sup.sup) if sup.sup.is_finite else np.inf
        values = [float(v) for v in sup] if isinstance(sup, sp.FiniteSet) else None
        return sup, lo, hi, sup.is_subset(sp.S.Integers) is True, values

    # -- evaluation -------------------------------------------------------
    def _rsum(self, which, theta):
        vals = self._r[which](*theta, *self._var_values(), *self.known.values())
        return np.array([np.sum(np.broadcast_to(v, (self.n,))) for v in vals], dtype=float)

    @functools.cached_property
    def _rank_one(self):
        """``(weights kernel, Q)`` for a rank-one model (a GLM), else None."""
        kernels = rank_one_kernels(self.likelihood)
        if kernels is None:
            return None
        weights, q = kernels
        Q = np.stack([np.broadcast_to(v, (self.n,)) for v in
                      q(*self._var_values(), *self.known.values())])
        return weights, np.ascontiguousarray(Q)

    def _rank_one_at(self, theta):
        """``(log-likelihood, score, Hessian)`` at ``theta`` in one pass (rank-one models)."""
        key = np.asarray(theta, float).tobytes()
        if getattr(self, "_last", (None,))[0] != key:
            weights, Q = self._rank_one
            lp, s, w = (np.broadcast_to(v, (self.n,)) for v in weights(
                *np.asarray(theta, float), *self._var_values(), *self.known.values()))
            self._last = (key, (float(np.sum(lp)) + self._fixed_sum(), Q @ s, (Q * w) @ Q.T))
        return self._last[1]

    def _fixed_sum(self):
        self._r  # noqa: B018 -- computes the parameter-free sum on first use
        return self._fixed

    def loglik(self, theta):
        """Log-likelihood at ``theta`` (a float), summed over the observations."""
        if self._rank_one is not None:
            return self._rank_one_at(theta)[0]
        value = float(self._rsum(0, np.asarray(theta, float))[0])
        return value + self._fixed

    def score(self, theta):
        """Score vector at ``theta``."""
        if self._rank_one is not None:
            return self._rank_one_at(theta)[1].copy()
        return self._rsum(1, np.asarray(theta, float))

    def score_outer(self, theta):
        """``sum_i s_i s_i^T``: outer products of the per-observation scores at ``theta``."""
        vals = self._r[1](*np.asarray(theta, float), *self._var_values(), *self.known.values())
        S = np.stack([np.broadcast_to(v, (self.n,)) for v in vals])
        return S @ S.T

    def hessian(self, theta):
        """Hessian of the log-likelihood at ``theta``."""
        theta = np.asarray(theta, float)
        if self._rank_one is not None:
            return self._rank_one_at(theta)[2].copy()
        return self._rsum(2, theta).reshape(theta.size, theta.size)

    def in_domain(self, theta):
        """Whether ``theta`` lies in the parameter domain."""
        for p, v in zip(self.likelihood.params, np.asarray(theta, float)):
            itv = self.likelihood.domain[p]
            lo, hi = float(itv.inf), float(itv.sup)
            if not (lo < v < hi or (v == lo and not itv.left_open)):
                return False
        return True


#: Observations per block of the fused scan (fits in a core's L2 cache).
_BLOCK = 1 << 17


def _scan(a, sup, lo, hi, integer, values):
    """``sum(a)``, checking in the same pass over memory that every value lies in ``sup``.

    Block by block: each block's sum, min, max and integrality are computed
    while it is in cache, so the data are read from memory once.
    """
    total = 0.0
    for start in range(0, a.shape[0], _BLOCK):
        block = a[start:start + _BLOCK]
        total += float(block.sum())
        bad = None
        if (lo > -np.inf and block.min() < lo) or (hi < np.inf and block.max() > hi):
            bad = (block < lo) | (block > hi)
        elif integer and not (block == np.rint(block)).all():
            bad = block != np.rint(block)
        elif values is not None and not np.isin(block, values).all():
            bad = ~np.isin(block, values)
        if bad is not None and bad.any():
            i = start + int(np.argmax(bad))
            raise ParseError(f"data: observation {i} = {float(a[i])!r} lies outside the "
                             f"support {sup} of the density")
    return total


def _known_value(name, value):
    try:
        v = float(value)
    except (TypeError, ValueError) as err:
        raise ParseError(f"known: {name}={value!r} is not a number") from err
    if not np.isfinite(v):
        raise ParseError(f"known: {name}={value!r} is not a finite number; give the constant's "
                         "value, e.g. k=2.5")
    return v


def _arrays(L, data):
    try:
        return _arrays_iv(L, data)
    except (TypeError, ValueError) as err:
        if isinstance(err, (ParseError, ShapeError)):
            raise
        raise ParseError(f"data: not numeric ({err}); give floats, one array per "
                         f"variable {[v.name for v in L.variables]}") from err


def _arrays_iv(L, data):
    vs = L.variables
    if isinstance(data, dict) or hasattr(data, "columns"):
        out = {}
        for v in vs:
            if v.name not in data:
                raise ParseError(f"data: no column {v.name!r} (have {list(data.keys())})")
            out[v] = np.asarray(data[v.name], dtype=float).reshape(-1)
    else:
        arr = np.asarray(data, dtype=float)
        if len(vs) == 1:
            if arr.ndim != 1:
                raise ShapeError(f"data: expected a 1-D array for {vs[0]}, got shape {arr.shape}")
            out = {vs[0]: arr}
        else:
            if arr.ndim != 2 or arr.shape[1] != len(vs):
                raise ShapeError(f"data: expected shape (n, {len(vs)}) for variables "
                                 f"{[v.name for v in vs]}, got {arr.shape}")
            out = {v: arr[:, j] for j, v in enumerate(vs)}
    lens = {a.shape[0] for a in out.values()}
    if len(lens) != 1:
        raise ShapeError(f"data: variables have different lengths {sorted(lens)}")
    return out


def sample_statistics(model, data, *, known=None):
    """``{n: ..., statistic: value, constant: value}`` of ``model`` on ``data``.

    What a formula in ``n``, the sufficient statistics and the known constants
    (a conjugate posterior's hyperparameters) needs to be evaluated on data;
    ``Likelihood`` types ask for it through :mod:`derive.conveniences`.

    Examples
    --------
    >>> from derive.estimation.build import likelihood
    >>> vals = sample_statistics(likelihood("lam*exp(-lam*x)", ["lam"]), [1.0, 2.0, 3.0])
    >>> sorted((str(k), v) for k, v in vals.items())
    [('n', 3), ('sum_x', 6.0)]
    """
    sample = Sample(model, data, known=known)
    return {model.n: sample.n, **sample.stats, **sample.known}


def _two_variable_product(g, variables):
    """``(v, w)`` when ``g`` is ``v*w`` or ``v**2`` of observed variables, else None."""
    if g.is_Pow and g.base in variables and g.exp == 2:
        return g.base, g.base
    if g.is_Mul and len(g.args) == 2 and all(a in variables for a in g.args):
        return g.args
    return None
