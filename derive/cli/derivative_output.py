"""What ``derive grad`` and ``derive hess`` print once the derivation is made:
the formula (text or LaTeX), the generated code, its value at a point, the check.

Shared by the scalar (:mod:`derive.cli.differentiate`) and the matrix
(:mod:`derive.cli.matrix_derivative`) handlers.
"""

from __future__ import annotations

from derive.cli import EXIT_OK, EXIT_REFUTED
from derive.errors import ParseError
from derive.report import derivation_latex


def show(derivation, args, compiled=None) -> int:
    """Print ``derivation`` as ``args`` ask; returns the exit code (1 if the check refutes).

    ``compiled``: the NumPy code to print and evaluate, when not ``derivation.compile()``.
    """
    print(f"${derivation_latex(derivation)}$" if args.latex else derivation)
    if compiled is None and (args.code or args.at):
        compiled = derivation.compile()
    if args.code:
        code = compiled if args.code == "numpy" else derivation.compile(backend=args.code)
        print("\n" + code.source.rstrip())
    if args.at:
        point = _point(args.at, compiled.args)
        value = compiled(*[point[str(a)] for a in compiled.args])
        print(f"\nat {', '.join(f'{k} = {v:g}' for k, v in point.items())}:\n"
              f"{value}")  # NumPy's own str: this module need not import NumPy
    if args.check:
        report = derivation.check()
        print("\n" + str(report))
        return EXIT_REFUTED if report.status == "refuted" else EXIT_OK
    return EXIT_OK


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
