"""Issue 14 §2: answers where SymPy finds none, checked against independent quadrature.

Truths: mpmath.quad at 30 digits written here (not derive's quadrature), and the
sophomore's dream int_0^1 x^x dx = sum_{n>=1} (-1)^(n+1) n^(-n).
"""

import mpmath
import numpy as np
import pytest

from derive.errors import NoClosedFormError
from derive.integrals import integrate


def mp_truth(f, lo, hi):
    with mpmath.workdps(30):
        return float(mpmath.quad(f, [lo, hi]))


# Small budgets: SymPy's search for a closed form these integrals lack is what a
# budget buys; the numeric function and its check need little.
def test_parametric_definite_integral_is_a_checked_vectorized_function():
    r = integrate("log(1 + a*sin(x)**2 + x**4)", ("x", 0, 1), seconds=2.5)
    assert r.status == "numeric" and r.function is not None
    assert r.check.status == "verified"
    assert "numeric function of (a)" in r.method
    a = np.array([0.5, 1.0, 3.0])
    values, errors = r.function.evaluate(a)
    assert values.shape == (3,) and np.all(errors < 1e-10)
    for av, v in zip(a, values):
        truth = mp_truth(lambda x: mpmath.log(1 + av * mpmath.sin(x) ** 2 + x ** 4), 0, 1)
        assert abs(v - truth) < 1e-12
    with pytest.raises(NoClosedFormError, match="result.function"):
        float(r)


def test_parametric_function_broadcasts_and_takes_names():
    r = integrate("exp(-a*x**2)*log(1 + b*x)", ("x", 0, 1), seconds=2.5)
    if r.status == "exact":
        pytest.skip("SymPy found a closed form for this one")
    assert r.function is not None
    out = r.function(a=np.array([[1.0], [2.0]]), b=np.array([0.5, 1.0, 1.5]))
    assert out.shape == (2, 3)
    truth = mp_truth(lambda x: mpmath.exp(-2 * x ** 2) * mpmath.log(1 + 1.5 * x), 0, 1)
    assert abs(out[1, 2] - truth) < 1e-12


def test_antiderivative_without_elementary_form_is_a_numeric_function_with_reference():
    r = integrate("x**x", "x", seconds=2.5)
    assert r.status == "numeric" and r.function is not None
    assert "reference point x = 0" in r.method and r.check.status == "verified"
    sophomore = float(mpmath.nsum(lambda n: (-1) ** (n + 1) * n ** (-n), [1, mpmath.inf]))
    assert abs(r.function(1.0) - sophomore) < 1e-12
    assert abs(r.function(0.0)) == 0.0
    values = r.function([0.25, 0.5, 2.0])
    for xv, v in zip([0.25, 0.5, 2.0], values):
        assert abs(v - mp_truth(lambda t: t ** t, 0, xv)) < 1e-11


def test_special_function_forms_are_kept_exact():
    r = integrate("exp(-x**4)", "x", seconds=10)
    assert r.status == "exact" and r.check.status == "verified"
