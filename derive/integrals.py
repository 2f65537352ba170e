"""Integrals that never hang: exact when SymPy can, numeric with an error bar when not.

:func:`integrate` asks SymPy for a closed form inside :func:`derive.guard.run`
(SymPy's ``integrate`` can run for hours, sympy#18872), tries the usual nudges
within the same budget (``meijerg=True``, ``manual=True``, ``hyperexpand`` of
special-function answers, positive parameters), and verifies every exact answer
numerically:

* an antiderivative is differentiated back and compared with the integrand at
  random points (parameters drawn to respect their assumptions);
* a definite value is compared with ``mpmath.quad`` of the integrand.

When no verified closed form is found in time, a definite integral falls back to
``mpmath.quad`` at the requested number of digits with its error estimate, and an
indefinite one comes back unevaluated with that status stated. Nothing is
silently wrong: the :class:`IntegralResult` says which of ``"exact"``,
``"numeric"`` or ``"unevaluated"`` it is, by which method, and how it was checked.

Budget
------
One call takes at most about ``seconds`` of wall-clock time (default
:data:`DEFAULT_SECONDS`) plus the start-up of the guarded child processes: about
60 % of it goes to the symbolic attempts (the first attempt may use 70 % of
that, the nudges share the rest), the remainder to verification and to the
numeric fallback. Every piece runs under :func:`derive.guard.run`, so none of
them can overrun its share.

Examples
--------
>>> from derive.integrals import integrate
>>> r = integrate("x**2", ("x", 0, 1))
>>> r.value, r.status
(1/3, 'exact')
>>> r.check.status
'verified'
>>> integrate("exp(-x**2)", ("x", "-oo", "oo")).value
sqrt(pi)
>>> r = integrate("exp(-x**4)*cos(x)", ("x", 0, 1), digits=20)
>>> r.status in ("exact", "numeric") and abs(float(r) - 0.73635193) < 1e-8
True
"""

from __future__ import annotations

import math
import random
import time
from dataclasses import dataclass, field
from typing import Any

import mpmath
import sympy as sp

from derive.errors import ConvergenceError, DerivationTimeout, DeriveError, ParseError
from derive.parsing import as_sympy
from derive.codegen import compile_mpmath
from derive.functions import relu, sigmoid, softplus
from derive.guard import run as guarded, scaled_seconds
from derive.parsing import parse

__all__ = ["integrate", "IntegralResult", "IntegralCheck", "DEFAULT_SECONDS", "MAX_DIGITS",
           "numeric_integral"]

#: Default total wall-clock budget of one :func:`integrate` call, in seconds.
DEFAULT_SECONDS = 10.0
#: Largest number of significant digits the numeric fallback will aim for.
MAX_DIGITS = 50

_SYMBOLIC_SHARE = 0.6       # of the budget, for the symbolic attempts
_MIN_SLICE = 0.5            # never start a guarded piece with less than this (s)
_N_POINTS = 4               # random points for verification
_VERIFY_DIGITS = 30         # working digits when checking an antiderivative


@dataclass(frozen=True)
class IntegralCheck:
    """How an integral's answer was checked.

    Attributes
    ----------
    status : str
        ``"verified"``, ``"refuted"`` or ``"inconclusive"``.
    method : str
        What was compared (``"d/dx of antiderivative vs integrand at random points"``,
        ``"exact value vs mpmath.quad"``, ``"mpmath.quad error estimate"``).
    points : tuple of dict
        The parameter / variable values used.
    max_abs_error : float or None
        Largest absolute disagreement seen.
    detail : str
        One sentence a person can read.
    """

    status: str
    method: str
    points: tuple = ()
    max_abs_error: float | None = None
    detail: str = ""

    def __str__(self):
        err = "" if self.max_abs_error is None else f", max |error| {self.max_abs_error:.2g}"
        return f"{self.status} ({self.method}{err}){': ' + self.detail if self.detail else ''}"


