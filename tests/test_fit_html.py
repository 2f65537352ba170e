"""A fit's summary as HTML (Jupyter) and as text (``summary()``, ``derive mle --data``).

Truth: statsmodels' ``GenericLikelihoodModel`` on the same data and log-density
(its own numeric Hessian), each shown number equal to it to the digits shown.
"""

import html.parser
import re
import warnings

import numpy as np
import pytest
import sympy as sp
from scipy import stats as st

from derive.cli import main
from derive.estimation import likelihood
from derive.fitting import fit

X = np.random.default_rng(1).normal(3.0, 2.0, 300)


class _Cells(html.parser.HTMLParser):
    """Each ``<table>`` as a list of rows, each row a list of cell texts (unescaped)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables, self.items, self._cell = [], [], None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th", "li"):
            self._cell = ""

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self.tables[-1][-1].append(self._cell)
            self._cell = None
        elif tag == "li":
            self.items.append(self._cell)
            self._cell = None


def _parse(text):
    p = _Cells()
    p.feed(text)
    p.close()
    return p


def _equal_to_shown_digits(cell, truth, slack=0.0):
    """``cell`` (a formatted number) is ``truth`` rounded to the digits it shows.

    ``slack`` (relative) allows for the reference's own error."""
    mantissa, _, exponent = cell.lower().partition("e")
    decimals = len(mantissa.partition(".")[2])
    last = 10.0 ** (int(exponent or 0) - decimals)
    return abs(float(cell) - truth) <= 0.5 * last * (1 + 1e-9) + slack * abs(truth)


@pytest.fixture(scope="module")
def normal():
    base = pytest.importorskip("statsmodels.base.model")

    class Model(base.GenericLikelihoodModel):
        def loglike(self, p):
            return st.norm.logpdf(self.endog, p[0], p[1]).sum()

    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # statsmodels' notes on exog names and df
        res = Model(X, exog=np.ones((X.size, 1)), extra_params_names=["sigma"]).fit(
            start_params=[1.0, 1.0], method="newton", disp=0, maxiter=200)
    return fit("Normal(mu, sigma)", ["mu", "sigma"], data=X), res


def test_html_parses_and_shows_statsmodels_numbers(normal):
    f, res = normal
    page = _parse(f._repr_html_())
    header, coef = page.tables
    cells = {r[j]: r[j + 1] for r in header for j in range(0, len(r), 2)}
    assert cells["No. observations:"] == str(X.size)
    for label, truth in (("Log-likelihood:", res.llf), ("AIC:", res.aic), ("BIC:", res.bic)):
        assert _equal_to_shown_digits(cells[label], truth, 1e-12), (label, cells[label], truth)
    titles, *rows = coef
    assert titles == ["", "coef", "std err", "z", "P>|z|", "[0.025", "0.975]", "se(observed)"]
    assert [r[0] for r in rows] == ["mu", "sigma"]
    ci = res.conf_int()
    for k, row in enumerate(rows):
        # statsmodels' estimates agree to ~2e-11 and its numeric-Hessian errors to ~1e-7
        for cell, truth, slack in ((row[1], res.params[k], 1e-10), (row[2], res.bse[k], 1e-6),
                                   (row[3], res.tvalues[k], 1e-6),
                                   (row[5], ci[k, 0], 1e-7), (row[6], ci[k, 1], 1e-7),
                                   (row[7], res.bse[k], 1e-6)):
            assert _equal_to_shown_digits(cell, truth, slack), (k, cell, truth)
        assert row[4] == f"{res.pvalues[k]:.3f}"
    assert any(item.startswith("std err: expected information") for item in page.items)


def test_text_and_html_show_the_same_cells(normal):
    f, _ = normal
    text = f.summary()
    page = _parse(f._repr_html_())
    for row in page.tables[1][1:]:
        line = next(s for s in text.splitlines() if s.startswith(row[0] + " "))
        assert line.split() == row
    for item in page.items:
        assert " ".join(item.split()) in " ".join(text.split())


def test_parameter_names_are_escaped():
    a, x = sp.Symbol("a<b", positive=True), sp.Symbol("x", positive=True)
    data = np.random.default_rng(3).exponential(2.0, 50)
    out = fit(likelihood(a * sp.exp(-a * x), [a], var=[x]), data=data)._repr_html_()
    assert "a&lt;b" in out and "<th>a<b" not in out and "(a<b" not in out
    rows = _parse(out).tables[1]
    assert rows[1][0] == "a<b"
    assert _equal_to_shown_digits(rows[1][1], 1 / data.mean())


def test_cli_prints_the_summary_of_the_fit(capsys, tmp_path):
    """``derive mle --data`` prints the same table as ``fit(...).summary()`` after
    ``check()``, and the check's outcome is in it."""
    path = tmp_path / "x.csv"
    np.savetxt(path, X[:100], header="x", comments="")
    assert main(["mle", "Normal(mu, sigma)", "--params", "mu", "sigma", "--data",
                 str(path), "--level", "0.9"]) == 0
    out = capsys.readouterr().out
    f = fit("Normal(mu, sigma)", ["mu", "sigma"], data=np.loadtxt(path, skiprows=1))
    f.check()
    summary = f.summary(0.9)
    assert summary in out
    assert re.search(r"score vs finite differences on the data: verified", summary)
    assert "[0.05" in summary and "0.95]" in summary
