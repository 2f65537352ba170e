"""Least squares and ridge regression from their normal equations.

The objective ``f(w) = ||X w - y||^2 + lambda ||w||^2`` is differentiated in
matrix form by :mod:`derive.matrix_calculus`: ``grad f = 2 X^T (X w - y) + 2 lambda w``
and ``Hess f = 2 (X^T X + lambda I)``. Because ``f`` is quadratic,
``grad f(w) = Hess f w + grad f(0)``, so the minimizer solves the normal
equations ``(X^T X + lambda I) w = X^T y``. They are solved on the data with a
stable factorization, never an explicit inverse:

``"lstsq"`` (default)
    :func:`numpy.linalg.lstsq` (SVD) on ``X`` itself, or for ridge on the
    stacked system ``[X; sqrt(lambda) I] w = [y; 0]``. Never forms
    ``X^T X``, so the condition number is not squared; handles rank
    deficiency (minimum-norm solution) and reports the rank.
``"cholesky"``
    Cholesky factorization of ``X^T X + lambda I`` (fast when ``n >> d``);
    a :class:`~derive.errors.SingularMatrixError` if it is not positive
    definite.

Examples
--------
>>> import numpy as np
>>> from derive.optimize.least_squares import least_squares
>>> X = np.array([[1.0, 0.0], [1.0, 1.0], [1.0, 2.0]]); y = np.array([1.0, 2.0, 4.0])
>>> res = least_squares(X, y)
>>> res.x.round(8).tolist(), res.rank
([0.83333333, 1.5], 2)
>>> res = least_squares(X, y, ridge=1.0, solver="cholesky")
>>> bool(np.allclose((X.T @ X + np.eye(2)) @ res.x, X.T @ y))
True
"""

from __future__ import annotations

import numpy as np
import sympy as sp
from scipy import linalg
from scipy.optimize import OptimizeResult

from derive.errors import ShapeError, SingularMatrixError
from derive.matrix_calculus.derivatives import gradient, hessian
from derive.matrix_calculus.symbols import matrix, vector

SOLVERS = ("lstsq", "cholesky")


def normal_equations():
    """The symbolic derivation: gradient and Hessian of the ridge objective in
    matrix form (:mod:`derive.matrix_calculus`) and the normal equations they give.

    Returns
    -------
    dict
        ``objective``, ``gradient`` and ``hessian`` (Derivations), and
        ``equations`` (a SymPy ``Eq``: ``Hess f w = -grad f(0)``).

    Examples
    --------
    >>> from derive.optimize.least_squares import normal_equations
    >>> ne = normal_equations()
    >>> ne["gradient"].result
    (2*lambda)*w + 2*X.T*(X*w - y)
    >>> ne["equations"]
    Eq(((2*lambda)*I + 2*X.T*X)*w, 2*X.T*y)
    """
    X, w, y = matrix("X", "n", "d"), vector("w", "d"), vector("y", "n")
    lam = sp.Symbol("lambda", nonnegative=True)
    r = X * w - y
    f = r.T * r + lam * (w.T * w)
    g, H = gradient(f, w), hessian(f, w)
    g0 = g.result.subs(w, sp.ZeroMatrix(*w.shape)).doit()
    return {"objective": f, "gradient": g, "hessian": H,
            "equations": sp.Eq(sp.MatMul(H.result, w), -g0, evaluate=False)}


def _ls_iv(X, y, ridge, solver):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    if X.ndim != 2:
        raise ShapeError(f"X must be a 2-D design matrix (n samples, d features), got "
                         f"shape {X.shape}")
    if y.shape not in ((X.shape[0],), (X.shape[0], 1)):
        raise ShapeError(f"y must have one entry per row of X ({X.shape[0]}), got shape "
                         f"{y.shape}")
    if not (np.all(np.isfinite(X)) and np.all(np.isfinite(y))):
        raise ValueError("X and y must be finite (found nan or inf); drop or impute them")
    if not (np.isfinite(ridge) and ridge >= 0):
        raise ValueError(f"ridge (lambda) must be a non-negative number, got {ridge!r}")
    if solver not in SOLVERS:
        raise ValueError(f"solver must be one of {SOLVERS}, got {solver!r}")
    return X, y.ravel()


