"""Compile matrix expressions to NumPy: BLAS products, never per-entry formulas.

:func:`compile_matrix` walks a matrix expression once and writes one line
of NumPy per operation: ``@`` for products (evaluated right to left when
the chain ends in a vector, so ``x^T A x`` is ``x.T @ (A @ x)``), ``.T``
for transposes, ``numpy.linalg.solve`` for ``A^-1 B`` (``inv`` only for a
bare inverse), ``slogdet`` for ``log det``, ``einsum`` for the trace of a
product, row and column sums for products with the all-ones matrix,
``v * M`` for ``diag(v) M``, and the stable elementwise functions
(``scipy.special.expit``, ``numpy.logaddexp(0, .)``,
``scipy.special.softmax`` and ``logsumexp``, which shift by the maximum),
so values stay finite for ``|X w| > 709``.  Equal sub-expressions are
computed once, and a temporary used once is overwritten in place by the
next elementwise step (``out=``), saving the allocation a hand-written
expression makes.  The source imports only NumPy and SciPy.  Called with a Dask
array, the function runs a variant without ``asarray`` and ``out=``: the result
is lazy, one graph that reads each chunk of the input once.

Inputs: matrices as 2-D arrays; column vectors may be passed 1-D.  Output: a
column vector comes back 1-D (``(n,)``), a ``1 x 1`` or scalar result as a
NumPy scalar, a matrix as 2-D.

Examples
--------
>>> import numpy as np
>>> from derive.matrix_calculus import matrix, vector, sigmoid
>>> X, w, y = matrix("X", "n", "d"), vector("w", "d"), vector("y", "n")
>>> f = compile_matrix(X.T * (sigmoid(X * w) - y), [X, w, y], name="grad")
>>> print(f.source)  # doctest: +NORMALIZE_WHITESPACE
import numpy
import scipy.special
<BLANKLINE>
def grad(X, w, y):
    X = numpy.asarray(X)
    w = numpy.asarray(w)
    y = numpy.asarray(y)
    _dtype = numpy.result_type(X, w, y, 1.0)
    X = X.astype(_dtype, copy=False)
    w = w.astype(_dtype, copy=False).reshape(-1, 1)
    y = y.astype(_dtype, copy=False).reshape(-1, 1)
    n, d = X.shape
    if w.shape != (d, 1):
        raise ValueError(f"w must have shape (d, 1) = {(d, 1)}, got {w.shape}")
    if y.shape != (n, 1):
        raise ValueError(f"y must have shape (n, 1) = {(n, 1)}, got {y.shape}")
    _1 = X @ w
    scipy.special.expit(_1, out=_1)
    numpy.subtract(_1, y, out=_1)
    _2 = X.T @ _1
    return _2.reshape(-1)
<BLANKLINE>
>>> Xv = np.array([[1000.0, 0.0], [0.0, -1000.0]])
>>> f(Xv, np.ones(2), np.zeros(2))
array([1000.,    0.])
"""

from __future__ import annotations

import functools
import keyword
import re

import numpy
import scipy.special
import sympy as sp
from sympy import MatrixExpr

from derive.codegen.backends import framework_of, load
from derive.codegen.compiled import Compiled
from derive.codegen.matrix_scalars import ScalarPrinter
from derive.codegen.scalar import safe_names
from derive.derivation import Derivation
from derive.errors import CompileError
from derive.matrix_calculus.elementwise import (
    Diag,
    Elementwise,
    InverseTranspose,
    LogSumExp,
    Softmax,
)
from derive.matrix_calculus.symbols import as_expr


def _is_column(e):
    return e.shape[1] == 1


