"""Eigenvalues and eigenvectors, exact where possible, every pair verified.

:func:`eigen` tries, in order:

1. **Tridiagonal Toeplitz** matrices (``a`` on the diagonal, ``b`` above,
   ``c`` below, ``bc != 0``, n >= 3) get the known compact form
   ``a + 2 sqrt(bc) cos(k pi/(n+1))`` with eigenvectors
   ``v_j = (c/b)^(j/2) sin(j k pi/(n+1))`` (e.g. G. D. Smith, *Numerical Solution
   of Partial Differential Equations*, 1985; Noschese, Pasquini & Reichel 2013),
   instead of nested radicals.
2. **Exact** eigenvectors from SymPy (radicals, or ``CRootOf`` where the
   characteristic polynomial has an irreducible factor without radical roots,
   like ``x**5 - x - 1``), run under the time budget of :func:`derive.guard.run`;
   defective matrices also get their Jordan form.
3. **Numbers**: mpmath's ``eig`` at ``digits`` significant digits, for
   floating-point input, or when the exact route ran out of time or found no
   closed form (exact numeric matrices only; a symbolic matrix raises).

Every eigenpair is then verified: ``A v - lambda v`` is shown to be exactly
zero (expansion and simplification, or polynomial remainder modulo the minimal
polynomial of a ``CRootOf``) under the time budget, else evaluated at
``digits + 10`` digits (at seeded random values of any symbols) and required to
be below ``10**-(digits/2)`` relative to ``|A| |v|``. The result says which.

Examples
--------
>>> from derive.linalg import eigen
>>> result = eigen([[1, 2], [3, 4]])
>>> result.eigenvalues
[5/2 - sqrt(33)/2, 5/2 + sqrt(33)/2]
>>> result.method, result.verified
('exact', True)
>>> eigen([[1, 1], [0, 1]]).jordan[1]
Matrix([
[1, 1],
[0, 1]])
"""

from __future__ import annotations

import functools
import random

import mpmath
import sympy

from derive.errors import DerivationTimeout, NoClosedFormError
from derive.guard import DEFAULT_SECONDS, run
from derive.linalg.eigen_result import (  # noqa: F401
    _ROOTS,
    EigenResult,
    Eigenspace,
    _mp,
    _numeric_value,
    _rootof_value,
)
from derive.linalg.eigenvalues import compact, eigenvalues_worker, value_check

#: Default budget of the mpmath route of :func:`eigen`, in seconds.
NUMERIC_SECONDS = 30.0
from derive.linalg.matrices import as_matrix, describe, is_exact_numeric, is_numeric

__all__ = ["eigen", "EigenResult", "Eigenspace"]

_POINTS = 3  # random points for the numeric check of symbolic pairs


# ------------------------------------------------------------------ exact route (child)

def _exact_worker(A, dps):
    """SymPy eigenvectors, quick exact checks, Jordan form when defective, and the values
    of any CRootOf at ``dps`` digits; runs under the guard.

    Everything touching CRootOf happens here, in one process: each new process
    would isolate the roots again (seconds per root for degree 6 and up).
    """
    try:
        spaces = A.eigenvects(error_when_incomplete=False)
    except (NotImplementedError, sympy.polys.polyerrors.PolynomialError):
        return None  # e.g. "CRootOf is not supported over ZZ[a]"
    if sum(m for _, m, _ in spaces) < A.rows:
        return None
    spaces = [(compact(val), mult, [sympy.ImmutableMatrix(compact(v)) for v in vecs])
              for val, mult, vecs in spaces]
    flags = [_quick_zero(A * v - val * v) for val, _, vecs in spaces for v in vecs]
    roots = set()
    for val, _, vecs in spaces:
        roots |= val.atoms(sympy.CRootOf)
    values = {r: r.eval_approx(dps) for r in roots}
    jordan = None
    if any(len(vecs) < mult for _, mult, vecs in spaces):
        P, J = A.jordan_form()
        jordan = (sympy.ImmutableMatrix(P), sympy.ImmutableMatrix(J))
    return spaces, flags, values, jordan


