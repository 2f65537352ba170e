"""The main job, end to end, on a small built-in dataset (``derive demo``).

Logistic regression of passing an exam on hours studied (the 20-student
example of the Wikipedia article "Logistic regression"). The negative
log-likelihood of one observation,

    l(w0, w1; x, y) = softplus(w0 + w1 x) - y (w0 + w1 x),

is differentiated symbolically; its gradient and Hessian are compiled once to
NumPy functions that broadcast over the whole dataset; the compiled code is
checked against finite differences and mpmath; and Newton's method with the
exact Hessian runs to the maximum-likelihood estimate (the article reports
w0 = -4.1, w1 = 1.5).

Examples
--------
>>> result = fit()
>>> [round(float(v), 4) for v in result.x], result.nit <= 10
([-4.0777, 1.5046], True)
"""

from __future__ import annotations

import numpy as np

from derive.calculus import gradient, hessian
from derive.optimize.newton import newton
from derive.parsing import parse

#: Hours studied and pass (1) / fail (0) for 20 students.
HOURS = np.array([0.50, 0.75, 1.00, 1.25, 1.50, 1.75, 1.75, 2.00, 2.25, 2.50,
                  2.75, 3.00, 3.25, 3.50, 4.00, 4.25, 4.50, 4.75, 5.00, 5.50])
PASSED = np.array([0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 1, 1, 1, 1, 1], dtype=float)

#: The negative log-likelihood of one observation (x, y).
LOSS = "softplus(w0 + w1*x) - y*(w0 + w1*x)"


def derivations():
    """The gradient and Hessian of :data:`LOSS` with respect to (w0, w1)."""
    loss = parse(LOSS)
    return gradient(loss, "w0 w1"), hessian(loss, "w0 w1")


def fit(x=HOURS, y=PASSED, *, start=(0.0, 0.0)):
    """Maximum-likelihood weights by Newton's method with the exact Hessian."""

    g, H = derivations()
    loss = g.compile_source()
    grad, hess = g.compile(), H.compile()

    def total(fn, w):
        # compiled functions broadcast over the data; sum the per-observation terms
        return fn(w[0], w[1], x, y).sum(axis=-1)

    return newton(lambda w: float(total(loss, w)), lambda w: total(grad, w),
                  lambda w: total(hess, w), np.asarray(start, dtype=float))


def main(out=print) -> int:
    """Print every stage of the demo; return 0 when every check verified."""
    out("derive demo: logistic regression, derived, compiled, checked and optimized\n")
    out(f"negative log-likelihood of one observation:\n  l = {LOSS}\n")
    g, H = derivations()
    out(str(g) + "\n")
    out(str(H) + "\n")
    out("compiled gradient (NumPy source, paste-able):")
    out(g.compile(name="grad_loss").source)
    ok = True
    for d in (g, H):
        report = d.check(seed=0)
        ok &= report.status == "verified"
        out(f"check of the {d.op}:\n{report}\n")
    result = fit()
    w = result.x
    out(f"Newton's method with the exact Hessian on the {HOURS.size}-student dataset:")
    out(f"  w0 = {w[0]:.6f}, w1 = {w[1]:.6f} after {result.nit} iterations, "
        f"|gradient|_inf = {np.max(np.abs(result.jac)):.1e} ({result.message})")
    out(f"  P(pass | 2 hours) = {1 / (1 + np.exp(-(w[0] + 2 * w[1]))):.3f}; "
        "the Wikipedia article reports w0 = -4.1, w1 = 1.5")
    return 0 if ok and result.success else 1


__all__ = ["HOURS", "PASSED", "LOSS", "derivations", "fit", "main"]