class _Emitter:
    def __init__(self, args, framework=None, lazy=False):
        self.fw = framework     # None: NumPy; else a derive.codegen.framework.Framework
        self.lazy = lazy        # Dask arrays: nothing is overwritten in place
        self.lines = []
        self.memo = {}
        self.counter = 0
        self.names = dict(safe_names(args))
        self.dims = {}
        self.printer = ScalarPrinter(self)
        self.uses = {}          # node -> occurrences in the expression tree
        self.owned = {}         # temp var -> its node, for arrays this function allocated

    def count_uses(self, expr):
        for node in sp.preorder_traversal(expr):
            self.uses[node] = self.uses.get(node, 0) + 1

    def call(self, fqn):
        """The framework's name for the NumPy/SciPy call ``fqn``."""
        if self.fw is None:
            return fqn
        target = self.fw.calls.get(fqn)
        if target is None:
            raise CompileError(f"{fqn} has no {self.fw.name} counterpart in derive's table; "
                               "compile with backend='numpy'")
        return target

    def reusable(self, child, parent):
        """The temp of ``child`` when ``parent`` may overwrite it (single use, same shape).

        Never for JAX, PyTorch and Dask: their arrays are not overwritten in place.
        """
        if self.fw is not None or self.lazy:
            return None
        var = self.memo.get(child)
        return (var if var in self.owned and self.uses.get(child, 0) == 1
                and isinstance(child, MatrixExpr) and child.shape == parent.shape else None)

    def emit_owned(self, node, text):
        var = self.emit(node, text)
        if not (text.isidentifier() or "broadcast_to" in text or text.endswith(".T")):
            self.owned[var] = node
        return var

    # -- helpers --------------------------------------------------------------
    def name_of(self, s):
        if s in self.names:
            return self.names[s]
        if s in self.dims:
            return self.dims[s]
        raise CompileError(f"{s} is not an argument of the compiled function; pass it in args")

    def dim(self, d):
        d = as_expr(d)
        return str(int(d)) if d.is_Integer else self.printer._print(d)

    def shape(self, e):
        return f"({self.dim(e.shape[0])}, {self.dim(e.shape[1])})"

    def emit(self, node, text):
        self.counter += 1
        var = f"_{self.counter}"
        self.lines.append(f"{var} = {text}")
        self.memo[node] = var
        return var

    def scalar(self, e):
        return self.printer.doprint(e)

    # -- the one dispatcher ---------------------------------------------------
    def code(self, e):
        if e in self.memo:
            return self.memo[e]
        if not isinstance(e, MatrixExpr):
            text = self.scalar(e)
            return text if (e.is_Atom or e in self.names) else self.emit(e, text)
        if isinstance(e, sp.MatrixSymbol):
            return self.name_of(e)
        if isinstance(e, sp.MatrixBase):         # an explicit matrix the user wrote
            rows = ", ".join("[" + ", ".join(self.scalar(v) for v in e.row(i)) + "]"
                             for i in range(e.rows))
            return self.emit(e, f"{self.call('numpy.array')}([{rows}], dtype=_dtype)")
        if isinstance(e, InverseTranspose):
            return self.emit(e, f"{self.call('numpy.linalg.inv')}({self.code(e.arg.arg)}).T")
        if isinstance(e, sp.Transpose):
            inner = self.code(e.arg)
            return f"{inner}.T" if inner.isidentifier() else self.emit(e, f"({inner}).T")
        if isinstance(e, sp.MatMul):
            return self.emit_owned(e, self.product(e))
        if isinstance(e, sp.MatAdd):
            return self.sum(e)
        if isinstance(e, sp.HadamardProduct):
            codes = [self.code(a) for a in e.args]
            target = next((self.reusable(a, e) for a in e.args if self.reusable(a, e)), None)
            if target is not None:
                for c in codes:
                    if c != target:
                        self.lines.append(f"numpy.multiply({target}, {c}, out={target})")
                self.memo[e] = target
                self.owned[target] = e
                return target
            return self.emit_owned(e, " * ".join(codes))
        if isinstance(e, sp.HadamardPower):
            base, p = self.code(e.args[0]), e.args[1]
            if p == -1:
                return self.emit(e, f"1.0 / {base}")
            if p == sp.Rational(1, 2):
                return self.emit(e, f"{self.call('numpy.sqrt')}({base})")
            if p == 2:
                return self.emit(e, f"{base} * {base}")
            return self.emit(e, f"{base} ** ({self.scalar(p)})")
        if isinstance(e, Elementwise):
            arg = self.code(e.arg)
            placeholder = sp.Symbol(arg)
            self.names[placeholder] = arg
            text = self.scalar(e.function(placeholder))
            target = self.reusable(e.arg, e)
            call = re.fullmatch(r"([\w.]+)\((0, )?" + re.escape(arg) + r"(, 0)?\)", text)
            if target is not None and call:        # a single ufunc: overwrite the argument
                self.lines.append(f"{text[:-1]}, out={arg})")
                self.memo[e] = arg
                self.owned[arg] = e
                return arg
            return self.emit_owned(e, text)
        if isinstance(e, Softmax):
            return self.emit(e, f"{self.call('scipy.special.softmax')}({self.code(e.arg)}, axis={e.axis})")
        if isinstance(e, LogSumExp):
            return self.emit(e, f"{self.call('scipy.special.logsumexp')}({self.code(e.arg)}, axis={e.axis}, "
                                "keepdims=True)")
        if isinstance(e, sp.Inverse):
            return self.emit(e, f"{self.call('numpy.linalg.inv')}({self.code(e.arg)})")
        if isinstance(e, Diag):
            return self.emit(e, f"{self.call('numpy.diagflat')}({self.code(e.arg)})")
        if isinstance(e, sp.DiagonalOf):
            return self.emit(e, f"{self.call('numpy.diagonal')}({self.code(e.arg)}).reshape(-1, 1)")
        if isinstance(e, sp.MatPow):
            return self.emit(e, f"{self.call('numpy.linalg.matrix_power')}({self.code(e.args[0])}, "
                                f"{int(e.args[1])})")
        if isinstance(e, sp.Identity):
            return self.emit(e, f"{self.call('numpy.eye')}({self.dim(e.shape[0])}, dtype=_dtype)")
        if isinstance(e, sp.ZeroMatrix):
            return self.emit(e, f"{self.call('numpy.zeros')}({self.shape(e)}, dtype=_dtype)")
        if isinstance(e, sp.OneMatrix):
            return self.emit(e, f"{self.call('numpy.ones')}({self.shape(e)}, dtype=_dtype)")
        raise CompileError(f"cannot compile {type(e).__name__} in {e} to NumPy")

    def trace(self, M):
        if isinstance(M, sp.MatMul):
            c, mats = M.as_coeff_matrices()
            if len(mats) == 2:
                a, b = mats
                pre = "" if c == 1 else f"{self.coefficient(c)} * "
                if isinstance(b, sp.Transpose) and not isinstance(b, InverseTranspose):
                    return f"{pre}{self.call('numpy.sum')}({self.code(a)} * {self.code(b.arg)})"
                if isinstance(a, sp.Transpose) and not isinstance(a, InverseTranspose):
                    return f"{pre}{self.call('numpy.sum')}({self.code(a.arg)} * {self.code(b)})"
                return f"{pre}{self.call('numpy.einsum')}('ij,ji->', {self.code(a)}, {self.code(b)})"
        return f"{self.call('numpy.trace')}({self.code(M)})"

    # -- products ---------------------------------------------------------------
    def product(self, e):
        c, mats = e.as_coeff_matrices()
        mats = list(mats)
        right_to_left = len(mats) >= 3 and _is_column(mats[-1])
        if right_to_left:
            acc = self.fold_right(mats)
        else:
            acc = self.fold_left(mats)
        return acc if c == 1 else f"{self.coefficient(c)} * {acc}"

    def coefficient(self, c):
        text = self.scalar(c)
        return text if (c.is_Number and c >= 0) or c.is_Symbol else f"({text})"

    def _mm(self, a_code, a, b_code, b):
        """Code for a @ b with the special factors handled."""
        if isinstance(a, sp.OneMatrix):       # 1 M: column sums, repeated
            s = f"{b_code}.sum(axis=0, keepdims=True)"
            return s if a.shape[0] == 1 else f"{self.call('numpy.broadcast_to')}({s}, ({self.dim(a.shape[0])}, {b_code}.shape[1]))"
        if isinstance(b, sp.OneMatrix):       # M 1: row sums, repeated
            s = f"{a_code}.sum(axis=1, keepdims=True)"
            return s if b.shape[1] == 1 else f"{self.call('numpy.broadcast_to')}({s}, ({a_code}.shape[0], {self.dim(b.shape[1])}))"
        if isinstance(a, Diag):
            return f"{self.code(a.arg)} * {b_code}"
        if isinstance(b, Diag):
            return f"{a_code} * {self.code(b.arg)}.T"
        if isinstance(a, sp.Inverse):
            return f"{self.call('numpy.linalg.solve')}({self.code(a.arg)}, {b_code})"
        if isinstance(a, InverseTranspose):
            return f"{self.call('numpy.linalg.solve')}({self.code(a.arg.arg)}.T, {b_code})"
        if (self.fw is not None and self.fw.name == "jax" and a_code.endswith(".T")
                and a_code[:-2].isidentifier()):
            # XLA on CPU copies a transposed operand; (B^T A)^T reads A as stored (3x faster)
            return f"({b_code}.T @ {a_code[:-2]}).T"
        if self.fw is not None and self.fw.name == "torch" and _is_column(b):
            # a matrix-vector product (gemv) beats the (n, 1) matrix product in torch
            return f"({a_code} @ {b_code}.reshape(-1)).reshape(-1, 1)"
        return f"{a_code} @ {b_code}"

    def _operand(self, m):
        return None if isinstance(m, (sp.OneMatrix, Diag, sp.Inverse)) else self.code(m)

    def fold_right(self, mats):
        b = mats[-1]
        b_code = self.code(b)
        for i in range(len(mats) - 2, -1, -1):
            a = mats[i]
            text = self._mm(self._operand(a), a, b_code, b)
            b = sp.MatMul(*mats[i:])
            b_code = text if i == 0 else self.emit(b, text)
        return b_code

    def fold_left(self, mats):
        a = mats[0]
        if len(mats) == 1:
            return self.code(a)
        if isinstance(a, (sp.Inverse, InverseTranspose)) and len(mats) >= 2:
            rest = mats[1:]
            b = rest[0] if len(rest) == 1 else sp.MatMul(*rest)
            return self._mm(None, a, self.code(b), b)
        a_code = self._operand(a)
        for i in range(1, len(mats)):
            b = mats[i]
            if isinstance(b, (sp.Inverse, InverseTranspose)):
                rest = mats[i:]
                tail = rest[0] if len(rest) == 1 else sp.MatMul(*rest)
                if a_code is None:
                    a_code = self.code(a)
                return f"{a_code} @ {self.code(tail)}"
            if a_code is None and not isinstance(a, (sp.OneMatrix, Diag)):
                a_code = self.code(a)
            text = self._mm(a_code, a, self._operand(b) if isinstance(b, (sp.OneMatrix, Diag))
                            else self.code(b), b)
            a = sp.MatMul(*mats[:i + 1])
            a_code = text if i == len(mats) - 1 else self.emit(a, text)
        return a_code

    # -- sums -----------------------------------------------------------------------
    def sum(self, e):
        parts, consts = [], []
        for t in e.args:
            c, mats = t.as_coeff_matrices() if isinstance(t, sp.MatMul) else (sp.S.One, [t])
            if len(mats) == 1 and isinstance(mats[0], sp.OneMatrix):
                consts.append(c)
                continue
            parts.append(t)
        if not parts:
            return self.emit(e, f"{self.call('numpy.full')}({self.shape(e)}, {self.scalar(sp.Add(*consts))}, dtype=_dtype)")
        pieces = []
        for t in parts:
            if isinstance(t, sp.MatMul):
                c, mats = t.as_coeff_matrices()
                if c == -1:
                    core = mats[0] if len(mats) == 1 else sp.MatMul(*mats)
                    pieces.append(("-", self.code(core), core))
                    continue
            pieces.append(("+", self.code(t), t))
        pieces.sort(key=lambda p: p[0] == "-")
        if consts:
            pieces.append(("+", f"({self.scalar(sp.Add(*consts))})", None))
        first = pieces[0]
        target = self.reusable(first[2], e) if first[0] == "+" and first[2] is not None else None
        if target is not None:                      # accumulate into a temporary we own
            for sign, code, _ in pieces[1:]:
                op = "add" if sign == "+" else "subtract"
                self.lines.append(f"numpy.{op}({target}, {code}, out={target})")
            self.memo[e] = target
            self.owned[target] = e
            return target
        text = first[1] if first[0] == "+" else f"-{first[1]}"
        for sign, code, _ in pieces[1:]:
            text += f" {sign} {code}"
        return self.emit_owned(e, text)


