r"""Verify a hand derivation step by step: :func:`verify_steps`.

A derivation is a chain of lines (plain lines, Markdown with ``$$...$$``
blocks, or LaTeX with ``align`` environments; see
:func:`derive.checking.step_reading.read_derivation`). Each line is read by
:func:`derive.parsing.parse_latex` and becomes steps, each checked against the
line before it with :func:`derive.checking.verify`:

* ``= ...`` continues the previous right-hand side (an equality step);
* a left side that takes a derivative, an integral, a sum, a product or a limit
  is evaluated (under the time budget) and compared with the right side; an
  indefinite integral is checked by differentiating the claim, so the
  integration constant is free;
* ``name = expr`` with a new name is a definition, substituted into later lines;
* ``f = 0 \Rightarrow \hat\mu = v`` is an equation solved: ``v`` must satisfy it;
* sums over data (``\sum_{i=1}^{n} x_i``) are checked at concrete sizes
  (``n = 3`` and ``n = 5``) with random data.

A refuted step carries the counterexample, the kind of mistake when one small
edit repairs it (:mod:`derive.checking.mistakes`), and the claim in LaTeX with
the offending piece boxed. Steps after the first wrong one that follow
correctly from their own previous line are ``consistent`` (with step k), not
new errors.

Examples
--------
>>> from derive.checking.steps import verify_steps
>>> report = verify_steps([
...     r"\frac{d}{dx} \sin(x^2)",
...     r"= \cos(x^2)",
...     r"= \cos(x^2) \cdot 1",
... ])
>>> [s.status for s in report.steps]
['refuted', 'consistent']
>>> report.steps[0].mistake
'missing inner derivative'
"""

from __future__ import annotations

from dataclasses import dataclass, field
import zlib

import numpy as np
import sympy as sp

from derive.checking.matrix_identity import is_matrix_expression
from derive.checking.mistakes import agree, name_mistake
from derive.checking.report import CheckReport
from derive.checking.step_reading import read_derivation
from derive.checking.verify import verify
from derive.errors import DerivationTimeout, DeriveError, ParseError
from derive.guard import run
from derive.parsing.latex import parse_latex_relation
from derive.parsing.names import symbol_table

DATA_SIZES = (3, 5)        # concrete sizes at which sums over data are checked
DATA_DRAWS = 3             # data draws tried at a size while the step is singular there
_UNEVALUATED = (sp.Derivative, sp.Integral, sp.Sum, sp.Product, sp.Limit)
_CLOSED_ONLY = (sp.Derivative, sp.Integral, sp.Limit)   # sums over data are checked at sizes
_KINDS = ((sp.Derivative, "derivative"), (sp.Integral, "integral"), (sp.Sum, "sum"),
          (sp.Product, "product"), (sp.Limit, "limit"))
_DIAGNOSIS_KINDS = (("wrong sign", "sign"), ("sign error", "sign"),
                    ("claimed = 2 *", "factor 2"), ("claimed = 1/2 *", "factor 2"),
                    ("factor 2", "factor 2"), ("factor 1/2", "factor 2"))


@dataclass(frozen=True)
class StepResult:
    """One step of a derivation and its verdict.

    Attributes
    ----------
    number : int
        1-based step number.
    line : int
        1-based number of the line it came from.
    latex : str
        The step as written (previous side = claimed side).
    kind : str
        ``equality``, ``derivative``, ``integral``, ``sum``, ``product``,
        ``limit``, ``solved equation``, ``definition`` or ``equation``.
    status : str
        ``verified``, ``refuted``, ``inconclusive``, ``consistent`` (follows
        from its previous line, after an earlier wrong step), ``definition``
        or ``equation`` (an equation set up, checked when it is solved).
    report : CheckReport or None
        The evidence.
    mistake : str or None
        The kind of mistake of a refuted step, when one small edit repairs it.
    highlight : str or None
        The claim in LaTeX with the offending piece in ``\boxed{}``.
    consistent_with : int or None
        For ``consistent`` steps: the first wrong step they follow from.
    """

    number: int
    line: int
    latex: str
    kind: str
    status: str
    report: CheckReport | None = None
    mistake: str | None = None
    highlight: str | None = None
    consistent_with: int | None = None


