"""The JAX backend: ``jax.numpy`` and ``jax.scipy.special`` calls, float64 kept.

JAX computes in float32 unless ``jax_enable_x64`` is set.  :func:`call_x64`
runs a generated function inside JAX's ``enable_x64`` context manager, so
float64 inputs give float64 results *without* changing the user's global
configuration (the setting is back to what it was when the call returns).
The pasted ``.source`` follows the user's own setting: it says so in a comment.

Examples
--------
>>> import numpy as np
>>> from derive.codegen import compile
>>> f = compile("log(exp(x) + exp(y))", backend="jax")
>>> out = f(np.array([1000.0, 1.0]), 1000.0)
>>> out.dtype, np.asarray(out).round(6).tolist()
(dtype('float64'), [1000.693147, 1000.0])
>>> print(f.source.splitlines()[0])
import jax.numpy
"""

from __future__ import annotations

from derive.codegen.framework import Framework, FrameworkPrinter

_NUMPY = ("exp log log1p expm1 log2 log10 sqrt cbrt sin cos tan arcsin arccos arctan arctan2 "
          "sinh cosh tanh arcsinh arccosh arctanh abs sign hypot logaddexp where maximum "
          "minimum floor ceil heaviside select exp2 e pi square full_like").split()
_SPECIAL = ("expit logit xlogy xlog1py gammaln erf erfc erfinv polygamma digamma gamma "
            "betaln i0 i0e i1 i1e ndtr ndtri log_ndtr logsumexp zeta entr").split()

_MATRIX = ("asarray array sum einsum trace broadcast_to diagflat diagonal eye zeros ones full "
           "zeros_like linalg.inv linalg.solve linalg.det linalg.slogdet linalg.matrix_power").split()

CALLS = {"module": "jax.numpy",
         **{f"numpy.{n}": f"jax.numpy.{n}" for n in _NUMPY + _MATRIX},
         "scipy.special.softmax": "jax.nn.softmax",
         **{f"scipy.special.{n}": f"jax.scipy.special.{n}" for n in _SPECIAL},
         "scipy.constants.pi": "jax.numpy.pi"}


class JaxPrinter(FrameworkPrinter):
    """JAX printing (``jax.numpy`` accepts Python numbers wherever NumPy does)."""


FRAMEWORK = JAX = Framework(
    name="jax", calls=CALLS, printer=JaxPrinter,
    convert="jax.numpy.asarray({p}, dtype=jax.numpy.result_type({p}, float))",
    broadcast="jax.numpy.broadcast_to(jax.numpy.asarray({e}, dtype=_dtype), _shape)",
    dtype_of=lambda params: f"jax.numpy.result_type({', '.join(params + ['float'])})",
    stack="jax.numpy.stack({items})",
    shapes="jax.numpy.broadcast_shapes({shapes})",
    modules=("jax.numpy", "jax.scipy.special", "jax.nn"),
    cast="astype(_dtype)",
    prelude=("# float64 needs jax.config.update('jax_enable_x64', True) (or the context",
             "# manager jax.enable_x64(True)); otherwise JAX computes in float32."))


def wrap(func, *, jit=False):
    """``func`` (``jax.jit``-compiled if ``jit``) called inside JAX's x64 context."""
    if jit:
        import jax  # deferred: optional heavy dependency
        func = jax.jit(func)
    return call_x64(func)


def call_x64(func):
    """``func`` called inside JAX's x64 context: float64 inputs stay float64."""
    import jax  # deferred: optional heavy dependency

    def run(*args):
        if jax.config.jax_enable_x64:          # already on: no context to enter
            return func(*args)
        with jax.enable_x64(True):
            return func(*args)
    run.__wrapped__ = func
    return run


def namespace():
    """The modules the generated source refers to."""
    import jax  # deferred: optional heavy dependency
    import jax.numpy  # deferred: optional heavy dependency
    import jax.scipy.special  # deferred: optional heavy dependency
    return {"jax": jax}


def custom_vjp_function(forward, gradient, wrt, nargs):
    """A ``jax.custom_vjp`` function computing ``forward`` with ``gradient`` as its VJP."""
    import jax  # deferred: optional heavy dependency
    import jax.numpy as jnp  # deferred: optional heavy dependency

    @jax.custom_vjp
    def derived(*inputs):
        return forward(*inputs)

    def fwd(*inputs):
        return forward(*inputs), inputs

    def bwd(inputs, g):
        partials = gradient(*inputs)
        out = [jnp.zeros_like(jnp.asarray(v)) for v in inputs]
        for k, i in enumerate(wrt):
            out[i] = _sum_to(g * partials[k], jnp.shape(inputs[i]))
        return tuple(out)

    derived.defvjp(fwd, bwd)
    return derived


def _sum_to(x, shape):
    """Sum the broadcast axes of ``x`` so it has ``shape``."""
    lead = x.ndim - len(shape)
    if lead:
        x = x.sum(axis=tuple(range(lead)))
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and x.shape[i] != 1)
    return x.sum(axis=axes, keepdims=True) if axes else x
