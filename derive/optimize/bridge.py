"""The bridge to :func:`scipy.optimize.minimize`, fed compiled exact derivatives.

SciPy's methods are used as they are (derive does not re-implement BFGS or
SLSQP); this module passes them the gradient and, for methods that use one,
the Hessian compiled from the exact symbolic derivatives, records a
:class:`~derive.optimize.trace.Trace` through SciPy's callback, and, for
constrained problems, reports the Lagrange multipliers in derive's sign
convention (``L = f + lambda . h + mu . g``, ``g <= 0``): the method's own
(SLSQP, trust-constr) converted to that convention, else by least squares on
the stationarity condition, with the stationarity residual as the check.

Examples
--------
>>> import numpy as np
>>> from scipy.optimize import rosen, rosen_der, rosen_hess
>>> from derive.optimize.bridge import scipy_minimize
>>> res = scipy_minimize(rosen, rosen_der, rosen_hess, [-1.2, 1.0], method="trust-exact")
>>> res.success, np.round(res.x, 6), len(res.trace) == res.nit + 1
(True, array([1., 1.]), True)
"""

from __future__ import annotations

import numpy as np
import scipy.optimize as so

from derive.errors import ShapeError
from derive.optimize.objective import as_start, compile_objective
from derive.optimize.trace import Trace

#: SciPy methods that accept a Hessian (``hess=``).
HESSIAN_METHODS = frozenset({"newton-cg", "dogleg", "trust-ncg", "trust-krylov",
                             "trust-exact", "trust-constr"})
#: SciPy methods that use no derivatives at all.
DERIVATIVE_FREE = frozenset({"nelder-mead", "powell", "cobyla", "cobyqa"})
#: Every method name scipy.optimize.minimize knows.
SCIPY_METHODS = frozenset({"nelder-mead", "powell", "cg", "bfgs", "newton-cg", "l-bfgs-b",
                           "tnc", "cobyla", "cobyqa", "slsqp", "trust-constr", "dogleg",
                           "trust-ncg", "trust-exact", "trust-krylov"})


def _tracer(fun, jac):
    trace = Trace()
    last = {"x": None}

    def record(x, step):
        x = np.asarray(x, dtype=float)
        g = np.asarray(jac(x), dtype=float).ravel()
        trace.record(x, fun(x), np.max(np.abs(g)), step)
        last["x"] = x

    def callback(*args, **kwargs):
        x = args[0] if args else kwargs.get("intermediate_result")
        x = getattr(x, "x", x)
        prev = last["x"]
        record(x, np.linalg.norm(np.asarray(x) - prev) if prev is not None else 0.0)
    return trace, record, callback


def scipy_minimize(fun, jac, hess, x0, *, method="BFGS", tol=None, options=None,
                   bounds=None):
    """:func:`scipy.optimize.minimize` with exact ``jac`` (and ``hess`` where used).

    Parameters
    ----------
    fun, jac, hess : callable
        Objective, gradient and Hessian on 1-D arrays (``hess`` may be None).
    x0 : array_like
        Start.
    method : str
        Any :func:`scipy.optimize.minimize` method name (case-insensitive).
    tol : float, optional
        Passed to SciPy.
    options : dict, optional
        Passed to SciPy.
    bounds : sequence, optional
        Passed to SciPy (L-BFGS-B, TNC, SLSQP, trust-constr, Powell, ...).

    Returns
    -------
    scipy.optimize.OptimizeResult
        SciPy's result with ``method`` and ``trace`` added (the trace's
        ``step`` is the distance between successive iterates; its function
        and gradient evaluations are not counted in ``nfev``/``njev``).

    Examples
    --------
    >>> import numpy as np
    >>> from derive.optimize.bridge import scipy_minimize
    >>> res = scipy_minimize(lambda x: x @ x, lambda x: 2 * x, None, [1.0, 1.0],
    ...                      method="L-BFGS-B")
    >>> res.method, bool(np.allclose(res.x, 0))
    ('L-BFGS-B', True)
    """
    key = str(method).lower()
    if key not in SCIPY_METHODS:
        raise ValueError(f"unknown method {method!r}: use 'newton', 'gd', 'armijo', "
                         "'momentum', 'nesterov', or a scipy.optimize.minimize method "
                         f"({', '.join(sorted(SCIPY_METHODS))})")
    x = as_start(x0)
    trace, record, callback = _tracer(fun, jac)
    record(x, 0.0)
    kwargs = {}
    if key not in DERIVATIVE_FREE:
        kwargs["jac"] = jac
    if key in HESSIAN_METHODS and hess is not None:
        kwargs["hess"] = hess
    res = so.minimize(fun, x, method=method, tol=tol, options=options, bounds=bounds,
                      callback=callback, **kwargs)
    if len(trace) == 0 or not np.array_equal(trace.x[-1], res.x):
        record(res.x, float(np.linalg.norm(res.x - trace.x[-1])))
    res["method"] = method
    res["trace"] = trace
    if "jac" not in res or key in DERIVATIVE_FREE:
        res["jac"] = np.asarray(jac(res.x), dtype=float).ravel()
    return res


