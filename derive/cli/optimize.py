"""``derive minimize`` and ``derive stationary``: optimization from the command line.

Examples (shell)::

    derive minimize "(1 - x)**2 + 100*(y - x**2)**2" --wrt x y --x0 -1.2 1 --method newton
    derive minimize "x**2 + y**2" --wrt x y --constraint "x + y = 1"
    derive minimize "(x**2 + y - 11)**2 + (x + y**2 - 7)**2" --seconds 2
    derive stationary "x**3 - 3*x + y**2" --wrt x y

Exit codes: 0 converged (or stationary points found and checked), 1 the
method did not converge / a check failed / the points could not be found,
2 bad input.
"""

from __future__ import annotations

import sys

import numpy as np
import sympy as sp

from derive.cli import EXIT_BAD_INPUT, EXIT_OK
from derive.cli import EXIT_REFUTED as EXIT_FAILED
from derive.cli.reading import expression, relation
from derive.errors import DeriveError
from derive.optimize.minimize import minimize
from derive.optimize.stationary import stationary_points


def _bad(err):
    print(f"derive: error: {err}", file=sys.stderr)
    return EXIT_BAD_INPUT


def _call(func, *args, **kwargs):
    """``(result, None)``, or ``(None, 2)`` after one error line for bad input that
    is not a DeriveError (those are reported by ``derive.cli.main``)."""
    try:
        return func(*args, **kwargs), None
    except DeriveError:
        raise
    except (ValueError, TypeError) as err:
        return None, _bad(err)


def run_minimize(args) -> int:
    """Run ``derive minimize``; returns the exit code."""
    constraints = [relation(args, c) for c in args.constraint or ()]
    res, code = _call(minimize, expression(args, args.expr), args.wrt, args.x0,
                      method=args.method, constraints=constraints, tol=args.tol, maxiter=args.maxiter,
                      restarts=args.restarts, seed=args.seed, seconds=args.seconds)
    if code is not None:
        return code
    names = [str(s) for s in res.get("wrt", ())]
    print(f"method:  {res.method}")
    print(f"success: {res.success}  ({res.message})")
    if res.x is not None:
        for name, value in zip(names, np.atleast_1d(res.x)):
            print(f"  {name} = {value:.17g}")
        print(f"f:       {res.fun:.17g}")
    if res.get("point") is not None:
        # a point of the numeric enumeration has 50-digit Floats: not "exact"
        numeric = any(isinstance(v, sp.Basic) and v.has(sp.Float) for v in res.point.values())
        print(("50 digits (numeric): " if numeric else "exact:   ")
              + ", ".join(f"{k} = {v}" for k, v in res.point.items()))
    if res.get("multipliers"):
        print(f"multipliers (L = f + lambda.h + mu.g): {res.multipliers}")
    if "nit" in res:
        counts = ", ".join(f"{k} {res[k]}" for k in ("nfev", "njev", "nhev") if k in res)
        print(f"iterations: {res.nit}" + (f"  ({counts})" if counts else ""))
    if res.get("jac") is not None:
        print(f"|grad f|inf at x: {np.max(np.abs(res.jac)):.3g}")
    refuted = False
    check = res.get("check") or {}
    if "method" in check:  # one check of the whole result (closed forms)
        figures = ", ".join(f"{k} {v:.3g}" for k, v in check.items()
                            if isinstance(v, float))
        print(f"check: {check['method']}: {figures}")
    else:
        for name, rep in check.items():
            status = getattr(rep, "status", None)
            if status is not None:
                print(f"check {name}: {status} ({rep.method}, max rel error "
                      f"{rep.max_rel_error:.2g})")
                refuted |= status == "refuted"
            else:
                print(f"check {name}: {rep}")
    return EXIT_OK if res.success and not refuted else EXIT_FAILED


def run_stationary(args) -> int:
    """Run ``derive stationary``; returns the exit code."""
    res, code = _call(stationary_points, expression(args, args.expr), args.wrt,
                      seconds=args.seconds)
    if code is not None:
        return code
    print(res)
    return EXIT_FAILED if res.status in ("failed", "timeout") else EXIT_OK
