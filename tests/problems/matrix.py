"""Reference problems for derive.matrix: id, input, expected, source of truth.

Each entry is ``(id, make, source)``; ``make()`` returns ``(f, wrt, expected)``
where ``expected`` is the derivative as printed in the source (written here by
hand with plain SymPy operations, never produced by derive).  Equation numbers
are those of The Matrix Cookbook (Petersen & Pedersen, version of
November 15, 2012).  Layout: gradients have the shape of the variable.
"""

import sympy as sp
from sympy import Identity, Inverse, Trace

from derive.matrix_calculus import (logdet, logsumexp, matrix, norm, sigmoid, softmax, softplus,
                           total_sum, vector)
from derive.matrix_calculus.elementwise import Diag

n, m = "n", "m"


def _sq(name):
    return matrix(name, n, n)


def _cb49():
    X = _sq("X")
    return sp.Determinant(X), X, sp.Determinant(X) * Inverse(X).T


def _cb51():
    A, X, B = _sq("A"), _sq("X"), _sq("B")
    return sp.Determinant(A * X * B), X, sp.Determinant(A * X * B) * Inverse(X).T


def _cb57():
    X = _sq("X")
    return logdet(X), X, Inverse(X).T


def _cb61():
    X, a, b = _sq("X"), vector("a", n), vector("b", n)
    Xit = Inverse(X).T
    return a.T * Inverse(X) * b, X, -Xit * a * b.T * Xit


def _cb69():
    X, a, b = matrix("X", n, m), vector("a", n), vector("b", m)
    return a.T * X * b, X, a * b.T


def _cb70():
    X, a, b = matrix("X", n, m), vector("a", m), vector("b", n)
    return a.T * X.T * b, X, b * a.T


def _cb71():
    X, a = _sq("X"), vector("a", n)
    return a.T * X * a, X, a * a.T


def _cb77():
    X, b, c = matrix("X", n, m), vector("b", m), vector("c", m)
    return b.T * X.T * X * c, X, X * (b * c.T + c * b.T)


def _cb78():
    x, B, C, D = vector("x", m), matrix("B", n, m), matrix("C", n, n), matrix("D", n, m)
    b, d = vector("b", n), vector("d", n)
    f = (B * x + b).T * C * (D * x + d)
    return f, x, B.T * C * (D * x + d) + D.T * C.T * (B * x + b)


def _cb81():
    x, B = vector("x", n), _sq("B")
    return x.T * B * x, x, (B + B.T) * x


def _cb84():
    X, b, c, D = matrix("X", n, m), vector("b", m), vector("c", n), _sq("D")
    r = X * b + c
    return r.T * D * r, X, (D + D.T) * r * b.T


def _cb88():
    x, A, s = vector("x", n), matrix("A", n, m), vector("s", m)
    W = matrix("W", n, n, symmetric=True)
    r = x - A * s
    return r.T * W * r, s, -2 * A.T * W * r


def _tr(name, f, expected_of):
    def make():
        X, A, B, C = _sq("X"), _sq("A"), _sq("B"), _sq("C")
        return f(X, A, B, C), X, expected_of(X, A, B, C)
    make.__name__ = name
    return make