@dataclass(frozen=True)
class IntegralResult:
    """The answer of :func:`integrate`, with how it was obtained and checked.

    Attributes
    ----------
    integral : sympy.Integral
        The question, unevaluated.
    value : sympy expression
        The closed form (``status == "exact"``; may be a ``Piecewise`` whose
        conditions say where each branch holds), a ``Float`` carrying the
        requested digits (``"numeric"``), or the unevaluated integral.
    status : str
        ``"exact"``, ``"numeric"`` or ``"unevaluated"``.
    method : str
        Which attempt produced ``value``.
    error : float or None
        Absolute error estimate of a numeric value (``mpmath.quad(error=True)``);
        ``None`` for exact and unevaluated results.
    check : IntegralCheck
        The verification evidence.
    digits : int
        Requested significant digits of numeric values.
    attempts : tuple of (str, str, float)
        Every attempt made: method, outcome, seconds taken.
    assumptions : tuple of str
        Assumptions the value relies on beyond the user's (e.g. ``"a > 0"``).
    """

    integral: Any
    value: Any
    status: str
    method: str
    error: float | None = None
    check: IntegralCheck = field(default_factory=lambda: IntegralCheck("inconclusive", "none"))
    digits: int = 15
    attempts: tuple = ()
    assumptions: tuple = ()

    @property
    def definite(self) -> bool:
        """True for a definite integral (every variable has limits)."""
        return all(len(lim) == 3 for lim in self.integral.limits)

    @property
    def seconds(self) -> float:
        """Total time spent in the attempts."""
        return float(sum(a[2] for a in self.attempts))

    def __float__(self):
        return float(sp.N(self.value, 17))

    def __complex__(self):
        return complex(sp.N(self.value, 17))

    def __str__(self):
        lhs = sp.sstr(self.integral)
        rhs = _piecewise_text(self.value)
        lines = [f"{lhs} = {rhs}"]
        tail = f"[{self.status}; {self.method}"
        if self.error is not None:
            tail += f"; error estimate {self.error:.2g}"
        lines.append(tail + "]")
        if self.assumptions:
            lines.append("assuming " + ", ".join(self.assumptions))
        lines.append(f"check: {self.check}")
        return "\n".join(lines)

    def _repr_latex_(self):
        body = f"{sp.latex(self.integral)} = {sp.latex(self.value)}"
        note = self.status if self.error is None else f"{self.status},\\ \\pm {self.error:.2g}"
        return f"$\\displaystyle {body} \\quad \\text{{({note}; {self.check.status})}}$"


def _piecewise_text(value):
    """A Piecewise as 'expr if cond; ...; otherwise expr' so conditions are visible."""
    if not isinstance(value, sp.Piecewise):
        return sp.sstr(value)
    parts = []
    for expr, cond in value.args:
        if cond is sp.true:
            parts.append(f"{sp.sstr(expr)} otherwise")
        else:
            parts.append(f"{sp.sstr(expr)} if {sp.sstr(cond)}")
    return "; ".join(parts)


# ---------------------------------------------------------------------------
# input validation
# ---------------------------------------------------------------------------

def _integrate_iv(f, limits, digits, seconds, symbols):

    if not limits:
        raise ParseError("integrate needs a variable: integrate(f, x) or integrate(f, (x, a, b))")
    if isinstance(digits, bool) or not isinstance(digits, int) or not 1 <= digits <= MAX_DIGITS:
        raise ValueError(f"digits={digits!r}: give an integer from 1 to {MAX_DIGITS}")
    if seconds is None:
        seconds = DEFAULT_SECONDS
    if not (isinstance(seconds, (int, float)) and math.isfinite(seconds) and seconds > 0):
        raise ValueError(f"seconds={seconds!r}: give a positive number of seconds")
    known = {} if symbols is None else (
        dict(symbols) if isinstance(symbols, dict) else {s.name: s for s in symbols})
    if isinstance(f, sp.Basic):
        for s in f.free_symbols:
            known.setdefault(s.name, s)

    def variable(v):
        if isinstance(v, sp.Symbol):
            return v
        if isinstance(v, str) and v.isidentifier():
            return known.get(v) or sp.Symbol(v, real=True)
        raise ParseError(f"integration variable {v!r} is not a name; give a symbol or a "
                         "name such as 'x'")

    parsed = []
    for lim in limits:
        if isinstance(lim, (tuple, list)):
            if len(lim) == 1:
                parsed.append((variable(lim[0]),))
                continue
            if len(lim) != 3:
                raise ParseError(f"limits {lim!r}: give (x, a, b) for a definite integral or x "
                                 "for an indefinite one")
            parsed.append((variable(lim[0]), lim[1], lim[2]))
        else:
            parsed.append((variable(lim),))
    for lim in parsed:
        known.setdefault(lim[0].name, lim[0])
    out = []
    for lim in parsed:
        if len(lim) == 3:
            bounds = tuple(parse(str(b) if isinstance(b, (int, float)) else b, symbols=known)
                           for b in lim[1:])
            for b in bounds:
                if not isinstance(b, sp.Expr) or b.has(sp.zoo, sp.nan):
                    raise ParseError(f"limit {b!r} of {lim[0]} is not a number or expression")
            out.append((lim[0],) + bounds)
        else:
            out.append(lim)
    expr = parse(f, symbols=known)
    if not isinstance(expr, sp.Expr):
        raise ParseError(f"integrand {f!r} is not a scalar expression")
    return expr, tuple(out), int(digits), float(seconds)


