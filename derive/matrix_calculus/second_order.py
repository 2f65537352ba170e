"""Second (and third) order in matrix form: the Hessian as a linear map ``V -> H[V]``.

For a scalar ``f`` of a matrix ``X`` (``n x m``) the Hessian is a 4-index
object; written as a matrix it is ``nm x nm``. What a person (and Newton's
method, conjugate gradients, a curvature estimate) needs is the linear map it
stands for, and that map has a matrix form of its own:

    ``H[V] = D(grad f)(X)[V]``, shaped like ``X``,
    ``d^2 f = tr(V^T H[V])``  (the second differential along ``dX = V``).

Conventions: the gradient has ``X``'s shape (as everywhere in
:mod:`derive.matrix_calculus`), so ``H[V]`` is the differential of that
gradient with ``dX = V``. For ``log det X`` the gradient is ``X^{-T}`` and
``H[V] = -X^{-T} V^T X^{-T}``; written for the transposed gradient ``X^{-1}``
(the numerator layout some texts use) the same map reads
``-X^{-1} V^T X^{-1}``; both give ``d^2 f = -tr(X^{-1} V X^{-1} V)``.
The Kronecker form ``vec(H[V]) = K vec(V)`` uses column-major ``vec``
(:mod:`derive.matrix_calculus.vec_form`).

The map is derived with the same engine as the gradient (the differential,
applied once more), so nothing is expanded into entries and the derivation
takes the same time at any size. The mixed map between two variables,
``D_Y(grad_X f)[W]``, and the third-order map of a vector variable,
``u -> D(Hess f)(x)[u]`` (an ``n x n`` matrix), come the same way.

Examples
--------
>>> from derive.matrix_calculus import matrix, logdet, trace, total_sum, softplus, scalar
>>> X, A = matrix("X", "n", "n"), matrix("A", "n", "n")
>>> hvp(logdet(X), X).result
-X^-T*dX.T*X^-T
>>> hvp(trace(X.T * A * X), X).result
(A + A.T)*dX
>>> W, Z, Y = matrix("W", "d", "k"), matrix("Z", "n", "d"), matrix("Y", "n", "k")
>>> hvp(scalar(total_sum(softplus(Z * W))) - trace(Y.T * Z * W), W).result
Z.T*(HadamardProduct(-sigmoid(Z*W) + 1, sigmoid(Z*W), Z*dW))
"""

from __future__ import annotations

import sympy as sp
from sympy import MatrixExpr

from derive.derivation import Derivation, Step
from derive.errors import ShapeError
from derive.matrix_calculus.algebra import mul, transpose
from derive.matrix_calculus.derivatives import (
    _options,
    _scalar,
    _wrt,
    gradient,
    hessian,
)
from derive.matrix_calculus.differential import differential, differential_symbol
from derive.matrix_calculus.textbook import textbook

__all__ = ["hvp", "second_differential", "third_order"]


def _direction(X, V, taken):
    if V is None:
        V = differential_symbol(X)
    if not isinstance(V, sp.MatrixSymbol) or tuple(V.shape) != tuple(X.shape):
        raise ShapeError(f"the direction must be a matrix symbol shaped like {X.name} "
                         f"{tuple(X.shape)}, got {V!r}")
    if V in taken:
        raise ShapeError(f"the direction {V.name} is already a symbol of the function; "
                         f"pass another name, e.g. V=matrix('V_{X.name}', ...)")
    return V


def _zero_if_none(e, shape):
    return sp.ZeroMatrix(*shape) if e is None or e == 0 else e


