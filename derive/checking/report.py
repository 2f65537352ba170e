"""The :class:`CheckReport`: what a numeric check of a derivative says, and how.

A report has a three-valued ``status`` (``"verified"``, ``"refuted"`` or
``"inconclusive"``), the ``method`` that decided it, how many ``points`` were
tried, the largest absolute and relative errors seen with an estimate of the
reference's own error, the worst point, and for a refutation a
:class:`Counterexample` carrying both values. ``evidence`` lists, in plain
words, everything that was measured. Rendering (terminal text, HTML for
Jupyter, Markdown, LaTeX) lives in :mod:`derive.report.check`.

Examples
--------
>>> from derive.checking.report import CheckReport
>>> r = CheckReport("verified", "central differences", points=3,
...                 max_abs_error=2e-11, max_rel_error=1e-11, error_estimate=5e-11)
>>> r.verified, r.refuted
(True, False)
>>> print(r)  # doctest: +ELLIPSIS
verified by central differences at 3 points
  max abs error 2e-11, max rel error 1e-11 (reference error estimate 5e-11)
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Mapping

from derive.conveniences import provider

STATUSES = ("verified", "refuted", "inconclusive")


@dataclass(frozen=True)
class Counterexample:
    """A point where a claimed value and the reference value disagree.

    Attributes
    ----------
    point : mapping
        Variable name -> value (floats, arrays, or high-precision numbers).
    claimed : object
        What the checked formula or code gave there.
    truth : object
        What the reference (mpmath, complex step, finite differences) gave.
    entry : str
        Which component disagrees (``"d/dx1"``, ``"[2, 0]"``...), or ``""``.
    """

    point: Mapping[str, Any]
    claimed: Any
    truth: Any
    entry: str = ""


@dataclass(frozen=True)
class CheckReport:
    """The outcome of a numeric check.

    Attributes
    ----------
    status : {"verified", "refuted", "inconclusive"}
    method : str
        The method that decided the status (e.g. ``"mpmath oracle (30 digits)"``).
    points : int
        How many points were tried.
    max_abs_error, max_rel_error : float
        The largest absolute and relative discrepancies between the checked
        values and the deciding reference (``nan`` when nothing was compared).
    error_estimate : float
        An estimate of the deciding reference's own absolute error.
    worst_point : mapping or None
        Variable name -> value at the largest relative error.
    counterexample : Counterexample or None
        For a refuted check: the point, both values and the entry.
    diagnosis : str or None
        A plain description of the error when one is simple (a sign, a
        constant factor, a transpose...).
    evidence : tuple of str
        Everything measured, one line each, for the record.
    subject : str
        What was checked (e.g. ``"gradient of x**2 + y**2"``).
    """

    status: str
    method: str
    points: int = 0
    max_abs_error: float = float("nan")
    max_rel_error: float = float("nan")
    error_estimate: float = float("nan")
    worst_point: Mapping[str, Any] | None = None
    counterexample: Counterexample | None = None
    diagnosis: str | None = None
    evidence: tuple = ()
    subject: str = ""
    details: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self):
        if self.status not in STATUSES:
            raise ValueError(f"CheckReport status {self.status!r} is not one of {STATUSES}")

    @property
    def verified(self) -> bool:
        """True when the status is ``"verified"``."""
        return self.status == "verified"

    @property
    def refuted(self) -> bool:
        """True when the status is ``"refuted"``."""
        return self.status == "refuted"

    def with_evidence(self, *lines: str) -> "CheckReport":
        """A copy with more lines of evidence appended."""
        return replace(self, evidence=tuple(self.evidence) + tuple(lines))

    # -- display ----------------------------------------------------------
    def __str__(self):
        return provider("check_text")(self)

    def _repr_html_(self):
        return provider("check_html")(self)

    def _repr_pretty_(self, printer, cycle):
        """IPython's plain-text display: the same text as ``print``."""
        printer.text(str(self))

    def to_markdown(self) -> str:
        """The report as Markdown (for a README or an issue)."""
        return provider("check_markdown")(self)

    def to_latex(self) -> str:
        """The report as a LaTeX ``tabular`` (for a paper or lecture notes)."""
        return provider("check_latex")(self)


def format_point(point, shown=6) -> str:
    """``name=value, ...`` for a point, the first ``shown`` coordinates only.

    Examples
    --------
    >>> format_point({"x": 0.5, "y": 2.0})
    'x=0.5, y=2'
    >>> format_point({f"x{i}": 1.0 for i in range(9)}, shown=2)
    'x0=1, x1=1, ... (7 more)'
    """
    items = list(point.items())
    text = ", ".join(f"{k}={float(v):.6g}" for k, v in items[:shown]) or "(no variables)"
    return text + (f", ... ({len(items) - shown} more)" if len(items) > shown else "")
