"""What the truth of each entry of a derivation is: the oracle plans of :func:`derive.checking.check`.

A :class:`Plan` is made per operation (derivative, gradient, hessian,
jacobian, directional): for each entry of the result, an oracle that computes
it from the *source* with mpmath (:func:`derive.checking.oracle.partial`), the
labels the report uses, and the numeric support run on the compiled code
(complex step / central differences / Taylor test).

Examples
--------
>>> import sympy as sp
>>> from derive.derivation import Derivation
>>> from derive.checking.plans import PLANS
>>> x = sp.Symbol("x", real=True)
>>> plan = PLANS["derivative"](Derivation("derivative", x**3, 3 * x**2, (x,)))
>>> plan.label(()), float(plan.oracles[()]([2]))
('d/dx', 12.0)
"""

from __future__ import annotations

import mpmath
import numpy as np
import sympy as sp

from derive.calculus import gradient
from derive.checking.numeric import check_gradient, check_jacobian
from derive.checking.oracle import OracleError, mp_function, partial, real
from derive.codegen import compile as compile_code
from derive.errors import DeriveError, ShapeError


class Plan:
    """Per operation: the oracle of each result entry, labels, and the numeric support."""

    def __init__(self, derivation, label, order=1):
        self.d = derivation
        self.args = tuple(derivation.arguments())
        self.oracles = {}               # result index -> oracle(values) -> mpf
        self.default = []               # indices sampled by default
        self.label = label              # index -> str
        self.order = order              # derivative order (for scales)
        self.shape = _shape(derivation.result)
        self.support = lambda compiled, source_c, point, seed: None
        self.support_index = lambda i, j: None   # numeric (out, in) -> result index
        self.bilinear = None            # (u, w) -> oracle(values) of u' result w, all entries


def _shape(expr):
    return tuple(expr.shape) if isinstance(expr, sp.MatrixBase) else ()


def arg_position(args, symbol):
    return args.index(symbol)


def _plan_derivative(d):
    x = d.wrt[0]
    n = int(d.options.get("n", 1))
    plan = Plan(d, lambda idx: f"d/d{x}" if n == 1 else f"d^{n}/d{x}^{n}", order=n)
    f = mp_function(d.source, plan.args)
    k = arg_position(plan.args, x)
    plan.oracles = {(): lambda p: partial(f, p, {k: n})}
    plan.default = [()]
    if n == 1:
        plan.support = lambda c, s, p, seed: _support_gradient(plan, c, s, p, seed)
        plan.support_index = lambda i, j: ()
    return plan


def _plan_gradient(d):
    plan = Plan(d, lambda idx: f"d/d{d.wrt[idx[0]]}")
    f = mp_function(d.source, plan.args)
    column = len(plan.shape) == 2

    def oracle(k):
        return lambda p: partial(f, p, {k: 1})
    for i, w in enumerate(d.wrt):
        plan.oracles[(i, 0) if column else (i,)] = oracle(arg_position(plan.args, w))
    plan.default = list(plan.oracles)
    plan.support = lambda c, s, p, seed: _support_gradient(plan, c, s, p, seed)
    plan.support_index = lambda i, j: (j, 0) if column else (j,)
    if column:
        pos = [arg_position(plan.args, w) for w in d.wrt]
        plan.bilinear = lambda u, w: lambda p: w[0] * _along(f, p, pos, [u], [1])
    return plan


def _plan_hessian(d):
    plan = Plan(d, lambda idx: f"d2/d{d.wrt[idx[0]]}d{d.wrt[idx[1]]}", order=2)
    f = mp_function(d.source, plan.args)
    n = len(d.wrt)

    def oracle(j, k):
        a, b = arg_position(plan.args, d.wrt[j]), arg_position(plan.args, d.wrt[k])
        return lambda p: partial(f, p, {a: 2} if a == b else {a: 1, b: 1})
    plan.oracles = {(j, k): oracle(j, k) for j in range(n) for k in range(n)}
    # upper triangle by default: the symmetry of the compiled result is reported separately
    plan.default = [(j, k) for j in range(n) for k in range(j, n)]
    plan.support = lambda c, s, p, seed: _support_hessian(plan, c, p, seed)
    plan.support_index = lambda i, j: (i, j)
    pos = [arg_position(plan.args, w) for w in d.wrt]
    plan.bilinear = lambda u, w: lambda p: _along(f, p, pos, [u, w], [1, 1])
    return plan


def _plan_jacobian(d):
    F = d.source if isinstance(d.source, sp.MatrixBase) else sp.ImmutableMatrix(list(d.source))
    F = sp.ImmutableMatrix(F).reshape(len(F), 1)
    plan = Plan(d, lambda idx: f"d F[{idx[0]}]/d{d.wrt[idx[1]]}")
    fs = [mp_function(F[i], plan.args) for i in range(len(F))]

    def oracle(fi, k):
        return lambda p: partial(fi, p, {k: 1})
    plan.oracles = {(i, j): oracle(fs[i], arg_position(plan.args, w))
                    for i in range(len(F)) for j, w in enumerate(d.wrt)}
    plan.default = list(plan.oracles)
    plan.support = lambda c, s, p, seed: _support_jacobian(plan, c, s, p, seed)
    plan.support_index = lambda i, j: (i, j)
    pos = [arg_position(plan.args, w) for w in d.wrt]

    def weighted(u):
        return lambda *vals: sum(ui * fi(*vals) for ui, fi in zip(u, fs) if ui != 0)
    plan.bilinear = lambda u, w: lambda p: _along(weighted(u), p, pos, [w], [1])
    return plan


