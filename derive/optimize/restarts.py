"""Restarts of a local method from perturbed copies of the best point found.

A local method (Newton, BFGS, ...) stops at a local minimum: on the 100-D
Rosenbrock function, Newton from the standard start lands at the local minimum
f = 3.98662 (x_1 = -0.9933) while the global minimum is f = 0 at x = 1.
:func:`multistart` re-runs the method ``restarts`` times from the best point
so far plus seeded Gaussian noise of size ``scale * max(1, rms(x))``, keeps the
lowest converged result and lists the distinct minima it met. It cannot
certify a global minimum; it reports what it found.

Examples
--------
>>> import numpy as np
>>> from derive.optimize.newton import newton
>>> from derive.optimize.restarts import multistart
>>> f = lambda x: x[0]**4 - 2*x[0]**2 + 0.5*x[0]          # two wells, the left deeper
>>> g = lambda x: np.array([4*x[0]**3 - 4*x[0] + 0.5])
>>> h = lambda x: np.array([[12*x[0]**2 - 4]])
>>> run = lambda x0: newton(f, g, h, x0)
>>> res = multistart(run, [1.0], restarts=6, scale=2.0, seed=0)
>>> [(round(m["fun"], 4), m["count"]) for m in res.minima], round(float(res.x[0]), 4)
([(-1.5148, 2), (-0.5167, 5)], -1.0575)
"""

from __future__ import annotations

import numpy as np

from derive.optimize.objective import as_start


def _same(a, b):
    return abs(a - b) <= 1e-8 * max(1.0, abs(a), abs(b))


def multistart(run, x0, *, restarts=3, scale=1.0, seed=0, budget=None):
    """Run ``run(x0)``, then ``restarts`` more times from perturbed best points.

    Parameters
    ----------
    run : callable
        ``run(start) -> OptimizeResult`` (with ``x``, ``fun``, ``success``).
    x0 : array_like
        First start.
    restarts : int
        Number of extra runs.
    scale : float
        Noise size relative to ``max(1, rms(x))``.
    seed : int
        Seeds the noise.
    budget : derive.guard.CpuBudget, optional
        A CPU-time account (``minimize(seconds=)``'s): no restart starts once it is
        used up (a run that has started finishes; the first run always runs), and
        the message says how many ran.

    Returns
    -------
    scipy.optimize.OptimizeResult
        The best converged run (the first run if none converged), with
        ``minima`` (distinct converged values, lowest first: ``fun``, ``x``,
        ``count``), ``runs`` and ``restart_nit`` (iterations of all runs).

    Examples
    --------
    >>> from derive.guard import CpuBudget
    >>> from derive.optimize.newton import newton
    >>> f, g = lambda x: (x[0] - 1)**2, lambda x: np.array([2*(x[0] - 1)])
    >>> h = lambda x: np.array([[2.0]])
    >>> spent = CpuBudget(1e-9)                     # used up before the restarts
    >>> res = multistart(lambda x0: newton(f, g, h, x0), [0.0], restarts=6, budget=spent)
    >>> res.runs, res.message.split(". ")[-1]
    (1, 'Best of 1 runs; 1 distinct local minimum found; 6 restarts skipped: the seconds= budget was used up.')
    """
    if int(restarts) != restarts or restarts < 0:
        raise ValueError(f"restarts must be a non-negative integer, got {restarts!r}")
    if not (np.isfinite(scale) and scale > 0):
        raise ValueError(f"scale must be a positive number, got {scale!r}")
    rng = np.random.default_rng(seed)
    first = best = run(as_start(x0))
    results = [first]
    for _ in range(int(restarts)):
        if budget is not None and budget.exhausted():
            break
        base = np.asarray(best.x, dtype=float)
        size = scale * max(1.0, float(np.sqrt(np.mean(base ** 2))))
        trial = run(base + size * rng.standard_normal(base.size))
        results.append(trial)
        if trial.success and (not best.success or trial.fun < best.fun
                              and not _same(trial.fun, best.fun)):
            best = trial
    minima = []
    for r in sorted((r for r in results if r.success), key=lambda r: r.fun):
        match = next((m for m in minima if _same(m["fun"], float(r.fun))), None)
        if match:
            match["count"] += 1
        else:
            minima.append({"fun": float(r.fun), "x": np.array(r.x), "count": 1})
    best["minima"] = minima
    best["runs"] = len(results)
    best["restart_nit"] = int(sum(r.nit for r in results))
    if restarts:
        skipped = int(restarts) + 1 - len(results)
        best["message"] = (f"{best.message} Best of {len(results)} runs; {len(minima)} "
                           f"distinct local minim{'um' if len(minima) == 1 else 'a'} found"
                           + (f"; {skipped} restart{'s' if skipped > 1 else ''} skipped: "
                              "the seconds= budget was used up." if skipped else "."))
    return best
