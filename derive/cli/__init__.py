"""The ``derive`` command: parse the text, run one operation, print the report.

Each sub-command lives in its own module of this package and registers itself
through ``register(subparsers)``; this module only wires them up, so it holds no
logic of its own. Exit codes: 0 ok, 1 refuted (a check failed), 2 bad input.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from derive.errors import DeriveError

EXIT_OK, EXIT_REFUTED, EXIT_BAD_INPUT = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one clear line, exit 2, like every other bad input
        self.exit(EXIT_BAD_INPUT, f"derive: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command of ``derive.cli`` registered."""
    parser = _Parser(prog="derive", description=(
        "Symbolic-plus-numeric derivations for the mathematics of deep learning; "
        "every result is checked."))
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if not info.name.startswith("_"):
            importlib.import_module(f"{__name__}.{info.name}").register(subparsers)
    return parser


def main(argv=None) -> int:
    """Run the command line; returns the exit code (also used by the console script)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "run", None) is None:
        parser.print_help()
        return EXIT_BAD_INPUT
    try:
        return int(args.run(args) or 0)
    except DeriveError as err:
        print(f"derive: error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("derive: interrupted", file=sys.stderr)
        return 130
