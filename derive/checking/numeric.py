"""Check a derivative given as plain callables on NumPy arrays.

:func:`check_jacobian` (and its scalar case :func:`check_gradient`) compares a
claimed derivative with three references at one point:

* the complex step, accurate to rounding, when the function is analytic (its
  values are trusted only after they agree with finite differences);
* Richardson-extrapolated central differences with a per-coordinate step and
  an error estimate (:mod:`derive.checking.finite_diff`);
* the Taylor-remainder test along a random direction (:mod:`derive.checking.taylor`).

The decision never raises a false alarm on a correct derivative: the allowed
discrepancy is the reference's own error estimate (times 10) plus the rounding
a correct float64 implementation can make, ``1e3 * eps`` times the size of the
values, of how fast they change (``|x| * |dJ/dx|``, measured by perturbing
``x``) and of ``|F| / max(1, |x|)`` (cancellation inside the formula).

Examples
--------
>>> import numpy as np
>>> from derive.checking import check_gradient
>>> f = lambda x, y: np.sum(x**2) * np.sin(y)
>>> grad = lambda x, y: [2 * x * np.sin(y), np.sum(x**2) * np.cos(y)]
>>> report = check_gradient(f, grad, [np.array([1.0, 2.0]), np.array(0.5)])
>>> report.status, report.method
('verified', 'complex step')
>>> bad = lambda x, y: [2 * x * np.sin(y), np.sum(x**2) * np.cos(y) * (1 + 1e-9)]
>>> check_gradient(f, bad, [np.array([1.0, 2.0]), np.array(0.5)]).status
'refuted'
"""

from __future__ import annotations

import warnings

import numpy as np

from derive.checking.complex_step import complex_step_jacobian
from derive.checking.finite_diff import EPS, central_jacobian
from derive.checking.frameworks import adapt, framework_of
from derive.checking.report import CheckReport, Counterexample
from derive.checking.taylor import taylor_test
from derive.errors import ShapeError

ROUNDING_EPS = 1e3        # a correct formula may be off by this many eps of its dtype, per unit of scale
FD_SAFETY = 10.0          # multiple of the finite-difference error estimate allowed
FD_NOISY = 1e-4           # FD error above this fraction of the scale: cannot decide


def check_gradient(f, grad, point, *, names=None, seed=0):
    """Check that ``grad`` is the gradient of the scalar function ``f`` at ``point``.

    NumPy, PyTorch and JAX functions alike: when the point holds torch tensors or
    JAX arrays, ``f`` and ``grad`` are called with that framework's arrays in the
    point's dtype (float32 or float64), ``grad=None`` checks the framework's own
    autograd (``torch.autograd.grad``, ``jax.grad``), and the references run the
    same ``f`` in float64, with bounds scaled to the claim's dtype
    (:mod:`derive.checking.frameworks`).

    Parameters
    ----------
    f : callable
        ``f(*point)`` returns a scalar.
    grad : callable or None
        ``grad(*point)`` returns a list of arrays shaped like the inputs (or one
        array when there is one input); None for the framework's autograd.
    point : list of array_like, or one array_like
        The inputs, of any shapes (NumPy arrays, torch tensors or JAX arrays).
    names : list of str, optional
        Names of the inputs for the report (default ``x0, x1, ...``).
    seed : int
        Seeds the direction of the Taylor test and the perturbations.

    Returns
    -------
    CheckReport

    Examples
    --------
    >>> import numpy as np
    >>> from scipy.optimize import rosen, rosen_der
    >>> check_gradient(rosen, rosen_der, np.array([1.0, 1.0, 1.0])).status
    'verified'
    """
    return check_jacobian(f, grad, point, names=names, seed=seed, _scalar=True)