TRACES = [
    ("cookbook-100-tr-X", lambda X, A, B, C: Trace(X), lambda X, A, B, C: Identity(X.shape[0])),
    ("cookbook-101-tr-XA", lambda X, A, B, C: Trace(X * A), lambda X, A, B, C: A.T),
    ("cookbook-102-tr-AXB", lambda X, A, B, C: Trace(A * X * B), lambda X, A, B, C: A.T * B.T),
    ("cookbook-103-tr-AXtB", lambda X, A, B, C: Trace(A * X.T * B), lambda X, A, B, C: B * A),
    ("cookbook-104-tr-XtA", lambda X, A, B, C: Trace(X.T * A), lambda X, A, B, C: A),
    ("cookbook-105-tr-AXt", lambda X, A, B, C: Trace(A * X.T), lambda X, A, B, C: A),
    ("cookbook-107-tr-X2", lambda X, A, B, C: Trace(X * X), lambda X, A, B, C: 2 * X.T),
    ("cookbook-108-tr-X2B", lambda X, A, B, C: Trace(X * X * B),
     lambda X, A, B, C: (X * B + B * X).T),
    ("cookbook-109-tr-XtBX", lambda X, A, B, C: Trace(X.T * B * X),
     lambda X, A, B, C: B * X + B.T * X),
    ("cookbook-110-tr-BXXt", lambda X, A, B, C: Trace(B * X * X.T),
     lambda X, A, B, C: B * X + B.T * X),
    ("cookbook-112-tr-XBXt", lambda X, A, B, C: Trace(X * B * X.T),
     lambda X, A, B, C: X * B.T + X * B),
    ("cookbook-113-tr-BXtX", lambda X, A, B, C: Trace(B * X.T * X),
     lambda X, A, B, C: X * B.T + X * B),
    ("cookbook-115-tr-AXBX", lambda X, A, B, C: Trace(A * X * B * X),
     lambda X, A, B, C: A.T * X.T * B.T + B.T * X.T * A.T),
    ("cookbook-116-tr-XtX", lambda X, A, B, C: Trace(X.T * X), lambda X, A, B, C: 2 * X),
    ("cookbook-117-tr-BtXtCXB", lambda X, A, B, C: Trace(B.T * X.T * C * X * B),
     lambda X, A, B, C: C.T * X * B * B.T + C * X * B * B.T),
    ("cookbook-118-tr-XtBXC", lambda X, A, B, C: Trace(X.T * B * X * C),
     lambda X, A, B, C: B * X * C + B.T * X * C.T),
    ("cookbook-119-tr-AXBXtC", lambda X, A, B, C: Trace(A * X * B * X.T * C),
     lambda X, A, B, C: A.T * C.T * X * B.T + C * A * X * B),
    ("cookbook-120-tr-square", lambda X, A, B, C: Trace((A * X * B + C) * (A * X * B + C).T),
     lambda X, A, B, C: 2 * A.T * (A * X * B + C) * B.T),
    ("cookbook-122-tr-X3", lambda X, A, B, C: Trace(X ** 3), lambda X, A, B, C: 3 * (X ** 2).T),
    ("cookbook-124-tr-AXinvB", lambda X, A, B, C: Trace(A * Inverse(X) * B),
     lambda X, A, B, C: -(Inverse(X) * B * A * Inverse(X)).T),
    ("cookbook-frobenius-squared", lambda X, A, B, C: norm(X) ** 2, lambda X, A, B, C: 2 * X),
]


# Cases where SymPy 1.14's MatrixExpr.diff returns a wrong 0 (sympy#17229, #24725, #30527).
def _sympy_logdet():
    X = _sq("X")
    return logdet(X), X, Inverse(X).T


def _sympy_exp_trace():
    X = _sq("X")
    return sp.exp(Trace(X)), X, sp.exp(Trace(X)) * Identity(X.shape[0])


def _sympy_trace_plus_constant():
    X, W = matrix("X", n, m), matrix("W", n, m)
    b = sp.Symbol("b", real=True)
    return Trace(X.T * W) + b, X, W


def _sympy_trace_squared():
    A = _sq("A")
    I = Identity(A.shape[0])
    return Trace(I - A) ** 2, A, -2 * Trace(I - A) * I


# Deep learning and statistics (source: the derivation in the cited text).
def _least_squares():
    X, w, y = matrix("X", n, m), vector("w", m), vector("y", n)
    return (X * w - y).T * (X * w - y), w, 2 * X.T * (X * w - y)


def _logistic():
    X, w, y = matrix("X", n, m), vector("w", m), vector("y", n)
    return total_sum(softplus(X * w)) - y.T * X * w, w, X.T * (sigmoid(X * w) - y)


def _cross_entropy_logits():
    z, y = vector("z", n), vector("y", n)
    return logsumexp(z) - y.T * z, z, softmax(z) - y


def _gaussian_covariance():
    S = matrix("S", n, n, symmetric=True)
    Sigma = matrix("Sigma", n, n, symmetric=True)
    f = -sp.Rational(1, 2) * logdet(Sigma) - sp.Rational(1, 2) * Trace(Inverse(Sigma) * S)
    Si = Inverse(Sigma)
    return f, Sigma, -sp.Rational(1, 2) * Si + sp.Rational(1, 2) * Si * S * Si


