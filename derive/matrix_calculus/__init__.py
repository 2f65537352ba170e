"""Derivatives with respect to vectors and matrices, in matrix form.

Layout convention (held everywhere): **the gradient of a scalar with
respect to X has X's shape** (``X`` is ``n x m``, so is ``df/dX``); the
Jacobian of a column ``F`` (``m x 1``) with respect to a column ``x``
(``n x 1``) is ``m x n``; the Hessian is the Jacobian of the gradient.

The engine (:mod:`derive.matrix_calculus.differential`) takes the differential of
the expression with the rules of :mod:`derive.matrix_calculus.rules` and reads the
derivative off ``df = tr(G^T dX)``; nothing is expanded into entries, so
derivation time does not depend on the sizes.

Examples
--------
>>> from derive.matrix_calculus import matrix, vector, gradient, sigmoid, softplus, total_sum
>>> X, w, y = matrix("X", "n", "d"), vector("w", "d"), vector("y", "n")
>>> loss = total_sum(softplus(X * w)) - y.T * X * w      # logistic regression
>>> gradient(loss, w).result
X.T*(sigmoid(X*w) - y)
"""

from derive.matrix_calculus.derivatives import gradient, hessian, jacobian
from derive.matrix_calculus.differential import (
                                       differential,
                                       read_off_gradient,
                                       read_off_jacobian,
)
from derive.matrix_calculus.elementwise import (
                                       apply,
                                       col_sum,
                                       det,
                                       exp,
                                       hadamard,
                                       hadamard_quotient,
                                       inv,
                                       log,
                                       log_softmax,
                                       logdet,
                                       logsumexp,
                                       norm,
                                       ones,
                                       power,
                                       relu,
                                       row_sum,
                                       scalar,
                                       sigmoid,
                                       softmax,
                                       softplus,
                                       sqrt,
                                       tanh,
                                       total_sum,
                                       trace,
)
from derive.matrix_calculus.parsing import MATRIX_FUNCTIONS, parse_matrix_expression
from derive.matrix_calculus.second_order import hvp, second_differential, third_order
from derive.matrix_calculus.symbols import SymmetricMatrixSymbol, matrix, vector
from derive.matrix_calculus.vec_form import einsum_form, hessian_einsum_form, kron_form

__all__ = [
    "SymmetricMatrixSymbol", "matrix", "vector", "apply", "col_sum", "det", "exp", "hadamard",
    "hadamard_quotient", "inv", "log", "log_softmax", "logdet", "logsumexp", "norm", "ones",
    "power", "relu", "row_sum", "scalar", "sigmoid", "softmax", "softplus", "sqrt", "tanh",
    "total_sum", "trace", "differential", "read_off_gradient", "read_off_jacobian", "gradient",
    "hessian", "jacobian", "MATRIX_FUNCTIONS", "parse_matrix_expression", "hvp",
    "second_differential", "third_order", "kron_form", "einsum_form", "hessian_einsum_form",
]
