"""The Taylor-remainder test: a right derivative leaves a second-order remainder.

Along a direction ``h``, ``r(t) = |F(x + t h) - F(x) - t J h|`` falls like
``t**2`` when ``J`` is the derivative and like ``t`` when it is not. The test
halves ``t`` (``t = 2**-k``), keeps the remainders well above rounding, and
reads the slope of ``log r`` against ``log t`` at the smallest of them
(Farrell et al., dolfin-adjoint's ``taylor_test``). A slope near 2 (or more,
when the second-order term vanishes) is consistent; near 1 refutes.

Examples
--------
>>> import numpy as np
>>> from derive.checking.taylor import taylor_test
>>> F = lambda v: np.array([np.sin(v[0]) * v[1]])
>>> x = np.array([0.4, 1.3])
>>> good = np.array([[1.3 * np.cos(0.4), np.sin(0.4)]])
>>> round(taylor_test(F, good, x, seed=0).slope)
2
>>> taylor_test(F, 1.01 * good, x, seed=0).verdict
'fails'
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

EPS = np.finfo(float).eps


@dataclass(frozen=True)
class TaylorResult:
    """The remainders of the Taylor test and the slope read from them.

    Attributes
    ----------
    ts, remainders : ndarray
        The step sizes ``t`` and the remainder norms ``r(t)``.
    slope : float
        Slope of ``log2 r`` against ``log2 t`` over the smallest informative
        steps (``nan`` when fewer than three remainders stand above rounding).
    verdict : {"passes", "fails", "unclear", "uninformative"}
    """

    ts: np.ndarray
    remainders: np.ndarray
    slope: float
    verdict: str

    def describe(self) -> str:
        """One line for a report's evidence."""
        if self.verdict == "uninformative":
            return ("Taylor test: uninformative (remainder at rounding level: "
                    "the function is linear along the test direction)")
        return f"Taylor test: remainder slope {self.slope:.2f} (2 expected) -> {self.verdict}"


def taylor_test(F, J, x, *, direction=None, scale=None, noise=0.0, seed=0, kmax=24,
                jacobian_eps=0.0):
    """Run the Taylor-remainder test of the Jacobian ``J`` of ``F`` at ``x``.

    Parameters
    ----------
    F : callable
        Maps a 1-D array of size n to a 1-D array of size m.
    J : array_like, shape (m, n)
        The claimed Jacobian at ``x``.
    x : array_like, shape (n,)
    direction : array_like, optional
        The direction ``h``; default a seeded random direction scaled to
        ``scale`` per coordinate.
    scale : array_like, optional
        Size of the default direction per coordinate; default
        ``0.5 * max(1, |x_j|)``. Callers near the edge of a domain
        (``log`` near 0) pass something smaller.
    noise : float
        Known size of ``F``'s own rounding (e.g. from finite differences);
        remainders must stand 100 times above it (and above an estimate
        made here).
    seed : int
    kmax : int
        Smallest step is ``2**-kmax``.
    jacobian_eps : float
        Relative rounding of ``J`` itself (float32's eps for a float32 gradient):
        remainders must stand 100 times above the first-order term it leaves,
        ``t |J| |h|``, so a rounded but right ``J`` still shows slope 2.

    Returns
    -------
    TaylorResult
    """
    x = np.asarray(x, dtype=float).ravel()
    J = np.atleast_2d(np.asarray(J, dtype=float))
    if direction is None:
        rng = np.random.default_rng(seed)
        size = 0.5 * np.maximum(1.0, np.abs(x)) if scale is None else np.asarray(scale, float)
        direction = rng.standard_normal(x.size) * size
        direction /= max(1.0, np.sqrt(x.size))
    h = np.asarray(direction, dtype=float).ravel()
    f0 = np.asarray(F(x), dtype=float).ravel()
    slope_dir = J @ h
    j_rounding = jacobian_eps * float(np.linalg.norm(np.abs(J) @ np.abs(h)))
    ts, rs, floors = [], [], []
    noise = max(float(noise), _rounding_noise(F, x, f0, slope_dir, h))
    with np.errstate(all="ignore"):
        for k in range(1, kmax + 1):
            t = 2.0 ** -k
            ft = np.asarray(F(x + t * h), dtype=float).ravel()
            r = np.linalg.norm(ft - f0 - t * slope_dir)
            floor = max(1e4 * EPS * (np.linalg.norm(f0) + np.linalg.norm(ft)
                                     + t * np.linalg.norm(slope_dir) + 1e-300), 100 * noise,
                        100 * t * j_rounding)
            ts.append(t)
            rs.append(r)
            floors.append(floor)
    ts, rs, floors = np.array(ts), np.array(rs), np.array(floors)
    good = np.isfinite(rs) & (rs > floors)
    idx = np.flatnonzero(good)
    if idx.size < 3:
        return TaylorResult(ts, rs, float("nan"), "uninformative")
    # the smallest informative steps: a contiguous run ending at the last one
    tail = idx[-4:] if idx.size >= 4 else idx
    slope = float(np.polyfit(np.log2(ts[tail]), np.log2(rs[tail]), 1)[0])
    if slope >= 1.8:
        verdict = "passes"
    elif slope <= 1.3:
        verdict = "fails"
    else:
        verdict = "unclear"
    return TaylorResult(ts, rs, slope, verdict)


def _rounding_noise(F, x, f0, slope_dir, h, tiny=1e-12):
    """How far F's own rounding moves it: residuals of steps too small for curvature.

    Cancelling formulas (``x**2 - 2*x + 1`` near 1) round at the size of their
    terms, not of their value; the remainders must stand above that.
    """
    worst = 0.0
    with np.errstate(all="ignore"):
        for t in (tiny, -tiny, 2 * tiny, -2 * tiny):
            ft = np.asarray(F(x + t * h), dtype=float).ravel()
            r = np.linalg.norm(ft - f0 - t * slope_dir)
            if np.isfinite(r):
                worst = max(worst, float(r))
    return worst
