"""``derive verify "CLAIMED" "TRUE" [--wrt x ...] [--from-latex]``: check a hand derivation.

Prints the :class:`~derive.checking.CheckReport`; exits 0 when verified, 1 when
refuted or inconclusive (not verified), 2 on bad input. With ``--from-latex`` both
sides are LaTeX, read by :func:`derive.parse_latex`.
"""

from __future__ import annotations

from derive.checking import verify
from derive.cli import EXIT_OK, EXIT_REFUTED
from derive.cli.reading import expression
from derive.parsing import symbols as make_symbols


def run(args) -> int:
    """Run ``derive verify``; returns the exit code."""
    declared = [make_symbols(name, positive=True) for name in args.positive]
    claimed = expression(args, args.claimed, symbols=declared, what="CLAIMED")
    truth = expression(args, args.truth, symbols=declared, what="TRUE")
    report = verify(claimed, truth, wrt=args.wrt, symbols=declared or None, seed=args.seed,
                    points=args.points)
    print(report)
    return EXIT_OK if report.verified else EXIT_REFUTED
