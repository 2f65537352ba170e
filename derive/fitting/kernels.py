"""Compiled NumPy kernels of the likelihood's expressions, for evaluation on data.

Every evaluation of a derived formula on data goes through
:func:`numeric_function`: the expressions are compiled once by
:func:`derive.codegen.compile` (CSE, stable rewrites) and the callable returns
one float array per expression.

Examples
--------
>>> import sympy as sp
>>> from derive.fitting.kernels import numeric_function
>>> x, y = sp.symbols("x y")
>>> f = numeric_function([x + y, x * y], [x, y])
>>> [v.tolist() for v in f(2.0, 3.0)]
[5.0, 6.0]
"""

from __future__ import annotations

import functools

import numpy as np
import sympy as sp

from derive.codegen import compile as _compile

__all__ = ["numeric_function", "observation_kernels", "rank_one_kernels"]


def numeric_function(exprs, args):
    """NumPy callable of expressions over ``args``: returns one float array per expression.

    Compiled once per (expressions, arguments): fitting the same model again
    does not compile again.
    """
    return _compiled(tuple(sp.sympify(e) for e in exprs), tuple(args))


@functools.lru_cache(maxsize=512)
def _compiled(exprs, args):
    compiled = _compile(sp.ImmutableMatrix(list(exprs)), list(args))
    k = len(exprs)

    def fn(*vals):
        out = np.asarray(compiled(*vals), float)
        return list(out.reshape((k,) + out.shape[1:]))

    return fn


@functools.lru_cache(maxsize=128)
def observation_kernels(L):
    """Compiled per-observation log-density (less its parameter-free terms), score and
    Hessian of ``L``, and the parameter-free terms: ``(logpdf, score, hessian, fixed)``.

    Each takes ``(*params, *variables, *constants)`` (``fixed``: variables and
    constants). The parameter-free terms (``log x!``, ``log C(10**9, x)``) are
    summed once per sample: inside every evaluation they would only add rounding.
    """
    P = list(L.params)
    data_args = list(L.variables) + list(L.constants)
    k = len(P)
    lp = L.compact_logpdf if L.compact_logpdf is not None else L.logpdf
    g1 = [sp.diff(lp, p) for p in P]
    h1 = [sp.diff(g1[a], P[b]).replace(sp.DiracDelta, lambda *a: sp.S.Zero)
          for a in range(k) for b in range(k)]  # |x - mu|'' = 0 almost everywhere
    pset = set(P)
    fixed = sp.Add(*[t for t in sp.Add.make_args(lp) if not t.free_symbols & pset])
    return (numeric_function([lp - fixed], P + data_args), numeric_function(g1, P + data_args),
            numeric_function(h1, P + data_args), numeric_function([fixed], data_args))


@functools.lru_cache(maxsize=128)
def rank_one_kernels(L):
    """Kernels for a model whose per-observation derivatives are rank one, or None.

    When the score of one observation is ``s(x; theta) q(x)`` and its Hessian
    ``w(x; theta) q(x) q(x)^T`` with ``q`` free of the parameters (a
    generalized linear model: ``q`` is the covariate vector, ``s`` and ``w``
    the derivatives of the log-density with respect to the linear predictor),
    the sums over the observations are ``Q s`` and ``(Q w) Q^T``: matrix
    products, as in iteratively reweighted least squares. Found symbolically:
    ``q_a = score_a / score_p`` for a pivot ``p`` whose ratios are free of the
    parameters and of division by data, and ``hessian_ab = hessian_pp q_a q_b``.

    Returns
    -------
    (weights, q) or None
        ``weights(*params, *variables, *constants) -> [logpdf less fixed terms, s, w]``
        and ``q(*variables, *constants) -> [q_1, ..., q_k]``.
    """
    P = list(L.params)
    data_args = list(L.variables) + list(L.constants)
    if L.residual == 0 and not any(sp.diff(L.logpdf, p).has(*L.variables) for p in P):
        return None  # no per-observation dependence worth factoring
    lp = L.compact_logpdf if L.compact_logpdf is not None else L.logpdf
    g1 = [sp.diff(lp, p) for p in P]
    pset = set(P)
    for pivot in range(len(P)):
        if g1[pivot] == 0:
            continue
        q = [sp.cancel(g / g1[pivot]) for g in g1]
        if any(r.free_symbols & pset or sp.denom(r).free_symbols for r in q):
            continue
        w = sp.diff(g1[pivot], P[pivot])
        if any(sp.cancel(sp.diff(g1[a], P[b]) - w * q[a] * q[b]) != 0
               for a in range(len(P)) for b in range(a, len(P))):
            continue
        fixed = sp.Add(*[t for t in sp.Add.make_args(lp) if not t.free_symbols & pset])
        # one fraction: -exp(eta)/(1 + exp(eta))**2, not a difference of two large terms
        w = sp.factor(sp.cancel(w)) if sp.count_ops(w) < 200 else w
        return (numeric_function([lp - fixed, g1[pivot], w], P + data_args),
                numeric_function(q, data_args))
    return None