def _quick_zero(residual):
    """True if every entry expands to 0 (CRootOf: remainder modulo its polynomial)."""
    for entry in residual:
        e = sympy.expand(entry)
        if e == 0:
            continue
        roots = e.atoms(sympy.CRootOf)
        if len(roots) != 1 or e.free_symbols:
            return None
        root = roots.pop()
        t = sympy.Dummy("t")
        num, _ = sympy.together(e.subs(root, t)).as_numer_denom()
        minpoly = sympy.Poly(root.expr.subs(root.poly.gen, t), t)
        if not sympy.Poly(num, t).rem(minpoly).is_zero:
            return None
    return True


def _is_zero(expr):
    """True if ``expr`` simplifies to 0, else None (undecided)."""
    return True if sympy.simplify(expr) == 0 else None


def _verify_worker(A, pairs):
    """For each (value, vector): True if A v - value v is provably zero, else None."""
    return [all(_is_zero(r) for r in (A * v - value * v)) or None for value, v in pairs]


# ------------------------------------------------------------------ numeric helpers

def _random_points(symbols, seed=0):
    rng = random.Random(seed)
    points = []
    for _ in range(_POINTS):
        point = {}
        for s in sorted(symbols, key=str):
            lo = 0.5 if (s.is_positive or s.is_nonnegative) else -2.0
            point[s] = sympy.Rational(round(rng.uniform(lo, 2.0), 6)).limit_denominator(10**6)
        points.append(point)
    return points


@functools.lru_cache(maxsize=32)
def _mp_matrix(A, point, dps):
    subs = dict(point)
    with mpmath.workdps(dps):
        return mpmath.matrix([[_mp(e.subs(subs), dps) for e in A.row(i)] for i in range(A.rows)])


def _numeric_residual(A, value, v, digits, point=()):
    """(|v|, max |A v - value v| / ((|A| + |value|) |v|)), evaluated at digits + 10."""
    dps = digits + 10
    subs = dict(point)
    Am = _mp_matrix(A, point, dps)
    with mpmath.workdps(dps):
        vm = mpmath.matrix([_mp(e.subs(subs), dps) for e in v])
        lam = _mp(value.subs(subs), dps)
        norm = mpmath.mnorm(vm, 1)
        scale = (mpmath.mnorm(Am, 1) + abs(lam)) * norm
        if scale == 0:
            return 0.0, mpmath.inf
        return float(norm), float(mpmath.mnorm(Am * vm - lam * vm, 1) / scale)


