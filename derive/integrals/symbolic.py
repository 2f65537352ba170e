"""The symbolic attempts: SymPy's integrate with the usual nudges.

Each attempt runs in a guarded child (:func:`derive.guard.run`), so the
functions here are module level.
"""

from __future__ import annotations

import sympy as sp
from sympy.simplify.hyperexpand import hyperexpand

from derive.functions import relu, sigmoid, softplus


def _elementary(f):
    """derive's sigmoid/softplus/relu rewritten as exp/log/Piecewise, which SymPy integrates."""
    return f.replace(lambda e: isinstance(e, (sigmoid, softplus)), lambda e: e.rewrite(sp.exp)) \
        .replace(lambda e: isinstance(e, relu), lambda e: e.rewrite(sp.Piecewise))


def _sympy_attempt(f, limits, options, expand_hyper):
    """One call of sympy.integrate with the given options (runs in a child process)."""
    value = sp.integrate(_elementary(f), *limits, **options)
    if expand_hyper and value.has(sp.hyper, sp.meijerg):
        value = hyperexpand(value)
    if not value.has(sp.Integral) and len(value.args) and sp.count_ops(value) < 400:
        value = sp.piecewise_fold(value)
    return value


def _attempt_plan(f, limits):
    params = (f.free_symbols | set().union(*(set().union(*(b.free_symbols for b in lim[1:]))
                                             for lim in limits))) - {lim[0] for lim in limits}
    plan = [("sympy.integrate", {}, None),
            ("sympy.integrate(meijerg=True)", {"meijerg": True}, None),
            ("sympy.integrate(manual=True)", {"manual": True}, None)]
    unsigned = sorted((p for p in params if p.is_positive is None and p.is_real),
                      key=lambda s: s.name)
    if unsigned:
        plan.append(("sympy.integrate with positive parameters", {},
                     {p: sp.Symbol(p.name, positive=True) for p in unsigned}))
    return plan
