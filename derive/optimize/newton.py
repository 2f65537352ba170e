"""Newton's method with the exact Hessian, a backtracking line search and a
Hessian modification where the Hessian is not positive definite.

The step solves ``(H + tau I) p = -g`` by Cholesky, with ``tau = 0`` when
``H`` is positive definite and otherwise the eigenvalue shift
``tau = -lambda_min(H) + beta`` (``beta = 1e-3 max(1, |lambda|_max)``), which
makes ``p`` a descent direction (Nocedal & Wright, *Numerical Optimization*,
2nd ed., sec. 3.4). The step length is found by Armijo backtracking from
``alpha = 1``, so near a minimum with a positive definite Hessian the method
takes full Newton steps and converges quadratically.

Examples
--------
2-D Rosenbrock from the textbook start, with SciPy's exact derivatives:

>>> import numpy as np
>>> from scipy.optimize import rosen, rosen_der, rosen_hess
>>> from derive.optimize.newton import newton
>>> res = newton(rosen, rosen_der, rosen_hess, [-1.2, 1.0])
>>> res.success, np.round(res.x, 8), res.nit
(True, array([1., 1.]), 22)
>>> bool(np.max(np.abs(res.jac)) < 1e-10)
True
"""

from __future__ import annotations

import numpy as np
from scipy import linalg
from scipy.optimize import OptimizeResult

from derive.errors import ConvergenceError
from derive.optimize.objective import Objective, as_start
from derive.optimize.trace import Trace

_EPS = np.finfo(float).eps

MESSAGES = {
    0: "Optimization terminated successfully: |gradient|inf < tol.",
    1: "Maximum number of iterations reached before |gradient|inf < tol.",
    2: "Line search could not decrease f (the gradient tolerance may be below "
       "what float64 round-off allows at this point).",
    3: "The objective, gradient or Hessian became non-finite (nan or inf).",
}


def _newton_iv(tol, maxiter, c1, shrink, max_backtracks):
    if not (np.isfinite(tol) and tol > 0):
        raise ValueError(f"tol must be a positive number, got {tol!r}")
    if int(maxiter) != maxiter or maxiter < 0:
        raise ValueError(f"maxiter must be a non-negative integer, got {maxiter!r}")
    if not 0 < c1 < 1:
        raise ValueError(f"c1 (Armijo constant) must lie in (0, 1), got {c1!r}")
    if not 0 < shrink < 1:
        raise ValueError(f"shrink (backtracking factor) must lie in (0, 1), got {shrink!r}")
    if int(max_backtracks) != max_backtracks or max_backtracks < 1:
        raise ValueError(f"max_backtracks must be a positive integer, got {max_backtracks!r}")


def modified_newton_step(grad, hess):
    """Newton direction ``p`` solving ``(H + tau I) p = -g`` and the shift ``tau``.

    ``tau`` is 0 when ``H`` (symmetrized) is positive definite; otherwise
    ``-lambda_min + beta`` with ``beta = 1e-3 max(1, max |lambda|)``.

    Examples
    --------
    >>> import numpy as np
    >>> from derive.optimize.newton import modified_newton_step
    >>> p, tau = modified_newton_step(np.array([1.0, 1.0]), np.diag([2.0, 4.0]))
    >>> p, tau
    (array([-0.5 , -0.25]), 0.0)
    >>> p, tau = modified_newton_step(np.array([1.0, 1.0]), np.diag([2.0, -1.0]))
    >>> bool(tau > 1), bool(p @ np.array([1.0, 1.0]) < 0)
    (True, True)
    """
    H = 0.5 * (hess + hess.T)
    tau = 0.0
    try:
        factor = linalg.cho_factor(H, check_finite=False)
    except linalg.LinAlgError:
        factor = None
    if factor is not None:
        p = linalg.cho_solve(factor, -grad, check_finite=False)
        if np.all(np.isfinite(p)) and p @ grad < 0:
            return p, tau
    lam = linalg.eigvalsh(H, check_finite=False)
    beta = 1e-3 * max(1.0, float(np.max(np.abs(lam))))
    tau = max(0.0, -float(lam[0])) + beta
    shifted = H + tau * np.eye(len(grad))
    p = linalg.cho_solve(linalg.cho_factor(shifted, check_finite=False), -grad,
                         check_finite=False)
    return p, tau