def hvp(f, X, Y=None, *, V=None):
    """The Hessian-vector product of a scalar ``f``: the linear map ``V -> H[V]`` in matrix form.

    Parameters
    ----------
    f : sympy expression
        A scalar (or a 1x1 matrix expression).
    X : MatrixSymbol or str
        The variable whose gradient is differentiated; ``H[V]`` has its shape.
    Y : MatrixSymbol or str, optional
        Differentiate the gradient with respect to this variable instead (the
        mixed second derivative ``D_Y(grad_X f)[V]``, with ``V`` shaped like
        ``Y``); default ``X``.
    V : MatrixSymbol, optional
        The direction; ``d<Y>`` by default.

    Returns
    -------
    Derivation
        op ``"matrix_hvp"``; ``result`` is ``H[V]`` (shaped like ``X``, linear in
        ``V``); ``options`` hold ``gradient``, ``direction``, ``variable`` (``Y``)
        and ``second_differential`` (``tr(V^T H[V])`` when ``Y`` is ``X``).

    Examples
    --------
    >>> from derive.matrix_calculus import matrix
    >>> from derive.matrix_calculus.elementwise import norm
    >>> U, Vm, Y = matrix("U", "n", "r"), matrix("V", "m", "r"), matrix("Y", "n", "m")
    >>> f = norm(Y - U * Vm.T) ** 2
    >>> hvp(f, U).result
    2*dU*V.T*V
    >>> hvp(f, U, Vm).result
    -2*(-U*V.T + Y)*dV + 2*U*dV.T*V
    """
    f = _scalar(f, "Hessian-vector product")
    X = _wrt(X, f)
    Yv = X if Y is None else _wrt(Y, f)
    V = _direction(Yv, V, f.free_symbols)
    if differential_symbol(X) in f.free_symbols:
        raise ShapeError(f"{f} uses the name d{X.name}, which the differential needs; "
                         "rename that symbol")
    g = gradient(f, X)
    dG, _ = differential(g.result, Yv, V)
    raw = _zero_if_none(dG, X.shape)
    H = textbook(raw)
    name = X.name if Yv == X else f"{Yv.name} of the gradient in {X.name}"
    steps = g.steps + (Step(f"differentiate the gradient along d{name} = {V.name}", raw),
                       Step(f"textbook form of H[{V.name}]", H))
    options = {**_options(X), "gradient": g.result, "direction": V, "variable": Yv,
               "layout": f"H[{V.name}] has the shape of {X.name}; "
                         f"d^2 f = tr({V.name}^T H[{V.name}])"}
    if Yv == X:
        d2 = sp.Trace(mul(transpose(V), H)) if isinstance(H, MatrixExpr) else H
        options["second_differential"] = d2
        steps += (Step(f"second differential d^2 f = tr({V.name}^T H[{V.name}])", d2),)
    return Derivation(op="matrix_hvp", source=f, result=H, wrt=(X,), steps=steps,
                      options=options)


def second_differential(f, X, *, V=None):
    """``d^2 f = tr(V^T H[V])``, the second differential of ``f`` along ``dX = V``.

    Examples
    --------
    >>> from derive.matrix_calculus import matrix, logdet
    >>> X = matrix("X", "n", "n")
    >>> second_differential(logdet(X), X)
    Trace(-dX.T*X^-T*dX.T*X^-T)
    """
    return hvp(f, X, V=V).options["second_differential"]


def third_order(f, x, *, u=None):
    """The third derivative of ``f`` in a vector ``x`` as the matrix map ``u -> D(Hess f)(x)[u]``.

    ``T[u]`` is ``n x n`` (symmetric); ``u^T T[u] u`` is the third differential.

    Examples
    --------
    >>> from derive.matrix_calculus import vector, total_sum, power
    >>> z = vector("z", "k")
    >>> third_order(total_sum(power(z, 3)), z).result
    6*diag(dz)
    """
    h = hessian(f, x)
    x = h.wrt[0]
    u = _direction(x, u, h.source.free_symbols)
    dH, _ = differential(h.result, x, u)
    raw = _zero_if_none(dH, (x.shape[0], x.shape[0]))
    T = textbook(raw)
    steps = h.steps + (Step(f"differentiate the Hessian along d{x.name} = {u.name}", raw),
                       Step(f"textbook form of T[{u.name}]", T))
    return Derivation(op="matrix_third_order", source=h.source, result=T, wrt=(x,),
                      steps=steps, options={"hessian": h.result, "direction": u,
                                            "layout": f"T[{u.name}] = D(Hessian)[{u.name}], "
                                                      f"n x n"})
