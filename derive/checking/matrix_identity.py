"""Verify an identity between matrix expressions at random concrete sizes.

SymPy cannot decide most identities of ``MatrixSymbol`` expressions (the
Woodbury identity, the push-through identity), and derive's scalar sampling
does not apply to them. Here every symbolic size (``n``, ``k``) gets a random
concrete value, every matrix symbol a random matrix *with its stated
structure* (``general``, ``symmetric``, ``spd`` for symmetric positive
definite, ``invertible``), every scalar symbol a random value inside its
assumptions, and both sides are evaluated **exactly** in rational arithmetic
(the random entries are small rationals). Sides with functions that leave the
rationals (``log(det(X))``, a Gaussian density's ``exp`` of a quadratic form)
are compared at 50 digits instead; positive scalar sides by their ratio. A 1x1
matrix inside a scalar function (``exp(-(x-a).T*A.I*(x-a)/2)``) is read as its
entry. A wrong identity comes back refuted with the smallest counterexample tried.

Examples
--------
>>> import sympy as sp
>>> from derive.checking.matrix_identity import verify_matrix_identity
>>> n, k = sp.symbols("n k", integer=True, positive=True)
>>> A, C = sp.MatrixSymbol("A", n, n), sp.MatrixSymbol("C", k, k)
>>> U, V = sp.MatrixSymbol("U", n, k), sp.MatrixSymbol("V", k, n)
>>> woodbury = A.I - A.I * U * (C.I + V * A.I * U).I * V * A.I
>>> verify_matrix_identity((A + U * C * V).I, woodbury).status
'verified'
>>> B = sp.MatrixSymbol("B", n, n)
>>> r = verify_matrix_identity(B * A, A * B)
>>> r.status, r.diagnosis
('refuted', 'wrong order of a matrix product: claimed B*A, the truth A*B')
>>> X = sp.MatrixSymbol("X", n, n)
>>> verify_matrix_identity(sp.Derivative(sp.log(sp.det(X)), X), X.I.T).status
'verified'

The Gaussian product (Matrix Cookbook eq. 371), with positive definite covariances:

>>> x, a, b = (sp.MatrixSymbol(s, n, 1) for s in "xab")
>>> def normal(v, mean, S):
...     return sp.exp(-(v - mean).T * S.I * (v - mean) / 2) / sp.sqrt(sp.det(2 * sp.pi * S))
>>> C = (A.I + B.I).I
>>> product = normal(a, b, A + B) * normal(x, C * (A.I * a + B.I * b), C)
>>> spd = {"A": "spd", "B": "spd"}
>>> verify_matrix_identity(normal(x, a, A) * normal(x, b, B), product, structure=spd).status
'verified'
"""

from __future__ import annotations

import numpy as np
import sympy as sp
from sympy.matrices.expressions.matexpr import MatrixElement

from derive.checking.diagnosis import product_order
from derive.checking.report import CheckReport, Counterexample
from derive.checking.sampling import draw
from derive.errors import ParseError
from derive.matrix_calculus.nodes import AxisSoftmax, LogSumExp, Norm

STRUCTURES = ("general", "symmetric", "spd", "invertible")
SIZES = (1, 2, 3, 4)         # concrete sizes drawn for each symbolic dimension
DIGITS = 50                  # precision of the comparison when exact arithmetic does not close
#: modules of the scalar operations whose 1x1 matrix arguments are read as scalars
_SCALAR_OPS = ("sympy.core.", "sympy.functions.")


def is_matrix_expression(expr):
    """True for a SymPy matrix expression built from ``MatrixSymbol`` objects.

    Examples
    --------
    >>> import sympy as sp
    >>> is_matrix_expression(sp.MatrixSymbol("A", 2, 2).T), is_matrix_expression(sp.Symbol("x"))
    (True, False)
    """
    return isinstance(expr, sp.Basic) and bool(expr.atoms(sp.MatrixSymbol))


