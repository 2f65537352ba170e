"""The ``derive`` command: parse the text, run one operation, print the report.

The sub-commands are data (:data:`derive.cli.commands.COMMANDS`); this module
builds the parser from them and, once the arguments are read, imports the
chosen command's handler module by name: the one dispatch point, so that
``derive --help`` and ``derive --version`` load neither SymPy nor NumPy, and
each command loads only what its handler imports. Exit codes: 0 ok, 1 refuted
(a check failed), 2 bad input (one line on stderr, no traceback).

Examples
--------
>>> main(["--version"])
derive 0.2.0
0
"""

from __future__ import annotations

import argparse
import importlib
import sys

from derive import __version__
from derive.cli.commands import COMMANDS, Command
from derive.errors import DeriveError

EXIT_OK, EXIT_REFUTED, EXIT_BAD_INPUT = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one clear line, exit 2, like every other bad input
        command = self.prog.partition(" ")[2]  # "derive grad" -> "grad"
        where = f"{command}: " if command else ""
        self.exit(EXIT_BAD_INPUT, f"derive: error: {where}{message}\n")

    def _parse_optional(self, arg_string):
        # derive has no one-dash options but -h: "-oo", "-x**2+y" or "-inf" is a value
        # (an expression, a limit, a number), never an option
        if (arg_string.startswith("-") and not arg_string.startswith("--")
                and arg_string not in self._option_string_actions):
            return None
        return super()._parse_optional(arg_string)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command of :data:`COMMANDS` (no handler imported)."""
    parser = _Parser(prog="derive", description=(
        "Symbolic-plus-numeric derivations for the mathematics of deep learning; "
        "every result is checked."))
    parser.add_argument("--version", action="version", version=f"derive {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for command in COMMANDS:
        sub = subparsers.add_parser(command.name, help=command.help,
                                    description=command.description)
        for argument in command.arguments:
            sub.add_argument(*argument.flags, **argument.options)
        sub.set_defaults(spec=command, **command.defaults)
    return parser


def _handler(command: Command, args: argparse.Namespace):
    """The function that runs ``command`` with ``args`` (a variant's, if its option is given)."""
    target = next((handler for option, handler in command.variants.items()
                   if getattr(args, option)), command.handler)
    module, _, function = target.partition(":")
    return getattr(importlib.import_module(module), function)  # deferred: start-up time


def main(argv=None) -> int:
    """Run the command line; returns the exit code (also used by the console script)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # --help, --version, or one line about a bad argument
        return stop.code if isinstance(stop.code, int) else EXIT_OK
    if getattr(args, "spec", None) is None:
        parser.print_help()
        return EXIT_BAD_INPUT
    try:
        return int(_handler(args.spec, args)(args) or 0)
    except DeriveError as err:
        print(f"derive: error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("derive: interrupted", file=sys.stderr)
        return 130
