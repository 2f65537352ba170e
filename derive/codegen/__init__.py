"""From derived formulas to NumPy code: the only caller of ``lambdify``.

:func:`compile` turns a :class:`~derive.derivation.Derivation` (or a SymPy
expression) into a :class:`Compiled` NumPy function: vectorized and
broadcasting, common subexpressions computed once, special functions through
SciPy, numerically stable rewrites applied (:mod:`derive.codegen.rewrite`), and
a ``.source`` that imports only NumPy/SciPy and can be pasted into a project.
Matrix expressions (``derive.matrix``) compile to BLAS products through
:mod:`derive.codegen.matrix`, never to per-entry formulas.

Before printing, every free symbol must be among the arguments and no
undefined function or unevaluated derivative/integral may remain.

Output shapes: a scalar expression gives an array of the broadcast shape of
the inputs (a NumPy scalar for scalar inputs); an ``m x n`` matrix gives
``(m, n, *broadcast)``, a column ``n x 1`` (a gradient) gives ``(n, *broadcast)``.

Examples
--------
>>> import numpy as np
>>> from derive.calculus import gradient
>>> g = compile(gradient("x**2*y + log(1 + exp(x))", "x y"))
>>> g.args
(x, y)
>>> g(1.0, 2.0)
array([4.73105858, 1.        ])
>>> g(np.array([0.0, 1.0]), 2.0).shape        # broadcasting: (2 components, 2 points)
(2, 2)
>>> float(compile("softplus(x)")(1000.0))      # stable: log(1 + e^1000) = 1000
1000.0
>>> compile("x*log(x) + y", ["x", "y"])(0.0, 1.0)   # names as gradient/hessian take them
np.float64(1.0)
>>> g(np.array([1.0, 2.0]))                    # one point as one vector (SciPy's convention)
array([4.73105858, 1.        ])
"""

from __future__ import annotations

import builtins
import functools
from typing import NamedTuple

import mpmath
import numpy
import scipy
import scipy.constants
import scipy.special
import sympy as sp
from sympy.concrete.expr_with_limits import ExprWithLimits
from sympy.core.function import AppliedUndef
from sympy.printing.pycode import MpmathPrinter

from derive.codegen.backends import BACKENDS, framework_of, load
from derive.codegen.compiled import Compiled
from derive.codegen.framework import framework_source
from derive.codegen.matrix import compile_matrix
from derive.codegen.rewrite import is_trigger, stabilize
from derive.codegen.scalar import kept_assumptions, scalar_source
from derive.codegen.vector import vector_source
from derive.derivation import Derivation
from derive.errors import CompileError
from derive.parsing import parse
from derive.traversal import distinct_subexpressions

__all__ = ["BACKENDS", "Compiled", "compile", "compile_objective", "compile_mpmath", "stabilize"]