def verify_matrix_identity(claimed, truth, *, structure=None, seed=0, points=4):
    """Check ``claimed == truth`` for matrix expressions at random sizes and matrices.

    Parameters
    ----------
    claimed, truth : sympy matrix expressions (or scalar expressions of matrices)
    structure : mapping name -> {"general", "symmetric", "spd", "invertible"}, optional
        What each matrix symbol is; the default is ``general`` (random entries,
        invertible with probability one when square).
    seed : int
    points : int
        How many random draws of sizes and matrices.

    Returns
    -------
    CheckReport
        ``verified`` by exact rational arithmetic (or 50-digit evaluation) at
        every draw, or ``refuted`` with the smallest counterexample.
    """
    structure = dict(structure or {})
    for name, kind in structure.items():
        if kind not in STRUCTURES:
            raise ParseError(f"verify: structure of {name!r} is {kind!r}; choose one of "
                             f"{', '.join(STRUCTURES)}")
    c_shape, t_shape = _shape(claimed), _shape(truth)
    subject = f"{_short(claimed)} == {_short(truth)}"
    if c_shape != t_shape:
        return CheckReport("refuted", "shape", subject=subject,
                           diagnosis=f"shapes differ: claimed {c_shape}, truth {t_shape}")
    rng = np.random.default_rng(seed)
    dims = sorted({d for e in (claimed, truth) for s in e.atoms(sp.MatrixSymbol)
                   for d in s.shape if isinstance(d, sp.Symbol)}, key=str)
    scalars = sorted((claimed.free_symbols | truth.free_symbols) - set(dims)
                     - set(claimed.atoms(sp.MatrixSymbol)) - set(truth.atoms(sp.MatrixSymbol)),
                     key=str)
    scalars = [s for s in scalars if not isinstance(s, sp.MatrixSymbol)]
    tried, exact, evidence, failures = 0, 0, [], []
    for trial in range(points * 4):
        if tried >= points:
            break
        sizes = {d: int(rng.choice(SIZES if trial else SIZES[1:])) for d in dims}
        c_conc, t_conc = claimed.xreplace(sizes), truth.xreplace(sizes)
        values = _values(c_conc, t_conc, structure, rng)
        for s in scalars:
            values[s] = sp.Rational(draw(s, rng)).limit_denominator(8) or sp.Integer(1)
        try:
            c_val = exact_value(c_conc, values)
            t_val = exact_value(t_conc, values)
        except (ZeroDivisionError, ValueError, TypeError, ArithmeticError):
            evidence.append(f"draw {trial}: a side is undefined there (singular matrix?); "
                            "skipped")
            continue
        if c_val is None or t_val is None:
            continue
        tried += 1
        same, was_exact = _equal(c_val, t_val)
        exact += was_exact
        if not same:
            failures.append((sum(sizes.values()), sizes, values, c_val, t_val))
    if not tried:
        return CheckReport("inconclusive", "random matrices", subject=subject, evidence=tuple(
            evidence) + ("no draw where both sides are defined",))
    size_text = ", ".join(str(d) for d in dims) or "fixed sizes"
    method = ("exact rational arithmetic" if exact == tried else
              f"exact rational arithmetic / mpmath ({DIGITS} digits)")
    if failures:
        _, sizes, values, c_val, t_val = min(failures, key=lambda f: f[0])
        point = {str(k): v for k, v in sizes.items()}
        point.update({str(k): (v.tolist() if isinstance(v, sp.MatrixBase) else v)
                      for k, v in values.items()})
        diagnosis = product_order(claimed, truth) or _transposed(c_val, t_val)
        return CheckReport(
            "refuted", method, points=tried, subject=subject, worst_point=point,
            counterexample=Counterexample(point, _plain(c_val), _plain(t_val)),
            diagnosis=diagnosis, evidence=(*evidence, (
                f"the sides differ at {len(failures)} of {tried} random draws of the sizes "
                f"({size_text}) and matrices; smallest counterexample shown")))
    structures = ", ".join(f"{k} {v}" for k, v in sorted(structure.items())) or "general"
    return CheckReport("verified", method, points=tried, subject=subject,
                       max_abs_error=0.0 if exact == tried else float("nan"),
                       max_rel_error=0.0 if exact == tried else float("nan"),
                       evidence=(*evidence, (
                           f"both sides equal at {tried} random draws of the sizes ({size_text}) "
                           f"and of the matrices ({structures}); {exact} of them exactly")))


def _shape(expr):
    if isinstance(expr, sp.Derivative) and len(expr.variables) == 1 and \
            isinstance(expr.variables[0], sp.MatrixSymbol) and _shape(expr.expr) == ():
        return tuple(expr.variables[0].shape)     # d f / d X has the shape of X
    if isinstance(expr, (sp.MatrixExpr, sp.MatrixBase)):
        return tuple(expr.shape)
    return ()


