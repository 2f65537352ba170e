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

import numpy as np
import sympy as sp

from derive.errors import ParseError, ShapeError
from derive.estimation.build import likelihood
from derive.estimation.model import Likelihood
from derive.fitting.kernels import numeric_function

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
        self.arrays = _arrays(L, data)
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
        cargs = list(L.constants)
        cvals = [self.known[c] for c in cargs]
        self.stats = {}
        for t, g in L.stat_functions.items():
            with np.errstate(over="ignore", invalid="ignore"):  # overflow: refused below
                vals = numeric_function([g], list(L.variables) + cargs)(*self._var_values(),
                                                                        *cvals)
                self.stats[t] = float(np.sum(np.broadcast_to(vals[0], (self.n,))))
        overflow = [t for t, v in self.stats.items() if not np.isfinite(v)]
        if overflow:
            t = overflow[0]
            top = max(float(np.max(np.abs(a))) for a in self.arrays.values())
            raise ParseError(f"data: the statistic {t} = {L.statistics[t]} is not finite in "
                             f"float64 on these data (largest |value| {top:.3g}); rescale the "
                             "data (divide by a power of 10) and the estimates with it")
        self._check_support()
        # Per-observation form, summed pairwise by NumPy: the statistics form
        # (n*sum x**2 - (sum x)**2 ...) cancels catastrophically far from 0.
        P = list(L.params)
        rargs = P + list(L.variables) + cargs
        k = len(P)
        lp = L.compact_logpdf if L.compact_logpdf is not None else L.logpdf
        g1 = [sp.diff(lp, p) for p in P]
        h1 = [sp.diff(g1[a], P[b]).replace(sp.DiracDelta, lambda *a: sp.S.Zero)
              for a in range(k) for b in range(k)]  # |x - mu|'' = 0 almost everywhere
        # terms free of the parameters (log n!, log C(10**9, x)) are summed once: they would
        # only add rounding to every evaluation (and to finite differences of it)
        pset = set(P)
        fixed = sp.Add(*[t for t in sp.Add.make_args(lp) if not t.free_symbols & pset])
        with np.errstate(over="ignore", invalid="ignore"):
            c = numeric_function([fixed], list(L.variables) + cargs)(*self._var_values(), *cvals)
        self._fixed = float(np.sum(np.broadcast_to(c[0], (self.n,))))
        self._r = (numeric_function([lp - fixed], rargs), numeric_function(g1, rargs),
                   numeric_function(h1, rargs))

    def _var_values(self):
        return [self.arrays[v] for v in self.likelihood.variables]

    def _check_support(self):
        L = self.likelihood
        if len(L.variables) != 1 or L.bounds:
            return
        x = self.arrays[L.variables[0]]
        sup = L.support
        if sup.free_symbols:
            sup = sup.subs(self.known)
            if sup.free_symbols:
                return
        lo, hi = sup.inf, sup.sup
        integer = sup.is_subset(sp.S.Integers) is True
        bad = np.zeros(x.shape, bool)
        if lo.is_finite:
            bad |= x < float(lo)
        if hi.is_finite:
            bad |= x > float(hi)
        if integer:
            bad |= x != np.round(x)
        if isinstance(sup, sp.FiniteSet):
            bad |= ~np.isin(x, [float(v) for v in sup])
        if bad.any():
            i = int(np.argmax(bad))
            raise ParseError(f"data: observation {i} = {float(x[i])!r} lies outside the "
                             f"support {sup} of the density")

    # -- evaluation -------------------------------------------------------
    def _rsum(self, which, theta):
        vals = self._r[which](*theta, *self._var_values(), *self.known.values())
        return np.array([np.sum(np.broadcast_to(v, (self.n,))) for v in vals], dtype=float)

    def loglik(self, theta):
        """Log-likelihood at ``theta`` (a float), summed over the observations."""
        return float(self._rsum(0, np.asarray(theta, float))[0]) + self._fixed

    def score(self, theta):
        """Score vector at ``theta``."""
        return self._rsum(1, np.asarray(theta, float))

    def score_outer(self, theta):
        """``sum_i s_i s_i^T``: outer products of the per-observation scores at ``theta``."""
        vals = self._r[1](*np.asarray(theta, float), *self._var_values(), *self.known.values())
        S = np.stack([np.broadcast_to(v, (self.n,)) for v in vals])
        return S @ S.T

    def hessian(self, theta):
        """Hessian of the log-likelihood at ``theta``."""
        theta = np.asarray(theta, float)
        return self._rsum(2, theta).reshape(theta.size, theta.size)

    def in_domain(self, theta):
        """Whether ``theta`` lies in the parameter domain."""
        for p, v in zip(self.likelihood.params, np.asarray(theta, float)):
            itv = self.likelihood.domain[p]
            lo, hi = float(itv.inf), float(itv.sup)
            if not (lo < v < hi or (v == lo and not itv.left_open)):
                return False
        return True


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
    for v, a in out.items():
        if not np.all(np.isfinite(a)):
            raise ParseError(f"data: {v.name} has non-finite values (nan or inf)")
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
