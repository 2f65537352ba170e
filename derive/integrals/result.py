"""The answer of :func:`derive.integrals.integrate` and the evidence of its check.

>>> from derive.integrals.result import IntegralCheck
>>> print(IntegralCheck("verified", "exact value vs mpmath.quad", (), 1e-30))
verified (exact value vs mpmath.quad, max |error| 1e-30)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sympy as sp

from derive.errors import NoClosedFormError

__all__ = ["IntegralCheck", "IntegralResult", "STATUSES"]

#: What an :class:`IntegralResult` can be. ``"diverges"`` and ``"does not exist"``
#: carry their reason; neither has a value to use as a number.
STATUSES = ("exact", "numeric", "unevaluated", "diverges", "does not exist")


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
        One of :data:`STATUSES`: ``"exact"``, ``"numeric"``, ``"unevaluated"``,
        ``"diverges"`` (the value is then ``oo``/``-oo`` when the sign is known,
        else the unevaluated integral) or ``"does not exist"`` (e.g. an
        oscillation that never settles; the value is the unevaluated integral).
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
        Assumptions the value relies on beyond the user's (e.g. ``"a > 0"``),
        including the region of a closed form valid on part of parameter space.
    reason : str
        Why the integral diverges or does not exist (empty otherwise).
    region : sympy Boolean or None
        Where in parameter space an exact value holds, when that is not all of it
        (the value is checked only inside it).
    function : QuadratureFunction or None
        For an integral with free parameters (or an antiderivative) that has no
        closed form: the vectorized numeric function of the parameters (or of
        the upper limit), each evaluation with its error estimate
        (``function.evaluate(...)``); ``value`` then shows the integral it computes.
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
    reason: str = ""
    region: Any = None
    function: Any = None

    @property
    def definite(self) -> bool:
        """True for a definite integral (every variable has limits)."""
        return all(len(lim) == 3 for lim in self.integral.limits)

    @property
    def seconds(self) -> float:
        """Total time spent in the attempts."""
        return float(sum(a[2] for a in self.attempts))

    def _number_or_raise(self):
        if self.function is not None:
            names = ", ".join(a.name for a in self.function.args)
            raise NoClosedFormError(f"{sp.sstr(self.integral)} is a numeric function of "
                                    f"({names}); call result.function({names})")
        if self.status == "does not exist" or (self.status == "diverges"
                                               and self.value not in (sp.oo, -sp.oo)):
            raise NoClosedFormError(f"{sp.sstr(self.integral)} {self.status}: {self.reason}; "
                                    "there is no number to convert")
        return sp.N(self.value, 17)

    def __float__(self):
        return float(self._number_or_raise())

    def __complex__(self):
        return complex(self._number_or_raise())

    def __str__(self):
        lhs = sp.sstr(self.integral)
        rhs = _piecewise_text(self.value)
        if self.status in ("diverges", "does not exist") and self.value == self.integral:
            rhs = "(no value)"
        lines = [f"{lhs} = {rhs}"]
        tail = f"[{self.status}; {self.method}"
        if self.error is not None:
            tail += f"; error estimate {self.error:.2g}"
        lines.append(tail + "]")
        if self.reason:
            lines.append(f"{self.status}: {self.reason}")
        if self.function is not None:
            names = ", ".join(a.name for a in self.function.args)
            lines.append(f"numeric function of ({names}): result.function({names}) evaluates "
                         "it, result.function.evaluate(...) also gives each error estimate")
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
