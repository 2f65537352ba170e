"""Constrained minimization: Lagrange/KKT in closed form, else SciPy with exact derivatives.

Problem: minimize ``f(x)`` subject to ``h_i(x) = 0`` and ``g_j(x) <= 0``.
The Lagrangian is written (Boyd & Vandenberghe, *Convex Optimization*, 5.1)

    L(x, lambda, mu) = f(x) + sum_i lambda_i h_i(x) + sum_j mu_j g_j(x),

and a KKT point satisfies ``grad_x L = 0``, ``h = 0``, ``g <= 0``, ``mu >= 0``
and ``mu_j g_j = 0``. With this sign convention ``-lambda_i`` is the rate of
change of the optimal value when the constraint is relaxed to ``h_i = u``.

:func:`kkt_points` finds every KKT point in closed form: with equality
constraints only it solves the Lagrange system; with inequalities it
enumerates active sets (each subset ``A`` of the inequalities is solved with
``g_A = 0`` and ``mu`` off ``A`` set to 0), keeping the solutions that are
feasible and have ``mu >= 0``. Each point is classified by the Hessian of the
Lagrangian projected on the tangent space of the active constraints, and the
KKT residual is evaluated at 50 digits (``check``). :func:`minimize_constrained`
returns the best KKT point, or, when closed form fails or is too large, runs
SciPy's SLSQP or trust-constr with compiled exact gradients and Jacobians.

Examples
--------
>>> import sympy as sp
>>> from derive.optimize.constrained import minimize_constrained
>>> x, y = sp.symbols("x y", real=True)
>>> res = minimize_constrained(x**2 + y**2, [x, y], [sp.Eq(x + y, 1)])
>>> res.method, res.point, res.multipliers
('lagrange', {x: 1/2, y: 1/2}, {'eq': [-1.0], 'ineq': []})
"""

from __future__ import annotations

import itertools

import numpy as np
import sympy as sp
from scipy import linalg
from scipy.optimize import OptimizeResult

from derive.errors import ConvergenceError, DerivationTimeout, NoClosedFormError
from derive.guard import run
from derive.optimize.bridge import scipy_constrained
from derive.optimize.problem import Problem

#: Closed-form active-set enumeration is tried up to this many inequalities (2**m systems).
MAX_ENUMERATED_INEQUALITIES = 6
_DPS = 50
_FEAS_TOL = 1e-30


def multiplier_symbols(problem):
    """Fresh symbols ``lambda_i`` and ``mu_j`` not clashing with the variables."""
    taken = {s.name for s in problem.wrt}
    def fresh(stem, k):
        name = f"{stem}_{k}"
        while name in taken:
            name = "_" + name
        return sp.Symbol(name, real=True)
    lam = tuple(fresh("lambda", i + 1) for i in range(len(problem.equalities)))
    mu = tuple(fresh("mu", j + 1) for j in range(len(problem.inequalities)))
    return lam, mu


def lagrangian(problem):
    """``L = f + lambda . h + mu . g`` and the multiplier symbols."""
    lam, mu = multiplier_symbols(problem)
    L = problem.f + sum(l * h for l, h in zip(lam, problem.equalities)) \
        + sum(m * g for m, g in zip(mu, problem.inequalities))
    return L, lam, mu


def _solve_active_sets(L, wrt, lam, mu, eqs, ineqs, active_sets):
    """Module-level worker (runs under derive.guard): solutions per active set."""
    stat = [sp.diff(L, s) for s in wrt]
    out = []
    for active in active_sets:
        off = {mu[j]: 0 for j in range(len(mu)) if j not in active}
        system = [sp.expand(e.subs(off)) if e.has(*mu) else e for e in stat]
        system += list(eqs) + [ineqs[j] for j in active]
        unknowns = list(wrt) + list(lam) + [mu[j] for j in active]
        system = [e for e in system if e != 0]
        sols = sp.solve(system, unknowns, dict=True) if system else [{}]
        out.append((tuple(active), sols, off))
    return out


def _real_value(v):
    """Float of a real SymPy number, or None when it is not real."""
    c = complex(sp.N(v, _DPS))
    if abs(c.imag) > 1e-30 * max(1.0, abs(c.real)):
        return None
    return c.real


def _tangent_class(problem, L, lam, mu, sol, active):
    """Class of a KKT point from the Lagrangian Hessian on the active tangent space."""
    wrt = problem.wrt
    H = sp.hessian(L, wrt).subs(sol)
    Hn = np.array(H.evalf(30).tolist(), dtype=float)
    rows = list(problem.equalities) + [problem.inequalities[j] for j in active]
    if rows:
        J = np.array(sp.Matrix(rows).jacobian(wrt).subs(sol).evalf(30).tolist(), dtype=float)
        Z = linalg.null_space(J)
    else:
        Z = np.eye(len(wrt))
    if Z.shape[1] == 0:
        return "vertex", ()
    lamZ = np.linalg.eigvalsh(Z.T @ (0.5 * (Hn + Hn.T)) @ Z)
    scale = max(1.0, float(np.max(np.abs(lamZ))))
    signs = [0 if abs(v) < 1e-10 * scale else int(np.sign(v)) for v in lamZ]
    if all(s > 0 for s in signs):
        kind = "strict local minimum"
    elif all(s < 0 for s in signs):
        kind = "local maximum"
    elif any(s > 0 for s in signs) and any(s < 0 for s in signs):
        kind = "saddle"
    else:
        kind = "degenerate"
    return kind, tuple(float(v) for v in lamZ)