def newton(fun, jac, hess, x0, *, tol=1e-10, maxiter=100, args=(), c1=1e-4,
           shrink=0.5, max_backtracks=60, callback=None, throw=False):
    """Minimize ``fun`` by Newton's method with the exact Hessian.

    Parameters
    ----------
    fun : callable
        ``fun(x, *args) -> float`` on a 1-D array ``x``.
    jac : callable
        Gradient, ``jac(x, *args) -> (n,)`` array.
    hess : callable
        Hessian, ``hess(x, *args) -> (n, n)`` array.
    x0 : array_like
        Starting point (flattened to 1-D).
    tol : float, optional
        Stop when the infinity norm of the gradient is below ``tol``.
    maxiter : int, optional
        Maximum number of Newton iterations.
    args : tuple, optional
        Extra arguments passed to ``fun``, ``jac`` and ``hess``.
    c1 : float, optional
        Armijo sufficient-decrease constant.
    shrink : float, optional
        Factor by which the step is cut while backtracking.
    max_backtracks : int, optional
        Give up the line search after this many cuts.
    callback : callable, optional
        Called as ``callback(x)`` after every iteration; returning True stops.
    throw : bool, optional
        Raise :class:`~derive.errors.ConvergenceError` instead of returning an
        unsuccessful result.

    Returns
    -------
    scipy.optimize.OptimizeResult
        ``x``, ``fun``, ``jac`` (gradient at ``x``), ``hess``, ``nit``,
        ``nfev``, ``njev``, ``nhev``, ``success``, ``status`` (0 converged,
        1 maxiter, 2 line search failed, 3 non-finite), ``message``,
        ``method`` (``"newton"``), ``trace`` (a
        :class:`~derive.optimize.trace.Trace` with the Hessian ``shift``
        per iteration) and ``hess_positive_definite`` at the final point.

    Raises
    ------
    ConvergenceError
        With ``throw=True``, when the result is not a success.

    Examples
    --------
    A quadratic is solved in one step:

    >>> import numpy as np
    >>> from derive.optimize.newton import newton
    >>> A = np.array([[3.0, 1.0], [1.0, 2.0]]); b = np.array([1.0, -1.0])
    >>> res = newton(lambda x: 0.5 * x @ A @ x - b @ x, lambda x: A @ x - b,
    ...              lambda x: A, np.zeros(2))
    >>> res.nit, np.allclose(res.x, np.linalg.solve(A, b))
    (1, True)

    A saddle start is not a trap: the Hessian is shifted to descend.

    >>> res = newton(lambda x: x[0]**4 - x[0]**2 + x[1]**2,
    ...              lambda x: np.array([4*x[0]**3 - 2*x[0], 2*x[1]]),
    ...              lambda x: np.diag([12*x[0]**2 - 2, 2.0]), [1e-3, 1.0])
    >>> res.success, np.round(res.x, 6), res.hess_positive_definite
    (True, array([0.707107, 0.      ]), True)
    """
    _newton_iv(tol, maxiter, c1, shrink, max_backtracks)
    x = as_start(x0)
    obj = Objective(fun, jac, hess, x.size, args)
    trace = Trace()
    f = obj.f(x)
    g = obj.g(x)
    trace.record(x, f, np.max(np.abs(g)) if g.size else 0.0, 0.0, shift=0.0)
    status, nit, H = None, 0, None
    if not (np.isfinite(f) and np.all(np.isfinite(g))):
        status = 3
    while status is None:
        gnorm = np.max(np.abs(g))
        if gnorm < tol:
            status = 0
            break
        if nit >= maxiter:
            status = 1
            break
        H = obj.h(x)
        if not np.all(np.isfinite(H)):
            status = 3
            break
        p, tau = modified_newton_step(g, H)
        slope = float(p @ g)
        alpha, accepted = 1.0, False
        for _ in range(int(max_backtracks)):
            x_new = x + alpha * p
            f_new = obj.f(x_new)
            if np.isfinite(f_new) and f_new <= f + c1 * alpha * slope:
                accepted = True
                g_new = obj.g(x_new)
                break
            if (np.isfinite(f_new) and alpha == 1.0 and tau == 0.0
                    and f_new - f <= 100 * _EPS * max(1.0, abs(f))):
                # f can no longer resolve the decrease (round-off): accept the
                # full Newton step if it reduces the gradient.
                g_new = obj.g(x_new)
                if np.max(np.abs(g_new)) < gnorm:
                    accepted = True
                    break
            alpha *= shrink
        if not accepted:
            status = 2
            break
        nit += 1
        x, f, g = x_new, f_new, g_new
        trace.record(x, f, np.max(np.abs(g)), alpha, shift=tau)
        if not np.all(np.isfinite(g)):
            status = 3
            break
        if callback is not None and callback(np.copy(x)):
            status = 1 if np.max(np.abs(g)) >= tol else 0
            break
    if H is None or nit > 0 or status == 0:
        H = obj.h(x) if obj.hess is not None and np.all(np.isfinite(x)) else H
    try:
        pd = bool(H is not None and np.all(np.isfinite(H))
                  and linalg.eigvalsh(0.5 * (H + H.T))[0] > 0)
    except linalg.LinAlgError:
        pd = False
    result = OptimizeResult(
        x=x, fun=f, jac=g, hess=H, nit=nit, nfev=obj.nfev, njev=obj.njev, nhev=obj.nhev,
        success=status == 0, status=status, message=MESSAGES[status], method="newton",
        trace=trace, hess_positive_definite=pd)
    if throw and status != 0:
        raise ConvergenceError(
            f"newton from x0={np.asarray(x0).tolist()!r}: {MESSAGES[status]} After {nit} "
            f"iterations |gradient|inf = {np.max(np.abs(g)):.3g} (tol {tol:g}). Try a larger "
            "maxiter, a looser tol, another start, or method='trust-exact'.")
    return result
