"""A statistic's value computed numerically, and the check of a closed form against it.

The same quantity as ``sympy.stats`` gives in closed form, computed another way:
quadrature (continuous variables), summation (discrete), enumeration (finite),
or Monte Carlo batch means where those do not apply (several continuous
variables). :func:`check_closed_form` compares a closed form with it at random
parameter values that respect the assumptions.

Examples
--------
>>> import sympy as sp, sympy.stats as st
>>> X = st.Die("X", 6)
>>> value, error = numeric_value("E", [X])
>>> float(value)
3.5
>>> check_closed_form("E", [X], sp.Rational(7, 2), seed=0, seconds=5).status
'verified'
"""

from __future__ import annotations

import itertools
import random
import time

import mpmath
import numpy as np
import sympy as sp
import sympy.stats as st

from derive.codegen import compile as compile_expr
from derive.errors import DerivationTimeout
from derive.guard import run
from derive.integrals import IntegralCheck, _mp_function, numeric_integral
from derive.stats.distributions import is_random

__all__ = ["DPS", "MGF_T", "numeric_value", "parameters", "check_closed_form"]

#: Working precision, in digits, of the numeric value.
DPS = 15
#: The argument ``t`` of moment generating functions.
MGF_T = sp.Symbol("t", real=True)



def _parts(g):
    """Replace random symbols by plain ones; return (plain expr, [(symbol, rv)])."""
    rvs = sorted(st.random_symbols(g), key=str)
    plain = [sp.Symbol(f"_{rv}", real=True) for rv in rvs]
    return g.xreplace(dict(zip(rvs, plain))), list(zip(plain, rvs))


def _numeric_expectation(g, dps=DPS):
    """E[g] numerically for independent variables; (value, error estimate)."""
    body, pairs = _parts(sp.sympify(g))  # g is built by this module from SymPy objects
    if not pairs:
        return mpmath.mpf(sp.N(body, dps)), mpmath.mpf(0)
    kinds = set()
    weight = sp.S.One
    for s, rv in pairs:
        space = rv.pspace
        if isinstance(space, st.crv.SingleContinuousPSpace):
            kinds.add("continuous")
        elif isinstance(space, st.drv.SingleDiscretePSpace):
            kinds.add("discrete")
        elif isinstance(space, st.frv.SingleFinitePSpace):
            kinds.add("finite")
        else:
            raise NotImplementedError(f"no numeric check for the variable {rv}")
        if "finite" not in kinds or len(kinds) > 1:
            weight *= st.density(rv)(s)
    if len(pairs) > 1 and kinds != {"finite"}:
        raise NotImplementedError("several variables: Monte Carlo instead of nested quadrature")
    if kinds == {"continuous"}:
        limits = []
        for s, rv in pairs:
            dom = rv.pspace.domain.set
            limits.append((s, dom.inf, dom.sup))
        return numeric_integral(body * weight, limits, dps)
    if kinds == {"finite"}:
        total = sp.S.Zero
        tables = [list(st.density(rv).dict.items()) for _, rv in pairs]
        for combo in itertools.product(*tables):
            p = sp.Mul(*(pr for _, pr in combo))
            total += p * body.xreplace({s: v for (s, _), (v, _) in zip(pairs, combo)})
        with mpmath.workdps(dps):
            return mpmath.mpf(sp.N(total, dps)), mpmath.mpf(10) ** (-dps)
    if kinds == {"discrete"} and len(pairs) == 1:
        (s, rv), = pairs
        dom = rv.pspace.domain.set
        lo, hi = dom.inf, dom.sup
        fn = _mp_function(body * weight, [s])
        with mpmath.workdps(dps):
            lo_mp = -mpmath.inf if lo is -sp.oo else int(lo)
            hi_mp = mpmath.inf if hi is sp.oo else int(hi)
            value = mpmath.nsum(lambda k: fn(k), [lo_mp, hi_mp])
            with mpmath.workdps(dps + 5):
                finer = mpmath.nsum(lambda k: fn(k), [lo_mp, hi_mp])
            return value, abs(finer - value) + mpmath.mpf(10) ** (-dps)
    raise NotImplementedError("no numeric check for a mix of "
                              + " and ".join(sorted(kinds)) + " variables")


