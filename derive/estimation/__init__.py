"""Maximum likelihood and Bayesian inference, derived and checked.

* :func:`likelihood` -> :class:`Likelihood`: the log-likelihood of an iid sample
  in terms of sufficient statistics, score, Hessian, Fisher information.
* :func:`mle` -> :class:`ClosedFormMLE`: closed-form estimates (formulas in n and
  the statistics), second-order checked.
* :func:`fit` -> :class:`Fit`: estimates on data (closed form, else Newton),
  standard errors, Wald and profile intervals, likelihood-ratio tests.
* :func:`conjugate_posterior`, :func:`numeric_posterior`: Bayesian inference.
"""

from derive.estimation.bayes import (ConjugatePosterior, NumericPosterior, conjugate_posterior,
                                     numeric_posterior)
from derive.estimation.closed_form import ClosedFormMLE, mle
from derive.estimation.inference import Fit, fit
from derive.estimation.model import Likelihood, likelihood
from derive.estimation.numeric import Sample, newton_mle

__all__ = ["Likelihood", "likelihood", "ClosedFormMLE", "mle", "Fit", "fit", "Sample",
           "newton_mle", "ConjugatePosterior", "conjugate_posterior", "NumericPosterior",
           "numeric_posterior"]
