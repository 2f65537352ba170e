"""``derive grad`` and ``derive hess`` with ``--shape``: matrix calculus.

Numeric sizes are refused with ``--check`` when a declared matrix has more than
:data:`CHECK_MAX_ENTRIES` entries: the check perturbs every entry (finite
differences), so its cost grows with the square of the entries (30 x 30 takes
about 3 s, 100 x 100 over two minutes) and a billion-square matrix cannot even
be allocated. Symbolic sizes (``X=n,m``) let the check choose small ones.
With ``--from-latex`` the declared names are matrices in the LaTeX too
(``\\operatorname{tr}(X^\\top A X)``).
"""

from __future__ import annotations

from derive import matrix_calculus
from derive.cli.derivative_output import show
from derive.cli.reading import expression
from derive.errors import ParseError
from derive.matrix_calculus.parsing import parse_shape

#: the most entries a matrix of numeric size may have when ``--check`` runs
CHECK_MAX_ENTRIES = 1000


def run(args) -> int:
    """Run ``derive grad`` or ``derive hess`` with ``--shape``; returns the exit code."""
    shapes = dict(args.shape)
    if len(shapes) != len(args.shape):
        raise ParseError(f"--shape declares a name twice: {' '.join(n for n, _ in args.shape)}")
    if args.check:
        for name, dims in shapes.items():
            if all(d.isdigit() for d in dims) and int(dims[0]) * int(dims[1]) > CHECK_MAX_ENTRIES:
                raise ParseError(
                    f"--shape {name}={','.join(dims)}: --check perturbs every entry, at most "
                    f"{CHECK_MAX_ENTRIES} entries for a matrix of numeric size; give symbolic "
                    f"sizes ({name}=n,m) and the check chooses small ones")
    if len(args.wrt) != 1:
        raise ParseError("matrix calculus differentiates with respect to one matrix or "
                         f"vector at a time; got --wrt {' '.join(args.wrt)}")
    declared = [matrix_calculus.matrix(name, *parse_shape(dims, name=name))
                for name, dims in shapes.items()]
    expr, symbols = matrix_calculus.parse_matrix_expression(
        expression(args, args.expr, symbols=declared), shapes)
    wrt = symbols.get(args.wrt[0])
    if wrt is None:
        raise ParseError(f"--wrt {args.wrt[0]} is not declared with --shape; declared: "
                         f"{', '.join(shapes)}")
    op = (matrix_calculus.gradient if args.operation == "gradient"
          else matrix_calculus.hessian)
    return show(op(expr, wrt), args)
