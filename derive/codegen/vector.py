"""One point, SciPy's way: ``f(x)`` with ``x`` a 1-D array, index patterns as slices.

Optimizers call a gradient at one point at a time, with the point as one vector.
:func:`vector_source` writes that function for an expression in scalar
arguments ``x_0 ... x_{n-1}``: the vector is read once (no per-argument
conversion, no broadcasting machinery), and entries that follow one index
pattern are computed together as array slices, the way ``scipy.optimize.rosen_der``
is written by hand.

The pattern: entry ``i`` of a gradient (or ``(i, i + d)`` of a Hessian, or
the ``i``-th term of a sum) is read with each argument ``x_j`` seen as its
offset ``j - i`` (:func:`_shape_key`, a walk that builds no SymPy expression);
consecutive entries whose forms are equal are one slice statement, ``out[a:b] = E(x[a-1:b-1], x[a:b], x[a+1:b+1])``
(Hessian diagonals through the flat view with stride ``n + 1``; sums through
``numpy.sum``). What follows no pattern stays one scalar statement per entry.
The work is linear in the number of non-zero entries: no common-subexpression
pass over a large matrix whose entries share nothing.

Examples
--------
>>> import numpy as np, sympy as sp
>>> from scipy.optimize import rosen_der
>>> x = sp.symbols("x0:6", real=True)
>>> f = sum(100 * (x[i + 1] - x[i]**2)**2 + (1 - x[i])**2 for i in range(5))
>>> grad = sp.Matrix([f.diff(v) for v in x])
>>> src = vector_source(grad, x, name="g")
>>> "x[1:5]" in src                 # the 4 middle entries in one statement
True
>>> ns = {"numpy": np}; exec(src, ns)
>>> p = np.linspace(-1, 2, 6)
>>> bool(np.allclose(ns["g"](p), rosen_der(p), rtol=1e-14))
True
"""

from __future__ import annotations

import sympy as sp
from sympy.printing.numpy import SciPyPrinter

from derive.codegen.framework import numbers_as_floats

#: a run of at least this many equal entries becomes one slice statement
MIN_RUN = 3


def _printer(framework):
    if framework is not None:
        return framework.printer(framework)
    return SciPyPrinter({"fully_qualified_modules": True, "allow_unknown_functions": False,
                         "order": "none", "strict": True})


class _Writer:
    """Collects statements; names slices ``x[a:b]`` once each."""

    def __init__(self, pos, framework):
        self.pos = pos                       # argument symbol -> index in x
        self.lines = []
        self.views = {}
        self.fw = framework
        self.printer = _printer(framework)

    def call(self, fqn):
        return fqn if self.fw is None else self.fw.calls[fqn]

    def assign(self, target, index, code):
        """``target[index] = code``; JAX arrays are immutable: ``target.at[index].set``."""
        if self.fw is not None and self.fw.name == "jax":
            return f"{target} = {target}.at[{index}].set({code})"
        return f"{target}[{index}] = {code}"

    def view(self, a, b):
        key = (a, b)
        if key not in self.views:
            name = f"_v{len(self.views)}"
            self.views[key] = sp.Symbol(name)
            self.lines.append(f"{name} = x[{a}:{b}]")
        return self.views[key]

    def sliced(self, e, length):
        """Code of entry ``e`` over a run of ``length`` entries: each argument ``x_j``
        of ``e`` (the run's first entry) becomes the view ``x[j:j + length]``."""
        subs = {s: self.view(self.pos[s], self.pos[s] + length)
                for s in e.free_symbols if s in self.pos}
        return self.printer.doprint(e.xreplace(subs))

    def shared(self, exprs):
        """``exprs`` with their common subexpressions computed once (``_c<k> = ...`` lines).

        Only the entries that follow no index pattern get here, so the pass is over
        what a slice could not cover."""
        if not exprs:
            return exprs
        names = (sp.Symbol(f"_c{k}") for k in range(10**9))
        subexprs, reduced = sp.cse(exprs, symbols=names, order="none")
        for sym, sub in subexprs:
            self.lines.append(f"{sym} = {self.scalar(sub)}")
        return reduced

    def scalar(self, e):
        subs = {s: sp.Symbol(f"x[{self.pos[s]}]") for s in e.free_symbols if s in self.pos}
        return self.printer.doprint(e.xreplace(subs))


