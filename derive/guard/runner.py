"""Run a function in a child process under a CPU-time and memory budget.

The caller's side of the guard: start the child, watch its CPU time and the
wall-clock backstop, kill it at the budget, reap it, and turn what it sent back
into the result or the right exception.

Examples
--------
>>> run(divmod, (17, 5))
(3, 2)
"""

from __future__ import annotations

import math
import multiprocessing
import pickle
import time

from derive.errors import DerivationTimeout, GuardError, MemoryBudgetExceeded
from derive.guard.budgets import (DEFAULT_MEMORY_MB, DEFAULT_SECONDS, ENV_SCALE,
                                  backstop_seconds, check_budget, cpu_seconds, scaled_seconds)
from derive.guard.child import child
from derive.guard.start import (ENV_METHOD, context, default_start_method, describe_exit,
                                environment_fault)

__all__ = ["run"]

_GRACE = 1.0  # seconds a terminated child gets before it is killed
_TIMEOUT, _WALL, _NOT_STARTED = object(), object(), object()


def run(func, args=(), kwargs=None, *, seconds=DEFAULT_SECONDS, memory_mb=DEFAULT_MEMORY_MB,
        what="symbolic work", start_method=None, wall_seconds=None, charge_to=None):
    """Run ``func(*args, **kwargs)`` in a child process under a time and memory budget.

    Parameters
    ----------
    func : callable
        Module-level (importable) function, e.g. ``sympy.simplify``.
    args : tuple, optional
        Positional arguments; pickled unless the child is forked.
    kwargs : dict, optional
        Keyword arguments.
    seconds : float or None, optional
        CPU-time budget of the child, scaled by ``DERIVE_TIME_BUDGET``; ``None``:
        no deadline. Default :data:`DEFAULT_SECONDS` (10).
    memory_mb : float or None, optional
        Address space, in MiB, the work may add to the process; ``None``: no cap.
        Default :data:`DEFAULT_MEMORY_MB` (4096).
    what : str, optional
        Names the work in error messages, e.g. ``"simplify of the Hessian"``.
    start_method : {"fork", "forkserver", "spawn"}, optional
        Overrides the automatic choice (see :func:`default_start_method`).
    wall_seconds : float, optional
        Wall-clock backstop, scaled like ``seconds``; default
        :func:`backstop_seconds` of ``seconds``.
    charge_to : CpuBudget, optional
        A budget shared with other work: the CPU time the child used is charged
        to it, however the call ends.

    Returns
    -------
    object
        What ``func`` returned, pickled back from the child.

    Raises
    ------
    DerivationTimeout
        The work used ``seconds`` of CPU time (or ``wall_seconds`` of wall-clock
        time) without finishing; the child has been killed.
    MemoryBudgetExceeded
        The work ran out of ``memory_mb`` (a ``DerivationTimeout`` and a ``MemoryError``).
    GuardError
        The child died, its result or exception could not be pickled, or the
        environment would not start it (the message says what to do).
    Exception
        Whatever ``func`` raised, with its type and message.

    Examples
    --------
    >>> import time
    >>> from derive.guard import run
    >>> run(divmod, (17, 5))
    (3, 2)
    >>> run(time.sleep, (60,), seconds=0.3, wall_seconds=1, what="a nap")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    derive.errors.DerivationTimeout: a nap did not finish within 1 s of wall-clock time ...
    >>> try:
    ...     run(int, ("seven",))
    ... except ValueError as err:
    ...     print(err)
    invalid literal for int() with base 10: 'seven'
    """
    if not callable(func):
        raise TypeError(f"run() needs a callable for {what}, got {type(func).__name__}")
    for name, value in (("seconds", seconds), ("memory_mb", memory_mb),
                        ("wall_seconds", wall_seconds)):
        check_budget(name, value)
    budget = scaled_seconds(seconds)
    if budget is not None and math.isinf(budget):
        budget = None
    wall = scaled_seconds(wall_seconds) if wall_seconds is not None else backstop_seconds(budget)
    if wall is not None and math.isinf(wall):
        wall = None
    method = start_method or default_start_method()
    if method not in multiprocessing.get_all_start_methods():
        raise ValueError(f"start_method={method!r} is not available here; use one of "
                         f"{', '.join(multiprocessing.get_all_start_methods())}")
    try:
        ctx = context(method)
        receiver, sender = ctx.Pipe(duplex=False)
    except OSError as exc:
        raise environment_fault(exc, what, method) from exc
    proc = ctx.Process(target=child, name=f"derive.guard: {what}", daemon=False,
                       args=(sender, func, tuple(args), dict(kwargs or {}), memory_mb, method))
    try:
        proc.start()
    except BaseException as exc:
        receiver.close()
        sender.close()
        if isinstance(exc, OSError):
            raise environment_fault(exc, what, method) from exc
        if not isinstance(exc, (pickle.PicklingError, AttributeError, TypeError)):
            raise
        raise TypeError(
            f"{what} cannot run under a time budget with start method {method!r}: "
            f"{func!r} or its arguments do not pickle ({exc}). Pass a module-level "
            f"function (e.g. sympy.simplify or one defined in a derive module)") from None
    sender.close()  # only the child writes; EOF then means the child is gone
    used = 0.0
    try:
        message, used = _wait(receiver, proc.pid, budget, wall)
    finally:
        receiver.close()
        code = _reap(proc)
        if charge_to is not None:
            charge_to.charge(used)
    if message in (_TIMEOUT, _WALL):
        clock = ("of CPU time" if message is _TIMEOUT
                 else f"of wall-clock time (it used {used:.3g} s of its {budget:g} s CPU "
                      f"budget: it was waiting, or the machine is very busy)"
                 if budget is not None else "of wall-clock time")
        limit = budget if message is _TIMEOUT else wall
        err = DerivationTimeout(
            f"{what} did not finish within {limit:g} s {clock}; the work was stopped. Try "
            f"simpler input (expand, substitute numbers, fewer symbols or assumptions "
            f"such as positive=True), a larger budget (seconds=...), or "
            f"{ENV_SCALE}=3 to scale every budget")
        err.what, err.seconds, err.reason = what, limit, "time"
        err.clock = "cpu" if message is _TIMEOUT else "wall"
        raise err
    if message is _NOT_STARTED:
        raise GuardError(
            f"the process for {what} failed while starting{describe_exit(code)}, before "
            f"it ran any work. Under the {method!r} start method the child imports your "
            f"main module again: put the code that calls derive under "
            f"`if __name__ == \"__main__\":`, and pass module-level functions (see its "
            f"error output above); or set {ENV_METHOD}=fork on Linux")
    if message is None:
        raise GuardError(f"the process running {what} died without an answer"
                         f"{describe_exit(code)}; try simpler input or a smaller problem")
    kind = message[0]
    if kind == "ok":
        return message[1]
    if kind == "memory":
        err = MemoryBudgetExceeded(
            f"{what} ran out of its memory budget of {memory_mb:g} MiB; the work was "
            f"stopped. Try simpler input or a larger budget (memory_mb=...)")
        err.what, err.seconds, err.reason = what, budget, "memory"
        raise err
    if kind == "unpicklable":
        raise GuardError(f"{what} finished but its result ({message[1]}) could not be sent "
                         f"back from the child process: {message[2]}")
    _, blob, type_name, text, child_traceback = message
    exc = None
    if blob is not None:
        try:
            exc = pickle.loads(blob)
        except Exception:
            exc = None
    if exc is None:
        exc = GuardError(f"{type_name}: {text} (raised by {what}; the exception could not "
                         f"be sent back intact)")
    if hasattr(exc, "add_note"):
        exc.add_note(f"raised in the child process running {what}:\n{child_traceback}")
    raise exc


