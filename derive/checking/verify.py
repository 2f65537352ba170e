"""Verify a hand derivation: is ``claimed`` equal to ``truth``?

First the symbolic route: ``simplify(claimed - truth)`` under a small time
budget (:func:`derive.guard.run`). Zero proves the identity; anything else
proves nothing (SymPy's simplify misses many true identities, such as
``1 - tanh(x)**2 == sech(x)**2``). Then the numeric route, which always runs:
both sides at random points inside the domain the assumptions allow, each at
30 and 45 digits with mpmath (the difference between the two is each side's
error estimate). A disagreement beyond 100 times those estimates plus
``1e-25`` relative refutes; the refutation carries the point, both values and,
where one is simple, a diagnosis (a sign, a constant factor, an additive
constant, a transpose, a missing factor).

Examples
--------
>>> import sympy as sp
>>> from derive.checking import verify
>>> x = sp.Symbol("x", real=True)
>>> verify(sp.sech(x)**2, 1 - sp.tanh(x)**2).status
'verified'
>>> r = verify(-2 * sp.sin(2 * x), 2 * sp.sin(2 * x))
>>> r.status, r.diagnosis
('refuted', 'wrong sign: claimed = -truth')
"""

from __future__ import annotations

import mpmath
import sympy as sp

from derive.checking.diagnosis import diagnose_scalar
from derive.checking.matrix_identity import is_matrix_expression, verify_matrix_identity
from derive.checking.oracle import OracleError, mp_function, real
from derive.checking.report import CheckReport, Counterexample, format_point
from derive.checking.sampling import resolve_at, sample_points
from derive.errors import DerivationTimeout, ParseError
from derive.guard import run
from derive.parsing import parse, parse_matrix
from derive.parsing.names import symbol_table

ORACLE_MARGIN = 100
ORACLE_REL = mpmath.mpf("1e-25")


