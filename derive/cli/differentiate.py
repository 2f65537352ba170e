"""``derive grad`` and ``derive hess`` on a scalar expression (no ``--shape``)."""

from __future__ import annotations

from derive import calculus
from derive.cli.derivative_output import show
from derive.cli.reading import expression


def run(args) -> int:
    """Run ``derive grad`` or ``derive hess``; returns the exit code."""
    op = calculus.gradient if args.operation == "gradient" else calculus.hessian
    return show(op(expression(args, args.expr), args.wrt), args)
