"""``derive grad`` and ``derive hess`` on a scalar expression (no ``--shape``)."""

from __future__ import annotations

from derive import calculus
from derive.cli.derivative_output import show
from derive.parsing import parse_latex


def run(args) -> int:
    """Run ``derive grad`` or ``derive hess``; returns the exit code."""
    op = calculus.gradient if args.operation == "gradient" else calculus.hessian
    expr = parse_latex(args.expr) if args.from_latex else args.expr
    return show(op(expr, args.wrt), args)