def verify(claimed, truth, *, wrt=None, symbols=None, structure=None, seed=0, points=6,
           dps=30, seconds=2.0, at=None, simplify=True):
    """Check that ``claimed`` equals ``truth``: symbolically if SymPy can, else numerically.

    Parameters
    ----------
    claimed, truth : str, SymPy expression or matrix, or nested list
        Text goes through :func:`derive.parsing.parse` (``"[[...]]"`` through
        :func:`derive.parsing.parse_matrix`); both sides share their symbols by name.
    wrt : str, Symbol or sequence, optional
        The variables of the derivation (listed first in counterexamples and
        named in diagnoses); every other free symbol is a parameter. All of
        them are drawn at random.
    symbols : iterable of Symbol/MatrixSymbol or mapping, optional
        Objects for names in text (carrying assumptions: ``positive=True``
        makes ``sqrt(x**2) == x`` hold; or matrix shapes), as for
        :func:`derive.parsing.parse`. Random points respect the assumptions.
    structure : mapping name -> str, optional
        For identities between matrix expressions (``MatrixSymbol``): the
        structure of each matrix, ``"general"``, ``"symmetric"``, ``"spd"`` or
        ``"invertible"``; see :mod:`derive.checking.matrix_identity`.
    seed : int
    points : int
        Random points for the numeric route.
    dps : int
        Digits (at least 30); each side is also evaluated at ``dps + 15``.
    seconds : float
        Time budget of the symbolic simplification.
    at : mapping or list of mappings, optional
        Points to use instead of random ones (missing variables are drawn).
    simplify : bool
        Try ``simplify(claimed - truth)`` (in a child process under ``seconds``)
        before the numbers; ``False`` lets the numbers decide alone (faster,
        for many small checks such as the steps of a derivation).

    Returns
    -------
    CheckReport
        ``verified`` (method ``symbolic simplification`` or ``mpmath``), ``refuted`` (with a
        counterexample and a diagnosis when one is simple) or
        ``inconclusive`` (no point inside the domain of both sides).

    Examples
    --------
    >>> r = verify("log(exp(a) + exp(b))", "a + log(1 + exp(b - a))")
    >>> r.status, r.method
    ('verified', 'mpmath (30 digits)')
    >>> verify("3*x**2 + 1", "3*x**2").diagnosis
    'off by an additive constant: claimed - truth = 1'
    >>> verify("sqrt(x**2)", "x").status
    'refuted'
    >>> verify("sqrt(x**2)", "x", symbols=sp.symbols("x", positive=True)).status
    'verified'
    """
    if dps < 30:
        raise ValueError(f"verify: dps={dps} is too low for an oracle; use 30 or more")
    if not isinstance(points, int) or points < 1:
        raise ValueError(f"verify: points must be a positive integer, got {points!r}")
    c_expr, t_expr = _as_exprs(claimed, truth, symbols)
    if is_matrix_expression(c_expr) or is_matrix_expression(t_expr):
        return verify_matrix_identity(c_expr, t_expr, structure=structure, seed=seed,
                                      points=max(points, 4))
    try:
        c_expr, t_expr = (_evaluated(e, seconds) for e in (c_expr, t_expr))
    except DerivationTimeout as err:
        return CheckReport("inconclusive", "none", subject=f"{_short(c_expr)} == "
                           f"{_short(t_expr)}", evidence=(str(err),))
    c_mat, t_mat = isinstance(c_expr, sp.MatrixBase), isinstance(t_expr, sp.MatrixBase)
    if c_mat != t_mat:
        raise ParseError("verify: one side is a matrix and the other a scalar "
                         f"({_shape_text(c_expr)} vs {_shape_text(t_expr)})")
    free = _free(c_expr) | _free(t_expr)
    variables = _variables(wrt, free)
    args = variables + sorted(free - set(variables), key=lambda s: s.name)
    subject = f"{_short(c_expr)} == {_short(t_expr)}"
    if c_mat and c_expr.shape != t_expr.shape:
        if c_expr.shape == t_expr.T.shape:
            transposed = _numeric(c_expr.T, t_expr, args, seed, points, dps, at)
            if transposed["status"] == "verified":
                return CheckReport("refuted", "shape", subject=subject,
                                   diagnosis="transpose: claimed is the transpose of the truth",
                                   evidence=(f"claimed has shape {c_expr.shape}, truth "
                                             f"{t_expr.shape}; claimed^T equals the truth "
                                             "numerically",))
        return CheckReport("refuted", "shape", subject=subject, diagnosis=(
            f"shapes differ: claimed {c_expr.shape}, truth {t_expr.shape}"))

    evidence = []
    proved, difference = (_symbolic(c_expr, t_expr, seconds, evidence) if simplify
                          else _as_written(c_expr, t_expr, evidence))
    num = _numeric(c_expr, t_expr, args, seed, points, dps, at)
    evidence.extend(num["evidence"])
    common = dict(points=num["points"], max_abs_error=num["max_abs"],
                  max_rel_error=num["max_rel"], error_estimate=num["err"],
                  worst_point=num["worst"], subject=subject)
    method = f"mpmath ({dps} digits)"
    if num["status"] == "refuted":
        if proved:
            evidence.append("simplify reported a zero difference, yet the values differ: "
                            "the numbers decide")
        diagnosis = _diagnose(c_expr, t_expr, num, args, variables, seconds, difference)
        return CheckReport("refuted", method, counterexample=num["counterexample"],
                           diagnosis=diagnosis, evidence=tuple(evidence), **common)
    if proved:
        return CheckReport("verified", "symbolic simplification", evidence=tuple(evidence), **common)
    if num["status"] == "verified":
        return CheckReport("verified", method, evidence=tuple(evidence), **common)
    return CheckReport("inconclusive", method, evidence=tuple(evidence), **common)


# -- inputs ------------------------------------------------------------------------------
_UNEVALUATED = (sp.Derivative, sp.Integral, sp.Limit, sp.Sum, sp.Product)


def evaluated(expr):
    """``expr.doit()`` (module level, for :func:`derive.guard.run`).

    Examples
    --------
    >>> import sympy as sp
    >>> x = sp.Symbol("x")
    >>> evaluated(sp.Derivative(x**3, x))
    3*x**2
    """
    return expr.doit()


def _evaluated(expr, seconds):
    """Unevaluated derivatives, integrals, limits and sums (from LaTeX) done under the budget.

    Matrix expressions stay as they are: their derivatives are checked entry by
    entry (:mod:`derive.checking.matrix_identity`), not by SymPy's matrix rules.
    """
    if isinstance(expr, sp.Basic) and expr.has(*_UNEVALUATED) and not is_matrix_expression(expr):
        return run(evaluated, (expr,), seconds=seconds, what="evaluating a side")
    return expr