def compile(derivation_or_expr, args=None, *, backend: str = "numpy", cse: bool = True,
            name: str | None = None, stable: bool = True,
            convention: str = "arguments") -> Compiled:
    """Compile a derivation's result (or an expression) to a NumPy, JAX or PyTorch function.

    Parameters
    ----------
    derivation_or_expr : Derivation, sympy expression or matrix, or text
    args : sequence of symbols or names, optional
        Argument order; default ``Derivation.arguments()`` (``wrt`` first), or
        the free symbols sorted by name. A name (``"x"``, or one string
        ``"x y"``) means the free symbol of that name.
    backend : {"numpy", "jax", "torch"}, keyword-only
        The framework of the generated code (default NumPy). ``"jax"`` writes
        ``jax.numpy``/``jax.scipy.special`` calls and runs them with float64 kept
        (:mod:`derive.codegen.jax_backend`); ``"torch"`` writes ``torch`` and
        ``torch.special`` calls (:mod:`derive.codegen.torch_backend`). Each
        ``.source`` imports only its framework.
    cse : bool, keyword-only
        Eliminate common subexpressions (default True).
    name : str, keyword-only
        Name of the generated function (default from the operation).
    stable : bool, keyword-only
        Apply the numerically stable rewrites (default True).
    convention : {"arguments", "vector"}, keyword-only
        ``"arguments"`` (default): ``f(x, y, ...)`` broadcasting over arrays, and
        ``f.vector(point)`` beside it for functions of several scalars.
        ``"vector"``: only ``f(point)`` with the point one 1-D array (SciPy's
        convention, what optimizers call), generated without the broadcasting
        function or its common-subexpression pass, in time linear in the
        non-zero entries (:mod:`derive.codegen.vector`).

    Raises
    ------
    CompileError
        A free symbol that is not an argument, or an undefined function.
    """

    expr = derivation_or_expr
    framework = framework_of(backend)
    primal = None
    derivation = None
    if isinstance(expr, Derivation):
        derivation, expr = expr, expr.result
    elif isinstance(expr, str):
        expr = parse(expr)
    expr = _as_sympy(expr)
    scan = None if _is_matrix_expression(expr) else _scan(expr)
    if scan is None or scan.matrix:
        if derivation is not None:
            return compile_matrix(derivation, args, name=name, cse=cse, backend=backend)
        return compile_matrix(expr, _as_symbols(args, expr, scan), name=name, cse=cse,
                              backend=backend)
    if derivation is not None:
        name = name or derivation.op
        if args is None:
            args = derivation.arguments()
        if derivation.op == "gradient" and isinstance(derivation.source, sp.Expr):
            primal = (derivation.source, tuple(derivation.wrt))
    args = _as_symbols(args, expr, scan) if args is not None else _default_args(scan)
    _compile_iv(expr, args, scan)
    name = name or "f"
    if not name.isidentifier() or name in vars(builtins):
        raise CompileError(f"function name {name!r} is not a usable Python identifier")
    original = expr
    if stable and scan.triggered:
        expr = stabilize(expr)
    vector = vector_text = None
    if convention not in ("arguments", "vector"):
        raise CompileError(f"convention {convention!r} is not 'arguments' or 'vector'")
    if convention == "vector":
        source = vector_source(expr, args, name=name, framework=framework)
        if framework is None:
            namespace = {"numpy": numpy, "scipy": scipy}
            exec(builtins.compile(source, f"<derive.codegen {name}>", "exec"), namespace)  # noqa: S102 -- generated from a SymPy tree
            func = namespace[name]
        else:
            func = load(backend, source, name, jit=True)
        return Compiled(func=func, source=source, args=args, expr=expr, name=name,
                        shape=_shape_of(expr), backend=backend, vector=func, vector_source=source)
    if framework is None:
        source = scalar_source(expr, args, name=name, cse=cse)
        namespace = {"numpy": numpy, "scipy": scipy}
        exec(builtins.compile(source, f"<derive.codegen {name}>", "exec"), namespace)  # noqa: S102 -- generated from a SymPy tree, never from user text
        func = namespace[name]
        if len(args) > 1:
            vector_text = vector_source(expr, args, name=f"{name}_at")
            exec(builtins.compile(vector_text, f"<derive.codegen {name}_at>", "exec"), namespace)  # noqa: S102 -- generated from a SymPy tree
            vector = namespace[f"{name}_at"]
    else:
        source = framework_source(expr, args, framework, name=name, cse=cse)
        func = load(backend, source, name)
        if len(args) > 1:
            vector_text = vector_source(expr, args, name=f"{name}_at", framework=framework)
            vector = load(backend, vector_text, f"{name}_at", jit=True)
    shape = _shape_of(expr)
    if primal is None and not isinstance(original, sp.MatrixBase):
        primal = (original, None)
    pair = None
    if primal is not None and backend != "numpy":
        pair = functools.partial(_forward_and_gradient, primal, args, backend, stable)
    return Compiled(func=func, source=source, args=args, expr=expr, name=name,
                    shape=shape, backend=backend, primal=primal, pair=pair, vector=vector,
                    vector_source=vector_text)


def _shape_of(expr):
    if not isinstance(expr, sp.MatrixBase):
        return ()
    return (expr.shape[0],) if expr.shape[1] == 1 else expr.shape


def _forward_and_gradient(primal, args, backend, stable):
    """Raw (unwrapped) forward and gradient functions of ``primal = (f, wrt)``."""
    f, wrt = primal
    wrt = tuple(args) if wrt is None else wrt
    positions = tuple(args.index(w) for w in wrt)
    forward = compile(f, args, backend=backend, stable=stable, name="forward")
    gradient = compile(sp.Matrix([sp.diff(f, w) for w in wrt]), args, backend=backend,
                       stable=stable, name="gradient")
    unwrap = lambda c: getattr(c.func, "__wrapped__", c.func)  # noqa: E731
    return unwrap(forward), unwrap(gradient), positions


