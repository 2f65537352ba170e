"""Closed-form maximum likelihood estimates, in terms of n and the statistics.

SymPy's ``solve`` returns ``[]`` for score equations written with ``Sum``
(sympy#15865) and times out on many textbook MLEs. :func:`mle` never hands it a
sum: the :class:`~derive.estimation.model.Likelihood` already wrote the
log-likelihood with each sufficient statistic (``sum x``, ``sum x**2``,
``sum log x``, ...) as a plain symbol, so the score equations are ordinary
algebraic equations. They are solved under :func:`derive.guard.run`; every
candidate is checked to be a maximum inside the parameter domain (second
order), and the formulas are handed back with the statistics both as symbols
and as the sums they stand for.

Three cases are not stationary points of a smooth function and are solved as
what they are:

* Laplace location: ``sum |x_i - mu|`` is not differentiable at the data; it is
  minimized by the sample median (any point between the middle order
  statistics when n is even).
* Uniform(0, theta): the likelihood ``theta**-n`` on ``theta >= max x_i`` is
  decreasing, so the maximum is on the boundary, ``max x_i``.
* A constraint ``g(theta) = 0`` (categorical ``sum p = 1``): a Lagrange
  multiplier, and the second-order check on the constraint's tangent space.

Examples
--------
>>> import sympy as sp
>>> from sympy.stats import Normal
>>> from derive.estimation.closed_form import mle
>>> mu = sp.Symbol("mu", real=True); sigma = sp.Symbol("sigma", positive=True)
>>> est = mle(Normal("X", mu, sigma), [mu, sigma])
>>> est.estimates
{mu: sum_x/n, sigma: sqrt(n*sum_x_2 - sum_x**2)/n}
>>> est.method
'stationary point'
>>> est.second_order
'verified: -Hessian at the stationary point is diag/minors (n/sigma**2, 2*n**2/sigma**4) > 0 on the domain'
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import sympy as sp

from derive.derivation import Step
from derive.errors import NoClosedFormError
from derive.estimation.build import likelihood
from derive.estimation.model import Likelihood, N, _linear_solve
from derive.guard import run

__all__ = ["ClosedFormMLE", "mle", "solve_score"]

#: Seconds the guarded solve of the score equations may take.
SOLVE_SECONDS = 20.0


@dataclass(frozen=True, eq=False)
class ClosedFormMLE:
    """A closed-form maximum likelihood estimate.

    Attributes
    ----------
    likelihood : Likelihood
    estimates : dict
        Parameter -> formula in ``n``, the statistic symbols and known constants.
    method : str
        ``"stationary point"``, ``"Lagrange multiplier"``, ``"median"`` or
        ``"boundary"``.
    second_order : str
        How the candidate was shown to be a maximum.
    notes : tuple of str
        What a reader should know (non-differentiability, boundary, ...).
    steps : tuple of Step
    seconds : float
        Wall time of the derivation.
    extra_statistics : dict
        Symbols used by the estimates that are not sums of the data
        (``max_x``, ``median_x``, ``sum_abs_dev_x``) -> their definition.
    """

    likelihood: Likelihood
    estimates: Mapping[Any, Any]
    method: str
    second_order: str
    notes: tuple = ()
    steps: tuple = ()
    seconds: float = 0.0
    extra_statistics: Mapping[Any, Any] = field(default_factory=dict)

    @property
    def formulas(self):
        """The estimates with each statistic written as the sum it stands for."""
        subs = dict(self.likelihood.statistics)
        return {p: e.subs(subs) for p, e in self.estimates.items()}

    def __str__(self):
        lines = [f"{p}_hat = {e}" for p, e in self.estimates.items()]
        for t, d in list(self.likelihood.statistics.items()) + list(self.extra_statistics.items()):
            if any(e.has(t) for e in self.estimates.values()):
                lines.append(f"  where {t} = {d}")
        for c, v in self.likelihood.constant_values.items():
            lines.append(f"  where {c} = {v}")
        lines.append(f"method: {self.method}; second order: {self.second_order}")
        lines.extend(f"note: {n}" for n in self.notes)
        return "\n".join(lines)

    def _repr_latex_(self):
        return "$" + r",\quad ".join(
            rf"\hat{{{sp.latex(p)}}} = {sp.latex(e)}" for p, e in self.formulas.items()) + "$"


def _clean(eq):
    """The numerator of ``eq`` without factors that cannot vanish (powers of positives)."""
    num = sp.factor_terms(sp.numer(sp.together(eq)))
    keep = [f for f in sp.Mul.make_args(num)
            if not (f.is_number and f != 0) and not (f.is_positive or f.is_negative)]
    return sp.Mul(*keep)


def solve_score(equations, unknowns):
    """Solve the score equations in stages (module level, for the guard).

    Each equation is reduced to its numerator (factors such as ``sigma**-3``
    cannot vanish); then the smallest block of unknowns that as many
    equations involve alone is solved first (the normal equations of a
    regression before its variance), its solutions substituted, and so on.

    Examples
    --------
    >>> import sympy as sp
    >>> m = sp.Symbol("m", real=True); s = sp.Symbol("s", positive=True)
    >>> solve_score([(4 - 2*m) / s**2, -2/s + (6 - 4*m + 2*m**2) / s**3], [m, s])
    [{m: 2, s: sqrt(3)}]
    """
    eqs = [e for e in (_clean(e) for e in equations) if e != 0]
    # a branch: (parts solved so far, in order; equations left; unknowns left). Solved
    # unknowns stay symbols in the equations left (treated as known), and are
    # substituted only at the end: no big expression is ever solved or cancelled.
    branches = [([], eqs, list(unknowns))]
    done = []
    while branches:
        parts_so_far, eqs, remaining = branches.pop()
        if not remaining:
            final = {}
            for part in parts_so_far:
                final.update({k: v.subs(final) for k, v in part.items()})
            done.append({u: final[u] for u in unknowns})
            continue
        block = None
        for size in range(1, len(remaining) + 1):
            for S in combinations(remaining, size):
                E = [e for e in eqs if e.free_symbols & set(remaining) <= set(S)
                     and e.free_symbols & set(S)]
                if len(E) >= size:
                    block = (list(S), E)
                    break
            if block:
                break
        if block is None:
            continue
        S, E = block
        parts = None
        try:  # a linear block (normal equations): Gaussian elimination, much faster
            lin = sp.linsolve(E, S)
        except ValueError:  # NonlinearError
            lin = None
        if isinstance(lin, sp.FiniteSet) and len(lin) == 1:
            (vals,) = lin.args
            if not any(v.has(*S) for v in vals):
                parts = [{u: sp.factor(sp.cancel(v)) for u, v in zip(S, vals)}]
        if parts is None:
            try:
                parts = sp.solve(E, S, dict=True)
            except NotImplementedError:  # transcendental (digamma, ...): no closed form
                parts = []
        for part in parts:
            if not all(v in part for v in S):
                continue
            branches.append((parts_so_far + [part], [e for e in eqs if e not in E],
                             [v for v in remaining if v not in S]))
    return done


def _guarded_solve(equations, unknowns, what):
    return run(solve_score, (tuple(equations), tuple(unknowns)), seconds=SOLVE_SECONDS, what=what)


def _reparam(interval, p):
    """Substitution mapping a positive dummy onto ``interval`` (for sign checks)."""
    t = sp.Dummy("t", positive=True)
    lo, hi = interval.inf, interval.sup
    if lo.is_finite and hi.is_finite:
        return lo + (hi - lo) * t / (1 + t)
    if lo.is_finite:
        return lo + t
    if hi.is_finite:
        return hi - t
    return sp.Dummy(p.name, real=True)


def _sign_positive(expr):
    """True / False / None: is ``expr`` positive (after light simplification)?"""
    for form in (expr, sp.factor(sp.cancel(expr))):
        val = form.is_positive
        if val is not None:
            return val
    return None


def _second_order(L, params, hess, score, cand, stats_positive=False):
    """Describe why ``cand`` is a maximum, or raise when it is not."""
    # Express the statistics through the parameters using score = 0 (linear in them).
    known = set(params) | {N} | set(L.constants)
    stats_in = sorted({t for s in score for t in s.free_symbols} - known, key=str)
    H = hess
    used = "at the stationary point"
    if stats_in:
        sol = _linear_solve(score, stats_in)
        if sol is not None and not {t for t in H.free_symbols - known if t not in sol}:
            H = hess.subs(sol)
        else:
            H = hess.subs(cand)
            used = "at the candidate"
    if sum(sp.count_ops(e) for e in H) > 400:
        return ("inconclusive symbolically (the Hessian at the candidate is too large to sign "
                "in closed form); the Hessian is checked numerically on data by fit()")
    sub = {p: _reparam(L.domain[p], p) for p in params}
    if stats_positive:
        sub.update({t: sp.Dummy(t.name, positive=True) for t in L.statistics})
    minors = []
    negH = -H
    for k in range(1, negH.shape[0] + 1):
        m = sp.factor(sp.cancel(negH[:k, :k].det()))
        ok = _sign_positive(m.subs(sub))
        if ok is False:
            raise NoClosedFormError(
                f"the stationary point {cand} is not a maximum: leading minor {k} of "
                f"-Hessian is {m}, not positive. The likelihood may be unbounded; "
                "check the parameterization.")
        if ok is None:
            return (f"inconclusive symbolically (minor {k} of -Hessian {m} has undecided sign); "
                    "the Hessian is checked numerically on data by fit()")
        minors.append(m)
    return (f"verified: -Hessian {used} is diag/minors ({', '.join(map(str, minors))}) > 0 "
            "on the domain")


def _median_case(L):
    """Laplace-type: residual sum_i c(theta) |x_i - mu|; returns (mu, c, A symbol)."""
    x = L.variables[0] if len(L.variables) == 1 else None
    terms = sp.Add.make_args(L.residual)
    mus = set()
    coef = sp.Integer(0)
    for term in terms:
        absf = [f for f in sp.Mul.make_args(term) if isinstance(f, sp.Abs)]
        rest = sp.Mul(*[f for f in sp.Mul.make_args(term) if not isinstance(f, sp.Abs)])
        if len(absf) != 1 or x is None:
            return None
        arg = absf[0].args[0]
        ps = arg.free_symbols & set(L.params)
        if len(ps) != 1 or not sp.expand(arg).is_polynomial(x, *ps):
            return None
        (mu,) = ps
        if sp.expand(arg - (x - mu)) != 0 and sp.expand(arg + (x - mu)) != 0:
            return None
        if rest.has(mu) or rest.has(x):
            return None
        mus.add(mu)
        coef += rest
    if len(mus) != 1:
        return None
    return mus.pop(), coef


def mle(density, params=None, *, var=None, domain=None, support=None, constraint=None):
    """Closed-form maximum likelihood estimates.

    Parameters
    ----------
    density : Likelihood, str, sympy expression or sympy.stats random symbol
        The model; anything but a :class:`Likelihood` is passed to
        :func:`~derive.estimation.model.likelihood` with ``params``, ``var``,
        ``domain``, ``support`` and ``constraint``.
    params : sequence, optional
        The parameters (required unless ``density`` is a Likelihood).

    Returns
    -------
    ClosedFormMLE

    Raises
    ------
    NoClosedFormError
        When the score equations have no closed-form solution in the domain
        (then use :func:`derive.fitting.fit` with data: Newton).
    DerivationTimeout
        When solving exceeds its budget (:data:`SOLVE_SECONDS`).

    Examples
    --------
    Uniform(0, theta): the maximum is on the boundary.

    >>> import sympy as sp
    >>> from sympy.stats import Uniform
    >>> from derive.estimation.closed_form import mle
    >>> theta = sp.Symbol("theta", positive=True)
    >>> est = mle(Uniform("X", 0, theta), [theta])
    >>> est.estimates, est.method
    ({theta: max_x}, 'boundary')

    Categorical with three classes (one-hot ``x1, x2, x3``), ``sum p = 1``:

    >>> p1, p2, p3 = sp.symbols("p1 p2 p3", positive=True)
    >>> x1, x2, x3 = sp.symbols("x1 x2 x3", real=True)
    >>> est = mle(p1**x1 * p2**x2 * p3**x3, [p1, p2, p3], var=[x1, x2, x3],
    ...           constraint=p1 + p2 + p3 - 1)
    >>> est.estimates[p1]
    sum_x1/(sum_x1 + sum_x2 + sum_x3)
    """
    start = time.perf_counter()
    L = density if isinstance(density, Likelihood) else likelihood(
        density, params, var=var, domain=domain, support=support, constraint=constraint)
    steps = [Step("log-likelihood in terms of the sufficient statistics", L.loglik)]
    notes, extra = [], {}
    loglik = L.loglik
    params = list(L.params)
    fixed = {}
    method = "stationary point"

    if L.residual != 0:
        med = _median_case(L)
        if med is None:
            raise NoClosedFormError(
                f"no closed-form MLE: the log-likelihood term {L.residual} does not reduce to "
                "sufficient statistics, so the score equations are not algebraic. Estimate "
                "numerically: derive.fit(model, data=...) uses Newton's method with "
                "the exact score and Hessian.")
        mu, coef = med
        x = L.variables[0]
        median = sp.Symbol(f"median_{x.name}", real=True)
        absdev = sp.Symbol(f"sum_abs_dev_{x.name}", nonnegative=True)
        extra[median] = f"median of {x.name}_1..{x.name}_n"
        extra[absdev] = sp.Sum(sp.Abs(L.data[x][L.index] - median), (L.index, 1, N))
        if not _sign_positive(-coef.subs({p: _reparam(L.domain[p], p) for p in L.params
                                           if p in L.domain})):
            raise NoClosedFormError(f"the |x - {mu}| term has coefficient {coef} of unknown "
                                    "sign; cannot conclude the median is the maximum")
        notes.append(f"the log-likelihood is not differentiable in {mu} at the data points "
                     f"(it contains sum |x_i - {mu}|); it is maximized by minimizing that sum, "
                     f"whose minimizer is the sample median (any point between the two middle "
                     "order statistics when n is even)")
        fixed[mu] = median
        loglik = (loglik - loglik.atoms(sp.Sum).pop()) + coef * absdev
        params.remove(mu)
        method = "median"
        steps.append(Step(f"{mu}_hat = median (minimizes sum |x_i - {mu}|)", median))

    for p, kind, v in L.bounds:
        stat = sp.Symbol(f"{'max' if kind == 'lower' else 'min'}_{v.name}", real=True)
        extra[stat] = f"{'max' if kind == 'lower' else 'min'} of {v.name}_1..{v.name}_n"
        score = sp.diff(loglik, p)
        t = sp.Dummy("t", positive=True)
        inside = stat + t if kind == "lower" else stat - t
        sign = score.subs(p, inside)
        if stat.is_real and L.domain[p].inf.is_nonnegative and kind == "lower":
            sign = sign.subs(stat, sp.Dummy("m", positive=True))
        neg, pos = sign.is_negative, sign.is_positive
        if (kind == "lower" and neg) or (kind == "upper" and pos):
            fixed[p] = stat
            params.remove(p)
            method = "boundary"
            notes.append(f"the likelihood is {'decreasing' if neg else 'increasing'} in {p} on "
                         f"its admissible set {p} {'>=' if kind == 'lower' else '<='} "
                         f"{stat}, so the maximum is on the boundary: {p}_hat = {stat} "
                         "(the score is not zero there)")
            steps.append(Step(f"score d l/d {p} = {score} has constant sign", score))
        else:
            raise NoClosedFormError(f"support constraint on {p}: the score {score} changes "
                                    "sign; no closed form implemented for this case")
    loglik = loglik.subs(fixed)

    if params:
        score = [sp.diff(loglik, p) for p in params]
        unknowns = list(params)
        lagrange = None
        if L.constraints:
            lagrange = sp.Symbol("lambda_", real=True)
            g = L.constraints[0]
            score_l = [s - lagrange * sp.diff(g, p) for s, p in zip(score, params)]
            eqs = score_l + [g]
            unknowns = unknowns + [lagrange]
            method = "Lagrange multiplier"
            steps.append(Step(f"stationarity of l - lambda_*({g})", sp.ImmutableMatrix(eqs)))
        else:
            eqs = score
            steps.append(Step("score equations", sp.ImmutableMatrix(eqs)))
        sols = _guarded_solve(eqs, unknowns, what=f"solving the score equations for {params}")
        sols = [s for s in sols if all(p in s for p in params)
                and not any(s[p].has(sp.I) for p in params)
                and all(s[p].free_symbols.isdisjoint(params) for p in params)]
        sols = [s for s in sols if all(L.domain[p].contains(s[p]) is not sp.false for p in params)]
        if not sols:
            raise NoClosedFormError(
                f"no closed-form solution of the score equations for {params} in the domain "
                f"{ {str(p): L.domain[p] for p in params} }. Estimate numerically: "
                "derive.fit(model, data=...) uses Newton's method.")
        if len(sols) > 1:
            notes.append(f"{len(sols)} stationary points; the first one passing the "
                         "second-order check is returned")
        hess = sp.ImmutableMatrix(len(params), len(params),
                                  lambda a, b: sp.diff(loglik, params[a], params[b]))
        chosen, why = None, None
        for s in sols:
            cand = {p: s[p] for p in params}
            try:
                if lagrange is not None:
                    why = _constrained_second_order(L, params, hess, g, cand)
                else:
                    why = _second_order(L, params, hess, score, cand)
            except NoClosedFormError:
                continue
            chosen = cand
            break
        if chosen is None:
            raise NoClosedFormError(f"no stationary point of the log-likelihood in {params} is "
                                    "a maximum")
        fixed.update({p: sp.factor_terms(sp.cancel(e)) if sp.count_ops(e) < 200 else e
                      for p, e in chosen.items()})
    else:
        why = f"not a stationary point ({method}); see notes"
    ordered = {p: fixed[p] for p in L.params}
    steps.append(Step("maximum likelihood estimates", sp.ImmutableMatrix(list(ordered.values()))))
    return ClosedFormMLE(likelihood=L, estimates=ordered, method=method, second_order=why,
                         notes=tuple(notes), steps=tuple(steps),
                         seconds=time.perf_counter() - start, extra_statistics=extra)


def _constrained_second_order(L, params, hess, g, cand):
    """-Hessian positive definite on the tangent space of ``g = 0`` at ``cand``."""
    grad = sp.Matrix([[sp.diff(g, p) for p in params]]).subs(cand)
    Z = sp.Matrix.hstack(*grad.nullspace())
    reduced = (-(Z.T * hess.subs(cand) * Z)).applyfunc(sp.cancel)
    sub = {t: sp.Dummy(t.name, positive=True) for t in L.statistics}
    for k in range(1, reduced.shape[0] + 1):
        m = sp.factor(sp.cancel(reduced[:k, :k].det()))
        ok = _sign_positive(m.subs(sub))
        if ok is False:
            raise NoClosedFormError(f"constrained stationary point {cand} is not a maximum")
        if ok is None:
            return ("inconclusive symbolically (reduced Hessian on the constraint's tangent "
                    f"space has minor {m}); checked numerically on data by fit()")
    return ("verified: -Hessian restricted to the tangent space of the constraint is positive "
            "definite when every statistic (count) is positive")