def _reap(proc):
    """Make sure ``proc`` is gone and waited for (no zombie left behind)."""
    proc.join(0.2 if proc.is_alive() else None)
    if proc.is_alive():
        proc.terminate()
        proc.join(_GRACE)
    if proc.is_alive():
        proc.kill()
        proc.join()
    code = proc.exitcode
    proc.close()
    return code


def _wait(receiver, pid, budget, wall):
    """``(message, cpu_used)``: the child's message, ``None`` if it died silently after
    starting, ``_NOT_STARTED`` if it died before, ``_TIMEOUT`` past the CPU budget or
    ``_WALL`` past the wall-clock backstop."""
    begin = time.monotonic()
    wall_deadline = None if wall is None else begin + wall
    cpu_start = None  # CPU the child had used when it began the work
    started_at = begin  # wall time the work began (set again when the child says so)
    used = 0.0
    while True:
        now = time.monotonic()
        if wall_deadline is not None and now >= wall_deadline:
            return _WALL, used
        if budget is not None and cpu_start is not None:
            cpu = cpu_seconds(pid)
            if cpu is None:  # not Linux (or the child just exited): the wall clock stands in
                cpu = cpu_start + (now - started_at)
            used = max(0.0, cpu - cpu_start)
            if used >= budget:
                return _TIMEOUT, used
            # a single-threaded child needs at least this long to spend the rest
            slice_ = min(0.25, max(0.01, budget - used))
        else:
            slice_ = 0.25
        if wall_deadline is not None:
            slice_ = min(slice_, max(0.0, wall_deadline - now))
        if receiver.poll(slice_):
            try:
                message = receiver.recv()
            except EOFError:
                return (None if cpu_start is not None else _NOT_STARTED), used
            if message[0] != "started":
                final = cpu_seconds(pid)  # the child may have exited: a zombie still reads
                if final is not None and cpu_start is not None:
                    used = max(0.0, final - cpu_start)
                return message, used
            started_at = time.monotonic()
            own = cpu_seconds(pid)
            # the child's clock and /proc agree to a tick; prefer /proc when it reads
            cpu_start = message[1] if own is None else min(own, message[1])
