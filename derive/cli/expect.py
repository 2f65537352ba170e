"""``derive expect``: an expectation (or variance) under named distributions."""

from __future__ import annotations


def register(subparsers):
    p = subparsers.add_parser(
        "expect", help="expectation of an expression in random variables",
        description='E[EXPR] where the random variables have the given distributions, e.g. '
        'derive expect "X**2" --dist "Normal(mu, sigma)"; the closed form is checked by '
        "quadrature or summation at random parameter values.")
    p.add_argument("expr", metavar="EXPR", help='in the random variables, e.g. "X**2"')
    p.add_argument("--dist", action="append", required=True, metavar="[NAME=]FAMILY(ARGS)",
                   help='a distribution, e.g. "Normal(mu, sigma)" (named X) or '
                   '"Y=Exponential(1)"; repeat for several independent variables')
    p.add_argument("--variance", action="store_true", help="the variance instead of the mean")
    p.add_argument("--seconds", type=float, default=10.0, help="time budget (default 10 s)")
    p.add_argument("--latex", action="store_true", help="print the result as LaTeX")
    p.set_defaults(run=run)


def run(args) -> int:
    from derive.errors import ParseError
    from derive.stats.moments import expectation, variance

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
        result = op(args.expr, dists, seconds=args.seconds)
    except ValueError as exc:
        if isinstance(exc, ParseError):
            raise
        raise ParseError(str(exc)) from None
    print(result._repr_latex_() if args.latex else result)
    return {"refuted": 1}.get(result.check.status, 1 if result.status == "unevaluated" else 0)
