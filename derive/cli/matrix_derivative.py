"""``derive grad`` and ``derive hess`` with ``--shape``: matrix calculus.

``derive hess`` of a function of a matrix (not a column vector) prints the
Hessian as the linear map ``H[V]`` (shaped like the variable,
``d^2 f = tr(V^T H[V])``, the direction named ``d<X>``); with two variables
(``--wrt U V``) the mixed second derivative ``D_V(grad_U f)[dV]``. ``--code``
prints the compiled ``H[V]`` (arguments: the variable, the direction, the
other symbols) and ``--check`` compares it with central differences of the
compiled gradient along random directions.

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
from derive.codegen.matrix_linear_maps import compile_hvp
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
    declared = [matrix_calculus.matrix(name, *parse_shape(dims, name=name))
                for name, dims in shapes.items()]
    expr, symbols = matrix_calculus.parse_matrix_expression(
        expression(args, args.expr, symbols=declared), shapes)
    undeclared = [w for w in args.wrt if w not in symbols]
    if undeclared:
        raise ParseError(f"--wrt {' '.join(undeclared)} is not declared with --shape; "
                         f"declared: {', '.join(shapes)}")
    wrt = [symbols[w] for w in args.wrt]
    if args.at:
        raise ParseError("--at takes numbers, but a matrix-calculus result takes matrices; "
                         "use --code for the function and call it with arrays, or --check")
    if args.operation == "gradient" or (len(wrt) == 1 and wrt[0].shape[1] == 1):
        if len(wrt) != 1:
            raise ParseError("the gradient in matrix calculus is with respect to one matrix "
                             f"or vector at a time; got --wrt {' '.join(args.wrt)}")
        op = (matrix_calculus.gradient if args.operation == "gradient"
              else matrix_calculus.hessian)
        return show(op(expr, wrt[0]), args)
    if len(wrt) > 2:
        raise ParseError("the Hessian map takes one matrix (H[V]) or two (the mixed second "
                         f"derivative); got --wrt {' '.join(args.wrt)}")
    derivation = matrix_calculus.hvp(expr, *wrt)
    if len(wrt) == 2 and not args.latex:
        X, Y = wrt
        print(f"mixed second derivative: H[d{Y.name}] = D_{Y.name}(grad_{X.name} f)[d{Y.name}], "
              f"shaped like {X.name}; d_{X.name} d_{Y.name} f = tr(d{X.name}^T H[d{Y.name}])")
    return show(derivation, args, compiled=compile_hvp(derivation) if args.code else None)
