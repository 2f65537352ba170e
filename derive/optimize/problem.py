"""A symbolic optimization problem: objective, variables and constraints.

Turns what a user writes (text, or SymPy) into one normalized form that the
closed-form solvers and the iterative bridges share:

* the objective as a SymPy expression and the variables as a tuple of symbols
  (given by name, or all free symbols sorted by name);
* equality constraints as expressions ``h(x)`` meaning ``h(x) = 0``;
* inequality constraints as expressions ``g(x)`` meaning ``g(x) <= 0``.

Text goes through :func:`derive.parsing.parse`, never ``eval``/``sympify``.
A constraint may be written as text with one relation (``"x + y = 1"``,
``"x + y == 1"``, ``"x >= 0"``, ``"x**2 + y**2 <= 4"``), as a SymPy relational
(``Eq``, ``<=``, ``>=``), as a bare expression (meaning ``expr = 0``), or as a
SciPy-style dict ``{"type": "eq" | "ineq", "fun": expr}`` (SciPy's ``ineq``
means ``fun >= 0``).

Examples
--------
>>> import sympy as sp
>>> from derive.optimize.problem import Problem
>>> x, y = sp.symbols("x y", real=True)
>>> p = Problem.build(x**2 + y**2, None, [sp.Eq(x + y, 1), x >= 0])
>>> p.wrt, p.equalities, p.inequalities
((x, y), (x + y - 1,), (-x,))
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import sympy as sp

from derive.calculus import gradient, hessian
from derive.errors import DeriveError, ParseError, ShapeError
from derive.parsing import parse
from derive.traversal import free_symbols

_RELATION = re.compile(r"(<=|>=|==|=|<|>)")


def _parse(text, symbols):
    return parse(text, symbols=symbols)


def as_expr(f, symbols=None, what="f"):
    """``f`` (text or SymPy) as a scalar SymPy expression."""
    if isinstance(f, str):
        expr = _parse(f, symbols)
    elif isinstance(f, (int, float)):
        expr = sp.sympify(f)
    elif isinstance(f, sp.Basic):
        expr = f
    else:
        raise TypeError(f"{what} must be text or a SymPy expression, got {type(f).__name__}")
    if isinstance(expr, sp.MatrixBase) or getattr(expr, "is_Matrix", False):
        raise ShapeError(f"{what} must be a scalar expression, got a matrix of shape "
                         f"{expr.shape}; optimize a scalar such as its sum or norm")
    return expr


def resolve_wrt(exprs, wrt, *, free=None):
    """Variables as a tuple of symbols, matching names against ``exprs``' symbols
    (``free``: those symbols, when the caller has them already)."""
    if free is None:
        free = set().union(*(e.free_symbols for e in exprs)) if exprs else set()
    by_name = {s.name: s for s in free}
    if wrt is None:
        syms = tuple(sorted(free, key=lambda s: s.name))
        if not syms:
            raise ParseError("the objective has no variables; pass wrt=[...] naming them")
        return syms
    if isinstance(wrt, (str, sp.Symbol)):
        wrt = [wrt]
    out = []
    for item in wrt:
        if isinstance(item, sp.Symbol):
            out.append(item)
        elif isinstance(item, str) and item.isidentifier():
            out.append(by_name.get(item, sp.Symbol(item, real=True)))
        else:
            raise ParseError(f"wrt entries must be symbols or names, got {item!r}")
    if len(set(out)) != len(out):
        raise ParseError(f"wrt names a variable twice: {[str(s) for s in out]}")
    if not out:
        raise ParseError("wrt is empty; name at least one variable")
    return tuple(out)


def _relation_from_text(text, symbols):
    parts = _RELATION.split(text)
    if len(parts) == 1:
        return _parse(text, symbols), "==", sp.Integer(0)
    if len(parts) != 3:
        raise ParseError("a constraint must contain exactly one relation "
                         "(=, ==, <=, >=, <, >)", text=text)
    lhs, op, rhs = parts
    if not lhs.strip() or not rhs.strip():
        raise ParseError(f"the relation {op!r} needs an expression on both sides", text=text)
    return _parse(lhs, symbols), op, _parse(rhs, symbols)


def normalize_constraint(c, symbols=None):
    """One constraint as ``("eq", h)`` (h = 0) or ``("ineq", g)`` (g <= 0).

    Examples
    --------
    >>> from derive.optimize.problem import normalize_constraint
    >>> import sympy as sp
    >>> x = sp.Symbol("x", real=True)
    >>> normalize_constraint(x >= 2), normalize_constraint({"type": "ineq", "fun": x})
    (('ineq', 2 - x), ('ineq', -x))
    """
    if isinstance(c, dict):
        kind, fun = c.get("type"), c.get("fun")
        if kind not in ("eq", "ineq") or fun is None:
            raise ParseError(f"a constraint dict needs type 'eq' or 'ineq' and fun, got {c!r}")
        expr = as_expr(fun, symbols, what="constraint fun")
        return ("eq", expr) if kind == "eq" else ("ineq", -expr)
    if isinstance(c, str):
        lhs, op, rhs = _relation_from_text(c, symbols)
    elif isinstance(c, sp.Equality):
        lhs, op, rhs = c.lhs, "==", c.rhs
    elif isinstance(c, (sp.LessThan, sp.StrictLessThan)):
        lhs, op, rhs = c.lhs, "<=", c.rhs
    elif isinstance(c, (sp.GreaterThan, sp.StrictGreaterThan)):
        lhs, op, rhs = c.lhs, ">=", c.rhs
    elif isinstance(c, sp.Basic) and not isinstance(c, sp.logic.boolalg.Boolean):
        lhs, op, rhs = c, "==", sp.Integer(0)
    else:
        raise TypeError(f"cannot read {c!r} as a constraint; write e.g. 'x + y = 1', "
                        "'x >= 0', Eq(x + y, 1) or {'type': 'eq', 'fun': x + y - 1}")
    if op in ("=", "=="):
        return "eq", sp.expand(lhs - rhs) if (lhs - rhs).is_polynomial() else lhs - rhs
    if op in ("<=", "<"):
        return "ineq", lhs - rhs
    return "ineq", rhs - lhs


class InfeasibleError(DeriveError, ValueError):
    """A constraint that no real point satisfies (``x**2 + y**2 = -1``)."""


class Point(Mapping):
    """An exact point ``{symbol: value}``, also indexed by a variable's name.

    Not a ``dict``, so SciPy's ``OptimizeResult`` prints it (its formatter expects
    text keys in nested dicts).

    Examples
    --------
    >>> x = sp.Symbol("x", real=True)
    >>> p = Point({x: sp.Rational(1, 2)})
    >>> p, p["x"], p[x], p == {x: sp.Rational(1, 2)}
    ({x: 1/2}, 1/2, 1/2, True)
    """

    def __init__(self, values):
        self._values = dict(values)

    def __getitem__(self, key):
        if isinstance(key, str):
            for k, v in self._values.items():
                if getattr(k, "name", None) == key:
                    return v
        return self._values[key]

    def __iter__(self):
        return iter(self._values)

    def __len__(self):
        return len(self._values)

    def __repr__(self):
        return repr(self._values)


@dataclass(frozen=True)
class Problem:
    """Objective ``f`` over ``wrt`` with ``equalities`` (= 0) and ``inequalities`` (<= 0)."""

    f: sp.Expr
    wrt: tuple
    equalities: tuple = ()
    inequalities: tuple = ()

    @classmethod
    def build(cls, f, wrt=None, constraints=()):
        """Read ``f``, ``wrt`` and ``constraints`` as a user writes them (see module doc)."""
        names = None
        if wrt is not None:
            items = [wrt] if isinstance(wrt, (str, sp.Symbol)) else list(wrt)
            names = [s if isinstance(s, sp.Symbol) else sp.Symbol(str(s), real=True)
                     for s in items]
        if isinstance(constraints, (str, dict, sp.Basic)):
            constraints = [constraints]
        f_expr = as_expr(f, names)
        cons = [normalize_constraint(c, names) for c in constraints]
        exprs = [f_expr] + [e for _, e in cons]
        free = free_symbols(exprs)   # one walk of a large objective
        syms = resolve_wrt(exprs, wrt, free=free)
        extra = free - set(syms)
        if extra:
            names_extra = ", ".join(sorted(s.name for s in extra))
            raise ParseError(f"the problem has symbols that are not variables: {names_extra}; "
                             "add them to wrt or substitute numbers for them")
        eqs = tuple(e for k, e in cons if k == "eq")
        ineqs = tuple(e for k, e in cons if k == "ineq")
        for e in eqs + ineqs:
            if e.is_number and e == 0:
                raise ParseError("a constraint reduces to 0 = 0 (always true); remove it")
        for kind, e in cons:
            never = sp.Eq(e, 0) if kind == "eq" else sp.Le(e, 0)
            if never is sp.false:
                shown = f"{sp.sstr(e)} = 0" if kind == "eq" else f"{sp.sstr(e)} <= 0"
                raise InfeasibleError(
                    f"the constraint {shown} holds for no real "
                    f"{', '.join(s.name for s in syms)}: the problem has no feasible point. "
                    "Check its sign and constant")
        return cls(f_expr, syms, eqs, ineqs)

    def gradient(self):
        """Exact gradient of ``f`` as a :class:`~derive.derivation.Derivation`
        (from :mod:`derive.calculus`)."""
        return gradient(self.f, self.wrt)

    def hessian(self):
        """Exact Hessian of ``f`` (a Derivation from :mod:`derive.calculus`)."""
        return hessian(self.f, self.wrt)


def result_of(d):
    """The formula of a Derivation, or ``d`` itself when it already is one."""
    return getattr(d, "result", d)
