"""derive.matrix_calculus.parsing: matrix text with declared shapes, through derive.parse."""

import numpy as np
import pytest

from derive.errors import ParseError, UnsafeInputError
from derive.matrix_calculus import gradient
from derive.checking.matrix import check_matrix
from derive.cli import main
from derive.matrix_calculus.parsing import parse_matrix_expression, parse_shape


def test_cli_example_trace_AXB():
    f, syms = parse_matrix_expression("trace(A*X*B)", {"A": "n,n", "X": "n,m", "B": "m,n"})
    d = gradient(f, syms["X"])
    assert str(d.result) == "A.T*B.T"          # Matrix Cookbook (102)
    assert d.result.shape == d.wrt[0].shape
    assert check_matrix(d).status == "verified"


@pytest.mark.parametrize("text,shapes,expected", [
    ("(X@w - y).T@(X@w - y)", {"X": "n,d", "w": "d", "y": "n"}, "2*X.T*(X*w - y)"),
    ("sum(softplus(X*w)) - y.T*X*w", {"X": "n,d", "w": "d", "y": "n"},
     "X.T*(sigmoid(X*w) - y)"),
    ("logdet(S)", {"S": "n,n"}, "S^-T"),
    ("x.T*A*x", {"x": "n", "A": "n,n"}, "(A + A.T)*x"),
    ("exp(trace(X))", {"X": "n,n"}, "exp(Trace(X))*I"),
    ("norm(X)^2", {"X": "n,m"}, "2*X"),
])
def test_parse_then_differentiate(text, shapes, expected):
    f, _ = parse_matrix_expression(text, shapes)
    wrt = {"(X@w": "w", "sum(": "w", "logdet": "S", "x.T*": "x", "exp(": "X", "norm": "X"}
    name = next(v for k, v in wrt.items() if text.startswith(k))
    d = gradient(f, name)
    assert str(d.result) == expected
    assert check_matrix(d).status == "verified"


@pytest.mark.parametrize("text,shapes,match", [
    ("A*X", {"A": "n,n", "X": "m,n"}, "A has n columns but X has m rows"),
    ("X + A", {"A": "n,n", "X": "m,n"}, "shapes"),
    ("trace(X)", {"X": "m,n"}, "square"),
    ("foo(X)", {"X": "n,n"}, "unknown function"),
])
def test_bad_text_is_a_clear_parse_error(text, shapes, match):
    with pytest.raises(ParseError, match=match):
        parse_matrix_expression(text, shapes)


def test_unsafe_text_refused():
    with pytest.raises(UnsafeInputError):
        parse_matrix_expression("X.__class__", {"X": "n,n"})


def test_shapes_spec():
    assert parse_shape("n, m") == ("n", "m")
    assert parse_shape(["n"]) == ("n", 1)
    with pytest.raises(ValueError, match="rows,cols"):
        parse_shape("n,m,k", name="X")
    X, syms = parse_matrix_expression("X", {"X": "3,2"})
    assert syms == {"X": X}
    assert X.shape == (3, 2)
    np.testing.assert_equal(X.shape[0], 3)


def test_cli_grad_with_shapes(capsys):
    assert main(["grad", "trace(A*X*B)", "--wrt", "X", "--shape", "A=n,n", "X=n,m", "B=m,n",
                 "--check"]) == 0
    out = capsys.readouterr().out
    assert "A.T*B.T" in out and "verified" in out


# issue 10 §4: text derive prints reads back; a scalar term added to a 1x1 matrix works
@pytest.mark.parametrize("text, printed", [
    ("softmax(X, axis=1)", "softmax(X, axis=1)"),
    ("logsumexp(X, axis = 1)", "logsumexp(X, axis=1)"),
    ("softmax(X, axis=0)", "softmax(X, axis=0)"),
])
def test_axis_keyword_reads_back_what_derive_prints(text, printed):
    f, _ = parse_matrix_expression(text, {"X": "n,m"})
    assert str(f) == printed
    assert str(parse_matrix_expression(str(f), {"X": "n,m"})[0]) == printed


def test_total_sum_in_text():
    f, syms = parse_matrix_expression("total_sum(exp(X))", {"X": "n,m"})
    assert gradient(f, syms["X"]).check().status == "verified"


@pytest.mark.parametrize("text", [
    "(W*x - y).T*(W*x - y) + lam/2*trace(W.T*W)",
    "sum(softplus(W*x)) - y.T*W*x + lam/2*trace(W.T*W)",
    "lam*trace(W.T*W) - (y.T*W*x)",
    "x.T*W.T*W*x + 1",
])
def test_scalar_term_added_to_a_one_by_one_matrix(text):
    f, syms = parse_matrix_expression(text, {"W": "n,m", "x": "m", "y": "n"})
    d = gradient(f, syms["W"])
    assert d.check().status == "verified"


def test_other_keywords_stay_refused():
    with pytest.raises(ParseError):
        parse_matrix_expression("softmax(X, dim=1)", {"X": "n,m"})