GRADIENTS = [
    ("cookbook-49-det", _cb49, "Matrix Cookbook (49): d det X / dX = det(X) X^-T"),
    ("cookbook-51-det-AXB", _cb51, "Matrix Cookbook (51): d det(AXB)/dX = det(AXB) X^-T"),
    ("cookbook-57-logdet", _cb57, "Matrix Cookbook (57): d log|det X| / dX = X^-T"),
    ("cookbook-61-inverse", _cb61, "Matrix Cookbook (61): d a^T X^-1 b / dX = -X^-T a b^T X^-T"),
    ("cookbook-69-aXb", _cb69, "Matrix Cookbook (69): d a^T X b / dX = a b^T"),
    ("cookbook-70-aXtb", _cb70, "Matrix Cookbook (70): d a^T X^T b / dX = b a^T"),
    ("cookbook-71-aXa", _cb71, "Matrix Cookbook (71): d a^T X a / dX = a a^T"),
    ("cookbook-77-bXtXc", _cb77, "Matrix Cookbook (77): d b^T X^T X c / dX = X(b c^T + c b^T)"),
    ("cookbook-78-affine-quadratic", _cb78,
     "Matrix Cookbook (78): d (Bx+b)^T C (Dx+d) / dx = B^T C (Dx+d) + D^T C^T (Bx+b)"),
    ("cookbook-81-xBx", _cb81, "Matrix Cookbook (81): d x^T B x / dx = (B + B^T) x"),
    ("cookbook-84-XbcDXbc", _cb84,
     "Matrix Cookbook (84): d (Xb+c)^T D (Xb+c) / dX = (D + D^T)(Xb+c) b^T"),
    ("cookbook-88-weighted-residual", _cb88,
     "Matrix Cookbook (88): d (x-As)^T W (x-As) / ds = -2 A^T W (x-As), W symmetric"),
] + [(i, _tr(i, f, e), f"Matrix Cookbook ({i.split('-')[1]})" if i.split('-')[1].isdigit()
      else "Matrix Cookbook (103) with tr(X^T X) = ||X||_F^2") for i, f, e in TRACES] + [
    ("sympy-wrong-zero-logdet", _sympy_logdet, "sympy#17229: SymPy gives 0; Cookbook (57)"),
    ("sympy-wrong-zero-exp-trace", _sympy_exp_trace,
     "sympy#24725: SymPy gives 0; chain rule with Cookbook (100)"),
    ("sympy-wrong-zero-trace-plus-b", _sympy_trace_plus_constant,
     "sympy#30527: SymPy gives 0; Cookbook (104)"),
    ("sympy-wrong-zero-trace-squared", _sympy_trace_squared,
     "sympy#15649-style: SymPy gives 0; chain rule with Cookbook (100)"),
    ("least-squares", _least_squares, "normal equations: d ||Xw - y||^2 / dw = 2 X^T (Xw - y)"),
    ("logistic-regression", _logistic,
     "Bishop PRML (4.91): gradient of the cross-entropy error is X^T (sigma(Xw) - y)"),
    ("softmax-cross-entropy", _cross_entropy_logits,
     "Goodfellow et al. (6.3.2): d/dz [logsumexp(z) - y^T z] = softmax(z) - y"),
    ("gaussian-covariance", _gaussian_covariance,
     "Bishop PRML (2.122): d/dSigma of the Gaussian log-likelihood "
     "= -Sigma^-1/2 + Sigma^-1 S Sigma^-1/2"),
]


def _hess_quadratic():
    x, A = vector("x", n), _sq("A")
    return x.T * A * x, x, A + A.T


def _hess_least_squares():
    X, w, y = matrix("X", n, m), vector("w", m), vector("y", n)
    return (X * w - y).T * (X * w - y), w, 2 * X.T * X


def _hess_cross_entropy():
    z, y = vector("z", n), vector("y", n)
    p = softmax(z)
    return logsumexp(z) - y.T * z, z, Diag(p) - p * p.T


def _hess_logistic():
    X, w, y = matrix("X", n, m), vector("w", m), vector("y", n)
    s = sigmoid(X * w)
    return (total_sum(softplus(X * w)) - y.T * X * w, w,
            X.T * Diag(sp.HadamardProduct(s, sp.OneMatrix(s.shape[0], 1) - s)) * X)


HESSIANS = [
    ("hessian-quadratic", _hess_quadratic, "Matrix Cookbook (81) differentiated again: A + A^T"),
    ("hessian-least-squares", _hess_least_squares, "normal equations: 2 X^T X"),
    ("hessian-cross-entropy", _hess_cross_entropy,
     "softmax Jacobian: diag(p) - p p^T (Bishop PRML 4.106)"),
    ("hessian-logistic", _hess_logistic,
     "Bishop PRML (4.97): X^T R X, R = diag(sigma (1 - sigma))"),
]
