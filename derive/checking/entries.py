"""One point of a derivation check: the formula and the compiled code against the oracle.

At a point, :class:`Claims` evaluates the claimed formula once at two
precisions; :func:`compare_entry` compares one entry with the oracle (which
decides) and records how far the compiled float64 code is from the truth;
:func:`compare_projection` compares a random projection ``u' R w`` involving
every entry at once and bisects a disagreement down to one entry.  The
tolerances are named here, once.

Examples
--------
>>> import mpmath
>>> from derive.checking.entries import diagnose_values
>>> diagnose_values(mpmath.mpf(-2), mpmath.mpf(2))
'wrong sign: the claimed value is minus the true one'
"""

from __future__ import annotations

import warnings

import mpmath
import numpy as np

from derive.checking.oracle import real, two_precisions
from derive.checking.plans import arg_position

EPS = float(np.finfo(float).eps)
ORACLE_MARGIN = 100         # multiple of the oracle's two-precision error estimate allowed
ORACLE_REL = mpmath.mpf("1e-25")
CODE_ROUNDING = 1e3 * EPS   # a correct compiled formula may be off by this much per unit scale
CODE_GROSS = 1e-6           # beyond this fraction of the scale the code is wrong, not inexact


def _entry(value, index):
    return value[index] if index else value


def float_eval(fn, values):
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            return np.asarray(fn(*values))
        except (ValueError, TypeError, ZeroDivisionError, OverflowError, ArithmeticError):
            return None


def finite_real(value):
    return value is not None and not np.iscomplexobj(value) and bool(np.all(np.isfinite(value)))


class Claims:
    """The formula (``result``) at one point at two precisions, evaluated once for all entries."""

    def __init__(self, result_fn, values, dps):
        self.result_fn, self.values, self.dps = result_fn, values, dps
        self._cache = {}

    def _at(self, digits):
        if digits not in self._cache:
            with mpmath.workdps(digits):
                self._cache[digits] = self.result_fn(*self.values)
        return self._cache[digits]

    def bilinear(self, u, w):
        """``u' R w`` at the higher precision, its two-precision error, and ``sum |u R w|``."""
        out = []
        for digits in (self.dps, self.dps + 15):
            with mpmath.workdps(digits):
                R = self._at(digits)
                total, scale = mpmath.mpf(0), mpmath.mpf(0)
                for i, ui in enumerate(u):
                    if ui == 0:
                        continue
                    for j, wj in enumerate(w):
                        if wj == 0:
                            continue
                        term = mpmath.mpf(ui) * real(R[i, j], "result") * mpmath.mpf(wj)
                        total += term
                        scale += abs(term)
                out.append((total, scale))
        (low, _), (high, scale) = out
        with mpmath.workdps(self.dps + 15):
            return high, abs(high - low), scale

    def entry(self, index):
        with mpmath.workdps(self.dps):
            low = real(_entry(self._at(self.dps), index), "result")
        with mpmath.workdps(self.dps + 15):
            high = real(_entry(self._at(self.dps + 15), index), "result")
            return high, abs(high - low)



def point_context(d, plan, compiled, source_c, values, point, seed):
    """Float64 values and scales at one point, for judging the compiled code."""
    cval = float_eval(compiled, values)
    size = max(1, int(np.prod(plan.shape, dtype=int)))
    if cval is None or np.asarray(cval).size != size or np.iscomplexobj(cval):
        cval = None
    else:
        cval = np.asarray(cval, dtype=float).reshape(plan.shape)
    f0 = float_eval(source_c, values)
    f0 = abs(float(np.asarray(f0).ravel()[0])) if finite_real(f0) else 0.0
    xscale = max([1.0] + [abs(point[w]) for w in d.wrt]) ** plan.order
    sens = _sensitivity(compiled, values, [arg_position(plan.args, w) for w in d.wrt], plan.shape, seed)
    return dict(cval=cval, fscale=f0 / xscale, sens=sens)


