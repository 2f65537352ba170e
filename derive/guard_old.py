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

from __future__ import annotations

import ctypes
import errno
import math
import multiprocessing
import os
import pickle
import select
import signal
import sys
import threading
import time
import traceback
import warnings

try:
    import resource
except ImportError:  # Windows
    resource = None
try:
    import multiprocessing.forkserver as _forkserver_module
except ImportError:  # pragma: no cover - Windows
    _forkserver_module = None

from derive.errors import DerivationTimeout, DeriveError

__all__ = ["run", "DEFAULT_SECONDS", "DEFAULT_MEMORY_MB", "MemoryBudgetExceeded",
           "GuardError", "scaled_seconds", "default_start_method", "backstop_seconds"]

#: Default CPU-time budget, in seconds, of one guarded call.
DEFAULT_SECONDS = 10.0
#: Default address space, in MiB, a guarded call may add to its process.
DEFAULT_MEMORY_MB = 4096

_ENV_SCALE = "DERIVE_TIME_BUDGET"
_ENV_METHOD = "DERIVE_GUARD_START_METHOD"
_PRELOAD = ["sympy", "derive", "derive.guard"]  # importing this one warms the server
_GRACE = 1.0  # seconds a terminated child gets before it is killed


class MemoryBudgetExceeded(DerivationTimeout, MemoryError):
    """Guarded work that ran out of its memory budget (``memory_mb``)."""


class GuardError(DeriveError, RuntimeError):
    """Guarded work that failed in a way its own exception cannot report.

    The child process died (a crash or the system's out-of-memory killer), or
    its exception or result could not be pickled back to the caller.
    """


def scaled_seconds(seconds):
    """The time budget actually applied: ``seconds`` times ``DERIVE_TIME_BUDGET``.

    Parameters
    ----------
    seconds : float or None
        A budget in seconds; ``None`` (no deadline) stays ``None``.

    Returns
    -------
    float or None

    Examples
    --------
    >>> import os
    >>> os.environ["DERIVE_TIME_BUDGET"] = "3"
    >>> scaled_seconds(10)
    30.0
    >>> del os.environ["DERIVE_TIME_BUDGET"]
    >>> scaled_seconds(10)
    10.0
    """
    if seconds is None:
        return None
    text = os.environ.get(_ENV_SCALE, "").strip()
    if not text:
        return float(seconds)
    try:
        scale = float(text)
        if not (scale > 0 and math.isfinite(scale)):
            raise ValueError
    except ValueError:
        warnings.warn(f"{_ENV_SCALE}={text!r} is not a positive number; ignored "
                      f"(set it to e.g. 3 to triple every time budget)", stacklevel=3)
        return float(seconds)
    return float(seconds) * scale


def default_start_method():
    """The multiprocessing start method :func:`run` uses here and now.

    ``DERIVE_GUARD_START_METHOD`` if set; else ``"fork"`` on Linux while the
    process has a single thread; else ``"forkserver"`` if available; else
    ``"spawn"``.

    Returns
    -------
    str

    Examples
    --------
    >>> default_start_method() in {"fork", "forkserver", "spawn"}
    True
    """
    available = multiprocessing.get_all_start_methods()
    chosen = os.environ.get(_ENV_METHOD, "").strip()
    if chosen:
        if chosen not in available:
            raise ValueError(f"{_ENV_METHOD}={chosen!r} is not a start method on this "
                             f"platform; use one of {', '.join(available)}")
        return chosen
    if sys.platform.startswith("linux") and "fork" in available \
            and threading.active_count() == 1:
        return "fork"
    return "forkserver" if "forkserver" in available else "spawn"


_preload_lock = threading.Lock()
_preloaded = False


def _context(method):
    global _preloaded
    ctx = multiprocessing.get_context(method)
    if method == "forkserver" and not _preloaded:
        with _preload_lock:
            if not _preloaded:
                # Ignored if some other code already started the server.
                ctx.set_forkserver_preload(_PRELOAD)
                _preloaded = True
    return ctx


# --------------------------------------------------------------------- child side

def _die_with_parent():
    """Linux: have the kernel kill this child if its parent dies first."""
    if not sys.platform.startswith("linux"):
        return
    try:
        parent = os.getppid()
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG
        if os.getppid() != parent:  # the parent died before the call
            os._exit(1)
    except (OSError, AttributeError):  # pragma: no cover - best effort only
        pass


