"""Derived gradients as the framework's own: a torch.autograd.Function and a jax.custom_vjp.

A small logistic model is trained twice from the same start, once through the
derived gradient and once through the framework's autograd of a hand-written
loss; the parameter paths agree to rounding.
"""

import numpy as np
import pytest

from derive import calculus
from derive.codegen import compile
from derive.errors import CompileError

torch = pytest.importorskip("torch")
jax = pytest.importorskip("jax")
jnp = pytest.importorskip("jax.numpy")

LOSS = "softplus(w*x + b) - y*(w*x + b) + w**2/20"


def data():
    rng = np.random.default_rng(3)
    x = rng.normal(size=64)
    y = (rng.uniform(size=64) < 1 / (1 + np.exp(-(2 * x - 0.5)))).astype(float)
    return x, y


def test_torch_function_trains_like_autograd():
    d = calculus.gradient(LOSS, "w b")
    fn = compile(d, backend="torch").as_torch_function()
    x, y = (torch.tensor(v) for v in data())
    paths = []
    for derived in (True, False):
        w = torch.tensor(0.1, dtype=torch.float64, requires_grad=True)
        b = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
        opt = torch.optim.SGD([w, b], lr=0.5)
        for _ in range(40):
            opt.zero_grad()
            if derived:
                loss = fn.apply(w, b, x, y).mean()
            else:
                z = w * x + b
                loss = (torch.nn.functional.softplus(z, threshold=1000) - y * z + w**2 / 20).mean()
            loss.backward()
            opt.step()
        paths.append((w.item(), b.item(), loss.item()))
    np.testing.assert_allclose(paths[0], paths[1], rtol=1e-12)
    assert abs(paths[0][0] - 0.1) > 0.1            # it did train


def test_torch_function_passes_gradcheck():
    fn = compile(calculus.gradient("sin(x)*exp(y) + x*y", "x y"),
                 backend="torch").as_torch_function()
    inputs = (torch.rand(5, dtype=torch.float64, requires_grad=True),
              torch.rand(5, dtype=torch.float64, requires_grad=True))
    assert torch.autograd.gradcheck(fn.apply, inputs)


def test_jax_function_trains_like_jax_grad():
    d = calculus.gradient(LOSS, "w b")
    fn = compile(d, backend="jax").as_jax_function()
    x, y = data()
    with jax.enable_x64(True):
        x, y = jnp.asarray(x), jnp.asarray(y)

        def ours(p):
            return jnp.mean(fn(p[0], p[1], x, y))

        def theirs(p):
            z = p[0] * x + p[1]
            return jnp.mean(jnp.logaddexp(0.0, z) - y * z + p[0] ** 2 / 20)

        paths = []
        for loss in (ours, theirs):
            p = jnp.array([0.1, 0.0])
            step = jax.jit(lambda p, loss=loss: p - 0.5 * jax.grad(loss)(p))
            for _ in range(40):
                p = step(p)
            paths.append(np.asarray(p))
    np.testing.assert_allclose(paths[0], paths[1], rtol=1e-12)
    assert abs(paths[0][0] - 0.1) > 0.1


def test_custom_gradient_needs_its_backend():
    c = compile("x**2", backend="numpy")
    with pytest.raises(CompileError, match="compiled for numpy"):
        c.as_torch_function()
