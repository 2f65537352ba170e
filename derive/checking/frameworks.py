"""PyTorch and JAX functions seen by the NumPy checker, in float64 and float32.

:func:`adapt` turns a framework function ``f`` and its claimed gradient (a
user-written backward, or ``None`` for the framework's own autograd) into NumPy
callables for :func:`derive.checking.numeric.check_jacobian`:

* the *claim* is computed exactly as the user computes it, in the dtype of the
  point given (float32 or float64);
* the *references* (complex step, central differences, Taylor test) run the same
  code on float64 copies of the inputs, so their own rounding is that of float64,
  and the claim is judged against them with bounds scaled to the claim's dtype
  (``eps`` of float32 is 2**-23).

A function that keeps computing in float32 when given float64 inputs cannot give
float64 references: the check says so (inconclusive) instead of guessing.

Examples
--------
>>> import torch
>>> from derive.checking import check_gradient
>>> f = lambda x: torch.sum(torch.sin(x) * x)
>>> x = torch.tensor([0.3, 1.2, -0.7], dtype=torch.float32)
>>> check_gradient(f, None, x).status                       # torch.autograd's gradient
'verified'
>>> wrong = lambda x: torch.cos(x) * x                      # forgot the product rule
>>> check_gradient(f, wrong, x).status
'refuted'
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Callable

import numpy as np


@dataclass(frozen=True)
class Adapted:
    """NumPy views of a framework function and its claimed gradient.

    Attributes
    ----------
    framework : str
        ``"torch"`` or ``"jax"``.
    F : callable
        ``F(*float64 arrays)`` -> float64 array: the function, run in float64.
    claim : callable
        ``claim(*float64 arrays)`` -> the claimed gradient parts, computed in the
        point's own dtype and returned as float64 NumPy arrays.
    point : list of ndarray
        The inputs as float64 NumPy arrays (exactly the values given).
    eps : float
        Machine epsilon of the claim's dtype.
    claim64 : callable
        The same claimed gradient code run in float64 (for how fast it changes).
    computes_in_float64 : bool
        Whether ``f`` kept float64 inputs in float64.
    """

    framework: str
    F: Callable
    claim: Callable
    point: list
    eps: float
    computes_in_float64: bool
    claim64: Callable = None


def framework_of(point):
    """``"torch"``, ``"jax"`` or None (NumPy) from the type of the point's arrays."""
    items = point if isinstance(point, (list, tuple)) else [point]
    torch = sys.modules.get("torch")
    if torch is not None and any(isinstance(p, torch.Tensor) for p in items):
        return "torch"
    jax = sys.modules.get("jax")
    if jax is not None and any(isinstance(p, jax.Array) for p in items):
        return "jax"
    return None


def adapt(f, grad, point) -> Adapted:
    """NumPy callables for a torch or JAX ``f`` (see the module docstring)."""
    single = not isinstance(point, (list, tuple))
    items = [point] if single else list(point)
    kind = framework_of(items)
    if kind == "torch":
        return _adapt_torch(f, grad, items, single)
    return _adapt_jax(f, grad, items, single)


def _adapt_torch(f, grad, items, single):
    import torch  # deferred: optional heavy dependency

    dtype = _common(torch, items)
    dtype = dtype if dtype.is_floating_point else torch.float64

    def call(fn, arrays, dt):
        tensors = [torch.as_tensor(np.asarray(a), dtype=dt) for a in arrays]
        return fn(*tensors)

    def F(*arrays):
        return call(f, arrays, torch.float64).detach().numpy().astype(float)

    def claim(*arrays, dtype=dtype):
        tensors = [torch.as_tensor(np.asarray(a), dtype=dtype) for a in arrays]
        if grad is None:
            tensors = [t.clone().requires_grad_(True) for t in tensors]
            out = f(*tensors)
            parts = torch.autograd.grad(out, tensors, allow_unused=True)
            parts = [torch.zeros_like(t) if g is None else g for t, g in zip(tensors, parts)]
        else:
            parts = grad(*tensors)
            parts = [parts] if single and isinstance(parts, torch.Tensor) else list(parts)
        return [p.detach().numpy().astype(float) for p in parts]

    point = [np.asarray(torch.as_tensor(p).detach().numpy(), dtype=float) for p in items]
    out64 = call(f, point, torch.float64)
    return Adapted("torch", F, claim, point, float(torch.finfo(dtype).eps),
                   out64.dtype == torch.float64,
                   lambda *arrays: claim(*arrays, dtype=torch.float64))


def _common(torch, items):
    dtype = torch.as_tensor(items[0]).dtype
    for p in items[1:]:
        dtype = torch.promote_types(dtype, torch.as_tensor(p).dtype)
    return dtype


def _adapt_jax(f, grad, items, single):
    import jax  # deferred: optional heavy dependency
    import jax.numpy as jnp  # deferred: optional heavy dependency

    dtype = np.result_type(*(np.asarray(p).dtype for p in items))
    dtype = dtype if np.issubdtype(dtype, np.floating) else np.dtype(np.float64)
    argnums = tuple(range(len(items)))

    def F(*arrays):
        with jax.enable_x64(True):
            out = f(*[jnp.asarray(np.asarray(a), dtype=jnp.float64) for a in arrays])
            return np.asarray(out).astype(float)

    def claim(*arrays, dtype=dtype):
        with jax.enable_x64(dtype == np.float64):
            xs = [jnp.asarray(np.asarray(a), dtype=dtype) for a in arrays]
            parts = jax.grad(f, argnums=argnums)(*xs) if grad is None else grad(*xs)
            if single and not isinstance(parts, (list, tuple)):
                parts = [parts]
            return [np.asarray(p).astype(float) for p in parts]

    point = [np.asarray(p, dtype=float) for p in items]
    with jax.enable_x64(True):
        out64 = np.asarray(f(*[jnp.asarray(p, dtype=jnp.float64) for p in point]))
    return Adapted("jax", F, claim, point, float(np.finfo(dtype).eps),
                   out64.dtype == np.float64,
                   lambda *arrays: claim(*arrays, dtype=np.dtype(np.float64)))
