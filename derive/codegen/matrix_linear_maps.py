"""Compile second-order matrix maps: ``V -> H[V]`` and, when asked, the full Hessian.

Three evaluations of a ``matrix_hvp`` derivation
(:func:`derive.matrix_calculus.second_order.hvp`):

* ``form="blas"``: ``H[V]`` compiled as any matrix expression by
  :func:`derive.codegen.matrix.compile_matrix` (BLAS products, solves, stable
  elementwise functions);
* ``form="einsum"``: each term of the einsum form
  (:func:`derive.matrix_calculus.vec_form.einsum_form`) contracted by
  ``numpy.einsum(..., optimize=True)``, which picks the contraction order by
  cost at the sizes it is called with;
* :func:`compile_hessian`: the full ``nm x nm`` Hessian (column-major ``vec``,
  ``vec(H[V]) = K vec(V)``), from the 4-index einsum form; only this one
  materializes anything of size ``(nm)^2``.

Examples
--------
>>> import numpy as np
>>> from derive.matrix_calculus import matrix, logdet
>>> from derive.matrix_calculus.second_order import hvp
>>> X = matrix("X", "n", "n")
>>> d = hvp(logdet(X), X)
>>> Hv = compile_hvp(d)
>>> Hv.args
(X, dX)
>>> x, v = np.array([[2.0, 1.0], [0.0, 1.0]]), np.array([[1.0, 0.0], [0.0, 0.0]])
>>> Hv(x, v) + 0.0      # -X^-T V^T X^-T
array([[-0.25,  0.  ],
       [ 0.25,  0.  ]])
>>> np.allclose(compile_hvp(d, form="einsum")(x, v), Hv(x, v))
True
>>> K = compile_hessian(d)(x)
>>> np.allclose(K @ v.reshape(-1, order="F"), Hv(x, v).reshape(-1, order="F"))
True
"""

from __future__ import annotations

import numpy
import scipy.special
import sympy as sp

from derive.codegen.compiled import Compiled
from derive.codegen.matrix import compile_matrix, matrix_arguments, matrix_source
from derive.derivation import Derivation
from derive.errors import CompileError
from derive.matrix_calculus.nodes import AsDiagonal, InverseTranspose
from derive.matrix_calculus.vec_form import (
    COLS_IDENTITY,
    ROWS_IDENTITY,
    einsum_form,
    hessian_einsum_form,
)

__all__ = ["compile_hvp", "compile_hessian", "prepare_hvp"]


def _hvp_args(d):
    if not isinstance(d, Derivation) or d.op != "matrix_hvp":
        raise CompileError("compile_hvp / compile_hessian take a matrix_hvp derivation "
                           "(derive.matrix_calculus.second_order.hvp)")
    X, V = d.wrt[0], d.options["direction"]
    rest = [a for a in matrix_arguments(d) if a not in (X, V)]
    return X, V, rest


def _shape2(name, e):
    """Code that makes the value of ``name`` (a result of a compiled operand) 2-D."""
    if not isinstance(e, sp.MatrixExpr):
        return name
    r, c = e.shape
    if (r, c) == (1, 1):
        return f"numpy.reshape({name}, (1, 1))"
    if c == 1:
        return f"numpy.reshape({name}, (-1, 1))"
    if r == 1:
        return f"numpy.reshape({name}, (1, -1))"
    return name

#: the einsum helper of the generated source: the contraction order is chosen by cost
#: once per spec and operand shapes, not at every call
_CONTRACT = '''_PATHS = {}


def _contract(spec, *operands):
    key = (spec,) + tuple(o.shape for o in operands)
    path = _PATHS.get(key)
    if path is None:
        path = _PATHS[key] = numpy.einsum_path(spec, *operands, optimize="greedy")[0]
    return numpy.einsum(spec, *operands, optimize=path)

'''


