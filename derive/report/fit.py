"""Rendering of a fit's summary table (:class:`~derive.fitting.result.SummaryTable`):
terminal text in the layout statsmodels users read, and HTML for Jupyter.

Both renderings show the same cells: :func:`_header` and :func:`_columns` format the
numbers once, and each renderer only lays them out
(the HTML one escapes every cell). The numbers themselves (z, p-values,
intervals) come computed from the fitting layer; nothing here owns any
mathematics.

Examples
--------
>>> import numpy as np
>>> from derive.fitting.result import SummaryTable
>>> t = SummaryTable(names=("lam",), coef=np.array([0.5]), se=np.array([0.05]),
...                  se_observed=np.array([0.05]), z=np.array([10.0]),
...                  pvalue=np.array([0.0]), lower=np.array([0.402]),
...                  upper=np.array([0.598]), level=0.95, n=100, n_free=1,
...                  loglik=-169.3, aic=340.6, aicc=340.64, bic=343.2,
...                  path="closed form", model="log p(x; lam) = -lam*x + log(lam)",
...                  how=("std err: expected information (symbolic)",))
>>> print(fit_text(t).splitlines()[-1])
  std err: expected information (symbolic)
>>> "<td>0.5</td>" in fit_html(t)
True
"""

from __future__ import annotations

import html
import textwrap

WIDTH = 86
_TITLE = "Maximum likelihood results"


def _header(t):
    """The header block as two columns of (label, value) pairs, formatted once."""
    left = [("Method:", f"MLE, {t.path}"), ("No. observations:", str(t.n)),
            ("Df model:", str(t.n_free)), ("Df residuals:", str(t.n - t.n_free))]
    right = [("Log-likelihood:", f"{t.loglik:.10g}"), ("AIC:", f"{t.aic:.10g}"),
             ("AICc:", f"{t.aicc:.10g}"), ("BIC:", f"{t.bic:.10g}")]
    return left, right


def _columns(t):
    """Column titles and one row of formatted cells per parameter."""
    lo, hi = (1 - t.level) / 2, (1 + t.level) / 2
    titles = ("", "coef", "std err", "z", "P>|z|", f"[{lo:.3g}", f"{hi:.3g}]", "se(observed)")
    rows = [(name, f"{t.coef[k]:.10g}", f"{t.se[k]:.4g}", f"{t.z[k]:.3f}",
             f"{t.pvalue[k]:.3f}", f"{t.lower[k]:.6g}", f"{t.upper[k]:.6g}",
             f"{t.se_observed[k]:.4g}") for k, name in enumerate(t.names)]
    return titles, rows


def fit_text(t) -> str:
    """The summary as terminal text (``Fit.summary()``)."""
    left, right = _header(t)
    lines = [_TITLE.center(WIDTH), "=" * WIDTH]
    lines += textwrap.wrap(f"Model: {t.model}", WIDTH, subsequent_indent="  ")
    lines += [f"{a:<18}{b:<25}{c:<18}{d:>25}" for (a, b), (c, d) in zip(left, right)]
    titles, rows = _columns(t)
    name_width = max([10] + [len(r[0]) + 1 for r in rows])
    widths = (name_width, 14, 11, 9, 9, 12, 12, 13)
    lines += ["=" * WIDTH, "".join(f"{c:>{w}}" for c, w in zip(titles, widths)), "-" * WIDTH]
    lines += [f"{r[0]:<{widths[0]}}" + "".join(f"{c:>{w}}" for c, w in zip(r[1:], widths[1:]))
              for r in rows]
    lines += ["=" * WIDTH, "How it was obtained and checked:"]
    for line in t.how:
        lines += textwrap.wrap(line, WIDTH, initial_indent="  ", subsequent_indent="    ")
    return "\n".join(lines)


def fit_html(t) -> str:
    """The summary as an HTML fragment for Jupyter (``Fit._repr_html_``), every cell escaped.

    Three tables as statsmodels draws them (``class='simpletable'``): the
    header, the coefficients, and how the numbers were obtained and checked.
    """
    esc = html.escape
    left, right = _header(t)
    head = "".join(f"<tr><th>{esc(a)}</th><td>{esc(b)}</td><th>{esc(c)}</th><td>{esc(d)}</td>"
                   "</tr>" for (a, b), (c, d) in zip(left, right))
    model = f"<tr><th>Model:</th><td colspan='3'><code>{esc(t.model)}</code></td></tr>"
    titles, rows = _columns(t)
    coef = "<tr>" + "".join(f"<th>{esc(c)}</th>" for c in titles) + "</tr>"
    coef += "".join("<tr><th>" + esc(r[0]) + "</th>" + "".join(f"<td>{esc(c)}</td>"
                                                                for c in r[1:]) + "</tr>"
                    for r in rows)
    how = "".join(f"<li>{esc(line)}</li>" for line in t.how)
    return ("<div class='derive-fit'>"
            f"<table class='simpletable'><caption>{esc(_TITLE)}</caption>{model}{head}</table>"
            f"<table class='simpletable'>{coef}</table>"
            "<p style='margin-bottom:0'>How it was obtained and checked:</p>"
            f"<ul style='margin-top:0'>{how}</ul></div>")
