"""``derive grad`` and ``derive hess``: derivatives from the command line."""

from __future__ import annotations

import numpy as np

from derive import calculus, matrix_calculus
from derive.errors import ParseError
from derive.report import derivation_latex


def run(args) -> int:
    """Run ``derive grad`` or ``derive hess``; returns the exit code."""
    if args.shape:
        derivation = _matrix_derivation(args)
    else:
        op = calculus.gradient if args.operation == "gradient" else calculus.hessian
        derivation = op(args.expr, args.wrt)
    print(f"${derivation_latex(derivation)}$" if args.latex else derivation)
    compiled = None
    if args.code or args.at:
        compiled = derivation.compile()
    if args.code:
        print("\n" + compiled.source.rstrip())
    if args.at:
        point = _point(args.at, compiled.args)
        value = compiled(*[point[str(a)] for a in compiled.args])
        print(f"\nat {', '.join(f'{k} = {v:g}' for k, v in point.items())}:\n"
              f"{np.array2string(np.asarray(value), precision=10)}")
    if args.check:
        report = derivation.check()
        print("\n" + str(report))
        return 1 if report.status == "refuted" else 0
    return 0


def _matrix_derivation(args):
    shapes = {}
    for item in args.shape:
        name, _, dims = item.partition("=")
        parts = [d.strip() for d in dims.split(",") if d.strip()]
        if not name.isidentifier() or len(parts) not in (1, 2):
            raise ParseError(f"--shape expects NAME=ROWS,COLS, got {item!r}", text=item)
        shapes[name] = tuple(parts) if len(parts) == 2 else (parts[0], "1")
    if len(args.wrt) != 1:
        raise ParseError("matrix calculus differentiates with respect to one matrix or "
                         f"vector at a time; got --wrt {' '.join(args.wrt)}")
    expr, symbols = matrix_calculus.parse_matrix_expression(args.expr, shapes)
    wrt = symbols.get(args.wrt[0])
    if wrt is None:
        raise ParseError(f"--wrt {args.wrt[0]} is not declared with --shape; declared: "
                         f"{', '.join(shapes)}")
    op = (matrix_calculus.gradient if args.operation == "gradient"
          else matrix_calculus.hessian)
    return op(expr, wrt)


def _point(items, arguments):
    names = [str(a) for a in arguments]
    point = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise ParseError(f"--at expects NAME=VALUE, got {item!r}", text=item)
        try:
            point[name] = float(value)
        except ValueError:
            raise ParseError(f"--at value for {name} is not a number: {value!r}",
                             text=item, piece=value) from None
    missing = [n for n in names if n not in point]
    extra = [n for n in point if n not in names]
    if missing or extra:
        raise ParseError(f"--at must give exactly the variables {', '.join(names)}"
                         + (f"; missing {', '.join(missing)}" if missing else "")
                         + (f"; unknown {', '.join(extra)}" if extra else ""))
    return {n: point[n] for n in names}
