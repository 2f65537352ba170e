"""Gates 1 to 3 of the parser: characters, tokens, nesting, and Python's syntax tree.

:class:`Source` holds one text and turns it into a syntax tree of at most
:data:`~derive.parsing.costs.MAX_NODES` nodes, refusing before CPython's
parser sees it anything that is not printable ASCII, a token outside the
grammar, or nesting deeper than :data:`~derive.parsing.costs.MAX_NESTING`.
It also keeps the map from positions in the rewritten text (``^`` spelled
``**``) back to the user's text, so every error names the user's piece and
position.

Examples
--------
>>> import ast
>>> from derive.parsing.lexer import Source
>>> src = Source("x^2 + 1")
>>> ast.dump(src.syntax_tree().body.left.op)
'Pow()'
>>> Source("x; y").syntax_tree()
Traceback (most recent call last):
...
derive.errors.UnsafeInputError: unexpected character ';': statements are not expressions at position 1: x; y
"""

from __future__ import annotations

import ast
import keyword
import re
import unicodedata

from derive.errors import ParseError, UnsafeInputError
from derive.parsing.costs import MAX_LENGTH, MAX_LITERAL_DIGITS, MAX_NESTING, MAX_NODES

_TOKEN = re.compile(r"""
    (?P<ws>[ \t\r\n]+)
  | (?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>\*\*|[-+*/^@(),.\[\]])
""", re.VERBOSE)

# Characters the tokenizer refuses, with why; True marks an attempt at code.
_BAD_CHARS = {
    "'": ("a string quote: expressions contain no strings", True),
    '"': ("a string quote: expressions contain no strings", True),
    "=": ("'=': assignments and keyword arguments are not expressions", True),
    ":": ("':': lambdas, slices and ':=' are not expressions", True),
    "{": ("'{': dicts, sets and f-string fields are not expressions", True),
    "}": ("'}': dicts, sets and f-string fields are not expressions", True),
    ";": ("';': statements are not expressions", True),
    "#": ("'#': comments are not allowed", True),
    "\\": ("a backslash", True),
    "`": ("a backtick", True),
    "$": ("'$'", False),
    "?": ("'?'", False),
    "!": ("'!': write factorial(n)", False),
    "<": ("'<': comparisons are not expressions", False),
    ">": ("'>': comparisons are not expressions", False),
    "%": ("'%': modulo is not supported", False),
    "&": ("'&': bitwise operators are not supported", False),
    "|": ("'|': bitwise operators are not supported; for |x| write Abs(x)", False),
    "~": ("'~': bitwise operators are not supported", False),
}
# Tokens handed to Python's parser spelled differently: ``^`` is the power, and
# ``lambda`` (a regularisation weight or a rate, not Python's lambda: ':' never
# gets this far) becomes a name users cannot type, mapped back in _Builder.
_SPELLED = {"^": "**", "lambda": "_lambda"}
UNSPELLED = {"_lambda": "lambda"}
_UNARY_BEFORE = {None, "(", "[", ",", "+", "-", "*", "/", "**", "^", "@"}
_RESETS = {"+", "-", "*", "/", "@", ","}


