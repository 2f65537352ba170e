"""Stationary points in closed form, classified by the Hessian's eigenvalues.

:func:`stationary_points` solves ``grad f = 0`` exactly (SymPy ``solveset`` for
one variable, ``solve`` for several) inside :func:`derive.guard.run`'s time
budget, then evaluates the exact Hessian at each real solution to 50 digits
(mpmath) and classifies it:

``minimum``     all eigenvalues > 0
``maximum``     all eigenvalues < 0
``saddle``      eigenvalues of both signs
``degenerate``  some eigenvalue is 0 and the others share a sign: the
                second-derivative test is inconclusive.

What could not be listed is said, never dropped: a continuum of solutions
(``status="infinite"``, the families are in ``families``), periodic solutions
listed one period only (``"partial"``), or a system SymPy cannot solve or
that exceeds the budget, where the points are then enumerated numerically
(``"numeric"``, :mod:`derive.optimize.stationary_numeric`; ``"failed"`` or
``"timeout"`` if that finds nothing either). Each point is checked:
the gradient evaluated there at 50 digits must vanish (``check``).

Examples
--------
>>> import sympy as sp
>>> from derive.optimize.stationary import stationary_points
>>> x, y = sp.symbols("x y", real=True)
>>> sp_ = stationary_points(x**3 - 3*x + y**2, [x, y])
>>> [(p.point[x], p.point[y], p.kind) for p in sp_.points]
[(-1, 0, 'saddle'), (1, 0, 'minimum')]
>>> sp_.status
'complete'
>>> stationary_points((x + y)**2, [x, y]).status
'infinite'
"""

from __future__ import annotations

from dataclasses import dataclass, field

import mpmath
import numpy as np
import sympy as sp

from derive.errors import DerivationTimeout
from derive.guard import CpuBudget, run
from derive.optimize.problem import Problem, result_of
from derive.optimize.stationary_numeric import enumerate_stationary

KINDS = ("minimum", "maximum", "saddle", "degenerate")
#: Under a shared ``budget``: CPU seconds the solve leaves for the numeric enumeration
#: (at most a quarter of what is left), and the least the enumeration gets even when
#: nothing is left, if the whole budget is as large (120 starts and the refinement
#: take about 0.2-0.6 s on small input).
NUMERIC_RESERVE = 1.0
NUMERIC_FLOOR = 1.0
_DPS = 50
#: how the points' gradients are checked
_CHECK_METHOD = f"grad f evaluated at each point, {_DPS} digits"


def _solve_gradient(equations, syms):
    """Module-level (picklable) worker: solutions of ``equations = 0``.

    Returns ``("finite", [dict, ...])``, ``("imageset", [dict, ...], set)``
    for periodic one-variable sets, or ``("family", [dict, ...])``.
    """
    if len(syms) == 1:
        (x,), (eq,) = syms, equations
        dom = sp.S.Reals if x.is_real else sp.S.Complexes
        sol = sp.solveset(eq, x, domain=dom)
        if isinstance(sol, sp.FiniteSet):
            return ("finite", [{x: v} for v in sol])
        if sol is sp.S.EmptySet:
            return ("finite", [])
        if isinstance(sol, sp.ConditionSet):
            raise NotImplementedError(f"solveset returned {sol}")
        # an interval (f constant there) or a periodic ImageSet union: infinite
        pieces = sol.args if isinstance(sol, sp.Union) else (sol,)
        listed = []
        for piece in pieces:
            if isinstance(piece, sp.FiniteSet):
                listed += [{x: v} for v in piece]
            elif isinstance(piece, sp.ImageSet):
                lam = piece.lamda
                listed.append({x: lam.expr.subs(lam.variables[0], 0)})
        return ("infinite-set", listed, sol)
    sols = sp.solve(list(equations), list(syms), dict=True)
    return ("finite", sols)


@dataclass(frozen=True)
class StationaryPoint:
    """One stationary point: exact coordinates, value, class and Hessian eigenvalues."""

    point: dict
    value: sp.Expr
    kind: str
    eigenvalues: tuple
    x: np.ndarray = field(repr=False, compare=False)
    fun: float = field(default=float("nan"), compare=False)

    def __str__(self):
        coords = ", ".join(f"{k} = {v}" for k, v in self.point.items())
        eig = ", ".join(f"{e:.6g}" for e in self.eigenvalues)
        return f"{self.kind:<10} at ({coords}), f = {self.value}  [Hessian eigenvalues: {eig}]"


