"""The guarded child's side: die with the caller, cap memory, run, send the answer back.

The child tells the caller when it starts (with its CPU clock), then sends one
message: ``("ok", result)``, ``("raise", pickled, type name, text, traceback)``,
``("memory", None)`` or ``("unpicklable", type name, reason)``. It never outlives
the caller: ``PR_SET_PDEATHSIG`` on Linux, letting go of the fork server's
"caller alive" pipe, and a watchdog thread on the pipe back to the caller.

Examples
--------
>>> import pickle
>>> pickle.loads(pickled(ValueError("bad"))).args
('bad',)
"""

from __future__ import annotations

import ctypes
import os
import pickle
import select
import signal
import sys
import threading
import time
import traceback

try:
    import resource
except ImportError:  # Windows
    resource = None
try:
    import multiprocessing.forkserver as _forkserver_module
except ImportError:  # pragma: no cover - Windows
    _forkserver_module = None

__all__ = ["child", "pickled", "WATCHDOG_NAME"]

#: Name of the child's watchdog thread (it holds no lock, so forking beside it is safe).
WATCHDOG_NAME = "derive.guard watchdog"


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
                     name=WATCHDOG_NAME).start()


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


def child(conn, func, args, kwargs, memory_mb, method):
    """Run ``func(*args, **kwargs)`` in this child and send the outcome on ``conn``."""
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
            conn.send(("raise", pickled(exc), type(exc).__qualname__, str(exc),
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


def pickled(exc):
    """``exc`` pickled, or ``None`` if it does not survive a round trip."""
    try:
        blob = pickle.dumps(exc)
        pickle.loads(blob)  # some exceptions pickle but cannot be rebuilt
        return blob
    except Exception:
        return None
