"""The budgets of a guarded call: CPU seconds, their scaling, the wall-clock backstop.

``seconds`` is CPU time of the child (so a busy machine does not turn small work
into a timeout), multiplied by the environment variable ``DERIVE_TIME_BUDGET``;
the wall-clock backstop stops work that waits rather than computes.

Examples
--------
>>> backstop_seconds(2)
50.0
>>> cpu_seconds(-1) is None  # no such process
True
"""

from __future__ import annotations

import math
import os
import warnings

__all__ = ["DEFAULT_SECONDS", "DEFAULT_MEMORY_MB", "ENV_SCALE", "scaled_seconds",
           "backstop_seconds", "check_budget", "cpu_seconds"]

#: Default CPU-time budget, in seconds, of one guarded call.
DEFAULT_SECONDS = 10.0
#: Default address space, in MiB, a guarded call may add to its process.
DEFAULT_MEMORY_MB = 4096
#: Environment variable that multiplies every time budget.
ENV_SCALE = "DERIVE_TIME_BUDGET"


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
    text = os.environ.get(ENV_SCALE, "").strip()
    if not text:
        return float(seconds)
    try:
        scale = float(text)
        if not (scale > 0 and math.isfinite(scale)):
            raise ValueError
    except ValueError:
        warnings.warn(f"{ENV_SCALE}={text!r} is not a positive number; ignored "
                      f"(set it to e.g. 3 to triple every time budget)", stacklevel=3)
        return float(seconds)
    return float(seconds) * scale


_CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def cpu_seconds(pid):
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


def check_budget(name, value):
    """Raise ``ValueError`` unless ``value`` is a positive number or ``None``."""
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)) \
            or math.isnan(value) or value <= 0:
        raise ValueError(f"{name} must be a positive number or None, got {value!r}")
