"""The driver of :func:`integrate`: exact under a budget, else numeric, always checked."""

from __future__ import annotations

import time

import mpmath
import sympy as sp

from derive.errors import DerivationTimeout
from derive.guard import run as guarded
from derive.guard import CpuBudget
from derive.integrals.existence import classify, nonintegrable_point
from derive.integrals.inputs import _integrate_iv
from derive.integrals.parametric import (
    QuadratureFunction,
    check_function,
    reference_point,
)
from derive.integrals.quadrature import _two_rules
from derive.integrals.result import IntegralCheck, IntegralResult
from derive.integrals.symbolic import _attempt_plan, _sympy_attempt
from derive.integrals.verification import _verify_antiderivative, _verify_definite

__all__ = ["integrate"]

_SYMBOLIC_SHARE = 0.75      # of the budget, for the symbolic attempts
_FIRST_SHARE = 0.85         # of that, for SymPy's plain integrate (it finds most answers)
_MIN_SLICE = 0.5            # never start a guarded piece with less than this (s)


def integrate(f, *limits, digits=15, seconds=None, symbols=None, seed=0):
    """Integrate ``f`` exactly if SymPy can within the budget, else numerically.

    Parameters
    ----------
    f : str or sympy.Expr
        The integrand; text is read by :func:`derive.parsing.parse` (names become
        real symbols unless given in ``symbols``).
    *limits : symbol, name, or (variable, a, b)
        As in ``sympy.integrate``: ``x`` for an antiderivative, ``(x, a, b)`` for
        a definite integral (``"oo"`` for infinity); several for an iterated
        integral, innermost first.
    digits : int, optional
        Significant digits of a numeric answer (1 to 50, default 15).
    seconds : float, optional
        Total budget of the call in CPU seconds (default :data:`DEFAULT_SECONDS`):
        SymPy's attempts, their check and the numeric fallback share it, each
        piece started with at least 0.5 s, so the call can exceed it by that much.
    symbols : iterable of Symbol or dict, optional
        Symbols with assumptions to use for names in the text, e.g.
        ``[Symbol("a", positive=True)]``.
    seed : int, optional
        Seed of the random verification points.

    Returns
    -------
    IntegralResult

    Raises
    ------
    ParseError
        The integrand or a limit is not a valid expression.
    ValueError
        ``digits`` or ``seconds`` out of range.

    Examples
    --------
    >>> import sympy as sp
    >>> a = sp.Symbol("a", positive=True)
    >>> r = integrate("exp(-a*x)", ("x", 0, "oo"), symbols=[a])
    >>> r.value, r.check.status
    (1/a, 'verified')
    >>> integrate("x*exp(x)", "x").value
    (x - 1)*exp(x)
    >>> print(integrate("x**x", ("x", 0, 1)).value)
    0.783430510712134
    """

    expr, lims, digits, seconds = _integrate_iv(f, limits, digits, seconds, symbols)
    question = sp.Integral(expr, *lims)
    definite = all(len(lim) == 3 for lim in lims)
    # the pieces below share one budget of CPU seconds (wall-clock time never enters, so
    # a busy machine does not starve the checks and the numeric fallback); its total is
    # already stretched by DERIVE_TIME_BUDGET, so each piece's share is passed unscaled
    budget = CpuBudget(seconds)

    def run(func, args, seconds, what):
        return guarded(func, args, seconds=seconds / budget.scale, what=what,
                       charge_to=budget)

    symbolic_seconds = _SYMBOLIC_SHARE * budget.total
    attempts, refuted = [], None
    plan = _attempt_plan(expr, lims)
    for i, (name, options, positive) in enumerate(plan):
        left = symbolic_seconds - budget.spent()
        if left < _MIN_SLICE and i > 0:
            break
        share = max(_MIN_SLICE, left * (_FIRST_SHARE if i == 0 else 1.0 / (len(plan) - i)))
        g, glims = expr, lims
        if positive:
            g = expr.xreplace(positive)
            glims = tuple(tuple(t.xreplace(positive) for t in lim) for lim in lims)
        t0 = time.monotonic()
        try:
            value = run(_sympy_attempt, args=(g, glims, options, True), seconds=share,
                        what=f"{name} of {sp.sstr(expr)}")
        except DerivationTimeout:
            attempts.append((name, f"out of budget ({share:.1f} s)", time.monotonic() - t0))
            continue
        except Exception as exc:  # SymPy raises many kinds on hard integrals
            attempts.append((name, f"failed: {type(exc).__name__}: {exc}"[:200],
                             time.monotonic() - t0))
            continue
        if positive:
            value = value.xreplace({v: k for k, v in positive.items()})
        kind, value, region = classify(value)
        if kind == "singular" and definite and len(lims) == 1:
            kind, value, region = _settle_singular(run, expr, lims[0], region, budget)
        if kind in ("diverges", "does not exist"):
            attempts.append((name, kind, time.monotonic() - t0))
            return IntegralResult(question, question if value is None else value, kind, name,
                                  None, IntegralCheck("inconclusive", "none", (), None,
                                                     f"no value to check: it {kind}"),
                                  digits, tuple(attempts), reason=region)
        if kind != "value":
            attempts.append((name, f"no closed form: {region}"[:200], time.monotonic() - t0))
            continue
        assumed = tuple(f"{p} > 0" for p in (positive or {}))
        where = region
        if region is not None:
            assumed += (sp.sstr(region),)
            where = sp.And(region, *[sp.Gt(p, 0) for p in (positive or {})])
        check = _guarded_check(run, expr, lims, value, definite, digits, seed, budget, where)
        attempts.append((name, f"closed form, {check.status}", time.monotonic() - t0))
        if check.status == "refuted":
            refuted = (name, value, check)
            continue
        return IntegralResult(question, value, "exact", name, None, check, digits,
                              tuple(attempts), assumed, region=region)

    if not definite:
        note = "no closed form verified within the budget"
        if refuted:
            note = f"{refuted[0]} gave {sp.sstr(refuted[1])}, refuted: {refuted[2].detail}"
        if len(lims) == 1:
            found = _numeric_antiderivative(run, question, expr, lims[0][0], digits, budget,
                                            attempts, note, seed)
            if found is not None:
                return found
        return IntegralResult(question, question, "unevaluated", "none", None,
                              IntegralCheck("inconclusive", "none", (), None, note), digits,
                              tuple(attempts))
    return _numeric_fallback(run, question, expr, lims, digits, budget, attempts, refuted)