def compare_entry(plan, index, values, claims, ctx, named, dps, state):
    """Oracle vs formula (decides) and oracle vs compiled code (recorded) at one entry.

    Returns None when the formula agrees, else (index, claim, truth).
    """
    oracle = plan.oracles[index]
    truth, t_err = two_precisions(lambda: oracle(values), dps)
    claim, c_err = claims.entry(index)
    fscale = ctx["fscale"]
    tol = (ORACLE_MARGIN * (t_err + c_err)
           + ORACLE_REL * max(abs(truth), abs(claim), mpmath.mpf(fscale) * 1e-5))
    gap = abs(claim - truth)
    state["max_est"] = max(state["max_est"], float(t_err))
    if gap > tol:
        return index, claim, truth
    if truth != 0 and gap != 0:
        state["digits"].append(float(-mpmath.log10(gap / abs(truth))))
    cval = ctx["cval"]
    if cval is None:
        state["code_bad"].append((named, index, float("nan"), float(truth)))
        return None
    c = float(cval[index] if index else cval)
    t = float(truth)
    abs_err = abs(c - t)
    sens = ctx["sens"]
    scale = abs(t) + float(sens[index] if index else sens) + fscale
    rel = abs_err / max(abs(t), 1e-300)
    state["max_abs"] = max(state["max_abs"], abs_err)
    if rel > state["worst_rel"]:
        state["worst_rel"], state["worst"] = rel, named
    state["max_rel"] = max(state["max_rel"], min(rel, abs_err / max(scale, 1e-300)))
    if abs_err > CODE_GROSS * scale:
        state["code_bad"].append((named, index, c, t))
    elif abs_err > CODE_ROUNDING * scale:
        state["code_warn"].append((named, index, rel))
    return None


PROJECTIONS = 2   # random projections u' R w per point: every entry of the result, at once


def compare_projection(plan, rng, values, claims, ctx, named, dps, state):
    """Compare ``u' R w`` with the oracle's mixed directional derivative for random u, w.

    One projection involves every entry of the result, so a wrong entry cannot
    hide among unsampled ones. On a disagreement, bisect the supports of u and
    w down to one entry and return its verdict.
    """
    rows, cols = plan.shape
    u = list(rng.standard_normal(rows))
    w = [1.0] if plan.d.op == "gradient" else list(rng.standard_normal(cols))

    def fails(uu, ww):
        truth, t_err = two_precisions(lambda: plan.bilinear(uu, ww)(values), dps)
        claim, c_err, scale = claims.bilinear(uu, ww)
        tol = ORACLE_MARGIN * (t_err + c_err) + ORACLE_REL * max(abs(truth), abs(claim), scale)
        state["max_est"] = max(state["max_est"], float(t_err))
        return abs(claim - truth) > tol, claim, truth

    bad, claim, truth = fails(u, w)
    state["projections"] = state.get("projections", 0) + 1
    if not bad:
        return None
    first = (claim, truth)

    def narrow(vec, other, is_rows):
        support = [i for i, c in enumerate(vec) if c != 0]
        while len(support) > 1:
            halves = (support[:len(support) // 2], support[len(support) // 2:])
            for half in halves:
                keep = set(half)
                part = [c if i in keep else 0.0 for i, c in enumerate(vec)]
                if fails(part, other)[0] if is_rows else fails(other, part)[0]:
                    support, vec = half, part
                    break
            else:
                return None, vec
        return support[0], vec

    i, u = narrow(u, w, True)
    j, w = (None, w) if i is None else narrow(w, u, False)
    if i is not None and j is not None:
        verdict = compare_entry(plan, (i, j), values, claims, ctx, named, dps, state)
        if verdict is not None:
            return verdict
    return ("projection",) + first


def _sensitivity(compiled, values, wpos, shape, seed, delta=1e-6):
    """|x| |d result / dx| along random signs: how much rounding of x moves the result."""
    rng = np.random.default_rng(seed + 104729)
    base = float_eval(compiled, values)
    if not finite_real(base):
        return np.zeros(shape) if shape else 0.0
    base = np.asarray(base, dtype=float).reshape(shape)
    out = np.zeros(shape)
    for _ in range(2):
        vals = list(values)
        for k in wpos:
            vals[k] = values[k] + delta * rng.choice([-1.0, 1.0]) * max(abs(values[k]), 1e-3)
        moved = float_eval(compiled, vals)
        if finite_real(moved):
            out = np.maximum(out, np.abs(np.asarray(moved, dtype=float).reshape(shape) - base)
                             / delta)
    return out if shape else float(out)


def diagnose_values(claim, truth):
    if truth != 0 and abs(claim + truth) <= mpmath.mpf(10) ** -20 * abs(truth):
        return "wrong sign: the claimed value is minus the true one"
    if truth != 0 and claim != 0:
        ratio = claim / truth
        if abs(ratio - 1) < mpmath.mpf("1e-3"):
            return (f"claimed / true = 1 {'+' if ratio > 1 else '-'} "
                    f"{mpmath.nstr(abs(ratio - 1), 3)} here")
        return f"claimed / true = {mpmath.nstr(ratio, 8)} here"
    return None