@dataclass(frozen=True)
class StationaryPoints:
    """The stationary points of ``f`` over ``wrt`` and how completely they were found.

    Attributes
    ----------
    f, wrt
        The objective and its variables.
    points : list of StationaryPoint
        Real, isolated stationary points, sorted by coordinates.
    families : list of dict
        Solutions with free parameters (a continuum of stationary points).
    status : {"complete", "infinite", "partial", "none", "numeric", "failed", "timeout"}
        ``"complete"``: every real stationary point is listed.
        ``"numeric"``: ``solve`` gave up; the points were found by numeric
        enumeration (many starts, Newton-refined to 50 digits): there may be others.
        ``"infinite"``: there are infinitely many (see ``families``/``message``).
        ``"partial"``: periodic solutions, one period listed.
        ``"none"``: there is no real stationary point.
        ``"failed"``/``"timeout"``: the system could not be solved.
    message : str
        What was found and how it was checked.
    gradient, hessian
        The derivations (or matrices) used.
    check : dict
        ``max_abs_gradient``: the largest |grad f| over the points at 50 digits.
    """

    f: sp.Expr
    wrt: tuple
    points: list
    families: list
    status: str
    message: str
    gradient: object = field(repr=False)
    hessian: object = field(repr=False)
    check: dict = field(default_factory=dict)

    def of_kind(self, kind):
        """The points of one ``kind`` (``"minimum"``, ``"maximum"``, ...)."""
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
        return [p for p in self.points if p.kind == kind]

    def __str__(self):
        lines = [f"stationary points of {self.f} over ({', '.join(map(str, self.wrt))}): "
                 f"{self.status}"]
        lines += ["  " + str(p) for p in self.points]
        lines += ["  family: " + ", ".join(f"{k} = {v}" for k, v in fam.items())
                  for fam in self.families]
        lines.append("  " + self.message)
        return "\n".join(lines)


def _is_real_solution(sol, syms):
    for s in syms:
        v = sol[s]
        if v.is_real is False:
            return False
        if v.is_real is None:
            num = complex(sp.N(v, _DPS))
            if abs(num.imag) > 1e-30 * max(1.0, abs(num.real)):
                return False
    return True


def _real(expr):
    """A real number (mpmath, 50 digits) from an exact SymPy number whose
    numeric value may carry a round-off imaginary part (casus irreducibilis)."""
    re, im = sp.N(expr, _DPS).as_real_imag()
    return mpmath.mpf(str(sp.N(re, _DPS)))


def _eigenvalues(H_at):
    with mpmath.workdps(_DPS):
        M = mpmath.matrix([[_real(e) for e in row] for row in H_at.tolist()])
        M = (M + M.T) / 2
        lam = mpmath.eigsy(M, eigvals_only=True)
        vals = sorted(lam[i] for i in range(len(lam)))
        scale = max([abs(v) for v in vals] + [mpmath.mpf(1)])
        signs = [0 if abs(v) < mpmath.mpf(10) ** (-30) * scale else (1 if v > 0 else -1)
                 for v in vals]
        return tuple(float(v) for v in vals), signs


def classify(signs):
    """Second-derivative-test class from the signs (-1, 0, 1) of the eigenvalues.

    Examples
    --------
    >>> from derive.optimize.stationary import classify
    >>> classify([1, 1]), classify([-1, -1]), classify([-1, 0, 1]), classify([0, 1])
    ('minimum', 'maximum', 'saddle', 'degenerate')
    """
    if any(s > 0 for s in signs) and any(s < 0 for s in signs):
        return "saddle"
    if any(s == 0 for s in signs):
        return "degenerate"
    return "minimum" if signs[0] > 0 else "maximum"