class Source:
    """One text on its way to a syntax tree; every error names a piece of it."""

    def __init__(self, text):
        self.text = text
        self.pos_map = [0]

    # ---- errors and positions

    def fail(self, message, position=None, piece=None, unsafe=False, cls=None):
        cls = cls or (UnsafeInputError if unsafe else ParseError)
        raise cls(message, text=self.text, position=position, piece=piece)

    def _pos(self, node):
        return self.pos_map[min(node.col_offset, len(self.pos_map) - 1)]

    def span(self, node):
        """The user's text of ``node``, in full."""
        start = self._pos(node)
        end_py = getattr(node, "end_col_offset", None)
        if end_py is None:
            return self.text[start:start + 1]
        end = self.pos_map[min(end_py - 1, len(self.pos_map) - 1)] + 1
        return self.text[start:end]

    def _piece(self, node):
        """The user's text of ``node``, shortened to 50 characters for messages."""
        piece = self.span(node)
        return piece if len(piece) <= 50 else piece[:47] + "..."

    def node_fail(self, node, message, unsafe=False, cls=None):
        self.fail(message, self._pos(node), self._piece(node), unsafe, cls)

    # ---- gates 1-3

    def syntax_tree(self):
        text = self.text
        if len(text) > MAX_LENGTH:
            self.fail(f"the text has {len(text)} characters (limit {MAX_LENGTH}); "
                      "split the expression or build it from SymPy objects", unsafe=True)
        self._check_characters()
        tokens = self._tokens()
        if not tokens:
            self.fail("empty expression: write something like 'x**2 + 1'")
        self._check_nesting(tokens)
        kind, last, start = tokens[-1]
        if kind == "op" and last not in (")", "]"):
            self.fail(f"the expression ends with {last!r}: something is missing after it",
                      start, last)
        py_chars, pos_map = [], []
        for kind, tok, start in tokens:
            out = _SPELLED.get(tok, tok) if kind != "num" else tok
            py_chars.append(out)
            pos_map.extend(start + min(i, len(tok) - 1) for i in range(len(out)))
            py_chars.append(" ")
            pos_map.append(start + len(tok))
        self.pos_map = pos_map
        py_text = "".join(py_chars)
        try:
            tree = ast.parse(py_text, mode="eval")
        except SyntaxError as exc:
            offset = max((exc.offset or 1) - 1, 0)
            pos = pos_map[min(offset, len(pos_map) - 1)]
            msg = (exc.msg or "invalid syntax").replace("'**'", "'**' or '^'")
            self.fail(f"invalid syntax: {msg}", pos, text[pos:pos + 1])
        except (RecursionError, MemoryError):
            self.fail("the expression is nested or chained too deeply to parse; "
                      "split it into parts", unsafe=True)
        count = 0
        for node in ast.walk(tree):
            if isinstance(node, ast.expr):
                count += 1
                if count > MAX_NODES:
                    self.fail(f"the expression has more than {MAX_NODES} parts; "
                              "split it or build it from SymPy objects", unsafe=True)
        return tree

    def _check_characters(self):
        for i, ch in enumerate(self.text):
            if " " <= ch <= "~" or ch in "\t\r\n":
                continue
            code = f"U+{ord(ch):04X}"
            name = unicodedata.name(ch, None)
            described = f"{code} ({name})" if name else code
            category = unicodedata.category(ch)
            if category in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
                self.fail(f"control or invisible character {described}: expressions are "
                          "printable ASCII only", i, ch, unsafe=True)
            hint = ""
            folded = unicodedata.normalize("NFKC", ch)
            if folded.isascii() and folded.isprintable():
                hint = f"; it looks like {folded!r}, type that instead"
            elif name and ("GREEK" in name or name == "MICRO SIGN"):
                letter = "mu" if name == "MICRO SIGN" else name.split()[-1].lower()
                hint = f"; write Greek letters by name, e.g. {letter!r}"
            self.fail(f"non-ASCII character {ch!r} {described}: expressions are ASCII "
                      f"only{hint}", i, ch)

    def _tokens(self):
        text, pos, tokens = self.text, 0, []
        match = _TOKEN.match
        while pos < len(text):
            m = match(text, pos)
            if m is None:
                ch = text[pos]
                why, unsafe = _BAD_CHARS.get(ch, (repr(ch), False))
                self.fail(f"unexpected character {why}", pos, ch, unsafe=unsafe)
            kind, tok = m.lastgroup, m.group()
            if kind == "num":
                if len(tok) > MAX_LITERAL_DIGITS:
                    self.fail(f"a number with {len(tok)} characters (limit "
                              f"{MAX_LITERAL_DIGITS})", pos, tok[:20] + "...", unsafe=True)
                nxt = text[m.end():m.end() + 1]
                if nxt and (nxt.isalnum() or nxt in "_."):
                    self.fail(f"number {tok!r} directly followed by {nxt!r}: write a "
                              f"product as {tok}*{nxt}... (hex, binary, complex and "
                              "underscored literals are not supported)", pos, tok + nxt)
            elif kind == "name":
                if tok.startswith("_"):
                    self.fail(f"name {tok!r} starts with '_': private and dunder Python "
                              "names are not allowed; rename the variable", pos, tok,
                              unsafe=True)
                if keyword.iskeyword(tok) and tok not in _SPELLED:
                    self.fail(f"Python keyword {tok!r} is not part of an expression",
                              pos, tok, unsafe=True)
            if kind != "ws":
                tokens.append((kind, tok, pos))
            pos = m.end()
        return tokens

    def _check_nesting(self, tokens):
        """Refuse nesting deeper than MAX_NESTING before CPython parses it."""
        stack = []        # (open token, position, depth outside the bracket)
        chain = 0         # unary signs, powers, .T stacked at the current level
        outside = 0
        prev = None
        for kind, tok, pos in tokens:
            if tok in ("(", "["):
                stack.append((tok, pos, outside + chain))
                outside, chain = outside + chain + 1, 0
            elif tok in (")", "]"):
                want = "(" if tok == ")" else "["
                if not stack or stack[-1][0] != want:
                    self.fail(f"unmatched {tok!r}", pos, tok)
                _, _, depth = stack.pop()
                outside = stack[-1][2] + 1 if stack else 0
                chain = depth - outside
            elif kind == "op":
                if tok in ("**", "^", ".") or (tok in "+-" and prev in _UNARY_BEFORE):
                    chain += 1
                elif tok in _RESETS:
                    chain = 0
            if outside + chain > MAX_NESTING:
                self.fail(f"the expression nests deeper than {MAX_NESTING} levels "
                          "(parentheses, signs, powers); simplify it", pos, tok, unsafe=True)
            prev = tok if kind == "op" else kind
        if stack:
            tok, pos, _ = stack[-1]
            self.fail(f"{tok!r} is never closed", pos, tok)
