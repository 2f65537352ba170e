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

import functools
from typing import NamedTuple

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
    float64 (and the formula is never expanded). Variables are centred only
    where raw sums would lose digits (:meth:`Sample.far_from_zero`); otherwise
    the formula is evaluated from the statistics of the sample's one pass. The
    symbolic work (which statistics, the centred formula, its compiled code)
    is done once per estimate.

    Returns
    -------
    ndarray
    """
    plan = _plan(estimate)
    values = sample.statistics(plan.stats)
    numeric = {N: sample.n, **sample.known, **_extra_values(estimate, sample)}
    centred = tuple(v for v in plan.centrable if sample.far_from_zero(v))
    rewrite = _rewrite(estimate, centred)
    if centred:
        numeric.update(_centred_values(rewrite, sample, values))
    for base, c, ys in rewrite.bases:
        cval = sample.map_sum([base])[0] / sample.n
        numeric[c] = cval
        numeric.update(zip(ys, sample.map_sum([(base - c) ** j for j in
                                              range(1, len(ys) + 1)], {c: cval})))
    for t, v in values.items():
        if t not in rewrite.replaced:
            numeric[t] = v
    leftover = [a for a in rewrite.args if a not in numeric]
    if leftover:
        raise NoClosedFormError(f"cannot evaluate the estimate: no value for {leftover}")
    point = [numeric[a] for a in rewrite.args]
    if rewrite.mpmath is None:
        return np.array([float(v) for v in rewrite.fn(*point)])
    return _high_precision(rewrite.mpmath, point)


class _Plan(NamedTuple):
    exprs: tuple        # the estimates, in parameter order
    stats: tuple        # the statistics they use
    monomials: dict     # statistic -> (exponents, coefficient): a monomial in the variables
    centrable: tuple    # variables of a monomial of degree >= 2: centred if far from zero
    bases: dict         # a function of the data (log x) -> {degree: statistic}, degree >= 2


class _Rewrite(NamedTuple):
    exprs: tuple        # the estimates in centres and centred sums
    args: tuple         # their symbols, sorted
    replaced: frozenset  # statistics written in centres and centred sums
    centres: dict       # variable -> symbol of its mean
    wanted: dict        # symbol of a centred sum -> its per-observation expression
    bases: tuple        # (base, centre symbol, symbols of the centred power sums)
    fn: object          # compiled NumPy function (no centring)
    mpmath: object      # compiled mpmath function (centred), else None


@functools.lru_cache(maxsize=128)
def _plan(estimate):
    """What ``estimate`` needs from data, and which of its statistics can be centred."""
    L = estimate.likelihood
    exprs = tuple(estimate.estimates[p] for p in L.params)
    used = set().union(*[e.free_symbols for e in exprs])
    stats = tuple(t for t in L.stat_functions if t in used)
    variables = list(L.variables)
    monomials = {}
    bases = {}
    for t in stats:
        g = L.stat_functions[t]
        if g.is_polynomial(*variables) and g.free_symbols <= set(variables):
            poly = sp.Poly(g, *variables)
            if len(poly.terms()) == 1 and poly.total_degree() >= 1:
                monomials[t] = (poly.monoms()[0], poly.coeffs()[0])
                continue
        base, deg = (g.base, g.exp) if isinstance(g, sp.Pow) else (g, sp.Integer(1))
        if deg.is_Integer and deg > 0 and base.free_symbols <= set(variables) and \
                not base.is_Symbol:
            bases.setdefault(base, {})[int(deg)] = t
    centrable = tuple(v for v in variables if any(
        sum(exps) >= 2 and exps[variables.index(v)] for exps, _ in monomials.values()))
    bases = {b: d for b, d in bases.items() if max(d) >= 2}
    return _Plan(exprs, stats, monomials, centrable, bases)


@functools.lru_cache(maxsize=256)
def _rewrite(estimate, centred):
    """The estimates with the monomials in the ``centred`` variables (and the powers of
    each base function) written about their means, and their compiled code."""
    L = estimate.likelihood
    plan = _plan(estimate)
    variables = list(L.variables)
    subs = {}
    centres = {v: sp.Symbol(f"c_{v.name}", real=True) for v in centred}
    shifted = {v: v - centres[v] for v in centred}
    wanted = {}
    for t, (exps, coef) in plan.monomials.items():
        if not any(e and v in centres for v, e in zip(variables, exps)):
            continue
        total = sp.Integer(0)
        # prod (c_v + w_v)**e_v expanded over the centred variables (a small monomial)
        pieces = [[(sp.binomial(e, j) * centres[v]**(e - j), (v, j)) for j in range(e + 1)]
                  if v in centres else [(sp.Integer(1), (v, e))]
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
    bases = []
    for b, (base, degs) in enumerate(plan.bases.items()):
        c = sp.Symbol(f"c_{b}", real=True)
        ys = tuple(sp.Symbol(f"y_{b}_{j}", real=True) for j in range(1, max(degs) + 1))
        bases.append((base, c, ys))
        for d, t in degs.items():
            subs[t] = N * c**d + sum(sp.binomial(d, j) * c**(d - j) * ys[j - 1]
                                     for j in range(1, d + 1))
    exprs = tuple(e.subs(subs) for e in plan.exprs) if subs else plan.exprs
    args = tuple(sorted(set().union(*[e.free_symbols for e in exprs]), key=str))
    if subs:
        fn, mp = None, compile_mpmath(sp.ImmutableMatrix(list(exprs)), list(args))
    else:
        fn, mp = numeric_function(list(exprs), list(args)), None
    return _Rewrite(exprs, args, frozenset(subs), centres, wanted, tuple(bases), fn, mp)


def _centred_values(rewrite, sample, values):
    """Values of the centres (sample means) and of the centred sums ``W`` on the data.

    ``sum x1 y`` becomes ``n c1 cy + cy W(x1) + c1 W(y) + W(x1 y)`` where ``c``
    are the sample means and ``W(m) = sum_i m(x_i - c)`` are centred sums (a
    regression's cross products, far from 0, cancel exactly this way): one
    more pass over the data, for the centred sums.
    """
    L = sample.likelihood
    stat = {L.stat_functions[t]: t for t in L.stat_functions}
    numeric = {}
    for v, c in rewrite.centres.items():
        total = sample.statistic(stat[v]) if v in stat else sample.map_sum([v])[0]
        numeric[c] = total / sample.n
    syms = list(rewrite.wanted)
    numeric.update(zip(syms, sample.map_sum([rewrite.wanted[s] for s in syms],
                                            {rewrite.centres[v]: numeric[rewrite.centres[v]]
                                             for v in rewrite.centres})))
    return numeric


def _extra_values(estimate, sample):
    """Values of the statistics that are not sums (max, min, median, sum |x - median|)."""
    out = {}
    if not estimate.extra_statistics:
        return out
    xs = sample.arrays[sample.likelihood.variables[0]]
    for s in estimate.extra_statistics:
        name = s.name
        if name.startswith("max_"):
            out[s] = float(np.max(xs))
        elif name.startswith("min_"):
            out[s] = float(np.min(xs))
        elif name.startswith("median_"):
            out[s] = float(np.median(xs))
    for s in estimate.extra_statistics:
        if s.name.startswith("sum_abs_dev_"):
            med = next(v for k, v in out.items() if k.name.startswith("median_"))
            out[s] = float(np.sum(np.abs(xs - med)))
    return out


def _high_precision(fn, point, *, dps=(40, 80, 160)):
    """The compiled mpmath function ``fn`` at ``point``, to float64 accuracy.

    The centred statistics are floats, so exact as mpmath numbers; at enough
    digits the cancellation of ``n (n c**2 + 2 c y1 + y2) - (n c + y1)**2``
    into ``n y2 - y1**2`` is exact, without expanding the formula (which takes
    minutes for a regression). Two precisions must agree to float64 accuracy.
    """
    last = None
    for digits in dps:
        with mpmath.workdps(digits):
            vals = fn(*[mpmath.mpf(v) for v in point])
            got = np.array([float(mpmath.re(v)) for v in vals], dtype=float)
        if last is not None and np.allclose(got, last, rtol=1e-15, atol=0, equal_nan=True):
            return got
        last = got
    return last


def _product(pieces):
    out = [[]]
    for options in pieces:
        out = [combo + [o] for combo in out for o in options]
    return out
