"""Rendering of :class:`~derive.checking.CheckReport`: terminal text, HTML, Markdown, LaTeX.

Examples
--------
>>> from derive.checking.report import CheckReport, Counterexample
>>> from derive.report.check import check_text, check_markdown
>>> r = CheckReport("refuted", "mpmath oracle (30 digits)", points=5,
...                 max_abs_error=1.0, max_rel_error=0.5,
...                 counterexample=Counterexample({"x": 0.5}, 1.0, 2.0, "d/dx"),
...                 diagnosis="off by a constant factor 1/2", subject="derivative of x**2")
>>> print(check_text(r))
REFUTED derivative of x**2 by mpmath oracle (30 digits) at 5 points
  max abs error 1, max rel error 0.5
  counterexample at x=0.5 (d/dx): claimed 1, truth 2
  diagnosis: off by a constant factor 1/2
>>> print(check_markdown(r).splitlines()[0])
**refuted** derivative of x**2 by mpmath oracle (30 digits) at 5 points
"""

from __future__ import annotations

import html

import mpmath
import numpy as np

_COLOURS = {"verified": "#1a7f37", "refuted": "#cf222e", "inconclusive": "#9a6700"}


def format_value(value, digits=6) -> str:
    """A short readable form of a float, array, mpmath number or SymPy expression.

    Examples
    --------
    >>> import numpy as np, mpmath
    >>> format_value(0.1234567891), format_value(np.array([1.0, 2.5])), format_value(mpmath.mpf(2))
    ('0.123457', '[1, 2.5]', '2.0')
    """
    try:
        if isinstance(value, (mpmath.mpf, mpmath.mpc)):
            return mpmath.nstr(value, max(digits, 17))
    except ImportError:  # pragma: no cover - mpmath is a dependency
        pass
    if isinstance(value, (float, np.floating)):
        return f"{float(value):.{digits}g}"
    if isinstance(value, np.ndarray):
        if value.ndim == 0:
            return format_value(float(value), digits)
        return np.array2string(value, precision=digits, separator=", ",
                               formatter={"float_kind": lambda v: f"{v:.{digits}g}"})
    return str(value)


POINT_SHOWN = 8   # coordinates shown per point; the report object keeps them all


def _point(point) -> str:
    if not point:
        return ""
    items = list(point.items())
    text = ", ".join(f"{k}={format_value(v)}" for k, v in items[:POINT_SHOWN])
    if len(items) > POINT_SHOWN:
        text += f", ... ({len(items) - POINT_SHOWN} more in .counterexample.point)"
    return text


def _headline(report) -> str:
    where = f" {report.subject}" if report.subject else ""
    plural = "point" if report.points == 1 else "points"
    return f"{where} by {report.method} at {report.points} {plural}"


def _lines(report):
    """(label, text) pairs shared by every format."""
    out = []
    if not np.isnan(report.max_abs_error):
        text = (f"max abs error {report.max_abs_error:.3g}, "
                f"max rel error {report.max_rel_error:.3g}")
        if not np.isnan(report.error_estimate):
            text += f" (reference error estimate {report.error_estimate:.3g})"
        out.append(("errors", text))
    if report.counterexample is not None:
        c = report.counterexample
        entry = f" ({c.entry})" if c.entry else ""
        where = f"at {_point(c.point)}" if c.point else "here"
        out.append(("counterexample", f"{where}{entry}: claimed "
                    f"{format_value(c.claimed)}, truth {format_value(c.truth)}"))
    elif report.worst_point and report.status != "verified":
        out.append(("worst point", _point(report.worst_point)))
    if report.diagnosis:
        out.append(("diagnosis", report.diagnosis))
    return out


def check_text(report) -> str:
    """The report as terminal text: a headline, then indented details and evidence."""
    status = "REFUTED" if report.status == "refuted" else report.status
    lines = [status + _headline(report)]
    for label, text in _lines(report):
        if label == "errors":
            lines.append(f"  {text}")
        elif label == "counterexample":
            lines.append(f"  counterexample {text}")
        else:
            lines.append(f"  {label}: {text}")
    if report.evidence:
        lines.append("  evidence:")
        lines.extend(f"    - {line}" for line in report.evidence)
    return "\n".join(lines)


def check_markdown(report) -> str:
    """The report as Markdown."""
    lines = [f"**{report.status}**{_headline(report)}", ""]
    for label, text in _lines(report):
        lines.append(f"- {label}: {text}")
    lines.extend(f"- {line}" for line in report.evidence)
    return "\n".join(lines).rstrip()


def check_html(report) -> str:
    """The report as an HTML fragment for Jupyter."""
    colour = _COLOURS[report.status]
    esc = html.escape
    rows = "".join(f"<tr><th style='text-align:left'>{esc(label)}</th><td>{esc(text)}</td></tr>"
                   for label, text in _lines(report))
    evidence = "".join(f"<li>{esc(line)}</li>" for line in report.evidence)
    # the evidence is shown, as print shows it: it is what the report is for
    return (f"<div class='derive-check'><p><b style='color:{colour}'>{esc(report.status)}</b>"
            f"{esc(_headline(report))}</p>"
            + (f"<table>{rows}</table>" if rows else "")
            + (f"<p style='margin-bottom:0'>evidence:</p><ul style='margin-top:0'>{evidence}</ul>"
               if evidence else "")
            + "</div>")


def check_latex(report) -> str:
    r"""The report as a LaTeX ``tabular``.

    Examples
    --------
    >>> from derive.checking.report import CheckReport
    >>> print(check_latex(CheckReport("verified", "complex step", points=1)))
    \begin{tabular}{ll}
    status & verified by complex step at 1 point \\
    \end{tabular}
    """
    def tex(s):
        for a, b in (("\\", r"\textbackslash{}"), ("_", r"\_"), ("%", r"\%"), ("&", r"\&"),
                     ("#", r"\#"), ("$", r"\$"), ("{", r"\{"), ("}", r"\}"), ("^", r"\^{}")):
            s = s.replace(a, b) if a != "\\" else s.replace(a, "\0")
        return s.replace("\0", r"\textbackslash{}")
    rows = [f"status & {tex(report.status + _headline(report))} \\\\"]
    rows += [f"{tex(label)} & {tex(text)} \\\\" for label, text in _lines(report)]
    rows += [f"evidence & {tex(line)} \\\\" for line in report.evidence]
    return "\\begin{tabular}{ll}\n" + "\n".join(rows) + "\n\\end{tabular}"
