"""Gradient descent and its deep-learning variants on exact gradients.

Four update rules, chosen by ``variant``:

``"fixed"``
    ``x <- x - lr g(x)``.
``"armijo"``
    ``x <- x - alpha g(x)`` with ``alpha`` found by Armijo backtracking from
    ``lr`` (sufficient decrease ``f(x - alpha g) <= f(x) - c1 alpha |g|^2``).
``"momentum"``
    Polyak's heavy ball: ``v <- beta v - lr g(x)``, ``x <- x + v``.
``"nesterov"``
    Nesterov's accelerated gradient (Sutskever et al. 2013 form):
    ``v <- beta v - lr g(x + beta v)``, ``x <- x + v``.

When no learning rate is given and a Hessian is, the step is ``1 / L`` with
``L`` the largest Hessian eigenvalue at the start (exact for a quadratic, a
local estimate otherwise).

Examples
--------
>>> import numpy as np
>>> from derive.optimize.gradient_descent import gradient_descent
>>> A = np.diag([1.0, 10.0])
>>> fun, jac = (lambda x: 0.5 * x @ A @ x), (lambda x: A @ x)
>>> res = gradient_descent(fun, jac, [1.0, 1.0], variant="fixed", learning_rate=0.1)
>>> res.success, res.nit, np.round(res.x, 5)
(True, 132, array([0., 0.]))
>>> res = gradient_descent(fun, jac, [1.0, 1.0], variant="nesterov", learning_rate=0.05,
...                        momentum=0.5, tol=1e-8)
>>> res.success, bool(np.max(np.abs(res.x)) < 1e-8)
(True, True)
"""

from __future__ import annotations

import numpy as np
from scipy import linalg
from scipy.optimize import OptimizeResult

from derive.errors import ConvergenceError
from derive.optimize.objective import Objective, as_start
from derive.optimize.trace import Trace

VARIANTS = ("fixed", "armijo", "momentum", "nesterov")

MESSAGES = {
    0: "Optimization terminated successfully: |gradient|inf < tol.",
    1: "Maximum number of iterations reached before |gradient|inf < tol.",
    2: "Armijo backtracking could not decrease f.",
    3: "Diverged: f or the gradient became non-finite or f grew past 1e12 times its "
       "start; lower learning_rate.",
}


def _gd_iv(variant, learning_rate, momentum, tol, maxiter):
    if variant not in VARIANTS:
        raise ValueError(f"variant must be one of {VARIANTS}, got {variant!r}")
    if learning_rate is not None and not (np.isfinite(learning_rate) and learning_rate > 0):
        raise ValueError(f"learning_rate must be a positive number, got {learning_rate!r}")
    if not 0 <= momentum < 1:
        raise ValueError(f"momentum must lie in [0, 1), got {momentum!r}")
    if not (np.isfinite(tol) and tol > 0):
        raise ValueError(f"tol must be a positive number, got {tol!r}")
    if int(maxiter) != maxiter or maxiter < 0:
        raise ValueError(f"maxiter must be a non-negative integer, got {maxiter!r}")


def _default_rate(variant, obj, x):
    """1/L from the Hessian at the start, or 1 as the Armijo trial step."""
    if obj.hess is not None:
        lam = linalg.eigvalsh(0.5 * (obj.h(x) + obj.h(x).T), check_finite=False)
        obj.nhev -= 1  # symmetrizing evaluated it twice; count once
        top = float(np.max(np.abs(lam)))
        if np.isfinite(top) and top > 0:
            return 1.0 / top
    if variant == "armijo":
        return 1.0
    raise ValueError(
        f"variant={variant!r} needs a learning_rate (or a Hessian to choose 1/L from); "
        "pass learning_rate=..., e.g. 1e-3")


