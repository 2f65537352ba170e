"""A likelihood bound to data.

:class:`Sample` binds a :class:`~derive.estimation.model.Likelihood` to data:
it computes the statistics of the closed forms (``sum x``, ``sum x**2``,
``sum x y``) and checks every observation against the support in one pass
over memory (:func:`~derive.fitting.scan.one_pass`: block by block, each block's reductions run
while it is in cache), and evaluates the log-likelihood, score and Hessian as
sums over the observations of the per-observation log-density and its exact
derivatives (for a generalized linear model, as matrix products of the
covariates with the derived weights in the linear predictor, one pass per
evaluation). Everything is in the log domain, so 10**7 observations do not
underflow.

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
    link_kernels,
    numeric_function,
    observation_kernels,
    parameter_free_kernel,
    rank_one_kernels,
)
from derive.fitting.scan import exact_sum, one_pass

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
        self._given = self._load(L, data)
        self._floats = None
        if not self.lazy:
            self.n = int(next(iter(self._given.values())).shape[0])
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
        self._far = {}
        self._last = (None, None)
        self._domain = _domain_bounds(L)
        self._first_pass()

    #: whether the arrays are lazy (Dask): then sums are reductions over chunks
    lazy = False

    @property
    def arrays(self):
        """Variable -> float64 array of its observations.

        Integer data (counts) are kept as given for the first pass (exact integer
        sums, integrality known from the type) and converted on first use here.
        """
        if self._floats is None:
            self._floats = {v: a if a.dtype == np.float64 else a.astype(np.float64)
                            for v, a in self._given.items()}
        return self._floats

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
        """Variable -> in-memory array (float64, or the integers given)."""
        return _arrays(L, data)

    def _first_pass(self):
        """One pass over the observations, block by block (:func:`~derive.fitting.scan.one_pass`): the sum of
        each variable, the statistics that are a square or a product of two variables,
        and the check of the support, all while a block is in cache."""
        L = self.likelihood
        products = _products(L)
        sums, dots = one_pass([self._given[v] for v in L.variables],
                               [(i, j) for _, i, j in products], self._support())
        self._sums = dict(zip(L.variables, sums))
        for v, total in self._sums.items():
            if not np.isfinite(total):
                a = self._given[v]
                if not np.all(np.isfinite(a)):
                    raise ParseError(f"data: {v.name} has non-finite values (nan or inf)")
                raise ParseError(f"data: the sum of {v.name} is not finite in float64 (largest "
                                 f"|value| {float(np.max(np.abs(a))):.3g}); rescale the data "
                                 "(divide by a power of 10) and the estimates with it")
            for t, g in L.stat_functions.items():
                if g == v:
                    self._stats[t] = total
        for (t, _, _), value in zip(products, dots):
            if np.isfinite(value):  # else statistic(t) says so if it is ever needed
                self._stats[t] = value

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
        if v not in self._far:
            stat = {g: t for t, g in self.likelihood.stat_functions.items()}
            a = self.arrays[v]
            s1 = self.statistic(stat[v]) if v in stat else self._sums[v]
            s2 = self.statistic(stat[v**2]) if v**2 in stat else float(np.dot(a, a))
            self._far[v] = (s1 / self.n) ** 2 > 0.5 * s2 / self.n
        return self._far[v]

    def hessian_from_statistics(self, theta):
        """The Hessian of the log-likelihood from the statistics alone, or None.

        No pass over the observations: the Hessian of ``n a(theta) + sum_j
        c_j(theta) T_j`` at ``theta``. None when the model has a per-observation
        residual, or when a statistic it needs could cancel (a square of a
        variable far from zero, a non-polynomial square such as ``(log x)**2``).
        """
        plan = _hessian_plan(self.likelihood)
        if plan is None:
            return None
        stats, squared, fn, k = plan
        if any(self.far_from_zero(v) for v in squared):
            return None
        vals = fn(*np.asarray(theta, float), self.n, *[self.statistic(t) for t in stats],
                  *self.known.values())
        return np.array([float(v) for v in vals]).reshape(k, k)

    @functools.cached_property
    def _r(self):
        """Per-observation kernels ``(logpdf, score, hessian)``, compiled once per model."""
        return observation_kernels(self.likelihood)[:3]

    def _var_values(self):
        return [self.arrays[v] for v in self.likelihood.variables]

    def _support(self):
        """``(support, lo, hi, integer, values)`` to check one variable against, or None."""
        return _support_of(self.likelihood, tuple(self.known.items()))

    # -- evaluation -------------------------------------------------------
    def _rsum(self, which, theta):
        vals = self._r[which](*theta, *self._var_values(), *self.known.values())
        return np.array([np.sum(np.broadcast_to(v, (self.n,))) for v in vals], dtype=float)

    @functools.cached_property
    def _rank_one(self):
        """``(kernel, linear, Q, arrays)`` for a rank-one model (a GLM), else None.

        ``Q`` is the ``(k, n)`` matrix of the ``q`` vectors, built once; with a
        linear predictor (``linear``) the kernel takes ``eta = theta Q`` and the
        ``arrays`` it uses, else the parameters and every variable.
        """
        L = self.likelihood
        glm = link_kernels(L)
        if glm is not None:
            kernel, q, used = glm
            arrays = [self.arrays[v] for v in used]
        else:
            kernels = rank_one_kernels(L)
            if kernels is None:
                return None
            (kernel, q), arrays = kernels, self._var_values()
        Q = np.stack([np.broadcast_to(v, (self.n,)) for v in
                      q(*self._var_values(), *self.known.values())])
        return kernel, glm is not None, np.ascontiguousarray(Q), arrays

    def _rank_one_at(self, theta):
        """``(log-likelihood, score, Hessian)`` at ``theta`` (rank-one models): one pass.

        Block by block, while a block of ``Q`` is in cache: ``eta = theta Q``,
        the kernel's ``(l, s, w)``, and the sums ``l``, ``Q s`` and ``(Q w) Q^T``.
        """
        theta = np.asarray(theta, float)
        key = theta.tobytes()
        if self._last[0] != key:
            kernel, linear, Q, arrays = self._rank_one
            k, n = Q.shape
            block = max(4096, _GLM_BLOCK // (k + 4))
            known = list(self.known.values())
            lls, g, H = [], np.zeros(k), np.zeros((k, k))
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                for start in range(0, n, block):
                    Qb = Q[:, start:start + block]
                    parts = [a[start:start + block] for a in arrays]
                    lp, s, w = (kernel(theta @ Qb, *parts, *known) if linear
                                else kernel(*theta, *parts, *known))
                    if np.ndim(lp) == 0:  # a constant: the kernel did not broadcast
                        lp, s, w = (np.broadcast_to(v, (Qb.shape[1],)) for v in (lp, s, w))
                    lls.append(np.add.reduce(lp))
                    g += Qb @ s
                    H += (Qb * w) @ Qb.T
            self._last = (key, (exact_sum(lls) + self._fixed_sum(), g, H))
        return self._last[1]

    def _fixed_sum(self):
        """The parameter-free terms of the log-likelihood (``sum log x!``), summed once."""
        if getattr(self, "_fixed", None) is None:
            fixed = parameter_free_kernel(self.likelihood)
            with np.errstate(over="ignore", invalid="ignore"):
                c = fixed(*self._var_values(), *self.known.values())
            self._fixed = float(np.sum(np.broadcast_to(c[0], (self.n,))))
        return self._fixed

    def loglik(self, theta):
        """Log-likelihood at ``theta`` (a float), summed over the observations."""
        if self._rank_one is not None:
            return self._rank_one_at(theta)[0]
        value = float(self._rsum(0, np.asarray(theta, float))[0])
        return value + self._fixed_sum()

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
        for (lo, hi, closed), v in zip(self._domain, np.asarray(theta, float)):
            if not (lo < v < hi or (v == lo and closed)):
                return False
        return True


@functools.lru_cache(maxsize=128)
def _domain_bounds(L):
    """``(lo, hi, lower end included)`` of each parameter's interval, as floats."""
    return tuple((float(itv.inf), float(itv.sup), not itv.left_open)
                 for itv in (L.domain[p] for p in L.params))


