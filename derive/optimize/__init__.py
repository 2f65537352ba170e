"""Optimizers that use exact derivatives: closed form, constraints, gradient
descent, Newton, and a bridge to :func:`scipy.optimize.minimize`.

Every result is a :class:`scipy.optimize.OptimizeResult`; iterative methods add
a ``trace`` of their iterates, and results say how they were checked.

Examples
--------
>>> from derive.optimize import minimize
>>> res = minimize("(x - 1)**2 + 3*(y + 2)**2", ["x", "y"], [0.0, 0.0])
>>> res.method, res.nit, res.x.round(12).tolist()
('newton', 1, [1.0, -2.0])
"""

from derive.optimize.constrained import kkt_points, minimize_constrained
from derive.optimize.gradient_descent import gradient_descent
from derive.optimize.least_squares import least_squares, normal_equations
from derive.optimize.minimize import minimize
from derive.optimize.newton import newton
from derive.optimize.plot import plot, plot_loss, plot_path
from derive.optimize.restarts import multistart
from derive.optimize.stationary import stationary_points

__all__ = ["minimize", "newton", "gradient_descent", "stationary_points", "kkt_points",
           "minimize_constrained", "least_squares", "normal_equations", "multistart",
           "plot", "plot_loss", "plot_path"]