# ---------------------------------------------------------------------------
# guarded pieces (module level so that derive.guard can run them in a child)
# ---------------------------------------------------------------------------

def _elementary(f):
    """derive's sigmoid/softplus/relu rewritten as exp/log/Piecewise, which SymPy integrates."""
    return f.replace(lambda e: isinstance(e, (sigmoid, softplus)), lambda e: e.rewrite(sp.exp)) \
        .replace(lambda e: isinstance(e, relu), lambda e: e.rewrite(sp.Piecewise))


def _sympy_attempt(f, limits, options, expand_hyper):
    """One call of sympy.integrate with the given options (runs in a child process)."""
    value = sp.integrate(_elementary(f), *limits, **options)
    if expand_hyper and value.has(sp.hyper, sp.meijerg):
        from sympy.simplify.hyperexpand import hyperexpand
        value = hyperexpand(value)
    if not value.has(sp.Integral) and len(value.args) and sp.count_ops(value) < 400:
        value = sp.piecewise_fold(value)
    return value


def _sample_points(symbols, n, seed, variables=()):
    """Random values respecting assumptions: positive/integer/negative; reals in [0.5, 2]."""
    rng = random.Random(seed)
    points = []
    for _ in range(n):
        point = {}
        for s in sorted(symbols, key=lambda s: s.name):
            if s.is_integer:
                lo = 1 if (s.is_positive or s.is_nonnegative) else (-4 if s.is_negative else 1)
                hi = -1 if s.is_negative else 4
                point[s] = sp.Integer(rng.randint(lo, hi))
            else:
                v = rng.uniform(0.3, 1.7) if s in variables else rng.uniform(0.5, 2.0)
                if s.is_negative or s.is_nonpositive:
                    v = -v
                point[s] = sp.Float(round(v, 6), _VERIFY_DIGITS)
        points.append(point)
    return points


def _number(expr, subs, dps):
    """expr evaluated at subs with dps digits as a Python complex/mpmath number, or None."""
    try:
        v = expr.evalf(dps, subs=subs) if subs else expr.evalf(dps)
    except (TypeError, ValueError, ZeroDivisionError, AttributeError, RecursionError):
        return None
    if v.has(sp.Integral) or v.has(sp.Piecewise) or v.free_symbols:
        return None
    if v in (sp.nan, sp.zoo) or v.has(sp.oo, -sp.oo, sp.zoo, sp.nan):
        return None
    try:
        with mpmath.workdps(dps):
            re, im = v.as_real_imag()
            c = mpmath.mpc(mpmath.mpf(sp.Float(re, dps)), mpmath.mpf(sp.Float(im, dps)))
    except (TypeError, ValueError):
        return None
    return c


def _mp_function(expr, variables):
    """``expr`` as an mpmath function of ``variables`` (see :func:`derive.codegen.compile_mpmath`).

    ``oo`` bounds become ``mpmath.inf``; it evaluates at the current ``mpmath.mp.dps``.
    """

    return compile_mpmath(as_sympy(expr), list(variables))


