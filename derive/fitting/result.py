"""The result of a fit: estimates, standard errors, Wald and profile intervals, LR tests.

A :class:`Fit` holds the estimate of :func:`derive.fitting.estimate.fit` and
says which path gave it (closed form or Newton). Everything is computed in the
log domain. Standard errors come from the inverse of the expected (Fisher)
information ``n I(theta)`` and of the observed information ``-H(theta_hat)``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import sympy as sp
from scipy import stats as _st
from scipy.optimize import OptimizeResult, brentq

from derive.checking.numeric import check_gradient, check_jacobian
from derive.conveniences import provider
from derive.errors import (
    ConvergenceError,
    NoClosedFormError,
    ParseError,
    SingularMatrixError,
)
from derive.fitting.kernels import numeric_function
from derive.fitting.sample import Sample
from derive.optimize.newton import newton
from derive.parsing import parse

__all__ = ["Fit", "SummaryTable"]


@dataclass(frozen=True)
class SummaryTable:
    """The numbers a fit's summary shows, one entry per parameter in the arrays.

    Attributes
    ----------
    names : tuple of str
    coef, se, se_observed, z, pvalue, lower, upper : ndarray
        Estimate, standard error (expected information, observed where none),
        standard error from the observed information, ``coef / se``, two-sided
        normal p-value, Wald interval at ``level``.
    level : float
    n, n_free : int
        Observations and free parameters.
    loglik, aic, aicc, bic : float
    path : str
    model : str
        ``log p(x; theta) = ...``.
    how : tuple of str
        How the numbers were obtained and checked.
    """

    names: tuple
    coef: np.ndarray
    se: np.ndarray
    se_observed: np.ndarray
    z: np.ndarray
    pvalue: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    level: float
    n: int
    n_free: int
    loglik: float
    aic: float
    aicc: float
    bic: float
    path: str
    model: str
    how: tuple


class Fit:
    """Maximum likelihood estimates on data, with their uncertainty.

    Attributes
    ----------
    params : tuple of Symbol
    x : ndarray
        The estimates, in parameter order (``.estimates`` is the dict).
    path : str
        ``"closed form"`` or ``"newton"``.
    closed_form : ClosedFormMLE or None
    newton : OptimizeResult or None
        Newton's result (with ``start`` and ``start_method``) on the Newton path.
    loglik : float
        Log-likelihood at the estimate.
    observed_information, expected_information : ndarray or None
    expected_method : str
        How the expected information was obtained (symbolic / quadrature / not
        available and why).
    notes : list of str
    last_check : dict or None
        The result of the last :meth:`check`, which :meth:`summary` reports.
    """

    def __init__(self, sample, x, path, closed_form=None, newton=None):
        self.sample = sample
        self.likelihood = sample.likelihood
        self.params = self.likelihood.params
        self.x = np.asarray(x, float)
        self.path = path
        self.closed_form = closed_form
        self.newton = newton
        self.last_check = None
        self.notes = list(closed_form.notes) if closed_form is not None else []
        if newton is not None:
            self.notes.append(f"Newton's method from the {newton.start_method} start "
                              f"{np.round(newton.start, 6).tolist()}: {newton.nit} iterations")
        L = self.likelihood
        if L.bounds:
            self._expected = (None, ("not available: the support depends on a parameter "
                                     "(non-regular model; no information-based standard "
                                     "errors)"))
            self.observed_information = self.score_at_estimate = None
            return
        if L.nonsmooth:
            self.observed_information = self.score_at_estimate = None
        elif closed_form is not None and closed_form.second_order.startswith("verified"):
            # a maximum by the symbolic second-order check: the per-observation Hessian
            # is evaluated only if asked for (se_observed, check, summary)
            self.notes.append("second order: verified symbolically for the closed form")
        else:
            self._second_order_on_data()

    def _second_order_on_data(self):
        H = -self.observed_information
        eig = (np.linalg.eigvalsh(-0.5 * (H + H.T)) if np.all(np.isfinite(H))
               else np.array([np.nan]))
        constrained = bool(self.likelihood.constraints)
        if np.min(eig) < 0 and not constrained:
            raise ConvergenceError(
                f"the estimate {self.x.tolist()} is not a maximum on these data: the "
                f"Hessian has a positive eigenvalue {-np.min(eig):.3g}")
        self.notes.append("second order on the data: observed information positive "
                          f"definite (smallest eigenvalue {np.min(eig):.4g})"
                          if not constrained else
                          "second order: see the constrained check of the closed form")

    @functools.cached_property
    def loglik(self):
        """Log-likelihood at the estimate (one pass over the data, on first use)."""
        return self.sample.loglik(self.x)

    @functools.cached_property
    def observed_information(self):
        """``-H(theta_hat)``: from the statistics where that cannot cancel, else summed
        over the observations (on first use)."""
        H = self.sample.hessian_from_statistics(self.x)
        return -(self.sample.hessian(self.x) if H is None else H)

    @functools.cached_property
    def score_at_estimate(self):
        """The score at the estimate (~0 at an interior maximum)."""
        return self.sample.score(self.x)

    @functools.cached_property
    def _expected(self):
        return _expected_information(self.sample, self.x)

    @property
    def expected_information(self):
        """``n I(theta_hat)``: symbolic where the model allows it, else by quadrature."""
        return self._expected[0]

    @property
    def expected_method(self):
        """How the expected information was obtained."""
        return self._expected[1]

    @property
    def estimates(self):
        """Parameter -> estimate."""
        return dict(zip(self.params, self.x.tolist()))

    def _se(self, info):
        if info is None:
            return np.full(self.x.shape, np.nan)
        return np.sqrt(np.diag(self._inverse(info)))

    @property
    def se_expected(self):
        """Standard errors from the inverse expected information ``n I(theta_hat)``."""
        return self._se(self.expected_information)

    @property
    def se_observed(self):
        """Standard errors from the inverse observed information ``-H(theta_hat)``."""
        return self._se(self.observed_information)

    def wald(self, level=0.95, *, information="expected"):
        """Wald intervals ``theta_hat -+ z se``, one ``(lo, hi)`` row per parameter."""
        _level_iv(level)
        se = self.se_expected if information == "expected" else self.se_observed
        if information not in ("expected", "observed"):
            raise ValueError(f"information must be 'expected' or 'observed', got {information!r}")
        if information == "expected" and np.all(np.isnan(se)):
            se = self.se_observed
        z = _st.norm.ppf(0.5 + level / 2)
        return np.column_stack([self.x - z * se, self.x + z * se])

    # -- restricted maximization -------------------------------------------
    def _restricted(self, fixed):
        """Max of the log-likelihood with ``fixed`` (index -> value); returns (l, x)."""
        free = [j for j in range(self.x.size) if j not in fixed]
        full = self.x.copy()
        for j, v in fixed.items():
            full[j] = v
        s, n = self.sample, float(self.sample.n)
        if not free:
            return s.loglik(full), full

        def put(z):
            t = full.copy()
            t[free] = z
            return t

        def fun(z):
            t = put(z)
            return -s.loglik(t) / n if s.in_domain(t) else np.inf

        res = newton(fun, lambda z: -s.score(put(z))[free] / n,
                     lambda z: -s.hessian(put(z))[np.ix_(free, free)] / n,
                     full[free], tol=1e-9, maxiter=200)
        if not res.success:
            raise ConvergenceError(f"restricted maximization with {fixed} failed: {res.message}")
        t = put(res.x)
        return s.loglik(t), t

    def lrt(self, null):
        """Likelihood-ratio test of ``H0: params = values`` (a mapping).

        Returns
        -------
        OptimizeResult-like dict with ``statistic`` (``2 (l_hat - l_0)``),
        ``df``, ``pvalue`` (chi-square) and ``restricted`` (the estimate under H0).
        """
        fixed = {self._index(k): float(v) for k, v in dict(null).items()}
        l0, x0 = self._restricted(fixed)
        stat = max(0.0, 2.0 * (self.loglik - l0))
        return OptimizeResult(statistic=stat, df=len(fixed),
                              pvalue=float(_st.chi2.sf(stat, len(fixed))), restricted=x0)

    def score_test(self, null, *, information="expected"):
        """Score (Rao) test of ``H0: params = values`` (a mapping).

        The statistic ``s(theta_0)^T I(theta_0)^-1 s(theta_0)`` at the estimate
        under H0 (other parameters maximized), with the expected information
        there (``information="observed"``: ``-H(theta_0)``); chi-square with
        one degree of freedom per fixed parameter.

        Returns
        -------
        OptimizeResult
            ``statistic``, ``df``, ``pvalue``, ``restricted``.
        """
        fixed = {self._index(k): float(v) for k, v in dict(null).items()}
        _, x0 = self._restricted(fixed)
        score = self.sample.score(x0)
        info = _expected_information(self.sample, x0)[0] if information == "expected" else None
        if info is None:
            info = -self.sample.hessian(x0)
        stat = float(score @ np.linalg.solve(info, score))
        return OptimizeResult(statistic=stat, df=len(fixed),
                              pvalue=float(_st.chi2.sf(stat, len(fixed))), restricted=x0)

    def wald_test(self, null, *, information="expected"):
        """Wald test of ``H0: params = values``: ``d^T C^-1 d`` with ``d = theta_hat - theta_0``
        and ``C`` the block of :meth:`covariance` of the fixed parameters.

        Returns
        -------
        OptimizeResult
            ``statistic``, ``df``, ``pvalue``.
        """
        fixed = {self._index(k): float(v) for k, v in dict(null).items()}
        idx = sorted(fixed)
        d = self.x[idx] - np.array([fixed[j] for j in idx])
        cov = self.covariance(information)[np.ix_(idx, idx)]
        stat = float(d @ np.linalg.solve(cov, d))
        return OptimizeResult(statistic=stat, df=len(idx),
                              pvalue=float(_st.chi2.sf(stat, len(idx))))

    def tests(self, null):
        """Wald, likelihood-ratio and score tests of the same ``H0``, side by side."""
        return {"wald": self.wald_test(null), "likelihood ratio": self.lrt(null),
                "score": self.score_test(null)}

    def profile_interval(self, param, level=0.95):
        """Profile-likelihood interval for one parameter.

        The set ``{psi : 2 (l_hat - max_{others} l(psi, others)) <= chi2_1(level)}``,
        its ends found by Brent's method.
        """
        _level_iv(level)
        j = self._index(param)
        cut = _st.chi2.ppf(level, 1)
        itv = self.likelihood.domain[self.params[j]]
        se = self.se_observed[j] if self.observed_information is not None else np.nan
        if not np.isfinite(se) or se <= 0:
            se = self.se_expected[j]
        if not np.isfinite(se) or se <= 0:
            se = max(abs(self.x[j]), 1.0) * 0.1

        def dev(v):
            return 2.0 * (self.loglik - self._restricted({j: v})[0]) - cut

        ends = []
        for sign in (-1, 1):
            step, inner = se, self.x[j]
            for _ in range(60):
                outer = self.x[j] + sign * step
                if sign < 0 and itv.inf.is_finite and outer <= float(itv.inf):
                    outer = float(itv.inf) + (inner - float(itv.inf)) * 1e-3
                if sign > 0 and itv.sup.is_finite and outer >= float(itv.sup):
                    outer = float(itv.sup) - (float(itv.sup) - inner) * 1e-3
                if dev(outer) > 0:
                    break
                inner, step = outer, step * 2
            else:
                ends.append(float(sign * np.inf))
                continue
            ends.append(brentq(dev, min(inner, outer), max(inner, outer), xtol=1e-12,
                               rtol=1e-12))
        return tuple(ends)

    def check(self, *, seed=0):
        """Check the derived score and Hessian against finite differences on the data.

        The score is checked as the gradient of the log-likelihood and the
        Hessian as the Jacobian of the score, half a standard error from the
        estimate (where the score is not ~0)
        (:func:`derive.checking.numeric.check_gradient` / ``check_jacobian``).
        Not defined for a non-smooth model (Laplace) or a boundary maximum.
        On Dask data the check runs on the first rows, kept in memory
        (:data:`derive.fitting.distributed.START_ROWS`).

        Returns
        -------
        dict
            ``{"score": CheckReport, "hessian": CheckReport, "point": ndarray,
            "parameters": names}``, also kept as ``last_check`` for :meth:`summary`.
        """
        L = self.likelihood
        if L.nonsmooth or L.bounds:
            raise NoClosedFormError("check: the log-likelihood is not differentiable at the "
                                    "estimate (|x - mu| or a support boundary); nothing to "
                                    "compare with finite differences")
        names = [p.name for p in self.params]
        s = self.sample
        if s.lazy:  # the formulas, not the data, are checked: on the rows kept in memory
            s = Sample(L, {v.name: a for v, a in s.start_arrays.items()},
                       known={c.name: v for c, v in s.known.items()})
        # half a standard error away from the estimate, where the score is not ~0
        se = self.se_observed
        step = np.where(np.isfinite(se) & (se > 0), 0.5 * se, 0.05 * (np.abs(self.x) + 1))
        point = self.x + step
        if not s.in_domain(point):
            point = self.x - step
        self.last_check = {
            "score": check_gradient(lambda t: s.loglik(t), s.score, [point], names=["theta"],
                                    seed=seed),
            "hessian": check_jacobian(s.score, s.hessian, [point], names=["theta"], seed=seed),
            "point": point, "parameters": names}
        return self.last_check

    def _index(self, param):
        names = [p.name for p in self.params]
        name = param.name if isinstance(param, sp.Symbol) else str(param)
        if name not in names:
            raise ParseError(f"unknown parameter {name!r}; the parameters are {names}")
        return names.index(name)

    # -- model comparison and derived quantities ----------------------------
    @property
    def n_free(self):
        """Number of free parameters: parameters less equality constraints."""
        return len(self.params) - len(self.likelihood.constraints)

    @property
    def aic(self):
        """Akaike's information criterion, ``2 k - 2 l_hat``."""
        return 2.0 * self.n_free - 2.0 * self.loglik

    @property
    def aicc(self):
        """AIC with the small-sample correction ``2 k (k + 1) / (n - k - 1)`` (inf if n <= k + 1)."""
        k, n = self.n_free, self.sample.n
        return self.aic + (2.0 * k * (k + 1) / (n - k - 1) if n > k + 1 else np.inf)

    @property
    def bic(self):
        """Schwarz's Bayesian information criterion, ``k log n - 2 l_hat``."""
        return self.n_free * np.log(self.sample.n) - 2.0 * self.loglik

    def covariance(self, information="expected"):
        """Inverse information: ``"expected"``, ``"observed"`` or ``"sandwich"`` (robust).

        The sandwich is ``H^-1 (sum_i s_i s_i^T) H^-1`` with the observed
        Hessian ``H`` and the per-observation scores ``s_i`` at the estimate.
        """
        if information == "sandwich":
            if self.observed_information is None:
                raise NoClosedFormError("sandwich covariance: no observed information here "
                                        f"({self.expected_method})")
            bread = self._inverse(self.observed_information)
            return bread @ self.sample.score_outer(self.x) @ bread
        if information not in ("expected", "observed"):
            raise ValueError("information must be 'expected', 'observed' or 'sandwich', "
                             f"got {information!r}")
        info = self.expected_information if information == "expected" else \
            self.observed_information
        if info is None:
            return np.full((self.x.size, self.x.size), np.nan)
        return self._inverse(info)

    @property
    def se_sandwich(self):
        """Robust (Huber-White) standard errors, from :meth:`covariance` ``("sandwich")``."""
        return np.sqrt(np.diag(self.covariance("sandwich")))

    def delta_method(self, g, *, information="expected"):
        """Estimate and delta-method standard error of ``g(theta)``.

        ``g`` is text or a SymPy expression in the parameters; its gradient is
        derived symbolically and ``se = sqrt(grad^T C grad)`` with ``C`` from
        :meth:`covariance`.

        Returns
        -------
        (float, float)
            ``g(theta_hat)`` and its standard error.
        """
        names = {p.name: p for p in self.params}
        expr = parse(g, symbols=names) if isinstance(g, str) else sp.sympify(g)
        expr = expr.subs({s: names[s.name] for s in expr.free_symbols if s.name in names})
        stray = sorted(str(s) for s in expr.free_symbols - set(self.params))
        if stray:
            raise ParseError(f"delta_method: {g!r} uses {stray}, which are not parameters "
                             f"({sorted(names)})")
        grad = [sp.diff(expr, p) for p in self.params]
        vals = numeric_function([expr, *grad], list(self.params))(*self.x)
        value, jac = float(vals[0]), np.array([float(v) for v in vals[1:]])
        return value, float(np.sqrt(jac @ self.covariance(information) @ jac))

    def _inverse(self, info):
        try:
            return np.linalg.inv(info)
        except np.linalg.LinAlgError as err:
            raise SingularMatrixError(f"information matrix {info.tolist()} is singular: the "
                                      "parameters are not identifiable from these data") from err

    def table(self, level=0.95):
        """The numbers of :meth:`summary`, computed once for every rendering.

        One row per parameter: estimate, standard error from the expected
        information (observed where none), z, two-sided p-value, Wald interval
        at ``level`` and the standard error from the observed information; the
        header (observations, log-likelihood, AIC, AICc, BIC) and how the
        numbers were obtained and checked.

        Returns
        -------
        SummaryTable

        Examples
        --------
        >>> from derive.fitting import fit
        >>> f = fit("Exponential(lam)", ["lam"], data=[0.5, 1.0, 1.5, 2.0, 5.0])
        >>> t = f.table()
        >>> t.names, float(t.coef[0]), round(float(t.se[0]), 6)  # se = lam / sqrt(n)
        (('lam',), 0.5, 0.223607)
        >>> print(f.summary().splitlines()[10])
        lam                  0.5     0.2236    2.236    0.025   0.0617387    0.938261       0.2236
        """
        _level_iv(level)
        wald = self.wald(level)
        se_exp, se_obs = self.se_expected, self.se_observed
        se = np.where(np.isnan(se_exp), se_obs, se_exp)
        with np.errstate(divide="ignore", invalid="ignore"):
            z = self.x / se
        L = self.likelihood
        variables = ", ".join(v.name for v in L.variables)
        params = ", ".join(q.name for q in self.params)
        logpdf = L.compact_logpdf if L.compact_logpdf is not None else L.logpdf
        if not np.all(np.isnan(se_exp)):
            how = [f"std err: expected information ({self.expected_method})"]
        elif not np.all(np.isnan(se_obs)):
            how = [f"std err: observed information (expected: {self.expected_method})"]
        else:
            how = [f"std err: {self.expected_method}"]
        how += self.notes
        if L.nonsmooth or L.bounds:
            how.append("score and Hessian vs finite differences: not applicable (the "
                       "log-likelihood is not differentiable at the estimate)")
        elif self.last_check is None:
            how.append("score and Hessian vs finite differences on the data: not run "
                       "(call .check())")
        else:
            how += [f"{what} vs finite differences on the data: "
                    f"{self.last_check[what].status} (max rel error "
                    f"{self.last_check[what].max_rel_error:.2g})" for what in ("score", "hessian")]
        return SummaryTable(
            names=tuple(q.name for q in self.params), coef=self.x.copy(), se=se,
            se_observed=se_obs, z=z, pvalue=2 * _st.norm.sf(np.abs(z)), lower=wald[:, 0],
            upper=wald[:, 1], level=float(level), n=int(self.sample.n), n_free=self.n_free,
            loglik=float(self.loglik), aic=float(self.aic), aicc=float(self.aicc),
            bic=float(self.bic), path=self.path,
            model=f"log p({variables}; {params}) = {logpdf}", how=tuple(how))

    def summary(self, level=0.95):
        """The results table in the layout statsmodels users read, as text.

        The rows of :meth:`table`, rendered by :func:`derive.report.fit.fit_text`;
        in Jupyter the fit shows the same table as HTML.
        """
        return provider("fit_text")(self.table(level))

    def _repr_html_(self):
        return provider("fit_html")(self.table())

    def __repr__(self):
        return f"Fit({self.path}: {', '.join(f'{p}={v:.10g}' for p, v in self.estimates.items())})"


