"""``derive grad`` and ``derive hess`` on a scalar expression (no ``--shape``)."""

from __future__ import annotations

from derive import calculus
from derive.cli.derivative_output import show


def run(args) -> int:
    """Run ``derive grad`` or ``derive hess``; returns the exit code."""
    op = calculus.gradient if args.operation == "gradient" else calculus.hessian
    return show(op(args.expr, args.wrt), args)