def _default_args(expr):
    free = [s for s in expr.free_symbols]
    return sorted(free, key=lambda s: s.name)


def matrix_arguments(derivation):
    """A matrix derivation's arguments without the shape symbols (sizes come from arrays).

    Examples
    --------
    >>> from derive.matrix_calculus import vector, gradient
    >>> from derive.matrix_calculus.layers import mse
    >>> p, y = vector("p", "n"), vector("y", "n")
    >>> matrix_arguments(gradient(mse(p, y), p))
    (p, y)
    """
    args = tuple(derivation.arguments())
    dims = {d for a in args if isinstance(a, sp.MatrixSymbol) for d in a.shape if d.is_Symbol}
    return tuple(a for a in args if a not in dims)


def matrix_source(expr, args, *, name="f", framework=None, lazy=False):
    """The Python source (``str``) of a NumPy function computing ``expr``.

    ``framework`` (a :class:`derive.codegen.framework.Framework`) writes JAX or
    PyTorch calls instead, without in-place updates. ``lazy``: NumPy code that
    also takes Dask arrays (kept lazy: no ``asarray``, no ``out=``), with known
    chunk sizes.

    Examples
    --------
    >>> from derive.matrix_calculus import matrix, vector
    >>> A, x = matrix("A", "n", "n"), vector("x", "n")
    >>> print(matrix_source(x.T * A * x, [x, A]).splitlines()[-3:])
    ['    _1 = A @ x', '    _2 = x.T @ _1', '    return _2[0, 0]']
    """
    expr = as_expr(expr)
    args = list(args)
    em = _Emitter(args, framework, lazy)
    header = []
    mats = [em.names[a] for a in args if isinstance(a, sp.MatrixSymbol)]
    fw = framework
    for nm in mats:
        header.append(f"{nm} = {nm} if hasattr({nm}, '__dask_graph__') else numpy.asarray({nm})"
                      if lazy else f"{nm} = {em.call('numpy.asarray')}({nm})")
    if lazy and mats:   # Dask's products need every chunk size
        header += [f"for _name, _a in [{', '.join(f'({m!r}, {m})' for m in mats)}]:",
                   "    if any(s != s for s in _a.shape):",
                   ("        raise ValueError(f\"{_name}: Dask does not know its chunk sizes "
                    "(nan in {_a.shape}); call {_name}.compute_chunk_sizes() first\")")]
    if mats:   # one floating dtype for all arrays, so temporaries can be overwritten in place
        header.append("_dtype = " + (f"numpy.result_type({', '.join(mats)}, 1.0)" if fw is None
                                     else fw.dtype_of(mats)))
    else:
        header.append("_dtype = float")
    cast = "astype(_dtype, copy=False)" if fw is None else fw.cast
    for a in args:
        nm = em.names[a]
        if isinstance(a, sp.MatrixSymbol) and a.shape[1] == 1:
            header.append(f"{nm} = {nm}.{cast}.reshape(-1, 1)")
        elif isinstance(a, sp.MatrixSymbol) and a.shape[0] == 1:
            header.append(f"{nm} = {nm}.{cast}.reshape(1, -1)")
        elif isinstance(a, sp.MatrixSymbol):
            header.append(f"{nm} = {nm}.{cast}")
    checks = []
    for a in args:
        if not isinstance(a, sp.MatrixSymbol):
            continue
        nm = em.names[a]
        fresh = [d for d in dict.fromkeys(a.shape) if d.is_Symbol and d not in em.dims]
        for d in fresh:
            dn = str(d)
            if not dn.isidentifier() or keyword.iskeyword(dn) or dn in em.names.values() \
                    or dn in ("numpy", "scipy", "jax", "torch", "_dtype"):
                dn = f"_size_{len(em.dims)}"
            em.dims[d] = dn
        if len(fresh) == 2:
            header.append(f"{em.dims[fresh[0]]}, {em.dims[fresh[1]]} = {nm}.shape")
        else:
            for d in fresh:
                header.append(f"{em.dims[d]} = {nm}.shape[{list(a.shape).index(d)}]")
        if len(fresh) == 2:
            continue
        want = f"({em.dim(a.shape[0])}, {em.dim(a.shape[1])})"
        checks.append(f"if {nm}.shape != {want}:\n"
                      f"    raise ValueError(f\"{nm} must have shape ({a.shape[0]}, {a.shape[1]}) "
                      f"= {{{want}}}, got {{{nm}.shape}}\")")
    for s in expr.free_symbols:
        if isinstance(s, sp.Symbol) and s not in em.names and s not in em.dims:
            raise CompileError(f"{s} appears in {expr} but is not among the arguments "
                               f"{[str(a) for a in args]}; pass it in args")
    em.count_uses(expr)
    out = em.code(expr)
    if isinstance(expr, MatrixExpr):
        if tuple(expr.shape) == (1, 1):
            ret = f"{out}[0, 0]"
        elif expr.shape[1] == 1:
            ret = f"{out}.reshape(-1)"
        else:
            ret = out
    else:
        ret = out
    body = header + [ln for c in checks for ln in c.split("\n")] + em.lines + [f"return {ret}"]
    if fw is not None:
        used = sorted({m for m in fw.modules if any(m + "." in ln for ln in body)} | {fw.calls["module"]})
        text = "".join(f"import {m}\n" for m in used) + "\n"
        return text + f"def {name}({', '.join(em.names[a] for a in args)}):\n" + "".join(
            f"    {ln}\n" for ln in body)
    text = "import numpy\nimport scipy.special\n\n"
    text += f"def {name}({', '.join(em.names[a] for a in args)}):\n"
    text += "".join(f"    {ln}\n" for ln in body)
    return text