def _as_exprs(claimed, truth, symbols=None):
    """Both sides as SymPy, sharing one symbol per name.

    Text is parsed with the symbols of the SymPy side (so ``Symbol("p",
    positive=True)`` keeps its assumptions); two SymPy symbols with one name
    and different assumptions become the claimed side's symbol.
    """
    given = dict(symbol_table(symbols))
    for value in (claimed, truth):
        if not isinstance(value, str):
            for s in getattr(_as_expr(value, "input"), "free_symbols", ()):
                given.setdefault(s.name, s)
    c_expr = _as_expr(claimed, "claimed", given)
    t_expr = _as_expr(truth, "truth", given)
    rename = {s: given[s.name] for s in t_expr.free_symbols
              if s.name in given and given[s.name] != s}
    return c_expr, (t_expr.xreplace(rename) if rename else t_expr)


def _as_expr(value, what, symbols=None):
    if isinstance(value, str):
        text = value.strip()
        options = {"symbols": dict(symbols)} if symbols else {}
        return parse_matrix(text, **options) if text.startswith("[") else parse(text, **options)
    if isinstance(value, (list, tuple)):
        return sp.ImmutableMatrix(value)
    if isinstance(value, sp.MatrixBase):
        return sp.ImmutableMatrix(value)
    if isinstance(value, (int, float)):
        return sp.sympify(value, strict=True)  # an int or float here; text went to the parser above
    if isinstance(value, sp.Basic):
        return value
    raise ParseError(f"verify: {what} must be text, a SymPy expression or a matrix, "
                     f"not {type(value).__name__}")


def _free(expr):
    return set(expr.free_symbols)


def _variables(wrt, free):
    if wrt is None:
        return []
    items = [wrt] if isinstance(wrt, (str, sp.Symbol)) else list(wrt)
    by_name = {s.name: s for s in free}
    out = []
    for item in items:
        name = item if isinstance(item, str) else getattr(item, "name", str(item))
        if name not in by_name:
            raise ParseError(f"verify: wrt names {name!r}, which appears on neither side; "
                             f"variables: {', '.join(sorted(by_name)) or 'none'}")
        out.append(by_name[name])
    return out


def _shape_text(expr):
    return f"shape {expr.shape}" if isinstance(expr, sp.MatrixBase) else "scalar"


def _short(expr, limit=60):
    text = str(expr.tolist() if isinstance(expr, sp.MatrixBase) else expr)
    return text if len(text) <= limit else text[:limit - 3] + "..."


# -- the symbolic route ------------------------------------------------------------------
def simplified_difference(claimed, truth):
    """``simplify(claimed - truth)`` (module level so :func:`derive.guard.run` can pickle it).

    Examples
    --------
    >>> import sympy as sp
    >>> x = sp.Symbol("x")
    >>> simplified_difference(sp.sin(x)**2, 1 - sp.cos(x)**2)
    0
    """
    diff = claimed - truth
    if isinstance(diff, sp.MatrixBase):
        return diff.applyfunc(sp.simplify)
    return sp.simplify(diff)


def _as_written(c_expr, t_expr, evidence):
    """(proved, None): only a difference that is 0 as written proves anything here."""
    plain = c_expr - t_expr
    if plain.is_zero_matrix if isinstance(plain, sp.MatrixBase) else plain == 0:
        evidence.append("claimed - truth is 0 as written: the identity holds symbolically")
        return True, plain
    return False, None


def _symbolic(c_expr, t_expr, seconds, evidence):
    """(proved, simplified difference or None)."""
    plain = c_expr - t_expr
    if (plain.is_zero_matrix if isinstance(plain, sp.MatrixBase) else plain == 0):
        evidence.append("claimed - truth is 0 as written: the identity holds symbolically")
        return True, plain
    try:
        diff = run(simplified_difference, (c_expr, t_expr), seconds=seconds,
                   what="simplify(claimed - truth)")
    except DerivationTimeout:
        evidence.append(f"simplify(claimed - truth) did not finish within {seconds:g} s")
        return False, None
    zero = diff.is_zero_matrix if isinstance(diff, sp.MatrixBase) else diff == 0
    if zero:
        evidence.append("simplify(claimed - truth) = 0: the identity holds symbolically")
        return True, diff
    evidence.append("simplify could not reduce claimed - truth to 0 "
                    "(which proves nothing either way)")
    return False, diff


