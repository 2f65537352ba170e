"""derive: symbolic-plus-numeric derivations for the mathematics of deep learning.

Every formula it hands out is checked, and says how. This module is the public
facade, the top layer: it names the public functions of the layers below
(imported on first use, so ``import derive`` and ``derive --help`` do not load
SymPy) and wires the conveniences that lower-layer result types offer
(``Derivation.compile()``, ``.check()``, rendering) to the higher layers that
provide them (:mod:`derive.conveniences`).

Examples
--------
>>> import derive
>>> d = derive.gradient("x**2 + y**2", "x y")
>>> d.result.T
Matrix([[2*x, 2*y]])
>>> d.check().status
'verified'
>>> derive.parse("x^2")
x**2
>>> derive.matrix("X", "n", "m").shape
(n, m)
"""

from __future__ import annotations

import sys
from importlib import import_module
from importlib.abc import MetaPathFinder

from derive.conveniences import provide
from derive.errors import (
    CompileError,
    ConvergenceError,
    DerivationTimeout,
    DeriveError,
    NoClosedFormError,
    ParseError,
    ShapeError,
    SingularMatrixError,
    UnsafeInputError,
)

__version__ = "0.2.0"

#: public name -> module that defines it (imported by ``__getattr__`` on first use);
#: ``None`` marks a module exported under its own name
_EXPORTS = {
    # shared types
    "Derivation": "derive.derivation", "Step": "derive.derivation",
    # text -> expression
    "parse": "derive.parsing", "parse_matrix": "derive.parsing", "symbols": "derive.parsing",
    "parse_latex": "derive.parsing", "AmbiguousLatexError": "derive.parsing",
    # budgets
    "guard": None,
    # calculus: scalar or matrix, chosen by the input
    "gradient": "derive.facade", "jacobian": "derive.facade", "hessian": "derive.facade",
    "derivative": "derive.calculus", "series": "derive.calculus",
    "directional_derivative": "derive.calculus",
    # matrix calculus
    "matrix": "derive.matrix_calculus", "vector": "derive.matrix_calculus",
    "parse_matrix_expression": "derive.matrix_calculus",
    # linear algebra
    "det": "derive.linalg", "inverse": "derive.linalg", "rank": "derive.linalg",
    "nullspace": "derive.linalg", "charpoly": "derive.linalg", "eigen": "derive.linalg",
    "EigenResult": "derive.linalg", "definiteness": "derive.linalg",
    "LinearMap": "derive.linalg",
    # code generation and checking
    "compile": "derive.codegen", "Compiled": "derive.codegen",
    "check": "derive.checking", "verify": "derive.checking",
    "verify_steps": "derive.checking", "StepsReport": "derive.checking",
    "CheckReport": "derive.checking", "check_gradient": "derive.checking",
    "check_jacobian": "derive.checking",
    # integrals and probability
    "integrate": "derive.integrals", "IntegralResult": "derive.integrals",
    "distribution": "derive.stats", "expectation": "derive.stats", "variance": "derive.stats",
    "covariance": "derive.stats", "moment": "derive.stats", "entropy": "derive.stats",
    "cross_entropy": "derive.stats", "kl_divergence": "derive.stats",
    "moment_generating_function": "derive.stats",
    # maximum likelihood and Bayesian inference
    "likelihood": "derive.estimation", "Likelihood": "derive.estimation",
    "mle": "derive.estimation", "fit": "derive.fitting",
    "conjugate_posterior": "derive.estimation", "numeric_posterior": "derive.fitting",
    # optimization
    "minimize": "derive.optimize", "stationary_points": "derive.optimize",
    "newton": "derive.optimize", "gradient_descent": "derive.optimize",
    "least_squares": "derive.optimize", "kkt_points": "derive.optimize",
    "compile_objective": "derive.optimize.objective",
}

#: conveniences of lower-layer result types -> the higher-layer function providing each
_CONVENIENCES = {
    "compile": "derive.codegen:compile",
    "check": "derive.checking:check",
    "derivation_text": "derive.report.derivation:derivation_text",
    "derivation_latex_with_steps": "derive.report.derivation:derivation_latex_with_steps",
    "check_text": "derive.report.check:check_text",
    "check_html": "derive.report.check:check_html",
    "check_markdown": "derive.report.check:check_markdown",
    "check_latex": "derive.report.check:check_latex",
    "fit_text": "derive.report.fit:fit_text",
    "fit_html": "derive.report.fit:fit_html",
    "fit": "derive.fitting.estimate:fit",
    "sample_statistics": "derive.fitting.sample:sample_statistics",
}
for _name, _target in _CONVENIENCES.items():
    provide(_name, _target)

#: subpackages renamed so that no name is both a module and a function
_RENAMED_MODULES = {"derive.parse": "derive.parsing", "derive.check": "derive.checking",
                    "derive.matrix": "derive.matrix_calculus",
                    "derive.likelihood": "derive.estimation"}

__all__ = sorted(["CompileError", "ConvergenceError", "DerivationTimeout", "DeriveError",
                  "NoClosedFormError", "ParseError", "ShapeError", "SingularMatrixError",
                  "UnsafeInputError", *_EXPORTS])


def __getattr__(name):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'derive' has no attribute {name!r}")
    module = _EXPORTS[name]
    value = import_module(f"derive.{name}") if module is None else getattr(
        import_module(module), name)
    globals()[name] = value
    return value


def __dir__():
    return __all__


class _RenamedModuleFinder(MetaPathFinder):
    """``import derive.matrix`` (and the other old module spellings) names the new module."""

    def find_spec(self, fullname, path=None, target=None):
        for old, new in _RENAMED_MODULES.items():
            if fullname == old or fullname.startswith(old + "."):
                rest = fullname[len(old):]
                raise ModuleNotFoundError(
                    f"{old} is the function {old}(...) since derive 0.2; the module is "
                    f"{new}{rest}: write 'from {new}{rest} import ...'", name=fullname)
        return None


if not any(isinstance(f, _RenamedModuleFinder) for f in sys.meta_path):
    sys.meta_path.insert(0, _RenamedModuleFinder())