def _plan_directional(d):
    direction = d.options.get("direction")
    if direction is None:
        raise DeriveError("check: this directional derivative does not record its direction "
                          "(options['direction'])")
    v = [sp.sympify(c) for c in list(direction)]
    if len(v) != len(d.wrt):
        raise ShapeError(f"check: direction has {len(v)} components for {len(d.wrt)} variables")
    plan = Plan(d, lambda idx: "directional derivative")
    f = mp_function(d.source, plan.args)
    vf = [mp_function(c, plan.args) for c in v]
    pos = [arg_position(plan.args, w) for w in d.wrt]

    def oracle(p):
        base = [mpmath.mpf(t) for t in p]
        comps = [real(g(*base), "direction") for g in vf]

        def along(t):
            q = list(base)
            for k, c in zip(pos, comps):
                q[k] = base[k] + t * c
            return f(*q)
        return real(mpmath.diff(along, mpmath.mpf(0)), "derivative")
    plan.oracles = {(): oracle}
    plan.default = [()]
    return plan


def _along(f, point, pos, directions, orders):
    """Mixed derivative of ``f`` at ``point`` along ``directions`` (one order each).

    ``d/dt1 ... f(x + t1 v1 + t2 v2 ...)`` at ``t = 0``: with one direction the
    directional derivative ``grad . v``, with two the bilinear form ``v1' H v2``.
    """
    base = [mpmath.mpf(t) for t in point]
    dirs = [[mpmath.mpf(c) for c in v] for v in directions]

    def moved(*ts):
        q = list(base)
        for t, v in zip(ts, dirs):
            for k, c in zip(pos, v):
                if c != 0:
                    q[k] = q[k] + t * c
        return real(f(*q), "function")
    zero = [mpmath.mpf(0)] * len(dirs)
    try:
        if len(dirs) == 1:
            return real(mpmath.diff(moved, zero[0], orders[0]), "derivative")
        return real(mpmath.diff(moved, tuple(zero), tuple(orders)), "derivative")
    except (ZeroDivisionError, ValueError) as err:
        raise OracleError(f"mpmath.diff failed here: {err}") from None


PLANS = {"derivative": _plan_derivative, "gradient": _plan_gradient,
          "hessian": _plan_hessian, "jacobian": _plan_jacobian,
          "directional": _plan_directional}


# -- numeric support on the compiled code ----------------------------------------------
def _split(plan, point):
    values = [point[s] for s in plan.args]
    wpos = [arg_position(plan.args, w) for w in plan.d.wrt]
    return values, wpos


def _caller(plan, fn, values, wpos):
    def call(*w):
        vals = list(values)
        for k, v in zip(wpos, w):
            vals[k] = v
        return np.asarray(fn(*vals))
    return call


def _support_gradient(plan, compiled, source_c, point, seed):
    values, wpos = _split(plan, point)
    F = _caller(plan, source_c, values, wpos)
    G = _caller(plan, compiled, values, wpos)
    n = len(wpos)
    return check_gradient(F, lambda *w: list(np.asarray(G(*w)).reshape(n)),
                          [np.array(values[k]) for k in wpos],
                          names=[str(w) for w in plan.d.wrt], seed=seed)


def _support_jacobian(plan, compiled, source_c, point, seed):
    values, wpos = _split(plan, point)
    F = _caller(plan, source_c, values, wpos)
    J = _caller(plan, compiled, values, wpos)
    m, n = plan.shape
    return check_jacobian(lambda *w: np.asarray(F(*w)).reshape(m),
                          lambda *w: list(np.asarray(J(*w)).reshape(m, n).T),
                          [np.array(values[k]) for k in wpos],
                          names=[str(w) for w in plan.d.wrt], seed=seed)


def _support_hessian(plan, compiled, point, seed):
    grad_c = getattr(plan, "gradient_code", None)
    if grad_c is None:
        grad = plan.d.options.get("gradient")
        if grad is None:
            grad = gradient(plan.d.source, list(plan.d.wrt)).result
        grad_c = plan.gradient_code = compile_code(sp.ImmutableMatrix(grad), list(plan.args))
    values, wpos = _split(plan, point)
    G = _caller(plan, grad_c, values, wpos)
    H = _caller(plan, compiled, values, wpos)
    n = len(wpos)
    return check_jacobian(lambda *w: np.asarray(G(*w)).reshape(n),
                          lambda *w: list(np.asarray(H(*w)).reshape(n, n).T),
                          [np.array(values[k]) for k in wpos],
                          names=[str(w) for w in plan.d.wrt], seed=seed)

