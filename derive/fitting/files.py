"""Observations read from a CSV file, with one clear error for every bad file.

:func:`read_csv` reads the comma-separated file behind ``derive mle --data``:
an optional header row naming the columns (a UTF-8 byte-order mark is
ignored), then one row of numbers per observation. Only a regular file is
read (not a FIFO or ``/dev/zero``), at most :data:`MAX_BYTES` of it; the text
must be UTF-8; a repeated column name, an empty file, a missing column or a
non-number is a :class:`~derive.errors.ParseError` that names the file and what
to do. Non-finite values are refused when the data are bound to a model
(:class:`~derive.fitting.sample.Sample`).

Examples
--------
>>> import pathlib, tempfile
>>> path = pathlib.Path(tempfile.mkdtemp()) / "x.csv"
>>> _ = path.write_text("x,y\\n1.5,2\\n2.5,4\\n")
>>> {k: v.tolist() for k, v in read_csv(path, ["y", "x"]).items()}
{'y': [2.0, 4.0], 'x': [1.5, 2.5]}
>>> _ = path.write_text("x,x\\n1,2\\n")
>>> read_csv(path, ["x"])  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
derive.errors.ParseError: --data: .../x.csv: the header names column 'x' twice (columns 1 and 2); give each column its own name
"""

from __future__ import annotations

import io
import os
import stat

import numpy as np

from derive.errors import ParseError

__all__ = ["MAX_BYTES", "read_csv"]

#: The largest CSV read into memory (bytes). Larger data: pass arrays to ``fit``.
MAX_BYTES = 2 * 1024**3


def _fail(path, problem):
    return ParseError(f"--data: {os.fspath(path)}: {problem}")


def _open_regular(path, max_bytes):
    """The file's bytes, when it is a regular file of at most ``max_bytes``."""
    try:
        info = os.stat(path)
    except OSError as err:
        raise _fail(path, f"cannot read it ({err.strerror})") from err
    if not stat.S_ISREG(info.st_mode):
        kind = ("a FIFO (named pipe)" if stat.S_ISFIFO(info.st_mode) else
                "a directory" if stat.S_ISDIR(info.st_mode) else
                "a device" if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode) else
                "not a regular file")
        raise _fail(path, f"is {kind}; give a regular CSV file")
    if info.st_size > max_bytes:
        raise _fail(path, f"is {info.st_size / 1024**2:.0f} MiB, over the {max_bytes / 1024**2:.0f}"
                    " MiB read into memory; load a sample, or pass arrays to derive.fit")
    try:
        with open(path, "rb") as fh:
            raw = fh.read(max_bytes + 1)
    except OSError as err:
        raise _fail(path, f"cannot read it ({err.strerror})") from err
    if len(raw) > max_bytes:
        raise _fail(path, f"grew past {max_bytes} bytes while being read")
    return raw


def _decode(path, raw):
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise _fail(path, f"is not UTF-8 text (byte {err.start} is 0x{raw[err.start]:02x}); "
                    "save it as UTF-8 CSV") from None


def _header(path, first):
    cols = [c.strip().strip('"') for c in first.split(",")]
    try:
        [float(c) for c in cols]
    except ValueError:
        pass
    else:
        return None
    seen = {}
    for j, c in enumerate(cols, 1):
        if not c:
            raise _fail(path, f"column {j} of the header has no name")
        if c in seen:
            raise _fail(path, f"the header names column {c!r} twice (columns {seen[c]} and {j}); "
                        "give each column its own name")
        seen[c] = j
    return cols


def read_csv(path, names, *, max_bytes=MAX_BYTES):
    """Columns ``names`` of the CSV file at ``path``, as float arrays.

    Parameters
    ----------
    path : str or path-like
        A regular, UTF-8 (optionally with byte-order mark) CSV file: a header
        row naming the columns, or no header and exactly ``len(names)``
        columns in that order.
    names : sequence of str
        The observed variables to read.
    max_bytes : int
        Files larger than this are refused (no partial read).

    Returns
    -------
    dict
        Name -> 1-D float array.

    Raises
    ------
    ParseError
        Not a regular file, too large, not UTF-8, empty, a repeated or missing
        column, or a value that is not a number.
    """
    text = _decode(path, _open_regular(path, max_bytes))
    lines = text.splitlines()
    body_start = next((i for i, line in enumerate(lines) if line.strip()), None)
    if body_start is None:
        raise _fail(path, "is empty; give a header row and one row per observation")
    header = _header(path, lines[body_start])
    rows = lines[body_start + (1 if header else 0):]
    if not any(r.strip() for r in rows):
        raise _fail(path, "has a header but no observations")
    width = len(header) if header else len(lines[body_start].split(","))
    try:
        arr = np.loadtxt(io.StringIO("\n".join(rows)), delimiter=",", ndmin=2, dtype=float,
                         comments=None)
    except ValueError as err:
        raise _fail(path, f"is not a numeric CSV ({str(err).splitlines()[0]})") from None
    if arr.shape[1] != width:
        raise _fail(path, f"rows have {arr.shape[1]} values, the first row {width}")
    if header is None:
        if width != len(names):
            raise _fail(path, f"has {width} columns and no header; expected {len(names)} "
                        f"({', '.join(names)}) or a header row naming them")
        return {n: arr[:, j] for j, n in enumerate(names)}
    missing = [n for n in names if n not in header]
    if missing:
        raise _fail(path, f"has no column {', '.join(map(repr, missing))} (header: "
                    f"{', '.join(header)}); name the columns after the variables")
    return {n: arr[:, header.index(n)] for n in names}