def stationary_points(f, wrt=None, *, seconds=10.0, numeric_seconds=None, budget=None):
    """Find and classify the stationary points of ``f`` (``grad f = 0``).

    Parameters
    ----------
    f : str or sympy.Expr
        The function (text is parsed safely by :func:`derive.parsing.parse`).
    wrt : sequence of str or Symbol, optional
        The variables; default all free symbols, sorted by name.
    seconds : float, optional
        CPU-time budget of the whole call (see :func:`derive.guard.run` for how
        it is measured): the symbolic solve gets what is left after
        differentiating, less :data:`NUMERIC_RESERVE` (at most a quarter of it),
        the numeric enumeration that follows when ``solve`` gives up what is
        left then, but at least ``min(seconds, NUMERIC_FLOOR)``. So the call
        uses at most ``seconds + min(seconds, 1 s)``, plus differentiating and
        classifying, which cannot be stopped midway.
    numeric_seconds : float, optional
        A budget of its own for the numeric enumeration; ``seconds`` then bounds
        the solve alone.
    budget : derive.guard.CpuBudget, optional
        One CPU-time account shared with the caller's other work
        (``minimize(seconds=)`` passes its own), used as ``seconds`` is; it
        replaces ``seconds`` and ``numeric_seconds``.

    Returns
    -------
    StationaryPoints
        Points with exact coordinates, values, class and Hessian eigenvalues,
        a ``status`` saying whether the list is complete, and a ``check``.

    Examples
    --------
    >>> from derive.optimize.stationary import stationary_points
    >>> import sympy as sp
    >>> x, y = sp.symbols("x y", real=True)
    >>> res = stationary_points(x**2 - y**2, [x, y])
    >>> res.points[0].kind, res.points[0].eigenvalues
    ('saddle', (-2.0, 2.0))
    >>> stationary_points(sp.cos(x), [x]).status
    'infinite'
    >>> stationary_points(x**4 + y**2, [x, y]).points[0].kind
    'degenerate'
    """
    if budget is None and numeric_seconds is None:
        budget = CpuBudget(seconds)
    prob = Problem.build(f, wrt)
    grad_d, hess_d = prob.gradient(), prob.hessian()
    grad = list(result_of(grad_d))
    H = sp.ImmutableMatrix(result_of(hess_d))
    syms = prob.wrt
    common = dict(f=prob.f, wrt=syms, gradient=grad_d, hessian=hess_d)
    never_zero = _never_zero(grad, syms)
    if never_zero is not None:  # certain without solving: no solve, no numeric search
        return StationaryPoints(
            points=[], families=[], status="none",
            message=(f"grad f = 0 has no real solution: f has no stationary point "
                     f"(d f/d {never_zero[0]} = {never_zero[1]} is never zero)"),
            check={"max_abs_gradient": 0.0, "method": _CHECK_METHOD}, **common)
    budgets = _Budgets(seconds, numeric_seconds, budget)
    try:
        solved = budgets.solve(_solve_gradient, (grad, syms),
                               what=f"solving grad f = 0 for {prob.f}")
    except DerivationTimeout as exc:
        return _numeric(prob, grad, H, syms, budgets, "timeout",
                        f"{exc} Try derive.optimize.minimize from a start point for a "
                        "numeric minimum.", common)
    except (NotImplementedError, ValueError, TypeError) as exc:
        return _numeric(prob, grad, H, syms, budgets, "failed",
                        f"SymPy could not solve grad f = 0 ({exc}). Try "
                        "derive.optimize.minimize from a start point.", common)
    kind, sols = solved[0], solved[1]
    families, isolated = [], []
    for sol in sols:
        if set(sol) != set(syms) or any(set(v.free_symbols) & set(syms) for v in sol.values()):
            families.append(sol)
        elif _is_real_solution(sol, syms):
            isolated.append(sol)
    points, worst = [], 0.0
    for sol in isolated:
        sub = {s: sol[s] for s in syms}
        eig, signs = _eigenvalues(H.subs(sub))
        with mpmath.workdps(_DPS):
            worst = max(worst, max(abs(complex(sp.N(g.subs(sub), _DPS))) for g in grad))
        x = np.array([float(_real(sol[s])) for s in syms])
        value = prob.f.subs(sub)
        if sp.count_ops(value) <= 30:  # small: cheap to tidy; large radicals stay as is
            value = sp.simplify(value)
        points.append(StationaryPoint(sub, value, classify(signs), eig, x,
                                      float(_real(value))))
    points.sort(key=lambda p: tuple(p.x))
    n = len(points)
    if kind == "infinite-set":
        status = "infinite"
        msg = (f"grad f = 0 has infinitely many real solutions: {solved[2]}; "
               f"listed {n} representative(s)")
    elif families:
        status = "infinite"
        msg = (f"{len(families)} continuum(s) of stationary points (see families)"
               + (f" and {n} isolated point(s)" if n else ""))
    elif _periodic(prob.f) and n:
        status = "partial"
        msg = (f"{n} point(s) found; f has periodic terms, so there may be infinitely many "
               "stationary points (solve lists one period)")
    elif n == 0:
        # solve can return [] for systems it does not finish (sympy's polynomial
        # solver on x**4 + y**4 + z**4 - 4xyz + x - y); numbers decide
        found = _numeric(prob, grad, H, syms, budgets, "none",
                         "grad f = 0 has no real solution according to solve", common)
        if found.points:
            return found
        status = "none"
        msg = ("grad f = 0 has no real solution: f has no stationary point (solve found none, "
               "and neither did a numeric enumeration from seeded starts)")
    else:
        status = "complete"
        msg = f"{n} stationary point(s), every real solution of grad f = 0"
    check = {"max_abs_gradient": worst, "method": _CHECK_METHOD}
    if n:
        msg += f"; checked: |grad f| <= {worst:.1e} at every point ({_DPS}-digit evaluation)"
    return StationaryPoints(points=points, families=families, status=status, message=msg,
                            check=check, **common)


