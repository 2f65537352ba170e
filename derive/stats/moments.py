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

import time

import mpmath
import sympy as sp
import sympy.stats as st

from derive.errors import DerivationTimeout, DeriveError, ParseError
from derive.guard import run
from derive.integrals import IntegralCheck
from derive.integrals.existence import _bad as unusable
from derive.parsing import parse
from derive.stats.distributions import distribution, is_random
from derive.stats.numeric import MGF_T, check_closed_form, numeric_value, parameters
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
        value = (st.moment_generating_function(X)(MGF_T) if is_random(X)
                 else st.E(sp.exp(MGF_T * X)))
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
        check = check_closed_form(kind, exprs, value, seed, seconds)
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
        check = check_closed_form(kind, exprs, value, seed, seconds)
        if check.status != "refuted":
            return StatsResult(quantity, value, "exact", "sympy.stats", check, described,
                               None, tuple(attempts))
        attempts.append(("check", f"refuted: {check.detail}", 0.0))
    if parameters(exprs) or kind == "mgf":
        return StatsResult(quantity, sp.Symbol(quantity), "unevaluated", "none",
                           IntegralCheck("inconclusive", "none", (), None,
                                         "no verified closed form within the budget; "
                                         "substitute numbers for the parameters for a "
                                         "numeric value"), described, None, tuple(attempts))
    try:
        num, err = run(numeric_value, args=(kind, exprs), seconds=seconds,
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
