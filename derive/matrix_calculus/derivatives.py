"""Gradient, Hessian and Jacobian with respect to a matrix or vector symbol.

Each returns a :class:`~derive.derivation.Derivation` whose steps are the
differential at each stage (``df``, then the read-off ``G``, then the
textbook form), with op ``"matrix_gradient"``, ``"matrix_hessian"`` or
``"matrix_jacobian"``.  Layout: the gradient of a scalar with respect to
``X`` has ``X``'s shape; the Jacobian of ``F`` (``m x 1``) with respect to
``x`` (``n x 1``) is ``m x n``; the Hessian is the Jacobian of the gradient.

Examples
--------
>>> from derive.matrix_calculus.symbols import matrix, vector
>>> x, A = vector("x", "n"), matrix("A", "n", "n")
>>> gradient(x.T * A * x, x).result
(A + A.T)*x
>>> hessian(x.T * A * x, x).result
A + A.T
"""

from __future__ import annotations

import sympy as sp
from sympy import MatrixExpr

from derive.derivation import Derivation, Step
from derive.errors import ShapeError
from derive.matrix_calculus.differential import (
    differential,
    read_off_gradient,
    read_off_jacobian,
)
from derive.matrix_calculus.symbols import as_expr, check_shapes, is_symmetric
from derive.matrix_calculus.textbook import textbook


def _wrt(X, f):
    if isinstance(X, str):
        found = [s for s in _matrix_symbols(f) if s.name == X]
        if not found:
            raise ShapeError(f"{X!r} is not a matrix or vector symbol of {f}")
        X = found[0]
    if not isinstance(X, sp.MatrixSymbol):
        raise ShapeError(f"differentiate with respect to a matrix or vector symbol "
                         f"(derive.matrix_calculus.matrix / vector), got {X!r}")
    return X


def _matrix_symbols(e):
    return {s for s in getattr(e, "free_symbols", ()) if isinstance(s, sp.MatrixSymbol)}


def _scalar(f, what):
    f = as_expr(f, what)
    check_shapes(f)
    if isinstance(f, MatrixExpr) and tuple(f.shape) != (1, 1):
        raise ShapeError(f"the {what} needs a scalar function; {f} has shape {f.shape}. "
                         "Try jacobian for a vector function, or trace(...) / a sum of it")
    return f


def _options(X):
    opts = {"layout": f"gradient has the shape of {X.name}"}
    if is_symmetric(X):
        opts["symmetric"] = True
    return opts


def gradient(f, X):
    """The gradient of a scalar ``f`` with respect to the matrix or vector ``X``.

    Parameters
    ----------
    f : sympy expression
        A scalar, or a 1x1 matrix expression such as ``x.T*A*x``.
    X : sympy.MatrixSymbol or str
        The variable (or its name).

    Returns
    -------
    Derivation
        op ``"matrix_gradient"``; ``result`` has ``X``'s shape.

    Examples
    --------
    >>> import sympy as sp
    >>> from derive.matrix_calculus.symbols import matrix
    >>> X = matrix("X", "n", "n")
    >>> gradient(sp.log(sp.Determinant(X)), X).result
    X^-T
    """
    f = _scalar(f, "gradient")
    X = _wrt(X, f)
    df, dX = differential(f, X)
    raw = read_off_gradient(df, dX)
    G = textbook(raw)
    steps = (Step(f"take the differential d{X.name}", df),
             Step(f"read off G from df = tr(G^T d{X.name})", raw),
             Step("textbook form", G))
    return Derivation(op="matrix_gradient", source=f, result=G, wrt=(X,), steps=steps,
                      options=_options(X))


def jacobian(F, x):
    """The Jacobian ``J`` (``m x n``) of a column ``F`` (``m x 1``) with respect to a vector ``x``.

    Examples
    --------
    >>> from derive.matrix_calculus.symbols import matrix, vector
    >>> from derive.matrix_calculus.elementwise import tanh
    >>> W, x = matrix("W", "m", "n"), vector("x", "n")
    >>> jacobian(tanh(W * x), x).result
    diag(-HadamardPower(tanh(W*x), 2) + 1)*W
    """
    F = as_expr(F, "jacobian")
    check_shapes(F)
    x = _wrt(x, F)
    if x.shape[1] != 1:
        raise ShapeError(f"jacobian in matrix form needs a vector variable; {x.name} has shape "
                         f"{x.shape}. Try gradient of a scalar function of {x.name}")
    if isinstance(F, MatrixExpr) and F.shape[1] != 1:
        raise ShapeError(f"jacobian needs a column-vector function; {F} has shape {F.shape}")
    dF, dx = differential(F, x)
    raw = read_off_jacobian(dF, dx)
    J = textbook(raw)
    steps = (Step(f"take the differential d{x.name}", dF),
             Step(f"read off J from dF = J d{x.name}", raw),
             Step("textbook form", J))
    return Derivation(op="matrix_jacobian", source=F, result=J, wrt=(x,), steps=steps,
                      options={"layout": "J has shape (rows of F, rows of x)"})


def hessian(f, x):
    """The Hessian of a scalar ``f`` with respect to a vector ``x``: the Jacobian of its gradient.

    Examples
    --------
    >>> from derive.matrix_calculus.symbols import vector
    >>> from derive.matrix_calculus.elementwise import logsumexp
    >>> z, y = vector("z", "k"), vector("y", "k")
    >>> hessian(logsumexp(z) - y.T * z, z).result
    diag(softmax(z)) - softmax(z)*softmax(z).T
    """
    f = _scalar(f, "hessian")
    x = _wrt(x, f)
    if x.shape[1] != 1:
        raise ShapeError(f"a Hessian in matrix form needs a vector variable; {x.name} has shape "
                         f"{x.shape} (its Hessian is a 4-index tensor). Try hvp(f, {x.name}) "
                         "for the map V -> H[V] in matrix form, and vec_form.kron_form of "
                         "its result for the full Hessian in Kronecker form")
    g = gradient(f, x)
    dg, dx = differential(g.result, x)
    raw = read_off_jacobian(dg, dx)
    H = textbook(raw)
    steps = g.steps + (Step(f"take the differential of the gradient d{x.name}", dg),
                       Step(f"read off H from dg = H d{x.name}", raw),
                       Step("textbook form", H))
    return Derivation(op="matrix_hessian", source=f, result=H, wrt=(x,), steps=steps,
                      options={"gradient": g.result, "layout": "H is the Jacobian of the gradient"})
