"""``derive integrate``: an integral, exact when SymPy can within the budget, else numeric."""

from __future__ import annotations


def register(subparsers):
    p = subparsers.add_parser(
        "integrate", help="integrate an expression (exact, else numeric with an error bar)",
        description="Integrate EXPR with respect to VAR, from LOWER to UPPER when given "
        "(use oo for infinity). Exact answers are verified numerically; a definite "
        "integral without a closed form is computed by mpmath.quad with an error estimate.")
    p.add_argument("expr", metavar="EXPR", help='the integrand, e.g. "x**2*exp(-x)"')
    p.add_argument("var", metavar="VAR", help="the integration variable")
    p.add_argument("lower", metavar="LOWER", nargs="?", help="lower limit (definite integral)")
    p.add_argument("upper", metavar="UPPER", nargs="?", help="upper limit")
    p.add_argument("--digits", type=int, default=15, help="digits of a numeric value (1-50)")
    p.add_argument("--seconds", type=float, default=None,
                   help="total time budget (default 10 s)")
    p.add_argument("--positive", nargs="+", default=(), metavar="NAME",
                   help="parameters to treat as positive, e.g. --positive a b")
    p.add_argument("--latex", action="store_true", help="print the result as LaTeX")
    p.set_defaults(run=run)


def run(args) -> int:
    from derive.errors import ParseError
    from derive.integrals import integrate
    from derive.parsing import symbols

    if (args.lower is None) != (args.upper is None):
        raise ParseError("give both LOWER and UPPER for a definite integral, or neither")
    names = {name: symbols(name, positive=True) for name in args.positive}
    limit = args.var if args.lower is None else (args.var, args.lower, args.upper)
    try:
        result = integrate(args.expr, limit, digits=args.digits, seconds=args.seconds,
                           symbols=names or None)
    except ValueError as exc:
        if isinstance(exc, ParseError):
            raise
        raise ParseError(str(exc)) from None
    print(result._repr_latex_() if args.latex else result)
    return 1 if result.status == "unevaluated" else 0
