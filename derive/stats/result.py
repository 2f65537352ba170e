"""The :class:`StatsResult`: a probabilistic quantity, how it was found and checked.

Examples
--------
>>> import sympy as sp
>>> from derive.integrals import IntegralCheck
>>> r = StatsResult("E[X]", sp.Symbol("mu"), "exact", "sympy.stats.E",
...                 IntegralCheck("verified", "quadrature"), {"X": "Normal(mu, 1)"})
>>> print(r)
E[X] = mu   (X ~ Normal(mu, 1))
[exact; sympy.stats.E; check: verified (quadrature)]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sympy as sp

from derive.errors import NoClosedFormError
from derive.integrals import IntegralCheck, _piecewise_text

__all__ = ["StatsResult", "STATUSES"]

#: What a StatsResult's status can be (the names of :mod:`derive.integrals`).
STATUSES = ("exact", "numeric", "unevaluated", "diverges", "does not exist")


@dataclass(frozen=True)
class StatsResult:
    """A derived probabilistic quantity (expectation, variance, entropy, KL, ...).

    Attributes
    ----------
    quantity : str
        What was computed, e.g. ``"E[X**2]"`` or ``"KL(P || Q)"``.
    value : sympy expression
        The closed form (``"exact"``), a ``Float`` (``"numeric"``) or the
        unevaluated expression.
    status : str
        One of :data:`STATUSES`: ``"exact"``, ``"numeric"``, ``"unevaluated"``,
        ``"diverges"`` (the value is ``oo`` or ``-oo``) or ``"does not exist"``
        (the value is ``nan``); the last two carry their ``reason``.
    method : str
        How the value was obtained (``"sympy.stats.E"``, ``"closed form (Normal-Normal)
        [cite]"``, ``"mpmath.quad"``...).
    check : IntegralCheck
        How the value was checked (quadrature or summation at random parameters).
    variables : dict
        Random variable name -> its distribution, as text.
    error : float or None
        Error estimate of a numeric value.
    attempts : tuple
        (method, outcome, seconds) of each attempt.
    reason : str or None
        Why the quantity diverges or does not exist.
    """

    quantity: str
    value: Any
    status: str
    method: str
    check: IntegralCheck = field(default_factory=lambda: IntegralCheck("inconclusive", "none"))
    variables: dict = field(default_factory=dict)
    error: float | None = None
    attempts: tuple = ()
    reason: str | None = None

    def __float__(self):
        if self.status in ("diverges", "does not exist"):
            raise NoClosedFormError(f"{self.quantity} {self.status}: {self.reason}")
        return float(sp.N(self.value, 17))

    def __str__(self):
        dists = ", ".join(f"{k} ~ {v}" for k, v in self.variables.items())
        if self.status in ("diverges", "does not exist"):
            to = f" (to {sp.sstr(self.value)})" if self.status == "diverges" else ""
            head = f"{self.quantity} {self.status}{to}" + (f"   ({dists})" if dists else "")
            return f"{head}\n[{self.status}: {self.reason}]"
        head = f"{self.quantity} = {_piecewise_text(self.value)}"
        if dists:
            head += f"   ({dists})"
        err = "" if self.error is None else f"; error estimate {self.error:.2g}"
        return f"{head}\n[{self.status}; {self.method}{err}; check: {self.check}]"

    def _repr_latex_(self):
        dists = ",\\ ".join(f"{k} \\sim \\mathrm{{{v}}}" for k, v in self.variables.items())
        q = self.quantity.replace("||", "\\|").replace("**", "^")
        return (f"$\\displaystyle \\mathrm{{{q}}} = {sp.latex(self.value)} \\quad "
                f"({dists};\\ \\text{{{self.status}, {self.check.status}}})$")
