"""Characters and tokens of LaTeX math, and the command tables of the LaTeX reader.

:func:`tokenize` turns LaTeX into tokens ``(kind, value, position)`` with kinds
``cmd`` (``\\frac``), ``letter`` (one letter: in math mode ``xy`` is ``x`` times
``y``), ``num`` (``3.25``) and ``sym`` (one punctuation character). Spacing
commands (``\\,``, ``\\quad``, ``~``) are dropped. Before anything is read it
refuses what a formula never needs: TeX's programming and file commands
(``\\def``, ``\\input``, ``\\newcommand``, ``\\catcode``, ``\\csname``...: an
:class:`~derive.errors.UnsafeInputError`), macro parameters ``#``, comments
``%``, any command outside the tables below, and text longer than
:data:`~derive.parsing.costs.MAX_LENGTH` or not printable ASCII (the same
gate as :func:`derive.parsing.parse`).

Examples
--------
>>> [t[:2] for t in tokenize(r"\\frac{x}{2}\\,y")]
[('cmd', 'frac'), ('sym', '{'), ('letter', 'x'), ('sym', '}'), ('sym', '{'), ('num', '2'), ('sym', '}'), ('letter', 'y')]
>>> tokenize(r"\\def\\x{1}")
Traceback (most recent call last):
...
derive.errors.UnsafeInputError: the TeX command \\def defines or expands macros or reads files; formulas never need it at position 0: \\def\\x{1}
"""

from __future__ import annotations

import re

import sympy as sp

from derive.errors import ParseError
from derive.functions import relu, sigmoid, softplus
from derive.parsing.costs import MAX_LENGTH
from derive.parsing.lexer import Source

#: TeX commands that program TeX, read or write files: refused as unsafe.
HOSTILE = frozenset("""
def edef gdef xdef let futurelet newcommand renewcommand providecommand
DeclareMathOperator DeclareRobustCommand newenvironment renewenvironment input include
includeonly InputIfFileExists write immediate openout openin closeout closein read readline
catcode lccode uccode mathcode delcode sfcode csname endcsname expandafter noexpand
afterassignment aftergroup usepackage RequirePackage documentclass special loop repeat
uppercase lowercase jobname string meaning the number romannumeral scantokens
detokenize unexpanded everymath everydisplay everypar output shipout href url
newcount newtoks newdimen newskip newbox setbox global long outer protected
""".split())

#: Spacing commands, dropped.
SPACING = frozenset({",", ";", ":", "!", " ", "quad", "qquad", "enspace", "thinspace",
                     "medspace", "thickspace", "displaystyle", "textstyle", "limits",
                     "nolimits", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl",
                     "Bigr", "biggl", "biggr"})

GREEK = {name: name for name in """
alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi
omicron rho sigma tau upsilon phi chi psi omega Gamma Delta Theta Lambda Xi Sigma Upsilon
Phi Psi Omega
""".split()}
GREEK.update({"varepsilon": "epsilon", "vartheta": "theta", "varphi": "phi",
              "varrho": "rho", "varsigma": "sigma", "varpi": "varpi", "ell": "ell"})