def _settle_singular(run, expr, lim, note, budget):
    """nan/zoo from SymPy: a divergence when the integrand has a non-integrable point."""
    share = max(_MIN_SLICE, 0.2 * budget.remaining())
    try:
        point = run(nonintegrable_point, args=(expr, *lim), seconds=share,
                    what=f"singularities of {sp.sstr(expr)}")
    except Exception:  # noqa: BLE001 - SymPy raises many kinds; undecided is the answer
        point = None
    if point is None:
        return "incomplete", None, note
    return ("diverges", None, f"the integrand {sp.sstr(expr)} is not integrable at "
            f"{lim[0]} = {sp.sstr(point)} in [{sp.sstr(lim[1])}, {sp.sstr(lim[2])}]: it grows "
            f"like 1/|{lim[0]} - {sp.sstr(point)}| or faster there ({note})")


def _guarded_check(run, expr, lims, value, definite, digits, seed, budget, region=None):
    left = budget.remaining()
    # verification may borrow from the numeric share but keeps a slice for it
    share = max(_MIN_SLICE, 0.6 * left)
    try:
        if definite:
            return run(_verify_definite, args=(expr, lims, value, digits, seed, region),
                       seconds=share, what="verification of the integral by mpmath.quad")
        return run(_verify_antiderivative,
                   args=(expr, value, [lim[0] for lim in lims], seed, region),
                   seconds=share, what="verification of the antiderivative")
    except DerivationTimeout:
        return IntegralCheck("inconclusive", "verification", (), None,
                             f"verification ran out of its budget ({share:.1f} s)")
    except Exception as exc:
        return IntegralCheck("inconclusive", "verification", (), None,
                             f"verification failed: {type(exc).__name__}: {exc}"[:200])


def _check_parametric(expr, var, lo, hi, params, seed):
    """Build the quadrature function in the guarded child and check it against mpmath."""
    return check_function(QuadratureFunction(expr, var, lo, hi, params), seed=seed)


def _parametric(run, question, expr, lim, params, digits, budget, attempts, why, seed,
                method=None, value=None):
    """A definite integral with parameters as a checked numeric function of them."""
    t0 = time.monotonic()
    var, lo, hi = lim
    try:
        F = QuadratureFunction(expr, var, lo, hi, params)
    except Exception as exc:  # noqa: BLE001 - an integrand NumPy cannot evaluate: no function
        attempts.append(("numeric function", f"failed: {exc}"[:200], time.monotonic() - t0))
        return None
    share = max(_MIN_SLICE, budget.remaining())
    try:
        check = run(_check_parametric, args=(expr, var, lo, hi, params, seed), seconds=share,
                    what="check of the quadrature function against mpmath.quad")
    except DerivationTimeout:
        check = IntegralCheck("inconclusive", "quad function vs mpmath.quad", (), None,
                              f"the check ran out of its budget ({share:.1f} s)")
    except Exception as exc:  # noqa: BLE001 - reported as the check's outcome
        check = IntegralCheck("inconclusive", "quad function vs mpmath.quad", (), None,
                              f"the check failed: {type(exc).__name__}: {exc}"[:200])
    if check.status == "refuted":
        attempts.append(("numeric function", "refuted", time.monotonic() - t0))
        return None
    attempts.append(("numeric function", f"numeric, {check.status}", time.monotonic() - t0))
    names = ", ".join(p.name for p in params)
    method = method or (f"numeric function of ({names}): scipy.integrate.quad per evaluation, "
                        "with its error estimate")
    check = IntegralCheck(check.status, check.method, check.points, check.max_abs_error,
                          f"{why}; {check.detail}" if check.detail else why)
    return IntegralResult(question, question if value is None else value, "numeric", method,
                          None, check, digits, tuple(attempts), function=F)


