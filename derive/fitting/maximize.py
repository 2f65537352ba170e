"""Newton's method for the maximum likelihood estimate where no closed form exists.

:func:`newton_mle` maximizes the log-likelihood of a
:class:`~derive.fitting.sample.Sample` with :func:`derive.optimize.newton.newton`,
using the exact score and Hessian, from a method-of-moments start (the median
for a location parameter), and says which start it used.

Examples
--------
Gamma shape and scale have no closed form; Newton agrees with SciPy:

>>> import numpy as np, sympy as sp
>>> from sympy.stats import Gamma
>>> from scipy import stats
>>> from derive.fitting import Sample, newton_mle
>>> k, theta = sp.symbols("k theta", positive=True)
>>> x = stats.gamma(2.5, scale=1.5).rvs(size=500, random_state=np.random.default_rng(0))
>>> res = newton_mle(Sample(Gamma("X", k, theta), x, params=[k, theta]))
>>> res.start_method
'method of moments'
>>> a, _, scale = stats.gamma.fit(x, floc=0)
>>> bool(np.allclose(res.x, [a, scale], rtol=1e-7))
True
"""

from __future__ import annotations

import numpy as np

from derive.errors import ConvergenceError, ShapeError
from derive.fitting.start import moment_start
from derive.optimize.newton import newton

__all__ = ["newton_mle"]


def newton_mle(sample, *, start=None, tol=1e-9, maxiter=100):
    """Maximize the log-likelihood of ``sample`` by Newton's method.

    Newton (:func:`derive.optimize.newton.newton`) minimizes ``-l`` with the
    exact score and Hessian; the tolerance is on the score relative to ``n``
    (``|score|inf <= tol * n``), and one Newton step more polishes the estimate
    to the precision of the arithmetic.

    Parameters
    ----------
    sample : Sample
    start : array_like, optional
        Starting point; default :func:`moment_start`.

    Returns
    -------
    scipy.optimize.OptimizeResult
        With ``start``, ``start_method`` and ``method="newton"`` besides the
        usual keys.

    Raises
    ------
    ConvergenceError
        When Newton stops before the score vanishes, or leaves the domain.
    """
    if start is None:
        x0, how = moment_start(sample)
    else:
        x0, how = np.asarray(start, float).reshape(-1), "given"
        if x0.size != len(sample.likelihood.params):
            raise ShapeError(f"start: expected {len(sample.likelihood.params)} values, "
                             f"got {x0.size}")
    scale = float(sample.n)

    def fun(t):
        return -sample.loglik(t) / scale if sample.in_domain(t) else np.inf

    res = newton(fun, lambda t: -sample.score(t) / scale, lambda t: -sample.hessian(t) / scale,
                 x0, tol=tol, maxiter=maxiter)
    res.start, res.start_method = x0, how
    if not res.success or not sample.in_domain(res.x):
        raise ConvergenceError(
            f"Newton's method for the MLE of {list(sample.likelihood.params)} from {how} start "
            f"{x0.tolist()} stopped: {res.message} (x = {np.asarray(res.x).tolist()}). "
            "Try start=... closer to the estimate.")
    # one more Newton step: from within tol of the maximum it squares the error, so the
    # estimate no longer depends on the start (nor on how the data were chunked)
    step = np.linalg.lstsq(sample.hessian(res.x), -sample.score(res.x), rcond=None)[0]
    if np.all(np.isfinite(step)) and sample.in_domain(res.x + step):
        res.x = res.x + step
        res.nit += 1
    return res