def kkt_points(f, wrt=None, constraints=(), *, seconds=20.0, budget=None):
    """Every KKT point of ``min f s.t. constraints``, in closed form.

    Parameters
    ----------
    f : str or sympy.Expr
        Objective.
    wrt : sequence of str or Symbol, optional
        Variables (default: all free symbols by name).
    constraints : sequence
        See :mod:`derive.optimize.problem` for the accepted forms.
    seconds : float, optional
        Time budget for all the symbolic solves together.
    budget : derive.guard.CpuBudget, optional
        A CPU-time account shared with the caller's other work; the solves get
        what is left of it (``seconds`` is then unused).

    Returns
    -------
    list of dict
        One dict per KKT point: ``point`` (exact), ``x`` (float array),
        ``value``, ``lambda`` and ``mu`` (exact multipliers by constraint
        order), ``active`` (indices of active inequalities), ``kind`` (from
        the projected Lagrangian Hessian) and ``residual`` (max KKT residual
        at 50 digits). Sorted by objective value.

    Raises
    ------
    NoClosedFormError
        SymPy cannot solve a KKT system, or there are too many inequalities
        to enumerate, or a continuum of KKT points.
    DerivationTimeout
        The solves exceed ``seconds``.

    Examples
    --------
    >>> import sympy as sp
    >>> from derive.optimize.constrained import kkt_points
    >>> x, y = sp.symbols("x y", real=True)
    >>> [(p["point"], p["mu"], p["active"]) for p in
    ...  kkt_points((x - 2)**2 + (y - 2)**2, [x, y], [x + y <= 2])]
    [({x: 1, y: 1}, (2,), (0,))]
    """
    problem = f if isinstance(f, Problem) else Problem.build(f, wrt, constraints)
    m = len(problem.inequalities)
    if m > MAX_ENUMERATED_INEQUALITIES:
        raise NoClosedFormError(
            f"{m} inequality constraints means 2**{m} active sets to enumerate (limit "
            f"{MAX_ENUMERATED_INEQUALITIES}); use method='SLSQP' or 'trust-constr' with x0")
    L, lam, mu = lagrangian(problem)
    active_sets = [a for k in range(m + 1) for a in itertools.combinations(range(m), k)
                   if k + len(problem.equalities) <= len(problem.wrt)]
    args = (L, problem.wrt, lam, mu, problem.equalities, problem.inequalities, active_sets)
    what = f"solving the KKT systems of {problem.f}"
    try:
        solved = (run(_solve_active_sets, args, seconds=seconds, what=what) if budget is None
                  else budget.run(_solve_active_sets, args, what=what))
    except NotImplementedError as exc:
        raise NoClosedFormError(
            f"SymPy cannot solve the KKT system of {problem.f} ({exc}); use "
            "method='SLSQP' or 'trust-constr' with x0") from exc
    points = []
    unknown_all = set(problem.wrt) | set(lam) | set(mu)
    for active, sols, off in solved:
        unknowns = set(problem.wrt) | set(lam) | {mu[j] for j in active}
        for sol in sols:
            if set(sol) != unknowns or any(v.free_symbols & unknown_all for v in sol.values()):
                raise NoClosedFormError(
                    f"the KKT system of {problem.f} has a continuum of solutions ({sol}); "
                    "the minimizer is not unique or needs a start point: use "
                    "method='SLSQP' with x0")
            full = dict(off)
            full.update(sol)
            vals = {s: _real_value(v) for s, v in full.items()}
            if any(v is None for v in vals.values()):
                continue
            if any(vals[mu[j]] < -_FEAS_TOL for j in active):
                continue  # wrong multiplier sign: not a minimizer's KKT point
            xsub = {s: full[s] for s in problem.wrt}
            g_vals = [_real_value(g.subs(xsub)) for g in problem.inequalities]
            if any(gv is None or gv > _FEAS_TOL for gv in g_vals):
                continue  # infeasible
            resid = [sp.diff(L, s).subs(full) for s in problem.wrt]
            resid += [h.subs(xsub) for h in problem.equalities]
            resid += [mu[j] * problem.inequalities[j].subs(xsub) for j in range(m)]
            resid_val = max([abs(complex(sp.N(r.subs(full), _DPS))) for r in resid] + [0.0])
            kind, eig = _tangent_class(problem, L, lam, mu, full, active)
            value = problem.f.subs(xsub)
            points.append(dict(
                point=xsub, x=np.array([vals[s] for s in problem.wrt]), value=value,
                fun=float(sp.N(value, _DPS)), active=tuple(active),
                **{"lambda": tuple(full[l] for l in lam)},
                mu=tuple(full[u] for u in mu), kind=kind, tangent_eigenvalues=eig,
                residual=resid_val))
    points.sort(key=lambda p: p["fun"])
    return points


