"""How a guarded child starts: the start method, the fork server, environment faults.

``fork`` on Linux when the process has a single thread; otherwise ``forkserver``
(with SymPy and ``derive`` preloaded and warmed up in the server); ``spawn`` where
neither exists. ``DERIVE_GUARD_START_METHOD`` overrides the choice. An ``OSError``
met while starting a child becomes a :class:`~derive.errors.GuardError` that says
what to do.

Examples
--------
>>> import errno
>>> print(environment_fault(OSError(errno.EMFILE, "Too many open files"), "simplify", "fork"))
... # doctest: +ELLIPSIS
could not start a child process for simplify (OSError: [Errno 24] Too many open files): this process has too many open files: ...
"""

from __future__ import annotations

import errno
import multiprocessing
import os
import signal
import sys
import threading

from derive.errors import GuardError
from derive.guard.child import WATCHDOG_NAME

__all__ = ["ENV_METHOD", "default_start_method", "context", "environment_fault",
           "describe_exit"]

#: Environment variable that overrides the start method.
ENV_METHOD = "DERIVE_GUARD_START_METHOD"
# The fork server imports these once, so that its children do not import them at every
# guarded call: the modules whose functions run guarded (a child that unpickles
# derive.stats.moments._symbolic imports derive.stats and sympy.stats first; measured in
# a Jupyter kernel: moment(4, "Normal(0, mu)") took 2.0 s, 0.23 s with them
# preloaded). About 0.8 s more, once, when the server starts. Importing derive.guard
# last warms SymPy up in the server.
_PRELOAD = ["sympy", "sympy.stats", "derive", "derive.checking", "derive.linalg",
            "derive.integrals", "derive.stats", "derive.estimation", "derive.optimize",
            "derive.guard"]


def default_start_method():
    """The multiprocessing start method :func:`run` uses here and now.

    ``DERIVE_GUARD_START_METHOD`` if set; else ``"fork"`` on Linux while the
    process has a single thread (a guarded child's watchdog does not count, so
    nested guarded work forks); else ``"forkserver"`` if available; else
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
    chosen = os.environ.get(ENV_METHOD, "").strip()
    if chosen:
        if chosen not in available:
            raise ValueError(f"{ENV_METHOD}={chosen!r} is not a start method on this "
                             f"platform; use one of {', '.join(available)}")
        return chosen
    if sys.platform.startswith("linux") and "fork" in available and _single_threaded():
        return "fork"
    return "forkserver" if "forkserver" in available else "spawn"


def _single_threaded():
    """True when the only threads are the main one and a guard watchdog: a guarded
    child that runs guarded work of its own (nested budgets) then forks in a few
    milliseconds instead of starting a fork server of its own (seconds)."""
    return all(t is threading.main_thread() or t.name == WATCHDOG_NAME
               for t in threading.enumerate())


_preload_lock = threading.Lock()
_preloaded = False


def context(method):
    """The multiprocessing context for ``method`` (the fork server preloaded once)."""
    global _preloaded
    ctx = multiprocessing.get_context(method)
    if method == "forkserver" and not _preloaded:
        with _preload_lock:
            if not _preloaded:
                # Ignored if some other code already started the server.
                ctx.set_forkserver_preload(_PRELOAD)
                _preloaded = True
    return ctx


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


def environment_fault(exc, what, method):
    """A GuardError that says what to do about an OSError met while starting a child."""
    advice = _FAULT_ADVICE.get(exc.errno)
    if advice is None and (exc.errno in (errno.ENOENT, errno.EACCES, errno.EPERM, errno.EROFS,
                                         errno.ENOSPC, errno.ENOTDIR)
                           or "temporary directory" in str(exc)):
        advice = (f"no usable temporary directory for the {method!r} start method's "
                  f"socket (tempfile uses TMPDIR, then /tmp): set TMPDIR to a writable "
                  f"directory, or {ENV_METHOD}=fork on Linux")
    if advice is None:
        advice = f"try again, or another start method ({ENV_METHOD}=fork or spawn)"
    return GuardError(f"could not start a child process for {what} ({type(exc).__name__}: "
                      f"{exc}): {advice}")


def describe_exit(code):
    """How a child with exit code ``code`` ended, as a phrase for a message."""
    if code is None or code >= 0:
        return f" (exit code {code})" if code else ""
    try:
        name = signal.Signals(-code).name
    except ValueError:
        name = f"signal {-code}"
    hint = "; often the system's out-of-memory killer" if name == "SIGKILL" else ""
    return f" (killed by {name}{hint})"



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
