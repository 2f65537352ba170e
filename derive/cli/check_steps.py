"""``derive check-steps FILE``: check a hand derivation line by line.

Reads plain LaTeX lines, Markdown with ``$$...$$`` blocks or a ``.tex`` document
(``-`` reads stdin), prints the :class:`~derive.checking.StepsReport`; exits 0
when every step is verified, 1 when a step is refuted or inconclusive, 2 on
bad input.
"""

from __future__ import annotations

import sys

from derive.checking import verify_steps
from derive.cli import EXIT_OK, EXIT_REFUTED
from derive.errors import ParseError
from derive.parsing import symbols as make_symbols

MAX_BYTES = 1_000_000


def read_text(path: str) -> str:
    """The text of ``path`` (``-``: stdin), at most :data:`MAX_BYTES`, UTF-8."""
    try:
        if path == "-":
            data = sys.stdin.buffer.read(MAX_BYTES + 1)
        else:
            with open(path, "rb") as handle:
                data = handle.read(MAX_BYTES + 1)
    except OSError as err:
        raise ParseError(f"cannot read {path!r}: {err.strerror or err}") from None
    if len(data) > MAX_BYTES:
        raise ParseError(f"{path!r} is larger than {MAX_BYTES} bytes; a derivation is shorter")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ParseError(f"{path!r} is not UTF-8 text (byte {err.start})") from None


def run(args) -> int:
    """Run ``derive check-steps``; returns the exit code."""
    declared = [make_symbols(name, positive=True) for name in args.positive]
    report = verify_steps(read_text(args.file), symbols=declared, seed=args.seed,
                          seconds=args.seconds)
    print(report)
    return EXIT_OK if report.verified else EXIT_REFUTED