def compile_mpmath(expr, args):
    """An mpmath function of ``expr`` for high-precision oracles (``lambdify``).

    Works at whatever ``mpmath.mp.dps`` is current when it is called.

    Examples
    --------
    >>> import mpmath, sympy as sp
    >>> x = sp.Symbol("x")
    >>> f = compile_mpmath(sp.exp(x) - 1, [x])
    >>> with mpmath.workdps(40):
    ...     print(mpmath.nstr(f(mpmath.mpf("1e-30")), 10))
    1.0e-30
    """
    expr = _as_sympy(expr)
    scan = _scan(expr)
    args = list(_as_symbols(args, expr, scan))
    _compile_iv(expr, args, scan)
    # lambdify's mpmath code calls mpf, exp, log... unqualified: every parameter gets a
    # name no mpmath function has, so a user symbol named ``mpf`` or ``exp`` shadows nothing.
    # Symbols longer than any name in expr, not Dummies: a Dummy argument makes lambdify
    # re-substitute assumption-free Dummies, and rebuilding tanh(tanh(...)) 10 deep
    # around one takes 12 s (50 deep: hours), its is_real queries growing exponentially
    pad = "_" * (1 + max((len(str(s)) for s in expr.free_symbols), default=0))
    renamed = {a: sp.Symbol(f"{pad}a{i}", **kept_assumptions(a)) for i, a in enumerate(args)}
    return sp.lambdify([renamed[a] for a in args], expr.xreplace(renamed),
                       modules=[{"exp": _bounded_exp}, "mpmath"],
                       printer=_MpmathPrinter({"fully_qualified_modules": False, "inline": True,
                                               "allow_unknown_functions": True}),
                       dummify=False)


#: mpmath.exp refuses arguments above 2**EXP_MAX_MAG: reducing a larger one modulo log 2
#: needs log 2 to as many bits (an exp tower's exp(10**1400000) ran for hours)
EXP_MAX_MAG = 4096


def _bounded_exp(z):
    """``mpmath.exp(z)``, or OverflowError for ``|z| > 2**EXP_MAX_MAG``.

    Examples
    --------
    >>> import mpmath
    >>> _bounded_exp(mpmath.mpf(1)) == mpmath.e
    True
    >>> _bounded_exp(mpmath.mpf(10) ** 5000)
    Traceback (most recent call last):
    ...
    OverflowError: exp of a number above 2**4096 (its value has more than 10**1230 digits)
    """
    if mpmath.mag(z) > EXP_MAX_MAG:
        raise OverflowError(f"exp of a number above 2**{EXP_MAX_MAG} (its value has more "
                            f"than 10**1230 digits)")
    return mpmath.exp(z)


class _MpmathPrinter(MpmathPrinter):
    """SymPy's mpmath printer, calling mpmath's own combinatorial functions.

    SymPy's code printers rewrite ``binomial`` and the rising/falling factorials as
    gamma quotients before printing, and ``gamma(10**9 + 1)`` then evaluates to
    ``10**9!`` exactly (minutes of CPU). ``mpmath.binomial``, ``rf`` and ``ff``
    work at the current precision instead.
    """

    def _print_binomial(self, e):
        return self._call("binomial", e.args)

    def _print_RisingFactorial(self, e):
        return self._call("rf", e.args)

    def _print_FallingFactorial(self, e):
        return self._call("ff", e.args)

    def _call(self, name, args):
        return f"{self._module_format('mpmath.' + name)}({', '.join(map(self._print, args))})"


# -- helpers ---------------------------------------------------------------

def _as_sympy(expr):
    if isinstance(expr, (sp.Basic, sp.MatrixBase)):
        return expr
    if isinstance(expr, (list, tuple)):
        return sp.ImmutableMatrix(expr)
    if isinstance(expr, (int, float)):
        return sp.sympify(expr)
    raise CompileError(f"cannot compile {type(expr).__name__} {expr!r}: expected a "
                       "Derivation, a SymPy expression or matrix, or text")


