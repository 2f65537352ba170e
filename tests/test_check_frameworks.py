"""check_gradient on PyTorch and JAX functions, float64 and float32 (issue 12, section 2).

Correct gradients (the framework's autograd, or a right hand-written backward) are
never refuted in either dtype; seeded bugs are. The truth is the hand formula
checked against SciPy/NumPy values, independent of derive.
"""

import numpy as np
import pytest

from derive.checking import check_gradient

torch = pytest.importorskip("torch")
jax = pytest.importorskip("jax")
jnp = pytest.importorskip("jax.numpy")


def _net(W1, W2, x):
    return torch.sum(torch.tanh(W2 @ torch.tanh(W1 @ x)) ** 2)


def _net_grad(W1, W2, x, *, bug=None):
    h = torch.tanh(W1 @ x)
    o = torch.tanh(W2 @ h)
    go = 2 * o * (1 - o**2) if bug != "missing-tanh-derivative" else 2 * o
    gW2 = torch.outer(go, h)
    gh = W2.T @ go if bug != "hidden-sign" else -(W2.T @ go)
    gpre = gh * (1 - h**2)
    gW1 = torch.outer(gpre, x)
    gx = W1.T @ gpre
    if bug == "sign":
        gx = -gx
    return [gW1, gW2, gx]


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_torch_network_autograd_and_backward(dtype):
    g = torch.Generator().manual_seed(0)
    W1, W2 = torch.randn(4, 3, generator=g, dtype=dtype), torch.randn(2, 4, generator=g, dtype=dtype)
    x = torch.randn(3, generator=g, dtype=dtype)
    assert check_gradient(_net, None, [W1, W2, x]).status == "verified"
    assert check_gradient(_net, _net_grad, [W1, W2, x]).status == "verified"
    for bug in ("missing-tanh-derivative", "sign", "hidden-sign"):
        report = check_gradient(_net, lambda *a, bug=bug: _net_grad(*a, bug=bug), [W1, W2, x])
        assert report.status == "refuted", (bug, str(report))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_jax_loss_autograd_and_backward(dtype):
    def loss(w, X, y):        # logistic loss
        z = X @ w
        return jnp.sum(jnp.logaddexp(0.0, z) - y * z)

    def right(w, X, y):
        return [X.T @ (jax.nn.sigmoid(X @ w) - y), jnp.outer(jax.nn.sigmoid(X @ w) - y, w),
                -(X @ w)]

    def wrong(w, X, y):       # forgot to subtract y
        return [X.T @ jax.nn.sigmoid(X @ w), jnp.outer(jax.nn.sigmoid(X @ w) - y, w), -(X @ w)]

    rng = np.random.default_rng(1)
    with jax.enable_x64(True):
        point = [jnp.asarray(rng.normal(size=3), dtype=dtype),
                 jnp.asarray(rng.normal(size=(5, 3)), dtype=dtype),
                 jnp.asarray((rng.uniform(size=5) < 0.5) * 1.0, dtype=dtype)]
    assert check_gradient(loss, None, point).status == "verified"
    assert check_gradient(loss, right, point).status == "verified"
    assert check_gradient(loss, wrong, point).status == "refuted"


def test_float32_claim_gets_float32_bounds_not_float64():
    f = lambda x: torch.sum(torch.exp(x) * torch.sin(x))          # noqa: E731
    x = torch.linspace(-3, 3, 7, dtype=torch.float32)
    report = check_gradient(f, None, x)
    assert report.status == "verified" and report.max_rel_error > 1e-9   # float32 rounding, allowed


def test_float32_only_function_is_inconclusive_not_refuted():
    f = lambda x: torch.sum(x.float() ** 2)                         # noqa: E731
    report = check_gradient(f, None, torch.tensor([1.0, 2.0]))
    assert report.status == "inconclusive" and "float32" in report.evidence[0]


def test_autograd_needs_a_framework_point():
    with pytest.raises(TypeError, match="autograd"):
        check_gradient(lambda x: float(np.sum(x**2)), None, np.ones(2))