def least_squares(X, y, *, ridge=0.0, solver="lstsq"):
    """Minimize ``||X w - y||^2 + ridge ||w||^2`` from the normal equations.

    Parameters
    ----------
    X : array_like, shape (n, d)
        Design matrix.
    y : array_like, shape (n,)
        Targets.
    ridge : float, optional
        ``lambda >= 0``; 0 is ordinary least squares.
    solver : {"lstsq", "cholesky"}, optional
        Factorization (see the module docstring).

    Returns
    -------
    scipy.optimize.OptimizeResult
        ``x`` (the weights ``w``), ``fun`` (objective value), ``jac`` (the
        gradient ``2 X^T (X w - y) + 2 lambda w`` at ``x``), ``rank`` (of
        ``X``, lstsq), ``method`` (``"normal-equations"``), ``solver``,
        ``success``, ``message``, ``derivation`` (the gradient, when
        :mod:`derive.matrix_calculus` is available) and ``check`` (relative size of
        the gradient at the solution: the normal-equation residual).

    Raises
    ------
    SingularMatrixError
        ``solver="cholesky"`` with ``X^T X + lambda I`` singular.

    Examples
    --------
    >>> import numpy as np
    >>> from derive.optimize.least_squares import least_squares
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((50, 3)); w = np.array([1.0, -2.0, 0.5])
    >>> res = least_squares(X, X @ w)
    >>> np.round(res.x, 12), res.check["relative_gradient"] < 1e-12
    (array([ 1. , -2. ,  0.5]), True)
    """
    X, y = _ls_iv(X, y, ridge, solver)
    n, d = X.shape
    rank = None
    if solver == "lstsq":
        if ridge > 0:
            A = np.vstack([X, np.sqrt(ridge) * np.eye(d)])
            b = np.concatenate([y, np.zeros(d)])
        else:
            A, b = X, y
        w, _, rank, _ = np.linalg.lstsq(A, b, rcond=None)
        rank = int(np.linalg.matrix_rank(X)) if ridge > 0 else int(rank)
    else:
        G = X.T @ X + ridge * np.eye(d)
        try:
            factor = linalg.cho_factor(G)
            diag = np.abs(np.diag(factor[0]))
            if (diag.min() / diag.max()) ** 2 < d * np.finfo(float).eps:
                raise linalg.LinAlgError("numerically singular")
            w = linalg.cho_solve(factor, X.T @ y)
        except linalg.LinAlgError as exc:
            raise SingularMatrixError(
                f"X^T X + {ridge:g} I ({d}x{d}) is not positive definite: X has dependent "
                "columns. Use solver='lstsq' (minimum-norm solution) or ridge > 0") from exc
    r = X @ w - y
    grad = 2 * (X.T @ r) + 2 * ridge * w
    scale = 2 * (np.linalg.norm(X, 2) * (np.linalg.norm(X, 2) * np.linalg.norm(w)
                                         + np.linalg.norm(y)) + ridge * np.linalg.norm(w))
    rel = float(np.linalg.norm(grad) / scale) if scale > 0 else 0.0
    derivation = normal_equations()["gradient"]
    deficient = rank is not None and rank < d
    msg = ("normal equations solved by " + solver
           + ("; X is rank deficient, w is the minimum-norm solution" if deficient else ""))
    return OptimizeResult(
        x=w, fun=float(r @ r + ridge * w @ w), jac=grad, rank=rank, success=True, status=0,
        message=msg, method="normal-equations", solver=solver, nit=0, derivation=derivation,
        check={"relative_gradient": rel,
               "method": "||2 X^T (X w - y) + 2 lambda w|| relative to its terms' scale"})
