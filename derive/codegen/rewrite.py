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
``log(exp(a) + ... + c)``     nested ``logaddexp`` (n-ary)     no overflow for large a, b
``exp(a) / (exp(b) + ...)``   ``exp(-lse(b - a, ...))``        no ``inf / inf``
``exp(x)/(1 + exp(x))**2``    ``sigmoid(x)*sigmoid(-x)``       no ``inf / inf``, no underflow
``exp(a)*exp(b)``             ``exp(a + b)``                   no ``inf * 0``
``1 - sigmoid(x)``            ``sigmoid(-x)``                  no cancellation for x >> 0
``sigmoid(x) - sigmoid(x)**2``  ``sigmoid(x)*sigmoid(-x)``     no cancellation for x >> 0
``log(sigmoid(x))``           ``-softplus(-x)`` (log_expit)    no ``log(0)`` for ``x << 0``
``log(cosh(x))``              ``logcosh(x)``                   no overflow for large x
``sqrt(a**2 + b**2)``         ``hypot(a, b)``                  no overflow or underflow
``x*log(x)``                  ``xlogy(x, x)``                  0 at ``x = 0``
``softplus(x) - x``           ``softplus(-x)``                 no cancellation for x >> 0
``log(p(x))`` of a product    sum of logs (``expand_log``)     log-densities never underflow
============================  ===============================  ==========================

