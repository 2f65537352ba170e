"""Derivatives of scalar and vector expressions: the calculus of derive.

Every function takes an expression (text, parsed safely by :mod:`derive.parsing`,
or a SymPy expression) and the variables to differentiate with respect to
(SymPy symbols or their names), and returns a :class:`~derive.derivation.Derivation`
whose ``result`` is the formula; ``.compile()`` turns it into NumPy code and
``.check()`` verifies that code numerically.

Layout: a gradient is a column (``n x 1`` ImmutableMatrix); a Jacobian of ``m``
functions of ``n`` variables is ``m x n``; a Hessian is the Jacobian of the
gradient, ``n x n`` and symmetric. Derivatives are computed by symengine where
it is exact (see :mod:`derive.fastdiff`) and by SymPy otherwise; the Hessian is
built from the gradient (never :func:`sympy.hessian`, which re-derives every
entry from the start). Matrix and vector symbols belong to
:mod:`derive.matrix_calculus`; ``derive.gradient`` chooses between the two.

Examples
--------
>>> from derive.calculus import derivative, gradient, hessian
>>> derivative("x**2", "x").result
2*x
>>> g = gradient("x**2 + y**2", ["x", "y"])
>>> g.result.T
Matrix([[2*x, 2*y]])
>>> hessian("x**2*y", ["x", "y"]).result
Matrix([
[2*y, 2*x],
[2*x,   0]])
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable

import sympy as sp

from derive import guard
from derive.derivation import Derivation, Step
from derive.errors import ParseError, ShapeError
from derive.fastdiff import gradient_and_hessian, jacobian_rows, matrix
from derive.parsing import as_sympy, parse, parse_matrix

#: Budget for ``series`` (SymPy's series can run long on nested special functions).
SERIES_SECONDS = 10.0


def derivative(f, x, n: int = 1) -> Derivation:
    """The ``n``-th derivative of a scalar expression with respect to one variable.

    Examples
    --------
    >>> derivative("sin(x)*exp(x)", "x", 2).result
    2*exp(x)*cos(x)
    """
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise ValueError(f"derivative order n must be a positive integer, got {n!r}")
    expr = _scalar(f)
    (var,) = _variables(x, expr)
    result, steps = expr, []
    for k in range(1, n + 1):
        result = jacobian_rows([result], [var])[0][0]
        steps.append(Step(f"differentiate with respect to {var} (order {k})", result))
    return Derivation("derivative", expr, result, (var,), tuple(steps), {"n": n})


def gradient(f, wrt) -> Derivation:
    """The gradient of a scalar expression, as an ``n x 1`` column.

    Examples
    --------
    >>> d = gradient("x*y + exp(x)", "x y")
    >>> d.result.T
    Matrix([[y + exp(x), x]])
    >>> print(d)
    gradient of x*y + exp(x) with respect to (x, y):
    [y + exp(x), x]
    """
    _refuse_matrix_variable(wrt, "gradient")
    expr = _scalar(f)
    variables = _variables(wrt, expr)
    column = matrix([[d] for d in jacobian_rows([expr], variables)[0]])
    steps = (Step("differentiate with respect to each variable", column),)
    return Derivation("gradient", expr, column, variables, steps)


def jacobian(F, wrt) -> Derivation:
    """The Jacobian ``m x n`` of ``m`` functions of ``n`` variables.

    Examples
    --------
    >>> jacobian("[x*y, x + y]", "x y").result
    Matrix([
    [y, x],
    [1, 1]])
    """
    _refuse_matrix_variable(wrt, "jacobian")
    functions = _vector(F)
    variables = _variables(wrt, functions)
    J = matrix(jacobian_rows(list(functions), variables))
    steps = (Step("differentiate each function with respect to each variable", J),)
    return Derivation("jacobian", functions, J, variables, steps)


def hessian(f, wrt) -> Derivation:
    """The Hessian of a scalar expression: the Jacobian of its gradient.

    Only the upper triangle is differentiated (the Hessian of a smooth function
    is symmetric); the steps record the gradient it was built from.

    Examples
    --------
    >>> hessian("x**3 + x*y", "x y").result
    Matrix([
    [6*x, 1],
    [  1, 0]])
    """
    _refuse_matrix_variable(wrt, "hessian")
    expr = _scalar(f)
    variables = _variables(wrt, expr)
    g, H = gradient_and_hessian(expr, variables)
    g, H = matrix([[d] for d in g]), matrix(H)
    steps = (Step("differentiate with respect to each variable", g),
             Step("differentiate the gradient (upper triangle, mirrored)", H))
    return Derivation("hessian", expr, H, variables, steps, {"gradient": g})


def directional_derivative(f, wrt, direction, *, normalize: bool = False) -> Derivation:
    """The derivative of ``f`` along ``direction``: ``∇f · u``.

    ``direction`` is a sequence of numbers or expressions, one per variable;
    with ``normalize=True`` it is scaled to unit length first (the textbook
    ``D_u f`` for a unit vector ``u``).

    Examples
    --------
    >>> directional_derivative("x**2 + y**2", "x y", [3, 4], normalize=True).result
    6*x/5 + 8*y/5
    """
    g = gradient(f, wrt)
    u = sp.ImmutableMatrix([_coerce(c) for c in direction])
    if u.shape[0] != len(g.wrt):
        raise ShapeError(f"direction has {u.shape[0]} components but there are "
                         f"{len(g.wrt)} variables {g.wrt}; give one component per variable")
    if normalize:
        norm = sp.sqrt(sum(c**2 for c in u))
        if norm == 0:
            raise ValueError("direction is the zero vector; it has no unit direction")
        u = u / norm
    result = sp.expand((g.result.T * u)[0, 0])
    steps = g.steps + (Step(f"dot the gradient with u = {list(u)}", result),)
    return Derivation("directional", g.source, result, g.wrt, steps, {"direction": tuple(u)})


def series(f, x, x0=0, n: int = 6, *, seconds: float = SERIES_SECONDS) -> Derivation:
    """The Taylor series of ``f`` about ``x0`` up to (not including) order ``n``.

    The result has no ``O(...)`` term; the order is recorded in ``options``.

    Examples
    --------
    >>> series("exp(x)", "x", 0, 4).result
    x**3/6 + x**2/2 + x + 1
    """
    if not isinstance(n, int) or n < 1:
        raise ValueError(f"series order n must be a positive integer, got {n!r}")
    expr = _scalar(f)
    (var,) = _variables(x, expr)
    point = _coerce(x0)
    expansion = guard.run(sp.series, (expr, var, point, n), seconds=seconds,
                          what=f"series of {expr} about {var} = {point}")
    result = expansion.removeO()
    steps = (Step(f"expand about {var} = {point} to order {n}", expansion),)
    return Derivation("series", expr, result, (var,), steps, {"x0": point, "n": n})


# -- input coercion -----------------------------------------------------------

def _coerce(value):
    return as_sympy(value)


def _scalar(f):
    if isinstance(f, str) and f.lstrip().startswith("["):
        raise ShapeError(f"expected a scalar expression, got the list {f}; "
                         "for several functions use jacobian")
    if isinstance(f, (list, tuple)):
        raise ShapeError(f"expected a scalar expression, got a {type(f).__name__} of "
                         f"{len(f)}; for several functions use jacobian")
    expr = _coerce(f)
    if isinstance(expr, sp.MatrixBase) or not isinstance(expr, sp.Expr):
        raise ShapeError(f"expected a scalar expression, got {type(expr).__name__} {expr}; "
                         "for several functions use jacobian")
    return expr


def _vector(F):
    if isinstance(F, str):
        F = parse_matrix(F) if F.lstrip().startswith("[") else parse(F)
    if isinstance(F, sp.MatrixBase):
        return tuple(F)
    if isinstance(F, sp.Expr):
        return (F,)
    return tuple(_scalar(f) for f in F)


def _variables(wrt, exprs) -> tuple:
    """Resolve ``wrt`` (symbols, names, or a space-separated string) to symbols.

    Names match the free symbols of ``exprs`` (so their assumptions are kept);
    a name that does not occur becomes a real symbol (its derivative is 0).
    """
    if isinstance(wrt, str):
        wrt = wrt.replace(",", " ").split()
    elif isinstance(wrt, sp.Basic) or not isinstance(wrt, Iterable):
        wrt = [wrt]
    exprs = exprs if isinstance(exprs, (tuple, list)) else [exprs]
    wrt = list(wrt)
    occurring = set()   # needed for names only: one walk of a large loss
    if any(isinstance(w, str) for w in wrt):
        occurring = set().union(*(e.free_symbols for e in exprs))
    free = {s.name: s for s in occurring if isinstance(s, sp.Symbol)}
    out, typed = [], set()
    for w in wrt:
        if isinstance(w, str):
            typed.add(w)
            if not w.isidentifier():
                raise ParseError(f"variable name {w!r} is not a valid name", text=w, piece=w)
            w = free.get(w, sp.Symbol(w, real=True))
        if not isinstance(w, sp.Symbol):
            raise ShapeError(f"can only differentiate with respect to symbols, got {w!r}")
        out.append(w)
    if not out:
        raise ValueError("no variables to differentiate with respect to; pass wrt")
    if len(set(out)) != len(out):
        raise ValueError(f"variables repeated in wrt: {out}")
    missing = [w.name for w in out if w.name in typed and w not in occurring]  # a typo?
    if missing:
        shown = ", ".join(sp.sstr(e) for e in exprs)
        warnings.warn(f"{', '.join(missing)} {'does' if len(missing) == 1 else 'do'} not occur "
                      f"in {shown[:200]}: {'its' if len(missing) == 1 else 'their'} "
                      f"derivative entries are 0. A typo? The symbols that occur are "
                      f"{', '.join(sorted(free)) or '(none)'}", VariableWarning, stacklevel=3)
    return tuple(out)


class VariableWarning(UserWarning):
    """A variable of differentiation that does not occur in the expression."""


def _refuse_matrix_variable(wrt, operation: str) -> None:
    if isinstance(wrt, sp.MatrixSymbol):
        raise ShapeError(f"{wrt} is a matrix or vector symbol: derive.calculus.{operation} "
                         f"works entry by entry; use derive.{operation} (which chooses matrix "
                         f"calculus by its input) or derive.matrix_calculus.{operation}")
