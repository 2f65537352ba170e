"""Tests of derive.guard: time and memory budgets in a child process.

The helpers below are module-level so they pickle under forkserver and spawn.
"""

import errno
import operator
import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import sympy

from derive.errors import DerivationTimeout, DeriveError
from derive.guard import (DEFAULT_MEMORY_MB, DEFAULT_SECONDS, GuardError, MemoryBudgetExceeded,
                          backstop_seconds, default_start_method, run, scaled_seconds)

METHODS = ["fork", "forkserver", "spawn"]
x, y = sympy.symbols("x y")


# ---------------------------------------------------------------- helpers (picklable)

def spin_sympy():
    """SymPy work that never ends."""
    expr = sympy.Integer(0)
    while True:
        expr = sympy.expand((x + 1) ** 3) - expr


def eat_memory(megabytes):
    blocks = []
    for _ in range(megabytes):
        blocks.append(bytearray(2**20))
    return len(blocks)


class TwoArgError(Exception):
    """An exception that pickles but cannot be rebuilt (its __init__ needs two args)."""

    def __init__(self, a, b):
        super().__init__(f"{a} and {b}")


def raise_two_arg():
    raise TwoArgError("left", "right")


def return_lambda():
    return lambda t: t


def burn_cpu(cpu_seconds):
    """Spin until this process has used ``cpu_seconds`` more CPU time."""
    end = time.process_time() + cpu_seconds
    while time.process_time() < end:
        pass
    return "done"


def report_pid_then_spin(path):
    """Write this process's pid and its parent's, then spin forever."""
    with open(path + ".tmp", "w") as fh:
        fh.write(f"{os.getpid()} {os.getppid()}")
    os.replace(path + ".tmp", path)
    spin_sympy()


def die_by_signal():
    os.kill(os.getpid(), signal.SIGKILL)


def nested(budget):
    """Guarded work that itself runs guarded work, catching the inner timeout."""
    try:
        run(spin_sympy, seconds=budget, what="inner spin")
    except DerivationTimeout as err:
        return f"inner: {err.reason}"
    return "inner finished?"


def zombie_children():
    """Children of this process that exited and were never reaped."""
    me = str(os.getpid())
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[1] == me and fields[0] == "Z":  # our child, exited but not waited for
            found.append(pid)
    return found


# ---------------------------------------------------------------- results, every start method

@pytest.mark.parametrize("method", METHODS)
def test_result_exception_and_timeout_under_every_start_method(method):
    # a SymPy result comes back equal to what the parent computes itself
    expr = sympy.sin(x) ** 2 + sympy.cos(x) ** 2 + y
    assert run(sympy.simplify, (expr,), start_method=method) == y + 1
    assert run(sympy.factor, (x**2 - 1,), start_method=method) == (x - 1) * (x + 1)
    # an exception keeps its type and message
    with pytest.raises(ZeroDivisionError, match="division by zero"):
        run(operator.truediv, (1, 0), start_method=method)
    # a hang is stopped at the deadline
    budget = 1.0  # CPU counted from when the work starts: spawn's imports are not in it
    start = time.monotonic()
    with pytest.raises(DerivationTimeout, match=r"spin did not finish within \d"):
        run(spin_sympy, seconds=budget, what="spin", start_method=method)
    assert time.monotonic() - start >= budget  # CPU time never outruns the wall clock
    assert run(operator.mul, (6, 7), start_method=method) == 42


def test_timeout_kills_quickly_and_session_stays_usable():
    """(A CPU budget: the spin uses a core, so the wall time is at least the budget.)"""
    start = time.monotonic()
    with pytest.raises(DerivationTimeout) as info:
        run(spin_sympy, seconds=1, what="expanding forever")
    elapsed = time.monotonic() - start
    assert 0.9 <= elapsed
    err = info.value
    assert isinstance(err, TimeoutError) and isinstance(err, DeriveError)
    assert err.reason == "time" and err.what == "expanding forever" and err.seconds == 1.0
    message = str(err)
    assert message.startswith("expanding forever did not finish within 1 s")
    assert "seconds=" in message and "DERIVE_TIME_BUDGET" in message
    # the next guarded call works, and the parent's SymPy is untouched
    assert run(sympy.expand, ((x + 1) ** 2,)) == x**2 + 2 * x + 1
    assert sympy.expand((x + 2) ** 2) == x**2 + 4 * x + 4


