"""The PyTorch backend: ``torch`` and ``torch.special`` calls on tensors.

Inputs become tensors once at the top of the function (``torch.as_tensor``;
Python floats and integer arrays become float64, float32 tensors stay float32),
and every number that meets a tensor-only call (``torch.logaddexp(0, x)``) is
made a tensor like its partner, so no call falls back to NumPy.

Examples
--------
>>> import torch
>>> from derive.codegen import compile
>>> f = compile("softplus(x) + x*log(x)", backend="torch")
>>> f(torch.tensor([0.0, 1000.0], dtype=torch.float64))
tensor([6.9315e-01, 7.9078e+03], dtype=torch.float64)
>>> "numpy" in f.source
False
"""

from __future__ import annotations

import sympy as sp

from derive.codegen.framework import Framework, FrameworkPrinter
from derive.errors import CompileError

_SAME = ("exp log log1p expm1 log2 log10 sqrt sin cos tan sinh cosh tanh abs sign hypot "
         "logaddexp where maximum minimum floor ceil heaviside exp2 square full_like").split()
_RENAMED = {"arcsin": "asin", "arccos": "acos", "arctan": "atan", "arctan2": "atan2",
            "arcsinh": "asinh", "arccosh": "acosh", "arctanh": "atanh"}
_SPECIAL = ("expit logit xlogy xlog1py gammaln erf erfc erfinv polygamma digamma i0 i0e i1 "
            "i1e ndtr ndtri log_ndtr entr zeta").split()

_MATRIX = {"asarray": "as_tensor", "array": "tensor", "sum": "sum", "einsum": "einsum",
           "trace": "trace", "broadcast_to": "broadcast_to", "diagflat": "diagflat",
           "diagonal": "diagonal", "eye": "eye", "zeros": "zeros", "ones": "ones", "full": "full",
           "zeros_like": "zeros_like", "linalg.inv": "linalg.inv", "linalg.solve": "linalg.solve",
           "linalg.det": "linalg.det", "linalg.slogdet": "linalg.slogdet",
           "linalg.matrix_power": "linalg.matrix_power"}

CALLS = {"module": "torch",
         **{f"numpy.{n}": f"torch.{t}" for n, t in _MATRIX.items()},
         "scipy.special.softmax": "torch.softmax", "scipy.special.logsumexp": "torch.logsumexp",
         **{f"numpy.{n}": f"torch.{n}" for n in _SAME},
         **{f"numpy.{n}": f"torch.{t}" for n, t in _RENAMED.items()},
         **{f"scipy.special.{n}": f"torch.special.{n}" for n in _SPECIAL}}


class TorchPrinter(FrameworkPrinter):
    """torch printing: tensor-only binary calls get tensors on both sides."""

    def _tensor_pair(self, a, b):
        if a.is_number and b.is_number:
            return f"torch.as_tensor({self._print(a)}, dtype=_dtype)", self._print(b)
        if a.is_number:
            pb = self._print(b)
            return f"torch.full_like({pb}, {self._print(a)})", pb
        if b.is_number:
            pa = self._print(a)
            return pa, f"torch.full_like({pa}, {self._print(b)})"
        return self._print(a), self._print(b)

    def logaddexp(self, a, b):
        pa, pb = self._tensor_pair(a, b)
        return f"{self._module_format('numpy.logaddexp')}({pa}, {pb})"

    def _print_relu(self, e):
        return f"torch.clamp({self._print(e.args[0])}, min=0.0)"

    def _print_hypot(self, e):
        pa, pb = self._tensor_pair(*e.args)
        return f"{self._module_format('numpy.hypot')}({pa}, {pb})"

    def _print_atan2(self, e):
        pa, pb = self._tensor_pair(*e.args)
        return f"{self._module_format('numpy.arctan2')}({pa}, {pb})"

    def _print_Heaviside(self, e):
        h0 = e.args[1] if len(e.args) > 1 else sp.Rational(1, 2)
        x = self._print(e.args[0])
        return f"torch.heaviside({x}, torch.full_like({x}, {float(h0)!r}))"

    def _print_logcosh(self, e):
        x = self._print(e.args[0])
        return (f"torch.where(torch.abs({x}) < 1.0, "
                f"torch.log1p(2.0*torch.sinh(0.5*torch.clamp(torch.abs({x}), max=1.0))**2), "
                f"torch.logaddexp({x}, -({x})) - {float(sp.log(2))!r})")

    def _print_Piecewise(self, e):
        raise CompileError(f"Piecewise {e} has no torch translation in derive; compile with "
                           "backend='numpy' or 'jax'")


def _convert_line():
    # a float tensor is kept; NumPy float32 stays float32; anything else becomes float64
    return ("({p} if isinstance({p}, torch.Tensor) and {p}.is_floating_point() else "
            "torch.as_tensor({p}, dtype=torch.float32 if str(getattr({p}, 'dtype', '')) "
            "in ('float32', 'torch.float32') else torch.float64))")


FRAMEWORK = TORCH = Framework(
    name="torch", calls=CALLS, printer=TorchPrinter,
    convert=_convert_line(),
    broadcast="torch.broadcast_to(torch.as_tensor({e}, dtype=_dtype), _shape)",
    stack="torch.stack({items})",
    shapes="torch.broadcast_shapes({shapes})",
    dtype_of=lambda params: _promote_code(params),
    modules=("torch", "torch.special"),
    cast="to(_dtype)")


def _promote_code(params):
    """The common dtype of tensors ``params`` (torch.result_type takes two only)."""
    code = "torch.get_default_dtype()"      # integers become floating, as in NumPy
    for p in reversed(params):
        code = f"torch.promote_types({p}.dtype, {code})"
    return code


def wrap(func, *, jit=False):
    """Nothing to add around a torch call (no JIT: torch.compile costs seconds per function)."""
    return func


def namespace():
    """The modules the generated source refers to."""
    import torch  # deferred: optional heavy dependency
    return {"torch": torch}


def autograd_function(forward, gradient, wrt, nargs):
    """A ``torch.autograd.Function`` computing ``forward`` with ``gradient`` as backward.

    ``gradient(*inputs)`` gives the partial derivatives with respect to the
    inputs at positions ``wrt``, stacked along a first axis.
    """
    import torch  # deferred: optional heavy dependency

    class DerivedFunction(torch.autograd.Function):
        @staticmethod
        def forward(ctx, *inputs):
            ctx.save_for_backward(*inputs)
            return forward(*inputs)

        @staticmethod
        def backward(ctx, grad_output):
            inputs = ctx.saved_tensors
            partials = gradient(*inputs)
            out = [None] * nargs
            for k, i in enumerate(wrt):
                if ctx.needs_input_grad[i]:
                    out[i] = (grad_output * partials[k]).sum_to_size(inputs[i].shape)
            return tuple(out)

    return DerivedFunction