# -- the numeric route -------------------------------------------------------------------
def _entries(expr):
    if isinstance(expr, sp.MatrixBase):
        return [((i, j), expr[i, j]) for i in range(expr.rows) for j in range(expr.cols)]
    return [((), expr)]


def _numeric(c_expr, t_expr, args, seed, points, dps, at):
    pairs = [(idx, mp_function(c, args), mp_function(t, args))
             for (idx, c), (_, t) in zip(_entries(c_expr), _entries(t_expr))]

    def values_at(point, digits):
        vals = [point[s] for s in args]
        with mpmath.workdps(digits):
            return [(real(fc(*vals), "claimed value"), real(ft(*vals), "true value"))
                    for _, fc, ft in pairs]

    def accept(point):
        try:
            values_at(point, 20)
            return True
        except (OracleError, ZeroDivisionError, ValueError, TypeError):
            return False

    given = resolve_at(at, args)
    if given:
        pts = [sample_points(args, 1, seed=seed + i, fixed=g)[0] for i, g in enumerate(given)]
    else:
        pts = sample_points(args, points, seed=seed, accept=accept)
    out = {"status": "inconclusive", "points": 0, "max_abs": float("nan"),
           "max_rel": float("nan"), "err": float("nan"), "worst": None,
           "counterexample": None, "samples": [], "evidence": []}
    max_abs = max_rel = err_max = 0.0
    worst_rel, mismatch = -1.0, None
    digits = []
    for point in pts:
        named = {str(s): point[s] for s in args}
        try:
            hi, lo = values_at(point, dps + 15), values_at(point, dps)
        except (OracleError, ZeroDivisionError, ValueError) as e:
            out["evidence"].append(f"point {format_point(named)} skipped: {e}")
            continue
        out["points"] += 1
        sample = []
        with mpmath.workdps(dps + 15):
            for (idx, _, _), (c, t), (c_lo, t_lo) in zip(pairs, hi, lo):
                est = abs(c - c_lo) + abs(t - t_lo)
                gap = abs(c - t)
                tol = ORACLE_MARGIN * est + ORACLE_REL * max(abs(c), abs(t))
                err_max = max(err_max, float(est))
                max_abs = max(max_abs, float(gap))
                rel = float(gap / abs(t)) if t != 0 else (0.0 if gap == 0 else float("inf"))
                max_rel = max(max_rel, rel)
                if rel > worst_rel:
                    worst_rel, out["worst"] = rel, named
                if gap != 0 and t != 0:
                    digits.append(float(-mpmath.log10(gap / abs(t))))
                sample.append((idx, c, t))
                if gap > tol and mismatch is None:
                    mismatch = Counterexample(named, c, t, "" if idx == () else f"entry {list(idx)}")
        out["samples"].append((named, sample))
    if out["points"] == 0:
        out["evidence"].append("no point found where both sides are finite and real")
        return out
    out.update(max_abs=max_abs, max_rel=max_rel, err=err_max)
    if mismatch is not None:
        out["status"] = "refuted"
        out["counterexample"] = mismatch
        out["evidence"].append(f"the two sides differ at {format_point(mismatch.point)} "
                               f"(mpmath, {dps} and {dps + 15} digits)")
        return out
    agreement = f"{min(digits):.0f} digits" if digits else "every digit"
    out["status"] = "verified"
    out["evidence"].append(f"both sides agree to {agreement} at {out['points']} random points "
                           f"(mpmath at {dps} and {dps + 15} digits)")
    return out


# -- diagnosis ---------------------------------------------------------------------------
def _diagnose(c_expr, t_expr, num, args, variables, seconds, difference):
    if isinstance(c_expr, sp.MatrixBase):
        if c_expr.shape == c_expr.shape[::-1] and c_expr.T.shape == t_expr.shape:
            trial = _numeric(c_expr.T, t_expr, args, 1, 3, 30, None)
            if trial["status"] == "verified":
                return "transpose: claimed is the transpose of the truth"
        return None
    samples = [({s: named[str(s)] for s in args}, c, t)
               for named, sample in num["samples"] for _, c, t in sample]
    return diagnose_scalar(c_expr, t_expr, samples, args, variables, seconds, difference)
