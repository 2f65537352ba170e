"""The likelihood on data, and Newton's method where no closed form exists.

:class:`Sample` binds a :class:`~derive.estimation.model.Likelihood` to data:
it computes the statistics once (``sum x``, ``sum x**2``, ...) for the closed
forms, and evaluates the log-likelihood, score and Hessian as sums over the
observations of the per-observation log-density and its exact derivatives
(vectorized, pairwise summation: no cancellation between huge statistics).
Everything is in the log domain, so 10**7 observations do not underflow.

:func:`newton_mle` maximizes it with :func:`derive.optimize.newton.newton`,
using the exact score and Hessian, from a method-of-moments start (the median
for a location parameter), and says which start it used.

Examples
--------
Gamma shape and scale have no closed form; Newton agrees with SciPy:

>>> import numpy as np, sympy as sp
>>> from sympy.stats import Gamma
>>> from scipy import stats
>>> from derive.estimation.numeric import Sample, newton_mle
>>> k, theta = sp.symbols("k theta", positive=True)
>>> x = stats.gamma(2.5, scale=1.5).rvs(size=500, random_state=np.random.default_rng(0))
>>> res = newton_mle(Sample(Gamma("X", k, theta), x, params=[k, theta]))
>>> res.start_method
'method of moments'
>>> a, _, scale = stats.gamma.fit(x, floc=0)
>>> bool(np.allclose(res.x, [a, scale], rtol=1e-7))
True
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from derive.errors import ConvergenceError, NoClosedFormError, ParseError, ShapeError
from derive.estimation.model import N, Likelihood, likelihood

__all__ = ["Sample", "newton_mle", "moment_start"]


def _numeric(exprs, args):
    """NumPy callable of expressions over ``args``: returns one array per expression."""
    from derive.codegen import compile as _compile

    exprs = list(exprs)
    compiled = _compile(sp.ImmutableMatrix(exprs), list(args))

    def fn(*vals):
        out = np.asarray(compiled(*vals), float)
        return list(out.reshape((len(exprs),) + out.shape[1:]))

    return lambda *vals: [np.asarray(v, float) for v in fn(*vals)]


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
        known = {(k.name if isinstance(k, sp.Symbol) else str(k)): float(v)
                 for k, v in (known or {}).items()}
        missing = [c.name for c in L.constants if c.name not in known]
        if missing:
            raise ParseError(f"data: the model has known constants {missing} without values; "
                             f"pass known={{{', '.join(repr(m) + ': ...' for m in missing)}}}")
        self.known = {c: known[c.name] for c in L.constants}
        cargs = list(L.constants)
        cvals = [self.known[c] for c in cargs]
        self.stats = {}
        for t, g in L.stat_functions.items():
            vals = _numeric([g], list(L.variables) + cargs)(*self._var_values(), *cvals)
            self.stats[t] = float(np.sum(np.broadcast_to(vals[0], (self.n,))))
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
        self._r = (_numeric([lp], rargs), _numeric(g1, rargs), _numeric(h1, rargs))

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
        return float(self._rsum(0, np.asarray(theta, float))[0])

    def score(self, theta):
        """Score vector at ``theta``."""
        return self._rsum(1, np.asarray(theta, float))

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


# ---------------------------------------------------------------------------
# starting points
# ---------------------------------------------------------------------------

def _moment_function(sample, rest, fixed):
    """``theta_rest -> [E x, E x**2, ...]`` by quadrature of the density, or None."""
    from scipy.integrate import quad
    L = sample.likelihood
    sup = L.support.subs(sample.known) if L.support.free_symbols else L.support
    if not isinstance(sup, sp.Interval) or sup.free_symbols:
        return None
    x = L.variables[0]
    logp = L.logpdf.subs(fixed)
    dens = _numeric([sp.exp(logp)], [x] + list(rest) + list(sample.known))
    lo, hi = float(sup.inf), float(sup.sup)
    kv = list(sample.known.values())

    def moments(vals):
        out = []
        for j in range(1, len(rest) + 1):
            val, _ = quad(lambda t: t**j * float(dens(t, *vals, *kv)[0]), lo, hi, limit=200)
            out.append(val)
        return np.array(out)

    return moments


def _default_point(itv):
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
    from scipy.optimize import least_squares
    L = sample.likelihood
    P = list(L.params)
    x0 = np.array([_default_point(L.domain[p]) for p in P])
    how = "default point of the domain"
    fixed = {}
    if len(L.variables) == 1:
        xs = sample.arrays[L.variables[0]]
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
                    import warnings
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


def newton_mle(sample, *, start=None, tol=1e-9, maxiter=100):
    """Maximize the log-likelihood of ``sample`` by Newton's method.

    Newton (:func:`derive.optimize.newton.newton`) minimizes ``-l`` with the
    exact score and Hessian; the tolerance is on the score relative to ``n``
    (``|score|inf <= tol * n``).

    Parameters
    ----------
    sample : Sample
    start : array_like, optional
        Starting point; default :func:`moment_start`.

    Returns
    -------
    scipy.optimize.OptimizeResult
        With ``start``, ``start_method`` and ``method="newton"`` besides the
        usual keys.

    Raises
    ------
    ConvergenceError
        When Newton stops before the score vanishes, or leaves the domain.
    """
    from derive.optimize.newton import newton
    if start is None:
        x0, how = moment_start(sample)
    else:
        x0, how = np.asarray(start, float).reshape(-1), "given"
        if x0.size != len(sample.likelihood.params):
            raise ShapeError(f"start: expected {len(sample.likelihood.params)} values, "
                             f"got {x0.size}")
    scale = float(sample.n)

    def fun(t):
        return -sample.loglik(t) / scale if sample.in_domain(t) else np.inf

    res = newton(fun, lambda t: -sample.score(t) / scale, lambda t: -sample.hessian(t) / scale,
                 x0, tol=tol, maxiter=maxiter)
    res.start, res.start_method = x0, how
    if not res.success or not sample.in_domain(res.x):
        raise ConvergenceError(
            f"Newton's method for the MLE of {list(sample.likelihood.params)} from {how} start "
            f"{x0.tolist()} stopped: {res.message} (x = {np.asarray(res.x).tolist()}). "
            "Try start=... closer to the estimate.")
    return res


def evaluate_closed_form(estimate, sample):
    """The closed-form estimates on data, evaluated in a numerically stable form.

    Polynomial statistics (``sum x``, ``sum x**2``, also of ``log x``) are
    re-expressed about the sample mean ``c`` of their base (``x = c + y``)
    and the formula is expanded symbolically, so the cancellation in
    ``n sum x**2 - (sum x)**2`` happens exactly, not in floating point.

    Returns
    -------
    ndarray
    """
    L = sample.likelihood
    exprs = [estimate.estimates[p] for p in L.params]
    values = dict(zip(sample.stats, sample.stats.values()))
    extra_vals = {}
    if estimate.extra_statistics:
        xs = sample.arrays[L.variables[0]]
        for s in estimate.extra_statistics:
            name = s.name
            if name.startswith("max_"):
                extra_vals[s] = float(np.max(xs))
            elif name.startswith("min_"):
                extra_vals[s] = float(np.min(xs))
            elif name.startswith("median_"):
                extra_vals[s] = float(np.median(xs))
        for s in estimate.extra_statistics:
            if s.name.startswith("sum_abs_dev_"):
                med = [v for k, v in extra_vals.items() if k.name.startswith("median_")][0]
                extra_vals[s] = float(np.sum(np.abs(xs - med)))
    # centre polynomial statistics of each base function
    bases = {}
    for t, g in L.stat_functions.items():
        base, deg = (g.base, g.exp) if isinstance(g, sp.Pow) else (g, sp.Integer(1))
        if deg.is_Integer and deg > 0 and base.free_symbols <= set(L.variables):
            bases.setdefault(base, {})[int(deg)] = t
    subs, numeric = {}, {}
    for b, (base, degs) in enumerate(bases.items()):
        if max(degs) < 2:
            continue
        fn = _numeric([base], list(L.variables))
        u = np.broadcast_to(fn(*sample._var_values())[0], (sample.n,))
        c = sp.Symbol(f"c_{b}", real=True)
        ys = {j: sp.Symbol(f"y_{b}_{j}", real=True) for j in range(1, max(degs) + 1)}
        cval = float(np.mean(u))
        numeric[c] = cval
        for j, y in ys.items():
            numeric[y] = float(np.sum((u - cval) ** j))
        for d, t in degs.items():
            subs[t] = N * c**d + sum(sp.binomial(d, j) * c**(d - j) * ys[j]
                                     for j in range(1, d + 1))
    if subs:
        exprs = [sp.expand(e.subs(subs)) for e in exprs]
    for t, v in values.items():
        if t not in subs:
            numeric[t] = v
    numeric.update(extra_vals)
    numeric[N] = sample.n
    numeric.update(sample.known)
    args = sorted(set().union(*[e.free_symbols for e in exprs]), key=str)
    leftover = [a for a in args if a not in numeric]
    if leftover:
        raise NoClosedFormError(f"cannot evaluate the estimate: no value for {leftover}")
    fn = _numeric(exprs, args)
    return np.array([float(v) for v in fn(*[numeric[a] for a in args])])