def _shape_key(e, pos, base, ids):
    """A picture of ``e`` with each argument ``x_j`` seen as its offset ``j - base``, as
    a number: ``ids`` (shared by every entry compared) numbers the distinct pictures.

    Equal keys mean the same formula of shifted arguments. Sums and products
    compare their terms as multisets: SymPy orders them by name, and ``x10``
    sorts before ``x9``. No SymPy expression is built (rebuilding one per entry,
    as ``xreplace`` does, costs more than everything else here), and a picture is
    hashed once, over the numbers of its parts (nested tuples would be hashed
    again at every level above them).

    Examples
    --------
    >>> x = sp.symbols("x0:4")
    >>> pos, ids = {s: j for j, s in enumerate(x)}, {}
    >>> len({_shape_key(x[i]**2 - 3*x[i + 1], pos, i, ids) for i in range(3)})   # one form
    1
    >>> _shape_key(x[1] + x[0]**2, pos, 0, ids) == _shape_key(x[2] + x[1]**2, pos, 1, ids)
    True
    >>> _shape_key(x[1] + x[0]**2, pos, 0, ids) == _shape_key(x[0] + x[1]**2, pos, 0, ids)
    False
    """
    args = e.args
    if not args:
        offset = pos.get(e)
        # tagged: the number 2 is no offset 2
        key = ("atom", e) if offset is None else ("x", offset - base)
    else:
        parts = [_shape_key(a, pos, base, ids) for a in args]
        if (e.is_Add or e.is_Mul) and e.is_commutative:
            parts.sort()                    # equal multisets sort alike
        key = (e.func, tuple(parts))
    return ids.setdefault(key, len(ids))


def _lowest(e, pos):
    """The lowest index ``j`` of an argument ``x_j`` in ``e`` (None if there is none)."""
    stack, low = [e], None
    while stack:
        e = stack.pop()
        j = pos.get(e)
        if j is not None:
            low = j if low is None else min(low, j)
        else:
            stack.extend(e.args)
    return low


def _runs(forms, rows):
    """Maximal runs ``(start, stop)`` of equal forms on consecutive ``rows``."""
    out, start = [], 0
    for k in range(1, len(forms) + 1):
        if k == len(forms) or forms[k] != forms[start] or rows[k] != rows[k - 1] + 1:
            out.append((start, k))
            start = k
    return out