def check_jacobian(F, J, point, *, names=None, seed=0, _scalar=False):
    """Check that ``J`` is the Jacobian of ``F`` at ``point``.

    Parameters
    ----------
    F : callable
        ``F(*point)`` returns an array of shape ``out``.
    J : callable
        ``J(*point)`` returns a list with, for each input ``i``, an array of
        shape ``out + point[i].shape`` (one array when there is one input).
    point : list of array_like, or one array_like
    names : list of str, optional
    seed : int

    Returns
    -------
    CheckReport
        ``status`` verified / refuted / inconclusive; ``method`` is the
        reference that decided; a refutation names the worst entry (and
        ``details["index"]`` gives its (output, input) position in the
        flattened Jacobian).

    Examples
    --------
    >>> import numpy as np
    >>> F = lambda x: np.array([x[0] * x[1], np.exp(x[0])])
    >>> J = lambda x: np.array([[x[1], x[0]], [np.exp(x[0]), 0.0]])
    >>> check_jacobian(F, J, np.array([0.3, -1.2])).status
    'verified'
    >>> Jt = lambda x: J(x).T
    >>> r = check_jacobian(F, Jt, np.array([0.3, -1.2]))
    >>> r.status, r.counterexample.entry
    ('refuted', 'd out[0] / d x0[1]')
    """
    claim_eps, J64 = EPS, None
    if framework_of(point) is not None:
        adapted = adapt(F, J, point)
        if not adapted.computes_in_float64:
            return CheckReport("inconclusive", "none", points=1, evidence=(
                f"the {adapted.framework} function computes in float32 even for float64 "
                "inputs, so no float64 reference can be made; let it follow its inputs' dtype",))
        F, J, point, claim_eps = adapted.F, adapted.claim, adapted.point, adapted.eps
        J64 = adapted.claim64
    elif J is None:
        raise TypeError("check: grad=None (autograd) needs torch tensors or JAX arrays in "
                        "the point; for NumPy functions pass the gradient function")
    rounding = ROUNDING_EPS * claim_eps
    single = not isinstance(point, (list, tuple))
    inputs = [np.asarray(p, dtype=float) for p in ([point] if single else point)]
    names = list(names) if names is not None else [f"x{i}" for i in range(len(inputs))]
    if len(names) != len(inputs):
        raise ShapeError(f"check: {len(names)} names given for {len(inputs)} inputs")
    shapes = [p.shape for p in inputs]
    sizes = [p.size for p in inputs]
    x = np.concatenate([p.ravel() for p in inputs]) if inputs else np.zeros(0)

    def unflatten(v):
        parts, start = [], 0
        for shape, size in zip(shapes, sizes):
            parts.append(v[start:start + size].reshape(shape))
            start += size
        return parts

    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        f0 = np.asarray(F(*inputs))
        out_shape = f0.shape
        if _scalar and f0.size != 1:
            raise ShapeError(f"check_gradient: f returns shape {out_shape}, not a scalar; "
                             "use check_jacobian for vector-valued functions")

        def Fflat(v):
            return np.asarray(F(*unflatten(v))).ravel()

        def Jflat(v):
            return _jacobian_matrix(J(*unflatten(v)), out_shape, shapes, _scalar)

        Jx = Jflat(x)
        point_map = dict(zip(names, inputs))
        entry = _entry_namer(names, shapes, out_shape, _scalar)
        if not np.all(np.isfinite(f0)):
            return CheckReport("inconclusive", "none", points=1, worst_point=point_map,
                               evidence=("the function is not finite at this point "
                                         "(outside its domain?)",))
        bad = ~np.isfinite(Jx)
        if np.any(bad):
            i, j = np.argwhere(bad)[0]
            return CheckReport(
                "refuted", "finite values", points=1, max_abs_error=float("inf"),
                max_rel_error=float("inf"), worst_point=point_map,
                counterexample=Counterexample(point_map, float(Jx[i, j]), "finite", entry(i, j)),
                evidence=("the claimed derivative is not finite where the function is",))
        fd = central_jacobian(Fflat, x)
        cs = complex_step_jacobian(Fflat, x)
        if J64 is None:
            scale = _rounding_scale(Jflat, x, Jx, f0.ravel(), seed)
        else:   # how fast J changes, measured in float64 so float32 rounding does not pose as it
            def J64flat(v):
                return _jacobian_matrix(J64(*unflatten(v)), out_shape, shapes, _scalar)
            scale = _rounding_scale(J64flat, x, J64flat(x), f0.ravel(), seed)
        taylor = (taylor_test(Fflat, Jx, x, seed=seed,
                              scale=np.minimum(0.5 * np.maximum(1.0, np.abs(x)), 1e3 * fd.step),
                              noise=_noise(fd), jacobian_eps=claim_eps)
                  if x.size else None)

    fd_tol = FD_SAFETY * fd.error + rounding * (scale + np.abs(fd.value) + np.abs(Jx))
    evidence = [f"central differences (Richardson, per-coordinate step): max |J - FD| = "
                f"{np.max(np.abs(Jx - fd.value), initial=0):.3g}, FD error estimate "
                f"{np.max(fd.error, initial=0):.3g}"]
    if cs is not None and np.all(np.isfinite(cs)) and np.all(np.abs(cs - fd.value) <= fd_tol):
        ref, ref_err, method = cs, 4 * EPS * (np.abs(cs) + scale), "complex step"
        tol = rounding * (scale + np.abs(cs) + np.abs(Jx))
        evidence.append(f"complex step (h=1e-100): max |J - CS| = "
                        f"{np.max(np.abs(Jx - cs), initial=0):.3g}; agrees with central differences")
    else:
        if cs is not None:
            evidence.append("complex step rejected: it disagrees with central differences "
                            "(the code is not analytic in its inputs)")
        else:
            evidence.append("complex step not applicable (the function rejects complex input)")
        ref, ref_err, method, tol = fd.value, fd.error, "central differences", fd_tol
    if taylor is not None:
        evidence.append(taylor.describe())

    diff = np.abs(Jx - ref)
    floor = np.maximum(np.abs(ref), np.max(np.abs(ref), initial=0) * 1e-8) + 1e-300
    rel = diff / floor
    what = "gradient" if _scalar else "Jacobian"
    common = dict(points=1, method=method, worst_point=point_map,
                  subject=f"{what} of {getattr(F, '__name__', 'the function')}",
                  max_abs_error=float(np.max(diff, initial=0)),
                  max_rel_error=float(np.max(rel, initial=0)),
                  error_estimate=float(np.max(ref_err, initial=0)))
    failing = diff > tol
    if np.any(failing):
        i, j = np.unravel_index(np.argmax(np.where(failing, diff / (tol + 1e-300), 0)), diff.shape)
        evidence.append(f"{int(failing.sum())} of {failing.size} entries differ by more than "
                        f"the allowed error")
        return CheckReport("refuted", counterexample=Counterexample(
            point_map, float(Jx[i, j]), float(ref[i, j]), entry(i, j)),
            evidence=tuple(evidence), details={"index": (int(i), int(j))}, **common)
    if method == "central differences" and np.any(
            fd.error > FD_NOISY * (np.abs(fd.value) + scale + 1e-300)):
        evidence.append("finite differences too noisy to decide")
        return CheckReport("inconclusive", evidence=tuple(evidence), **common)
    if taylor is not None and taylor.verdict == "fails":
        evidence.append("the Taylor test disagrees with the differences: not deciding")
        return CheckReport("inconclusive", evidence=tuple(evidence), **common)
    return CheckReport("verified", evidence=tuple(evidence), **common)


