"""derive.parse on well-formed input: every parse is compared with the SymPy object
built directly with SymPy's own constructors (the independent truth)."""

import time
from fractions import Fraction

import pytest
import sympy as sp
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st
from sympy.printing.str import sstr

import derive.parsing as dp
from derive.errors import ParseError, ShapeError, UnsafeInputError
from derive.functions import relu, sigmoid, softplus
from derive.parsing import MatrixShapeError, parse, parse_matrix, symbols

x, y, z = sp.symbols("x y z", real=True)
A = sp.MatrixSymbol("A", 3, 3)
B = sp.MatrixSymbol("B", 3, 2)
v = sp.MatrixSymbol("v", 3, 1)

CASES = [
    # id, text, expected (built directly)
    ("int", "42", sp.Integer(42)),
    ("decimal-half", "0.5", sp.Rational(1, 2)),
    ("decimal-exp", "1.5e-3", sp.Rational(3, 2000)),
    ("decimal-exp-plus", "2E+2", sp.Integer(200)),
    ("leading-dot", ".25", sp.Rational(1, 4)),
    ("trailing-dot", "3.", sp.Integer(3)),
    ("sum", "x + y - z", sp.Add(x, y, sp.Mul(-1, z))),
    ("product", "2*x*y", sp.Mul(2, x, y)),
    ("quotient", "x/y", sp.Mul(x, sp.Pow(y, -1))),
    ("rational", "1/3", sp.Rational(1, 3)),
    ("power-star", "x**3", sp.Pow(x, 3)),
    ("power-caret", "x^3", sp.Pow(x, 3)),
    ("caret-right-assoc", "x^y^z", sp.Pow(x, sp.Pow(y, z))),
    ("star-right-assoc", "2**3**2", sp.Integer(512)),
    ("caret-numeric", "2^3^2", sp.Integer(512)),
    ("caret-binds-tighter-than-plus", "x^2+1", sp.Add(sp.Pow(x, 2), 1)),
    ("caret-tighter-than-times", "2*x^2", sp.Mul(2, sp.Pow(x, 2))),
    ("unary-minus-power", "-x^2", sp.Mul(-1, sp.Pow(x, 2))),
    ("unary-minus-power-star", "-x**2", sp.Mul(-1, sp.Pow(x, 2))),
    ("negative-exponent", "2^-1", sp.Rational(1, 2)),
    ("double-minus", "--x", x),
    ("unary-plus", "+x", x),
    ("minus-product", "-x*y", sp.Mul(-1, x, y)),
    ("parens", "(x+y)*(x-y)", sp.Mul(sp.Add(x, y), sp.Add(x, -y))),
    ("left-assoc-sub", "x - y - z", x - y - z),
    ("left-assoc-div", "x / y / z", x / (y * z)),
    ("mixed-precedence", "1 + 2*3^2 - 4/2", sp.Integer(17)),
    ("whitespace", "  x\t+\n y ", x + y),
    ("exp", "exp(x)", sp.exp(x)),
    ("log", "log(x)", sp.log(x)),
    ("ln", "ln(x)", sp.log(x)),
    ("log-base", "log(x, 2)", sp.log(x) / sp.log(2)),
    ("log-base-number", "log(8, 2)", sp.Integer(3)),
    ("sqrt", "sqrt(x)", sp.Pow(x, sp.Rational(1, 2))),
    ("sqrt-number", "sqrt(8)", 2 * sp.sqrt(2)),
    ("trig", "sin(x)*cos(y) + tan(z)", sp.sin(x) * sp.cos(y) + sp.tan(z)),
    ("inverse-trig", "asin(x) + acos(x) + atan(x)", sp.asin(x) + sp.acos(x) + sp.atan(x)),
    ("hyperbolic", "tanh(x) + sech(x)", sp.tanh(x) + sp.sech(x)),
    ("sigmoid", "sigmoid(x)", sigmoid(x)),
    ("softplus", "softplus(x)", softplus(x)),
    ("relu", "relu(x)", relu(x)),
    ("erf", "erf(x)", sp.erf(x)),
    ("gamma-fn", "gamma(x)", sp.gamma(x)),
    ("lgamma", "lgamma(x)", sp.loggamma(x)),
    ("polygamma", "polygamma(1, x)", sp.polygamma(1, x)),
    ("beta-fn", "beta(x, y)", sp.beta(x, y)),
    ("abs", "abs(x)", sp.Abs(x)),
    ("Abs", "Abs(-3)", sp.Integer(3)),
    ("max", "max(x, y, 1)", sp.Max(x, y, 1)),
    ("Min", "Min(x, 0)", sp.Min(x, 0)),
    ("factorial-small", "factorial(5)", sp.Integer(120)),
    ("binomial-small", "binomial(10, 3)", sp.Integer(120)),
    ("heaviside", "Heaviside(x)", sp.Heaviside(x)),
    ("pi", "pi", sp.pi),
    ("E", "E", sp.E),
    ("e", "e**x", sp.exp(x)),
    ("inf", "inf", sp.oo),
    ("oo", "-oo", -sp.oo),
    ("function-name-as-symbol", "gamma*x + beta",
     sp.Symbol("gamma", real=True) * x + sp.Symbol("beta", real=True)),
    ("lambda-as-symbol", "loss + lambda*w^2",
     sp.Symbol("loss", real=True)
     + sp.Symbol("lambda", real=True) * sp.Symbol("w", real=True) ** 2),
    ("underscored-name", "x_1 + w2", sp.Symbol("x_1", real=True) + sp.Symbol("w2", real=True)),
    ("evaluated-trig", "sin(pi/6)", sp.Rational(1, 2)),
    ("gamma-lazy", "gamma(10**10/3)", sp.gamma(sp.Rational(10**10, 3), evaluate=False)),
    ("loggamma-lazy", "loggamma(10**10/3)", sp.loggamma(sp.Rational(10**10, 3), evaluate=False)),
    ("long-decimal", "0." + "3" * 60, sp.Rational(int("3" * 60), 10**60)),
    ("long-decimal-exponent", "1." + "2" * 70 + "e-5", sp.Rational(int("1" + "2" * 70), 10**75)),
    ("polygamma-lazy", "polygamma(0, 10**10)",
     sp.polygamma(0, sp.Integer(10**10), evaluate=False)),
    ("gamma-small-evaluates", "gamma(5)", sp.Integer(24)),
    ("big-but-allowed-power", "10**3000", sp.Integer(10) ** 3000),
]