def _never_zero(grad, syms):
    """``(variable, component)`` of a gradient component that SymPy's assumptions
    prove nonzero (``2``, ``exp(x)``, ``3*x**2 + 1``), or ``None``: then solve's
    empty answer is certain and needs no numeric cross-check."""
    for s, g in zip(syms, grad):
        if g.is_nonzero:
            return s, g
    return None


def _numeric(prob, grad, H, syms, budgets, status, message, common):
    """solve gave up: enumerate the stationary points numerically, labelled numeric."""
    try:
        found = budgets.numeric(enumerate_stationary, (prob.f, syms),
                                what=f"numeric enumeration of the stationary points of {prob.f}")
    except DerivationTimeout as exc:
        return StationaryPoints(points=[], families=[], status=status,
                                message=f"{message} The numeric enumeration did not finish "
                                        f"either ({exc})", **common)
    except (ValueError, TypeError, ArithmeticError, NotImplementedError) as exc:
        # NotImplementedError: a Hessian NumPy cannot print (DiracDelta from abs)
        return StationaryPoints(points=[], families=[], status=status,
                                message=f"{message} The numeric enumeration failed ({exc})",
                                **common)
    points, worst = [], 0.0
    for sol in found:
        eig, signs = _eigenvalues(H.subs(sol))
        with mpmath.workdps(_DPS):
            worst = max(worst, max(abs(complex(sp.N(g.subs(sol), _DPS))) for g in grad))
        value = sp.N(prob.f.subs(sol), _DPS)
        points.append(StationaryPoint(sol, value, classify(signs), eig,
                                      np.array([float(sol[s]) for s in syms]), float(value)))
    why = {"timeout": "solve ran out of its time budget (seconds= gives it more, for a closed "
                      "form)",
           "none": "solve returned no real solution, which numbers contradict"}.get(
        status, "solve could not solve it")
    msg = (f"{why}; {len(points)} stationary point(s) found by numeric enumeration (seeded "
           "starts in [-1, 1], [-2, 2] and [-4, 4] per coordinate, Newton on the gradient and "
           "trust-region minimization, deduplicated, each refined by Newton at "
           f"{_DPS} digits and classified by its Hessian); numeric: points the starts did "
           "not reach may exist")
    if points:
        msg += f"; checked: |grad f| <= {worst:.1e} at every point ({_DPS}-digit evaluation)"
    check = {"max_abs_gradient": worst, "method": f"{_CHECK_METHOD}, after Newton refinement"}
    return StationaryPoints(points=points, families=[], status="numeric", message=msg,
                            check=check, **common)


class _Budgets:
    """The solve's and the numeric enumeration's budgets: one shared
    :class:`~derive.guard.CpuBudget`, or ``seconds`` and ``numeric_seconds``."""

    def __init__(self, seconds, numeric_seconds, budget):
        self.shared = budget
        self.seconds = seconds
        self.numeric_seconds = numeric_seconds

    def solve(self, func, args, *, what):
        if self.shared is None:
            return run(func, args, seconds=self.seconds, what=what)
        return self.shared.run(func, args, what=what, reserve=NUMERIC_RESERVE)

    def numeric(self, func, args, *, what):
        if self.shared is None:
            return run(func, args, seconds=self.numeric_seconds, what=what)
        return self.shared.run(func, args, what=what, floor=NUMERIC_FLOOR)


def _periodic(expr):
    return any(isinstance(a, (sp.sin, sp.cos, sp.tan, sp.cot, sp.sec, sp.csc))
               for a in sp.preorder_traversal(expr))