def _dims(X):
    """Code for the two dimensions of the argument ``X`` (a column vector may come 1-D)."""
    return f"numpy.size({X.name}), 1" if X.shape[1] == 1 else f"*numpy.shape({X.name})"


def _without_identities(spec, ops):
    """A full-Hessian einsum term with its identity factors turned into index renamings.

    ``I[p, q]`` contracted with the rest is the rest with ``q`` renamed ``p``.
    Returns ``(spec, ops, target, expand)``: ``target`` is None when the output
    letters stay distinct, else the ``"acdc->acd"`` spec of the diagonal view of the
    output the term is added into; ``expand`` (None if not needed) is the index that
    broadcasts the contraction over the view's letters no operand carries.

    Examples
    --------
    >>> _without_identities("ab,bc,bd,de,cf->acef", ("A", "c", "B", "I_rows", "I_cols"))
    ('ab,bc,bd->acd', ('A', 'c', 'B'), 'acdc->acd', None)
    >>> _without_identities("ab,bc,ce,df->adef", ("A", "B", "I_rows", "I_cols"))
    ('ab,bc->ac', ('A', 'B'), 'adcd->adc', ':, None, :')
    """
    inputs, output = spec.split("->")
    specs = inputs.split(",")
    keep_specs, keep_ops = list(specs), list(ops)
    k = 0
    while k < len(keep_ops):
        op, letters = keep_ops[k], keep_specs[k]
        if op in (ROWS_IDENTITY, COLS_IDENTITY) and letters[0] != letters[1]:
            p, q = letters
            del keep_ops[k], keep_specs[k]
            keep_specs = [t.replace(q, p) for t in keep_specs]
            output = output.replace(q, p)
        else:
            k += 1
    unique = "".join(dict.fromkeys(output))
    target = None if unique == output else f"{output}->{unique}"
    present = set("".join(keep_specs))
    reduced = "".join(ch for ch in unique if ch in present)
    expand = (None if reduced == unique
              else ", ".join(":" if ch in present else "None" for ch in unique))
    return f"{','.join(keep_specs)}->{reduced}", tuple(keep_ops), target, expand


