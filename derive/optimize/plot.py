"""Pictures of an optimizer's run: the loss curve and, in 2-D, the path over
the contours of the objective.

matplotlib is an optional dependency (``pip install derive[plot]``); these
functions import it when called and say so clearly when it is missing.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> from scipy.optimize import rosen, rosen_der, rosen_hess
>>> from derive.optimize.newton import newton
>>> from derive.optimize.plot import plot_loss, plot_path
>>> res = newton(rosen, rosen_der, rosen_hess, [-1.2, 1.0])
>>> ax = plot_loss(res, labels=["newton"])
>>> ax.get_yscale(), len(ax.lines)
('log', 1)
>>> ax = plot_path(res, fun=rosen, bounds=((-2, 2), (-1, 3)))
>>> len(ax.lines)
1
"""

from __future__ import annotations

import numpy as np

from derive.errors import ShapeError


def _pyplot():
    try:
        import matplotlib.pyplot as plt  # deferred: optional heavy dependency
    except ImportError as exc:
        raise ImportError("plotting needs matplotlib, an optional dependency of derive: "
                          "pip install 'derive[plot]' (or pip install matplotlib)") from exc
    return plt


def _traces(results):
    out = []
    for r in results:
        trace = r.get("trace") if hasattr(r, "get") else None
        if trace is None or len(trace) == 0:
            raise ValueError(f"result of method {r.get('method', '?')!r} has no trace to "
                             "plot (closed-form results have none)")
        out.append(trace)
    return out


def _labels(results, labels):
    if labels is None:
        return [str(r.get("method", f"run {i}")) for i, r in enumerate(results)]
    if len(labels) != len(results):
        raise ValueError(f"{len(labels)} labels for {len(results)} results")
    return list(labels)


def plot_loss(*results, labels=None, ax=None, quantity="f", log=None, offset=0.0):
    """Loss curve(s): ``f`` (or ``grad_norm``) against the iteration.

    Parameters
    ----------
    *results : OptimizeResult
        Results with a ``trace`` (derive's methods and the SciPy bridge).
    labels : list of str, optional
        Legend entries (default: each result's ``method``).
    ax : matplotlib Axes, optional
        Where to draw (default: a new figure).
    quantity : {"f", "grad_norm"}, optional
        What to plot.
    log : bool, optional
        Log scale on y (exact zeros are left out); default when no plotted
        value is negative.
    offset : float, optional
        Subtracted from ``f``: pass the known minimum ``f*`` to plot the
        suboptimality ``f - f*`` (which a log scale shows best).

    Returns
    -------
    matplotlib Axes
    """
    if quantity not in ("f", "grad_norm"):
        raise ValueError(f"quantity must be 'f' or 'grad_norm', got {quantity!r}")
    plt = _pyplot()
    traces, names = _traces(results), _labels(results, labels)
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4))
    values = [getattr(t, quantity) - (offset if quantity == "f" else 0.0) for t in traces]
    for v, name in zip(values, names):
        ax.plot(np.arange(len(v)), v, marker="." if len(v) < 60 else None, label=name)
    if log is None:
        log = all(np.all(v >= 0) and np.any(v > 0) for v in values)
    if log:
        ax.set_yscale("log", nonpositive="mask")  # an exact 0 at the end is not drawn
    ax.set_xlabel("iteration")
    ylabel = "f(x)" if not offset else f"f(x) - ({offset:.6g})"
    ax.set_ylabel(ylabel if quantity == "f" else "|grad f|inf")
    if len(traces) > 1 or labels is not None:
        ax.legend()
    return ax


def plot_path(*results, fun=None, labels=None, ax=None, bounds=None, levels=30,
              resolution=100):
    """Paths of 2-D runs over the contours of the objective.

    Parameters
    ----------
    *results : OptimizeResult
        Results with a ``trace`` of 2-D iterates.
    fun : callable, optional
        ``fun(x)`` on a 2-vector, for the contours (default: the result's
        ``objective``, set by :func:`derive.optimize.minimize`).
    labels, ax : optional
        As in :func:`plot_loss`.
    bounds : ((xmin, xmax), (ymin, ymax)), optional
        Plot window (default: the iterates' range with a margin).
    levels : int, optional
        Number of contour levels (log-spaced when f > 0 on the grid).
    resolution : int, optional
        Grid points per axis.

    Returns
    -------
    matplotlib Axes
    """
    plt = _pyplot()
    traces, names = _traces(results), _labels(results, labels)
    for t in traces:
        if t.x.shape[1] != 2:
            raise ShapeError(f"plot_path draws 2-D problems; this one has {t.x.shape[1]} "
                             "variables. Use plot_loss")
    if fun is None:
        fun = results[0].get("objective")
        if fun is None:
            raise ValueError("pass fun=... (the objective on a 2-vector) to draw contours")
    pts = np.vstack([t.x for t in traces])
    if bounds is None:
        lo, hi = pts.min(axis=0), pts.max(axis=0)
        pad = 0.15 * np.maximum(hi - lo, 1e-3) + 0.1
        bounds = ((lo[0] - pad[0], hi[0] + pad[0]), (lo[1] - pad[1], hi[1] + pad[1]))
    gx = np.linspace(*bounds[0], resolution)
    gy = np.linspace(*bounds[1], resolution)
    GX, GY = np.meshgrid(gx, gy)
    Z = np.array([[fun(np.array([a, b])) for a in gx] for b in gy], dtype=float)
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 5))
    finite = Z[np.isfinite(Z)]
    if finite.size and finite.min() > 0:
        lv = np.geomspace(finite.min(), finite.max(), levels)
    else:
        lv = levels
    ax.contour(GX, GY, Z, levels=lv, cmap="viridis", linewidths=0.6)
    for t, name in zip(traces, names):
        ax.plot(t.x[:, 0], t.x[:, 1], marker="o", markersize=3, label=name)
    ax.set_xlim(bounds[0])
    ax.set_ylim(bounds[1])
    ax.set_xlabel("x[0]")
    ax.set_ylabel("x[1]")
    if len(traces) > 1 or labels is not None:
        ax.legend()
    return ax


def plot(result, *, fun=None):
    """Loss curve, and for a 2-D problem the path over the contours, side by side.

    Returns the matplotlib Figure.
    """
    plt = _pyplot()
    (trace,) = _traces([result])
    two_d = trace.x.shape[1] == 2 and (fun is not None or result.get("objective") is not None)
    fig, axes = plt.subplots(1, 2 if two_d else 1, figsize=(11 if two_d else 6, 4.5))
    axes = np.atleast_1d(axes)
    plot_loss(result, ax=axes[0])
    if two_d:
        plot_path(result, fun=fun, ax=axes[1])
    fig.tight_layout()
    return fig
