"""Reference derivations for the checker: id, input, expected, source of truth.

Each entry is a derivation typed by hand from a table of derivatives or from
SciPy's reference formulas (``scipy.optimize.rosen_der`` / ``rosen_hess``), with
the points where it is hardest to check (ill-conditioned, near an optimum, near
a singularity). ``derivation(entry)`` builds the :class:`~derive.Derivation`.
A correct checker verifies every one of them: any other status is a false alarm.
"""

import sympy as sp

from derive.derivation import Derivation
from derive.functions import sigmoid, softplus

x, y, z = sp.symbols("x y z", real=True)
p, q = sp.symbols("p q", positive=True)


def rosen_symbols(n):
    return sp.symbols(f"x0:{n}", real=True)


def rosen(xs):
    return sum(100 * (xs[i + 1] - xs[i] ** 2) ** 2 + (1 - xs[i]) ** 2 for i in range(len(xs) - 1))


def rosen_grad(xs):
    """The formula of scipy.optimize.rosen_der, typed out."""
    n, g = len(xs), []
    for i in range(n):
        gi = 0
        if i < n - 1:
            gi += -400 * xs[i] * (xs[i + 1] - xs[i] ** 2) - 2 * (1 - xs[i])
        if i > 0:
            gi += 200 * (xs[i] - xs[i - 1] ** 2)
        g.append(gi)
    return sp.ImmutableMatrix(g)


def rosen_hess(xs):
    """The formula of scipy.optimize.rosen_hess, typed out."""
    n = len(xs)
    H = sp.zeros(n, n)
    for i in range(n):
        if i < n - 1:
            H[i, i] += 1200 * xs[i] ** 2 - 400 * xs[i + 1] + 2
            H[i, i + 1] = H[i + 1, i] = -400 * xs[i]
        if i > 0:
            H[i, i] += 200
    return sp.ImmutableMatrix(H)


R10, R6 = rosen_symbols(10), rosen_symbols(6)
A = sp.ImmutableMatrix([[3, 1, 0], [1, 4, 2], [0, 2, 5]])
V = sp.ImmutableMatrix(sp.symbols("v0:3", real=True))
SOFTMAX = sp.ImmutableMatrix([sp.exp(s) for s in (x, y, z)]) / (sp.exp(x) + sp.exp(y) + sp.exp(z))


def _softmax_jacobian():
    s = SOFTMAX
    return sp.ImmutableMatrix(3, 3, lambda i, j: s[i] * ((1 if i == j else 0) - s[j]))


