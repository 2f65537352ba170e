"""Hostile strings against derive.parse: 80 of them.

Each of the 80 strings in ``HOSTILE`` (code execution 38, cost bombs 16, depth and
length 11, unicode 15) must raise :class:`~derive.errors.ParseError` (or its
subclass :class:`~derive.errors.UnsafeInputError`) whose message names the
problem, within 1 s, and must never run code: payloads that would create a
sentinel file in ``tmp_path`` if executed are checked for it afterwards.  A
control test shows the main payload *does* create the sentinel under plain
``eval``, so the sentinel check is not vacuous.
"""

import re
import subprocess
import sys
import time

import pytest
import sympy as sp
from hypothesis import example, given, settings
from hypothesis import strategies as st

from derive.errors import ParseError, UnsafeInputError
from derive.parsing import parse, parse_matrix

RUN = "__import__('os').system('touch SENTINEL')"

# (id, text, regex the message must match).  SENTINEL is replaced by a path in tmp_path.
CODE = [
    ("import-system", RUN, r"'__import__'"),
    ("import-system-dq", '__import__("os").system("touch SENTINEL")', r"'__import__'"),
    ("lambda-call", f"(lambda: {RUN})()", r"':': lambdas"),
    ("lambda", "lambda x: x", r"':': lambdas"),
    ("class-bases-subclasses", "().__class__.__bases__[0].__subclasses__()", r"'__class__'"),
    ("class-mro", "x.__class__.__mro__", r"'__class__'"),
    ("globals-chain", "sin.__globals__['os'].system('touch SENTINEL')", r"'__globals__'"),
    ("int-class-base", "(1).__class__.__base__.__subclasses__()", r"'__class__'"),
    ("init-globals", "exp.__init__.__globals__", r"'__init__'"),
    ("subclasses-popen",
     "[c for c in ().__class__.__base__.__subclasses__() if c.__name__ == 'Popen'][0]"
     "(['touch', 'SENTINEL'])", r"keyword 'for'|'__class__'"),
    ("attribute-func", "x.func(1)", r"attribute access '\.func'"),
    ("attribute-evalf", "x.evalf()", r"attribute access '\.evalf'"),
    ("attribute-subs", "sin(x).subs(x, 1)", r"attribute access '\.subs'"),
    ("attribute-real", "(x).real", r"attribute access '\.real'"),
    ("transpose-then-dunder", "x.T.__class__", r"'__class__'"),
    ("fstring", "f'{x}'", r"string quote"),
    ("fstring-payload", f'f"{{{RUN}}}"', r"string quote"),
    ("subscript", "x[0]", r"subscript"),
    ("slice", "x[1:2]", r"':'"),
    ("walrus", "(y := 3)", r"':'"),
    ("keyword-arg", "sin(x=1)", r"'='"),
    ("keyword-arg-log", "log(x, base=2)", r"'='"),
    ("getattr-string", "getattr(x, '__class__')", r"string quote"),
    ("getattr-builtin", "getattr(sin, x)", r"builtin 'getattr'"),
    ("eval-builtin", "eval(x)", r"builtin 'eval'"),
    ("eval-string", f'eval("{RUN}")', r"string quote"),
    ("exec-builtin", "exec(x)", r"builtin 'exec'"),
    ("open-builtin", "open(SENTINEL)", r"builtin 'open'|non-ASCII|'/'|invalid syntax"),
    ("list-comprehension", "[x for x in (1, 2)]", r"keyword 'for'"),
    ("dict", "{x: 1}", r"'\{'"),
    ("set", "{x, y}", r"'\{'"),
    ("starred-call", "sin(*x)", r"starred"),
    ("starred-list", "Max(*[x, y])", r"starred"),
    ("string", "'x'", r"string quote"),
    ("bytes", "b'x'", r"string quote"),
    ("conditional", "x if x else y", r"keyword 'if'"),
    ("statement", f"x; {RUN}", r"';'"),
    ("globals-subscript", "globals()[0]", r"subscript|builtin 'globals'"),
]
COST = [
    ("power-tower", "9**9**9**9", r"digits \(limit"),
    ("caret-tower", "9^9^9^9", r"digits \(limit"),
    ("factorial-huge", "factorial(10**10)", r"factorial.*4000 digits.*symbol"),
    ("two-to-million", "2**1000000", r"301030 digits"),
    ("float-overflow", "1e400", r"overflows double precision"),
    ("float-underflow", "1e-400", r"underflows double precision"),
    ("distributed-power", "(2*x)**(10**10)", r"digits \(limit"),
    ("ten-tower", "10**10**10", r"digits \(limit"),
    ("binomial-huge", "binomial(10**10, 5*10**9)", r"binomial.*digits"),
    ("root-of-huge", "sqrt(10**999 + 1)", r"root of a number"),
    ("floor-of-tower", "floor(exp(exp(10**15)))", r"symbol-free argument"),
    ("sign-of-huge-exp", "sign(exp(10**40) - 1)", r"symbol-free argument of sign"),
    ("long-literal", "1" + "0" * 2000, r"number with 2001 characters"),
    ("fractional-exponent", "2**(10**9/3)", r"digits \(limit"),
    ("negative-power-bomb", "3**-(10**8)", r"digits \(limit"),
    ("product-of-bigs", "*".join(["10**3999"] * 3), r"product would have"),
]
DEPTH = [
    ("open-parens-300", "(" * 300, r"nests deeper than 100"),
    ("minus-100000", "-" * 100000 + "x", r"100001 characters \(limit 10000\)"),
    ("plus-chain-100000", "x+" * 100000, r"200000 characters \(limit 10000\)"),
    ("balanced-parens-300", "(" * 300 + "x" + ")" * 300, r"nests deeper than 100"),
    ("minus-5000", "-" * 5000 + "x", r"nests deeper than 100"),
    ("power-chain-500", "x**" * 500 + "x", r"nests deeper than 100"),
    ("nested-calls-150", "sin(" * 150 + "x" + ")" * 150, r"nests deeper than 100"),
    ("brackets-300", "[" * 300, r"nests deeper than 100"),
    ("long-sum-4999", "x+" * 4999 + "x", r"too deeply|more than 5000 parts"),
    ("signed-power-chain", "2**-" * 150 + "x", r"nests deeper than 100"),
    ("transpose-chain", "x" + ".T" * 200, r"nests deeper than 100"),
]
UNICODE = [
    ("fullwidth-eval", "\uff45\uff56\uff41\uff4c(x)",
     r"U\+FF45 \(FULLWIDTH LATIN SMALL LETTER E\)"),
    ("micro-sign", "\u00b5*x", r"U\+00B5 \(MICRO SIGN\)"),
    ("greek-mu", "\u03bc*x", r"U\+03BC \(GREEK SMALL LETTER MU\)"),
    ("micro-beside-mu", "\u03bc + \u00b5", r"U\+03BC"),
    ("mu-beside-micro", "x + \u00b5 + \u03bc", r"U\+00B5"),
    ("bidi-rlo", "x\u202e + y", r"U\+202E \(RIGHT-TO-LEFT OVERRIDE\)"),
    ("bidi-isolate", "x\u2066 + y\u2069", r"U\+2066"),
    ("bidi-trojan", "x + 1 \u202e \u2066# y\u2069 \u2066", r"U\+202E"),
    ("nul", "x\x00", r"U\+0000"),
    ("nul-payload", f"x\x00{RUN}", r"U\+0000"),
    ("zero-width-space", "x\u200b+y", r"U\+200B"),
    ("greek-question-mark", "x + y\u037e", r"U\+037E"),
    ("fullwidth-x", "\uff58**2", r"U\+FF58"),
    ("byte-order-mark", "\ufeffx", r"U\+FEFF"),
    ("cyrillic-a", "\u0430 + x", r"U\+0430 \(CYRILLIC SMALL LETTER A\)"),
]
HOSTILE = CODE + COST + DEPTH + UNICODE


