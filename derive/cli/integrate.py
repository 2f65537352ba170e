"""``derive integrate``: an integral, exact when SymPy can within the budget, else numeric."""

from __future__ import annotations

from derive.cli.reading import expression
from derive.errors import ParseError
from derive.integrals import integrate
from derive.parsing import symbols


def run(args) -> int:
    """Run ``derive integrate``; returns the exit code."""
    if (args.lower is None) != (args.upper is None):
        raise ParseError("give both LOWER and UPPER for a definite integral, or neither")
    names = {name: symbols(name, positive=True) for name in args.positive}
    expr = expression(args, args.expr, symbols=names.values())
    limit = args.var if args.lower is None else (
        args.var, *(expression(args, end, symbols=names.values(), what=what)
                    for end, what in ((args.lower, "LOWER"), (args.upper, "UPPER"))))
    try:
        result = integrate(expr, limit, digits=args.digits, seconds=args.seconds,
                           symbols=names or None)
    except ValueError as exc:
        if isinstance(exc, ParseError):
            raise
        raise ParseError(str(exc)) from None
    print(result._repr_latex_() if args.latex else result)
    # no value: unevaluated, divergent or non-existent integrals exit 1 (the reason is printed)
    return 1 if result.status in ("unevaluated", "diverges", "does not exist") else 0
