"""Reference derivatives: id, op, input, wrt, expected, source of truth.

``input`` is text for :mod:`derive.parsing`; ``expected`` is built directly from
SymPy constructors, transcribed from the cited table, never from derive's
output. Sources:

* table: the standard table of derivatives (Abramowitz & Stegun 4.x for the
  elementary functions, 6.3/6.4 for gamma and polygamma, 7.1.19 for erf).
* rosen: ``scipy.optimize.rosen_der`` / ``rosen_hess`` (compared numerically).
* dl: the deep-learning identities sigma' = sigma (1 - sigma), softplus' = sigma.
"""

import sympy as sp

from derive.functions import sigmoid, softplus

x, y, z = sp.symbols("x y z", real=True)
w0, w1 = sp.symbols("w0 w1", real=True)

PROBLEMS = [
    # single-variable derivatives (table)
    dict(id="power", op="derivative", input="x**5", wrt=["x"], expected=5 * x**4, source="table"),
    dict(id="exp-chain", op="derivative", input="exp(3*x**2)", wrt=["x"],
         expected=6 * x * sp.exp(3 * x**2), source="table (A&S 4.2.1 + chain rule)"),
    dict(id="log", op="derivative", input="log(x**2 + 1)", wrt=["x"],
         expected=2 * x / (x**2 + 1), source="table (A&S 4.1.x)"),
    dict(id="sin-cos", op="derivative", input="sin(x)*cos(x)", wrt=["x"],
         expected=sp.cos(x)**2 - sp.sin(x)**2, source="table (A&S 4.3.110-111)"),
    dict(id="tan", op="derivative", input="tan(x)", wrt=["x"], expected=1 / sp.cos(x)**2,
         source="table (A&S 4.3.112)"),
    dict(id="atan", op="derivative", input="atan(x)", wrt=["x"], expected=1 / (1 + x**2),
         source="table (A&S 4.4.54)"),
    dict(id="tanh", op="derivative", input="tanh(x)", wrt=["x"], expected=1 / sp.cosh(x)**2,
         source="table (A&S 4.5.79)"),
    dict(id="sqrt", op="derivative", input="sqrt(1 + x**2)", wrt=["x"],
         expected=x / sp.sqrt(1 + x**2), source="table"),
    dict(id="quotient", op="derivative", input="x/(1 + x**2)", wrt=["x"],
         expected=(1 - x**2) / (1 + x**2)**2, source="table (quotient rule)"),
    dict(id="erf", op="derivative", input="erf(x)", wrt=["x"],
         expected=2 / sp.sqrt(sp.pi) * sp.exp(-x**2), source="A&S 7.1.19"),
    dict(id="loggamma", op="derivative", input="loggamma(x)", wrt=["x"],
         expected=sp.polygamma(0, x), source="A&S 6.3.1"),
    dict(id="sigmoid", op="derivative", input="sigmoid(x)", wrt=["x"],
         expected=sp.exp(-x) / (1 + sp.exp(-x))**2, source="dl"),
    dict(id="softplus", op="derivative", input="softplus(x)", wrt=["x"],
         expected=1 / (1 + sp.exp(-x)), source="dl"),
    dict(id="x-to-x", op="derivative", input="x**x", wrt=["x"],
         expected=x**x * (sp.log(x) + 1), source="table (logarithmic differentiation)"),
    dict(id="second-sin-exp", op="derivative2", input="sin(x)*exp(x)", wrt=["x"],
         expected=2 * sp.exp(x) * sp.cos(x), source="table (Leibniz rule)"),
    # gradients
    dict(id="grad-quadratic", op="gradient", input="x**2 + y**2", wrt=["x", "y"],
         expected=sp.Matrix([2 * x, 2 * y]), source="table"),
    dict(id="grad-product", op="gradient", input="x*y*z", wrt=["x", "y", "z"],
         expected=sp.Matrix([y * z, x * z, x * y]), source="table"),
    dict(id="grad-exp", op="gradient", input="exp(x*y) + log(z**2 + 1)", wrt=["x", "y", "z"],
         expected=sp.Matrix([y * sp.exp(x * y), x * sp.exp(x * y), 2 * z / (z**2 + 1)]),
         source="table"),
    dict(id="grad-logistic-loss", op="gradient", input="softplus(w0 + w1*x) - y*(w0 + w1*x)",
         wrt=["w0", "w1"],
         expected=sp.Matrix([1 / (1 + sp.exp(-(w0 + w1 * x))) - y,
                             x / (1 + sp.exp(-(w0 + w1 * x))) - x * y]),
         source="dl (logistic regression score)"),
    dict(id="grad-rosenbrock-2d", op="gradient", input="100*(y - x**2)**2 + (1 - x)**2",
         wrt=["x", "y"],
         expected=sp.Matrix([-400 * x * (y - x**2) - 2 * (1 - x), 200 * (y - x**2)]),
         source="rosen"),
    # Hessians
    dict(id="hess-rosenbrock-2d", op="hessian", input="100*(y - x**2)**2 + (1 - x)**2",
         wrt=["x", "y"],
         expected=sp.Matrix([[1200 * x**2 - 400 * y + 2, -400 * x], [-400 * x, 200]]),
         source="rosen"),
    dict(id="hess-cubic", op="hessian", input="x**3*y + y**2", wrt=["x", "y"],
         expected=sp.Matrix([[6 * x * y, 3 * x**2], [3 * x**2, 2]]), source="table"),
    dict(id="hess-logsumexp", op="hessian", input="log(exp(x) + exp(y))", wrt=["x", "y"],
         expected=sp.exp(x + y) / (sp.exp(x) + sp.exp(y))**2 * sp.Matrix([[1, -1], [-1, 1]]),
         source="dl (Hessian of log-sum-exp: diag(p) - p p^T)"),
    # Jacobians
    dict(id="jac-polar", op="jacobian", input="[x*cos(y), x*sin(y)]", wrt=["x", "y"],
         expected=sp.Matrix([[sp.cos(y), -x * sp.sin(y)], [sp.sin(y), x * sp.cos(y)]]),
         source="table (polar coordinates)"),
]