def vector_source(expr, args, *, name="f", framework=None):
    """Source of ``name(x)`` computing ``expr`` at the 1-D point ``x`` (one entry per arg).

    ``expr`` is a scalar (returns a float), a column (returns shape ``(n,)``) or a
    matrix (returns shape ``(r, c)``) in the scalar symbols ``args``. ``framework``
    (:class:`derive.codegen.framework.Framework`) writes JAX or PyTorch code.
    """
    pos = {a: i for i, a in enumerate(args)}
    shapes = {}                           # picture -> its number (see _shape_key)
    w = _Writer(pos, framework)
    if framework is not None:
        expr = expr.applyfunc(numbers_as_floats) if isinstance(expr, sp.MatrixBase) \
            else numbers_as_floats(expr)
    body = []
    if isinstance(expr, sp.MatrixBase):
        rows, cols = expr.shape
        vector = cols == 1
        # JAX vectors: pieces joined by one concatenate (XLA fuses it; scatters it does not)
        pieces = {} if vector and framework is not None and framework.name == "jax" else None
        if pieces is None:
            body.append(f"_out = {w.call('numpy.zeros')}({rows if vector else (rows, cols)}, "
                        "dtype=_dtype)")
        if not vector:
            body.append("_flat = _out.reshape(-1)")
        left = []                         # entries in no run: one statement each, CSE shared
        by_diagonal = {}                  # d -> [(i, j, entry)] of the non-zero entries, i rising
        for (i, j), e in sorted(expr.todok().items()):   # the non-zero entries only
            by_diagonal.setdefault(0 if vector else j - i, []).append((i, j, e))
        for cells in by_diagonal.values():
            forms = [_shape_key(e, pos, i, shapes) for i, _, e in cells]
            done = set()
            for a, b in _runs(forms, [i for i, _, _ in cells]):
                if b - a < MIN_RUN:
                    continue
                i0, j0, first = cells[a]
                code = w.sliced(first, b - a)
                if pieces is not None:
                    pieces[i0] = (b - a, code)
                elif vector:
                    body.append(w.assign("_out", f"{i0}:{i0 + b - a}", code))
                else:
                    start, step = i0 * cols + j0, cols + 1
                    body.append(w.assign("_flat", f"{start}:{start + step * (b - a - 1) + 1}:{step}",
                                         code))
                done.update(range(a, b))
            left.extend(cell for k, cell in enumerate(cells) if k not in done)
        for (i, j, _), e in zip(left, w.shared([e for _, _, e in left])):
            if pieces is not None:
                pieces[i] = (1, f"jax.numpy.full((1,), {w.scalar(e)}, dtype=_dtype)")
            else:
                body.append(w.assign("_out", f"{i}", w.scalar(e)) if vector
                            else w.assign("_flat", f"{i * cols + j}", w.scalar(e)))
        jax_matrix = not vector and framework is not None and framework.name == "jax"
        if pieces is not None:
            parts, i = [], 0
            while i < rows:
                if i in pieces:
                    length, code = pieces[i]
                    parts.append(code)
                    i += length
                else:
                    stop = min([k for k in pieces if k > i] + [rows])
                    parts.append(f"jax.numpy.zeros({stop - i}, dtype=_dtype)")
                    i = stop
            body.append(f"return jax.numpy.concatenate([{', '.join(parts)}])")
        else:
            body.append(f"return _flat.reshape({rows}, {cols})" if jax_matrix else "return _out")
    else:
        terms = sp.Add.make_args(sp.sympify(expr))
        groups = {}
        rest = []
        for t in terms:
            base = _lowest(t, pos)
            if base is None:
                rest.append(t)
                continue
            groups.setdefault(_shape_key(t, pos, base, shapes), []).append((base, t))
        parts = []
        for cells in groups.values():
            cells.sort(key=lambda cell: cell[0])
            bases = [base for base, _ in cells]
            if len(bases) >= MIN_RUN and bases == list(range(bases[0], bases[0] + len(bases))):
                parts.append(f"{w.call('numpy.sum')}({w.sliced(cells[0][1], len(bases))})")
            else:
                rest.extend(t for _, t in cells)
        if rest:
            parts.append(w.scalar(w.shared([sp.Add(*rest)])[0]))
        body.append(f"return {' + '.join(parts) or '0.0'}")
    n = len(args)
    if framework is None:
        check = ["x = numpy.asarray(x)", "_dtype = numpy.result_type(x, 1.0)"]
    else:
        check = [f"x = {framework.convert.format(p='x')}", "_dtype = x.dtype"]
    check += [f"if x.shape != ({n},):",
              f"    raise ValueError(f\"{name}(x) takes a 1-D point of {n} values, got shape "
              f"{{x.shape}}\")"]
    lines = check + w.lines + body
    if framework is None:
        modules = ["numpy"] + (["scipy.special"] if "scipy." in "".join(lines) else [])
    else:
        modules = sorted(set(w.printer.module_imports) | {framework.calls["module"]})
    return ("".join(f"import {m}\n" for m in modules) + f"\ndef {name}(x):\n"
            + "".join(f"    {ln}\n" for ln in lines))