def minimize_constrained(f, wrt=None, constraints=(), *, x0=None, method=None,
                         seconds=20.0, tol=1e-10, maxiter=500, throw=False, budget=None):
    """Minimize ``f`` subject to ``constraints``: closed form first, else SciPy.

    Parameters
    ----------
    f, wrt, constraints
        See :func:`kkt_points`.
    x0 : array_like, optional
        Start for SciPy (needed when closed form fails).
    method : {None, "lagrange", "kkt", "SLSQP", "trust-constr"}, optional
        ``None``: closed form (Lagrange with equalities only, KKT enumeration
        with inequalities), falling back to SLSQP when it fails.
    seconds : float, optional
        Time budget for the closed-form solves.
    budget : derive.guard.CpuBudget, optional
        A CPU-time account shared with the caller's other work, in place of
        ``seconds`` (see :func:`kkt_points`).
    tol, maxiter
        Passed to SciPy.
    throw : bool, optional
        Raise ConvergenceError when the result is not a success.

    Returns
    -------
    scipy.optimize.OptimizeResult
        ``x``, ``fun``, ``success``, ``status``, ``message``, ``method``;
        ``multipliers`` (``{"eq": [...], "ineq": [...]}``, floats, sign
        convention of the Lagrangian above), ``lagrangian``; closed form adds
        ``point`` and ``multipliers_exact`` (SymPy), ``kind`` and
        ``kkt_points`` (all of them); ``check`` says how the result was
        verified.

    Examples
    --------
    >>> import sympy as sp
    >>> from derive.optimize.constrained import minimize_constrained
    >>> p1, p2, p3 = sp.symbols("p1 p2 p3", positive=True)
    >>> res = minimize_constrained(p1*sp.log(p1) + p2*sp.log(p2) + p3*sp.log(p3),
    ...                            [p1, p2, p3], [sp.Eq(p1 + p2 + p3, 1)])
    >>> res.point, res.multipliers_exact["eq"]
    ({p1: 1/3, p2: 1/3, p3: 1/3}, (-1 + log(3),))
    """
    problem = Problem.build(f, wrt, constraints)
    if method not in (None, "lagrange", "kkt", "SLSQP", "trust-constr"):
        raise ValueError(f"method must be None, 'lagrange', 'kkt', 'SLSQP' or "
                         f"'trust-constr', got {method!r}")
    L, lam, mu = lagrangian(problem)
    closed_failure = None
    if method in (None, "lagrange", "kkt"):
        try:
            points = kkt_points(problem, seconds=seconds, budget=budget)
        except (NoClosedFormError, DerivationTimeout) as exc:
            if method is not None:
                raise
            closed_failure = str(exc)
        else:
            if points:
                return _closed_result(problem, L, points, throw)
            closed_failure = "no KKT point exists (the problem may be infeasible or unbounded)"
            if method is not None or x0 is None:
                return _failed(problem, L, closed_failure, throw)
    if x0 is None:
        return _failed(problem, L, f"closed form failed ({closed_failure}) and no x0 was "
                                   "given for a numeric method", throw)
    res = scipy_constrained(problem, x0, method=method or "SLSQP", tol=tol, maxiter=maxiter)
    res["lagrangian"] = L
    if closed_failure:
        res["message"] = f"{res['message']} (closed form: {closed_failure})"
    if throw and not res.success:
        raise ConvergenceError(f"{res.method} on {problem.f}: {res.message}")
    return res


def _closed_result(problem, L, points, throw):
    best = points[0]
    method = "kkt" if problem.inequalities else "lagrange"
    msg = (f"{len(points)} KKT point(s) found in closed form; the lowest objective is "
           f"returned (the global minimum if one exists, since every minimizer satisfying "
           f"a constraint qualification is a KKT point); it is a {best['kind']}")
    check = {"kkt_residual": max(p["residual"] for p in points),
             "method": f"KKT residual (stationarity, feasibility, complementarity) at "
                       f"{_DPS} digits"}
    res = OptimizeResult(
        x=best["x"], fun=best["fun"], success=True, status=0, message=msg, method=method,
        nit=0, point=best["point"], value=best["value"], kind=best["kind"],
        multipliers={"eq": [float(sp.N(v)) for v in best["lambda"]],
                     "ineq": [float(sp.N(v)) for v in best["mu"]]},
        multipliers_exact={"eq": best["lambda"], "ineq": best["mu"]},
        active=best["active"], kkt_points=points, lagrangian=L, check=check,
        trace=None)
    return res


def _failed(problem, L, why, throw):
    if throw:
        raise ConvergenceError(f"constrained minimization of {problem.f}: {why}")
    return OptimizeResult(x=None, fun=None, success=False, status=4, message=why,
                          method="kkt", nit=0, multipliers=None, lagrangian=L, trace=None,
                          check=None)