def numeric_value(kind, exprs, dps=DPS):
    """The quantity numerically (all parameters already numbers); (value, error)."""
    E = _numeric_expectation
    if kind == "E":
        return E(exprs[0], dps)
    if kind == "variance":
        m, e1 = E(exprs[0], dps)
        s2, e2 = E(exprs[0] ** 2, dps)
        return s2 - m ** 2, e2 + 2 * abs(m) * e1
    if kind == "covariance":
        a, ea = E(exprs[0], dps)
        b, eb = E(exprs[1], dps)
        ab, eab = E(exprs[0] * exprs[1], dps)
        return ab - a * b, eab + abs(a) * eb + abs(b) * ea
    if kind == "mgf":  # exprs = [X, t] with t a number
        return E(sp.exp(exprs[1] * exprs[0]), dps)
    if kind == "entropy":
        X = exprs[0]
        if isinstance(X.pspace, st.frv.SingleFinitePSpace):  # -sum p log p, in floats
            with mpmath.workdps(dps):
                probs = [mpmath.mpf(sp.N(v, dps)) for v in dict(st.density(X).dict).values()]
                return -mpmath.fsum(q * mpmath.log(q) for q in probs if q), \
                    mpmath.mpf(10) ** (-dps) * len(probs)
        return E(-sp.log(st.density(X)(X)), dps)
    raise ValueError(kind)  # pragma: no cover


_MC_SIZE, _MC_BATCHES = 200_000, 20


def _monte_carlo(kind, exprs, value, seed):
    """Monte Carlo check of a closed form (numeric parameters): batch means, z-score."""
    rvs = sorted(set().union(*(st.random_symbols(e) for e in exprs[:2])), key=str)
    plain = [sp.Symbol(f"_{rv}", real=True) for rv in rvs]
    draws = [np.asarray(st.sample(rv, size=(_MC_SIZE,), seed=seed + i), dtype=float)
             for i, rv in enumerate(rvs)]
    funcs = [compile_expr(e.xreplace(dict(zip(rvs, plain))), plain) for e in exprs[:2]]
    cols = [np.broadcast_to(np.asarray(f(*draws), dtype=float), (_MC_SIZE,)) for f in funcs]
    if kind == "mgf":
        cols = [np.exp(float(exprs[1]) * cols[0])]
    stats = []
    for chunk in np.array_split(np.arange(_MC_SIZE), _MC_BATCHES):
        a = cols[0][chunk]
        if kind in ("E", "mgf"):
            stats.append(a.mean())
        elif kind == "variance":
            stats.append(a.var(ddof=1))
        elif kind == "covariance":
            stats.append(np.cov(a, cols[1][chunk])[0, 1])
        else:
            raise NotImplementedError(f"no Monte Carlo check for {kind}")
    stats = np.asarray(stats)
    estimate, se = stats.mean(), stats.std(ddof=1) / np.sqrt(_MC_BATCHES)
    exact = complex(sp.N(value, 17))
    z = abs(exact - estimate) / se if se > 0 else (0.0 if exact == estimate else np.inf)
    return float(estimate), float(se), float(z)


def parameters(exprs):
    """The parameter symbols (not random variables, not the MGF's ``t``) in ``exprs``."""
    params = set()
    for e in exprs:
        for rv in st.random_symbols(e):
            params |= {s for s in rv.pspace.free_symbols if not is_random(s)} - {rv.symbol}
        params |= {s for s in e.free_symbols if not is_random(s)}
    return params - {MGF_T}


def _draw(params, rng, k):
    """Parameter values respecting assumptions; the first draw small, later ones larger."""
    point = {}
    for s in sorted(params, key=str):
        if s.is_integer:
            point[s] = sp.Integer(rng.randint(1, 5) + (2 if k else 0))
        else:
            lo, hi = (0.2, 0.95) if k == 0 else (1.5, 4.0)
            v = sp.Float(round(rng.uniform(lo, hi), 4), DPS)
            point[s] = -v if s.is_negative else v
    return point