@dataclass(frozen=True)
class StepsReport:
    """The verdicts of every step; ``first_error`` is the number of the first wrong step."""

    steps: tuple
    first_error: int | None = None
    notes: tuple = field(default_factory=tuple)

    @property
    def verified(self):
        """True when no step is refuted or inconclusive."""
        return all(s.status in ("verified", "definition", "equation") for s in self.steps)

    def __str__(self):
        lines = []
        if self.first_error is None:
            bad = [s for s in self.steps if s.status == "inconclusive"]
            lines.append("every step verified" if not bad else
                         f"no step refuted; {len(bad)} inconclusive")
        else:
            lines.append(f"first wrong step: {self.first_error}")
        for s in self.steps:
            head = f"step {s.number} (line {s.line}, {s.kind}): {s.status}"
            if s.consistent_with:
                head += f" (consistent with step {s.consistent_with})"
            lines.append(head)
            lines.append(f"    {s.latex}")
            if s.mistake:
                lines.append(f"    mistake: {s.mistake}")
            if s.highlight:
                lines.append(f"    claimed: {s.highlight}")
            if s.report is not None and s.status in ("refuted", "inconclusive"):
                if s.report.counterexample is not None:
                    c = s.report.counterexample
                    lines.append(f"    counterexample: claimed {float(c.claimed):.6g}, "
                                 f"truth {float(c.truth):.6g}")
                if s.report.diagnosis:
                    lines.append(f"    diagnosis: {s.report.diagnosis}")
                if s.status == "inconclusive" and s.report.evidence:
                    lines.append(f"    {s.report.evidence[-1]}")
        lines.extend(self.notes)
        return "\n".join(lines)

    def _repr_pretty_(self, printer, cycle):
        printer.text(str(self))


def verify_steps(lines, *, symbols=None, structure=None, seed=0, points=4, seconds=2.0):
    r"""Check a derivation line by line; returns a :class:`StepsReport`.

    Parameters
    ----------
    lines : str or sequence of str
        The derivation: LaTeX lines, or one text (Markdown with ``$$`` blocks,
        a ``.tex`` document with ``align`` blocks, or plain lines).
    symbols : iterable of Symbol/MatrixSymbol or mapping, optional
        Objects for names, carrying assumptions (``positive=True`` makes
        ``\sqrt{x^2} = x`` hold) or matrix shapes.
    structure : mapping name -> str, optional
        Structure of matrix symbols, as for :func:`derive.checking.verify`.
    seed, points : int
        Random points per step.
    seconds : float
        Time budget of each symbolic evaluation and simplification.

    Returns
    -------
    StepsReport

    Examples
    --------
    >>> r = verify_steps([r"(a + b)^2", r"= a^2 + b^2"])
    >>> r.first_error, r.steps[0].mistake
    (1, '(a+b)^2 as a^2+b^2')
    """
    table = symbol_table(symbols)
    items = read_derivation(lines)
    checker = _Checker(table, structure, seed, points, seconds)
    for k, (line_no, text, after_arrow) in enumerate(items):
        checker.next_is_arrow = k + 1 < len(items) and items[k + 1][2]
        checker.line(line_no, text, after_arrow)
    return StepsReport(tuple(checker.results), checker.first_error, tuple(checker.notes))


