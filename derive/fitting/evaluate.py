"""Closed-form estimates evaluated on data, without cancellation.

Examples
--------
>>> import numpy as np
>>> from derive.estimation.closed_form import mle
>>> from derive.fitting.evaluate import evaluate_closed_form
>>> from derive.fitting.sample import Sample
>>> est = mle("Normal(mu, sigma)", ["mu", "sigma"])
>>> x = 1e9 + np.array([1.0, 2.0, 3.0, 4.0])
>>> evaluate_closed_form(est, Sample(est.likelihood, x)).tolist()
[1000000002.5, 1.118033988749895]
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from derive.errors import NoClosedFormError
from derive.estimation.model import N
from derive.fitting.kernels import numeric_function

__all__ = ["evaluate_closed_form"]


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
        fn = numeric_function([base], list(L.variables))
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
    fn = numeric_function(exprs, args)
    return np.array([float(v) for v in fn(*[numeric[a] for a in args])])
