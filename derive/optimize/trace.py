"""The trace an iterative optimizer records: one row per iterate.

Every iterative method in :mod:`derive.optimize` returns its history as a
:class:`Trace` under the ``trace`` key of its ``OptimizeResult``, so loss
curves and paths are drawn the same way whatever the method.

Examples
--------
>>> import numpy as np
>>> from derive.optimize.trace import Trace
>>> t = Trace()
>>> t.record(np.array([1.0, 2.0]), 5.0, 4.0, 0.0)
>>> t.record(np.array([0.5, 1.0]), 1.25, 2.0, 0.5)
>>> t.f
array([5.  , 1.25])
>>> t.x.shape
(2, 2)
>>> len(t)
2
"""

from __future__ import annotations

import numpy as np


class Trace:
    """History of an iterative optimizer.

    Attributes (as arrays, one row per recorded iterate, the start included)
    --------------------------------------------------------------------------
    x : ndarray, shape (k, n)
        The iterates.
    f : ndarray, shape (k,)
        Objective values.
    grad_norm : ndarray, shape (k,)
        Infinity norm of the gradient at each iterate.
    step : ndarray, shape (k,)
        Step size (line-search ``alpha`` or learning rate) that produced the
        iterate; 0 for the start.
    extra : dict of str to ndarray
        Method-specific columns (for Newton: ``shift``, the multiple of the
        identity added to a Hessian that was not positive definite).
    """

    def __init__(self):
        self._x, self._f, self._g, self._s = [], [], [], []
        self._extra: dict[str, list] = {}

    def record(self, x, f, grad_norm, step, **extra):
        """Append one iterate (copied) with its objective, gradient norm and step."""
        self._x.append(np.array(x, dtype=float, copy=True))
        self._f.append(float(f))
        self._g.append(float(grad_norm))
        self._s.append(float(step))
        for key, value in extra.items():
            self._extra.setdefault(key, []).append(float(value))

    def __len__(self):
        return len(self._f)

    @property
    def x(self):
        return np.array(self._x)

    @property
    def f(self):
        return np.array(self._f)

    @property
    def grad_norm(self):
        return np.array(self._g)

    @property
    def step(self):
        return np.array(self._s)

    @property
    def extra(self):
        return {k: np.array(v) for k, v in self._extra.items()}

    def __repr__(self):
        if not self._f:
            return "Trace(empty)"
        return (f"Trace({len(self)} iterates, f: {self._f[0]:.6g} -> {self._f[-1]:.6g}, "
                f"|g|inf: {self._g[0]:.3g} -> {self._g[-1]:.3g})")
