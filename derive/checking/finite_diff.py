"""Central differences with a per-coordinate step and an error estimate.

Each partial derivative is estimated with central differences at three steps,
``h``, ``h/2`` and ``h/4`` with ``h = eps**(1/5) * max(1, |x_j|)`` (the step
that balances the fourth-order truncation of one Richardson extrapolation
against rounding; rounded so that ``x + h`` is exact). Two extrapolations,
from ``(h, h/2)`` and ``(h/2, h/4)``, give the value and, by their difference,
its truncation error; the rounding error ``~ eps |F| / h`` is added
(numdifftools' ``EstimateResult`` pattern: every value carries its error).
Near a singularity (``0 < |x_j| < 1``) a relative step ``eps**(1/5) |x_j|`` is
tried as well and the estimate with the smaller error is kept.

Examples
--------
>>> import numpy as np
>>> from derive.checking.finite_diff import central_jacobian
>>> est = central_jacobian(lambda v: np.array([np.sin(v[0]) * v[1]]), np.array([0.5, 2.0]))
>>> np.allclose(est.value, [[2 * np.cos(0.5), np.sin(0.5)]], rtol=1e-10)
True
>>> bool(np.all(est.error < 1e-8))
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

EPS = np.finfo(float).eps


@dataclass(frozen=True)
class FDEstimate:
    """A finite-difference Jacobian with its absolute error estimate.

    Attributes
    ----------
    value : ndarray, shape (m, n)
        Richardson-extrapolated central differences.
    error : ndarray, shape (m, n)
        Estimated absolute error of ``value`` (truncation plus rounding).
    step : ndarray, shape (n,)
        The step used for each coordinate.
    """

    value: np.ndarray
    error: np.ndarray
    step: np.ndarray


BASE_STEP = EPS ** (1.0 / 5.0)


def coordinate_steps(x, *, scale=BASE_STEP):
    """Per-coordinate steps ``scale * max(1, |x_j|)``, rounded so ``x + h - x == h``.

    Examples
    --------
    >>> import numpy as np
    >>> h = coordinate_steps(np.array([0.0, 1e3]))
    >>> bool(np.allclose(h, [7.4e-4, 0.74], rtol=1e-2))
    True
    """
    x = np.asarray(x, dtype=float)
    h = scale * np.maximum(1.0, np.abs(x))
    return (x + h) - x


SHRINKS = 12   # times a step is divided by 1000 when it leaves the function's domain


def _differences(F, x, j, steps):
    out = []
    with np.errstate(all="ignore"):
        for s in steps:
            e = np.zeros(x.size)
            e[j] = s
            fp = np.asarray(F(x + e), dtype=float).ravel()
            fm = np.asarray(F(x - e), dtype=float).ravel()
            out.append(((fp - fm) / (2 * s), np.maximum(np.abs(fp), np.abs(fm))))
    return out


def _column(F, x, j, step, f0):
    """Column j by Richardson from steps h, h/2, h/4; shrinks the step out of trouble."""
    for _ in range(SHRINKS):
        samples = _differences(F, x, j, (step, step / 2, step / 4))
        if all(np.all(np.isfinite(d)) for d, _ in samples) or step < 1e-300:
            break
        # outside the domain (log near 0): shrink the step, keeping x + step exact
        smaller = (x[j] + step / 1000) - x[j]
        step = smaller if smaller > 0 else step / 1000
    (d1, s1), (d2, s2), (d3, s3) = samples
    coarse = d2 + (d2 - d1) / 3.0
    fine = d3 + (d3 - d2) / 3.0
    magnitude = np.maximum(np.maximum(np.maximum(s1, s2), s3), np.abs(f0))
    # |fine - coarse| is ~15x the truncation error of `fine`; rounding of the
    # h/4 and h/2 differences through the extrapolation is at most 6 eps |F| / h
    error = np.abs(fine - coarse) + 8.0 * EPS * magnitude / step
    error = np.where(np.isfinite(error), error, np.inf)
    return fine, error, step


def central_jacobian(F, x, *, steps=None):
    """Estimate the Jacobian of ``F`` at ``x`` by central differences.

    Parameters
    ----------
    F : callable
        Maps a 1-D float array of size n to a 1-D float array of size m.
    x : array_like, shape (n,)
        The point.
    steps : array_like, optional
        The step for each coordinate; default :func:`coordinate_steps`.

    Returns
    -------
    FDEstimate
        ``value`` and ``error`` of shape (m, n). A step that leaves the
        function's domain (non-finite values) is divided by 1000 until it fits.

    Examples
    --------
    >>> import numpy as np
    >>> est = central_jacobian(lambda v: np.exp(10 * v), np.array([1.0]))
    >>> bool(abs(est.value[0, 0] / (10 * np.exp(10.0)) - 1) < 1e-9)
    True
    >>> est = central_jacobian(lambda v: np.log(v), np.array([1e-9]))
    >>> bool(abs(est.value[0, 0] * 1e-9 - 1) < 1e-6)
    True
    """
    x = np.asarray(x, dtype=float).ravel()
    h = coordinate_steps(x) if steps is None else np.array(steps, dtype=float)
    f0 = np.atleast_1d(np.asarray(F(x), dtype=float)).ravel()
    m, n = f0.size, x.size
    value = np.empty((m, n))
    error = np.empty((m, n))
    for j in range(n):
        best = None
        # an absolute step suits |x| >= 1 and smooth functions; a relative one suits
        # small |x| near a singularity (log near 0): keep whichever estimates smaller
        candidates = [h[j]] if steps is not None or not 0 < abs(x[j]) < 1 else \
            [h[j], (x[j] + BASE_STEP * abs(x[j])) - x[j]]
        for step in candidates:
            v, e, used = _column(F, x, j, step, f0)
            if best is None or np.max(e) < np.max(best[1]):
                best = (v, e, used)
        value[:, j], error[:, j], h[j] = best
    return FDEstimate(value, error, h)
