"""minimize's final check of the compiled gradient and Hessian: every coordinate up to
FULL_CHECK_MAX variables, along seeded random directions above (cheap at any n), and
still refuting a wrong entry. SciPy's rosen/rosen_der/rosen_hess are the truth."""

import numpy as np
import sympy as sp
from scipy.optimize import rosen, rosen_der, rosen_hess

import derive
from derive.optimize.minimize import FULL_CHECK_MAX, _check_compiled


def _x0(n):
    return np.tile([-1.2, 1.0], n // 2)


def test_large_problem_is_checked_along_random_directions():
    n = 2 * FULL_CHECK_MAX + 10
    xs = sp.symbols(f"x0:{n}", real=True)
    f = sum(100 * (xs[i + 1] - xs[i]**2)**2 + (1 - xs[i])**2 for i in range(n - 1))
    res = derive.minimize(f, xs, x0=_x0(n), maxiter=1000)
    assert res.success
    for key in ("gradient", "hessian"):
        assert res.check[key].status == "verified"
        assert "random directions" in res.check[key].evidence[0]


def test_correct_scipy_derivatives_verify():
    checks = _check_compiled(rosen, rosen_der, rosen_hess, _x0(40))
    assert [c.status for c in checks.values()] == ["verified", "verified"]


def test_one_wrong_hessian_entry_is_refuted():
    def hess(x):
        H = rosen_hess(x)
        H[17, 18] *= 1.001
        H[18, 17] *= 1.001
        return H
    assert _check_compiled(rosen, rosen_der, hess, _x0(40))["hessian"].status == "refuted"


def test_one_wrong_gradient_entry_is_refuted():
    def grad(x):
        g = rosen_der(x)
        g[29] *= 1 + 1e-6
        return g
    assert _check_compiled(rosen, grad, rosen_hess, _x0(40))["gradient"].status == "refuted"


def test_small_problem_perturbs_every_coordinate():
    checks = _check_compiled(rosen, rosen_der, rosen_hess, _x0(4))
    assert all("random directions" not in c.evidence[0] for c in checks.values())
