"""Numeric verification of derivatives: every formula is checked, and says how.

* :func:`check` -- check a :class:`~derive.Derivation` (the formula against an
  mpmath oracle at 30+ digits, the compiled code against the oracle, complex
  step / central differences / Taylor test as support) at random points
  inside the domain its assumptions allow.
* :func:`verify` -- check a hand derivation ``claimed == truth``.
* :func:`check_gradient`, :func:`check_jacobian` -- the numeric cores on plain
  NumPy callables.
* :class:`CheckReport` -- the three-valued outcome, with its evidence.

``derive.check`` is both this subpackage and the function :func:`check`
exported from ``derive``: once the subpackage is imported, Python binds the
name ``derive.check`` to it, so the module itself is callable and calls
:func:`check` (``derive.check(d)`` works whichever was imported first).

Examples
--------
>>> import derive, derive.check
>>> derive.check(derive.derivative("x**3", "x")).status
'verified'
"""

from derive.callable_module import make_callable
from derive.check.derivations import check
from derive.check.numeric import check_gradient, check_jacobian
from derive.check.report import CheckReport, Counterexample
from derive.check.verify import verify

__all__ = ["CheckReport", "Counterexample", "check", "check_gradient", "check_jacobian",
           "verify"]


make_callable(__name__, check)