def _as_symbols(args, expr, scan=None):
    """Arguments given as symbols or names (``"x y"`` or ``["x", "y"]``) as symbols of ``expr``.

    A name that is no free symbol of ``expr`` becomes a real symbol (the parser's
    default). ``scan``: :func:`_scan` of ``expr`` if the caller has it already.
    """
    if args is None:
        return None
    if isinstance(args, str):
        args = args.replace(",", " ").split()
    if all(isinstance(a, sp.Basic) for a in args):
        return tuple(args)
    if scan is not None:
        symbols = scan.free
    else:
        try:
            symbols = expr.free_symbols
        except AttributeError:
            symbols = set()
    free = {s.name: s for s in symbols if hasattr(s, "name")}
    out = []
    for a in args:
        if isinstance(a, str):
            a = free.get(a.strip()) or sp.Symbol(a.strip(), real=True)
        out.append(a)
    return tuple(out)


def _default_args(scan):
    return tuple(sorted(scan.free, key=lambda s: s.name))


def _is_matrix_expression(expr):
    """A matrix expression (explicit matrices are not: ImmutableMatrix is a MatrixExpr);
    one that only contains matrix symbols shows in :func:`_scan`."""
    return isinstance(expr, sp.MatrixExpr) and not isinstance(expr, sp.MatrixBase)


#: nodes compile refuses (undefined functions, unevaluated calculus)
_REFUSED = (AppliedUndef, sp.Derivative, sp.Integral, sp.Subs, sp.Order)
#: nodes with bound variables or free symbols of their own: SymPy's ``free_symbols`` decides
_OPAQUE = (ExprWithLimits, sp.Lambda, sp.Subs, sp.Indexed)
_NOT_LOOKED_INTO = (sp.MatrixSymbol,) + _OPAQUE
_SUMS_AND_PRODUCTS = frozenset({sp.Add, sp.Mul})   # neither refused nor a rewrite target


class _Scan(NamedTuple):
    """What :func:`_scan` finds in an expression."""

    free: set            # free symbols
    refused: set         # nodes of the :data:`_REFUSED` types
    matrix: bool         # a MatrixSymbol occurs (a matrix expression in disguise)
    triggered: bool = True  # False: stabilize has nothing to rewrite (no rewrite.is_trigger node)


def _scan(expr):
    """Free symbols, refused nodes and matrix symbols of ``expr`` in one walk.

    Each distinct subexpression is visited once, over all entries of a matrix
    together (only the non-zero ones: a large Hessian is mostly zeros), so the
    work is linear in the size of the expression; ``free_symbols`` and ``atoms``
    per entry walk shared subtrees again and again.
    """
    exprs = expr.todok().values() if isinstance(expr, sp.MatrixBase) else [expr]
    free, refused, matrix, triggered = set(), set(), False, False
    for e in distinct_subexpressions(exprs, _NOT_LOOKED_INTO):
        if e.is_Symbol:
            free.add(e)
        elif type(e) in _SUMS_AND_PRODUCTS:   # the most frequent nodes: nothing to note
            continue
        elif isinstance(e, sp.MatrixSymbol):
            matrix = True
        elif isinstance(e, _OPAQUE):
            free |= e.free_symbols
            refused |= e.atoms(*_REFUSED)
            matrix = matrix or e.has(sp.MatrixSymbol)
            triggered = True   # not looked into: stabilize looks
        else:
            if isinstance(e, _REFUSED):
                refused.add(e)
            triggered = triggered or is_trigger(e)
    return _Scan(free, refused, matrix, triggered)


def _compile_iv(expr, args, scan=None):
    """Validate before printing: free symbols among args, nothing undefined.

    ``scan``: :func:`_scan` of ``expr`` if the caller has it already.
    """
    for a in args:
        if not isinstance(a, sp.Symbol):
            raise CompileError(f"argument {a!r} is not a symbol; compile takes symbols as "
                               "arguments")
    scan = scan or _scan(expr)
    missing = scan.free - set(args)
    if missing:
        names = ", ".join(sorted(map(str, missing)))
        raise CompileError(f"free symbols {names} of {_short(expr)} are not among the "
                           f"arguments {tuple(args)}; pass them in args or substitute values")
    found = scan.refused
    undefined = {a for a in found if isinstance(a, AppliedUndef)}
    if undefined:
        raise CompileError(f"undefined functions {sorted(map(str, undefined))} in "
                           f"{_short(expr)}; define them before compiling")
    if found:
        raise CompileError(f"unevaluated {sorted(map(str, found))[0]} in "
                           f"{_short(expr)} cannot be compiled; evaluate it first")


def _short(expr):
    text = str(expr)
    return text if len(text) <= 80 else text[:77] + "..."