def _level_iv(level):
    if not (isinstance(level, (int, float)) and 0 < level < 1):
        raise ValueError(f"level must be a number in (0, 1), got {level!r}")


def _expected_information(sample, x):
    """``n I(theta)`` at ``x``: symbolic when the model allows it, else by quadrature."""
    L = sample.likelihood
    try:
        info = L.fisher_information
    except NoClosedFormError:
        info = None
    if info is not None:
        args = list(L.params) + list(sample.known)
        vals = numeric_function(list(info), args)(*x, *sample.known.values())
        k = len(L.params)
        return (sample.n * np.array([float(v) for v in vals]).reshape(k, k),
                "symbolic n I(theta) from E[score] = 0, evaluated at the estimate")
    if len(L.variables) != 1:
        return None, ("not available for a model with several observed variables "
                      "(regression: conditional on the design, use the observed information)")
    sup = L.support.subs(sample.known) if L.support.free_symbols else L.support
    if not isinstance(sup, sp.Interval):
        return None, f"not available: numeric quadrature needs an interval support, got {sup}"
    from scipy.integrate import quad  # deferred: optional heavy dependency
    xv = L.variables[0]
    P = list(L.params)
    kargs = list(sample.known)
    s1 = numeric_function(list(L.score_one) + [sp.exp(L.logpdf)], [xv] + P + kargs)
    kv = list(sample.known.values())
    k = len(P)
    lo, hi = float(sup.inf), float(sup.sup)
    info = np.zeros((k, k))
    for a in range(k):
        for b in range(a, k):
            def integrand(t, a=a, b=b):
                v = s1(t, *x, *kv)
                return float(v[a] * v[b] * v[k])
            val, _ = quad(integrand, lo, hi, limit=400, epsabs=1e-13, epsrel=1e-11)
            info[a, b] = info[b, a] = val
    return (sample.n * info,
            "n E[score score^T] at the estimate by numerical quadrature (scipy.integrate.quad)")
