"""Check second- and third-order matrix maps by finite differences of compiled code.

A ``matrix_hvp`` derivation claims ``H[V] = D(grad f)(Y)[V]``; a
``matrix_third_order`` one claims ``T[u] = D(Hess f)(x)[u]``. Both are
directional derivatives of a compiled matrix function, so the check draws
concrete sizes at random (two assignments), random arrays (well conditioned
under inverses, positive under logs, as :mod:`derive.checking.matrix` does)
and a random direction, and compares the compiled claim with a central
difference of the compiled lower-order function along that direction,
Richardson-extrapolated over two steps (their disagreement estimates the
difference's own error). The gradient (or Hessian) that is differentiated is
itself checked first by :func:`derive.checking.matrix.check_matrix`.

Examples
--------
>>> from derive.matrix_calculus import matrix, logdet
>>> from derive.matrix_calculus.second_order import hvp
>>> X = matrix("X", "n", "n")
>>> report = check_second_order(hvp(logdet(X), X))
>>> report.status, report.method
('verified', 'central differences of the compiled gradient along random directions')
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from derive.checking.matrix import (
    _RANK,
    _as_input,
    _domains,
    _shape_symbols,
    _values,
    check_matrix,
)
from derive.checking.report import CheckReport
from derive.codegen.matrix import compile_matrix, matrix_arguments
from derive.derivation import Derivation
from derive.errors import ShapeError
from derive.matrix_calculus.derivatives import gradient

#: Relative error below which a claim is verified, above which it is refuted.
VERIFIED_REL, REFUTED_REL = 1e-6, 1e-3
_STEP = 1e-3


def _kinds(*exprs):
    kinds = {}
    for e in exprs:
        for s, k in _domains(e).items():
            if _RANK[k] > _RANK[kinds.get(s, "normal")]:
                kinds[s] = k
    return kinds


def _directional(F, inputs, k, direction):
    """Richardson-extrapolated central difference of F along ``direction`` in argument k."""
    def at(t):
        full = list(inputs)
        full[k] = inputs[k] + t * direction.reshape(np.shape(inputs[k]))
        return np.asarray(F(*full), dtype=float)

    scale = max(1.0, float(np.max(np.abs(inputs[k]))))
    h = _STEP * scale
    d1 = (at(h) - at(-h)) / (2 * h)
    d2 = (at(h / 2) - at(-h / 2)) / h
    best = (4 * d2 - d1) / 3
    return best, float(np.max(np.abs(best - d2), initial=0.0))


def check_second_order(derivation, *, seed=0, plans=2):
    """Check a ``matrix_hvp`` or ``matrix_third_order`` derivation numerically.

    Parameters
    ----------
    derivation : Derivation
    seed : int
        Seeds the sizes, the arrays and the directions.
    plans : int
        How many random size assignments to try (each with two directions).

    Returns
    -------
    CheckReport
        ``details["sizes"]`` lists the sizes tried.
    """
    if not isinstance(derivation, Derivation) or derivation.op not in ("matrix_hvp",
                                                                         "matrix_third_order"):
        raise ShapeError("check_second_order checks matrix_hvp and matrix_third_order "
                         "derivations")
    d = derivation
    direction = d.options["direction"]
    if d.op == "matrix_hvp":
        lower, variable = d.options["gradient"], d.options["variable"]
        lower_check = check_matrix(gradient(d.source, d.wrt[0]), seed=seed)
        what = "gradient"
    else:
        lower, variable = d.options["hessian"], d.wrt[0]
        lower_check = None
        what = "Hessian"
    args = [a for a in matrix_arguments(d) if a != direction]
    for a in matrix_arguments(Derivation("x", d.source, lower, d.wrt)):
        if a not in args:
            args.append(a)
    F = compile_matrix(lower, args, name=what.lower())
    D = compile_matrix(d.result, args + [direction], name="claim")
    kinds = _kinds(d.source, lower, d.result)
    dims = _shape_symbols(args)
    rng = np.random.default_rng(seed)
    k = args.index(variable)
    worst_rel, worst_abs, noise, tried, evidence = 0.0, 0.0, 0.0, [], []
    for _ in range(plans):
        sizes = {dim: int(rng.integers(2, 7)) for dim in dims}
        vals = _values(args, kinds, sizes, rng, {})
        inputs = [np.asarray(_as_input(a, v), dtype=float) if isinstance(a, sp.MatrixSymbol)
                  else v for a, v in zip(args, vals)]
        for _ in range(2):
            V = rng.standard_normal(np.shape(inputs[k]))
            fd, est = _directional(F, inputs, k, V)
            claim = np.asarray(D(*inputs, V), dtype=float).reshape(fd.shape)
            err = float(np.max(np.abs(claim - fd), initial=0.0))
            scale = max(1.0, float(np.max(np.abs(fd), initial=0.0)))
            worst_abs, worst_rel = max(worst_abs, err), max(worst_rel, err / scale)
            noise = max(noise, est)
        label = ", ".join(f"{dim}={sizes[dim]}" for dim in dims) or "fixed sizes"
        tried.append({str(dim): sizes[dim] for dim in dims})
        evidence.append(f"sizes {label}: max |claim - difference| {worst_abs:.2g} "
                        f"(difference error estimate {noise:.2g})")
    if worst_rel <= max(VERIFIED_REL, 10 * noise):
        status = "verified"
    elif worst_rel > REFUTED_REL and worst_rel > 100 * noise:
        status = "refuted"
    else:
        status = "inconclusive"
    if lower_check is not None:
        evidence.insert(0, f"the gradient {lower} is {lower_check.status} by "
                           f"{lower_check.method}")
        if lower_check.status != "verified" and status == "verified":
            status = "inconclusive"
    subject = (f"{'Hessian map' if d.op == 'matrix_hvp' else 'third-order map'} of "
               f"{d.source} with respect to {d.wrt[0].name}")
    return CheckReport(status=status,
                       method=f"central differences of the compiled {what} along random "
                              "directions",
                       points=2 * plans, max_abs_error=worst_abs, max_rel_error=worst_rel,
                       error_estimate=noise, evidence=tuple(evidence), subject=subject,
                       details={"sizes": tried})
