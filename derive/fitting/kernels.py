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
from sympy.codegen.cfunctions import log1p

from derive.codegen import compile as _compile
from derive.codegen.rewrite import stabilize
from derive.functions import sigmoid, softplus

__all__ = ["design_columns", "link_kernels", "numeric_function", "observation_kernels", "parameter_free_kernel",
           "rank_one_kernels"]


def numeric_function(exprs, args, *, stable=True):
    """NumPy callable of expressions over ``args``: returns one float array per expression.

    Compiled once per (expressions, arguments): fitting the same model again
    does not compile again. ``stable=False`` prints the expressions as they are
    (already in a stable form, see :func:`_elementary`).
    """
    return _compiled(tuple(sp.sympify(e) for e in exprs), tuple(args), stable)


@functools.lru_cache(maxsize=512)
def _compiled(exprs, args, stable=True):
    compiled = _compile(sp.ImmutableMatrix(list(exprs)), list(args), stable=stable)
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
    fixed = _parameter_free(L)
    return (numeric_function([lp - fixed], P + data_args), numeric_function(g1, P + data_args),
            numeric_function(h1, P + data_args), parameter_free_kernel(L))


def _parameter_free(L):
    """The terms of the per-observation log-density free of the parameters."""
    lp = L.compact_logpdf if L.compact_logpdf is not None else L.logpdf
    pset = set(L.params)
    return sp.Add(*[t for t in sp.Add.make_args(lp) if not t.free_symbols & pset])


@functools.lru_cache(maxsize=128)
def parameter_free_kernel(L):
    """Compiled parameter-free terms of the log-density (``-log x!``), in
    ``(*variables, *constants)``: summed once per sample, not at every evaluation."""
    return numeric_function([_parameter_free(L)], list(L.variables) + list(L.constants))


@functools.lru_cache(maxsize=128)
def _rank_one_form(L):
    """``(pivot, q, lp, w)`` of a rank-one model (see :func:`rank_one_kernels`), or None.

    ``lp`` is the per-observation log-density less its parameter-free terms,
    ``q`` the ratios ``score_a / score_pivot`` (free of the parameters) and ``w``
    the second derivative of ``lp`` in the pivot.
    """
    P = list(L.params)
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
        return pivot, tuple(q), lp - _parameter_free(L), w
    return None


#: The linear predictor ``eta = sum_a theta_a q_a`` of a generalized linear model.
ETA = sp.Dummy("eta", real=True)


@functools.lru_cache(maxsize=128)
def _link_form(L):
    """``(lp, s, w)`` as functions of the linear predictor :data:`ETA` and the data,
    stable and elementary (:func:`_elementary`), or None when the log-density does not
    depend on the parameters through ``eta = sum_a theta_a q_a`` alone."""
    form = _rank_one_form(L)
    if form is None:
        return None
    pivot, q, lp, _ = form
    P = list(L.params)
    # theta_pivot = eta - sum_{a != pivot} theta_a q_a (q_pivot = 1)
    rest = sp.Add(*[P[a] * q[a] for a in range(len(P)) if a != pivot])
    lp_eta = sp.expand_mul(lp.subs(P[pivot], ETA - rest))
    if lp_eta.free_symbols & set(P):
        return None
    lp_eta = stabilize(lp_eta)
    s = stabilize(sp.diff(lp_eta, ETA))
    w = stabilize(sp.diff(s, ETA))
    return tuple(_elementary(e) for e in (lp_eta, s, w))


def _elementary(expr):
    """``softplus`` and ``sigmoid`` written with ``exp``, ``log1p`` and ``abs`` in forms
    that stay finite and accurate for every real argument:
    ``softplus(z) = (z + |z|)/2 + log1p(exp(-|z|))`` and ``sigmoid(z) = 1/(1 + exp(-z))``
    (``exp(-z)`` may overflow to ``inf``, giving the limit 0). NumPy evaluates these
    several times faster than ``numpy.logaddexp`` and ``scipy.special.expit``,
    which matters in a kernel run over every observation at every Newton step."""
    expr = expr.replace(softplus, lambda z: (z + sp.Abs(z)) / 2 + log1p(sp.exp(-sp.Abs(z))))
    return expr.replace(sigmoid, lambda z: 1 / (1 + sp.exp(-z)))


@functools.lru_cache(maxsize=128)
def link_kernels(L):
    """Kernels of a generalized linear model in its linear predictor, or None.

    When the log-density of one observation depends on the parameters only
    through ``eta = sum_a theta_a q_a(x)`` (logistic, Poisson, probit
    regression: the model's ``q`` of :func:`rank_one_kernels` with an intercept
    as pivot), the log-density, score and Hessian weights are functions of
    ``eta`` and the data: ``eta = theta Q`` is one matrix-vector product, and
    the score and Hessian are ``Q s`` and ``(Q w) Q^T``, as in iteratively
    reweighted least squares.

    Returns
    -------
    (link, q, variables) or None
        ``link(eta, *variables, *constants) -> [logpdf less fixed terms, s, w]``
        (``variables``: the observed variables it uses) and
        ``q(*all variables, *constants) -> [q_1, ..., q_k]``.
    """
    form = _link_form(L)
    if form is None:
        return None
    used = set().union(*[e.free_symbols for e in form])
    variables = tuple(v for v in L.variables if v in used)
    link = numeric_function(list(form), [ETA, *variables, *L.constants], stable=False)
    return link, numeric_function(list(_rank_one_form(L)[1]), list(L.variables) +
                                  list(L.constants)), variables


@functools.lru_cache(maxsize=128)
def design_columns(L):
    """The data's columns that are a generalized linear model's covariates, or None.

    ``design[a]`` is the index in ``L.variables`` of the observed variable that
    is ``q_a`` itself, or None where ``q_a`` is the constant 1 (the intercept):
    then the data's own columns are the design matrix, and nothing need be
    computed (or copied) to form ``Q``. None when the model is not a GLM in the
    sense of :func:`link_kernels` or some ``q_a`` is any other function of the data.

    >>> from derive.estimation import likelihood
    >>> L = likelihood("exp(y*(b0 + b1*x))/(1 + exp(b0 + b1*x))", ["b0", "b1"], var=["x", "y"])
    >>> design_columns(L)
    (None, 0)
    """
    form = _rank_one_form(L)
    if form is None or _link_form(L) is None:
        return None
    index = {v: j for j, v in enumerate(L.variables)}
    design = []
    for q in form[1]:
        if q == 1 or q in index:
            design.append(None if q == 1 else index[q])
        else:
            return None
    return tuple(design)


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
    form = _rank_one_form(L)
    if form is None:
        return None
    pivot, q, lp, w = form
    P = list(L.params)
    data_args = list(L.variables) + list(L.constants)
    link = _link_form(L)
    if link is not None:  # stable forms in eta, with eta written out
        eta = sp.Add(*[p * r for p, r in zip(P, q)])
        return (numeric_function([e.subs(ETA, eta) for e in link], P + data_args, stable=False),
                numeric_function(list(q), data_args))
    # one fraction: -exp(eta)/(1 + exp(eta))**2, not a difference of two large terms
    w = sp.factor(sp.cancel(w)) if sp.count_ops(w) < 200 else w
    return (numeric_function([lp, sp.diff(lp, P[pivot]), w], P + data_args),
            numeric_function(list(q), data_args))
