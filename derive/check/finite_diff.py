"""Central differences with a per-coordinate step and an error estimate.

Each partial derivative is estimated with central differences at two steps,
``h`` and ``h/2`` with ``h = eps**(1/3) * max(1, |x_j|)`` (rounded so that
``x + h`` is exact), and the two are combined by Richardson extrapolation.
The error estimate adds the truncation error, measured by how much the two
steps disagree, and the rounding error ``eps * |F| / h`` of the differences
(numdifftools' ``EstimateResult`` pattern: every value carries its error).

Examples
--------
>>> import numpy as np
>>> from derive.check.finite_diff import central_jacobian
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


def coordinate_steps(x, *, scale=EPS ** (1.0 / 3.0)):
    """Per-coordinate steps ``scale * max(1, |x_j|)``, rounded so ``x + h - x == h``.

    Examples
    --------
    >>> import numpy as np
    >>> h = coordinate_steps(np.array([0.0, 1e3]))
    >>> bool(np.allclose(h, [6.06e-6, 6.06e-3], rtol=1e-3))
    True
    """
    x = np.asarray(x, dtype=float)
    h = scale * np.maximum(1.0, np.abs(x))
    return (x + h) - x


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
        ``value`` and ``error`` of shape (m, n).

    Examples
    --------
    >>> import numpy as np
    >>> est = central_jacobian(lambda v: np.exp(10 * v), np.array([1.0]))
    >>> bool(abs(est.value[0, 0] / (10 * np.exp(10.0)) - 1) < 1e-9)
    True
    """
    x = np.asarray(x, dtype=float).ravel()
    h = coordinate_steps(x) if steps is None else np.asarray(steps, dtype=float)
    f0 = np.atleast_1d(np.asarray(F(x), dtype=float)).ravel()
    m, n = f0.size, x.size
    value = np.empty((m, n))
    error = np.empty((m, n))
    for j in range(n):
        samples = []
        for step in (h[j], h[j] / 2):
            e = np.zeros(n)
            e[j] = step
            fp = np.asarray(F(x + e), dtype=float).ravel()
            fm = np.asarray(F(x - e), dtype=float).ravel()
            samples.append(((fp - fm) / (2 * step), np.maximum(np.abs(fp), np.abs(fm))))
        (d1, s1), (d2, s2) = samples
        value[:, j] = d2 + (d2 - d1) / 3.0
        magnitude = np.maximum(np.maximum(s1, s2), np.abs(f0))
        error[:, j] = np.abs(d2 - d1) / 3.0 + 4.0 * EPS * magnitude / h[j]
    return FDEstimate(value, error, h)