def _release_forkserver():
    """Under forkserver every child holds a copy of the caller's "alive" pipe, which
    keeps the server (and so, through PR_SET_PDEATHSIG, this child) running after the
    caller is killed. The guarded work never needs the server: let go of it."""
    server = getattr(_forkserver_module, "_forkserver", None)
    fd = getattr(server, "_forkserver_alive_fd", None)
    if fd is not None:
        try:
            os.close(fd)
        except OSError:
            pass
        server._forkserver_alive_fd = None
        server._forkserver_address = None


def _watch_caller(fd):
    """Exit this process once the pipe to the caller breaks (the caller is gone)."""
    poller = select.poll()
    poller.register(fd, 0)  # POLLERR / POLLHUP are always reported
    while True:
        if poller.poll():
            os._exit(1)


def _start_watchdog(conn):
    if not hasattr(select, "poll"):  # pragma: no cover - Windows
        return
    threading.Thread(target=_watch_caller, args=(conn.fileno(),), daemon=True,
                     name="derive.guard watchdog").start()


def _mapped_bytes():
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _limit_memory(memory_mb):
    if resource is None:  # Windows: no cap
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = _mapped_bytes() + int(memory_mb * 2**20)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    if soft == resource.RLIM_INFINITY or limit < soft:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _child(conn, func, args, kwargs, memory_mb, method):
    _die_with_parent()
    if method == "forkserver":
        _release_forkserver()
    if method != "fork":  # a forked child holds the read end too: PDEATHSIG covers it
        _start_watchdog(conn)
    try:
        conn.send(("started", time.process_time()))
        if memory_mb is not None:
            _limit_memory(memory_mb)
        try:
            result = func(*args, **kwargs)
        except MemoryError:
            conn.send(("memory", None))
            return
        except BaseException as exc:  # noqa: BLE001 - everything goes back to the caller
            conn.send(("raise", _pickled(exc), type(exc).__qualname__, str(exc),
                       traceback.format_exc()))
            return
        try:
            conn.send(("ok", result))
        except MemoryError:
            conn.send(("memory", None))
        except Exception as exc:  # the result does not pickle
            conn.send(("unpicklable", type(result).__qualname__, f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def _pickled(exc):
    try:
        blob = pickle.dumps(exc)
        pickle.loads(blob)  # some exceptions pickle but cannot be rebuilt
        return blob
    except Exception:
        return None


# -------------------------------------------------------------------- parent side

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


_CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _cpu_seconds(pid):
    """CPU time (user + system, with reaped children) of process ``pid``, or ``None``
    where it cannot be read (not Linux, or the process is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    # fields[0] is field 3 (state); utime, stime, cutime, cstime are fields 14-17
    return sum(int(v) for v in fields[11:15]) / _CLOCK_TICKS


def backstop_seconds(seconds):
    """The default wall-clock backstop for a CPU budget of ``seconds``.

    Parameters
    ----------
    seconds : float or None

    Returns
    -------
    float or None
        ``10 * seconds + 30``: enough for work that gets a tenth of a core on a
        loaded machine; ``None`` stays ``None``.

    Examples
    --------
    >>> backstop_seconds(10)
    130.0
    """
    return None if seconds is None else 10.0 * seconds + 30.0


def _budget_iv(name, value):
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)) \
            or math.isnan(value) or value <= 0:
        raise ValueError(f"{name} must be a positive number or None, got {value!r}")


def run(func, args=(), kwargs=None, *, seconds=DEFAULT_SECONDS, memory_mb=DEFAULT_MEMORY_MB,
        what="symbolic work", start_method=None, wall_seconds=None):
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
        _budget_iv(name, value)
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
        ctx = _context(method)
        receiver, sender = ctx.Pipe(duplex=False)
    except OSError as exc:
        raise _environment_fault(exc, what, method) from exc
    proc = ctx.Process(target=_child, name=f"derive.guard: {what}", daemon=False,
                       args=(sender, func, tuple(args), dict(kwargs or {}), memory_mb, method))
    try:
        proc.start()
    except BaseException as exc:
        receiver.close()
        sender.close()
        if isinstance(exc, OSError):
            raise _environment_fault(exc, what, method) from exc
        if not isinstance(exc, (pickle.PicklingError, AttributeError, TypeError)):
            raise
        raise TypeError(
            f"{what} cannot run under a time budget with start method {method!r}: "
            f"{func!r} or its arguments do not pickle ({exc}). Pass a module-level "
            f"function (e.g. sympy.simplify or one defined in a derive module)") from None
    sender.close()  # only the child writes; EOF then means the child is gone
    try:
        message, used = _wait(receiver, proc.pid, budget, wall)
    finally:
        receiver.close()
        code = _reap(proc)
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
            f"{_ENV_SCALE}=3 to scale every budget")
        err.what, err.seconds, err.reason = what, limit, "time"
        err.clock = "cpu" if message is _TIMEOUT else "wall"
        raise err
    if message is _NOT_STARTED:
        raise GuardError(
            f"the process for {what} failed while starting{_describe_exit(code)}, before "
            f"it ran any work. Under the {method!r} start method the child imports your "
            f"main module again: put the code that calls derive under "
            f"`if __name__ == \"__main__\":`, and pass module-level functions (see its "
            f"error output above); or set {_ENV_METHOD}=fork on Linux")
    if message is None:
        raise GuardError(f"the process running {what} died without an answer"
                         f"{_describe_exit(code)}; try simpler input or a smaller problem")
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


_TIMEOUT, _WALL, _NOT_STARTED = object(), object(), object()

#: errno -> what the user can do about it
_FAULT_ADVICE = {
    errno.EMFILE: "this process has too many open files: close some, or raise the "
                  "limit (`ulimit -n 4096`)",
    errno.ENFILE: "the system has too many open files: close some programs",
    errno.EAGAIN: "the system refused to start another process (too many processes, or "
                  "memory is short): wait for other jobs to finish, close programs, or "
                  "raise `ulimit -u`",
    errno.ENOMEM: "the system is out of memory for a new process: close programs or "
                  "lower memory use",
}


def _environment_fault(exc, what, method):
    """A GuardError that says what to do about an OSError met while starting a child."""
    advice = _FAULT_ADVICE.get(exc.errno)
    if advice is None and (exc.errno in (errno.ENOENT, errno.EACCES, errno.EPERM, errno.EROFS,
                                         errno.ENOSPC, errno.ENOTDIR)
                           or "temporary directory" in str(exc)):
        advice = (f"no usable temporary directory for the {method!r} start method's "
                  f"socket (tempfile uses TMPDIR, then /tmp): set TMPDIR to a writable "
                  f"directory, or {_ENV_METHOD}=fork on Linux")
    if advice is None:
        advice = f"try again, or another start method ({_ENV_METHOD}=fork or spawn)"
    return GuardError(f"could not start a child process for {what} ({type(exc).__name__}: "
                      f"{exc}): {advice}")


def _describe_exit(code):
    if code is None or code >= 0:
        return f" (exit code {code})" if code else ""
    try:
        name = signal.Signals(-code).name
    except ValueError:
        name = f"signal {-code}"
    hint = "; often the system's out-of-memory killer" if name == "SIGKILL" else ""
    return f" (killed by {name}{hint})"


def _wait(receiver, pid, budget, wall):
    """``(message, cpu_used)``: the child's message, ``None`` if it died silently after
    starting, ``_NOT_STARTED`` if it died before, ``_TIMEOUT`` past the CPU budget or
    ``_WALL`` past the wall-clock backstop."""
    begin = time.monotonic()
    wall_deadline = None if wall is None else begin + wall
    cpu_start = None  # CPU the child had used when it began the work
    used = 0.0
    while True:
        now = time.monotonic()
        if wall_deadline is not None and now >= wall_deadline:
            return _WALL, used
        if budget is not None and cpu_start is not None:
            cpu = _cpu_seconds(pid)
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
                return message, used
            started_at = time.monotonic()
            own = _cpu_seconds(pid)
            # the child's clock and /proc agree to a tick; prefer /proc when it reads
            cpu_start = message[1] if own is None else min(own, message[1])


# ------------------------------------------------------------------ forkserver warm-up

def _imported_by_forkserver():
    frame = sys._getframe(1)
    suffix = os.path.join("multiprocessing", "forkserver.py")
    while frame is not None:
        if frame.f_code.co_name == "main" and frame.f_code.co_filename.endswith(suffix):
            return True
        frame = frame.f_back
    return False


def _warm_up():
    """Run small SymPy work once in the fork server, so that its children start with
    SymPy's lazily built tables and imports in place (measured: a guarded simplify
    took 1.7 s per call from a cold server, 0.25 s from a warm one)."""
    import sympy  # deferred: only the fork server warms SymPy up; guard itself never uses it
    x, y = sympy.symbols("x y")
    sympy.simplify(sympy.sin(x) ** 2 + sympy.cos(x) ** 2 + y)
    sympy.factor(x**4 - y**4)
    sympy.solve(x**2 - 2 * x - 1, x)
    sympy.integrate(x * sympy.exp(x), x)
    sympy.Matrix([[1, 2], [3, 4]]).eigenvects()


if _imported_by_forkserver():  # pragma: no cover - runs in the server process only
    try:
        _warm_up()
    except Exception:
        pass