def _short(expr, limit=60):
    text = str(expr)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _random_matrix(rows, cols, kind, rng):
    def entries(r, c):
        return sp.Matrix(r, c, lambda i, j: sp.Rational(int(rng.integers(-6, 7)),
                                                        int(rng.integers(1, 4))))
    if kind in ("symmetric", "spd") and rows != cols:
        raise ParseError(f"verify: a {kind} matrix must be square, got {rows}x{cols}")
    if kind == "symmetric":
        M = entries(rows, cols)
        return sp.ImmutableMatrix((M + M.T) / 2)
    if kind == "spd":
        M = entries(rows, cols)
        return sp.ImmutableMatrix(M * M.T + sp.eye(rows))
    if kind == "invertible":
        while True:
            M = entries(rows, cols)
            if rows != cols or M.det() != 0:
                return sp.ImmutableMatrix(M)
    return sp.ImmutableMatrix(entries(rows, cols))


def _values(c_conc, t_conc, structure, rng):
    values = {}
    symbols = sorted(c_conc.atoms(sp.MatrixSymbol) | t_conc.atoms(sp.MatrixSymbol),
                     key=lambda s: s.name)
    for s in symbols:
        rows, cols = (int(d) for d in s.shape)
        values[s] = _random_matrix(rows, cols, structure.get(s.name, "general"), rng)
    return values


def exact_value(expr, values):
    """``expr`` at concrete matrices, in exact arithmetic: the oracle of matrix formulas.

    Parameters
    ----------
    expr : sympy matrix expression (or scalar expression of matrices)
        With concrete sizes (``MatrixSymbol("X", 3, 3)``, not ``n x n``).
    values : mapping
        Each matrix symbol to an explicit SymPy matrix (rational entries keep the
        arithmetic exact), each scalar symbol to a number.

    Returns
    -------
    sympy.ImmutableMatrix or sympy.Expr
        Exact where the entries are rational; functions that leave the rationals
        (``log(det(X))``, ``exp``) stay symbolic, to be evaluated at any number of
        digits. A derivative ``Derivative(f, X)`` is evaluated entry by entry by
        scalar differentiation of the explicit function (an independent truth);
        softmax, logsumexp and the norm are written out from their definitions.

    Examples
    --------
    >>> import sympy as sp
    >>> X = sp.MatrixSymbol("X", 2, 2)
    >>> exact_value(sp.Derivative(sp.log(sp.det(X)), X), {X: sp.ImmutableMatrix([[2, 1], [1, 3]])})
    Matrix([
    [ 3/5, -1/5],
    [-1/5,  2/5]])
    """
    derivatives = [d for d in expr.atoms(sp.Derivative)
                   if any(isinstance(v, sp.MatrixSymbol) for v in d.variables)]
    if derivatives:
        expr = expr.xreplace({d: _derivative_value(d, values) for d in derivatives})
    value = _one_by_one_as_scalars(expr).xreplace(values)
    if value.has(*_DEFINED):
        value = value.replace(lambda e: isinstance(e, _DEFINED), _written_out)
    value = value.doit() if hasattr(value, "doit") else value
    if isinstance(value, sp.MatrixExpr) and not isinstance(value, sp.MatrixBase):
        value = value.as_explicit()
    if isinstance(value, sp.MatrixBase):
        return sp.ImmutableMatrix(value)
    return value


#: derive's matrix functions SymPy has no entries for, written out by :func:`_written_out`
_DEFINED = (AxisSoftmax, LogSumExp, Norm)


def _written_out(e):
    """softmax / logsumexp along an axis, or the norm, of an explicit matrix, from the
    definitions: exp(a_ij) / sum_k exp(a_kj), log sum_k exp(a_kj), sqrt(sum a_ij^2)."""
    A = e.arg.doit()
    A = sp.ImmutableMatrix(A.as_explicit() if isinstance(A, sp.MatrixExpr) else A)
    if isinstance(e, Norm):
        return sp.sqrt(sum(a**2 for a in A))
    lines = A.T if e.axis == 1 else A            # columns (axis 0) or rows (axis 1)
    sums = [sum(sp.exp(a) for a in lines.col(j)) for j in range(lines.cols)]
    if isinstance(e, LogSumExp):
        out = sp.ImmutableMatrix(1, lines.cols, [sp.log(t) for t in sums])
    else:
        out = sp.ImmutableMatrix(lines.rows, lines.cols,
                                 lambda i, j: sp.exp(lines[i, j]) / sums[j])
    return out.T if e.axis == 1 else out