Each target prints as the framework's own stable call in every backend
(``numpy.logaddexp``/``jax.numpy.logaddexp``/``torch.logaddexp``,
``scipy.special.xlogy``/``jax.scipy.special.xlogy``/``torch.special.xlogy``...).

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
>>> stabilize(sp.log(sp.exp(x) + sp.exp(y) + 1))
logaddexp(y, logaddexp(0, x))
>>> stabilize(sp.log(sigmoid(x)))
-softplus(-x)
>>> stabilize(sp.sqrt(x**2 + y**2)), stabilize(x * sp.log(x))
(hypot(x, y), xlogy(x, x))
>>> stabilize(-sp.exp(x) * sp.exp(y) / (sp.exp(x) * sp.exp(y) + 1)**2)  # a logistic weight
-sigmoid(-x - y)*sigmoid(x + y)
>>> stabilize(sigmoid(x) * (1 - sigmoid(x)))
sigmoid(-x)*sigmoid(x)
"""

from __future__ import annotations

import sympy as sp
from sympy.codegen.cfunctions import expm1, hypot, log1p
from sympy.codegen.numpy_nodes import logaddexp

from derive.functions import sigmoid, softplus
from derive.traversal import distinct_subexpressions


class xlogy(sp.Function):
    """``a*log(b)``, defined as 0 where ``a = 0`` (``scipy.special.xlogy``)."""

    nargs = 2

    def _eval_rewrite_as_log(self, a, b, **kwargs):
        return a * sp.log(b)

    def _eval_evalf(self, prec):
        return self.rewrite(sp.log)._eval_evalf(prec)

    def fdiff(self, argindex=1):
        a, b = self.args
        return sp.log(b) if argindex == 1 else a / b

    def _numpycode(self, printer):
        a, b = (printer._print(v) for v in self.args)
        return f"{printer._module_format('scipy.special.xlogy')}({a}, {b})"


class logcosh(sp.Function):
    """``log(cosh(x))`` without overflow: ``log1p(2 sinh(x/2)^2)`` for ``|x| < 1``,
    else ``logaddexp(x, -x) - log 2`` (no cancellation on either side)."""

    nargs = 1

    def _eval_rewrite_as_cosh(self, x, **kwargs):
        return sp.log(sp.cosh(x))

    def _eval_evalf(self, prec):
        return self.rewrite(sp.cosh)._eval_evalf(prec)

    def fdiff(self, argindex=1):
        return sp.tanh(self.args[0])

    def _numpycode(self, printer):
        x = printer._print(self.args[0])
        m = printer._module_format
        small = f"{m('numpy.minimum')}({m('numpy.abs')}({x}), 1.0)"
        return (f"{m('numpy.where')}({m('numpy.abs')}({x}) < 1.0, "
                f"{m('numpy.log1p')}(2.0*{m('numpy.sinh')}(0.5*{small})**2), "
                f"{m('numpy.logaddexp')}({x}, -({x})) - {float(sp.log(2))!r})")


def _exponents(add):
    """``[a, b, ...]`` when ``add`` is ``exp(a) + exp(b) + ...`` (a positive constant
    ``c`` counts as ``exp(log c)``) with at least one exponential, else None."""
    if not add.is_Add:
        return None
    out = []
    for t in add.args:
        if isinstance(t, sp.exp):
            out.append(t.args[0])
        elif t.is_Number and t.is_positive:
            out.append(sp.log(t))
        else:
            return None
    return out if any(isinstance(t, sp.exp) for t in add.args) else None


def _logsumexp(exponents):
    """Nested ``logaddexp`` over ``exponents`` (each step exact to an ulp or two)."""
    acc = exponents[0]
    for e in exponents[1:]:
        acc = logaddexp(acc, e)
    return acc


def _log_rule(expr):
    (arg,) = expr.args
    if isinstance(arg, sigmoid):                 # log_expit
        return -softplus(-arg.args[0])
    if isinstance(arg, sp.cosh):
        return logcosh(arg.args[0])
    exps = _exponents(arg)
    if exps is not None and len(exps) >= 2:
        if len(exps) == 2 and sp.S.Zero in exps:
            other = exps[0] if exps[1] == 0 else exps[1]
            return softplus(other)
        return _logsumexp(exps)
    if arg.is_Add:
        terms = arg.args
        if len(terms) == 2 and sp.S.One in terms:
            other = terms[0] if terms[1] == 1 else terms[1]
            if isinstance(other, sp.exp):
                return softplus(other.args[0])
            return log1p(other)
    return None


def _pow_rule(expr):
    base, exponent = expr.args
    # 1/(1 + exp(-x)) is Pow(Add(1, exp(-x)), -1)
    if exponent == -1 and base.is_Add and len(base.args) == 2 and sp.S.One in base.args:
        other = base.args[0] if base.args[1] == 1 else base.args[1]
        if isinstance(other, sp.exp):
            return sigmoid(-other.args[0])
    exps = _exponents(base)
    if exps is not None and len(exps) >= 2 and exponent.is_Integer and exponent < 0:
        return sp.exp(exponent * _logsumexp(exps))   # exp(a) * this merges in the Mul rule
    if exponent == sp.S.Half and base.is_Add:
        squares = [t.base for t in base.args if t.is_Pow and t.exp == 2]
        if len(squares) == len(base.args) >= 2 and all(b.is_extended_real for b in squares):
            acc = squares[0]
            for b in squares[1:]:
                acc = hypot(acc, b)
            return acc
    return None


def _xlogy_rule(expr):
    # a*log(a) -> xlogy(a, a): 0 at a = 0, where a*log(a) is 0*(-inf) = nan
    for f in expr.args:
        if isinstance(f, sp.log) and f.args[0] in expr.args:
            rest = list(expr.args)
            rest.remove(f)
            rest.remove(f.args[0])
            return sp.Mul(xlogy(f.args[0], f.args[0]), *rest)
    return None


def _flatten_logaddexp(e):
    if isinstance(e, logaddexp):
        return [t for a in e.args for t in _flatten_logaddexp(a)]
    return [e]


def _merge_exp_rule(expr):
    # exp(a) * exp(c*lse(b)) -> exp(c*lse(b - a/k)), k = -c: the differences b - a are
    # formed first, so a ratio of large exponentials keeps its last digits; two terms
    # become a power of the sigmoid: exp(x)/(exp(x) + exp(y)) = sigmoid(x - y)
    exps = [f for f in expr.args if isinstance(f, sp.exp)]
    for f in exps:
        c, core = f.args[0].as_coeff_Mul()
        if not (isinstance(core, logaddexp) and c.is_Integer and c < 0) or len(exps) < 2:
            continue
        a = sp.Add(*(e.args[0] for e in exps if e is not f))
        rest = [g for g in expr.args if not isinstance(g, sp.exp)]
        shifted = [b - a / -c for b in _flatten_logaddexp(core)]
        if len(shifted) == 2 and sp.S.Zero in shifted:
            t = shifted[0] if shifted[1] == 0 else shifted[1]
            return sp.Mul(sigmoid(-t) ** -c, *rest)
        if len(shifted) == 2 and c == -2 and (shifted[0] + shifted[1]).is_number:
            # exp(-2 lse(b, d)) = exp(-(b + d)) sigmoid(b - d) sigmoid(d - b): the logistic
            # weight exp(x)/(1 + exp(x))**2 = sigmoid(x) sigmoid(-x), finite for any x
            t = shifted[0] - shifted[1]
            return sp.Mul(sp.exp(-(shifted[0] + shifted[1])), sigmoid(t), sigmoid(-t), *rest)
        return sp.Mul(sp.exp(c * _logsumexp(shifted)), *rest)
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


def _merge_exps_rule(expr):
    # exp(a)*exp(b) -> exp(a + b) (what factor() makes of exp(a + b)): one overflow fewer,
    # and the rules above see one exponential; exp(c*lse(...)) is left to _merge_exp_rule
    exps = [f for f in expr.args if isinstance(f, sp.exp)
            and not isinstance(f.args[0].as_coeff_Mul()[1], logaddexp)]
    if len(exps) < 2:
        return None
    rest = [f for f in expr.args if not any(f is e for e in exps)]
    return sp.Mul(sp.exp(sp.Add(*(e.args[0] for e in exps))), *rest)


def _sigmoid_complement_rule(expr):
    # 1 - sigmoid(x) -> sigmoid(-x); sigmoid(x) - sigmoid(x)**2 -> sigmoid(x)*sigmoid(-x):
    # sigmoid(x) rounds to 1 for x > 37, and the difference would be 0, not e^-x
    terms = list(expr.args)
    for t in terms:
        coeff, core = t.as_coeff_Mul()
        if isinstance(core, sigmoid) and coeff == -1 and sp.S.One in terms:
            terms.remove(t)
            terms.remove(sp.S.One)
            return sp.Add(sigmoid(-core.args[0]), *terms)
        if (isinstance(core, sp.Pow) and isinstance(core.base, sigmoid) and core.exp == 2
                and coeff == -1 and core.base in terms):
            terms.remove(t)
            terms.remove(core.base)
            return sp.Add(core.base * sigmoid(-core.base.args[0]), *terms)
    return None


def _expm1_rule(expr):
    if len(expr.args) == 2 and sp.S.NegativeOne in expr.args:
        other = expr.args[0] if expr.args[1] == -1 else expr.args[1]
        if isinstance(other, sp.exp):
            return expm1(other.args[0])
    return None


def _softplus_minus_rule(expr):
    # softplus(t) - t -> softplus(-t): the difference of two large numbers never formed
    for f in expr.args:
        if isinstance(f, softplus):
            others = [g for g in expr.args if g is not f]
            rest = sp.Add(*others) + f.args[0]
            if rest == 0 or len(sp.Add.make_args(rest)) < len(others):
                return softplus(-f.args[0]) + rest
    return None


#: (node type, rewrite function returning a replacement or None), in order.
STABLE_RULES = (
    (sp.log, _log_rule),
    (sp.Pow, _pow_rule),
    (sp.Mul, _merge_exps_rule),
    (sp.Mul, _exp_times_sigmoid_rule),
    (sp.Mul, _xlogy_rule),
    (sp.Mul, _merge_exp_rule),
    (sp.Add, _expm1_rule),
    (sp.Add, _softplus_minus_rule),
    (sp.Add, _sigmoid_complement_rule),
)


#: what some rule of :data:`STABLE_RULES` looks for; an expression without any is left alone
_TRIGGERS = (sp.exp, sp.log, sp.cosh, softplus, sigmoid, sp.S.Half)


_TRIGGER_TYPES = tuple(t for t in _TRIGGERS if isinstance(t, type))
_TRIGGER_VALUES = tuple(t for t in _TRIGGERS if not isinstance(t, type))
assert all(issubclass(t, sp.Function) for t in _TRIGGER_TYPES)   # is_trigger relies on it


def _triggered(exprs):
    """``any(e.has(*_TRIGGERS) for e in exprs)`` in one walk over the distinct
    subexpressions of them all (the entries of a Hessian share most of theirs).

    Examples
    --------
    >>> x = sp.Symbol("x")
    >>> _triggered([x**2 + 1, 3*x]), _triggered([x**2, sp.sqrt(x)]), _triggered([sp.exp(x)])
    (False, True, True)
    """
    return any(is_trigger(e) for e in distinct_subexpressions(exprs))


def is_trigger(node):
    """``node`` itself is one of the :data:`_TRIGGERS` some rule looks for (an
    expression with no such node anywhere is left as it is by :func:`stabilize`)."""
    if node.is_Number:
        return node in _TRIGGER_VALUES
    # the trigger types are functions; exp also claims exp's powers Pow(E, x)
    return (node.is_Function or node.is_Pow) and isinstance(node, _TRIGGER_TYPES)


def stabilize(expr):
    """Apply :data:`STABLE_RULES` bottom-up; expand logs of products and powers.

    The value of the expression is unchanged wherever it is defined.
    """
    if isinstance(expr, sp.MatrixBase):   # the non-zero entries only; unchanged, the same matrix
        dok = expr.todok()
        if not _triggered(dok.values()):
            return expr
        new = {k: stabilize(v) for k, v in dok.items()}
        if all(new[k] is v for k, v in dok.items()):
            return expr
        return expr.from_dok(*expr.shape, new)
    if not isinstance(expr, sp.Basic) or expr.is_Atom:
        return expr
    if not _triggered([expr]):      # every rule needs one of these (sqrt is a power 1/2)
        return expr
    expr = sp.expand_log(expr, deep=True, force=False) if expr.has(sp.log) else expr
    return _rewrite(expr)


def _rewrite(expr):
    if expr.is_Atom or not expr.args:
        return expr
    args = tuple(_rewrite(a) for a in expr.args)
    if args != expr.args:
        expr = expr.func(*args)
    for _ in range(_PASSES):   # a rule's result may match another (exps merged, then a sigmoid)
        for node_type, rule in STABLE_RULES:
            if isinstance(expr, node_type):
                new = rule(expr)
                if new is not None:
                    expr = new
                    break
        else:
            return expr
    return expr


#: rules tried on one node at most this many times over (each pass makes it smaller)
_PASSES = 3