@pytest.mark.parametrize("text, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_parse_matches_sympy(text, expected):
    got = parse(text)
    assert got == expected
    assert sp.srepr(got) == sp.srepr(expected)


def test_undeclared_names_are_real_symbols():
    got = parse("x*y")
    assert got.free_symbols == {x, y}
    assert all(s.is_real for s in got.free_symbols)
    # a plain Symbol('x') without assumptions is a *different* symbol
    assert parse("x") != sp.Symbol("x")


def test_assumptions_pass_through():
    xp = sp.Symbol("x", positive=True)
    n = sp.Symbol("n", integer=True)
    got = parse("sqrt(x^2) + (-1)^(2*n)", symbols=[xp, n])
    assert got == xp + 1
    assert parse("Abs(x)", symbols={"x": xp}) == xp


def test_symbols_wrapper():
    a, b = symbols("a b", positive=True)
    assert a.is_positive and b.is_positive
    assert symbols("t") == sp.Symbol("t", real=True)
    assert symbols("t", integer=True).is_integer
    assert parse("a*b", symbols=[a, b]) == a * b


def test_symbols_mapping_can_hold_expressions():
    assert parse("2*w", symbols={"w": x + 1}) == 2 * x + 2


def test_symbols_override_constants():
    e_sym = sp.Symbol("e", real=True)
    assert parse("e + 1", symbols=[e_sym]) == e_sym + 1
    assert parse("I + 1", symbols={"I": sp.Symbol("I", real=True)}) == \
        sp.Symbol("I", real=True) + 1


def test_allowed_names():
    assert parse("x + y", allowed={"x", "y"}) == x + y
    assert parse("x + pi", allowed=["x"]) == x + sp.pi
    with pytest.raises(ParseError, match=r"undefined symbol 'z'; declared: x, y") as info:
        parse("x + y*z", allowed={"x", "y"})
    assert info.value.position == 6 and info.value.piece == "z"
    # declared symbols count as allowed
    k = sp.Symbol("k", positive=True)
    assert parse("k*x", symbols=[k], allowed={"x"}) == k * x


def test_allowed_checks_sympy_input_too():
    with pytest.raises(ParseError, match="undefined symbol 'z'"):
        parse(x + z, allowed={"x"})


def test_sympy_and_python_objects_pass_through():
    expr = sp.sin(x) + 1
    assert parse(expr) is expr
    assert parse(3) == sp.Integer(3)
    assert parse(0.1) == sp.Rational(1, 10)
    assert parse(Fraction(2, 3)) == sp.Rational(2, 3)
    with pytest.raises(TypeError):
        parse([1, 2])
    with pytest.raises(ParseError):
        parse(float("nan"))


def test_matrix_products_and_transpose():
    table = [A, B, v]
    assert parse("A @ B", symbols=table) == sp.MatMul(A, B)
    assert parse("A * B", symbols=table) == sp.MatMul(A, B)
    assert parse("v.T @ A @ v", symbols=table) == sp.MatMul(v.T, A, v)
    assert parse("(A @ B).T", symbols=table) == sp.Transpose(sp.MatMul(A, B)).doit()
    assert parse("A.T.T", symbols=table) == A
    assert parse("A + A.T", symbols=table) == sp.MatAdd(A, A.T)
    assert parse("2*A - A/2", symbols=table) == sp.Rational(3, 2) * A
    assert parse("A^2", symbols=table) == sp.MatPow(A, 2)
    assert parse("A**-1", symbols=table) == sp.Inverse(A)


def test_matrix_errors():
    table = [A, B, v]
    with pytest.raises(MatrixShapeError, match="shapes do not fit") as info:
        parse("B @ A", symbols=table)
    assert isinstance(info.value, ShapeError) and isinstance(info.value, ParseError)
    with pytest.raises(ParseError, match="cannot divide by a matrix"):
        parse("A / A", symbols=table)
    with pytest.raises(ParseError, match="'.T' needs a matrix but 'x' is a scalar"):
        parse("x.T")
    with pytest.raises(ParseError, match="both sides are scalars"):
        parse("x @ y")


def test_extra_functions():
    fns = {"trace": sp.Trace, "det": sp.Determinant, "inv": sp.Inverse}
    got = parse("trace(A @ inv(A)) + det(A.T)", symbols=[A], functions=fns)
    assert got == sp.Trace(A * sp.Inverse(A)) + sp.Determinant(A.T)
    with pytest.raises(ParseError, match="unknown function 'trace'"):
        parse("trace(A)", symbols=[A])


def test_parse_matrix():
    assert parse_matrix("[[1, 2], [3, 4]]") == sp.ImmutableMatrix([[1, 2], [3, 4]])
    assert isinstance(parse_matrix("[[1, 2], [3, 4]]"), sp.ImmutableMatrix)
    assert parse_matrix("[x, y^2]") == sp.ImmutableMatrix([x, y**2])
    assert parse_matrix([["x", 1], [0.5, "y"]]) == sp.ImmutableMatrix([[x, 1], [sp.S.Half, y]])
    assert parse_matrix(sp.Matrix([[1]])) == sp.ImmutableMatrix([[1]])
    xp = sp.Symbol("x", positive=True)
    assert parse_matrix("[[sqrt(x^2)]]", symbols=[xp]) == sp.ImmutableMatrix([[xp]])


@pytest.mark.parametrize("text, fragment", [
    ("[[1, 2], [3]]", "ragged matrix: row 1 has 1 entries but row 0 has 2"),
    ("[]", "non-empty list"),
    ("[[]]", "ragged|non-empty"),
    ("x", "list of rows"),
    ("[[1, 2], 3]", "mixing rows"),
    ("[[[1]]]", "nested too deeply"),
    ("[[1/0]]", "division by zero"),
    ("[[__import__]]", "'__import__'"),
])
def test_parse_matrix_errors(text, fragment):
    with pytest.raises(ParseError, match=fragment):
        parse_matrix(text)


@pytest.mark.parametrize("text, position, piece", [
    ("x + foo(y)", 4, "foo"),
    ("x + $", 4, "$"),
    ("sin(x) + y.real", 9, "y.real"),
    ("x^2 + 1e400", 6, "1e400"),
    ("x^2 + 2^100000", 6, "2^100000"),
    ("abc + (x", 6, "("),
    ("x + y)", 5, ")"),
    ("2x", 0, "2x"),
    ("x^2 + lambda(y)", 6, "lambda"),
])
def test_errors_name_piece_and_position(text, position, piece):
    with pytest.raises(ParseError) as info:
        parse(text)
    assert info.value.position == position
    assert info.value.piece == piece
    assert f"at position {position}" in str(info.value)


def test_unknown_function_suggests_close_names():
    with pytest.raises(ParseError, match="did you mean.*sigmoid"):
        parse("sigmod(x)")


def test_symbol_called_as_function():
    with pytest.raises(ParseError, match="'k' is a symbol, not a function"):
        parse("k(x + 1)", symbols=[sp.Symbol("k")])


@pytest.mark.parametrize("text", ["gamma(10**10/3)", "loggamma(10**10/3)", "digamma(10**10)",
                                  "polygamma(0, 10**10)", "beta(10**10/3, 10**10)",
                                  "exp(10**10)", "sin(10**3000)", "log(10**3000)"])
def test_big_numeric_arguments_return_at_once(text):
    start = time.perf_counter()
    got = parse(text)
    assert time.perf_counter() - start < 1.0
    assert not got.free_symbols
    assert isinstance(got, sp.Expr)


def test_long_but_legitimate_sum():
    # a 1000-term sum: long chains are flattened without recursion
    text = " + ".join(f"x{i}**2" for i in range(1000))
    got = parse(text)
    assert len(got.args) == 1000


def test_rosenbrock_80_text():
    n = 80
    text = " + ".join(f"100*(x{i + 1} - x{i}^2)^2 + (1 - x{i})^2" for i in range(n - 1))
    xs = sp.symbols(f"x0:{n}", real=True)
    expected = sum(100 * (xs[i + 1] - xs[i] ** 2) ** 2 + (1 - xs[i]) ** 2 for i in range(n - 1))
    assert parse(text) == expected


# ---------------------------------------------------------------- hypothesis

X, Y, Z = x, y, z
_UNARY = [sp.sin, sp.cos, sp.exp, sp.log, sp.tanh, sp.atan, sp.erf, sp.Abs, sp.sqrt,
          sigmoid, softplus, relu, sp.asinh, sp.loggamma]
_leaves = st.one_of(
    st.sampled_from([X, Y, Z, sp.pi, sp.E, sp.Symbol("lambda", real=True)]),
    st.integers(-6, 6).map(sp.Integer),
    st.tuples(st.integers(-9, 9), st.integers(1, 9)).map(lambda pq: sp.Rational(*pq)),
)


def _safely(build):
    """SymPy may refuse a combination (Max of zoo); such draws become nan and are skipped."""
    def run(args):
        try:
            return build(*args)
        except (ValueError, TypeError, ZeroDivisionError):
            return sp.nan
    return run


def _extend(children):
    return st.one_of(
        st.tuples(st.sampled_from(_UNARY), children).map(_safely(lambda f, a: f(a))),
        st.tuples(children, children).map(_safely(lambda a, b: a + b)),
        st.tuples(children, children).map(_safely(lambda a, b: a - b)),
        st.tuples(children, children).map(_safely(lambda a, b: a * b)),
        st.tuples(children, st.sampled_from([2, 3, -1, -2, sp.Rational(1, 2),
                                             sp.Rational(-1, 3)]))
          .map(_safely(lambda a, b: a ** b)),
        st.tuples(children, st.sampled_from([X, Y, 0, 1]))
          .map(_safely(lambda a, b: sp.Max(a, b))),
        st.tuples(children, st.sampled_from([X, Z, -1]))
          .map(_safely(lambda a, b: sp.Min(a, b))),
        st.tuples(children, st.sampled_from([X, Y])).map(_safely(lambda a, b: a ** b)),
    )


expressions = st.recursive(_leaves, _extend, max_leaves=10)


@settings(max_examples=150)
@given(expressions)
@example(-X**2 + X / 3)
@example(sp.exp(-X) * sp.sqrt(2) / 2)
@example(sigmoid(X - Y) ** sp.Rational(-1, 3))
@example(sp.Max(X, 1) ** Y)
def test_printed_expressions_parse_back_equal(expr):
    assume(not expr.has(sp.zoo, sp.nan, sp.I, sp.oo, -sp.oo))
    assume(not any(isinstance(a, sp.Float) for a in expr.atoms(sp.Number)))
    text = sstr(expr)
    assert parse(text) == expr, text
    # the same text written with ^ instead of ** parses to the same object
    assert parse(text.replace("**", "^")) == expr


_TOKENS = ["x", "y", "2", "0.5", "1e3", "+", "-", "*", "/", "**", "^", "(", ")", ",",
           "sin", "exp", "log", "pi", "e", ".", "T", " ", "@", "[", "]", "10", "9"]


@settings(max_examples=300)
@given(st.lists(st.sampled_from(_TOKENS), max_size=25).map("".join))
@example("9**9**9")
@example("((x)")
@example("x^^2")
@example("log(,)")
def test_token_soup_parses_or_raises_parse_error(text):
    start = time.perf_counter()
    try:
        got = parse(text)
    except ParseError as exc:
        assert exc.position is None or 0 <= exc.position <= len(text)
    else:
        assert isinstance(got, sp.Basic)
    assert time.perf_counter() - start < 1.0


@settings(max_examples=200)
@given(st.text(max_size=40))
def test_arbitrary_unicode_parses_or_raises_parse_error(text):
    try:
        got = parse(text)
    except ParseError:
        pass
    else:
        assert isinstance(got, sp.Basic)
        assert text.isascii()


def test_limits_are_documented_constants():
    assert dp.MAX_LENGTH == 10_000
    assert dp.MAX_DIGITS < 4300  # Python's int -> str limit: every result prints
    with pytest.raises(UnsafeInputError, match="limit 10000"):
        parse("x" * (dp.MAX_LENGTH + 1))


def test_explicit_matrix_powers_are_bounded():
    M = sp.ImmutableMatrix([[2, 0], [0, 1]])
    big = sp.ImmutableMatrix(sp.MatrixSymbol("a", 6, 6))
    table = {"M": M, "N": big}
    assert parse("M^3", symbols=table) == sp.ImmutableMatrix([[8, 0], [0, 1]])
    assert parse("M**-1 @ M", symbols=table) == sp.eye(2)
    start = time.perf_counter()
    with pytest.raises(UnsafeInputError, match="limit 256"):
        parse("M**(10**10)", symbols=table)
    with pytest.raises(UnsafeInputError, match="integer power"):
        parse("M^(1/2)", symbols=table)
    with pytest.raises(UnsafeInputError, match="explicit 6x6 matrix"):
        parse("N**-1", symbols=table)
    assert time.perf_counter() - start < 1.0


@pytest.mark.parametrize("text", ["gamma(99999)", "gamma(99999)*x", "loggamma(10**10)",
                                  "gamma(99999/2)", "beta(3000, 3000)", "gamma(10**400)"])
def test_exact_gamma_values_too_long_to_print_are_refused(text):
    # SymPy computes these exactly; Python cannot print more than 4300 digits
    with pytest.raises(UnsafeInputError, match=r"exact number of about .* digits \(limit 4000\)"):
        parse(text)


def test_exact_gamma_values_within_the_cap_parse():
    assert parse("gamma(1000)") == sp.factorial(999)
    assert parse("gamma(1460) - gamma(1460)") == 0   # about 3,990 digits: still printable
