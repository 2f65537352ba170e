"""Counted, shape-checked access to an objective and its derivatives.

The iterative methods of :mod:`derive.optimize` call the user's ``fun``,
``jac`` and ``hess`` through :class:`Objective`, which counts evaluations
(reported as ``nfev``/``njev``/``nhev``), flattens gradients to 1-D and checks
shapes, so a gradient of the wrong length is a clear :class:`ShapeError`
rather than a broadcasting accident. :func:`compile_objective` derives and
compiles ``(fun, jac, hess)`` of a text or SymPy objective for them.

Examples
--------
>>> import numpy as np
>>> from derive.optimize.objective import Objective
>>> obj = Objective(lambda x: x @ x, lambda x: 2 * x, None, n=2)
>>> obj.f(np.array([1.0, 2.0])), obj.g(np.array([1.0, 2.0]))
(5.0, array([2., 4.]))
>>> obj.nfev, obj.njev, obj.nhev
(1, 1, 0)
"""

from __future__ import annotations

import numpy as np

from derive import calculus
from derive.codegen import compile
from derive.errors import ShapeError


def as_start(x0, what="x0"):
    """``x0`` as a 1-D float array, or a ShapeError/ValueError naming ``what``."""
    try:
        x = np.array(x0, dtype=float).ravel()
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{what} must be a sequence of numbers, got {x0!r}") from exc
    if x.size == 0:
        raise ShapeError(f"{what} is empty; give one starting value per variable")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{what} contains a non-finite value: {x}; start from finite numbers")
    return x


class Objective:
    """An objective ``fun`` with gradient ``jac`` and optional Hessian ``hess``.

    Parameters
    ----------
    fun, jac, hess : callable
        ``fun(x, *args) -> float``, ``jac(x, *args) -> (n,)`` (any shape with
        ``n`` entries), ``hess(x, *args) -> (n, n)``; ``hess`` may be None.
    n : int
        Number of variables.
    args : tuple
        Extra arguments passed to every call.
    """

    def __init__(self, fun, jac, hess, n, args=()):
        for name, func in (("fun", fun), ("jac", jac)):
            if not callable(func):
                raise TypeError(f"{name} must be callable, got {type(func).__name__}")
        if hess is not None and not callable(hess):
            raise TypeError(f"hess must be callable or None, got {type(hess).__name__}")
        self.fun, self.jac, self.hess = fun, jac, hess
        self.n, self.args = n, tuple(args)
        self.nfev = self.njev = self.nhev = 0

    def f(self, x):
        """Objective value as a Python float (nan/inf passed through)."""
        self.nfev += 1
        value = np.asarray(self.fun(x, *self.args), dtype=float)
        if value.size != 1:
            raise ShapeError(f"fun must return a scalar, returned shape {value.shape}")
        return float(value.reshape(()))

    def g(self, x):
        """Gradient as a 1-D array of length n."""
        self.njev += 1
        grad = np.asarray(self.jac(x, *self.args), dtype=float).ravel()
        if grad.size != self.n:
            raise ShapeError(f"jac must return {self.n} entries (one per variable), "
                             f"returned {grad.size}")
        return grad

    def h(self, x):
        """Hessian as an (n, n) array."""
        self.nhev += 1
        hess = np.asarray(self.hess(x, *self.args), dtype=float)
        if hess.size != self.n * self.n:
            raise ShapeError(f"hess must return an ({self.n}, {self.n}) matrix, "
                             f"returned shape {hess.shape}")
        return hess.reshape(self.n, self.n)


def compile_objective(f, wrt, *, gradient: bool = True, hessian: bool = False, params=None,
                      derivations=None):
    """NumPy callables ``(fun, jac, hess)`` of a 1-D vector, for optimizers.

    ``jac``/``hess`` are None unless asked for. ``params`` maps other symbols
    to numbers (substituted before compiling). ``derivations``: the
    ``{"gradient": ..., "hessian": ...}`` Derivations of ``f`` in ``wrt``
    (from :mod:`derive.calculus`) when the caller has them already; they are
    compiled instead of derived a second time.

    Examples
    --------
    >>> fun, jac, hess = compile_objective("(x - 1)**2 + 3*y**2", "x y", hessian=True)
    >>> fun([1.0, 1.0]), jac([0.0, 1.0]), hess([0.0, 0.0]).tolist()
    (3.0, array([-2.,  6.]), [[2.0, 0.0], [0.0, 6.0]])
    """
    derivations = derivations or {}
    g = derivations.get("gradient") or calculus.gradient(f, wrt)
    expr, variables = g.source, g.wrt
    subs = {}
    if params:
        free = {s.name: s for s in expr.free_symbols}
        subs = {(free.get(k, k) if isinstance(k, str) else k): v for k, v in params.items()}
    def known(e):   # a 100x100 Matrix.subs({}) still walks every entry
        return e.subs(subs) if subs else e

    compiled_f = compile(known(expr), variables, name="fun", convention="vector")
    fun = _vector_function(compiled_f, float)
    jac = hess = None
    if gradient:
        jac = _vector_function(compile(known(g.result), variables, name="jac",
                                       convention="vector"))
    if hessian:
        h = derivations.get("hessian") or calculus.hessian(expr, variables)
        H = known(h.result)
        hess = _vector_function(compile(H, variables, name="hess", convention="vector"))
    return fun, jac, hess


def _vector_function(compiled, convert=None):
    def call(x):
        x = np.asarray(x, dtype=float)
        value = compiled.func(x)
        return convert(value) if convert else np.asarray(value)
    call.__name__ = compiled.name
    call.compiled = compiled
    return call