def _count_in_docstring():
    return int(re.search(r"(\d+) of them", __doc__).group(1))


def test_hostile_list_is_counted_in_the_docstring():
    assert len(HOSTILE) >= 45
    assert len(HOSTILE) == _count_in_docstring()
    counts = re.search(r"code execution (\d+), cost bombs (\d+), depth and\s+length (\d+), "
                       r"unicode (\d+)", __doc__).groups()
    assert tuple(map(int, counts)) == (len(CODE), len(COST), len(DEPTH), len(UNICODE))
    assert len({h[0] for h in HOSTILE}) == len(HOSTILE)


@pytest.mark.parametrize("text, pattern", [h[1:] for h in HOSTILE], ids=[h[0] for h in HOSTILE])
def test_hostile_string_is_rejected_fast_and_runs_nothing(text, pattern, tmp_path):
    sentinel = tmp_path / "SENTINEL"
    text = text.replace("SENTINEL", str(sentinel))
    start = time.perf_counter()
    with pytest.raises(ParseError) as info:
        parse(text)
    elapsed = time.perf_counter() - start
    assert elapsed < 1.0, f"took {elapsed:.2f} s"
    assert re.search(pattern, str(info.value)), str(info.value)
    err = info.value
    assert err.position is None or 0 <= err.position <= len(text)
    if err.position is not None and err.piece:
        assert text[err.position:].startswith(err.piece.removesuffix("..."))
    assert not sentinel.exists()
    # parse_matrix goes through the same gates
    with pytest.raises(ParseError):
        parse_matrix(text)
    assert not sentinel.exists()


