"""``derive hess --shape`` of a matrix variable: the Hessian as the linear map H[V].

The printed code is pasted and compared with central differences of a
hand-written NumPy gradient (the independent truth), in-process through
derive.cli.main.
"""

import numpy as np
import pytest

from derive.cli import main


def _pasted(out, name="hvp"):
    namespace = {}
    source = out[out.index("import numpy"):].split("\nverified", 1)[0]
    exec(source, namespace)  # noqa: S102 -- the printed code, pasted
    return namespace[name]


def _central(grad, x, v, h=1e-6):
    return (grad(x + h * v) - grad(x - h * v)) / (2 * h)


def test_logdet_hessian_map_code_matches_differences_of_the_gradient(capsys):
    assert main(["hess", "logdet(X)", "--wrt", "X", "--shape", "X=n,n", "--code"]) == 0
    out = capsys.readouterr().out
    assert "-X^-T*dX.T*X^-T" in out
    hv = _pasted(out)
    rng = np.random.default_rng(1)
    x = rng.standard_normal((4, 4)) + 4 * np.eye(4)
    v = rng.standard_normal((4, 4))
    np.testing.assert_allclose(hv(x, v), _central(lambda a: np.linalg.inv(a).T, x, v),
                               rtol=1e-6, atol=1e-8)


def test_logistic_loss_in_a_weight_matrix_is_checked(capsys):
    assert main(["hess", "sum(softplus(Z*W)) - trace(Y.T*Z*W)", "--wrt", "W",
                 "--shape", "W=d,k", "Z=n,d", "Y=n,k", "--check", "--code"]) == 0
    out = capsys.readouterr().out
    assert out.count("verified") >= 1 and "central differences of the compiled gradient" in out
    hv = _pasted(out)
    rng = np.random.default_rng(2)
    w, z, y, v = (rng.standard_normal(s) for s in [(3, 2), (6, 3), (6, 2), (3, 2)])

    def grad(a):
        return z.T @ (1 / (1 + np.exp(-z @ a)) - y)

    np.testing.assert_allclose(hv(w, v, y, z), _central(grad, w, v), rtol=1e-6, atol=1e-8)


def test_two_variables_give_the_mixed_second_derivative(capsys):
    assert main(["hess", "norm(Y - U*V.T)**2", "--wrt", "U", "V",
                 "--shape", "U=n,r", "V=m,r", "Y=n,m", "--code"]) == 0
    out = capsys.readouterr().out
    assert "mixed second derivative" in out
    hv = _pasted(out)
    rng = np.random.default_rng(3)
    u, vm, y, dv = (rng.standard_normal(s) for s in [(5, 2), (4, 2), (5, 4), (4, 2)])

    def grad_u(b):
        return -2 * (y - u @ b.T) @ b

    np.testing.assert_allclose(hv(u, dv, vm, y), _central(grad_u, vm, dv), rtol=1e-6,
                               atol=1e-8)


def test_mixed_map_check_verifies(capsys):
    assert main(["hess", "norm(Y - U*V.T)**2", "--wrt", "U", "V",
                 "--shape", "U=n,r", "V=m,r", "Y=n,m", "--check"]) == 0
    assert "verified Hessian map" in capsys.readouterr().out


def test_vector_variable_still_gives_the_hessian_matrix(capsys):
    assert main(["hess", "w.T*A*w", "--wrt", "w", "--shape", "w=n,1", "A=n,n"]) == 0
    assert "dw" not in capsys.readouterr().out


@pytest.mark.parametrize("argv, message", [
    (["hess", "trace(X*Y*Z)", "--wrt", "X", "Y", "Z", "--shape", "X=n,n", "Y=n,n", "Z=n,n"],
     "one matrix (H[V]) or two"),
    (["hess", "logdet(X)", "--wrt", "X", "--shape", "X=n,n", "--at", "X=1"], "--at takes numbers"),
    (["grad", "trace(X*X)", "--wrt", "X", "--shape", "X=3,3", "--at", "X=1"], "--at takes numbers"),
    (["hess", "logdet(X)", "--wrt", "Q", "--shape", "X=n,n"], "not declared"),
    (["grad", "trace(X*Y)", "--wrt", "X", "Y", "--shape", "X=n,n", "Y=n,n"], "one matrix"),
])
def test_bad_matrix_hessian_input_is_exit_2(argv, message, capsys):
    assert main(argv) == 2
    assert message in capsys.readouterr().err
