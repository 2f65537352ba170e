"""The backends ``compile`` knows, by name: NumPy (built in), JAX and PyTorch.

Each framework module gives ``FRAMEWORK`` (its :class:`~derive.codegen.framework.Framework`
table), ``namespace()`` (its modules, imported on first use) and ``wrap(func)``
(what a call needs around it: JAX's float64 context).

Examples
--------
>>> sorted(BACKENDS)
['jax', 'numpy', 'torch']
>>> framework_of("numpy") is None
True
"""

from __future__ import annotations

from derive.codegen import jax_backend, torch_backend
from derive.errors import CompileError

BACKENDS = {"numpy": None, "jax": jax_backend, "torch": torch_backend}


def framework_of(backend):
    """The :class:`Framework` table of ``backend`` (None for NumPy)."""
    if backend not in BACKENDS:
        raise CompileError(f"backend {backend!r} is not one of {sorted(BACKENDS)}")
    module = BACKENDS[backend]
    return None if module is None else module.FRAMEWORK


def load(backend, source, name, *, jit=False):
    """Execute generated ``source`` in ``backend``'s namespace; the function, wrapped
    (``jit``: compiled by the framework's JIT where it has one, as for one-point calls)."""
    module = BACKENDS[backend]
    namespace = module.namespace()
    exec(compile(source, f"<derive.codegen.{backend} {name}>", "exec"), namespace)  # noqa: S102 -- generated from a SymPy tree, never from user text
    return module.wrap(namespace[name], jit=jit)