class _Checker:
    def __init__(self, table, structure, seed, points, seconds):
        self.table = dict(table)
        self.structure = structure
        self.seed, self.points, self.seconds = seed, points, seconds
        self.results, self.notes = [], []
        self.definitions = {}
        self.previous = None          # the last right-hand side
        self.equation = None          # the last equation set up: (lhs, rhs)
        self.first_error = None
        self.next_is_arrow = False

    def read(self, text, line_no):
        try:
            return parse_latex_relation(text, symbols=self.table)
        except ParseError as err:
            raise ParseError(f"line {line_no}: {err.message}", text=text,
                             position=err.position) from None

    def line(self, line_no, text, after_arrow):
        text = text.strip()
        continuation = text.startswith("=")
        sides, relations = self.read(text[1:] if continuation else text, line_no)
        if any(r != "=" for r in relations):
            self.add(line_no, text, "relation", "inconclusive", report=CheckReport(
                "inconclusive", "none", evidence=("inequalities are not checked",)))
            self.previous = sides[-1]
            return
        if after_arrow and len(sides) == 2 and self.equation is not None:
            self.solved(line_no, text, sides)
            return
        if continuation:
            if self.previous is None:
                raise ParseError(f"line {line_no} starts with '=' but no line precedes it",
                                 text=text)
            sides = [self.previous] + sides
        elif len(sides) == 2 and self.is_definition(sides[0], sides[1]):
            self.definitions[sides[0]] = sides[1]
            self.add(line_no, text, "definition", "definition")
            self.previous = sides[1]
            return
        elif len(sides) == 1:
            self.previous = sides[0]
            return
        for k in range(len(sides) - 1):
            left, right = sides[k], sides[k + 1]
            if right == 0 and k == len(sides) - 2 and self.next_is_arrow:
                self.equation = (left, right)
                self.add(line_no, f"{sp.latex(left)} = 0", "equation", "equation")
                continue
            written = text if len(sides) == 2 else f"{sp.latex(left)} = {sp.latex(right)}"
            self.step(line_no, left, right, written)
        self.previous = sides[-1]

    def is_definition(self, left, right):
        return (isinstance(left, sp.Symbol) and left not in self.definitions
                and left not in right.free_symbols and not right.free_symbols >= {left}
                and not isinstance(right, sp.Symbol))

    def add(self, line_no, latex, kind, status, **kw):
        number = len(self.results) + 1
        if status == "refuted" and self.first_error is None:
            self.first_error = number
        elif status == "verified" and self.first_error is not None:
            status, kw["consistent_with"] = "consistent", self.first_error
        self.results.append(StepResult(number, line_no, latex, kind, status, **kw))

    def substituted(self, expr):
        for _ in range(5):
            new = expr.xreplace(self.definitions) if self.definitions else expr
            if new == expr:
                return new
            expr = new
        return expr

    # ---- one equality step
    def step(self, line_no, left, right, latex):
        kind = _kind(left)
        left_s, right_s = self.substituted(left), self.substituted(right)
        if kind == "integral" and isinstance(left_s, sp.Integral) and \
                all(len(lim) == 1 for lim in left_s.limits):
            var = left_s.limits[0][0]
            truth, claim = left_s.function, sp.diff(right_s, var)
            how = "indefinite integral: the derivative of the claim against the integrand"
        else:
            truth, claim, how = left_s, right_s, None
        if is_matrix_expression(truth) or is_matrix_expression(claim):
            # matrix identities and derivatives by a matrix: exact at random sizes, never
            # through SymPy's matrix-calculus rules (wrong 0s: sympy#17229, #24725)
            report = verify(claim, truth, symbols=self.table, structure=self.structure,
                            seed=self.seed, points=self.points, seconds=self.seconds)
            diagnosis = report.diagnosis or ""
            mistake = ("wrong order of a product" if diagnosis.startswith("wrong order") else
                       "transpose" if diagnosis.startswith("transpose") else None)
            self.add(line_no, latex, kind, report.status, report=report,
                     mistake=mistake if report.refuted else None)
            return
        try:
            truth = self.evaluate(truth)
            claim = self.evaluate(claim)
        except DerivationTimeout as err:
            self.add(line_no, latex, kind, "inconclusive", report=CheckReport(
                "inconclusive", "none", evidence=(str(err),)))
            return
        if truth.has(*_CLOSED_ONLY) or claim.has(*_CLOSED_ONLY):
            self.add(line_no, latex, kind, "inconclusive", report=CheckReport(
                "inconclusive", "none", evidence=(
                    f"SymPy could not evaluate the {kind} within {self.seconds:g} s",)))
            return
        report, concrete = self.compare(claim, truth)
        if how:
            report = report.with_evidence(how)
        if report.refuted:
            mistake, highlight = self.diagnose(right_s, claim, truth, left_s, kind, concrete,
                                               report)
            self.add(line_no, latex, kind, "refuted", report=report, mistake=mistake,
                     highlight=highlight)
        else:
            self.add(line_no, latex, kind, report.status, report=report)

    def evaluate(self, expr):
        if not isinstance(expr, sp.Basic) or not expr.has(*_UNEVALUATED):
            return expr
        return run(_doit, (expr,), seconds=self.seconds, what="evaluating a step")

    def compare(self, claim, truth):
        """verify(), at concrete data sizes when sums over data appear."""
        if not _has_data(claim) and not _has_data(truth):
            return self.verify(claim, truth), None
        last = None
        for size in DATA_SIZES:
            for draw in range(DATA_DRAWS):
                # A draw can make the step singular (data whose mean is exactly 0
                # or 1 in a Bernoulli score): that says nothing, so draw again.
                c, t = _concrete(claim, size, draw), _concrete(truth, size, draw)
                last = self.verify(c, t)
                if last.status != "inconclusive":
                    break
            last = last.with_evidence(f"sums over data checked at size {size} with random "
                                      "data")
            if not last.verified:
                return last, (c, t)
        return last, None

    def verify(self, claim, truth):
        """The numbers first; simplify only when they cannot decide."""
        options = dict(symbols=self.table, structure=self.structure, seed=self.seed,
                       points=self.points, seconds=self.seconds)
        report = verify(claim, truth, simplify=False, **options)
        if report.status == "inconclusive":
            report = verify(claim, truth, **options)
        return report

    def diagnose(self, written, claim, truth, source, kind, concrete, report):
        if concrete is not None:
            claim, truth = concrete
            written = claim
        symbols = sorted(claim.free_symbols | truth.free_symbols, key=str)
        context = {}
        if isinstance(source, sp.Derivative):
            context = {"source": source.expr, "variable": source.variables[0]}
        named = None
        if isinstance(source, sp.Integral) and all(len(lim) == 1 for lim in source.limits):
            var = source.limits[0][0]
            claim, truth = written, source.function
            context = {"transform": lambda e: sp.diff(e, var)}
            symbols = sorted(claim.free_symbols | truth.free_symbols, key=str)
        if isinstance(claim, sp.Expr) and not getattr(claim, "is_Matrix", False):
            if kind == "integral" and isinstance(source, sp.Integral) and \
                    self.limit_slip(claim, source, symbols):
                named = ("integration constant or limit", claim)
            else:
                named = name_mistake(claim, truth, symbols, context=context)
        if named is None:
            text = report.diagnosis or ""
            for key, name in _DIAGNOSIS_KINDS:
                if key in text:
                    return name, None
            return None, None
        name, piece = named
        return name, _boxed(written if concrete is None else claim, piece)

    def limit_slip(self, claim, integral, symbols):
        """Is the claim F(b) alone, F(b) + F(a) or F(a) - F(b) (a slip with the limits)?"""
        if len(integral.limits) != 1 or len(integral.limits[0]) != 3:
            return False
        var, lower, upper = integral.limits[0]
        try:
            F = run(_antiderivative, (integral.function, var), seconds=self.seconds,
                    what="the antiderivative of a step")
        except (DerivationTimeout, DeriveError):
            return False
        if F.has(sp.Integral):
            return False
        at_b, at_a = F.xreplace({var: upper}), F.xreplace({var: lower})
        return any(agree(claim, candidate, symbols)
                   for candidate in (at_b, at_b + at_a, at_a - at_b))

    # ---- an equation solved
    def solved(self, line_no, text, sides):
        target, value = sides
        left, right = (self.substituted(e) for e in self.equation)
        var = _solved_for(target, left - right)
        latex = f"{sp.latex(target)} = {sp.latex(value)}"
        if var is None:
            self.add(line_no, latex, "solved equation", "inconclusive", report=CheckReport(
                "inconclusive", "none", evidence=(
                    f"cannot tell which unknown {target} solves for",)))
            return
        value = self.substituted(value)
        try:
            residual = self.evaluate((left - right).xreplace({var: value}))
        except DerivationTimeout as err:
            self.add(line_no, latex, "solved equation", "inconclusive", report=CheckReport(
                "inconclusive", "none", evidence=(str(err),)))
            return
        report, _ = self.compare(residual, sp.S.Zero)
        report = report.with_evidence(f"the solution {var} = {value} put back into the "
                                      "equation")
        status = "verified" if report.verified else report.status
        self.add(line_no, latex, "solved equation", status, report=report,
                 mistake=None)
        self.previous = value