def multipliers_from_stationarity(grad_f, eq_jac, ineq_jac, ineq_val, *, active_tol=1e-8):
    """Multipliers ``lambda``, ``mu`` solving ``grad f + J_h^T lambda + J_g^T mu = 0``
    in least squares over the active constraints; returns them and the residual.

    Examples
    --------
    >>> import numpy as np
    >>> from derive.optimize.bridge import multipliers_from_stationarity
    >>> lam, mu, r = multipliers_from_stationarity(np.array([1.0, 1.0]),
    ...     np.array([[1.0, 1.0]]), np.zeros((0, 2)), np.zeros(0))
    >>> lam, mu, bool(r < 1e-14)
    (array([-1.]), array([], dtype=float64), True)
    """
    n = grad_f.size
    active = np.flatnonzero(ineq_val >= -active_tol * max(1.0, np.max(np.abs(ineq_val),
                                                                        initial=0.0)))
    A = np.vstack([eq_jac.reshape(-1, n), ineq_jac.reshape(-1, n)[active]]).T
    if A.shape[1] == 0:
        return np.zeros(0), np.zeros(len(ineq_val)), float(np.max(np.abs(grad_f)))
    m, *_ = np.linalg.lstsq(A, -grad_f, rcond=None)
    lam = m[:eq_jac.shape[0]]
    mu = np.zeros(len(ineq_val))
    mu[active] = m[eq_jac.shape[0]:]
    resid = float(np.max(np.abs(grad_f + A @ m)))
    return lam, mu, resid


def _method_multipliers(res, key, n_eq, n_in):
    """SLSQP's ``multipliers`` (grad f = sum m grad c, with c = h and c = -g) or
    trust-constr's ``v`` (grad f + J^T v = 0), as derive's (lambda, mu)."""
    if key == "slsqp" and res.get("multipliers") is not None \
            and len(res.multipliers) == n_eq + n_in:
        m = np.asarray(res.multipliers, dtype=float)
        return -m[:n_eq], m[n_eq:]
    if key == "trust-constr" and res.get("v") is not None and len(res.v) == n_eq + n_in:
        v = np.array([float(np.ravel(vi)[0]) for vi in res.v])
        return v[:n_eq], v[n_eq:]
    return None


def scipy_constrained(problem, x0, *, method="SLSQP", tol=None, maxiter=500):
    """Solve a constrained :class:`~derive.optimize.problem.Problem` with SLSQP or
    trust-constr, fed compiled exact gradients and constraint Jacobians.

    Returns an OptimizeResult with ``multipliers`` (``{"eq": [...], "ineq":
    [...]}`` in derive's convention), ``trace`` and ``check`` (KKT residual
    and maximum constraint violation at the solution).
    """
    wrt = problem.wrt
    fun, jac, hess = compile_objective(problem.f, wrt, gradient=True, hessian=True)
    eq3 = [compile_objective(h, wrt, gradient=True, hessian=True) for h in problem.equalities]
    in3 = [compile_objective(g, wrt, gradient=True, hessian=True) for g in problem.inequalities]
    eqs, ins = [c[:2] for c in eq3], [c[:2] for c in in3]
    key = method.lower()
    if key == "slsqp":
        cons = [{"type": "eq", "fun": h, "jac": dh} for h, dh in eqs]
        # SciPy's 'ineq' means fun >= 0; derive's g <= 0
        cons += [{"type": "ineq", "fun": (lambda x, g=g: -g(x)),
                  "jac": (lambda x, dg=dg: -np.asarray(dg(x)).ravel())} for g, dg in ins]
        options = {"maxiter": maxiter}
    elif key == "trust-constr":
        cons = [so.NonlinearConstraint(c, lb, 0.0, jac=lambda x, dc=dc: np.atleast_2d(dc(x)),
                                       hess=lambda x, v, hc=hc: v[0] * hc(x))
                for (c, dc, hc), lb in [(e, 0.0) for e in eq3] + [(i, -np.inf) for i in in3]]
        options = {"maxiter": maxiter}
    else:
        raise ValueError(f"constrained problems take method None, 'SLSQP' or "
                         f"'trust-constr', got {method!r}")
    x = as_start(x0)
    if x.size != len(wrt):
        raise ShapeError(f"x0 has {x.size} entries but there are {len(wrt)} variables "
                         f"({', '.join(map(str, wrt))})")
    trace, record, callback = _tracer(fun, jac)
    record(x, 0.0)
    kwargs = {"hess": hess} if key == "trust-constr" else {}
    res = so.minimize(fun, x, method=method, jac=jac, constraints=cons, tol=tol,
                      options=options, callback=callback, **kwargs)
    xs = res.x
    gf = np.asarray(jac(xs), dtype=float).ravel()
    J_h = np.array([np.asarray(dh(xs), dtype=float).ravel() for _, dh in eqs]).reshape(-1, xs.size)
    J_g = np.array([np.asarray(dg(xs), dtype=float).ravel() for _, dg in ins]).reshape(-1, xs.size)
    g_val = np.array([float(g(xs)) for g, _ in ins])
    h_val = np.array([float(h(xs)) for h, _ in eqs])
    lam, mu, resid = multipliers_from_stationarity(gf, J_h, J_g, g_val)
    own = _method_multipliers(res, key, len(eqs), len(ins))
    if own is not None:  # the method's own multipliers, in derive's sign convention
        lam, mu = own
        resid = float(np.max(np.abs(gf + J_h.T @ lam + J_g.T @ mu)))
    violation = float(max(np.max(np.abs(h_val), initial=0.0), np.max(g_val, initial=0.0)))
    res["method"] = method
    res["trace"] = trace
    res["multipliers"] = {"eq": lam.tolist(), "ineq": mu.tolist()}
    res["check"] = {"kkt_residual": resid, "max_violation": violation,
                    "min_multiplier_ineq": float(np.min(mu, initial=0.0)),
                    "method": "stationarity residual with the multipliers ("
                              + ("the method's own" if own is not None else
                                 "least squares on the active constraints")
                              + ") and constraint violation at the solution (float64)"}
    return res
