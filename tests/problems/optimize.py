"""Reference problems for derive.optimize: id, input, expected, source of truth.

Every expected value comes from outside derive: textbook hand solutions (stated
with the reasoning in ``source``) or SciPy's reference Rosenbrock functions.
"""

import numpy as np
from scipy.optimize import rosen, rosen_der, rosen_hess

# Stationary points: (id, f, wrt, expected {coords: kind}, status, source)
STATIONARY = [
    ("cubic-saddle-min", "x**3 - 3*x + y**2", ["x", "y"],
     {(-1.0, 0.0): "saddle", (1.0, 0.0): "minimum"}, "complete",
     "f_x = 3x^2 - 3 = 0, f_y = 2y = 0; f_xx = 6x changes sign"),
    ("monkey-saddle", "x**3 - 3*x*y**2", ["x", "y"],
     {(0.0, 0.0): "degenerate"}, "complete",
     "Hessian at 0 is the zero matrix (monkey saddle)"),
    ("double-well", "x**4 - 2*x**2 + y**2", ["x", "y"],
     {(-1.0, 0.0): "minimum", (0.0, 0.0): "saddle", (1.0, 0.0): "minimum"}, "complete",
     "4x^3 - 4x = 0 -> x in {-1, 0, 1}; f_xx = 12x^2 - 4"),
    ("concave-quadratic", "-(x**2) + x*y - y**2 + 3*x", ["x", "y"],
     {(2.0, 1.0): "maximum"}, "complete",
     "-2x + y + 3 = 0, x - 2y = 0 -> (2, 1); Hessian [[-2,1],[1,-2]] negative definite"),
    ("himmelblau-like-3d", "x**2 + y**2 + z**2 - 2*x*z", ["x", "y", "z"],
     None, "infinite", "Hessian singular along x = z, y = 0: a line of minima"),
    ("linear", "2*x + 3*y", ["x", "y"], {}, "none", "constant nonzero gradient"),
    ("exp-no-critical", "exp(x) + y**2", ["x", "y"], {}, "none", "e^x > 0"),
]

# Equality-constrained (Lagrange): (id, f, wrt, constraints, x*, multipliers, f*, source)
EQUALITY = [
    ("circle-plane", "x**2 + y**2", ["x", "y"], ["x + y = 1"], [0.5, 0.5], [1.0], 0.5,
     "grad f = lam grad h: 2x = lam, 2y = lam, x + y = 1 -> x = y = 1/2, lam = 1 "
     "(sign: L = f - lam h)"),
    ("max-entropy-3", "p1*log(p1) + p2*log(p2) + p3*log(p3)", ["p1", "p2", "p3"],
     ["p1 + p2 + p3 = 1"], [1 / 3] * 3, [1 - np.log(3)], -np.log(3),
     "log p_i + 1 = lam for all i -> uniform, lam = 1 - log 3; min of -H is -log 3"),
    ("box-volume", "-(x*y*z)", ["x", "y", "z"], ["x*y + y*z + x*z = 12"], None, None, -8.0,
     "max volume with surface 2(xy+yz+zx) = 24: the cube x = y = z = 2"),
]

# Inequality-constrained (KKT): (id, f, wrt, constraints, x*, f*, source)
INEQUALITY = [
    ("projection-halfplane", "(x - 2)**2 + (y - 2)**2", ["x", "y"], ["x + y <= 2"],
     [1.0, 1.0], 2.0, "projection of (2, 2) onto x + y <= 2 is (1, 1), mu = 2"),
    ("inactive", "(x - 1)**2 + (y + 1)**2", ["x", "y"], ["x**2 + y**2 <= 4"],
     [1.0, -1.0], 0.0, "unconstrained minimizer (1, -1) is inside the disc"),
    ("nonneg-orthant", "(x + 1)**2 + (y - 3)**2", ["x", "y"], ["x >= 0", "y >= 0"],
     [0.0, 3.0], 1.0, "x clipped at 0, y free at 3"),
]


def rosenbrock_truth(n):
    """SciPy's rosen/rosen_der/rosen_hess for n variables and the standard start."""
    x0 = np.tile([-1.2, 1.0], n // 2) if n % 2 == 0 else np.r_[np.tile([-1.2, 1.0], n // 2), -1.2]
    return rosen, rosen_der, rosen_hess, x0
