"""Check a matrix derivation against finite differences at concrete sizes.

:func:`check_matrix` gives every shape symbol a concrete size (two
different assignments, such as ``m=3, n=4`` and ``m=5, n=2``), draws random
arrays suited to where each symbol appears (near the identity under an
inverse or determinant, so they are well conditioned with positive
determinant; positive entries under an elementwise log, square root or
negative power; symmetric for symbols declared symmetric), compiles both
the source and the result with :mod:`derive.codegen.matrix`, and hands them
to the generic numeric cores :func:`derive.checking.check_gradient` /
:func:`~derive.checking.check_jacobian` (complex step, Richardson-extrapolated
central differences, Taylor test).  A Hessian is checked against the
differences of the gradient it came from, and that gradient against the
differences of the function.

Examples
--------
>>> from derive.matrix_calculus import matrix, vector, gradient
>>> X, a, b = matrix("X", "n", "m"), vector("a", "n"), vector("b", "m")
>>> report = check_matrix(gradient(a.T * X * b, X))
>>> report.status
'verified'
>>> report.details["sizes"]
[{'m': 3, 'n': 4}, {'m': 5, 'n': 2}]
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import sympy as sp
from sympy import MatrixExpr

from derive.checking.numeric import check_gradient, check_jacobian
from derive.codegen.matrix import compile_matrix, matrix_arguments
from derive.errors import ShapeError
from derive.matrix_calculus.elementwise import Elementwise
from derive.matrix_calculus.symbols import as_expr, is_symmetric

#: The size assignments tried, in order; shape symbols take these values by name order.
SIZE_PLANS = ((3, 4, 2, 5, 3), (5, 2, 4, 3, 2))

_RANK = {"normal": 0, "positive": 1, "near_identity": 2}


def _mark(kinds, expr, kind):
    for s in expr.free_symbols:
        if _RANK[kind] > _RANK[kinds.get(s, "normal")]:
            kinds[s] = kind


def _domains(expr):
    """symbol -> 'normal' | 'positive' | 'near_identity', from where it appears."""
    kinds = {}
    for node in sp.preorder_traversal(expr):
        if isinstance(node, (sp.Inverse, sp.Determinant)):
            _mark(kinds, node.args[0], "near_identity")
        elif isinstance(node, sp.MatPow) and node.args[1].is_negative:
            _mark(kinds, node.args[0], "near_identity")
        elif isinstance(node, sp.HadamardPower) and not (node.args[1].is_Integer and node.args[1] > 0):
            _mark(kinds, node.args[0], "positive")
        elif isinstance(node, Elementwise):
            body = node.function.expr
            if body.has(sp.log) or any(isinstance(p, sp.Pow) and not (p.exp.is_Integer and p.exp > 0)
                                       for p in sp.preorder_traversal(body)):
                _mark(kinds, node.arg, "positive")
        elif isinstance(node, sp.log) and not isinstance(node.args[0], sp.Determinant):
            _mark(kinds, node.args[0], "positive")
        elif isinstance(node, sp.Pow) and not isinstance(node, MatrixExpr) \
                and not (node.exp.is_Integer and node.exp > 0):
            _mark(kinds, node.base, "positive")
    return kinds


def _shape_symbols(args):
    dims = set()
    for a in args:
        if isinstance(a, sp.MatrixSymbol):
            dims |= {d for d in a.shape if d.is_Symbol}
    return sorted(dims, key=lambda d: d.name)


def _draw(sym, shape, kind, rng):
    if not isinstance(sym, sp.MatrixSymbol):
        return float(rng.uniform(0.5, 1.5) if kind == "positive" else rng.uniform(-1, 1))
    r, c = shape
    if kind == "near_identity" and r == c:
        A = np.eye(r) + 0.1 * rng.standard_normal((r, c))
        return (A + A.T) / 2 if is_symmetric(sym) else A
    if kind == "positive":
        A = rng.uniform(0.5, 2.0, size=(r, c))
    else:
        A = rng.standard_normal((r, c))
    return (A + A.T) / 2 if is_symmetric(sym) and r == c else A


def _concrete(expr_shape, sizes):
    return tuple(int(as_expr(d).subs(sizes)) for d in expr_shape)


def _values(args, kinds, sizes, rng, at):
    vals = []
    for a in args:
        if a.name in at:
            vals.append(np.asarray(at[a.name], dtype=float))
            continue
        shape = _concrete(a.shape, sizes) if isinstance(a, sp.MatrixSymbol) else ()
        vals.append(_draw(a, shape, kinds.get(a, "normal"), rng))
    return vals


def _as_input(sym, value):
    """Column vectors travel as 1-D arrays (the compiled code accepts either)."""
    if isinstance(sym, sp.MatrixSymbol) and sym.shape[1] == 1:
        return np.asarray(value).reshape(-1)
    return value


def _sizes_from_at(args, at):
    sizes = {}
    for a in args:
        if isinstance(a, sp.MatrixSymbol) and a.name in at:
            arr = np.asarray(at[a.name])
            shape = arr.shape if arr.ndim == 2 else (arr.shape[0], 1)
            for d, k in zip(a.shape, shape):
                if d.is_Symbol:
                    sizes[d] = k
    return sizes


def check_matrix(derivation, at=None, *, seed=0):
    """Check a ``matrix_gradient`` / ``matrix_hessian`` / ``matrix_jacobian`` derivation.

    Parameters
    ----------
    derivation : Derivation
        From :func:`derive.matrix_calculus.gradient`, :func:`~derive.matrix_calculus.hessian`
        or :func:`~derive.matrix_calculus.jacobian`.
    at : mapping, optional
        Name -> array (or scalar) for some arguments; the sizes follow from
        their shapes and only that one assignment is checked.
    seed : int
        Seeds the random arrays.

    Returns
    -------
    CheckReport
        The worst outcome over the size assignments; ``details["sizes"]``
        lists the sizes tried and ``evidence`` what was measured at each.

    Examples
    --------
    >>> import numpy as np
    >>> from derive.matrix_calculus import matrix, gradient, logdet
    >>> X = matrix("X", "n", "n")
    >>> d = gradient(logdet(X), X)
    >>> check_matrix(d, at={"X": np.array([[2.0, 1.0], [1.0, 3.0]])}).status
    'verified'
    """

    if not derivation.op.startswith("matrix_"):
        raise ShapeError(f"check_matrix checks matrix derivations; got op {derivation.op!r}")
    at = {str(k): v for k, v in (at or {}).items()}
    args = list(matrix_arguments(derivation))
    names = [a.name for a in args]
    unknown = set(at) - set(names)
    if unknown:
        raise ShapeError(f"check_matrix: {sorted(unknown)} are not arguments of the derivation "
                         f"(its arguments are {names})")
    X = derivation.wrt[0]
    kinds = _domains(derivation.source)
    for s, k in _domains(derivation.result).items():
        if _RANK[k] > _RANK[kinds.get(s, "normal")]:
            kinds[s] = k
    dims = _shape_symbols(args)

    source_fn = None
    if derivation.op == "matrix_hessian":
        grad_expr = derivation.options["gradient"]
        F = compile_matrix(grad_expr, args, name="gradient")
        source_fn = compile_matrix(derivation.source, args, name="source")
        scalar_F = False
    else:
        F = compile_matrix(derivation.source, args, name="source")
        scalar_F = derivation.op == "matrix_gradient"
    D = compile_matrix(derivation.result, args, name="derivative")

    plans = [None] if at else SIZE_PLANS
    rng = np.random.default_rng(seed)
    reports, tried = [], []
    for plan in plans:
        sizes = _sizes_from_at(args, at) if plan is None else {d: plan[i % len(plan)]
                                                                for i, d in enumerate(dims)}
        missing = [d for d in dims if d not in sizes]
        if missing:
            raise ShapeError(f"check_matrix: sizes of {missing} are not determined by `at`; "
                             "give arrays for the arguments that carry them")
        vals = _values(args, kinds, sizes, rng, at)
        k = args.index(X)
        inputs = [_as_input(a, v) for a, v in zip(args, vals)]

        def fixed(fun, inputs=inputs, k=k):
            def g(x):
                full = list(inputs)
                full[k] = x
                return fun(*full)
            return g

        point = np.asarray(inputs[k], dtype=float)
        if scalar_F:
            rep = check_gradient(fixed(F), fixed(D), point, names=[X.name], seed=seed)
        else:
            def Dk(x, D=D):
                J = np.asarray(fixed(D)(x))
                out = np.asarray(fixed(F)(x))
                return J.reshape(out.shape + point.shape)
            rep = check_jacobian(fixed(F), Dk, point, names=[X.name], seed=seed)
        label = ", ".join(f"{d}={sizes[d]}" for d in dims) or "fixed sizes"
        if source_fn is not None:       # the gradient the Hessian differentiates, checked too
            grep = check_gradient(fixed(source_fn), fixed(F), point, names=[X.name], seed=seed)
            reports.append(grep.with_evidence(f"sizes {label}: the gradient {grad_expr} is "
                                              f"{grep.status} by {grep.method}"))
        reports.append(rep.with_evidence(f"sizes {label}: {rep.status} by {rep.method}"))
        tried.append({str(d): int(sizes[d]) for d in dims})
    order = {"refuted": 0, "inconclusive": 1, "verified": 2}
    worst = min(reports, key=lambda r: (order[r.status], -np.nan_to_num(r.max_rel_error)))
    evidence = tuple(line for r in reports for line in r.evidence)
    return replace(worst, points=sum(r.points for r in reports), evidence=evidence,
                   subject=f"{derivation.op.replace('matrix_', '')} of {derivation.source} "
                           f"with respect to {X.name}",
                   max_abs_error=max(r.max_abs_error for r in reports),
                   max_rel_error=max(r.max_rel_error for r in reports),
                   details={**dict(worst.details), "sizes": tried})