def test_no_zombies_or_children_left():
    import multiprocessing
    for _ in range(3):
        with pytest.raises(DerivationTimeout):
            run(spin_sympy, seconds=0.3)
        run(operator.add, (1, 2))
    assert multiprocessing.active_children() == []
    assert zombie_children() == []


# ---------------------------------------------------------------- errors from the child

def test_sympy_exception_type_survives():
    singular = sympy.Matrix([[1, 2], [2, 4]])
    with pytest.raises(ValueError) as info:
        run(singular.inv)
    assert type(info.value).__name__ == "NonInvertibleMatrixError"
    assert "not invertible" in str(info.value).lower()
    notes = "".join(getattr(info.value, "__notes__", []))
    assert "child process" in notes and "Traceback" in notes


def test_exception_that_cannot_be_rebuilt_becomes_guard_error():
    with pytest.raises(GuardError, match=r"TwoArgError: left and right") as info:
        run(raise_two_arg, what="the two-arg thing")
    assert "the two-arg thing" in str(info.value)
    assert isinstance(info.value, RuntimeError)


def test_unpicklable_result_becomes_guard_error():
    with pytest.raises(GuardError, match="result .*could not be sent back"):
        run(return_lambda, what="making a lambda")


def test_child_killed_by_signal_is_reported():
    with pytest.raises(GuardError, match="killed by SIGKILL"):
        run(die_by_signal, what="self-destruct")
    assert run(operator.add, (2, 2)) == 4


# ---------------------------------------------------------------- memory

@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_AS is enforced on Linux")
def test_memory_cap():
    with pytest.raises(MemoryBudgetExceeded) as info:
        run(eat_memory, (2000,), memory_mb=200, what="hoarding")
    err = info.value
    assert isinstance(err, DerivationTimeout) and isinstance(err, MemoryError)
    assert err.reason == "memory"
    assert "hoarding ran out of its memory budget of 200 MiB" in str(err)
    assert "memory_mb=" in str(err)
    # within budget, and the cap is relative to what the process already maps
    assert run(eat_memory, (50,), memory_mb=200) == 50
    assert run(eat_memory, (300,), memory_mb=None) == 300


# ---------------------------------------------------------------- threads, nesting, Jupyter

def test_from_a_worker_thread():
    with ThreadPoolExecutor(1) as pool:
        assert pool.submit(run, sympy.factor, (x**2 - 4,)).result() == (x - 2) * (x + 2)
        future = pool.submit(run, spin_sympy, seconds=0.5)
        with pytest.raises(DerivationTimeout):
            future.result()
        assert pool.submit(run, operator.add, (1, 1)).result() == 2


def test_fork_avoided_while_threads_run():
    stop = threading.Event()
    worker = threading.Thread(target=stop.wait)
    worker.start()
    try:
        assert default_start_method() in {"forkserver", "spawn"}
    finally:
        stop.set()
        worker.join()


def test_nested_budgets():
    assert run(nested, (0.3,), seconds=20) == "inner: time"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork is Linux's")
@pytest.mark.parametrize("method", ["forkserver", "spawn"])
def test_nested_guarded_work_forks_beside_the_watchdog(method):
    # the child's watchdog thread holds no lock: nested work forks (milliseconds)
    # rather than starting a fork server of its own (seconds of imports and warm-up)
    assert run(default_start_method, start_method=method) == "fork"


def test_in_a_jupyter_kernel():
    jupyter_client = pytest.importorskip("jupyter_client")
    pytest.importorskip("ipykernel")
    km, kc = jupyter_client.manager.start_new_kernel(kernel_name="python3")
    try:
        code = (
            "import operator, time, sympy\n"
            "from derive.guard import run, default_start_method\n"
            "from derive.errors import DerivationTimeout\n"
            "x = sympy.Symbol('x')\n"
            "out = [default_start_method(), str(run(sympy.factor, (x**2 - 1,)))]\n"
            "try:\n"
            "    run(time.sleep, (60,), seconds=0.5, wall_seconds=2)\n"
            "except DerivationTimeout:\n"
            "    out.append('timeout')\n"
            "out.append(run(operator.add, (20, 22)))\n"
            "print(out)\n")
        reply = kc.execute_interactive(code, timeout=60, output_hook=_collect(outputs := []))
        assert reply["content"]["status"] == "ok", reply["content"]
        text = "".join(outputs)
        assert "'(x - 1)*(x + 1)', 'timeout', 42]" in text
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def _collect(sink):
    def hook(msg):
        if msg["msg_type"] == "stream":
            sink.append(msg["content"]["text"])
    return hook


