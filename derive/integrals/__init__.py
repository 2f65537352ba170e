"""Integrals that never hang: exact when SymPy can, numeric with an error bar when not.

:func:`integrate` asks SymPy for a closed form inside :func:`derive.guard.run`
(SymPy's ``integrate`` can run for hours, sympy#18872), tries the usual nudges
within the same budget (``meijerg=True``, ``manual=True``, ``hyperexpand`` of
special-function answers, positive parameters), and verifies every exact answer
numerically:

* an antiderivative is differentiated back and compared with the integrand at
  random points (parameters drawn to respect their assumptions);
* a definite value is compared with ``mpmath.quad`` of the integrand.

When no verified closed form is found in time, a definite integral falls back to
``mpmath.quad`` at the requested number of digits with its error estimate, and an
indefinite one comes back unevaluated with that status stated. Nothing is
silently wrong: the :class:`IntegralResult` says which of ``"exact"``,
``"numeric"``, ``"unevaluated"``, ``"diverges"`` or ``"does not exist"`` it is
(:data:`STATUSES`), by which method, and how it was checked. SymPy's ``oo``,
``nan``, ``AccumBounds`` and unevaluated pieces are never labelled exact
(:mod:`derive.integrals.existence`); a closed form valid on part of parameter
space comes with its ``region`` and is checked inside it.

Budget
------
One call takes at most about ``seconds`` of wall-clock time (default
:data:`DEFAULT_SECONDS`) plus the start-up of the guarded child processes: about
75 % of it goes to the symbolic attempts (SymPy's plain ``integrate`` may use
85 % of that, the nudges share the rest), the remainder to verification and to the
numeric fallback. Every piece runs under :func:`derive.guard.run`, so none of
them can overrun its share.

Examples
--------
>>> from derive.integrals import integrate
>>> r = integrate("x**2", ("x", 0, 1))
>>> r.value, r.status
(1/3, 'exact')
>>> r.check.status
'verified'
>>> integrate("exp(-x**2)", ("x", "-oo", "oo")).value
sqrt(pi)
>>> integrate("sin(x)", ("x", 0, "oo")).status
'does not exist'
>>> integrate("tan(x)", ("x", 0, 2)).status
'diverges'
>>> r = integrate("exp(-x**4)*cos(x)", ("x", 0, 1), digits=20, seconds=1)  # no closed form
>>> r.status, abs(float(r) - 0.73635193) < 1e-8
('numeric', True)
"""

from derive.integrals.driver import integrate
from derive.integrals.inputs import DEFAULT_SECONDS, MAX_DIGITS

# used by derive.stats under these names
from derive.integrals.quadrature import (
           _mp_function,  # noqa: F401
           numeric_integral,
)
from derive.integrals.result import (
           STATUSES,
           IntegralCheck,
           IntegralResult,
           _piecewise_text,  # noqa: F401
)

__all__ = ["integrate", "IntegralResult", "IntegralCheck", "STATUSES", "DEFAULT_SECONDS", "MAX_DIGITS",
           "numeric_integral"]
