"""CPU time for tests that bound a call's cost: budgets are CPU time, never wall time."""

import resource


def cpu_seconds():
    """CPU seconds of this process and its reaped children (forked guarded work)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime
