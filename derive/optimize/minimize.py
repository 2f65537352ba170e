"""``minimize``: the public entry point, from a formula to a checked optimum.

``minimize(f, wrt, x0, method=...)`` differentiates ``f`` exactly
(:mod:`derive.calculus`), compiles the objective, gradient and Hessian to
NumPy (:func:`derive.optimize.objective.compile_objective`), checks the compiled
gradient and Hessian against finite differences and the complex step
(:mod:`derive.checking`), and runs the method:

* no ``x0``, no constraints: closed form, the lowest minimum among the
  stationary points (:func:`~derive.optimize.stationary.stationary_points`);
* constraints: Lagrange / KKT in closed form, else SLSQP or trust-constr
  (:func:`~derive.optimize.constrained.minimize_constrained`);
* ``"newton"`` (default with ``x0``): :func:`~derive.optimize.newton.newton`;
* ``"gd"``, ``"armijo"``, ``"momentum"``, ``"nesterov"``:
  :func:`~derive.optimize.gradient_descent.gradient_descent`;
* any :func:`scipy.optimize.minimize` method name, given the exact ``jac``
  and, where it uses one, ``hess``.

Every result is a :class:`scipy.optimize.OptimizeResult` with the extra keys
``method``, ``trace``, ``derivation`` and ``check``. Non-convergence is in
``success``/``message``, and raised as
:class:`~derive.errors.ConvergenceError` with ``throw=True``.

A local method stops at a local minimum. With ``restarts=k`` the method is
re-run ``k`` times from the best point found, perturbed by seeded Gaussian
noise, and ``minima`` lists the distinct local minima met; the lowest wins.
"""

from __future__ import annotations

import dataclasses
import numbers

import numpy as np
import sympy as sp
from scipy.optimize import OptimizeResult

from derive.checking.numeric import check_gradient, check_jacobian
from derive.errors import ConvergenceError, ShapeError
from derive.guard import CpuBudget
from derive.optimize.bridge import SCIPY_METHODS, scipy_minimize
from derive.optimize.constrained import minimize_constrained
from derive.optimize.gradient_descent import gradient_descent
from derive.optimize.newton import newton
from derive.optimize.objective import as_start, compile_objective
from derive.optimize.problem import Point, Problem
from derive.optimize.restarts import multistart
from derive.optimize.stationary import stationary_points

#: CPU seconds of a closed-form call without ``seconds=``: stationary points, Lagrange/KKT
DEFAULT_SECONDS = {"stationary": 10.0, "constrained": 20.0}

#: derive's own iterative methods and the gradient-descent variant they select.
OWN_METHODS = {"newton": None, "gd": "fixed", "armijo": "armijo", "momentum": "momentum",
               "nesterov": "nesterov"}


def _is_numbers(seq):
    if isinstance(seq, (str, sp.Basic)) or seq is None:
        return False
    try:
        items = list(np.ravel(np.asarray(seq, dtype=object)))
    except TypeError:
        return False
    return bool(items) and all(isinstance(v, numbers.Real) for v in items)


def _minimize_iv(method, restarts, restart_scale, seconds):
    if method is not None and method not in OWN_METHODS \
            and str(method).lower() not in SCIPY_METHODS and method not in ("lagrange", "kkt"):
        raise ValueError(f"unknown method {method!r}: use one of "
                         f"{', '.join(OWN_METHODS)}, or a scipy.optimize.minimize method "
                         f"({', '.join(sorted(SCIPY_METHODS))})")
    if int(restarts) != restarts or restarts < 0:
        raise ValueError(f"restarts must be a non-negative integer, got {restarts!r}")
    if not (np.isfinite(restart_scale) and restart_scale > 0):
        raise ValueError(f"restart_scale must be a positive number, got {restart_scale!r}")
    if seconds is not None and (isinstance(seconds, bool) or not isinstance(seconds, numbers.Real)
                                or not seconds > 0):
        raise ValueError(f"seconds must be a positive number of CPU seconds, got {seconds!r}")


def _derivations(problem):
    return {"gradient": problem.gradient(), "hessian": problem.hessian()}


#: up to this many variables the final check perturbs every coordinate; above, it checks
#: the gradient and Hessian along :data:`CHECK_DIRECTIONS` seeded random directions
FULL_CHECK_MAX = 10
CHECK_DIRECTIONS = 4


def _check_compiled(fun, jac, hess, x, seed=0):
    """Compiled gradient and Hessian against finite differences / complex step at x
    (the start point: at a minimizer the gradient vanishes and a Taylor test has
    nothing to measure).

    Above :data:`FULL_CHECK_MAX` variables, checking every coordinate would cost
    about as much as the optimization; the check then runs in the span of
    ``k`` Gaussian directions ``U`` (n x k): ``t -> f(x + U t)`` has gradient
    ``U^T jac``, ``t -> jac(x + U t)`` has Jacobian ``hess U``. Every entry of
    the gradient and of the Hessian enters these with a nonzero weight, so a
    wrong entry shows unless it is within the references' error; the cost is a
    few dozen evaluations at any n.
    """
    x = np.array(x, dtype=float)
    n = x.size
    if n <= FULL_CHECK_MAX:
        out = {"gradient": check_gradient(fun, jac, x)}
        if hess is not None:
            out["hessian"] = check_jacobian(jac, hess, x)
        return out
    U = np.random.default_rng(seed).standard_normal((n, CHECK_DIRECTIONS))
    t0 = np.zeros(CHECK_DIRECTIONS)
    how = (f"checked along {CHECK_DIRECTIONS} seeded random directions U (n = {n} > "
           f"{FULL_CHECK_MAX} variables): ")
    out = {"gradient": _along(check_gradient(lambda t: fun(x + U @ t),
                                             lambda t: U.T @ jac(x + U @ t), t0),
                              how + "the gradient of t -> f(x + U t) is U^T jac",
                              f"gradient of {getattr(fun, '__name__', 'f')}")}
    if hess is not None:
        out["hessian"] = _along(check_jacobian(lambda t: jac(x + U @ t),
                                               lambda t: hess(x + U @ t) @ U, t0),
                                how + "the Jacobian of t -> jac(x + U t) is hess U",
                                f"Jacobian of {getattr(jac, '__name__', 'jac')}")
    return out


def _along(report, line, subject):
    return dataclasses.replace(report, evidence=(line,) + tuple(report.evidence),
                               subject=subject)


def _run(method, fun, jac, hess, x0, tol, maxiter, learning_rate, momentum, options,
         bounds):
    if method == "newton":
        kw = {k: v for k, v in (("tol", tol), ("maxiter", maxiter)) if v is not None}
        return newton(fun, jac, hess, x0, **kw)
    if method in OWN_METHODS:
        kw = {k: v for k, v in (("tol", tol), ("maxiter", maxiter)) if v is not None}
        return gradient_descent(fun, jac, x0, variant=OWN_METHODS[method], hess=hess,
                                learning_rate=learning_rate, momentum=momentum, **kw)
    opts = dict(options or {})
    if maxiter is not None:
        opts.setdefault("maxiter", maxiter)
    return scipy_minimize(fun, jac, hess, x0, method=method, tol=tol, options=opts or None,
                          bounds=bounds)


def _printable(res):
    """Exact points (and empty mappings) as :class:`~derive.optimize.problem.Point` so
    that ``print(res)`` and Jupyter's display of the bare result work (SciPy formats
    nested dicts by their text keys, and fails on an empty one)."""
    for key, value in list(res.items()):
        if isinstance(value, dict) and (not value or any(isinstance(k, sp.Basic)
                                                         for k in value)):
            res[key] = Point(value)
    return res


def _closed_form(problem, derivation, throw, budget):
    sp_res = stationary_points(problem.f, problem.wrt, budget=budget)
    minima = sp_res.of_kind("minimum")
    common = dict(method="stationary", trace=None, derivation=derivation,
                  check=sp_res.check, stationary=sp_res, nit=0)
    if not minima:
        if sp_res.status == "timeout":
            msg = (f"the closed-form solve ran out of its time budget ({sp_res.message}); "
                   "pass a larger seconds=..., or x0 to run an iterative method")
        else:
            msg = (f"no strict local minimum among the stationary points ({sp_res.status}: "
                   f"{sp_res.message}); pass x0 to run an iterative method")
        if throw:
            raise ConvergenceError(f"minimize {problem.f}: {msg}")
        return OptimizeResult(x=None, fun=None, success=False, status=4, message=msg,
                              **common)
    best = min(minima, key=lambda p: p.fun)
    ties = [p for p in minima if abs(p.fun - best.fun) <= 1e-12 * max(1.0, abs(best.fun))]
    how = ("numeric enumeration, labelled numeric" if sp_res.status == "numeric"
           else "closed form")
    msg = (f"lowest of {len(minima)} local minim{'um' if len(minima) == 1 else 'a'} "
           f"among the stationary points ({sp_res.status}); {how}. The global "
           "minimum only if f attains one")
    if len(ties) > 1:
        msg += (f". {len(ties)} minima share the lowest value; x is the first of them "
                "(all are in stationary.points)")
    return OptimizeResult(x=best.x, fun=best.fun, point=best.point,
                          value=best.value, success=True, status=0, message=msg, **common)


def minimize(f, wrt=None, x0=None, *, method=None, constraints=(), jac=None, tol=None,
             maxiter=None, throw=False, check=True, restarts=0, restart_scale=1.0, seed=0,
             learning_rate=None, momentum=0.9, options=None, bounds=None, seconds=None):
    """Minimize a formula with exact derivatives.

    Parameters
    ----------
    f : str or sympy.Expr
        The objective (text is parsed safely).
    wrt : sequence of str or Symbol, optional
        The variables, in the order of ``x0`` (default: free symbols by
        name). A sequence of numbers here is taken as ``x0`` (SciPy's
        ``minimize(fun, x0, ...)`` order).
    x0 : array_like, optional
        Start for an iterative method; without it (and without constraints)
        the minimum is found in closed form.
    method : str, optional
        ``"newton"`` (default with ``x0``), ``"gd"``, ``"armijo"``,
        ``"momentum"``, ``"nesterov"``, any :func:`scipy.optimize.minimize`
        method, or for constrained problems ``"lagrange"``/``"kkt"``.
    constraints : sequence, optional
        ``"x + y = 1"``, ``"x >= 0"``, ``Eq(...)``, SymPy relationals or
        SciPy-style dicts (see :mod:`derive.optimize.problem`).
    jac : callable, optional
        A gradient of your own (e.g. derived by hand) to use instead of the
        derived one; it is compared with the exact gradient at ``x0`` and the
        comparison is reported in ``check["jac_vs_exact"]``.
    tol, maxiter : optional
        Gradient tolerance and iteration limit of the method.
    throw : bool, optional
        Raise :class:`~derive.errors.ConvergenceError` when not successful.
    check : bool, optional
        Check the compiled gradient and Hessian numerically at the solution.
    restarts : int, optional
        Re-run a local method this many times from perturbed copies of the
        best point (seeded by ``seed``, noise ``restart_scale * max(1,
        rms(x))``) and keep the lowest; ``minima`` lists what was found.
    learning_rate, momentum : optional
        For the gradient-descent methods.
    options, bounds : optional
        Passed to SciPy methods.
    seconds : float, optional
        One CPU-time budget for the whole call (default 10 s for stationary
        points, 20 s for Lagrange/KKT; with ``x0`` and no constraints, no
        limit). Differentiating and compiling ``f`` count against it; the
        closed-form solve
        (:func:`derive.guard.run`, CPU time of its child process) gets what is
        left, less a reserve for the numeric enumeration of stationary points
        that follows when the solve gives up; that enumeration gets what is
        left then, but at least ``min(seconds, 1 s)``
        (:data:`~derive.optimize.stationary.NUMERIC_FLOOR`); ``restarts``
        stop once the budget is used up. Past it the result says ``timeout``
        rather than guessing. The call as a whole uses at most ``seconds +
        min(seconds, 1 s)`` of CPU time, plus the work that cannot be stopped
        midway (each started restart run, classifying the points found, and
        differentiating ``f``, which the parser's size caps bound) when that
        alone outgrows the budget.

    Returns
    -------
    scipy.optimize.OptimizeResult
        SciPy's fields plus ``method``, ``trace``, ``derivation`` (the
        gradient and Hessian derivations), ``check`` (CheckReports of the
        compiled gradient and Hessian at ``x0``, or the closed form's
        residual), ``wrt`` and, for iterative methods, ``objective`` (the
        compiled ``f``, used by :func:`~derive.optimize.plot.plot_path`).

    Examples
    --------
    >>> import numpy as np
    >>> from derive.optimize.minimize import minimize
    >>> res = minimize("(1 - x)**2 + 100*(y - x**2)**2", ["x", "y"], [-1.2, 1.0])
    >>> res.method, res.success, np.round(res.x, 8), res.nit
    ('newton', True, array([1., 1.]), 22)
    >>> res.check["gradient"].status
    'verified'
    >>> res = minimize("x**2 + y**2", ["x", "y"], constraints=["x + y = 1"])
    >>> res.point, res.multipliers
    ({x: 1/2, y: 1/2}, {'eq': [-1.0], 'ineq': []})
    """
    if x0 is None and _is_numbers(wrt):
        wrt, x0 = None, wrt
    _minimize_iv(method, restarts, restart_scale, seconds)
    if seconds is None and (constraints or x0 is None):
        seconds = DEFAULT_SECONDS["constrained" if constraints else "stationary"]
    budget = CpuBudget(seconds)
    problem = Problem.build(f, wrt, constraints)
    derivation = _derivations(problem)
    if problem.equalities or problem.inequalities:
        res = minimize_constrained(problem.f, problem.wrt,
                                   [sp.Eq(h, 0, evaluate=False) for h in problem.equalities]
                                   + [sp.Le(g, 0, evaluate=False) for g in problem.inequalities],
                                   x0=x0, method=method, throw=throw, budget=budget)
        res["derivation"] = derivation
        res["wrt"] = problem.wrt
        return _printable(res)
    if x0 is None:
        if method is not None:
            raise ValueError(f"method={method!r} is iterative and needs x0 (a start point); "
                             "omit method for the closed form")
        res = _closed_form(problem, derivation, throw, budget)
        res["wrt"] = problem.wrt
        return _printable(res)
    x0 = as_start(x0)
    if x0.size != len(problem.wrt):
        raise ShapeError(f"x0 has {x0.size} entries but there are {len(problem.wrt)} "
                         f"variables ({', '.join(map(str, problem.wrt))}); give one start "
                         "value per variable, in the order of wrt")
    fun, jac_exact, hess = compile_objective(problem.f, problem.wrt, gradient=True,
                                             hessian=True, derivations=derivation)
    method = method or "newton"
    checks = {}
    use_jac = jac_exact
    if jac is not None:
        if not callable(jac):
            raise TypeError(f"jac must be callable, got {type(jac).__name__}")
        use_jac = jac
        mine = np.asarray(jac(x0), dtype=float).ravel()
        exact = np.asarray(jac_exact(x0), dtype=float).ravel()
        err = float(np.max(np.abs(mine - exact)) / max(1.0, np.max(np.abs(exact))))
        checks["jac_vs_exact"] = {"max_rel_error": err, "agrees": err < 1e-8,
                                  "method": "your jac against the derived gradient at x0"}
    if not restarts:
        res = _run(method, fun, use_jac, hess, x0, tol, maxiter, learning_rate, momentum,
                   options, bounds)
    if restarts:
        res = multistart(lambda start: _run(method, fun, use_jac, hess, start, tol, maxiter,
                                            learning_rate, momentum, options, bounds),
                         x0, restarts=restarts, scale=restart_scale, seed=seed, budget=budget)
    if res.success and res.get("hess_positive_definite") is True:
        res["message"] += (" The Hessian at x is positive definite: a strict local minimum; "
                           "global optimality is not certified.")
    if check:
        checks.update(_check_compiled(fun, jac_exact, hess, x0))
    res["check"] = checks
    res["objective"] = fun
    res["derivation"] = derivation
    res["wrt"] = problem.wrt
    if throw and not res.success:
        raise ConvergenceError(
            f"minimize {problem.f} with method={method!r} from x0={x0.tolist()}: "
            f"{res.message} Try a larger maxiter, another start, or another method.")
    return res
