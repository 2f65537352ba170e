"""``derive grad ... --code numpy|jax|torch`` prints paste-able code for that framework."""

import numpy as np
import pytest

from derive.cli import main


@pytest.mark.parametrize("backend", ["numpy", "jax", "torch"])
def test_grad_code_per_backend_runs_when_pasted(backend, capsys):
    pytest.importorskip(backend)
    assert main(["grad", "x**2*y + softplus(x)", "--wrt", "x", "y", "--code", backend]) == 0
    out = capsys.readouterr().out
    source = out[out.index("import "):]
    namespace = {}
    exec(source, namespace)  # noqa: S102 -- the printed code, pasted
    if backend == "jax":
        import jax
        with jax.enable_x64(True):
            value = np.asarray(namespace["gradient"](np.float64(1.0), np.float64(2.0)))
    else:
        value = namespace["gradient"](1.0, 2.0)
        value = value.numpy() if hasattr(value, "numpy") else value
    np.testing.assert_allclose(value, [4 + 1 / (1 + np.exp(-1.0)), 1.0], rtol=1e-14)


def test_code_without_a_backend_is_numpy(capsys):
    assert main(["grad", "x**2", "--wrt", "x", "--code"]) == 0
    assert "import numpy" in capsys.readouterr().out


def test_unknown_backend_is_exit_2(capsys):
    assert main(["grad", "x**2", "--wrt", "x", "--code", "tensorflow"]) == 2
    assert "invalid choice" in capsys.readouterr().err


def test_matrix_gradient_code_in_torch(capsys):
    pytest.importorskip("torch")
    assert main(["grad", "trace(X*A)", "--shape", "X=n,n", "A=n,n", "--wrt", "X",
                 "--code", "torch"]) == 0
    out = capsys.readouterr().out
    assert "import torch" in out and "numpy" not in out[out.index("import "):]