#: Functions written as commands; the value is the SymPy callable.
FUNCTION_COMMANDS = {
    "sin": sp.sin, "cos": sp.cos, "tan": sp.tan, "sec": sp.sec, "csc": sp.csc,
    "cot": sp.cot, "arcsin": sp.asin, "arccos": sp.acos, "arctan": sp.atan,
    "sinh": sp.sinh, "cosh": sp.cosh, "tanh": sp.tanh, "coth": sp.coth,
    "exp": sp.exp, "log": sp.log, "ln": sp.log, "det": None, "max": sp.Max, "min": sp.Min,
}
#: Names allowed in ``\\operatorname{...}`` and ``\\mathrm{...}`` as functions.
OPERATOR_NAMES = {
    "tr": "trace", "Tr": "trace", "trace": "trace", "det": "det", "erf": sp.erf,
    "erfc": sp.erfc, "sigmoid": sigmoid, "softplus": softplus, "ReLU": relu, "relu": relu,
    "sign": sp.sign, "sgn": sp.sign, "arctanh": sp.atanh, "arcsinh": sp.asinh,
    "arccosh": sp.acosh, "artanh": sp.atanh, "arsinh": sp.asinh, "Gamma": sp.gamma,
    "softmax": None, "diag": None, "atan": sp.atan, "asin": sp.asin, "acos": sp.acos,
    "atanh": sp.atanh, "asinh": sp.asinh, "acosh": sp.acosh, "sigma": sigmoid,
    "polygamma": sp.polygamma, "digamma": sp.digamma, "loggamma": sp.loggamma,
}
#: Decorations that make a new symbol name: ``\\hat{\\mu}`` is the symbol ``mu_hat``.
DECORATIONS = {"hat": "_hat", "bar": "_bar", "tilde": "_tilde", "overline": "_bar",
               "widehat": "_hat", "widetilde": "_tilde", "dot": "_dot", "ddot": "_ddot",
               "mathbf": "", "boldsymbol": "", "bm": "", "vec": "", "mathit": ""}
RELATIONS = {"=": "=", "leq": "<=", "le": "<=", "geq": ">=", "ge": ">=", "lt": "<",
             "gt": ">", "neq": "!=", "ne": "!=", "<": "<", ">": ">"}
#: Commands the reader understands besides the tables above.
STRUCTURE = frozenset("""
frac dfrac tfrac sqrt left right cdot times div binom dbinom tbinom sum prod int lim to
rightarrow partial infty pi begin end operatorname mathrm text textrm mbox top intercal
pm mp cdots ldots dots vdots ddots Rightarrow implies Longrightarrow iff Leftrightarrow
quad middle
""".split()) | frozenset(RELATIONS)

_TOKEN = re.compile(r"""
    (?P<ws>[ \t\r\n~]+)
  | \\(?P<cmd>[A-Za-z]+|.)
  | (?P<num>\d+(?:\.\d+)?|\.\d+)
  | (?P<letter>[A-Za-z])
  | (?P<sym>[-+*/^_()\[\]{}|=<>,!'.&:;])
""", re.VERBOSE | re.DOTALL)

_BAD = {"#": ("a macro parameter '#'", True), "%": ("a TeX comment '%'", False),
        "$": ("'$' (give the formula without math delimiters)", False),
        "@": ("'@'", True), "\"": ("a quote", False), "?": ("'?'", False),
        "`": ("a backtick", False)}


def tokenize(text):
    """The tokens of LaTeX math ``text``; see the module docstring for what is refused."""
    source = Source(text)
    if len(text) > MAX_LENGTH:
        source.fail(f"the LaTeX has {len(text)} characters (limit {MAX_LENGTH}); split it",
                    unsafe=True)
    source._check_characters()
    tokens, pos = [], 0
    known = STRUCTURE | SPACING | set(GREEK) | set(FUNCTION_COMMANDS) | set(DECORATIONS)
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            ch = text[pos]
            why, unsafe = _BAD.get(ch, (repr(ch), False))
            source.fail(f"unexpected character {why} in LaTeX", pos, ch, unsafe=unsafe)
        kind = m.lastgroup
        value = m.group(kind)
        if kind == "cmd":
            if value in HOSTILE:
                source.fail(f"the TeX command \\{value} defines or expands macros or reads "
                            "files; formulas never need it", pos, "\\" + value, unsafe=True)
            if value in SPACING:
                pos = m.end()
                continue
            if value in "{}|\\":
                kind, value = "sym", {"{": "lbrace", "}": "rbrace", "|": "dbar",
                                      "\\": "newline"}[value]
                tokens.append(("cmd", value, pos))
                pos = m.end()
                continue
            if value not in known:
                source.fail(f"unknown LaTeX command \\{value}; derive reads the commands of "
                            "ordinary formulas only (no macros)", pos, "\\" + value)
        if kind != "ws":
            tokens.append((kind, value, pos))
        pos = m.end()
    if not tokens:
        raise ParseError("empty LaTeX formula", text=text)
    return tokens
