"""The matrix compiler against an independent NumPy interpreter of the expression tree.

The finite-difference checks compare two compiled functions with each other, so a
compiler bug affecting both could hide; here every compiled value (source and
derived gradient) is compared with a direct node-by-node NumPy evaluation.
"""

import numpy as np
import sympy as sp
from hypothesis import given, settings
from scipy.special import expit, logsumexp, softmax

from derive.codegen.matrix import compile_matrix
from derive.matrix_calculus import gradient
from derive.matrix_calculus.elementwise import (Diag, Elementwise, InverseTranspose, LogSumExp, Norm,
                                       Softmax)
from tests.test_matrix_properties import A, B, X, a, b, scalars

_t = sp.Symbol("t")
SCALAR_FUNCS = {"sigmoid": expit, "softplus": lambda v: np.logaddexp(0, v),
                "relu": lambda v: np.maximum(v, 0), "Heaviside": lambda v, h=0: np.heaviside(v, h)}


def ev(e, env):
    if e in env:
        return env[e]
    if isinstance(e, InverseTranspose):
        return np.linalg.inv(ev(e.arg.arg, env)).T
    if isinstance(e, sp.Transpose):
        return ev(e.arg, env).T
    if isinstance(e, sp.Inverse):
        return np.linalg.inv(ev(e.arg, env))
    if isinstance(e, sp.MatMul):
        c, mats = e.as_coeff_matrices()
        out = ev(mats[0], env)
        for m in mats[1:]:
            out = out @ ev(m, env)
        return ev(c, env) * out
    if isinstance(e, sp.MatAdd):
        return sum(ev(t, env) for t in e.args)
    if isinstance(e, sp.HadamardProduct):
        return np.prod([ev(f, env) for f in e.args], axis=0)
    if isinstance(e, sp.HadamardPower):
        return ev(e.args[0], env) ** float(e.args[1])
    if isinstance(e, Elementwise):
        f = sp.lambdify(_t, e.function(_t), modules=[SCALAR_FUNCS, "numpy"])
        return f(ev(e.arg, env))
    if isinstance(e, Softmax):
        return softmax(ev(e.arg, env), axis=e.axis)
    if isinstance(e, LogSumExp):
        return logsumexp(ev(e.arg, env), axis=e.axis, keepdims=True)
    if isinstance(e, Diag):
        return np.diagflat(ev(e.arg, env))
    if isinstance(e, (sp.Identity, sp.ZeroMatrix, sp.OneMatrix)):
        r, c = (int(d.subs(env["sizes"])) for d in e.shape)
        return {sp.Identity: np.eye(r), sp.ZeroMatrix: np.zeros((r, c)),
                sp.OneMatrix: np.ones((r, c))}[type(e)]
    if isinstance(e, sp.MatPow):
        return np.linalg.matrix_power(ev(e.args[0], env), int(e.args[1]))
    if isinstance(e, sp.Trace):
        return np.trace(ev(e.arg, env))
    if isinstance(e, sp.Determinant):
        return np.linalg.det(ev(e.arg, env))
    if isinstance(e, Norm):
        return np.linalg.norm(ev(e.arg, env))
    if e.is_Number:
        return float(e)
    if isinstance(e, sp.Add):
        return sum(ev(t, env) for t in e.args)
    if isinstance(e, sp.Mul):
        return np.prod([ev(f, env) for f in e.args], axis=0)
    if isinstance(e, sp.Pow):
        return ev(e.base, env) ** ev(e.exp, env)
    if isinstance(e, sp.Function):
        f = sp.lambdify(_t, e.func(_t), modules=[SCALAR_FUNCS, "numpy"])
        return f(ev(e.args[0], env))
    raise TypeError(f"interpreter: {type(e).__name__}")


def _as_output(v, e):
    v = np.asarray(v, dtype=float)
    if isinstance(e, sp.MatrixExpr) and e.shape[1] == 1 and e.shape != (1, 1):
        return v.reshape(-1)
    return v.reshape(()) if v.size == 1 else v


@settings(max_examples=25)
@given(scalars)
def test_compiled_values_match_interpreter(f):
    if not f.has(X):
        return
    rng = np.random.default_rng(11)
    n = X.shape[0]
    env = {"sizes": {n: 4}, X: np.eye(4) + 0.1 * rng.standard_normal((4, 4)),
           A: rng.standard_normal((4, 4)), B: rng.standard_normal((4, 4)),
           a: rng.standard_normal((4, 1)), b: rng.standard_normal((4, 1))}
    args = [X, A, B, a, b]
    vals = [env[s] for s in args]
    for expr in (f, gradient(f, X).result):
        got = compile_matrix(expr, args)(*vals)
        np.testing.assert_allclose(got, _as_output(ev(expr, env), expr), rtol=1e-9, atol=1e-12)


# The catalogue on every backend is checked against exact values in tests/test_backends.py
# (test_matrix_catalogue_compiles_and_matches_exact_values).
