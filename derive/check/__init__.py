"""Numeric verification of derivatives: every formula is checked, and says how.

* :func:`check` -- check a :class:`~derive.Derivation` (compiled result
  against an mpmath oracle at 30+ digits, central differences, complex step,
  Taylor-remainder test) at random points inside the domain its assumptions allow.
* :func:`verify` -- check a hand derivation ``claimed == truth``.
* :func:`check_gradient`, :func:`check_jacobian` -- the same numeric cores on
  plain NumPy callables.
* :class:`CheckReport` -- the three-valued outcome, with its evidence.
"""

from derive.check.numeric import check_gradient, check_jacobian
from derive.check.report import CheckReport, Counterexample

__all__ = ["CheckReport", "Counterexample", "check_gradient", "check_jacobian"]
