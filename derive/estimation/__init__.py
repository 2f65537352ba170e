"""Maximum likelihood and Bayesian inference, derived (SymPy only; no data arrays).

* :func:`likelihood` -> :class:`Likelihood`: the log-likelihood of an iid sample
  in terms of sufficient statistics, score, Hessian, Fisher information
  (:mod:`~derive.estimation.model`, built by :mod:`~derive.estimation.build`
  from a density read by :mod:`~derive.estimation.density`).
* :func:`mle` -> :class:`ClosedFormMLE`: closed-form estimates (formulas in n and
  the statistics), second-order checked.
* :func:`conjugate_posterior`: conjugate posteriors, hyperparameters derived.

Estimates on data (``fit``, Newton, ``numeric_posterior``) are the fitting
layer's: :mod:`derive.fitting`.
"""

from derive.estimation.bayes import ConjugatePosterior, conjugate_posterior
from derive.estimation.build import likelihood
from derive.estimation.closed_form import ClosedFormMLE, mle
from derive.estimation.model import Likelihood

__all__ = [
           "ClosedFormMLE",
           "ConjugatePosterior",
           "Likelihood",
           "conjugate_posterior",
           "likelihood",
           "mle",
]