def _one_by_one_as_scalars(expr):
    """``expr`` with each 1x1 matrix inside a scalar operation read as its one entry.

    A quadratic form ``(x - a)^T A^{-1} (x - a)`` is a 1x1 matrix; in
    ``exp(-q/2)``, a power or a product of such factors SymPy would otherwise try
    ``E ** Matrix`` once the matrices are explicit (when it merges two
    exponentials). Only scalar operations (SymPy's arithmetic and elementary
    functions) are rewritten; ``det``, ``tr`` and matrix products keep their
    matrix arguments.
    """
    if not isinstance(expr, sp.Basic) or not expr.args or expr.is_Atom:
        return expr
    args = [_one_by_one_as_scalars(arg) for arg in expr.args]
    if not isinstance(expr, sp.MatrixExpr) and type(expr).__module__.startswith(_SCALAR_OPS):
        args = [MatrixElement(arg, 0, 0) if isinstance(arg, sp.MatrixExpr)
                and arg.shape == (1, 1) else arg for arg in args]
    return expr.func(*args) if args != list(expr.args) else expr


def _derivative_value(derivative, values):
    """``d f / d X`` at the drawn matrices, entry by entry and exactly.

    Entry ``(i, j)`` is ``d/dt f(X + t E_ij)`` at ``t = 0`` (the layout of the
    Matrix Cookbook: the gradient has the shape of ``X``), computed by SymPy's
    scalar ``diff`` of the explicit function of ``t``: an independent truth,
    not SymPy's matrix-calculus rules.
    """
    if len(derivative.variables) != 1:
        raise ValueError("only first derivatives with respect to a matrix are checked")
    X = derivative.variables[0]
    f = derivative.expr
    if _shape(f) not in ((), (1, 1)):
        raise ValueError("only derivatives of scalar functions of a matrix are checked")
    t = sp.Dummy("t")
    base = values[X]
    rows, cols = base.shape
    entries = []
    for i in range(rows):
        row = []
        for j in range(cols):
            bump = sp.ImmutableMatrix(rows, cols,
                                      lambda a, b, at=(i, j): t if (a, b) == at else 0)
            moved = dict(values)
            moved[X] = base + bump
            g = exact_value(f, moved)
            g = g[0, 0] if isinstance(g, sp.MatrixBase) else g
            row.append(sp.diff(g, t).subs(t, 0))
        entries.append(row)
    return sp.ImmutableMatrix(entries)


def _entries(value):
    return list(value) if isinstance(value, sp.MatrixBase) else [value]


def _equal(c_val, t_val):
    """(equal, decided exactly)."""
    pairs = list(zip(_entries(c_val), _entries(t_val)))
    if all(a.is_Rational and b.is_Rational for a, b in pairs):
        return all(a == b for a, b in pairs), True
    tolerance = sp.Float(10) ** (10 - DIGITS)
    if len(pairs) == 1 and pairs[0][0].is_positive and pairs[0][1].is_positive:
        # positive scalars (densities, determinants) may be far below 1: compare the
        # ratio, else two tiny values of a wrong identity would pass as equal
        ratio = sp.N(pairs[0][0] / pairs[0][1] - 1, DIGITS)
        return ratio.is_number and abs(ratio) <= tolerance, False
    for a, b in pairs:
        diff = sp.N(a - b, DIGITS)
        scale = max(abs(sp.N(a, DIGITS)), abs(sp.N(b, DIGITS)), 1)
        if not diff.is_number or abs(diff) > tolerance * scale:
            return False, False
    return True, False


def _transposed(c_val, t_val):
    if isinstance(c_val, sp.MatrixBase) and c_val.shape == c_val.shape[::-1] \
            and _equal(c_val.T, t_val)[0] and not _equal(c_val, c_val.T)[0]:
        return "transpose: claimed is the transpose of the truth"
    return None


def _plain(value):
    if isinstance(value, sp.MatrixBase):
        return value.tolist()
    return value