def gradient_descent(fun, jac, x0, *, variant="armijo", learning_rate=None, momentum=0.9,
                     hess=None, tol=1e-6, maxiter=10_000, args=(), c1=1e-4, shrink=0.5,
                     callback=None, throw=False):
    """Minimize ``fun`` by gradient descent with exact gradients.

    Parameters
    ----------
    fun : callable
        ``fun(x, *args) -> float`` on a 1-D array.
    jac : callable
        Gradient ``jac(x, *args) -> (n,)``.
    x0 : array_like
        Starting point.
    variant : {"fixed", "armijo", "momentum", "nesterov"}, optional
        Update rule (see the module docstring).
    learning_rate : float, optional
        Step size (``"armijo"``: the first trial step). Default ``1/L`` from
        ``hess`` at ``x0`` if given, else 1 for ``"armijo"``; required otherwise.
    momentum : float, optional
        ``beta`` in [0, 1) for ``"momentum"`` and ``"nesterov"``.
    hess : callable, optional
        Hessian, used only to choose the default learning rate.
    tol : float, optional
        Stop when ``|g|inf < tol``.
    maxiter : int, optional
        Maximum number of iterations.
    args : tuple, optional
        Extra arguments for ``fun``/``jac``/``hess``.
    c1, shrink : float, optional
        Armijo constant and backtracking factor (``"armijo"`` only).
    callback : callable, optional
        ``callback(x)`` after each iteration; returning True stops.
    throw : bool, optional
        Raise :class:`~derive.errors.ConvergenceError` instead of returning an
        unsuccessful result.

    Returns
    -------
    scipy.optimize.OptimizeResult
        ``x``, ``fun``, ``jac``, ``nit``, ``nfev``, ``njev``, ``nhev``,
        ``success``, ``status`` (0 converged, 1 maxiter, 2 line search failed,
        3 diverged), ``message``, ``method`` (the variant), ``learning_rate``
        and ``trace``.

    Examples
    --------
    >>> import numpy as np
    >>> from scipy.optimize import rosen, rosen_der
    >>> from derive.optimize.gradient_descent import gradient_descent
    >>> res = gradient_descent(rosen, rosen_der, [-1.2, 1.0], variant="armijo", maxiter=200)
    >>> res.success, res.status, res.nit
    (False, 1, 200)
    >>> bool(res.trace.f[-1] < res.trace.f[0])
    True
    """
    _gd_iv(variant, learning_rate, momentum, tol, maxiter)
    x = as_start(x0)
    obj = Objective(fun, jac, hess, x.size, args)
    lr = learning_rate if learning_rate is not None else _default_rate(variant, obj, x)
    beta = momentum if variant in ("momentum", "nesterov") else 0.0
    trace = Trace()
    f, g = obj.f(x), obj.g(x)
    f0 = f
    trace.record(x, f, np.max(np.abs(g)), 0.0)
    v = np.zeros_like(x)
    nit, status = 0, None
    if not (np.isfinite(f) and np.all(np.isfinite(g))):
        status = 3
    while status is None:
        if np.max(np.abs(g)) < tol:
            status = 0
            break
        if nit >= maxiter:
            status = 1
            break
        step = lr
        if variant == "fixed":
            x = x - lr * g
        elif variant == "armijo":
            gg = float(g @ g)
            for _ in range(60):
                f_new = obj.f(x - step * g)
                if np.isfinite(f_new) and f_new <= f - c1 * step * gg:
                    break
                if (np.isfinite(f_new) and step == lr
                        and f_new - f <= 100 * np.finfo(float).eps * max(1.0, abs(f))
                        and np.max(np.abs(obj.g(x - step * g))) < np.max(np.abs(g))):
                    break  # f cannot resolve the decrease (round-off); |g| shrinks
                step *= shrink
            else:
                status = 2
                break
            x = x - step * g
        elif variant == "momentum":
            v = beta * v - lr * g
            x = x + v
        else:
            v = beta * v - lr * obj.g(x + beta * v)
            x = x + v
        nit += 1
        f, g = obj.f(x), obj.g(x)
        trace.record(x, f, np.max(np.abs(g)) if np.all(np.isfinite(g)) else np.inf, step)
        if not (np.isfinite(f) and np.all(np.isfinite(g))) or \
                abs(f - f0) > 1e12 * max(1.0, abs(f0)):
            status = 3
            break
        if callback is not None and callback(np.copy(x)):
            status = 0 if np.max(np.abs(g)) < tol else 1
            break
    result = OptimizeResult(
        x=x, fun=f, jac=g, nit=nit, nfev=obj.nfev, njev=obj.njev, nhev=obj.nhev,
        success=status == 0, status=status, message=MESSAGES[status], method=variant,
        learning_rate=lr, trace=trace)
    if throw and status != 0:
        raise ConvergenceError(
            f"gradient descent ({variant}, learning_rate={lr:.3g}) from "
            f"x0={np.asarray(x0).tolist()!r}: {MESSAGES[status]} After {nit} iterations "
            f"|gradient|inf = {np.max(np.abs(g)):.3g} (tol {tol:g}). Try a larger maxiter, "
            "another learning_rate, or method='newton'.")
    return result