def _verify_antiderivative(f, F, variables, seed):
    """Differentiate F back along every variable and compare with f at random points."""
    deriv = F
    for v in reversed(variables):
        deriv = sp.diff(deriv, v)
    free = (f.free_symbols | F.free_symbols)
    points = _sample_points(free, _N_POINTS, seed, variables)
    worst, used = 0.0, []
    for point in points:
        a = _number(deriv, point, _VERIFY_DIGITS)
        b = _number(f, point, _VERIFY_DIGITS)
        if a is None or b is None:
            continue
        err = float(abs(a - b))
        scale = max(1.0, float(abs(b)))
        used.append({str(k): float(v) for k, v in point.items()})
        worst = max(worst, err / scale)
        if err > 1e-12 * scale:
            return IntegralCheck("refuted", "derivative of the antiderivative vs the integrand",
                                 tuple(used), err,
                                 f"d/d{','.join(map(str, variables))} F - f = {err:.3g} at "
                                 f"{used[-1]}")
    if not used:
        return IntegralCheck("inconclusive", "derivative of the antiderivative vs the integrand",
                             (), None, "no random point gave finite numbers on both sides")
    return IntegralCheck("verified", "derivative of the antiderivative vs the integrand at "
                         f"{len(used)} random points, {_VERIFY_DIGITS} digits",
                         tuple(used), worst)


def _frequency(f, var):
    """Angular frequency of the sin/cos(k*var + c) factors of f, or None."""
    ks = set()
    for trig in f.atoms(sp.sin, sp.cos):
        arg = trig.args[0]
        if var in arg.free_symbols:
            if not arg.is_polynomial(var) or sp.degree(arg, var) != 1:
                return None
            ks.add(abs(arg.coeff(var)))
    if len(ks) != 1:
        return None
    k = ks.pop()
    return k if k.is_number and k.is_positive else None


def _kinks(f, var):
    """Points where Abs/Heaviside/sign/Max/Min/Piecewise of a linear argument switch."""
    out = []
    atoms = f.atoms(sp.Abs, sp.Heaviside, sp.sign, sp.Max, sp.Min)
    for cond in (c for p in f.atoms(sp.Piecewise) for _, c in p.args):
        atoms |= {r.lhs - r.rhs for r in cond.atoms(sp.core.relational.Relational)}
    for atom in atoms:
        arg = atom if not isinstance(atom, sp.Function) else (
            atom.args[0] - atom.args[1] if len(atom.args) == 2 else atom.args[0])
        if isinstance(arg, sp.Expr) and var in arg.free_symbols and arg.is_polynomial(var) \
                and sp.degree(arg, var) == 1:
            c1, c0 = sp.Poly(arg, var).all_coeffs()
            root = -c0 / c1
            if root.is_number and root.is_real:
                out.append(sp.Float(root, 40))
    return out


def _periodic_sum(g, lo, hi, half_period):
    """Integral of an oscillatory g over a half-line: quad over each half-period, nsum.

    ``mpmath.nsum`` extrapolates the series (alternating for sin(x)/x, positive for
    sin(x)**2/x**2), where ``mpmath.quadosc`` assumes a zero-mean oscillation.
    Returns (value, difference from a run 5 digits finer).
    """
    if mpmath.isinf(hi):
        def piece(k):
            return mpmath.quad(g, [lo + k * half_period, lo + (k + 1) * half_period],
                               method="gauss-legendre")
    else:
        def piece(k):
            return mpmath.quad(g, [hi - (k + 1) * half_period, hi - k * half_period],
                               method="gauss-legendre")
    value = mpmath.nsum(piece, [0, mpmath.inf])
    with mpmath.workdps(mpmath.mp.dps + 5):
        finer = mpmath.nsum(piece, [0, mpmath.inf])
    return value, abs(finer - value)


