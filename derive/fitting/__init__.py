"""Likelihoods on data: estimates, their uncertainty, and numeric posteriors.

The data side of :mod:`derive.estimation` (which derives formulas and never
touches data):

* :class:`Sample` (:mod:`~derive.fitting.sample`): a likelihood bound to data;
  statistics, log-likelihood, score and Hessian on it, compiled once
  (:mod:`~derive.fitting.kernels`).
* :func:`fit` -> :class:`Fit` (:mod:`~derive.fitting.estimate`,
  :mod:`~derive.fitting.result`): closed form evaluated without cancellation
  (:mod:`~derive.fitting.evaluate`), else Newton (:mod:`~derive.fitting.maximize`
  from :mod:`~derive.fitting.start`); standard errors, Wald and profile
  intervals, likelihood-ratio tests.
* :func:`numeric_posterior` (:mod:`~derive.fitting.posterior`).
"""

from derive.fitting.estimate import DegenerateDataError, fit
from derive.fitting.maximize import newton_mle
from derive.fitting.posterior import NumericPosterior, numeric_posterior
from derive.fitting.result import Fit
from derive.fitting.sample import Sample, sample_statistics

__all__ = [
           "DegenerateDataError",
           "Fit",
           "NumericPosterior",
           "Sample",
           "fit",
           "newton_mle",
           "numeric_posterior",
           "sample_statistics",
]
