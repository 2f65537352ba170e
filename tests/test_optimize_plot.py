"""Plot helpers: what is drawn matches the trace; clear errors otherwise."""

import sys

import matplotlib
import numpy as np
import pytest
from scipy.optimize import rosen, rosen_der, rosen_hess

from derive.errors import ShapeError
from derive.optimize.gradient_descent import gradient_descent
from derive.optimize.newton import newton
from derive.optimize.plot import plot, plot_loss, plot_path

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def runs():
    a = newton(rosen, rosen_der, rosen_hess, [-1.2, 1.0])
    b = gradient_descent(rosen, rosen_der, [-1.2, 1.0], variant="armijo", maxiter=100)
    return a, b


def test_loss_lines_are_the_traces(runs):
    ax = plot_loss(*runs)
    assert [line.get_label() for line in ax.lines] == ["newton", "armijo"]
    np.testing.assert_allclose(ax.lines[1].get_ydata(), runs[1].trace.f)
    ax = plot_loss(*runs, quantity="grad_norm", labels=["N", "A"])
    np.testing.assert_allclose(ax.lines[0].get_ydata(), runs[0].trace.grad_norm)


def test_path_over_contours(runs):
    ax = plot_path(*runs, fun=rosen, resolution=40)
    np.testing.assert_allclose(ax.lines[0].get_xydata(), runs[0].trace.x)
    assert ax.collections  # contour set drawn
    fig = plot(runs[0], fun=rosen)
    assert len(fig.axes) == 2


def test_errors(runs, monkeypatch):
    ten = newton(rosen, rosen_der, rosen_hess, np.zeros(4))
    with pytest.raises(ShapeError, match="4 variables"):
        plot_path(ten, fun=rosen)
    with pytest.raises(ValueError, match="fun="):
        plot_path(runs[0])
    with pytest.raises(ValueError, match="labels"):
        plot_loss(*runs, labels=["one"])
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match="pip install"):
        plot_loss(runs[0])


def test_notebooks_show_their_plots():
    """matplotlib.use("Agg") in a notebook draws every figure into nothing (issue 10 §4)."""
    import json
    import pathlib
    root = pathlib.Path(__file__).resolve().parent.parent / "notebooks"
    for name in ("03_likelihood_and_bayes.ipynb", "04_optimization.ipynb"):
        cells = json.loads((root / name).read_text())["cells"]
        code = "".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        assert 'matplotlib.use("Agg")' not in code and "%matplotlib inline" in code, name
