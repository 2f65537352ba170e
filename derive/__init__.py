"""derive: symbolic-plus-numeric derivations for the mathematics of deep learning.

Every formula it hands out is checked, and says how. The public names below
are imported on first use, so ``import derive`` stays quick.

Examples
--------
>>> import derive
>>> d = derive.gradient("x**2 + y**2", "x y")
>>> d.result.T
Matrix([[2*x, 2*y]])
>>> d.check().status
'verified'
"""

from importlib import import_module

from derive.derivation import Derivation, Step
from derive.errors import (CompileError, ConvergenceError, DerivationTimeout, DeriveError,
                           NoClosedFormError, ParseError, ShapeError, SingularMatrixError,
                           UnsafeInputError)

__version__ = "0.1.0"

#: public name -> module that defines it (imported lazily by ``__getattr__``)
_EXPORTS = {
    # text -> expression
    "parse": "derive", "parse_matrix": "derive.parse", "symbols": "derive.parse",
    # budgets
    "guard": "derive",
    # calculus
    "derivative": "derive.calculus", "gradient": "derive.calculus",
    "jacobian": "derive.calculus", "hessian": "derive.calculus", "series": "derive.calculus",
    "directional_derivative": "derive.calculus",
    # code generation and checking
    "compile": "derive.codegen", "compile_objective": "derive.codegen",
    "Compiled": "derive.codegen", "check": "derive", "verify": "derive.check",
    "CheckReport": "derive.check", "check_gradient": "derive.check",
    "check_jacobian": "derive.check",
    # matrix calculus (derive.matrix is also callable: derive.matrix("X", "n", "m"))
    "matrix": "derive", "vector": "derive.matrix", "parse_matrix_expression": "derive.matrix",
    # linear algebra
    "det": "derive.linalg", "inverse": "derive.linalg", "rank": "derive.linalg",
    "nullspace": "derive.linalg", "charpoly": "derive.linalg", "eigen": "derive.linalg",
    "EigenResult": "derive.linalg", "definiteness": "derive.linalg",
    "LinearMap": "derive.linalg",
    # integrals and probability
    "integrate": "derive.integrals", "IntegralResult": "derive.integrals",
    "distribution": "derive.stats", "expectation": "derive.stats", "variance": "derive.stats",
    "covariance": "derive.stats", "moment": "derive.stats", "entropy": "derive.stats",
    "cross_entropy": "derive.stats", "kl_divergence": "derive.stats",
    "moment_generating_function": "derive.stats",
    # maximum likelihood and Bayesian inference
    "likelihood": "derive", "Likelihood": "derive.likelihood",
    "mle": "derive.likelihood", "fit": "derive.likelihood",
    "conjugate_posterior": "derive.likelihood", "numeric_posterior": "derive.likelihood",
    # optimization
    "minimize": "derive.optimize", "stationary_points": "derive.optimize",
    "newton": "derive.optimize", "gradient_descent": "derive.optimize",
    "least_squares": "derive.optimize", "kkt_points": "derive.optimize",
}

__all__ = sorted(["Derivation", "Step", "CompileError", "ConvergenceError",
                  "DerivationTimeout", "DeriveError", "NoClosedFormError", "ParseError",
                  "ShapeError", "SingularMatrixError", "UnsafeInputError", *_EXPORTS])


def __getattr__(name):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'derive' has no attribute {name!r}")
    # a subpackage that is also callable as its main function (derive.callable_module)
    value = import_module(f"derive.{name}") if module == "derive" else getattr(
        import_module(module), name)
    globals()[name] = value
    return value


def __dir__():
    return __all__