@pytest.mark.parametrize("text", [h[1] for h in CODE if "SENTINEL" in h[1]][:3])
def test_code_payloads_are_unsafe_input(text, tmp_path):
    with pytest.raises(UnsafeInputError):
        parse(text.replace("SENTINEL", str(tmp_path / "SENTINEL")))


def test_payload_is_live_under_eval(tmp_path):
    """Control: the payload really runs under Python's eval (what sympify does)."""
    sentinel = tmp_path / "SENTINEL"
    payload = RUN.replace("SENTINEL", str(sentinel))
    subprocess.run([sys.executable, "-c", f"eval({payload!r})"], check=True, timeout=60)
    assert sentinel.exists()


@pytest.mark.parametrize("text", ["gamma(10**10/3)", "loggamma(10**10/3)", "digamma(10**10)",
                                  "polygamma(0, 10**10)", "factorial(1000)",
                                  "binomial(10**10, 3)", "9**9**2", "2**10000"])
def test_near_misses_parse_at_once(text):
    start = time.perf_counter()
    got = parse(text)
    assert time.perf_counter() - start < 1.0
    assert isinstance(got, sp.Expr) and not got.free_symbols


@pytest.mark.parametrize("text", ["polygamma(7, 1000)", "digamma(1000)", "binomial(e, 99)",
                                  "binomial(12345678901234567890, 1e-300)"])
def test_former_hangs_found_by_fuzzing_return_at_once(text):
    start = time.perf_counter()
    got = parse(text)
    assert time.perf_counter() - start < 1.0
    assert isinstance(got, sp.Expr)


@pytest.mark.parametrize("text, pattern", [
    ("ceiling(digamma(1e-300))", r"symbol-free argument of ceiling"),
    ("binomial(10**5, oo)", r"infinity"),
    ("polygamma(polygamma(99, 1000), 1000)", r"symbol-free argument of polygamma"),
    ("log(-2)", r"complex-valued"),
    ("sqrt(-1)", r"complex-valued"),
])
def test_former_hangs_and_complex_values_are_refused(text, pattern):
    start = time.perf_counter()
    with pytest.raises(ParseError, match=pattern):
        parse(text)
    assert time.perf_counter() - start < 1.0


_F1 = ["factorial", "gamma", "exp", "sqrt", "floor", "sign", "log", "sin", "Abs", "ceiling",
       "loggamma", "relu", "sigmoid", "tan", "atan", "Heaviside", "digamma", "erf",
       "softplus", "cosh", "asinh", "acosh", "sec", "lgamma", "cbrt"]
_F2 = ["binomial", "polygamma", "Max", "Min", "log", "beta", "atan2"]
_leaf = st.sampled_from(["9", "10", "99", "2", "1000", "10**5", "1.5e300", "0.5", "pi", "e",
                         "oo", "x", "12345678901234567890", "10**999", "10**-99", "1e-300"])


def _grow(c):
    return st.one_of(
        st.tuples(st.sampled_from(_F1), c).map(lambda t: f"{t[0]}({t[1]})"),
        st.tuples(st.sampled_from(_F2), c, c).map(lambda t: f"{t[0]}({t[1]}, {t[2]})"),
        st.tuples(c, st.sampled_from(["+", "-", "*", "/", "**", "^"]), c)
          .map(lambda t: f"({t[0]}){t[1]}({t[2]})"),
        c.map(lambda a: f"-({a})"),
    )


@settings(max_examples=150)
@given(st.recursive(_leaf, _grow, max_leaves=10))
@example("polygamma(-(7), polygamma(7, 1000))")
@example("binomial(binomial(99, 9), 1e-300)")
@example("ceiling(digamma(1e-300))")
def test_numeric_soup_answers_within_a_second(text):
    """Big numbers inside any whitelisted function: a result or a ParseError, fast."""
    start = time.perf_counter()
    try:
        got = parse(text)
    except ParseError:
        pass
    else:
        assert isinstance(got, sp.Basic)
    assert time.perf_counter() - start < 1.0
