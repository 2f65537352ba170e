"""Inference on data: estimates, standard errors, Wald and profile intervals, LR tests.

:func:`fit` estimates the parameters of a model on data — with the closed-form
MLE when :func:`~derive.estimation.closed_form.mle` finds one, else by Newton's
method with the exact score and Hessian — and returns a :class:`Fit` that says
which path was taken. Everything is computed in the log domain. Standard
errors come from the inverse of the expected (Fisher) information ``n I(theta)``
and of the observed information ``-H(theta_hat)``.

Examples
--------
>>> import numpy as np, sympy as sp
>>> from sympy.stats import Exponential
>>> from derive.fitting import fit
>>> lam = sp.Symbol("lam", positive=True)
>>> x = np.random.default_rng(1).exponential(scale=0.5, size=400)
>>> f = fit(Exponential("X", lam), [lam], data=x)
>>> f.path
'closed form'
>>> bool(np.isclose(f.x[0], 1 / x.mean(), rtol=1e-12))
True
>>> bool(np.isclose(f.se_expected[0], f.x[0] / np.sqrt(400), rtol=1e-12))
True
>>> lo, hi = f.wald()[0]
>>> bool(lo < 2.0 < hi)
True
"""

from __future__ import annotations

import numpy as np

from derive.errors import DeriveError, NoClosedFormError
from derive.estimation.build import likelihood
from derive.estimation.closed_form import mle
from derive.estimation.model import Likelihood
from derive.fitting.distributed import DaskSample, is_lazy_data
from derive.fitting.evaluate import evaluate_closed_form
from derive.fitting.maximize import newton_mle
from derive.fitting.result import Fit
from derive.fitting.sample import Sample

__all__ = ["DegenerateDataError", "fit"]


class DegenerateDataError(DeriveError, ValueError):
    """Data for which the MLE lies on the boundary of the parameter domain."""


def fit(model, params=None, *, data, known=None, start=None, method="auto", closed_form=None,
        client=None, scheduler=None, **kwargs):
    """Maximum likelihood estimates on data, with standard errors and intervals.

    Parameters
    ----------
    model : Likelihood, str, sympy expression or sympy.stats random symbol
    params : sequence, optional
        Required unless ``model`` is a Likelihood.
    data : array_like, mapping, Dask collection, or a path or glob of files
        In memory: see :class:`~derive.fitting.sample.Sample`. A ``dask.array``
        or ``dask.dataframe``, or ``.npy``/``.csv``/``.parquet`` files (``"d/*.npy"``):
        see :class:`~derive.fitting.distributed.DaskSample` (the extra ``derive[dask]``).
    client, scheduler : optional
        For Dask data: a ``distributed.Client``, or a scheduler address
        (default ``$DASK_SCHEDULER_ADDRESS``, else a ``LocalCluster`` of this machine).
    known : mapping, optional
        Values of known constants.
    start : array_like, optional
        Newton's starting point (default: method of moments / median).
    method : {"auto", "closed form", "newton"}
        ``"auto"`` tries the closed form and falls back to Newton.
    closed_form : ClosedFormMLE, optional
        A closed form already derived for this model (not derived again).
    **kwargs
        Passed to :func:`~derive.estimation.model.likelihood`.

    Returns
    -------
    Fit

    Examples
    --------
    Cauchy location has no closed form: Newton from the median.

    >>> import numpy as np, sympy as sp
    >>> from sympy.stats import Cauchy
    >>> from derive.fitting.estimate import fit
    >>> mu = sp.Symbol("mu", real=True)
    >>> x = np.random.default_rng(2).standard_cauchy(201) + 3.0
    >>> f = fit(Cauchy("X", mu, 1), [mu], data=x)
    >>> f.path, f.newton.start_method
    ('newton', 'median for location')
    >>> bool(abs(f.sample.score(f.x)[0]) < 1e-6)
    True
    """
    if method not in ("auto", "closed form", "newton"):
        raise ValueError(f"method must be 'auto', 'closed form' or 'newton', got {method!r}")
    if closed_form is not None:
        model = closed_form.likelihood
    L = model if isinstance(model, Likelihood) else likelihood(model, params, **kwargs)
    if is_lazy_data(data):
        sample = DaskSample(L, data, known=known, client=client, scheduler=scheduler)
    else:
        sample = Sample(L, data, known=known)
    est = None
    if method != "newton":
        try:
            est = closed_form if closed_form is not None else mle(L)
        except (NoClosedFormError, DeriveError) as err:
            if method == "closed form":
                raise
            reason = str(err)
        else:
            x = evaluate_closed_form(est, sample)
            if np.all(np.isfinite(x)) and sample.in_domain(x):
                return Fit(sample, x, "closed form", closed_form=est)
            raise DegenerateDataError(
                f"the maximum likelihood estimate {dict(zip(map(str, L.params), x.tolist()))} "
                f"lies outside (on the boundary of) the parameter domain "
                f"{ {str(p): L.domain[p] for p in L.params} } for these {sample.n} "
                "observations (all equal? all 0 or all 1?): the MLE does not exist in the "
                "open domain. Use more varied data or a prior (conjugate_posterior).")
    res = newton_mle(sample, start=start)
    f = Fit(sample, res.x, "newton", newton=res)
    if method == "auto" and est is None:
        f.notes.insert(0, f"no closed form ({reason.split('. ')[0]}); estimated by Newton")
    return f
