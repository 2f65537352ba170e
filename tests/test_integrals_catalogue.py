"""The reference integrals of tests/problems/integrals.py.

Every entry's expected value (from its cited source) is compared with SciPy's
``quad`` on the compiled integrand (independent of derive.integrals), and a
bounded subset goes through ``derive.integrals.integrate`` with a small budget;
the full measurement is benchmarks/bench_integrals.py.
"""

import mpmath
import numpy as np
import pytest
import scipy.integrate
import sympy as sp

from derive.codegen import compile as compile_expr
from derive.integrals import integrate
from tests.problems.integrals import INTEGRALS, read
from tests.tolerances import TOLERANCES

REL = TOLERANCES["integral_vs_reference_rel"]
IDS = [e["id"] for e in INTEGRALS]


def test_catalogue_is_large_unique_and_cited():
    assert len(INTEGRALS) >= 60
    assert len(set(IDS)) == len(IDS)
    assert all(e["source"].strip() for e in INTEGRALS)


# oscillatory tails: SciPy's quad cannot do these; quadrature per half-period + nsum can
OSCILLATORY = {
    "sinc": lambda t: mpmath.sin(t) / t,
    "sinc-squared": lambda t: (mpmath.sin(t) / t) ** 2,
}
CUT = 60.0  # infinite limits are cut here (tails below 1e-20 for every entry)


@pytest.mark.parametrize("entry", INTEGRALS, ids=IDS)
def test_expected_value_agrees_with_independent_quadrature(entry):
    f, limits, expected, at = read(entry)
    f = f.xreplace(at)
    truth = float(sp.N(expected.xreplace(at), 20))
    if entry["id"] in OSCILLATORY:
        g = OSCILLATORY[entry["id"]]
        value = mpmath.nsum(lambda k: mpmath.quad(g, [k * mpmath.pi, (k + 1) * mpmath.pi]),
                            [0, mpmath.inf])
        assert np.isclose(float(value), truth, rtol=1e-12)
        return
    variables = [lim[0] for lim in limits]
    fn = compile_expr(f, variables)
    with np.errstate(over="ignore", invalid="ignore"):
        value = _scipy_quad(fn, limits, cut=None)
        if not np.isfinite(value):  # float64 overflow (inf * 0) far out in a tail
            value = _scipy_quad(fn, limits, cut=CUT)
    assert np.isclose(value, truth, rtol=1e-7, atol=1e-9), (entry["id"], value, truth)


def _scipy_quad(fn, limits, cut):
    clip = (lambda a, b: (max(a, -cut), min(b, cut))) if cut else (lambda a, b: (a, b))
    bounds = [clip(float(a), float(b)) for _, a, b in limits if a.is_number and b.is_number]
    if len(bounds) != len(limits):  # variable inner limit: the triangle
        value, _ = scipy.integrate.dblquad(lambda yy, xx: float(fn(yy, xx)), 0, 1, 0,
                                           lambda xx: xx)
    elif len(limits) == 1:
        value, _ = scipy.integrate.quad(lambda t: float(fn(t)), *bounds[0], limit=200)
    else:
        (a0, b0), (a1, b1) = bounds
        value, _ = scipy.integrate.dblquad(lambda t1, t0: float(fn(t1, t0)), a1, b1, a0, b0)
    return value


SUBSET = ["gauss-full", "exp-mean", "x-to-x", "laplace-variance"]


@pytest.mark.parametrize("entry", [e for e in INTEGRALS if e["id"] in SUBSET],
                         ids=SUBSET)
def test_integrate_solves_subset(entry):
    f, limits, expected, at = read(entry)
    r = integrate(f, *limits, seconds=8)
    assert r.status in ("exact", "numeric")
    got = sp.N(r.value.xreplace(at) if r.status == "exact" else r.value, 20)
    truth = sp.N(expected.xreplace(at), 20)
    assert abs(complex(got) - complex(truth)) <= 1e-9 * max(1.0, abs(complex(truth)))
