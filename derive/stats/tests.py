"""Classical tests and confidence intervals, derived: the formula, then its numbers.

Each function states its statistic (or interval) as a SymPy formula in the
sample summaries (mean, standard deviation, size), evaluates it on the data, and
takes the p-value or quantiles from ``scipy.stats``'s distributions, so results
agree with ``scipy.stats.ttest_1samp``, ``ttest_ind(equal_var=False)``,
``t.interval`` and ``norm.interval`` to rounding (tested to 1e-12 relative).

* :func:`ttest_1samp` — one-sample t test, t = (x̄ - μ0) / (s/√n), n - 1 degrees of freedom.
* :func:`z_test` — z = (x̄ - μ0) / (σ/√n) with σ known.
* :func:`welch_ttest` — Welch's two-sample t with the Welch-Satterthwaite df.
* :func:`t_interval`, :func:`norm_interval` — x̄ ± q · s/√n (or σ/√n).
* :func:`chi2_variance_interval` — ((n-1)s²/χ²_{1-α/2}, (n-1)s²/χ²_{α/2}).

Examples
--------
>>> from derive.stats.tests import ttest_1samp, t_interval
>>> r = ttest_1samp([5.1, 4.9, 5.6, 5.8, 6.0, 5.2], 5.0)
>>> print(r.formula)
Eq(t, sqrt(n)*(-mu_0 + xbar)/s)
>>> round(r.statistic, 6), round(r.pvalue, 6), r.df
(2.456769, 0.057456, 5)
>>> lo, hi = t_interval([5.1, 4.9, 5.6, 5.8, 6.0, 5.2], 0.95).interval
>>> round(lo, 6), round(hi, 6)
(4.979925, 5.886741)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sympy as sp

from derive.errors import ShapeError

__all__ = ["TestResult", "ttest_1samp", "z_test", "welch_ttest", "t_interval",
           "norm_interval", "chi2_variance_interval"]

xbar, s, n, mu0, sigma = sp.symbols("xbar s n mu_0 sigma", real=True)
xbar1, xbar2, s1, s2, n1, n2 = sp.symbols("xbar_1 xbar_2 s_1 s_2 n_1 n_2", real=True)
_q = sp.Symbol("q", real=True)


@dataclass(frozen=True)
class TestResult:
    """A test statistic or interval: its formula, ingredients and numbers.

    Attributes
    ----------
    test : str
        The procedure, e.g. ``"one-sample t test"``.
    formula : sympy.Eq
        The statistic (``t = ...``) or the interval endpoints (``(lo, hi)``) in
        terms of the sample summaries.
    ingredients : dict
        The numbers substituted into the formula (``xbar``, ``s``, ``n``, ...).
    statistic : float or None
    pvalue : float or None
    df : float or None
        Degrees of freedom of the reference distribution.
    alternative : str
    interval : (float, float) or None
    confidence : float or None
    reference : str
        The reference distribution, e.g. ``"Student t(5)"``.
    """

    __test__ = False  # not a pytest test class

    test: str
    formula: Any
    ingredients: dict = field(default_factory=dict)
    statistic: float | None = None
    pvalue: float | None = None
    df: float | None = None
    alternative: str = "two-sided"
    interval: tuple | None = None
    confidence: float | None = None
    reference: str = ""

    def __str__(self):
        lines = [f"{self.test}: {sp.sstr(self.formula)}",
                 "  with " + ", ".join(f"{k} = {v:.10g}" for k, v in self.ingredients.items())]
        if self.statistic is not None:
            lines.append(f"  statistic = {self.statistic:.10g}, p-value = {self.pvalue:.6g} "
                         f"({self.alternative}; {self.reference})")
        if self.interval is not None:
            lines.append(f"  {100 * self.confidence:g}% interval = ({self.interval[0]:.10g}, "
                         f"{self.interval[1]:.10g}) ({self.reference})")
        return "\n".join(lines)

    def _repr_latex_(self):
        parts = [sp.latex(self.formula)]
        if self.statistic is not None:
            parts.append(f"= {self.statistic:.6g},\\ p = {self.pvalue:.4g}")
        if self.interval is not None:
            parts.append(f"\\ ({self.interval[0]:.6g},\\ {self.interval[1]:.6g})")
        return f"$\\text{{{self.test}: }} {' '.join(parts)}$"


def _sample_iv(data, name="data", minimum=2):
    x = np.asarray(data, dtype=float)
    if x.ndim != 1:
        raise ShapeError(f"{name}: give a one-dimensional sequence of numbers, got shape "
                         f"{x.shape}")
    if x.size < minimum:
        raise ValueError(f"{name}: need at least {minimum} observations, got {x.size}")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{name}: contains NaN or infinity; remove those observations")
    return x


def _confidence_iv(confidence):
    if not (isinstance(confidence, (int, float)) and 0 < confidence < 1):
        raise ValueError(f"confidence={confidence!r}: give a level in (0, 1), e.g. 0.95")
    return float(confidence)


def _alternative_iv(alternative):
    if alternative not in ("two-sided", "less", "greater"):
        raise ValueError(f"alternative={alternative!r}: use 'two-sided', 'less' or 'greater'")
    return alternative


def _value(expr, values):
    return float(sp.N(expr.xreplace({k: sp.Float(repr(v), 30) for k, v in values.items()}),
                      30))


def _pvalue(stat, dist, alternative):
    if alternative == "less":
        return float(dist.cdf(stat))
    if alternative == "greater":
        return float(dist.sf(stat))
    return float(2 * dist.sf(abs(stat)))


def _summaries(x):
    return {xbar: float(np.mean(x)), s: float(np.std(x, ddof=1)), n: float(x.size)}


def ttest_1samp(data, popmean=0.0, *, alternative="two-sided"):
    """One-sample t test of the mean: t = (x̄ - μ0)/(s/√n), Student t with n-1 df.

    Matches ``scipy.stats.ttest_1samp``.

    Examples
    --------
    >>> r = ttest_1samp([1.0, 2.0, 3.0, 4.0], 1.0, alternative="greater")
    >>> round(r.statistic, 10), round(r.pvalue, 10)
    (2.3237900077, 0.0513640394)
    """
    import scipy.stats  # deferred: optional heavy dependency (~0.3 s to import)

    x = _sample_iv(data)
    alternative = _alternative_iv(alternative)
    formula = sp.Eq(sp.Symbol("t"), (xbar - mu0) / (s / sp.sqrt(n)))
    values = {**_summaries(x), mu0: float(popmean)}
    t = _value(formula.rhs, values)
    df = x.size - 1
    return TestResult("one-sample t test", formula, {str(k): v for k, v in values.items()},
                      t, _pvalue(t, scipy.stats.t(df), alternative), df, alternative,
                      reference=f"Student t({df})")


def z_test(data, popmean, sigma_known, *, alternative="two-sided"):
    """z test of the mean with known σ: z = (x̄ - μ0)/(σ/√n), standard normal.

    Examples
    --------
    >>> r = z_test([2.1, 1.9, 2.4, 2.2], 2.0, 0.2)
    >>> round(r.statistic, 10), round(r.pvalue, 8)
    (1.5, 0.13361440)
    """
    import scipy.stats  # deferred: optional heavy dependency (~0.3 s to import)

    x = _sample_iv(data, minimum=1)
    alternative = _alternative_iv(alternative)
    if not (np.isfinite(sigma_known) and sigma_known > 0):
        raise ValueError(f"sigma_known={sigma_known!r}: give the known standard deviation (> 0)")
    formula = sp.Eq(sp.Symbol("z"), (xbar - mu0) / (sigma / sp.sqrt(n)))
    values = {xbar: float(np.mean(x)), n: float(x.size), mu0: float(popmean),
              sigma: float(sigma_known)}
    z = _value(formula.rhs, values)
    return TestResult("z test", formula, {str(k): v for k, v in values.items()}, z,
                      _pvalue(z, scipy.stats.norm(), alternative), None, alternative,
                      reference="standard normal")


def welch_ttest(a, b, *, alternative="two-sided"):
    """Welch's two-sample t test (unequal variances), Welch-Satterthwaite df.

    Matches ``scipy.stats.ttest_ind(a, b, equal_var=False)``.

    Examples
    --------
    >>> r = welch_ttest([1.0, 2.0, 3.0, 4.0], [2.0, 4.0, 6.0, 8.0, 10.0])
    >>> round(r.statistic, 8), round(r.df, 6)
    (-2.25143632, 5.520788)
    """
    import scipy.stats  # deferred: optional heavy dependency (~0.3 s to import)

    x, y = _sample_iv(a, "a"), _sample_iv(b, "b")
    alternative = _alternative_iv(alternative)
    v1, v2 = s1**2 / n1, s2**2 / n2
    formula = sp.Eq(sp.Symbol("t"), (xbar1 - xbar2) / sp.sqrt(v1 + v2))
    df_formula = (v1 + v2) ** 2 / (v1**2 / (n1 - 1) + v2**2 / (n2 - 1))
    values = {xbar1: float(np.mean(x)), s1: float(np.std(x, ddof=1)), n1: float(x.size),
              xbar2: float(np.mean(y)), s2: float(np.std(y, ddof=1)), n2: float(y.size)}
    t = _value(formula.rhs, values)
    df = _value(df_formula, values)
    return TestResult("Welch two-sample t test", sp.Tuple(formula, sp.Eq(sp.Symbol("nu"),
                                                                          df_formula)),
                      {str(k): v for k, v in values.items()}, t,
                      _pvalue(t, scipy.stats.t(df), alternative), df, alternative,
                      reference=f"Student t({df:.6g})")


def _interval(name, x_values, scale_expr, values, dist, confidence, reference):
    alpha = 1 - confidence
    lo_q, hi_q = float(dist.ppf(alpha / 2)), float(dist.ppf(1 - alpha / 2))
    centre, half = _value(xbar, values), _value(scale_expr, values)
    formula = sp.Tuple(xbar + _q * scale_expr, xbar - _q * scale_expr)
    ingredients = {str(k): v for k, v in values.items()}
    ingredients["q"] = hi_q
    return TestResult(name, formula, ingredients, interval=(centre + half * lo_q,
                                                            centre + half * hi_q),
                      confidence=confidence, reference=reference)


def t_interval(data, confidence=0.95):
    """Confidence interval for the mean: x̄ ± q · s/√n, q a Student t(n-1) quantile.

    Matches ``scipy.stats.t.interval(confidence, n-1, loc=x̄, scale=s/√n)``.

    Examples
    --------
    >>> [round(v, 8) for v in t_interval([1.0, 2.0, 3.0, 4.0], 0.9).interval]
    [0.98091043, 4.01908957]
    """
    import scipy.stats  # deferred: optional heavy dependency (~0.3 s to import)

    x = _sample_iv(data)
    confidence = _confidence_iv(confidence)
    values = _summaries(x)
    df = x.size - 1
    return _interval("t interval for the mean", x, s / sp.sqrt(n), values, scipy.stats.t(df),
                     confidence, f"Student t({df}) quantiles")


def norm_interval(data, confidence=0.95, *, sigma_known=None):
    """Normal interval for the mean: x̄ ± z · σ/√n (σ known) or x̄ ± z · s/√n (large n).

    Matches ``scipy.stats.norm.interval(confidence, loc=x̄, scale=σ/√n)``.

    Examples
    --------
    >>> [round(v, 8) for v in norm_interval([1.0, 2.0, 3.0, 4.0], 0.95, sigma_known=1).interval]
    [1.52001801, 3.47998199]
    """
    import scipy.stats  # deferred: optional heavy dependency (~0.3 s to import)

    x = _sample_iv(data, minimum=1 if sigma_known is not None else 2)
    confidence = _confidence_iv(confidence)
    if sigma_known is None:
        values, scale = _summaries(x), s / sp.sqrt(n)
    else:
        if not (np.isfinite(sigma_known) and sigma_known > 0):
            raise ValueError(f"sigma_known={sigma_known!r}: give a standard deviation > 0")
        values = {xbar: float(np.mean(x)), n: float(x.size), sigma: float(sigma_known)}
        scale = sigma / sp.sqrt(n)
    return _interval("normal interval for the mean", x, scale, values, scipy.stats.norm(),
                     confidence, "standard normal quantiles")


def chi2_variance_interval(data, confidence=0.95):
    """Interval for a normal variance: ((n-1)s²/χ²_{1-α/2}, (n-1)s²/χ²_{α/2}), df n-1.

    Examples
    --------
    >>> [round(v, 6) for v in chi2_variance_interval([1.0, 2.0, 3.0, 4.0], 0.95).interval]
    [0.534851, 23.170108]
    """
    import scipy.stats  # deferred: optional heavy dependency (~0.3 s to import)

    x = _sample_iv(data)
    confidence = _confidence_iv(confidence)
    values = _summaries(x)
    df = x.size - 1
    alpha = 1 - confidence
    chi_hi, chi_lo = sp.symbols("chi2_upper chi2_lower", positive=True)
    formula = sp.Tuple((n - 1) * s**2 / chi_hi, (n - 1) * s**2 / chi_lo)
    q_hi = float(scipy.stats.chi2.ppf(1 - alpha / 2, df))
    q_lo = float(scipy.stats.chi2.ppf(alpha / 2, df))
    full = {**values, chi_hi: q_hi, chi_lo: q_lo}
    interval = (_value(formula[0], full), _value(formula[1], full))
    return TestResult("chi-square interval for the variance", formula,
                      {str(k): v for k, v in full.items()}, interval=interval,
                      confidence=confidence, df=df, reference=f"chi-square({df}) quantiles")