def _numeric_antiderivative(run, question, expr, x, digits, budget, attempts, why, seed):
    """F(x) = int_{x0}^{x} f(t) dt from a reference point where f is finite."""
    others = sorted(expr.free_symbols - {x}, key=lambda p: p.name)
    x0 = reference_point(expr, x, others)
    if x0 is None:
        attempts.append(("numeric antiderivative", "no reference point where the integrand is "
                         "finite among 0, 1, -1, 2", 0.0))
        return None
    t = sp.Dummy(f"{x.name}_", real=True)
    f_t = expr.xreplace({x: t})
    value = sp.Integral(f_t, (t, x0, x))
    return _parametric(run, question, f_t, (t, x0, x), [x] + others, digits, budget, attempts,
                       why, seed, method=f"numeric antiderivative F({x}) = integral of the "
                       f"integrand from the reference point {x} = {x0} (F({x0}) = 0), "
                       "scipy.integrate.quad per evaluation", value=value)


def _numeric_fallback(run, question, expr, lims, digits, budget, attempts, refuted):
    params = question.free_symbols
    why = "no closed form verified within the budget"
    if refuted:
        why = (f"{refuted[0]} gave {sp.sstr(refuted[1])}, refuted by {refuted[2].method}: "
               f"{refuted[2].detail}")
    if params and len(lims) == 1:
        found = _parametric(run, question, expr, lims[0], sorted(params, key=lambda p: p.name),
                            digits, budget, attempts, why, seed=0)
        if found is not None:
            return found
    if params:
        names = ", ".join(sorted(map(str, params)))
        return IntegralResult(question, question, "unevaluated", "none", None,
                              IntegralCheck("inconclusive", "none", (), None,
                                            f"{why}; no numeric value because of the "
                                            f"parameters {names} (substitute numbers)"),
                              digits, tuple(attempts))
    left = max(_MIN_SLICE, budget.remaining())
    t0 = time.monotonic()
    failed = None
    try:
        value, err, other = run(_two_rules, args=(expr, lims, digits + 5), seconds=left,
                                what=f"mpmath.quad of {sp.sstr(expr)}")
    except DerivationTimeout:
        failed = "ran out of the budget"
    except (ValueError, ZeroDivisionError, TypeError, ArithmeticError) as exc:
        failed = f"failed: {exc}"
    if failed:
        attempts.append(("mpmath.quad", failed[:200], time.monotonic() - t0))
        return IntegralResult(question, question, "unevaluated", "none", None,
                              IntegralCheck("inconclusive", "none", (), None,
                                            f"{why}; mpmath.quad {failed}"),
                              digits, tuple(attempts))
    attempts.append(("mpmath.quad", "numeric", time.monotonic() - t0))
    with mpmath.workdps(digits + 5):
        err = float(err)
        if value.imag == 0:
            number = sp.Float(value.real, digits)
        else:
            number = sp.Float(value.real, digits) + sp.I * sp.Float(value.imag, digits)
        scale = max(float(abs(value)), 1.0)
        tol = 10.0 ** (-digits) * scale * 10
        agree = None if other is None else float(abs(other - value))
    if agree is not None and agree <= max(tol, 10 * err) and err <= tol:
        check = IntegralCheck("verified", "tanh-sinh on the whole range and on a split range agree",
                              (), agree, f"{why}; estimated absolute error {err:.2g}")
    else:
        second = ("the second rule failed" if agree is None else
                  f"the split range differs by {agree:.2g}")
        check = IntegralCheck("inconclusive", "tanh-sinh error estimate vs a split range",
                              (), agree, f"{why}; estimated absolute error {err:.2g}, {second}: "
                              f"fewer than {digits} digits may be correct (oscillatory or "
                              "singular integrand?)")
    return IntegralResult(question, number, "numeric", "mpmath.quad (tanh-sinh)", err, check,
                          digits, tuple(attempts))
