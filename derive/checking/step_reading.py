r"""The lines of a derivation, from plain lines, Markdown or a LaTeX document.

:func:`read_derivation` returns ``(line number, LaTeX, after_arrow)`` items:

* a sequence of strings: one item per non-empty string;
* text with ``$$...$$`` blocks (Markdown) or ``\[...\]``, ``align``,
  ``align*``, ``equation``, ``gather`` environments (LaTeX): the math inside
  them, split at ``\\`` into lines; prose around them is ignored;
* other text: one item per non-empty line (``#`` headings and ``%`` comments
  skipped).

Inside a line, ``&`` alignment marks, ``\nonumber``, ``\label{...}``,
``\tag{...}``, trailing ``\text{...}`` remarks and final punctuation are
dropped, and ``\Rightarrow``/``\implies`` split it: the part after an arrow
is marked ``after_arrow`` (an equation solved, in :mod:`derive.checking.steps`).

Examples
--------
>>> doc = '''The score:
... $$ \\frac{d}{d\\mu} (x - \\mu)^2 = -2(x - \\mu) $$
... \\begin{align*}
... f &= x^2 \\\\
...   &= x \\cdot x . \\nonumber
... \\end{align*}'''
>>> for item in read_derivation(doc): print(item)
(2, '\\frac{d}{d\\mu} (x - \\mu)^2 = -2(x - \\mu)', False)
(4, 'f = x^2', False)
(5, '= x \\cdot x', False)
"""

from __future__ import annotations

import re

from derive.errors import ParseError

_BLOCK = re.compile(r"\$\$(.*?)\$\$|\\\[(.*?)\\\]|\\begin\{(align\*?|equation\*?|gather\*?|"
                    r"multline\*?|aligned)\}(.*?)\\end\{\3\}", re.DOTALL)
_ARROW = re.compile(r"\\(?:Rightarrow|implies|Longrightarrow)\b")
_DROP = re.compile(r"\\(?:nonumber|notag)\b|\\(?:label|tag)\{[^{}]*\}")
_REMARK = re.compile(r"(?:\\q?quad\s*)*\\text\{[^{}]*\}\s*$")
MAX_LINES = 500


def read_derivation(source):
    """``(line number, LaTeX, after_arrow)`` for every line of a derivation."""
    if isinstance(source, (list, tuple)):
        raw = [(k + 1, str(s)) for k, s in enumerate(source)]
    elif isinstance(source, str):
        raw = _from_text(source)
    else:
        raise ParseError(f"verify_steps takes text or a list of lines, not "
                         f"{type(source).__name__}")
    items = []
    for line_no, text in raw:
        for k, part in enumerate(_ARROW.split(_clean(text))):
            part = part.strip()
            if part:
                items.append((line_no, part, k > 0))
    if not items:
        raise ParseError("the derivation has no lines of mathematics")
    if len(items) > MAX_LINES:
        raise ParseError(f"the derivation has {len(items)} lines (limit {MAX_LINES})")
    return items


def _from_text(text):
    blocks = list(_BLOCK.finditer(text))
    if not blocks:
        out = []
        for k, line in enumerate(text.splitlines()):
            s = line.strip()
            if s and not s.startswith(("#", "%")):
                out.append((k + 1, s))
        return out
    out = []
    for m in blocks:
        body = next(g for g in (m.group(1), m.group(2), m.group(4)) if g is not None)
        first = text.count("\n", 0, m.start(m.lastindex if m.group(4) is None else 4)) + 1
        offset = 0
        for piece in re.split(r"\\\\", body):
            line_no = first + body.count("\n", 0, offset) + (1 if piece.startswith("\n") else 0)
            offset += len(piece) + 2
            if piece.strip():
                out.append((line_no, piece.strip()))
    return out


def _clean(text):
    text = _DROP.sub("", text).replace("&", " ")
    text = _REMARK.sub("", text.strip()).strip()
    return text.rstrip(".,;").strip()
