"""Optimizers that use exact derivatives: closed form, constraints, gradient
descent, Newton, and a bridge to :func:`scipy.optimize.minimize`.

Every iterative method returns a :class:`scipy.optimize.OptimizeResult` with a
``trace`` of its iterates.
"""

from derive.optimize.newton import newton

__all__ = ["newton"]
