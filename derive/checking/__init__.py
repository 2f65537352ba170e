"""Numeric verification of derivatives: every formula is checked, and says how.

* :func:`check` -- check a :class:`~derive.Derivation` (the formula against an
  mpmath oracle at 30+ digits, the compiled code against the oracle, complex
  step / central differences / Taylor test as support) at random points
  inside the domain its assumptions allow.
* :func:`verify` -- check a hand derivation ``claimed == truth`` (scalars, explicit
  matrices, or matrix identities at random concrete sizes).
* :func:`verify_steps` -- check a whole derivation line by line, from LaTeX;
  name the first wrong step and its kind of mistake.
* :func:`check_gradient`, :func:`check_jacobian` -- the numeric cores on plain
  NumPy callables.
* :class:`CheckReport` -- the three-valued outcome, with its evidence.

The facade exports :func:`check` as ``derive.check``.

Examples
--------
>>> from derive.checking import check
>>> from derive.calculus import derivative
>>> check(derivative("x**3", "x")).status
'verified'
"""

from derive.checking.derivations import check
from derive.checking.numeric import check_gradient, check_jacobian
from derive.checking.report import CheckReport, Counterexample
from derive.checking.steps import StepResult, StepsReport, verify_steps
from derive.checking.verify import verify

__all__ = ["CheckReport", "Counterexample", "StepResult", "StepsReport", "check",
           "check_gradient", "check_jacobian", "verify", "verify_steps"]