# ---------------------------------------------------------------- options and bad arguments

def test_defaults_documented():
    assert DEFAULT_SECONDS == 10 and DEFAULT_MEMORY_MB == 4096
    assert "DEFAULT_SECONDS" in run.__doc__ and "(10)" in run.__doc__


def test_time_budget_scaling(monkeypatch):
    monkeypatch.setenv("DERIVE_TIME_BUDGET", "2")
    assert scaled_seconds(1.5) == 3.0
    with pytest.raises(DerivationTimeout, match="within 0.6 s"):
        run(spin_sympy, seconds=0.3)
    monkeypatch.setenv("DERIVE_TIME_BUDGET", "fast")
    with pytest.warns(UserWarning, match="DERIVE_TIME_BUDGET='fast'"):
        assert scaled_seconds(2) == 2.0
    assert scaled_seconds(None) is None


def test_start_method_override(monkeypatch):
    monkeypatch.setenv("DERIVE_GUARD_START_METHOD", "spawn")
    assert default_start_method() == "spawn"
    monkeypatch.setenv("DERIVE_GUARD_START_METHOD", "teleport")
    with pytest.raises(ValueError, match="DERIVE_GUARD_START_METHOD='teleport'"):
        default_start_method()


@pytest.mark.parametrize("options, match", [
    ({"seconds": 0}, "seconds must be a positive number"),
    ({"seconds": -1}, "seconds must be a positive number"),
    ({"seconds": "10"}, "seconds must be a positive number"),
    ({"memory_mb": 0}, "memory_mb must be a positive number"),
    ({"start_method": "teleport"}, "start_method='teleport' is not available"),
])
def test_bad_options(options, match):
    with pytest.raises(ValueError, match=match):
        run(operator.add, (1, 2), **options)


def test_not_callable_and_unpicklable():
    with pytest.raises(TypeError, match="needs a callable"):
        run(42)
    with pytest.raises(TypeError, match="do not pickle.*module-level function"):
        run(lambda: 1, start_method="forkserver", what="a lambda")
    # no deadline at all is allowed
    assert run(operator.add, (1, 2), seconds=None, memory_mb=None) == 3


# ---------------------------------------------------------------- CPU time, not wall-clock time

def test_budget_counts_cpu_not_waiting():
    # 1.5 s of sleep uses no CPU: within a 0.5 s CPU budget, whatever the machine's load
    assert run(time.sleep, (1.5,), seconds=0.5) is None
    # ...but the wall-clock backstop stops work that only waits
    with pytest.raises(DerivationTimeout, match="within 0.5 s of wall-clock time") as info:
        run(time.sleep, (60,), seconds=0.3, wall_seconds=0.5, what="a nap")
    assert info.value.clock == "wall" and info.value.reason == "time"
    with pytest.raises(DerivationTimeout, match="within 0.3 s of CPU time") as info:
        run(spin_sympy, seconds=0.3)
    assert info.value.clock == "cpu"


def test_default_backstop_is_generous():
    assert backstop_seconds(10) == 130 and backstop_seconds(None) is None
    with pytest.raises(ValueError, match="wall_seconds must be a positive number"):
        run(operator.add, (1, 2), wall_seconds=float("nan"))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="CPU time read from /proc")
def test_load_does_not_turn_small_work_into_a_timeout():
    """Guarded work that needs 0.1 s of CPU fits a 0.3 s CPU budget while burners
    (four per core) make its wall time several times longer than the budget."""
    burners = [subprocess.Popen([sys.executable, "-c", "while True: pass"])
               for _ in range(4 * (os.cpu_count() or 1))]
    try:
        time.sleep(0.2)
        # (one start method: the CPU accounting from /proc is the same for all)
        assert run(burn_cpu, (0.1,), seconds=0.3) == "done"
    finally:
        for proc in burners:
            proc.kill()
            proc.wait()


