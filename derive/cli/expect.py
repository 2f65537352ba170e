"""``derive expect``: an expectation (or variance) under named distributions."""

from __future__ import annotations

from derive.cli.reading import expression
from derive.errors import ParseError
from derive.stats.moments import expectation, variance


def run(args) -> int:
    """Run ``derive expect``; returns the exit code."""
    dists = {}
    for text in args.dist:
        name, sep, spec = text.partition("=")
        if not sep:
            name, spec = "X", text
        name = name.strip()
        if not name.isidentifier() or name in dists:
            raise ParseError(f"--dist {text!r}: give NAME=FAMILY(ARGS) with a new name for "
                             "each variable")
        dists[name] = spec.strip()
    op = variance if args.variance else expectation
    try:
        result = op(expression(args, args.expr), dists, seconds=args.seconds)
    except ValueError as exc:
        if isinstance(exc, ParseError):
            raise
        raise ParseError(str(exc)) from None
    print(result._repr_latex_() if args.latex else result)
    return {"refuted": 1}.get(result.check.status, 1 if result.status == "unevaluated" else 0)