def _doit(expr):
    """``expr.doit()`` (module level, for the guard)."""
    return expr.doit()


def _antiderivative(f, var):
    """``integrate(f, var)`` (module level, for the guard)."""
    return sp.integrate(f, var)


def _kind(expr):
    for cls, name in _KINDS:
        if isinstance(expr, cls):
            return name
    for cls, name in _KINDS:
        if isinstance(expr, sp.Basic) and expr.has(cls):
            return name
    return "equality"


def _has_data(expr):
    return isinstance(expr, sp.Basic) and bool(expr.atoms(sp.Indexed) or any(
        not lim[-1].is_number for s in expr.atoms(sp.Sum, sp.Product) for lim in s.limits))


def _concrete(expr, size, draw):
    """Sums up to symbolic ``n`` at ``n = size``, data ``x[i]`` random.

    The data are fixed by the name, ``i`` and the draw number, the same in every
    process (``zlib.crc32``, not the salted ``hash``).

    >>> x, i, n = sp.IndexedBase("x"), sp.Idx("i"), sp.Symbol("n")
    >>> _concrete(sp.Sum(x[i], (i, 1, n)), 3, 0) == _concrete(sp.Sum(x[i], (i, 1, n)), 3, 0)
    True
    """
    uppers = {lim[-1] for s in expr.atoms(sp.Sum, sp.Product) for lim in s.limits
              if not lim[-1].is_number}
    for u in uppers:
        if isinstance(u, sp.Symbol):
            expr = expr.xreplace({u: sp.Integer(size)})
    expr = expr.doit()
    bases = sorted({i.base for i in expr.atoms(sp.Indexed)}, key=str)
    data = {}
    for base in bases:
        state = np.random.default_rng([zlib.crc32(str(base).encode()), draw])
        for k in range(-1, size + 3):
            data[base[k]] = sp.Rational(int(state.integers(-40, 41)), 10)
    return expr.xreplace(data)


def _solved_for(target, equation):
    """The unknown that ``target = value`` solves for: ``\\hat\\mu`` solves for ``mu``."""
    if not isinstance(target, sp.Symbol):
        return None
    free = {s.name: s for s in equation.free_symbols if isinstance(s, sp.Symbol)}
    if target.name in free:
        return free[target.name]
    for suffix in ("_hat", "_bar", "_tilde"):
        if target.name.endswith(suffix) and target.name[:-len(suffix)] in free:
            return free[target.name[:-len(suffix)]]
    return None


def _boxed(expr, piece):
    if piece is None or not isinstance(expr, sp.Basic):
        return None
    if piece == expr:
        return rf"\boxed{{{sp.latex(expr)}}}"
    marker = sp.Symbol("MARKEDPIECE")
    try:
        marked = expr.xreplace({piece: marker})
    except (TypeError, DeriveError):
        return None
    if marked == expr:
        return None
    return sp.latex(marked).replace(r"MARKEDPIECE", rf"\boxed{{{sp.latex(piece)}}}")