def _check_numeric(kind, exprs, value, seed, budget):
    """Compare the closed form with quadrature/summation at random parameter values."""
    rng = random.Random(seed)
    params = parameters(exprs)
    t_values = [sp.Rational(1, 10), sp.Rational(-1, 20)] if kind == "mgf" else [None]
    used, worst = [], 0.0
    stop = time.process_time() + budget  # this runs guarded: its own CPU time
    for k in range(12 if params else 1):
        if time.process_time() > stop or len(used) >= (2 if params else 1) * len(t_values):
            break
        point = _draw(params, rng, k % 2) if params else {}
        try:
            concrete = [e.xreplace(point) for e in exprs]
            for rv in set().union(*(st.random_symbols(c) for c in concrete)):
                dist = getattr(rv.pspace, "distribution", None)
                if hasattr(dist, "check"):
                    dist.check(*dist.args)
        except (ValueError, TypeError):
            continue
        for t in t_values:
            at = dict(point)
            if t is not None:
                at[MGF_T] = t
            exact = value.xreplace(at)
            try:
                with mpmath.workdps(DPS):
                    ev = sp.N(exact, DPS)
                    if not ev.is_number or ev.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
                        continue
                    ev = mpmath.mpc(complex(ev)) if not ev.is_real else mpmath.mpf(ev)
                    num, err = numeric_value(kind, concrete + ([t] if t is not None else []))
            except NotImplementedError:
                try:
                    mc = _monte_carlo(kind, concrete + ([t] if t is not None else []),
                                      exact, seed)
                except (NotImplementedError, ValueError, TypeError) as exc:
                    return IntegralCheck("inconclusive", "numeric check", tuple(used), None,
                                         str(exc))
                estimate, se, z = mc
                shown = {str(s): float(v) for s, v in at.items()}
                status = "verified" if z < 5 else "refuted"
                return IntegralCheck(status, f"closed form vs Monte Carlo ({_MC_SIZE} draws, "
                                     f"{_MC_BATCHES} batches)", (shown,), abs(
                                         complex(sp.N(exact)) - estimate),
                                     f"estimate {estimate:.6g} ± {se:.2g}, |z| = {z:.2f}")
            except (ValueError, ZeroDivisionError, TypeError, ArithmeticError):
                continue
            scale = max(1.0, float(abs(num)))
            if not mpmath.isfinite(num) or float(err) > 1e-8 * scale:
                continue
            diff = float(abs(ev - num))
            shown = {str(s): float(v) for s, v in at.items()}
            used.append(shown)
            if diff > max(1e-8 * scale, 100 * float(err)):
                return IntegralCheck("refuted", "closed form vs quadrature/summation",
                                     tuple(used), diff,
                                     f"closed form {mpmath.nstr(ev, 12)} vs numeric "
                                     f"{mpmath.nstr(num, 12)} at {shown}")
            worst = max(worst, diff)
    if not used:
        return IntegralCheck("inconclusive", "closed form vs quadrature/summation", (), None,
                             "no sampled parameter values gave a finite numeric value")
    where = f" at {len(used)} random parameter values" if params or kind == "mgf" else ""
    return IntegralCheck("verified", f"closed form vs quadrature/summation{where}",
                         tuple(used), worst)


def check_closed_form(kind, exprs, value, seed, seconds):
    """The numeric check of ``value`` under a budget of ``seconds``: never raises."""
    try:
        return run(_check_numeric, args=(kind, exprs, value, seed, 0.8 * seconds),
                   seconds=seconds, what=f"numeric check of {kind}")
    except DerivationTimeout:
        return IntegralCheck("inconclusive", "closed form vs quadrature/summation", (), None,
                             f"the numeric check ran out of its budget ({seconds:.1f} s)")
    except Exception as exc:  # the check must never hide the result
        return IntegralCheck("inconclusive", "closed form vs quadrature/summation", (), None,
                             f"the numeric check failed: {type(exc).__name__}: {exc}"[:200])
