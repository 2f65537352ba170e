"""Numerically stable rewrites applied before code is printed.

Rules are data (the :data:`STABLE_RULES` table, in the manner of SymPy's
``codegen/rewriting.py``) applied by one function, :func:`stabilize`:

============================  ===============================  ==========================
pattern                       becomes                          why
============================  ===============================  ==========================
``log(1 + x)``                ``log1p(x)``                     accurate for small ``x``
``exp(x) - 1``                ``expm1(x)``                     accurate for small ``x``
``1/(1 + exp(-x))``           ``sigmoid(x)`` (``expit``)       no overflow for ``x << 0``
``exp(x)/(1 + exp(x))``       ``sigmoid(x)``                   no ``inf * 0`` for ``x >> 0``
``log(1 + exp(x))``           ``softplus(x)``                  ``logaddexp(0, x)``
``log(exp(a) + exp(b))``      ``logaddexp(a, b)``              no overflow for large a, b
``log(p(x))`` of a product    sum of logs (``expand_log``)     log-densities never underflow
============================  ===============================  ==========================

SymPy's own ``logsumexp_2terms_opt`` is deliberately not used: in SymPy 1.14 it
rewrites ``log(exp(1) + exp(2))`` to 3.313 instead of 2.313.

Examples
--------
>>> import sympy as sp
>>> x, y = sp.symbols("x y", real=True)
>>> stabilize(sp.log(1 + sp.exp(x)))
softplus(x)
>>> stabilize(1 / (1 + sp.exp(-x)))
sigmoid(x)
>>> stabilize(sp.exp(x) / (1 + sp.exp(x)))
sigmoid(x)
>>> stabilize(sp.log(sp.exp(x) + sp.exp(y)))
logaddexp(x, y)
>>> stabilize(sp.log(x + 1))
log1p(x)
"""

from __future__ import annotations

import sympy as sp
from sympy.codegen.cfunctions import expm1, log1p
from sympy.codegen.numpy_nodes import logaddexp

from derive.functions import sigmoid, softplus


def _log_rule(expr):
    (arg,) = expr.args
    if arg.is_Add:
        terms = arg.args
        exps = [t for t in terms if isinstance(t, sp.exp)]
        if len(terms) == 2 and len(exps) == 2:
            return logaddexp(exps[0].args[0], exps[1].args[0])
        if len(terms) == 2 and sp.S.One in terms:
            other = terms[0] if terms[1] == 1 else terms[1]
            if isinstance(other, sp.exp):
                return softplus(other.args[0])
            return log1p(other)
    return None


def _sigmoid_rule(expr):
    # 1/(1 + exp(-x)) is Pow(Add(1, exp(-x)), -1)
    base, exponent = expr.args
    if exponent == -1 and base.is_Add and len(base.args) == 2 and sp.S.One in base.args:
        other = base.args[0] if base.args[1] == 1 else base.args[1]
        if isinstance(other, sp.exp):
            return sigmoid(-other.args[0])
    return None


def _exp_times_sigmoid_rule(expr):
    # exp(a) * sigmoid(-a) == sigmoid(a): what exp(a)/(1 + exp(a)) becomes
    factors = list(expr.args)
    for e in [f for f in factors if isinstance(f, sp.exp)]:
        s = sigmoid(-e.args[0])
        if s in factors:
            factors.remove(e)
            factors.remove(s)
            return sp.Mul(sigmoid(e.args[0]), *factors)
    return None


def _expm1_rule(expr):
    if len(expr.args) == 2 and sp.S.NegativeOne in expr.args:
        other = expr.args[0] if expr.args[1] == -1 else expr.args[1]
        if isinstance(other, sp.exp):
            return expm1(other.args[0])
    return None


#: (node type, rewrite function returning a replacement or None), in order.
STABLE_RULES = (
    (sp.log, _log_rule),
    (sp.Pow, _sigmoid_rule),
    (sp.Mul, _exp_times_sigmoid_rule),
    (sp.Add, _expm1_rule),
)


def stabilize(expr):
    """Apply :data:`STABLE_RULES` bottom-up; expand logs of products and powers.

    The value of the expression is unchanged wherever it is defined.
    """
    if isinstance(expr, sp.MatrixBase):
        return expr.applyfunc(stabilize)
    if not isinstance(expr, sp.Basic) or expr.is_Atom:
        return expr
    expr = sp.expand_log(expr, deep=True, force=False) if expr.has(sp.log) else expr
    return _rewrite(expr)


def _rewrite(expr):
    if expr.is_Atom or not expr.args:
        return expr
    args = tuple(_rewrite(a) for a in expr.args)
    if args != expr.args:
        expr = expr.func(*args)
    for node_type, rule in STABLE_RULES:
        if isinstance(expr, node_type):
            new = rule(expr)
            if new is not None:
                return new
    return expr