def _source(terms, fn_args, V, name, variable, full, column=False, prepared=False,
            target_var=None):
    """Python source: one function per distinct operand, then the einsum sum.

    ``full``: the 4-index Hessian of ``target_var`` (default ``variable``) in the
    direction's ``variable``; each identity factor is an index renaming and the
    term is added into a diagonal view of the output (no identity is contracted).

    ``prepared``: the function takes everything but the direction, computes the
    operands once and returns ``apply(V)``, which only contracts.
    """
    outer_args = [a for a in fn_args if a != V]
    operands, defs = {}, []
    for coeff, _, ops in terms:
        for op in ops + (() if coeff.is_number else (coeff,)):
            if isinstance(op, str) or op == V or op in operands:
                continue
            k = len(operands) + 1
            operands[op] = f"_operand{k}"
            defs.append(matrix_source(op, outer_args, name=f"_operand{k}"))
    names = [a.name for a in (outer_args if prepared else fn_args)]
    body = [f"{a.name} = numpy.asarray({a.name})" for a in outer_args
            if isinstance(a, sp.MatrixSymbol)]
    plain = ", ".join(a.name for a in outer_args)
    for op, var in operands.items():
        body.append(f"{var}_ = " + _shape2(f"{var}({plain})", op))
    if full:
        vname = variable.name
        if variable.shape[1] == 1:
            body.append(f"_rows, _cols = numpy.size({vname}), 1")
        else:
            body.append(f"_rows, _cols = numpy.shape({vname})")
    inner = [f"{V.name} = numpy.asarray({V.name})"] if not full else []
    if not full and V.shape[1] == 1:
        inner.append(f"{V.name} = {V.name}.reshape(-1, 1)")
    pieces = []
    for coeff, spec, ops in terms:
        if coeff.is_number:
            c = "" if coeff == 1 else f"({sp.pycode(coeff, fully_qualified_modules=True)}) * "
        else:
            c = f"{operands[coeff]}_ * "
        if full:
            spec, ops, target, expand = _without_identities(spec, ops)
        args = []
        for op in ops:
            if op == ROWS_IDENTITY:
                args.append("_eye_rows")
            elif op == COLS_IDENTITY:
                args.append("_eye_cols")
            elif op == V:
                args.append(V.name)
            else:
                args.append(f"{operands[op]}_")
        value = f"_contract('{spec}', {', '.join(args)})" if ops else "1.0"
        if full and ops and expand:
            value = f"{value}[{expand}]"
        if full:
            view = "_out" if target is None else f"numpy.einsum('{target}', _out)"
            pieces.append(f"{view}[...] += {c}{value}")
        else:
            pieces.append(f"{c}{value}")
    if full:
        inner.append(f"_out = numpy.zeros(({_dims(variable if target_var is None else target_var)}"
                     f", _rows, _cols))")
        if any("_eye_" in piece for piece in pieces):   # an identity traced with itself
            inner.append("_eye_rows, _eye_cols = numpy.eye(_rows), numpy.eye(_cols)")
        inner += pieces
    else:
        inner.append("_out = " + (" + ".join(pieces) if pieces else "0.0"))
    if full:
        inner.append("_n, _m, _p, _q = _out.shape")
        inner.append("return _out.transpose(1, 0, 3, 2).reshape(_n * _m, _p * _q)")
    elif column:
        inner.append("return numpy.reshape(_out, -1)")
    else:
        inner.append("return _out")
    if prepared:
        body.append(f"def apply({V.name}):")
        body += [f"    {ln}" for ln in inner]
        body.append("return apply")
    else:
        body += inner
    text = "import numpy\nimport scipy.special\n\n" + _CONTRACT + "\n".join(
        d.split("import scipy.special\n\n", 1)[1] for d in defs)
    text += f"\ndef {name}({', '.join(names)}):\n" + "".join(f"    {ln}\n" for ln in body)
    return text


def _build(source, name, args, expr, shape):
    namespace = {"numpy": numpy, "scipy": scipy}
    exec(compile(source, f"<derive.codegen.matrix_linear_maps {name}>", "exec"), namespace)  # noqa: S102 -- generated from a SymPy tree, never from user text
    return Compiled(func=namespace[name], source=source, args=tuple(args), expr=expr, name=name,
                    shape=shape)


def compile_hvp(derivation, *, form="blas", name="hvp"):
    """NumPy code for ``(X, V, ...) -> H[V]`` of a ``matrix_hvp`` derivation.

    Parameters
    ----------
    derivation : Derivation
        From :func:`derive.matrix_calculus.second_order.hvp`.
    form : {"blas", "einsum"}
        BLAS products (a product of three or more plain factors, such as
        ``2 dU V^T V``, by ``numpy.linalg.multi_dot``, which orders it by cost at
        the shapes it is called with: ``dU (V^T V)`` when ``V`` is tall), or one
        ``numpy.einsum(optimize=True)`` per term (contraction order by cost).
    name : str
        The function's name in the source.

    Returns
    -------
    Compiled
        Arguments: the variable, the direction, then the other symbols by name.
    """
    X, V, rest = _hvp_args(derivation)
    args = [X, V] + rest
    if form == "blas":
        return _compile_with_chains(derivation.result, args, name)
    if form != "einsum":
        raise CompileError(f"form={form!r}: use 'blas' or 'einsum'")
    H = derivation.result
    terms = einsum_form(H, V)
    source = _source(terms, args, V, name, derivation.options["variable"], full=False,
                     column=H.shape[1] == 1)
    r, c = H.shape
    return _build(source, name, args, H, (r,) if c == 1 else (r, c))


#: factors a product keeps in its own order (solves, diagonal scalings, row/column sums)
_SPECIAL = (sp.Inverse, InverseTranspose, AsDiagonal, sp.OneMatrix, sp.Identity, sp.ZeroMatrix)


