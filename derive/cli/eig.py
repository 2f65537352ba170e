"""``derive eig "[[1,2],[3,4]]"``: eigenvalues and eigenvectors, every pair verified.

Also ``derive det``, ``derive inv`` and ``derive definiteness`` on a matrix.
Exit 0 when every eigenpair is verified, 1 when some pair failed its check,
2 on bad input.
"""

from __future__ import annotations

import sympy

from derive import linalg
from derive.cli import EXIT_OK, EXIT_REFUTED
from derive.cli.reading import matrix
from derive.guard import DEFAULT_SECONDS


def _budget(args):
    return DEFAULT_SECONDS if args.seconds is None else args.seconds


def run_eig(args) -> int:
    """Run ``derive eig``; returns the exit code."""
    result = linalg.eigen(matrix(args, args.matrix), digits=args.digits, seconds=_budget(args))
    print(result._repr_latex_() if args.latex else result)
    return EXIT_OK if result.verified else EXIT_REFUTED


def run_other(args) -> int:
    """Run ``derive det``, ``derive inv`` or ``derive definiteness``."""
    seconds = _budget(args)
    if args.operation == "definiteness":
        answer = linalg.definiteness(matrix(args, args.matrix), seconds=seconds)
        print(f"{answer} ({answer.method})")
        return EXIT_OK
    func = linalg.det if args.operation == "det" else linalg.inverse
    value = func(matrix(args, args.matrix), seconds=seconds)
    print(sympy.latex(value) if args.latex else
          (value.tolist() if isinstance(value, sympy.MatrixBase) else value))
    return EXIT_OK