# ---------------------------------------------------------------- a child never outlives its caller

CALLER = """
import sys
from derive.guard import run
from tests.test_guard import report_pid_then_spin
if __name__ == "__main__":
    run(report_pid_then_spin, (sys.argv[2],), seconds=120, start_method=sys.argv[1])
"""


def _gone(pid):
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except OSError:
        return True


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("method", METHODS)
def test_killed_caller_takes_child_and_fork_server_along(method, tmp_path):
    script = tmp_path / "caller.py"
    script.write_text(CALLER)
    marker = str(tmp_path / "pids")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ, PYTHONPATH=root)
    caller = subprocess.Popen([sys.executable, str(script), method, marker], env=env)
    try:
        for _ in range(600):  # the child reports as soon as it runs
            if os.path.exists(marker) or caller.poll() is not None:
                break
            time.sleep(0.05)
        child, parent = map(int, open(marker).read().split())
    finally:
        caller.kill()
        caller.wait()
    watched = [child] + ([parent] if parent != caller.pid else [])  # the fork server
    for _ in range(200):
        if all(_gone(pid) for pid in watched):
            break
        time.sleep(0.05)
    assert all(_gone(pid) for pid in watched), f"{method}: {watched} outlived the caller"


# ---------------------------------------------------------------- faults of the environment

ENV_FAULT = """
import operator, os, resource, sys, tempfile
from derive.errors import DeriveError
from derive.guard import run
if __name__ == "__main__":
    if sys.argv[1] == "fds":
        n = len(os.listdir("/proc/self/fd"))
        resource.setrlimit(resource.RLIMIT_NOFILE, (n + 1, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))
    else:
        tempfile.tempdir = "/nonexistent/derive-tmp"
    try:
        run(operator.add, (1, 2), start_method=sys.argv[2])
    except DeriveError as err:
        print(err)
"""

NO_MAIN_GUARD = """
import operator
from derive.guard import run
print(run(operator.add, (1, 2), start_method="spawn"))
"""


def _script(tmp_path, text, *argv):
    path = tmp_path / "script.py"
    path.write_text(text)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    return subprocess.run([sys.executable, str(path), *argv], capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=root), timeout=300)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("fault, method, advice", [
    ("fds", "fork", "too many open files: close some, or raise the limit (`ulimit -n"),
    ("fds", "forkserver", "too many open files"),
    ("tmp", "forkserver", "set TMPDIR to a writable directory"),
])
def test_environment_faults_say_what_to_do(tmp_path, fault, method, advice):
    out = _script(tmp_path, ENV_FAULT, fault, method)
    assert out.stdout.startswith("could not start a child process for symbolic work"), out
    assert advice in out.stdout


def test_fork_refused_by_the_system(monkeypatch):
    def refuse():
        raise BlockingIOError(errno.EAGAIN, "Resource temporarily unavailable")
    monkeypatch.setattr(os, "fork", refuse)
    with pytest.raises(GuardError, match="refused to start another process.*ulimit -u") as info:
        run(operator.add, (1, 2), start_method="fork", what="a sum")
    assert "could not start a child process for a sum" in str(info.value)


def test_script_without_main_guard_under_spawn(tmp_path):
    out = _script(tmp_path, NO_MAIN_GUARD)
    assert out.returncode != 0
    last = out.stderr.strip().splitlines()[-1]
    assert last.startswith("derive.errors.GuardError: the process for symbolic work failed "
                           "while starting"), out.stderr[-2000:]
    assert 'if __name__ == "__main__":' in last


def test_a_shared_cpu_budget_is_charged_what_the_child_used():
    from derive.guard import CpuBudget
    budget = CpuBudget(5.0)
    assert run(burn_cpu, (0.3,), seconds=2, charge_to=budget) == "done"
    assert 0.25 <= budget.spent() < 0.3 + 0.5  # the child's 0.3 s (to a clock tick) plus ours
    with pytest.raises(DerivationTimeout):
        run(spin_sympy, seconds=0.3, charge_to=budget)
    assert 0.5 <= budget.spent() < 0.6 + 1.0
    # sleeping costs no CPU: a loaded or waiting machine does not eat the budget
    before = budget.spent()
    assert run(time.sleep, (0.3,), seconds=1, charge_to=budget) is None
    assert budget.spent() - before < 0.2
