"""The :class:`Compiled` function: generated NumPy code and its provenance."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from derive.codegen import jax_backend, torch_backend
from derive.errors import CompileError


@dataclass(frozen=True)
class Compiled:
    """A NumPy function generated from a SymPy expression.

    Call it with arrays in the order of ``args`` (or by name); it broadcasts
    like a NumPy ufunc. ``source`` is the plain Python it was built from, which
    imports only NumPy and SciPy and can be pasted into any project.

    Attributes
    ----------
    func : callable
        The generated function.
    source : str
        Its Python source.
    args : tuple of sympy symbols
        The parameters, in order.
    expr : sympy expression or matrix
        What was compiled (after the stable rewrites).
    name : str
        The function's name in ``source``.
    shape : tuple
        Shape of one result (``()`` for a scalar; for a gradient ``(n,)``).
    backend : str
        ``"numpy"``, ``"jax"`` or ``"torch"``.
    primal : tuple or None
        ``(f, wrt)``: the scalar function this code computes (``wrt`` None) or whose
        gradient with respect to ``wrt`` it computes; used by :meth:`as_torch_function`
        and :meth:`as_jax_function`.
    pair : callable or None
        ``pair()`` compiles ``(forward, gradient, wrt positions)`` in this backend.
    vector : callable or None
        ``vector(x)`` at one point given as a 1-D array of the arguments in order
        (SciPy's convention), with index patterns as slices
        (:mod:`derive.codegen.vector`); NumPy functions of two or more scalars.
        Calling the function with that one array does the same.
    vector_source : str or None
        Its source.
    """

    func: Callable
    source: str
    args: tuple
    expr: Any
    name: str = "f"
    shape: tuple = field(default=())
    backend: str = "numpy"
    primal: Any = None
    pair: Callable | None = field(default=None, repr=False, compare=False)
    vector: Callable | None = field(default=None, repr=False, compare=False)
    vector_source: str | None = field(default=None, repr=False, compare=False)

    def __call__(self, *arrays, **by_name):
        if self.vector is self.func:               # compiled with convention="vector"
            if by_name or len(arrays) != 1:
                raise TypeError(f"{self.name}(x) takes the point as one 1-D array of "
                                f"{[str(a) for a in self.args]}")
            return self.func(arrays[0])
        if (self.vector is not None and len(arrays) == 1 and not by_name
                and getattr(arrays[0], "shape", None) == (len(self.args),)):
            return self.vector(arrays[0])
        if by_name:
            names = [getattr(a, "name", str(a)) for a in self.args]
            unknown = set(by_name) - set(names)
            if unknown:
                raise TypeError(f"{self.name}() got unknown arguments {sorted(unknown)}; "
                                f"its arguments are {names}")
            given = dict(zip(names, arrays))
            dup = set(given) & set(by_name)
            if dup:
                raise TypeError(f"{self.name}() got multiple values for {sorted(dup)}")
            given.update(by_name)
            missing = [n for n in names if n not in given]
            if missing:
                raise TypeError(f"{self.name}() missing arguments {missing}")
            arrays = tuple(given[n] for n in names)
        if len(arrays) != len(self.args):
            raise TypeError(f"{self.name}() takes {len(self.args)} arguments "
                            f"{[str(a) for a in self.args]}, got {len(arrays)}")
        return self.func(*arrays)

    def as_torch_function(self):
        """A ``torch.autograd.Function`` whose backward is the derived gradient.

        Its ``apply(*tensors)`` computes the scalar function (the derivation's
        source, or this expression) and back-propagates through the derived,
        compiled gradient instead of torch's own tape. Arguments that are not
        variables of differentiation get no gradient.

        Examples
        --------
        >>> import torch
        >>> from derive.calculus import gradient
        >>> from derive.codegen import compile
        >>> fn = compile(gradient("softplus(w*x)", "w"), backend="torch").as_torch_function()
        >>> w = torch.tensor(0.5, dtype=torch.float64, requires_grad=True)
        >>> fn.apply(w, torch.tensor([1.0, 2.0], dtype=torch.float64)).sum().backward()
        >>> round(w.grad.item(), 6)             # sigmoid(0.5) + 2 sigmoid(1)
        2.084576
        """
        forward, gradient, wrt = self._pair("torch")
        return torch_backend.autograd_function(forward, gradient, wrt, len(self.args))

    def as_jax_function(self):
        """A ``jax.custom_vjp`` function whose VJP is the derived gradient.

        Runs in the user's own precision setting (float32 unless
        ``jax_enable_x64``); arguments that are not variables of
        differentiation get zero cotangents.

        Examples
        --------
        >>> import jax
        >>> from derive.calculus import gradient
        >>> from derive.codegen import compile
        >>> fn = compile(gradient("softplus(w*x)", "w"), backend="jax").as_jax_function()
        >>> round(float(jax.grad(lambda w: fn(w, 1.0))(0.5)), 5)     # sigmoid(0.5)
        0.62246
        """
        forward, gradient, wrt = self._pair("jax")
        return jax_backend.custom_vjp_function(forward, gradient, wrt, len(self.args))

    def _pair(self, backend):
        if self.backend != backend:
            raise CompileError(f"{self.name} was compiled for {self.backend}; compile it with "
                               f"backend={backend!r} first")
        if self.pair is None:
            raise CompileError(f"{self.name} is not a scalar function or the gradient of one, "
                               "so it has no derived gradient to use as a backward pass")
        return self.pair()

    def __repr__(self):
        return f"<Compiled {self.name}({', '.join(map(str, self.args))})>"