def _chains(H):
    """``H`` with each product of three or more plain factors replaced by a fresh symbol.

    Returns ``(H', {symbol: factors})``. Products with a solve, a diagonal or a
    ones matrix are left to :func:`~derive.codegen.matrix.compile_matrix`, which
    prints those factors specially.
    """
    chains = {}

    def walk(e):
        if not isinstance(e, sp.MatrixExpr) or e.is_symbol:
            return e
        if isinstance(e, sp.MatMul):
            c, mats = e.as_coeff_matrices()
            if len(mats) >= 3 and not any(isinstance(m, _SPECIAL) for m in mats):
                sym = sp.MatrixSymbol(f"_chain{len(chains) + 1}", *e.shape)
                chains[sym] = [walk(m) for m in mats]
                return sym if c == 1 else sp.MatMul(c, sym)
        return e.func(*[walk(a) for a in e.args])

    return walk(H), chains


def _compile_with_chains(H, args, name):
    """``compile_matrix(H)``, with the products :func:`_chains` finds multiplied by
    ``numpy.linalg.multi_dot`` (cheapest order at the call's shapes)."""
    H2, chains = _chains(H)
    if not chains:
        return compile_matrix(H, args, name=name)
    defs, lines, plain = [], [], ", ".join(a.name for a in args)
    for sym, factors in chains.items():
        operands = []
        for factor in factors:
            if factor in args or (isinstance(factor, sp.Transpose) and factor.arg in args):
                symbol = factor if factor in args else factor.arg
                text = _shape2(f"numpy.asarray({symbol.name})", symbol)
                operands.append(text if factor in args else f"{text}.T")
                continue
            k = len(defs) + 1
            defs.append(matrix_source(factor, args, name=f"_factor{k}"))
            operands.append(_shape2(f"_factor{k}({plain})", factor))
        lines.append(f"{sym.name} = numpy.linalg.multi_dot([{', '.join(operands)}])")
    defs.append(matrix_source(H2, list(args) + list(chains), name="_combine"))
    lines.append(f"return _combine({plain}, {', '.join(sym.name for sym in chains)})")
    text = "import numpy\nimport scipy.special\n\n" + "\n".join(
        d.split("import scipy.special\n\n", 1)[1] for d in defs)
    text += f"\ndef {name}({plain}):\n" + "".join(f"    {ln}\n" for ln in lines)
    r, c = H.shape
    return _build(text, name, args, H, () if (r, c) == (1, 1) else (r,) if c == 1 else (r, c))


def compile_hessian(derivation, *, name="hessian"):
    """NumPy code for the full Hessian ``K`` (``vec(H[V]) = K vec(V)``, column-major ``vec``).

    Materializes ``(nm) x (pq)`` numbers (``X`` is ``n x m``, the direction
    ``p x q``): ask for it only when that fits.

    Returns
    -------
    Compiled
        Arguments: the variable, then the other symbols by name (no direction).
    """
    X, V, rest = _hvp_args(derivation)
    args = [X] + [a for a in rest]
    variable = derivation.options["variable"]
    if variable not in args:
        args.insert(1, variable)
    terms = hessian_einsum_form(derivation.result, V)
    source = _source(terms, args, V, name, variable, full=True, target_var=X)
    n, m = X.shape
    p, q = V.shape
    return _build(source, name, args, derivation.result, (n * m, p * q))


