"""Time and memory budgets for symbolic work that can run for hours.

SymPy's ``simplify``, ``integrate``, ``solve``, ``eigenvects`` and large
determinants can run for hours or eat all memory (sympy#18872, #19136, #14780).
:func:`run` does such work in a child process that is killed at its deadline, so
the calling session stays usable. It uses no signals, so it works from any thread
and inside a Jupyter kernel.

Budgets
-------
``seconds`` (default :data:`DEFAULT_SECONDS` = 10) is the **CPU time** the work
may use, measured on the child process (Linux: ``/proc/<pid>/stat``; elsewhere
the wall clock stands in), so a busy machine does not turn small work into a
timeout. A generous wall-clock backstop (``wall_seconds``, default
``10 * seconds + 30``) stops work that waits rather than computes. ``None``
means no deadline. ``memory_mb`` (default :data:`DEFAULT_MEMORY_MB` = 4096) is
the address space the work may *add* to what the process already maps when it
starts (``RLIMIT_AS``; not enforced where the ``resource`` module is missing,
i.e. on Windows); ``None`` means no cap. The environment variable
``DERIVE_TIME_BUDGET`` multiplies every time budget (``DERIVE_TIME_BUDGET=3``
on a slow machine triples them).

Past the time budget :class:`~derive.errors.DerivationTimeout` is raised; past
the memory budget :class:`MemoryBudgetExceeded`, a subclass of both
``DerivationTimeout`` and ``MemoryError`` (so ``except DerivationTimeout``
catches every exhausted budget). An exception raised by the work itself is
re-raised in the caller with its own type and message; if it cannot be sent
back intact, :class:`GuardError` carries its text. Faults of the environment
(no usable temporary directory, too many open files, the system refusing a new
process, a script without ``if __name__ == "__main__":`` under ``spawn``) are a
:class:`GuardError` whose message says what to do.

A child never outlives its caller: on Linux the kernel kills it when its parent
dies (``PR_SET_PDEATHSIG``); under ``forkserver`` the child lets go of the
server's "caller alive" pipe, so the server exits with the caller and takes the
child with it; and a watchdog thread in the child exits when the pipe back to
the caller breaks.

How the child starts
--------------------
``fork`` on Linux when the process has a single thread (cheapest: about 7 ms
per call with SymPy and NumPy loaded, mostly the kernel copying page tables);
otherwise ``forkserver`` (Jupyter kernels and callers in worker threads have
several threads, where ``fork`` can deadlock), with SymPy and ``derive``
preloaded into the server so children start fast; ``spawn`` where neither
exists. ``start_method=`` or the environment variable
``DERIVE_GUARD_START_METHOD`` overrides the choice. Under ``forkserver`` and
``spawn`` the function and its arguments are pickled, so the function must be
importable: a module-level function such as ``sympy.simplify`` or one defined
in a ``derive`` module, not a lambda (and a script that calls :func:`run` under
them needs the usual ``if __name__ == "__main__":`` guard).

Examples
--------
>>> import operator, sympy
>>> from derive.guard import run
>>> run(operator.add, (1, 2))
3
>>> x = sympy.Symbol("x")
>>> run(sympy.simplify, (sympy.sin(x)**2 + sympy.cos(x)**2,), what="simplify")
1
"""

from derive.errors import GuardError, MemoryBudgetExceeded
from derive.guard.account import CpuBudget
from derive.guard.budgets import (DEFAULT_MEMORY_MB, DEFAULT_SECONDS, backstop_seconds,
                                  scaled_seconds)
from derive.guard.runner import run
from derive.guard.start import default_start_method

__all__ = ["run", "DEFAULT_SECONDS", "DEFAULT_MEMORY_MB", "MemoryBudgetExceeded",
           "GuardError", "scaled_seconds", "default_start_method", "backstop_seconds",
           "CpuBudget"]
