"""``derive verify "CLAIMED" "TRUE" [--wrt x ...]``: check a hand derivation.

Prints the :class:`~derive.checking.CheckReport`; exits 0 when verified, 1 when
refuted or inconclusive (not verified), 2 on bad input.
"""

from __future__ import annotations

from derive.cli import EXIT_OK, EXIT_REFUTED


def register(subparsers):
    """Add the ``verify`` sub-command."""
    parser = subparsers.add_parser(
        "verify", help="check a hand derivation: is CLAIMED equal to TRUE?",
        description="Check that CLAIMED equals TRUE: symbolically under a time budget, then "
                    "with mpmath at 30 and 45 digits at random points. Exit 0 verified, "
                    "1 refuted or inconclusive, 2 bad input.")
    parser.add_argument("claimed", help='the claimed expression, e.g. "sech(x)**2"')
    parser.add_argument("truth", help='the true expression, e.g. "1 - tanh(x)**2"')
    parser.add_argument("--wrt", nargs="+", metavar="VAR", default=None,
                        help="the variables of the derivation (listed first in reports)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the random points")
    parser.add_argument("--points", type=int, default=6, help="how many random points")
    parser.set_defaults(run=run)


def run(args) -> int:
    """Run ``derive verify``; returns the exit code."""
    from derive.checking import verify
    if args.points < 1:
        from derive.errors import ParseError
        raise ParseError(f"--points must be at least 1, got {args.points}")
    report = verify(args.claimed, args.truth, wrt=args.wrt, seed=args.seed, points=args.points)
    print(report)
    return EXIT_OK if report.verified else EXIT_REFUTED