def _precomputable(H, V):
    """``H`` with each maximal direction-free piece replaced by a fresh symbol.

    Returns ``(H', {symbol: piece})``; consecutive direction-free factors of a
    product (``Z^T Z``) and of a Hadamard product form one piece.
    """
    pieces = {}

    def name(e):
        for sym, piece in pieces.items():
            if piece == e:
                return sym
        sym = sp.MatrixSymbol(f"_P{len(pieces) + 1}", *e.shape)
        pieces[sym] = e
        return sym

    def walk(e):
        if not isinstance(e, sp.Basic) or not e.has(V):
            return name(e) if isinstance(e, sp.MatrixExpr) and not e.is_symbol else e
        if e == V:
            return e
        if isinstance(e, sp.MatMul):
            coeff, mats = e.as_coeff_matrices()
            out, run = [], []
            for f in mats:
                if f.has(V):
                    if run:
                        out.append(name(sp.MatMul(*run)) if len(run) > 1 else walk(run[0]))
                        run = []
                    out.append(walk(f))
                else:
                    run.append(f)
            if run:
                out.append(name(sp.MatMul(*run)) if len(run) > 1 else walk(run[0]))
            return sp.MatMul(walk(coeff), *out) if coeff != 1 else sp.MatMul(*out)
        if isinstance(e, sp.HadamardProduct):
            free = [f for f in e.args if not f.has(V)]
            rest = [walk(f) for f in e.args if f.has(V)]
            if len(free) > 1:
                free = [name(sp.HadamardProduct(*free))]
            else:
                free = [walk(f) for f in free]
            return sp.HadamardProduct(*free, *rest)
        return e.func(*[walk(a) for a in e.args])

    return walk(H), pieces


def prepare_hvp(derivation, *, name="hvp_at"):
    """NumPy code for ``(X, ...) -> apply``, where ``apply(V) = H[V]`` at that ``X``.

    Everything that does not depend on the direction (inverses, elementwise
    factors, products such as ``Z^T Z``) is computed once; each ``apply(V)`` runs
    only the BLAS products that involve ``V``. This is what Newton-CG or
    Lanczos needs: many Hessian-vector products at one point.

    Examples
    --------
    >>> import numpy as np
    >>> from derive.matrix_calculus import matrix, trace
    >>> from derive.matrix_calculus.second_order import hvp
    >>> W, Z, Y = matrix("W", "d", "k"), matrix("Z", "n", "d"), matrix("Y", "n", "k")
    >>> d = hvp(trace((Z * W - Y).T * (Z * W - Y)), W)
    >>> at = prepare_hvp(d)
    >>> at.args
    (W, Y, Z)
    >>> rng = np.random.default_rng(0)
    >>> z, w, y = rng.standard_normal((5, 3)), rng.standard_normal((3, 2)), rng.standard_normal((5, 2))
    >>> apply = at(w, y, z)
    >>> v = rng.standard_normal((3, 2))
    >>> np.allclose(apply(v), 2 * z.T @ z @ v)
    True
    """
    X, V, rest = _hvp_args(derivation)
    outer = [X] + rest
    H, pieces = _precomputable(derivation.result, V)
    defs = [matrix_source(piece, outer, name=f"_piece{k + 1}")
            for k, piece in enumerate(pieces.values())]
    # apply(V) converts and validates only what it uses: V, the pieces, the symbols left in H'
    used = [a for a in outer if a in H.free_symbols]
    inner = matrix_source(H, [V] + list(pieces) + used, name="_apply")
    plain = ", ".join(a.name for a in outer)
    body = [f"{a.name} = numpy.asarray({a.name})" for a in used]
    for k, (sym, piece) in enumerate(pieces.items()):
        body.append(f"{sym.name} = " + _shape2(f"_piece{k + 1}({plain})", piece))
    args = ", ".join([sym.name for sym in pieces] + [a.name for a in used])
    body.append(f"def apply({V.name}):")
    body.append(f"    return _apply({V.name}, {args})")
    body.append("return apply")
    text = "import numpy\nimport scipy.special\n\n" + "\n".join(
        d.split("import scipy.special\n\n", 1)[1] for d in defs + [inner])
    text += f"\ndef {name}({plain}):\n" + "".join(f"    {ln}\n" for ln in body)
    return _build(text, name, outer, derivation.result, ())
