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

import mpmath
import numpy as np
import sympy as sp

from derive.codegen import compile_mpmath
from derive.errors import NoClosedFormError
from derive.estimation.model import N
from derive.fitting.kernels import numeric_function

__all__ = ["evaluate_closed_form"]


def evaluate_closed_form(estimate, sample):
    """The closed-form estimates on data, evaluated in a numerically stable form.

    Polynomial statistics (``sum x``, ``sum x**2``, also of ``log x``) are
    re-expressed about the sample mean ``c`` of their base (``x = c + y``)
    and the formula is evaluated in mpmath at 40 and more digits, so the
    cancellation in ``n sum x**2 - (sum x)**2`` happens exactly, not in
    float64 (and the formula is never expanded).

    Returns
    -------
    ndarray
    """
    L = sample.likelihood
    exprs = [estimate.estimates[p] for p in L.params]
    used = set().union(*[e.free_symbols for e in exprs])
    values = sample.statistics([t for t in L.stat_functions if t in used])
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
                med = next(v for k, v in extra_vals.items() if k.name.startswith("median_"))
                extra_vals[s] = float(np.sum(np.abs(xs - med)))
    subs, numeric = _centred_monomials(L, sample, used)
    # centre polynomial statistics of each other base function (log x, ...)
    bases = {}
    for t, g in L.stat_functions.items():
        if t in subs or t not in used:
            continue
        base, deg = (g.base, g.exp) if isinstance(g, sp.Pow) else (g, sp.Integer(1))
        if deg.is_Integer and deg > 0 and base.free_symbols <= set(L.variables) and \
                not base.is_Symbol:
            bases.setdefault(base, {})[int(deg)] = t
    for b, (base, degs) in enumerate(bases.items()):
        if max(degs) < 2:
            continue
        c = sp.Symbol(f"c_{b}", real=True)
        ys = {j: sp.Symbol(f"y_{b}_{j}", real=True) for j in range(1, max(degs) + 1)}
        cval = sample.map_sum([base])[0] / sample.n
        numeric[c] = cval
        sums = sample.map_sum([(base - c) ** j for j in ys], {c: cval})
        numeric.update(zip(ys.values(), sums))
        for d, t in degs.items():
            subs[t] = N * c**d + sum(sp.binomial(d, j) * c**(d - j) * ys[j]
                                     for j in range(1, d + 1))
    if subs:
        exprs = [e.subs(subs) for e in exprs]
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
    point = [numeric[a] for a in args]
    if not subs:
        fn = numeric_function(exprs, args)
        return np.array([float(v) for v in fn(*point)])
    return _high_precision(exprs, args, point)


def _high_precision(exprs, args, point, *, dps=(40, 80, 160)):
    """``exprs`` at ``point`` in mpmath arithmetic, to float64 accuracy.

    The centred statistics are floats, so exact as mpmath numbers; at enough
    digits the cancellation of ``n (n c**2 + 2 c y1 + y2) - (n c + y1)**2``
    into ``n y2 - y1**2`` is exact, without expanding the formula (which takes
    minutes for a regression). Two precisions must agree to float64 accuracy.
    """
    fn = compile_mpmath(sp.ImmutableMatrix(exprs), args)
    last = None
    for digits in dps:
        with mpmath.workdps(digits):
            vals = fn(*[mpmath.mpf(v) for v in point])
            got = np.array([float(mpmath.re(v)) for v in vals], dtype=float)
        if last is not None and np.allclose(got, last, rtol=1e-15, atol=0, equal_nan=True):
            return got
        last = got
    return last


def _centred_monomials(L, sample, used):
    """Statistics that are monomials in the variables, about the variables' means.

    ``sum x1 y`` becomes ``n c1 cy + cy W(x1) + c1 W(y) + W(x1 y)`` where ``c``
    are the sample means and ``W(m) = sum_i m(x_i - c)`` are centred sums (a
    regression's cross products, far from 0, cancel exactly this way). Only
    variables that enter a used statistic of total degree 2 or more, and whose
    mean is large against their spread (:meth:`Sample.far_from_zero`), are centred.

    Returns
    -------
    (dict, dict)
        Statistic -> expression in centres and centred sums; symbol -> value.
    """
    variables = list(L.variables)
    monomials = {}
    for t, g in L.stat_functions.items():
        if t in used and g.is_polynomial(*variables) and g.free_symbols <= set(variables):
            poly = sp.Poly(g, *variables)
            if len(poly.terms()) == 1 and poly.total_degree() >= 1:
                monomials[t] = poly
    centred = sorted({v for poly in monomials.values() if poly.total_degree() >= 2
                      for v, e in zip(variables, poly.monoms()[0]) if e
                      and sample.far_from_zero(v)}, key=variables.index)
    if not centred:
        return {}, {}
    sums = (sample.statistics([t for t, g in sample.likelihood.stat_functions.items()
                               if g in centred]) if centred else {})
    stat = {sample.likelihood.stat_functions[t]: t for t in sums}
    centre = {v: sp.Symbol(f"c_{v.name}", real=True) for v in centred}
    numeric = {centre[v]: (sums[stat[v]] if v in stat else sample.map_sum([v])[0]) / sample.n
               for v in centred}
    shifted = {v: v - centre[v] for v in centred}
    wanted = {}
    subs = {}
    for t, poly in monomials.items():
        (exps,), coef = poly.monoms(), poly.coeffs()[0]
        if not any(e and v in centre for v, e in zip(variables, exps)):
            continue
        total = sp.Integer(0)
        # prod (c_v + w_v)**e_v expanded over the centred variables (a small monomial)
        pieces = [[(sp.binomial(e, j) * centre[v]**(e - j), (v, j)) for j in range(e + 1)]
                  if v in centre else [(sp.Integer(1), (v, e))]
                  for v, e in zip(variables, exps)]
        for combo in _product(pieces):
            factor = sp.Mul(*[f for f, _ in combo])
            powers = tuple(j for _, (_, j) in combo)
            if not any(powers):
                total += factor * N
                continue
            name = "W_" + "_".join(f"{v.name}{j}" for v, j in zip(variables, powers) if j)
            sym = sp.Symbol(name, real=True)
            wanted[sym] = sp.Mul(*[shifted.get(v, v) ** j for v, j in zip(variables, powers)])
            total += factor * sym
        subs[t] = coef * total
    todo = [s for s in wanted if s not in numeric]
    numeric.update(zip(todo, sample.map_sum([wanted[s] for s in todo],
                                            {centre[v]: numeric[centre[v]] for v in centred})))
    return subs, numeric


def _product(pieces):
    out = [[]]
    for options in pieces:
        out = [combo + [o] for combo in out for o in options]
    return out

