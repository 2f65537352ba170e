"""``derive eig "[[1,2],[3,4]]"``: eigenvalues and eigenvectors, every pair verified.

Also ``derive det``, ``derive inv`` and ``derive definiteness`` on a matrix.
Exit 0 when every eigenpair is verified, 1 when some pair failed its check,
2 on bad input.
"""

from __future__ import annotations

from derive.cli import EXIT_OK, EXIT_REFUTED


def _matrix_argument(parser):
    parser.add_argument("matrix", help='the matrix as text, e.g. "[[1, 2], [3, 4]]"')
    parser.add_argument("--seconds", type=float, default=None,
                        help="time budget of the exact work (default 10 s)")
    parser.add_argument("--latex", action="store_true", help="print LaTeX instead of text")


def register(subparsers):
    """Add the ``eig``, ``det``, ``inv`` and ``definiteness`` sub-commands."""
    eig = subparsers.add_parser(
        "eig", help="eigenvalues, multiplicities and eigenvectors, each pair verified",
        description="Eigen-decomposition: exact (radicals, CRootOf, compact tridiagonal "
                    "Toeplitz form) under a time budget, else mpmath at --digits; every "
                    "pair A v = λ v verified and the output says how. Exit 0 verified, "
                    "1 a pair failed its check, 2 bad input.")
    _matrix_argument(eig)
    eig.add_argument("--digits", type=int, default=30,
                     help="digits of numeric eigenvalues and checks (default 30)")
    eig.set_defaults(run=run_eig)
    for name, help_text in (("det", "the determinant"), ("inv", "the inverse"),
                            ("definiteness", "positive/negative (semi)definite or indefinite")):
        parser = subparsers.add_parser(name, help=help_text,
                                       description=f"Print {help_text} of MATRIX.")
        _matrix_argument(parser)
        parser.set_defaults(run=run_other, operation=name)


def _budget(args):
    from derive.errors import ParseError
    from derive.guard import DEFAULT_SECONDS
    if args.seconds is None:
        return DEFAULT_SECONDS
    if not args.seconds > 0:
        raise ParseError(f"--seconds must be positive, got {args.seconds}")
    return args.seconds


def run_eig(args) -> int:
    """Run ``derive eig``; returns the exit code."""
    from derive.errors import ParseError
    from derive.linalg import eigen
    if not 5 <= args.digits <= 1000:
        raise ParseError(f"--digits must be from 5 to 1000, got {args.digits}")
    result = eigen(args.matrix, digits=args.digits, seconds=_budget(args))
    print(result._repr_latex_() if args.latex else result)
    return EXIT_OK if result.verified else EXIT_REFUTED


def run_other(args) -> int:
    """Run ``derive det``, ``derive inv`` or ``derive definiteness``."""
    import sympy

    from derive import linalg
    seconds = _budget(args)
    if args.operation == "definiteness":
        answer = linalg.definiteness(args.matrix, seconds=seconds)
        print(f"{answer} ({answer.method})")
        return EXIT_OK
    func = linalg.det if args.operation == "det" else linalg.inverse
    value = func(args.matrix, seconds=seconds)
    print(sympy.latex(value) if args.latex else
          (value.tolist() if isinstance(value, sympy.MatrixBase) else value))
    return EXIT_OK
