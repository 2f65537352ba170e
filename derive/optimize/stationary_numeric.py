"""Stationary points by numeric enumeration, when ``solve`` runs out of budget.

From many seeded starts in growing boxes, two local searches look for points
with ``grad f = 0``: Newton's method on the gradient (``scipy.optimize.root``
with the exact Hessian as Jacobian, which also finds saddles and maxima) and
a trust-region minimization with the exact Hessian (which finds the minima
from far away). The candidates are deduplicated, each refined by Newton's
method in mpmath at 50 digits on the exact gradient and Hessian, kept only if
the gradient vanishes there to 30 digits and Newton's steps have shrunk to
nothing (a tiny gradient far out, as for ``exp(x)`` at ``x = -85``, is not a
root), and classified by the Hessian's
eigenvalues. The list is labelled numeric: points the starts did not reach
may exist.

Examples
--------
>>> import sympy as sp
>>> x, y = sp.symbols("x y", real=True)
>>> f = x**4 - 2*x**2 + y**2
>>> pts = enumerate_stationary(f, [x, y], starts=30)
>>> [(round(float(p[x]), 12), round(float(p[y]), 12)) for p in pts]
[(-1.0, 0.0), (0.0, 0.0), (1.0, 0.0)]
"""

from __future__ import annotations

import mpmath
import numpy as np
import sympy as sp

from derive.calculus import gradient as symbolic_gradient
from derive.calculus import hessian as symbolic_hessian
from derive.codegen import compile_mpmath
from derive.optimize.objective import compile_objective

__all__ = ["enumerate_stationary"]

_DPS = 50
_SCALES = (1.0, 2.0, 4.0)           # boxes [-s, s]^d the starts are drawn from
_KEEP = mpmath.mpf(10) ** -30        # |grad f| a refined point must reach


def _candidates(fun, jac, hess, d, starts, seed):
    from scipy import optimize  # deferred: optional heavy dependency
    rng = np.random.default_rng(seed)
    found = []
    per = max(1, starts // len(_SCALES))
    with np.errstate(all="ignore"):
        for scale in _SCALES:
            for x0 in rng.uniform(-scale, scale, size=(per, d)):
                try:
                    r = optimize.root(jac, x0, jac=hess, method="hybr", tol=1e-12)
                    if r.success and np.all(np.isfinite(r.x)):
                        found.append(r.x)
                    m = optimize.minimize(fun, x0, jac=jac, hess=hess, method="trust-exact",
                                          options={"gtol": 1e-10, "maxiter": 500})
                    if np.all(np.isfinite(m.x)) and np.linalg.norm(m.jac) < 1e-6:
                        found.append(m.x)
                except (np.linalg.LinAlgError, ValueError, OverflowError, FloatingPointError):
                    continue
    return found


def _dedupe(points, tol=1e-6):
    kept = []
    for p in points:
        if not any(np.allclose(p, q, rtol=tol, atol=tol) for q in kept):
            kept.append(p)
    return kept


def _refine(x, g, H, d):
    """Newton at 50 digits from x; the refined point, or None if |grad| does not vanish."""
    with mpmath.workdps(_DPS):
        v = mpmath.matrix([mpmath.mpf(float(t)) for t in x])
        size = mpmath.inf
        for _ in range(60):
            try:
                step = mpmath.lu_solve(mpmath.matrix(H(*v)), mpmath.matrix(g(*v)))
            except ZeroDivisionError:
                return None
            v = v - step
            size = mpmath.norm(step)
            if size < mpmath.mpf(10) ** (-_DPS + 5) * max(1, mpmath.norm(v)):
                break
        # a root: the gradient vanishes and Newton's steps have shrunk to nothing
        # (exp(x) at x = -85 has a tiny gradient but Newton keeps stepping by 1)
        scale = max(1, mpmath.norm(v))
        if mpmath.norm(mpmath.matrix(g(*v))) > _KEEP * scale or size > _KEEP * scale:
            return None
        return [mpmath.nstr(v[i], _DPS, min_fixed=-mpmath.inf, max_fixed=mpmath.inf)
                for i in range(d)]


def enumerate_stationary(f, wrt, *, starts=120, seed=0):
    """Stationary points of ``f`` found numerically: a list of ``{symbol: Float(50 digits)}``.

    Parameters
    ----------
    f : sympy.Expr
    wrt : sequence of Symbol
    starts : int
        Number of seeded random starts (spread over the boxes [-1, 1]^d,
        [-2, 2]^d and [-4, 4]^d).
    seed : int

    Returns
    -------
    list of dict
        Sorted by coordinates; each point's gradient vanishes to 30 digits.
    """
    syms = list(wrt)
    d = len(syms)
    fun, jac, hess = compile_objective(f, syms, gradient=True, hessian=True)
    grad = sp.ImmutableMatrix(symbolic_gradient(f, syms).result)
    H = sp.ImmutableMatrix(symbolic_hessian(f, syms).result)
    g_mp = compile_mpmath(grad, syms)
    H_mp = compile_mpmath(H, syms)
    refined = []
    for x in _dedupe(_candidates(fun, jac, hess, d, starts, seed)):
        v = _refine(x, g_mp, H_mp, d)
        if v is not None:
            refined.append(v)
    unique, seen = [], []
    for v in refined:
        fv = np.array([float(mpmath.mpf(t)) for t in v])
        if not any(np.allclose(fv, s, rtol=1e-9, atol=1e-9) for s in seen):
            seen.append(fv)
            unique.append({s: sp.Float(t, _DPS) for s, t in zip(syms, v)})
    unique.sort(key=lambda p: tuple(float(p[s]) for s in syms))
    return unique
