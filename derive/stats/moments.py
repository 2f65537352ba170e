"""Expectations, variances, covariances, moments and moment generating functions.

Each function takes an expression in random variables (text, such as
``"X**2"`` or ``"X*Y"``) and their distributions (``"Normal(mu, sigma)"`` for a
single ``X``, or a mapping ``{"X": ..., "Y": ...}`` of independent variables),
asks ``sympy.stats`` for the closed form under the time budget of
:func:`derive.guard.run`, simplifies it (also under budget), and checks it: the
same quantity is computed by quadrature (continuous variables), summation
(discrete) or enumeration (finite) at random parameter values and compared.
Without a closed form in time and with numeric parameters, the numeric value
is returned with status ``"numeric"``.

Examples
--------
>>> from derive.stats.moments import expectation
>>> r = expectation("X**2", "Normal(mu, sigma)")
>>> r.value, r.check.status
(mu**2 + sigma**2, 'verified')
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
from derive.errors import DerivationTimeout, DeriveError, ParseError
from derive.guard import run
from derive.integrals import IntegralCheck, _mp_function, numeric_integral
from derive.integrals.existence import _bad as unusable
from derive.parsing import parse
from derive.stats.distributions import distribution, is_random
from derive.stats.result import StatsResult
from derive.stats.support import (
    SIZE,
    drop_support_conditions,
    existence,
    large_size,
    with_symbolic_size,
)

__all__ = ["expectation", "variance", "covariance", "moment", "moment_generating_function"]

#: Default budget (seconds) of one closed-form computation; checking gets as much again.
DEFAULT_SECONDS = 10.0
_DPS = 15
_T = sp.Symbol("t", real=True)


def random_variables(dist, *, name="X", symbols=None):
    """Name -> random variable, from one spec (named ``name``) or a mapping of specs.

    Examples
    --------
    >>> sorted(random_variables({"X": "Normal(0, 1)", "Y": "Poisson(2)"}))
    ['X', 'Y']
    """
    if dist is None:
        raise ParseError("no distribution given: pass e.g. 'Normal(mu, sigma)' or "
                         "{'X': 'Normal(0, 1)', 'Y': 'Exponential(1)'}")
    if isinstance(dist, dict):
        out = {}
        for k, v in dist.items():
            rv = distribution(v, name=str(k), symbols=symbols)
            out[str(rv)] = rv
            _TEXT[rv] = v if isinstance(v, str) else None
        return out
    rv = distribution(dist, name=name, symbols=symbols)
    _TEXT[rv] = dist if isinstance(dist, str) else None
    return {str(rv): rv}


_TEXT = {}  # random variable -> the text it was built from (for display only)


def _describe(rvs):
    out = {}
    for k, rv in rvs.items():
        if _TEXT.get(rv):
            out[k] = " ".join(_TEXT[rv].split())
            continue
        dist = rv.pspace.distribution if hasattr(rv.pspace, "distribution") else None
        out[k] = sp.sstr(dist) if dist is not None else sp.sstr(rv.pspace)
        out[k] = out[k].replace("Distribution(", "(")
    return out


def _read(expr, rvs, symbols):
    """Parse expr with the random variables' names bound to the random variables.

    A SymPy expression without random symbols is bound by name the same way
    (``X`` is the variable ``X``, ``sigma`` the family's parameter), so it means
    what its text would.
    """
    if isinstance(expr, sp.Basic) and st.random_symbols(expr):
        return expr
    plain = {k: sp.Symbol(k, real=True) for k in rvs}
    given = {} if symbols is None else (
        dict(symbols) if isinstance(symbols, dict) else {s.name: s for s in symbols})
    given.update(plain)
    for rv in rvs.values():  # parameters keep the assumptions the family gave them
        for s in rv.pspace.free_symbols if hasattr(rv.pspace, "free_symbols") else ():
            given.setdefault(s.name, s)
    if isinstance(expr, sp.Basic):
        expr = expr.xreplace({s: given[s.name] for s in expr.free_symbols
                              if isinstance(s, sp.Symbol) and s.name in given})
    out = parse(expr, symbols=given).xreplace({plain[k]: rv for k, rv in rvs.items()})
    if not st.random_symbols(out):
        raise ParseError(f"{expr!r} has no random variable ({', '.join(rvs)}); write it in "
                         "terms of them, e.g. 'X**2'")
    return out


# ---------------------------------------------------------------------------
# symbolic side (guarded; module-level so the guard can run it)
# ---------------------------------------------------------------------------

def _symbolic(kind, exprs):
    """The closed form of one quantity by sympy.stats (runs in a child process)."""
    if kind == "E":
        value = st.E(exprs[0])
    elif kind == "variance":
        value = st.variance(exprs[0])
    elif kind == "covariance":
        value = st.covariance(exprs[0], exprs[1])
    elif kind == "mgf":
        X = exprs[0]
        value = (st.moment_generating_function(X)(_T) if is_random(X)
                 else st.E(sp.exp(_T * X)))
    elif kind == "entropy":
        value = st.entropy(exprs[0])
    else:  # pragma: no cover
        raise ValueError(kind)
    if isinstance(value, sp.Basic) and value.has(sp.Integral, sp.Sum):
        value = drop_support_conditions(value).doit()
    return value


def _existence(kind, exprs):
    """``existence`` of the quantity (runs in a child process): E needs E|g| finite,
    a variance needs E[g] to exist and is infinite when E[g**2] is."""
    if kind == "E":
        return existence(exprs[0])
    if kind == "variance":
        first = existence(exprs[0])
        if first[0] == "does not exist":
            return first
        second = existence(exprs[0] ** 2)
        return ("diverges", sp.oo, second[2]) if second[0] else first
    return None, None, None


def _simplified(value):
    out = sp.simplify(value)
    return out if sp.count_ops(out) <= sp.count_ops(value) else value


# ---------------------------------------------------------------------------
# numeric side: the same quantity by quadrature / summation / enumeration
# ---------------------------------------------------------------------------

def _parts(g):
    """Replace random symbols by plain ones; return (plain expr, [(symbol, rv)])."""
    rvs = sorted(st.random_symbols(g), key=str)
    plain = [sp.Symbol(f"_{rv}", real=True) for rv in rvs]
    return g.xreplace(dict(zip(rvs, plain))), list(zip(plain, rvs))


def _numeric_expectation(g, dps=_DPS):
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


def _numeric(kind, exprs, dps=_DPS):
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


def _parameters(exprs):
    params = set()
    for e in exprs:
        for rv in st.random_symbols(e):
            params |= {s for s in rv.pspace.free_symbols if not is_random(s)} - {rv.symbol}
        params |= {s for s in e.free_symbols if not is_random(s)}
    return params - {_T}


def _draw(params, rng, k):
    """Parameter values respecting assumptions; the first draw small, later ones larger."""
    point = {}
    for s in sorted(params, key=str):
        if s.is_integer:
            point[s] = sp.Integer(rng.randint(1, 5) + (2 if k else 0))
        else:
            lo, hi = (0.2, 0.95) if k == 0 else (1.5, 4.0)
            v = sp.Float(round(rng.uniform(lo, hi), 4), _DPS)
            point[s] = -v if s.is_negative else v
    return point


def _check_numeric(kind, exprs, value, seed, budget):
    """Compare the closed form with quadrature/summation at random parameter values."""
    rng = random.Random(seed)
    params = _parameters(exprs)
    t_values = [sp.Rational(1, 10), sp.Rational(-1, 20)] if kind == "mgf" else [None]
    used, worst = [], 0.0
    stop = time.monotonic() + budget
    for k in range(12 if params else 1):
        if time.monotonic() > stop or len(used) >= (2 if params else 1) * len(t_values):
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
                at[_T] = t
            exact = value.xreplace(at)
            try:
                with mpmath.workdps(_DPS):
                    ev = sp.N(exact, _DPS)
                    if not ev.is_number or ev.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
                        continue
                    ev = mpmath.mpc(complex(ev)) if not ev.is_real else mpmath.mpf(ev)
                    num, err = _numeric(kind, concrete + ([t] if t is not None else []))
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


def _guarded_check(kind, exprs, value, seed, seconds):
    try:
        return run(_check_numeric, args=(kind, exprs, value, seed, 0.8 * seconds),
                   seconds=seconds, what=f"numeric check of {kind}")
    except DerivationTimeout:
        return IntegralCheck("inconclusive", "closed form vs quadrature/summation", (), None,
                             f"the numeric check ran out of its budget ({seconds:.1f} s)")
    except Exception as exc:  # the check must never hide the result
        return IntegralCheck("inconclusive", "closed form vs quadrature/summation", (), None,
                             f"the numeric check failed: {type(exc).__name__}: {exc}"[:200])


def derive_quantity(kind, exprs, rvs, quantity, *, seconds=DEFAULT_SECONDS, seed=0,
                    closed_form=None):
    """Closed form by sympy.stats under budget, checked numerically; numeric fallback.

    Used by every public function of :mod:`derive.stats`; ``kind`` is one of
    ``"E"``, ``"variance"``, ``"covariance"``, ``"mgf"``, ``"entropy"``.
    ``closed_form=(value, method)`` replaces the sympy.stats attempt by a
    formula from the literature (still checked numerically).
    """
    attempts = []
    t0 = time.monotonic()
    value = None
    described = _describe(rvs)
    size, big = large_size(exprs[0]) if kind != "covariance" else (None, None)
    if size is not None:
        return _large_support(kind, exprs, rvs, quantity, size, big, seconds, seed)
    try:
        verdict, limit, reason = run(_existence, args=(kind, exprs), seconds=seconds / 2,
                                     what=f"whether {quantity} exists")
    except (DerivationTimeout, DeriveError, ValueError, TypeError, NotImplementedError,
            ArithmeticError) as exc:
        verdict = None
        attempts.append(("existence", f"undecided: {exc}"[:200], time.monotonic() - t0))
    if verdict is not None:
        attempts.append(("existence", verdict, time.monotonic() - t0))
        return StatsResult(quantity, limit, verdict, "limit comparison of the tails with 1/|x|",
                           IntegralCheck("inconclusive", "none", (), None,
                                         f"no value to check: it {verdict}"),
                           described, None, tuple(attempts), reason)
    if closed_form is not None:
        value, method = closed_form
        check = _guarded_check(kind, exprs, value, seed, seconds)
        if check.status != "refuted":
            return StatsResult(quantity, value, "exact", method, check, described)
        attempts.append((method, f"refuted: {check.detail}", 0.0))
    try:
        value = run(_symbolic, args=(kind, exprs), seconds=seconds,
                    what=f"sympy.stats for {quantity}")
        if isinstance(value, sp.Basic) and value.has(sp.Integral, sp.Sum):
            attempts.append(("sympy.stats", "returned unevaluated", time.monotonic() - t0))
            value = None
        else:
            attempts.append(("sympy.stats", "closed form", time.monotonic() - t0))
    except DerivationTimeout:
        attempts.append(("sympy.stats", f"out of budget ({seconds:.1f} s)",
                         time.monotonic() - t0))
    except (ValueError, TypeError, NotImplementedError, ArithmeticError, DeriveError) as exc:
        attempts.append(("sympy.stats", f"failed: {exc}"[:200], time.monotonic() - t0))
    if value is not None and unusable(value):
        attempts.append(("sympy.stats", f"not a value: it contains {unusable(value)}", 0.0))
        value = None
    if value is not None and sp.count_ops(value) > 12:  # small forms are left as they are
        t1 = time.monotonic()
        try:
            value = run(_simplified, args=(value,), seconds=max(1.0, seconds / 3),
                        what=f"simplify of {quantity}")
            attempts.append(("simplify", "done", time.monotonic() - t1))
        except DerivationTimeout:
            attempts.append(("simplify", "out of budget", time.monotonic() - t1))
    if value is not None:
        check = _guarded_check(kind, exprs, value, seed, seconds)
        if check.status != "refuted":
            return StatsResult(quantity, value, "exact", "sympy.stats", check, described,
                               None, tuple(attempts))
        attempts.append(("check", f"refuted: {check.detail}", 0.0))
    if _parameters(exprs) or kind == "mgf":
        return StatsResult(quantity, sp.Symbol(quantity), "unevaluated", "none",
                           IntegralCheck("inconclusive", "none", (), None,
                                         "no verified closed form within the budget; "
                                         "substitute numbers for the parameters for a "
                                         "numeric value"), described, None, tuple(attempts))
    try:
        num, err = run(_numeric, args=(kind, exprs), seconds=seconds,
                       what=f"numeric {quantity}")
    except (DerivationTimeout, NotImplementedError, ValueError, ArithmeticError,
            TypeError) as exc:  # TypeError: mpmath meets zoo (a term 1/0 of a finite table)
        return StatsResult(quantity, sp.Symbol(quantity), "unevaluated", "none",
                           IntegralCheck("inconclusive", "none", (), None,
                                         f"no closed form and no numeric value: {exc}"),
                           described, None, tuple(attempts))
    number = sp.Float(mpmath.re(num), 15)
    return StatsResult(quantity, number, "numeric", "quadrature/summation (mpmath)",
                       IntegralCheck("inconclusive", "error estimate only", (), float(err)),
                       described, float(err), tuple(attempts))


def _at_size(value, size):
    """``value``, simplified in the size n (``n!/(n-1)!`` is ``n``), at ``n = size``
    (module level for the guard)."""
    return sp.simplify(sp.combsimp(value)).xreplace({SIZE: size})


def _large_support(kind, exprs, rvs, quantity, size, big, seconds, seed):
    """The quantity for a finite variable too large to enumerate: derived and checked
    (by enumeration at small sizes) as a function of its size, then evaluated."""
    symbolic, _ = with_symbolic_size(exprs, big, size)
    general = derive_quantity(kind, symbolic, rvs, quantity, seconds=seconds, seed=seed)
    note = (f"{big} has {size} outcomes, too many to enumerate: derived as a function of "
            f"the size n, checked by enumeration at small n, then evaluated at n = {size}")
    attempts = general.attempts + (("size", note, 0.0),)
    value = None
    if general.status == "exact" and not general.value.has(sp.Piecewise, sp.Sum):
        try:  # exact powers such as (2/3)**n grow with n: evaluated under the budget
            value = run(_at_size, args=(general.value, size), seconds=seconds,
                        what=f"{quantity} at n = {size}")
        except DerivationTimeout:
            attempts += (("evaluate", "out of budget", 0.0),)
    if value is not None and not unusable(value):
        return StatsResult(quantity, value, "exact", f"{general.method} in the size n",
                           general.check, general.variables, None, attempts)
    return StatsResult(quantity, sp.Symbol(quantity), "unevaluated", "none",
                       IntegralCheck("inconclusive", "none", (), None,
                                     "no closed form in the size n within the budget, and "
                                     f"{size} outcomes are too many to enumerate"),
                       general.variables, None, attempts)


def expectation(expr, dist=None, *, name="X", symbols=None, seconds=DEFAULT_SECONDS, seed=0):
    """E[expr] for random variables with the given distributions.

    Parameters
    ----------
    expr : str or sympy expression
        In the random variables, e.g. ``"X**2"`` or ``"exp(t*X)"``.
    dist : str, random symbol, or dict
        ``"Normal(mu, sigma)"`` (the variable is called ``name``), or a mapping
        ``{"X": "...", "Y": "..."}`` of independent variables.
    name : str
        Name of the single variable when ``dist`` is not a mapping.
    symbols : iterable of Symbol or dict, optional
        Symbols with assumptions for parameter names.
    seconds : float
        Budget of the closed form (the check gets as much again).
    seed : int
        Seed of the random parameter values used by the check.

    Returns
    -------
    StatsResult

    Examples
    --------
    >>> expectation("X", "Poisson(lamda)").value
    lamda
    """
    rvs = random_variables(dist, name=name, symbols=symbols)
    e = _read(expr, rvs, symbols)
    return derive_quantity("E", [e], rvs, f"E[{sp.sstr(e)}]", seconds=seconds, seed=seed)


def variance(expr, dist=None, *, name="X", symbols=None, seconds=DEFAULT_SECONDS, seed=0):
    """Var[expr]; arguments as in :func:`expectation`.

    Examples
    --------
    >>> variance("X", "Exponential(lamda)").value
    lamda**(-2)
    """
    rvs = random_variables(dist, name=name, symbols=symbols)
    e = _read(expr, rvs, symbols)
    return derive_quantity("variance", [e], rvs, f"Var[{sp.sstr(e)}]", seconds=seconds,
                           seed=seed)


def covariance(expr1, expr2, dist=None, *, name="X", symbols=None, seconds=DEFAULT_SECONDS,
               seed=0):
    """Cov[expr1, expr2] (functions of one or several variables, e.g. Cov(X, X**2)).

    Examples
    --------
    >>> covariance("X", "X**2", "Exponential(1)").value
    4
    """
    rvs = random_variables(dist, name=name, symbols=symbols)
    a, b = _read(expr1, rvs, symbols), _read(expr2, rvs, symbols)
    return derive_quantity("covariance", [a, b], rvs, f"Cov[{sp.sstr(a)}, {sp.sstr(b)}]",
                           seconds=seconds, seed=seed)


def moment(n, dist=None, *, central=False, expr=None, name="X", symbols=None,
           seconds=DEFAULT_SECONDS, seed=0):
    """The n-th raw (or central) moment E[X**n] (E[(X - E X)**n]).

    Examples
    --------
    >>> moment(3, "Exponential(1)", central=True).value
    2
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ValueError(f"n={n!r}: the order of a moment is a non-negative integer")
    rvs = random_variables(dist, name=name, symbols=symbols)
    base = _read(expr if expr is not None else name if name in rvs else next(iter(rvs)),
                 rvs, symbols)
    if central:
        mean = run(_symbolic, args=("E", [base]), seconds=seconds, what="the mean")
        target = (base - mean) ** n
        label = f"E[({sp.sstr(base)} - E[{sp.sstr(base)}])**{n}]"
    else:
        target, label = base ** n, f"E[{sp.sstr(base)}**{n}]"
    return derive_quantity("E", [target], rvs, label, seconds=seconds, seed=seed)


def moment_generating_function(dist=None, *, expr=None, name="X", symbols=None,
                               seconds=DEFAULT_SECONDS, seed=0):
    """M(t) = E[exp(t X)], as an expression in ``t`` (checked at small t).

    Examples
    --------
    >>> print(moment_generating_function("Normal(0, 1)").value)
    exp(t**2/2)
    """
    rvs = random_variables(dist, name=name, symbols=symbols)
    base = _read(expr if expr is not None else next(iter(rvs)), rvs, symbols)
    return derive_quantity("mgf", [base], rvs, f"M_{sp.sstr(base)}(t)", seconds=seconds,
                           seed=seed)
