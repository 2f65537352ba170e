"""Types of the command line's option values: each checks its range as it reads.

A value outside its range becomes one line from the parser and exit 2, before
any work starts, so no option can ask for a billion random points or a
negative seed. Every type here is plain Python (no SymPy, no NumPy): the
parser that uses them is built for ``derive --help`` too.

Examples
--------
>>> points = bounded_int(1, 1000)
>>> points("6")
6
>>> points("1000000000")
Traceback (most recent call last):
...
argparse.ArgumentTypeError: expected an integer from 1 to 1000, got '1000000000'
>>> seconds = bounded_float(0, 3600, low_open=True)
>>> seconds("nan")
Traceback (most recent call last):
...
argparse.ArgumentTypeError: expected a number greater than 0 and at most 3600, got 'nan'
>>> identifier("a:100000000")
Traceback (most recent call last):
...
argparse.ArgumentTypeError: expected a variable name (letters, digits, _), got 'a:100000000'
"""

from __future__ import annotations

import argparse
import keyword
import math


def bounded_int(low: int, high: int):
    """A type that reads an integer from ``low`` to ``high`` (both included)."""
    def read(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or not low <= value <= high:
            raise argparse.ArgumentTypeError(
                f"expected an integer from {low} to {high}, got {text!r}")
        return value
    read.__name__ = f"integer from {low} to {high}"
    return read


def bounded_float(low: float, high: float, *, low_open: bool = False,
                  high_open: bool = False):
    """A type that reads a finite number between ``low`` and ``high``.

    ``low_open``/``high_open`` exclude the end itself (a time budget must be
    more than 0; a confidence level lies strictly between 0 and 1).
    """
    below = f"greater than {low:g}" if low_open else f"at least {low:g}"
    above = f"less than {high:g}" if high_open else f"at most {high:g}"

    def read(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        inside = (math.isfinite(value) and (low < value if low_open else low <= value)
                  and (value < high if high_open else value <= high))
        if not inside:
            raise argparse.ArgumentTypeError(
                f"expected a number {below} and {above}, got {text!r}")
        return value
    read.__name__ = f"number {below} and {above}"
    return read


def finite_float(text: str) -> float:
    """A finite number (``inf`` and ``nan`` are refused)."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
    return value


def identifier(text: str) -> str:
    """A variable name: letters, digits and ``_``, not starting with a digit.

    Refuses SymPy's range syntax (``a:3``, ``x(1:4)``), which would create
    symbols in bulk from the command line.
    """
    if not text.isidentifier() or keyword.iskeyword(text):
        raise argparse.ArgumentTypeError(
            f"expected a variable name (letters, digits, _), got {text!r}")
    return text


def shape(text: str) -> tuple[str, tuple[str, str]]:
    """``NAME=ROWS,COLS`` (or ``NAME=ROWS``, a column) with sizes that are names or
    positive integers: ``("X", ("n", "m"))``.

    Examples
    --------
    >>> shape("X=n,m"), shape("w=3")
    (('X', ('n', 'm')), ('w', ('3', '1')))
    """
    name, sep, dims = text.partition("=")
    parts = [d.strip() for d in dims.split(",")]
    good = (sep and name.isidentifier() and len(parts) in (1, 2)
            and all(p.isidentifier() or (p.isdigit() and int(p) > 0) for p in parts))
    if not good:
        raise argparse.ArgumentTypeError(
            f"expected NAME=ROWS,COLS with sizes that are names or positive integers "
            f"(e.g. X=n,m or w=3,1), got {text!r}")
    return name, (parts[0], parts[1] if len(parts) == 2 else "1")


def assignment(text: str) -> tuple[str, float]:
    """``NAME=NUMBER`` with a finite number: ``("k", 2.5)``.

    Examples
    --------
    >>> assignment("k=2.5")
    ('k', 2.5)
    """
    name, sep, value = text.partition("=")
    name = name.strip()
    try:
        number = float(value)
    except ValueError:
        number = None
    if not sep or not name.isidentifier() or number is None:
        raise argparse.ArgumentTypeError(f"expected NAME=NUMBER (e.g. k=2.5), got {text!r}")
    if not math.isfinite(number):
        raise argparse.ArgumentTypeError(
            f"{text!r}: {value.strip()} is not a finite number; give the value, e.g. k=2.5")
    return name, number
