"""``derive verify "CLAIMED" "TRUE" [--wrt x ...]``: check a hand derivation.

Prints the :class:`~derive.checking.CheckReport`; exits 0 when verified, 1 when
refuted or inconclusive (not verified), 2 on bad input.
"""

from __future__ import annotations

from derive.checking import verify
from derive.cli import EXIT_OK, EXIT_REFUTED


def run(args) -> int:
    """Run ``derive verify``; returns the exit code."""
    report = verify(args.claimed, args.truth, wrt=args.wrt, seed=args.seed, points=args.points)
    print(report)
    return EXIT_OK if report.verified else EXIT_REFUTED