TABLE = "table of derivatives"
CATALOGUE = [
    dict(id="exp10x", op="derivative", source=sp.exp(10 * x), wrt=(x,),
         expected=10 * sp.exp(10 * x), truth=TABLE),
    dict(id="exp10x_large", op="derivative", source=sp.exp(10 * x), wrt=(x,),
         expected=10 * sp.exp(10 * x), at={"x": 30.0}, truth=TABLE),
    dict(id="log_near_0", op="derivative", source=sp.log(p), wrt=(p,), expected=1 / p,
         at={"p": 1e-8}, truth=TABLE),
    dict(id="log1p_small", op="derivative", source=sp.log(1 + x), wrt=(x,), expected=1 / (1 + x),
         at={"x": 1e-12}, truth=TABLE),
    dict(id="tanh", op="derivative", source=sp.tanh(x), wrt=(x,), expected=1 - sp.tanh(x) ** 2,
         truth=TABLE),
    dict(id="tanh_far", op="derivative", source=sp.tanh(x), wrt=(x,),
         expected=1 - sp.tanh(x) ** 2, at={"x": 19.0}, truth=TABLE),
    dict(id="sigmoid", op="derivative", source=sigmoid(x), wrt=(x,),
         expected=sigmoid(x) * (1 - sigmoid(x)), truth=TABLE),
    dict(id="softplus_chain", op="derivative", source=softplus(3 * x), wrt=(x,),
         expected=3 * sigmoid(3 * x), truth=TABLE),
    dict(id="erf", op="derivative", source=sp.erf(x), wrt=(x,),
         expected=2 / sp.sqrt(sp.pi) * sp.exp(-x**2), truth=TABLE),
    dict(id="loggamma", op="derivative", source=sp.loggamma(p), wrt=(p,),
         expected=sp.polygamma(0, p), truth=TABLE),
    dict(id="x_pow_x", op="derivative", source=p ** p, wrt=(p,),
         expected=p ** p * (sp.log(p) + 1), truth=TABLE),
    dict(id="third_derivative", op="derivative", source=x * sp.exp(x), wrt=(x,),
         expected=(x + 3) * sp.exp(x), options={"n": 3}, truth="Leibniz rule"),
    dict(id="second_sin", op="derivative", source=sp.sin(2 * x), wrt=(x,),
         expected=-4 * sp.sin(2 * x), options={"n": 2}, truth=TABLE),
    dict(id="rosen10", op="gradient", source=rosen(R10), wrt=R10, expected=rosen_grad(R10),
         truth="scipy.optimize.rosen_der"),
    dict(id="rosen10_near_optimum", op="gradient", source=rosen(R10), wrt=R10,
         expected=rosen_grad(R10), at={f"x{i}": 1 + 1e-7 * i for i in range(10)},
         truth="scipy.optimize.rosen_der"),
    dict(id="rosen10_optimum", op="gradient", source=rosen(R10), wrt=R10,
         expected=rosen_grad(R10), at={f"x{i}": 1.0 for i in range(10)},
         truth="scipy.optimize.rosen_der"),
    dict(id="rosen6_hessian", op="hessian", source=rosen(R6), wrt=R6, expected=rosen_hess(R6),
         truth="scipy.optimize.rosen_hess"),
    dict(id="quadratic_form_gradient", op="gradient", source=(V.T * A * V)[0, 0], wrt=tuple(V),
         expected=2 * A * V, truth="d(v'Av) = (A + A')v"),
    dict(id="quadratic_form_hessian", op="hessian", source=(V.T * A * V)[0, 0], wrt=tuple(V),
         expected=2 * A, truth="d2(v'Av) = A + A'"),
    dict(id="logistic_nll", op="gradient",
         source=softplus(-y * (x * 2 + z)), wrt=(x, z),
         expected=sp.ImmutableMatrix([-2 * y * sigmoid(-y * (2 * x + z)),
                                      -y * sigmoid(-y * (2 * x + z))]),
         truth="softplus' = sigmoid, chain rule"),
    dict(id="parameters", op="gradient", source=y * sp.sin(x * z), wrt=(x, y),
         expected=sp.ImmutableMatrix([y * z * sp.cos(x * z), sp.sin(x * z)]), truth=TABLE),
    dict(id="polar_jacobian", op="jacobian",
         source=sp.ImmutableMatrix([p * sp.cos(y), p * sp.sin(y)]), wrt=(p, y),
         expected=sp.ImmutableMatrix([[sp.cos(y), -p * sp.sin(y)], [sp.sin(y), p * sp.cos(y)]]),
         truth=TABLE),
    dict(id="softmax_jacobian", op="jacobian", source=SOFTMAX, wrt=(x, y, z),
         expected=_softmax_jacobian(), truth="diag(s) - s s'"),
    dict(id="directional", op="directional", source=x**2 * y, wrt=(x, y),
         expected=2 * x * y * 3 + x**2 * 4, options={"direction": (3, 4)}, truth="grad . v"),
    dict(id="series_log1p", op="series", source=sp.log(1 + x), wrt=(x,),
         expected=x - x**2 / 2 + x**3 / 3, options={"n": 4, "x0": 0}, truth="Mercator series"),
    dict(id="series_exp_param", op="series", source=sp.exp(y * x), wrt=(x,),
         expected=sp.exp(y) * (1 + y * (x - 1) + y**2 * (x - 1)**2 / 2),
         options={"n": 3, "x0": 1}, truth="exponential series"),
]


def derivation(entry, result=None):
    """The :class:`Derivation` an entry describes (``result`` overrides ``expected``)."""
    return Derivation(entry["op"], entry["source"],
                      entry["expected"] if result is None else result,
                      tuple(entry["wrt"]), options=entry.get("options", {}))
