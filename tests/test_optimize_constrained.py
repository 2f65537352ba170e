"""Lagrange / KKT closed forms against hand-derived textbook solutions."""

import numpy as np
import pytest
import sympy as sp

from derive.errors import ConvergenceError, NoClosedFormError
from derive.optimize.constrained import kkt_points, minimize_constrained
from derive.optimize.problem import Problem, normalize_constraint
from tests.problems.optimize import EQUALITY, INEQUALITY
from tests.tolerances import TOLERANCES

XTOL = TOLERANCES["optimize_x_abs"]




@pytest.mark.parametrize("pid, f, wrt, cons, x_star, lam, f_star, source", EQUALITY,
                         ids=[p[0] for p in EQUALITY])
def test_equality_catalogue(pid, f, wrt, cons, x_star, lam, f_star, source):
    res = minimize_constrained(f, wrt, cons)  # text, through derive.parse
    assert res.success and res.method == "lagrange"
    assert res.fun == pytest.approx(f_star, abs=1e-12)
    if x_star is not None:
        np.testing.assert_allclose(res.x, x_star, atol=XTOL)
    if lam is not None:
        # catalogue multipliers use grad f = lam grad h; derive uses L = f + lam h
        np.testing.assert_allclose(res.multipliers["eq"], -np.array(lam), atol=1e-12)
    assert res.check["kkt_residual"] < 1e-40
    assert res.kind == "strict local minimum"


@pytest.mark.parametrize("pid, f, wrt, cons, x_star, f_star, source", INEQUALITY,
                         ids=[p[0] for p in INEQUALITY])
def test_inequality_catalogue(pid, f, wrt, cons, x_star, f_star, source):
    res = minimize_constrained(f, wrt, cons)  # text, through derive.parse
    assert res.success and res.method == "kkt"
    np.testing.assert_allclose(res.x, x_star, atol=XTOL)
    assert res.fun == pytest.approx(f_star, abs=1e-12)
    assert all(m >= 0 for m in res.multipliers["ineq"])


def test_projection_multiplier_is_the_textbook_value():
    x, y = sp.symbols("x y", real=True)
    (pt,) = kkt_points((x - 2)**2 + (y - 2)**2, [x, y], [x + y <= 2])
    # stationarity: 2(x-2) + mu = 0 at x = 1 -> mu = 2
    assert pt["mu"] == (2,) and pt["active"] == (0,)


def test_wrong_sign_multipliers_and_infeasible_points_are_rejected():
    x = sp.Symbol("x", real=True)
    # min (x-3)^2 s.t. x <= 5: the active point x = 5 has mu = -4 < 0 -> rejected
    pts = kkt_points((x - 3)**2, [x], [x <= 5])
    assert [float(p["x"][0]) for p in pts] == [3.0]
    # min (x-3)^2 s.t. x <= 1: the unconstrained x = 3 is infeasible -> only x = 1
    pts = kkt_points((x - 3)**2, [x], [x <= 1])
    assert [float(p["x"][0]) for p in pts] == [1.0] and pts[0]["mu"] == (4,)


def test_circle_linear_objective_has_min_and_max():
    x, y = sp.symbols("x y", real=True)
    res = minimize_constrained(x + y, [x, y], [sp.Eq(x**2 + y**2, 1)])
    np.testing.assert_allclose(res.x, [-np.sqrt(0.5)] * 2, atol=1e-14)
    kinds = sorted(p["kind"] for p in res.kkt_points)
    assert kinds == ["local maximum", "strict local minimum"]


def test_infeasible_reported_and_thrown():
    x = sp.Symbol("x", real=True)
    res = minimize_constrained(x**2, [x], [x >= 2, x <= 1])
    assert not res.success and "no KKT point" in res.message
    with pytest.raises(ConvergenceError):
        minimize_constrained(x**2, [x], [x >= 2, x <= 1], throw=True)


def test_too_many_inequalities_for_enumeration():
    xs = sp.symbols("a0:8", real=True)
    with pytest.raises(NoClosedFormError, match="active sets"):
        kkt_points(sum(v**2 for v in xs), xs, [v >= 1 for v in xs])


def test_constraint_forms():
    x, y = sp.symbols("x y", real=True)
    assert normalize_constraint(sp.Eq(x, 1)) == ("eq", x - 1)
    assert normalize_constraint(x <= 3) == ("ineq", x - 3)
    assert normalize_constraint({"type": "eq", "fun": x + y}) == ("eq", x + y)
    with pytest.raises(TypeError, match="constraint"):
        normalize_constraint(3.5j)
    with pytest.raises(ValueError, match="type"):
        normalize_constraint({"type": "le", "fun": x})
    p = Problem.build(x**2, [x, y], [sp.Eq(y, 2)])
    assert p.wrt == (x, y) and p.equalities == (y - 2,)


def test_text_constraints():
    from derive.errors import ParseError
    x, y = sp.symbols("x y", real=True)
    assert normalize_constraint("x + y == 1") == ("eq", x + y - 1)
    assert normalize_constraint("x >= 2") == ("ineq", 2 - x)
    assert normalize_constraint("x**2 + y**2 < 4") == ("ineq", x**2 + y**2 - 4)
    with pytest.raises(ParseError, match="exactly one relation"):
        normalize_constraint("0 <= x <= 1")
    with pytest.raises(ParseError, match="both sides"):
        normalize_constraint("= 1")


def test_constrained_result_prints_and_point_takes_names():
    """print(res) and Jupyter's repr of the bare result raised TypeError (issue 10 §4)."""
    import derive
    res = derive.minimize("x**2 + y**2", ["x", "y"], constraints=["x + y = 1"])
    text = str(res)
    assert "point: {x: 1/2, y: 1/2}" in text and repr(res) == text
    assert res.point["x"] == sp.Rational(1, 2)  # the textbook answer (1/2, 1/2)
    assert "point: {x: 0, y: 0}" in str(derive.minimize("x**2 + y**2", ["x", "y"]))


def test_infeasible_constraint_is_named():
    import derive
    from derive.errors import DeriveError
    with pytest.raises(DeriveError, match="holds for no real x, y: the problem has no "
                                          "feasible point") as info:
        derive.minimize("x**2 + y**2", ["x", "y"], constraints=["x**2 + y**2 = -1"])
    assert isinstance(info.value, ValueError)
    with pytest.raises(DeriveError, match="x\\*\\*2 \\+ 1 <= 0 holds for no real"):
        derive.minimize("x", ["x"], constraints=["x**2 + 1 <= 0"])