def _jacobian_matrix(value, out_shape, shapes, scalar):
    """The claimed derivative as an (m, n) matrix; clear errors for wrong shapes."""
    parts = list(value) if isinstance(value, (list, tuple)) else [value]
    if len(parts) != len(shapes):
        raise ShapeError(f"check: the derivative returned {len(parts)} arrays for "
                         f"{len(shapes)} inputs; return one array per input")
    m = int(np.prod(out_shape, dtype=int))
    cols = []
    for k, (part, shape) in enumerate(zip(parts, shapes)):
        arr = np.asarray(part, dtype=float)
        want = tuple(shape) if scalar else tuple(out_shape) + tuple(shape)
        if arr.shape != want and arr.size != m * int(np.prod(shape, dtype=int)):
            raise ShapeError(f"check: derivative for input {k} has shape {arr.shape}, "
                             f"expected {want}")
        cols.append(arr.reshape(m, -1))
    return np.hstack(cols) if cols else np.zeros((m, 0))


def _rounding_scale(Jflat, x, Jx, f0, seed, delta=1e-6, tries=3):
    """Size of what a correct float64 implementation of J may lose to rounding.

    ``|x| |dJ/dx|`` (perturbing x by a relative ``delta`` along random signs)
    plus ``|F| / max(1, |x_j|)``, per entry.
    """
    rng = np.random.default_rng(seed + 7919)
    sens = np.zeros_like(Jx)
    for _ in range(tries):
        signs = rng.choice([-1.0, 1.0], size=x.size)
        xp = x + delta * signs * np.maximum(np.abs(x), 1e-3)
        try:
            Jp = Jflat(xp)
        except Exception:
            continue
        with np.errstate(all="ignore"):
            change = np.abs(Jp - Jx) / delta
        sens = np.maximum(sens, np.where(np.isfinite(change), change, 0.0))
    fscale = np.abs(f0)[:, None] / np.maximum(1.0, np.abs(x))[None, :]
    return sens + fscale


def _noise(fd):
    """Rounding of F's values implied by the difference error estimates (error x step)."""
    if fd.value.size == 0:
        return 0.0
    return float(np.linalg.norm(np.max(fd.error * fd.step[None, :], axis=1)))


def _entry_namer(names, shapes, out_shape, scalar):
    labels = []
    for name, shape in zip(names, shapes):
        if shape == ():
            labels.append(name)
        else:
            labels.extend(f"{name}{list(idx)}" for idx in np.ndindex(*shape))
    outs = [f"out{list(idx)}" for idx in np.ndindex(*out_shape)] if out_shape else ["f"]

    def entry(i, j):
        return f"d {labels[j]}" if scalar else f"d {outs[i]} / d {labels[j]}"
    return entry