#: Entries of ``Q`` per block of a Newton evaluation of a GLM (``Q`` and the kernel's
#: temporaries stay in cache).
_GLM_BLOCK = 1 << 18


@functools.lru_cache(maxsize=128)
def _support_of(L, known):
    """``(support, lo, hi, integer, values)`` of the one variable of ``L`` (``known``:
    constant -> value pairs), or None; symbolic work done once per model."""
    if len(L.variables) != 1 or L.bounds:
        return None
    sup = L.support
    if sup.free_symbols:
        sup = sup.subs(dict(known))
        if sup.free_symbols:
            return None
    lo = float(sup.inf) if sup.inf.is_finite else -np.inf
    hi = float(sup.sup) if sup.sup.is_finite else np.inf
    integer = sup.is_subset(sp.S.Integers) is True
    values = [float(v) for v in sup] if isinstance(sup, sp.FiniteSet) else None
    if values is not None and integer and values == [float(v) for v in range(int(lo), int(hi) + 1)]:
        values = None  # {0, 1}: the bounds and integrality say it all
    return sup, lo, hi, integer, values


@functools.lru_cache(maxsize=128)
def _products(L):
    """``(statistic, i, j)`` for the statistics that are ``v_i * v_j`` (or ``v_i**2``)."""
    index = {v: i for i, v in enumerate(L.variables)}
    out = []
    for t, g in L.stat_functions.items():
        pair = _two_variable_product(g, L.variables)
        if pair is not None:
            out.append((t, index[pair[0]], index[pair[1]]))
    return tuple(out)


@functools.lru_cache(maxsize=128)
def _hessian_plan(L):
    """``(statistics, variables, compiled Hessian, k)`` for the Hessian of ``L`` from its
    statistics (the variables of squared statistics, to check for cancellation), or None
    when it is not a polynomial in the variables."""
    if L.residual != 0 or L.nonsmooth or L.bounds:
        return None
    H = L.hessian
    stats = [t for t in L.stat_functions if H.has(t)]
    squared = set()
    for t in stats:
        g = L.stat_functions[t]
        if not (g.is_polynomial(*L.variables) and g.free_symbols <= set(L.variables)):
            return None
        if sp.Poly(g, *L.variables).total_degree() >= 2:
            squared |= g.free_symbols
    args = list(L.params) + [L.n] + stats + list(L.constants)
    squared = tuple(v for v in L.variables if v in squared)
    return tuple(stats), squared, numeric_function(list(H), args), len(L.params)


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
            out[v] = _numeric(data[v.name]).reshape(-1)
    else:
        arr = _numeric(data)
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


def _numeric(values):
    """An array of ``values``: integers (and booleans) as given, anything else as float64."""
    arr = np.asarray(values)
    return arr if arr.dtype.kind in "biu" else np.asarray(arr, dtype=np.float64)


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
