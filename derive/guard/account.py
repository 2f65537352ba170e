"""One CPU-time budget shared by the steps of a call (``minimize(..., seconds=)``, ``integrate``).

:func:`derive.guard.run` bounds one piece of guarded work. A call such as
``minimize`` does several in a row (differentiate, solve ``grad f = 0``,
enumerate stationary points numerically when the solve gives up, restart a
local method), and ``seconds`` must bound them together. :class:`CpuBudget`
keeps the account:

* work in this thread (differentiation, classification of the points found)
  is measured with ``time.thread_time`` (other threads of the process, as in a
  Jupyter kernel, do not eat the budget); it is counted but cannot be stopped;
* guarded work gets what is left as its own :func:`~derive.guard.run` budget
  (measured there as the child's CPU time, with the guard's wall-clock
  backstop), and the CPU time the child used is charged however it ends
  (:func:`derive.guard.run` with ``charge_to=``).

Times are real CPU seconds: ``DERIVE_TIME_BUDGET`` scales the total once
(as :func:`derive.guard.scaled_seconds` does), not each step again.

Examples
--------
>>> import operator
>>> from derive.guard import CpuBudget
>>> budget = CpuBudget(5)
>>> budget.run(operator.add, (1, 2), what="an addition")
3
>>> 0 <= budget.spent() < 1 and not budget.exhausted()
True
>>> CpuBudget(None).remaining()
inf
"""

from __future__ import annotations

import math
import numbers
import time

from derive.errors import DerivationTimeout
from derive.guard.budgets import scaled_seconds
from derive.guard.runner import run

__all__ = ["CpuBudget"]


class CpuBudget:
    """A CPU-time account of ``seconds`` (``None``: no limit), started now.

    Parameters
    ----------
    seconds : float or None
        The budget of the whole call, scaled by ``DERIVE_TIME_BUDGET``.
    """

    def __init__(self, seconds):
        if seconds is not None and (isinstance(seconds, bool)
                                    or not isinstance(seconds, numbers.Real)
                                    or not seconds > 0):
            raise ValueError(f"seconds must be a positive number of CPU seconds or None, "
                             f"got {seconds!r}")
        self.scale = scaled_seconds(1.0)
        self.total = math.inf if seconds is None else scaled_seconds(seconds)
        self._start = time.thread_time()
        self._children = 0.0

    def charge(self, cpu_seconds):
        """Count ``cpu_seconds`` spent by a guarded child."""
        self._children += max(0.0, float(cpu_seconds))

    def spent(self):
        """CPU seconds used so far: this thread since the start plus guarded children."""
        return time.thread_time() - self._start + self._children

    def remaining(self):
        """CPU seconds left (``inf`` without a limit; never negative)."""
        return max(0.0, self.total - self.spent())

    def exhausted(self):
        """Whether the budget is used up."""
        return self.remaining() <= 0.0

    def run(self, func, args=(), *, what, reserve=0.0, floor=0.0):
        """``func(*args)`` under :func:`derive.guard.run` with what is left, charged.

        Parameters
        ----------
        func : callable
            Module-level (picklable) function.
        args : tuple
        what : str
            Names the work in a timeout's message.
        reserve : float, optional
            Seconds (unscaled, like ``seconds``) kept back for later steps, at
            most a quarter of what is left: the work gets the rest.
        floor : float, optional
            Seconds (unscaled) the work gets even when less is left, but never
            more than the whole budget: the call as a whole may use up to
            ``min(floor, seconds)`` more than its budget.

        Raises
        ------
        DerivationTimeout
            The work did not finish in its share (or nothing was left and no
            ``floor`` was given); the CPU time it used is charged.
        """
        left = self.remaining()
        share = max(left - min(reserve * self.scale, left / 4),
                    min(floor * self.scale, self.total))
        if share <= 0.0:
            err = DerivationTimeout(
                f"{what} was not started: the CPU-time budget of {self.total:g} s was used "
                f"up by the steps before it. Pass a larger seconds=...")
            err.what, err.seconds, err.reason, err.clock = what, self.total, "time", "cpu"
            raise err
        limit = None if math.isinf(share) else share / self.scale
        return run(func, tuple(args), seconds=limit, what=what, charge_to=self)