def _quad(f, limits, dps, subs=None, method="tanh-sinh"):
    """mpmath.quad of f over limits (innermost first), nested for dependent limits.

    Oscillatory integrands (sin/cos of a linear argument) over a half-infinite
    range are summed period by period (:func:`_periodic_sum`). Returns (value,
    error) as mpmath numbers.
    """
    subs = {as_sympy(k): as_sympy(v) for k, v in (subs or {}).items()}
    f = as_sympy(f).xreplace(subs)
    limits = [tuple(as_sympy(t).xreplace(subs) for t in lim) for lim in limits]
    variables = [lim[0] for lim in limits]
    extra = (f.free_symbols | set().union(*(lim[1].free_symbols | lim[2].free_symbols
                                             for lim in limits))) - set(variables)
    if extra:
        raise ValueError("the integrand has free parameters "
                         f"{', '.join(sorted(map(str, extra)))}; substitute numbers first")
    fn = _mp_function(f, variables)
    bounds = [(_mp_function(lim[1], variables), _mp_function(lim[2], variables))
              for lim in limits]
    n = len(limits)
    kinks_of = [_kinks(f, v) for v in variables]
    with mpmath.workdps(dps):
        errors = []

        def level(k, values):
            # integrate variable k (outermost is n-1) with values of variables k+1.. fixed
            args = [mpmath.mpf(0)] * n
            for j, v in values.items():
                args[j] = v
            lo, hi = (mpmath.re(bnd(*args)) for bnd in bounds[k])

            def g(t):
                vals = dict(values)
                vals[k] = t
                if k > 0:
                    v, e = level(k - 1, vals)
                    errors.append(e)
                    return v
                args[k] = t
                v = fn(*args)
                if not mpmath.isfinite(v):
                    raise ValueError(f"integrand is not finite at {variables[k]} = "
                                     f"{mpmath.nstr(t, 8)}")
                return v

            omega = _frequency(f, variables[k]) if n == 1 else None
            if omega is not None and mpmath.isinf(hi - lo) and not (mpmath.isinf(lo)
                                                                  and mpmath.isinf(hi)):
                value, err = mpmath.quad(g, [lo, hi], error=True, maxdegree=4)
                if abs(err) < mpmath.mpf(10) ** (-dps + 2) * max(1, abs(value)):
                    return value, abs(err)  # decays fast enough for plain quadrature
                omega = mpmath.mpf(sp.Float(omega, dps + 5))
                value, err = _periodic_sum(g, lo, hi, mpmath.pi / omega)
                return value, abs(err) + mpmath.mpf(10) ** (-dps)
            if mpmath.isinf(lo) and mpmath.isinf(hi):
                points = [lo, 0, hi]
            elif mpmath.isinf(hi):  # keep an endpoint singularity on a finite piece
                points = [lo, lo + 1, hi]
            elif mpmath.isinf(lo):
                points = [lo, hi - 1, hi]
            else:
                points = [lo, hi]
            kinks = [mpmath.mpf(c) for c in kinks_of[k]]
            kinks = [c for c in kinks if lo < c < hi]
            points = sorted(set(points[1:-1] + kinks), key=float)
            points = [lo] + points + [hi]
            if method == "split":  # a second, differently placed set of nodes
                if mpmath.isinf(lo) and mpmath.isinf(hi):
                    points = [lo, -1, 0, 2, hi]
                elif mpmath.isinf(hi):
                    points = [lo, lo + mpmath.mpf(1) / 4, lo + 3, hi]
                elif mpmath.isinf(lo):
                    points = [lo, hi - 3, hi - mpmath.mpf(1) / 4, hi]
                else:
                    points = [lo, lo + (hi - lo) * mpmath.mpf(3) / 7, hi]
            value, err = mpmath.quad(g, points, error=True, maxdegree=8 + dps // 10)
            return value, abs(err)

        value, err = level(n - 1, {})
        inner = max(errors, default=mpmath.mpf(0))
        return value, err + inner


def _two_rules(f, limits, dps):
    """tanh-sinh with its error estimate, and a second run on split intervals to compare."""
    value, err = _quad(f, limits, dps)
    try:
        other, _ = _quad(f, limits, dps, method="split")
    except (ValueError, ZeroDivisionError, TypeError):
        other = None
    return value, err, other


def numeric_integral(f, limits, dps=15, subs=None):
    """mpmath.quad of a SymPy integrand, with an error estimate.

    Parameters
    ----------
    f : sympy.Expr
        The integrand.
    limits : sequence of (symbol, a, b)
        Innermost first, as in ``sympy.Integral``; inner limits may depend on
        outer variables (the quadrature is then nested).
    dps : int
        Working decimal digits.
    subs : dict, optional
        Values of the parameters.

    Returns
    -------
    (mpmath.mpf or mpc, mpmath.mpf)
        The value and mpmath's absolute error estimate.

    Examples
    --------
    >>> import sympy as sp
    >>> x = sp.Symbol("x")
    >>> v, err = numeric_integral(sp.exp(-x**2), [(x, -sp.oo, sp.oo)], dps=20)
    >>> print(mpmath.nstr(v, 15), err < 1e-15)
    1.77245385090552 True
    """
    return _quad(f, tuple(tuple(as_sympy(t) for t in lim) for lim in limits), dps, subs)


def _verify_definite(f, limits, value, dps, seed):
    """Compare an exact definite value with mpmath.quad (parameters drawn at random)."""
    limits = tuple(tuple(as_sympy(t) for t in lim) for lim in limits)
    value = as_sympy(value)
    integration_vars = {lim[0] for lim in limits}
    params = (f.free_symbols | value.free_symbols
              | set().union(*(lim[1].free_symbols | lim[2].free_symbols for lim in limits)))
    params -= integration_vars
    points = _sample_points(params, 3 if params else 1, seed) if params else [{}]
    worst, used, quad_value = 0.0, [], None
    for point in points:
        exact = _number(value, point, dps + 10)
        if exact is None:
            continue
        try:
            q, err = _quad(f, limits, dps, point)
        except (ValueError, ZeroDivisionError, TypeError) as exc:
            return IntegralCheck("inconclusive", "exact value vs mpmath.quad", tuple(used), None,
                                 f"quadrature failed: {exc}")
        q = mpmath.mpc(q)
        diff = float(abs(exact - q))
        scale = max(1.0, float(abs(exact)))
        used.append({str(k): float(v) for k, v in point.items()})
        if not params:
            quad_value = q
        if float(err) > 10.0 ** (-min(dps, 15) + 6) * scale:
            return IntegralCheck("inconclusive", "exact value vs mpmath.quad", tuple(used),
                                 diff, f"quadrature error estimate {float(err):.2g} too "
                                 "large to decide")
        if diff > max(10.0 ** (-dps + 3) * scale, 100 * float(err)):
            # refute only if a second quadrature rule confirms the first one
            try:
                q2 = mpmath.mpc(_quad(f, limits, dps, point, method="split")[0])
            except (ValueError, ZeroDivisionError, TypeError):
                q2 = None
            if q2 is None or float(abs(q2 - q)) > diff / 10:
                return IntegralCheck("inconclusive", "exact value vs mpmath.quad", tuple(used),
                                     diff, "the two quadrature rules disagree with each other "
                                     "(singular or oscillatory integrand?)")
            return IntegralCheck("refuted", "exact value vs mpmath.quad", tuple(used), diff,
                                 f"exact {mpmath.nstr(exact, 12)} vs quad "
                                 f"{mpmath.nstr(q, 12)} at {used[-1]}")
        worst = max(worst, diff)
    if not used:
        return IntegralCheck("inconclusive", "exact value vs mpmath.quad", (), None,
                             "the value is not a finite number at any sampled parameters")
    where = f" at {len(used)} random parameter values" if params else ""
    detail = "" if quad_value is None else "quad = " + mpmath.nstr(
        quad_value.real if quad_value.imag == 0 else quad_value, min(dps, 20))
    return IntegralCheck("verified", f"exact value vs mpmath.quad{where}, {dps} digits",
                         tuple(used), worst, detail)


# ---------------------------------------------------------------------------
# the driver
# ---------------------------------------------------------------------------

def _complete(value):
    """True when value holds no unevaluated Integral on at least one branch."""
    if isinstance(value, sp.Piecewise):
        return any(not e.has(sp.Integral) for e, _ in value.args)
    return not value.has(sp.Integral)


def _attempt_plan(f, limits):
    params = (f.free_symbols | set().union(*(set().union(*(b.free_symbols for b in lim[1:]))
                                             for lim in limits))) - {lim[0] for lim in limits}
    plan = [("sympy.integrate", {}, None),
            ("sympy.integrate(meijerg=True)", {"meijerg": True}, None),
            ("sympy.integrate(manual=True)", {"manual": True}, None)]
    unsigned = sorted((p for p in params if p.is_positive is None and p.is_real),
                      key=lambda s: s.name)
    if unsigned:
        plan.append(("sympy.integrate with positive parameters", {},
                     {p: sp.Symbol(p.name, positive=True) for p in unsigned}))
    return plan


def integrate(f, *limits, digits=15, seconds=None, symbols=None, seed=0):
    """Integrate ``f`` exactly if SymPy can within the budget, else numerically.

    Parameters
    ----------
    f : str or sympy.Expr
        The integrand; text is read by :func:`derive.parsing.parse` (names become
        real symbols unless given in ``symbols``).
    *limits : symbol, name, or (variable, a, b)
        As in ``sympy.integrate``: ``x`` for an antiderivative, ``(x, a, b)`` for
        a definite integral (``"oo"`` for infinity); several for an iterated
        integral, innermost first.
    digits : int, optional
        Significant digits of a numeric answer (1 to 50, default 15).
    seconds : float, optional
        Total budget of the call (default :data:`DEFAULT_SECONDS`).
    symbols : iterable of Symbol or dict, optional
        Symbols with assumptions to use for names in the text, e.g.
        ``[Symbol("a", positive=True)]``.
    seed : int, optional
        Seed of the random verification points.

    Returns
    -------
    IntegralResult

    Raises
    ------
    ParseError
        The integrand or a limit is not a valid expression.
    ValueError
        ``digits`` or ``seconds`` out of range.

    Examples
    --------
    >>> import sympy as sp
    >>> a = sp.Symbol("a", positive=True)
    >>> r = integrate("exp(-a*x)", ("x", 0, "oo"), symbols=[a])
    >>> r.value, r.check.status
    (1/a, 'verified')
    >>> integrate("x*exp(x)", "x").value
    (x - 1)*exp(x)
    >>> print(integrate("x**x", ("x", 0, 1)).value)
    0.783430510712134
    """

    expr, lims, digits, seconds = _integrate_iv(f, limits, digits, seconds, symbols)
    question = sp.Integral(expr, *lims)
    definite = all(len(lim) == 3 for lim in lims)
    scale = scaled_seconds(seconds) / seconds      # DERIVE_TIME_BUDGET stretches the total

    def run(func, args, seconds, what):
        return guarded(func, args, seconds=seconds / scale, what=what)

    seconds *= scale
    start = time.monotonic()
    deadline = start + seconds
    symbolic_deadline = start + _SYMBOLIC_SHARE * seconds
    attempts, refuted = [], None
    plan = _attempt_plan(expr, lims)
    for i, (name, options, positive) in enumerate(plan):
        left = symbolic_deadline - time.monotonic()
        if left < _MIN_SLICE and i > 0:
            break
        share = max(_MIN_SLICE, left * (0.7 if i == 0 else 1.0 / (len(plan) - i)))
        g, glims = expr, lims
        if positive:
            g = expr.xreplace(positive)
            glims = tuple(tuple(t.xreplace(positive) for t in lim) for lim in lims)
        t0 = time.monotonic()
        try:
            value = run(_sympy_attempt, args=(g, glims, options, True), seconds=share,
                        what=f"{name} of {sp.sstr(expr)}")
        except DerivationTimeout:
            attempts.append((name, f"out of budget ({share:.1f} s)", time.monotonic() - t0))
            continue
        except Exception as exc:  # SymPy raises many kinds on hard integrals
            attempts.append((name, f"failed: {type(exc).__name__}: {exc}"[:200],
                             time.monotonic() - t0))
            continue
        if positive:
            value = value.xreplace({v: k for k, v in positive.items()})
        if not _complete(value):
            attempts.append((name, "returned unevaluated", time.monotonic() - t0))
            continue
        check = _guarded_check(run, expr, lims, value, definite, digits, seed, deadline)
        attempts.append((name, f"closed form, {check.status}", time.monotonic() - t0))
        if check.status == "refuted":
            refuted = (name, value, check)
            continue
        assumed = tuple(f"{p} > 0" for p in (positive or {}))
        return IntegralResult(question, value, "exact", name, None, check, digits,
                              tuple(attempts), assumed)

    if not definite:
        note = "no closed form verified within the budget"
        if refuted:
            note = f"{refuted[0]} gave {sp.sstr(refuted[1])}, refuted: {refuted[2].detail}"
        return IntegralResult(question, question, "unevaluated", "none", None,
                              IntegralCheck("inconclusive", "none", (), None, note), digits,
                              tuple(attempts))
    return _numeric_fallback(run, question, expr, lims, digits, deadline, attempts, refuted)


def _guarded_check(run, expr, lims, value, definite, digits, seed, deadline):
    left = deadline - time.monotonic()
    # verification may borrow from the numeric share but keeps a slice for it
    share = max(_MIN_SLICE, 0.6 * left)
    try:
        if definite:
            return run(_verify_definite, args=(expr, lims, value, digits, seed), seconds=share,
                       what="verification of the integral by mpmath.quad")
        return run(_verify_antiderivative, args=(expr, value, [lim[0] for lim in lims], seed),
                   seconds=share, what="verification of the antiderivative")
    except DerivationTimeout:
        return IntegralCheck("inconclusive", "verification", (), None,
                             f"verification ran out of its budget ({share:.1f} s)")
    except Exception as exc:
        return IntegralCheck("inconclusive", "verification", (), None,
                             f"verification failed: {type(exc).__name__}: {exc}"[:200])


def _numeric_fallback(run, question, expr, lims, digits, deadline, attempts, refuted):
    params = question.free_symbols
    why = "no closed form verified within the budget"
    if refuted:
        why = (f"{refuted[0]} gave {sp.sstr(refuted[1])}, refuted by {refuted[2].method}: "
               f"{refuted[2].detail}")
    if params:
        names = ", ".join(sorted(map(str, params)))
        return IntegralResult(question, question, "unevaluated", "none", None,
                              IntegralCheck("inconclusive", "none", (), None,
                                            f"{why}; no numeric value because of the "
                                            f"parameters {names} (substitute numbers)"),
                              digits, tuple(attempts))
    left = max(_MIN_SLICE, deadline - time.monotonic())
    t0 = time.monotonic()
    failed = None
    try:
        value, err, other = run(_two_rules, args=(expr, lims, digits + 5), seconds=left,
                                what=f"mpmath.quad of {sp.sstr(expr)}")
    except DerivationTimeout:
        failed = "ran out of the budget"
    except (ValueError, ZeroDivisionError, TypeError, ArithmeticError) as exc:
        failed = f"failed: {exc}"
    if failed:
        attempts.append(("mpmath.quad", failed[:200], time.monotonic() - t0))
        return IntegralResult(question, question, "unevaluated", "none", None,
                              IntegralCheck("inconclusive", "none", (), None,
                                            f"{why}; mpmath.quad {failed}"),
                              digits, tuple(attempts))
    attempts.append(("mpmath.quad", "numeric", time.monotonic() - t0))
    with mpmath.workdps(digits + 5):
        err = float(err)
        if value.imag == 0:
            number = sp.Float(value.real, digits)
        else:
            number = sp.Float(value.real, digits) + sp.I * sp.Float(value.imag, digits)
        scale = max(float(abs(value)), 1.0)
        tol = 10.0 ** (-digits) * scale * 10
        agree = None if other is None else float(abs(other - value))
    if agree is not None and agree <= max(tol, 10 * err) and err <= tol:
        check = IntegralCheck("verified", "tanh-sinh on the whole range and on a split range agree",
                              (), agree, f"{why}; estimated absolute error {err:.2g}")
    else:
        second = ("the second rule failed" if agree is None else
                  f"the split range differs by {agree:.2g}")
        check = IntegralCheck("inconclusive", "tanh-sinh error estimate vs a split range",
                              (), agree, f"{why}; estimated absolute error {err:.2g}, {second}: "
                              f"fewer than {digits} digits may be correct (oscillatory or "
                              "singular integrand?)")
    return IntegralResult(question, number, "numeric", "mpmath.quad (tanh-sinh)", err, check,
                          digits, tuple(attempts))