def compile_matrix(expr, args=None, *, name=None, cse=True, backend="numpy"):
    """Compile a matrix expression (or a matrix Derivation) to a NumPy function.

    Parameters
    ----------
    expr : sympy expression or Derivation
        A matrix expression, or a scalar built from traces, determinants,
        norms and 1x1 matrix expressions.  A Derivation compiles its result.
    args : sequence of symbols, optional
        Argument order; default: ``Derivation.arguments()`` (wrt first), else
        the free symbols by name.
    name : str, optional
        The function's name.
    cse : bool
        Accepted for the ``derive.codegen.compile`` signature; equal
        sub-expressions are always computed once.
    backend : {"numpy", "jax", "torch"}
        The framework of the generated code (``jax.numpy`` and ``torch`` products,
        solves and ``slogdet``; no in-place updates outside NumPy).

    Returns
    -------
    derive.codegen.Compiled
        ``shape`` is the symbolic shape of one result: ``()`` for a scalar or
        ``1 x 1``, ``(n,)`` for a column, ``(r, c)`` for a matrix.

    Examples
    --------
    >>> from derive.matrix_calculus import matrix, gradient, logdet
    >>> X = matrix("X", "n", "n")
    >>> f = compile_matrix(gradient(logdet(X), X))
    >>> f.args, f.shape
    ((X,), (n, n))
    >>> f([[2.0, 0.0], [0.0, 4.0]])
    array([[0.5 , 0.  ],
           [0.  , 0.25]])
    """

    if isinstance(expr, Derivation):
        args = list(args) if args is not None else list(matrix_arguments(expr))
        name = name or expr.op.replace("matrix_", "")
        expr = expr.result
    expr = as_expr(expr)
    if args is None:
        args = _default_args(expr)
        dims = {d for a in args if isinstance(a, sp.MatrixSymbol) for d in a.shape if d.is_Symbol}
        args = [a for a in args if a not in dims]
    args = list(args)
    name = name or "f"
    if not name.isidentifier():
        raise CompileError(f"function name {name!r} is not a Python identifier")
    framework = framework_of(backend)
    source = matrix_source(expr, args, name=name, framework=framework)
    if framework is None:
        func = _with_lazy_path(_exec(source, name),
                               lambda: _exec(matrix_source(expr, args, name=name, lazy=True), name))
    else:
        func = load(backend, source, name, jit=True)
    return _wrap(func, source, args, expr, name, backend)


def _exec(source, name):
    namespace = {"numpy": numpy, "scipy": scipy}
    exec(compile(source, f"<derive.codegen.matrix {name}>", "exec"), namespace)  # noqa: S102 -- our own generated code
    return namespace[name]


def _with_lazy_path(func, make_lazy):
    """``func``, except on a Dask collection (duck-typed: ``__dask_graph__``, no import of
    Dask): then the lazy variant ``make_lazy()`` builds on first use."""
    lazy = []

    @functools.wraps(func)
    def call(*arrays):
        for a in arrays:
            if hasattr(a, "__dask_graph__"):
                if not lazy:
                    lazy.append(make_lazy())
                return lazy[0](*arrays)
        return func(*arrays)
    return call


def _wrap(func, source, args, expr, name, backend="numpy"):

    if isinstance(expr, MatrixExpr):
        r, c = expr.shape
        shape = () if (r, c) == (1, 1) else (r,) if c == 1 else (r, c)
    else:
        shape = ()
    return Compiled(func=func, source=source, args=tuple(args), expr=expr, name=name,
                    shape=shape, backend=backend)