def _numeric_check(A, value, vectors, digits):
    """Check text and pass/fail of the pairs at high precision (random points if symbolic)."""
    symbols = A.free_symbols | value.free_symbols
    for v in vectors:
        symbols |= v.free_symbols
    points = [tuple(p.items()) for p in _random_points(symbols)] if symbols else [()]
    worst, tried = 0.0, 0
    for point in points:
        for v in vectors:
            try:
                norm, res = _numeric_residual(A, value, v, digits, point)
            except (ValueError, ZeroDivisionError, TypeError):
                continue  # a pole of the formula at this point: try the others
            if norm == 0:
                return "numeric: an eigenvector is zero", False
            worst, tried = max(worst, res), tried + 1
    if tried == 0:
        return "numeric: could not evaluate the pair at any point", False
    tol = 10.0 ** (-(digits // 2))
    where = f" at {len(points)} random points of {', '.join(map(str, sorted(symbols, key=str)))}" \
        if symbols else ""
    ok = worst <= tol
    return (f"numeric at {digits + 10} digits{where}: relative residual {worst:.1e}"
            f" ({'≤' if ok else '>'} {tol:.0e})"), ok


def _numeric_norm(v, digits):
    with mpmath.workdps(digits + 10):
        return max(abs(_mp(e, digits + 10)) for e in v)


def _to_sympy(z, digits):
    re = sympy.Float(mpmath.re(z), digits)
    im = mpmath.im(z)
    return re if im == 0 else re + sympy.I * sympy.Float(im, digits)


# ------------------------------------------------------------------ the routes

def _toeplitz(A):
    """(a, b, c) if A is tridiagonal Toeplitz with bc != 0 and n >= 3, else None."""
    n = A.rows
    if n < 3:
        return None
    a, b, c = A[0, 0], A[0, 1], A[1, 0]
    if b == 0 or c == 0:
        return None
    for i in range(n):
        for j in range(n):
            want = a if i == j else b if j == i + 1 else c if i == j + 1 else 0
            if A[i, j] != want:
                return None
    return a, b, c


def _toeplitz_route(A, abc, digits):
    a, b, c = abc
    n = A.rows
    s = sympy.sqrt(b) * sympy.sqrt(c)
    r = sympy.sqrt(c) / sympy.sqrt(b)
    spaces = []
    for k in range(1, n + 1):
        theta = sympy.Integer(k) * sympy.pi / (n + 1)
        value = a + 2 * s * sympy.cos(theta)
        v = sympy.ImmutableMatrix([r**j * sympy.sin(j * theta) for j in range(1, n + 1)])
        check, ok = _numeric_check(A, value, [v], digits)
        spaces.append(Eigenspace(value, 1, 1, (v,), check, ok))
    note = (f"tridiagonal Toeplitz (a={a}, b={b}, c={c}): λ_k = a + 2 sqrt(bc) cos(kπ/{n + 1}), "
            f"k = 1..{n}, all distinct since bc ≠ 0")
    return EigenResult(A, tuple(spaces), "toeplitz", note, digits)


def _numeric_route(A, digits, note):
    dps = digits + 10
    with mpmath.workdps(dps):
        Am = mpmath.matrix([[_mp(e, dps) for e in A.row(i)] for i in range(A.rows)])
        values, right = mpmath.eig(Am, left=False, right=True)
        scale = max(mpmath.mnorm(Am, 1), 1)
        cluster_tol = mpmath.mpf(10) ** (-(digits // 2)) * scale
        clusters = []
        for index, z in enumerate(values):
            z = mpmath.mpc(z)
            tiny = mpmath.mpf(10) ** (-digits - 5) * scale  # rounding noise of mpmath.eig
            z = mpmath.mpc(0 if abs(z.real) <= tiny else z.real,
                           0 if abs(z.imag) <= tiny else z.imag)
            for cl in clusters:
                if abs(cl[0][0] - z) <= cluster_tol:
                    cl.append((z, index))
                    break
            else:
                clusters.append([(z, index)])
        spaces = []
        for cl in clusters:
            mean = sum(z for z, _ in cl) / len(cl)
            if len(cl) == 1:  # simple eigenvalue: mpmath's eigenvector
                columns = [[right[j, cl[0][1]] for j in range(A.rows)]]
            else:  # multiple: the eigenspace is the numeric null space of A - λ I
                _, S, V = mpmath.svd_c(Am - mean * mpmath.eye(A.rows))
                null = [k for k in range(A.rows) if S[k] <= cluster_tol] or \
                    [min(range(A.rows), key=lambda k: S[k])]
                columns = [[mpmath.conj(V[k, j]) for j in range(A.rows)] for k in null]
            vectors = []
            for col in columns:
                pivot = max(col, key=abs)  # scale the largest entry to 1
                vectors.append(sympy.ImmutableMatrix([_to_sympy(x / pivot, digits) for x in col]))
            value = _to_sympy(mean, digits)
            check, ok = _numeric_check(A, value, vectors, digits)
            spaces.append(Eigenspace(value, len(cl), len(vectors), tuple(vectors), check, ok))
    spaces.sort(key=lambda s: (sympy.re(s.value), sympy.im(s.value)))
    return EigenResult(A, tuple(spaces), "numeric", note, digits)


def eigen(M, *, digits=30, seconds=DEFAULT_SECONDS, check_seconds=2.0,
          numeric_seconds=NUMERIC_SECONDS):
    """Eigenvalues, multiplicities and eigenvectors, each pair verified.

    Parameters
    ----------
    M : str, nested list, numpy.ndarray or sympy matrix
        A square matrix (see :func:`derive.linalg.as_matrix`); floating-point
        entries make it numeric.
    digits : int, optional
        Significant digits of numeric eigenvalues and of numeric checks.
    seconds : float, optional
        Time budget of the exact route (default 10 s). A symbolic matrix whose
        eigenvectors do not finish in it gets the same budget once more for its
        eigenvalues alone.
    check_seconds : float, optional
        Time budget of the exact verification by simplification of the pairs that
        plain expansion does not settle (default 2 s); past it they are checked
        numerically at ``digits + 10`` digits.
    numeric_seconds : float, optional
        Time budget of the mpmath route (default :data:`NUMERIC_SECONDS`); its
        cost grows like ``n**3`` times the cost of one ``digits``-digit product.

    Returns
    -------
    EigenResult
        ``.spaces`` (value, algebraic and geometric multiplicity, vectors,
        check), ``.method``, ``.note``, ``.jordan`` for defective matrices.

    Raises
    ------
    ShapeError
        ``M`` is not square.
    DerivationTimeout
        A symbolic matrix whose eigenvectors did not finish within ``seconds``
        (an exact numeric matrix falls back to mpmath instead), or the mpmath
        route past ``numeric_seconds`` (the message says which digits to try).
    NoClosedFormError
        A symbolic matrix whose characteristic polynomial has no roots in closed form.

    Examples
    --------
    >>> r = eigen([[2, -1, 0], [-1, 2, -1], [0, -1, 2]])
    >>> r.method, r.eigenvalues
    ('toeplitz', [2 - sqrt(2), 2, sqrt(2) + 2])
    >>> r = eigen([[0, 0, 0, 0, 1], [1, 0, 0, 0, 1], [0, 1, 0, 0, 0],
    ...            [0, 0, 1, 0, 0], [0, 0, 0, 1, 0]])
    >>> r.method, r.spaces[0].value
    ('rootof', CRootOf(_lambda**5 - _lambda - 1, 0))
    >>> eigen([[2.0, 1.0], [1.0, 2.0]], digits=15).eigenvalues
    [1.00000000000000, 3.00000000000000]
    """
    A = as_matrix(M, square=True)
    if not (isinstance(digits, int) and 5 <= digits <= 1000):
        raise ValueError(f"digits must be an integer from 5 to 1000, got {digits!r}")
    if is_numeric(A):
        return _guarded_numeric(A, digits, "the matrix has floating-point entries, so "
                                f"mpmath.eig at {digits + 10} working digits", numeric_seconds)
    abc = _toeplitz(A)
    if abc is not None:
        result = _toeplitz_route(A, abc, digits)
        if result.verified:
            return result
    exact_numbers = is_exact_numeric(A)
    what = f"the eigenvectors of {describe(A)}"
    try:
        raw = run(_exact_worker, (A, digits + 10), seconds=seconds, what=what)
    except DerivationTimeout as err:
        if not exact_numbers:
            found = _values_only(A, digits, f"the eigenvectors did not finish within "
                                            f"{err.seconds:g} s", seconds)
            if found is not None:
                return found
            raise DerivationTimeout(
                f"{what} did not finish within {err.seconds:g} s and a symbolic matrix has "
                f"no numeric fallback; substitute numbers for "
                f"{', '.join(sorted(map(str, A.free_symbols)))} or allow more time "
                f"(seconds=...)") from None
        return _guarded_numeric(A, digits, f"exact eigenvectors did not finish within "
                                f"{err.seconds:g} s, so mpmath.eig at {digits + 10} "
                                f"working digits", numeric_seconds)
    if raw is None:
        if not exact_numbers:
            found = _values_only(A, digits, "SymPy's eigenvectors are incomplete", seconds)
            if found is not None:
                return found
            raise NoClosedFormError(
                f"the characteristic polynomial of {describe(A)} has roots SymPy cannot "
                f"write in closed form; substitute numbers for "
                f"{', '.join(sorted(map(str, A.free_symbols)))} to get numeric eigenvalues")
        return _guarded_numeric(A, digits, "no closed form for some eigenvalues, so mpmath.eig "
                                f"at {digits + 10} working digits", numeric_seconds)
    spaces, flags, values, jordan = raw
    if len(_ROOTS) > 1000:
        _ROOTS.clear()
    _ROOTS.update({r: (digits + 10, v) for r, v in values.items()})
    return _checked(A, spaces, flags, jordan, digits, check_seconds)


def _values_only(A, digits, why, seconds):
    """Eigenvalues without eigenvectors (checked by det(A - λI) = 0), or None.

    The eigenvalues get a budget of their own (``seconds``, the caller's), since
    they usually cost a fraction of the eigenvectors that just ran out of theirs.
    """
    try:
        values = run(eigenvalues_worker, (A,), seconds=seconds,
                     what=f"the eigenvalues of {describe(A)}")
    except DerivationTimeout:
        return None
    if values is None:
        return None
    spaces = []
    for value, mult in values.items():
        check, ok = value_check(A, value, digits, _mp)
        spaces.append(Eigenspace(value, mult, 0, (), check, ok))
    return EigenResult(A, tuple(spaces), "values", f"{why}, so the eigenvalues alone "
                       "(eigenvectors not computed; geometric multiplicities unknown, shown "
                       "as 0)", digits)


def _guarded_numeric(A, digits, note, seconds):
    """The mpmath route under the guard: its cost grows with n**3 and with digits."""
    try:
        return run(_numeric_route, (A, digits, note), seconds=seconds,
                   what=f"mpmath.eig of {describe(A)} at {digits + 10} digits")
    except DerivationTimeout as err:
        raise DerivationTimeout(
            f"mpmath.eig of {describe(A)} at {digits + 10} working digits did not finish "
            f"within {err.seconds:g} s; ask for fewer digits (digits=30 takes well under a "
            f"second at this size) or allow more time (numeric_seconds=...)") from None


def _checked(A, spaces, flags, jordan, digits, seconds):
    pairs = [(val, v) for val, _, vecs in spaces for v in vecs]
    todo = [k for k, flag in enumerate(flags) if not flag]
    if todo:
        try:
            more = run(_verify_worker, (A, [pairs[k] for k in todo]), seconds=seconds,
                       what=f"the exact check of the eigenpairs of {describe(A)}")
        except DerivationTimeout:
            more = [None] * len(todo)
        flags = list(flags)
        for k, flag in zip(todo, more):
            flags[k] = flag
    out, k = [], 0
    for val, mult, vecs in spaces:
        exact = flags[k:k + len(vecs)]
        k += len(vecs)
        if all(exact) and all(_nonzero(v, digits) for v in vecs):
            check, ok = "exact: A v - λ v reduces to 0", True
        else:
            check, ok = _numeric_check(A, val, vecs, digits)
        out.append(Eigenspace(val, mult, len(vecs), tuple(vecs), check, ok))
    rootof = any(s.value.has(sympy.CRootOf) for s in out)
    if rootof:
        factors = sorted({str(r.expr) for s in out for r in s.value.atoms(sympy.CRootOf)})
        note = (f"no radicals for the roots of {', '.join(factors)} (irreducible, degree >= 5): "
                f"eigenvalues as CRootOf (approx() gives digits)")
    else:
        note = "characteristic polynomial solved exactly (rationals and radicals)"
    if jordan is not None:
        note += "; defective, Jordan form attached"
    return EigenResult(A, tuple(out), "rootof" if rootof else "exact", note, digits, jordan)


def _nonzero(v, digits):
    if any(e.is_Number and e != 0 for e in v):  # SymPy sets a free variable to 1
        return True
    if any(e.free_symbols for e in v):
        return any(e != 0 for e in v)
    return _numeric_norm(v, digits) > 0
