"""The names exported from ``derive`` resolve; no name is both a module and a function."""

import subprocess
import sys
import types

import pytest

import derive


def test_every_exported_name_resolves():
    for name in derive.__all__:
        assert getattr(derive, name) is not None, name


@pytest.mark.parametrize("name", ["parse", "check", "matrix", "likelihood", "gradient",
                                  "hessian", "jacobian", "fit", "mle", "integrate"])
def test_facade_functions_are_plain_functions(name):
    value = getattr(derive, name)
    assert callable(value) and not isinstance(value, types.ModuleType)


def test_facade_functions_stay_functions_after_every_subpackage_is_imported():
    code = ("import derive.parsing, derive.checking, derive.matrix_calculus, derive.estimation\n"
            "import derive\n"
            "print(derive.parse('x^2'), derive.matrix('X', 2, 3).shape,\n"
            "      derive.check(derive.derivative('x**2', 'x')).status)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["x**2", "(2,", "3)", "verified"]


@pytest.mark.parametrize("old, new", [("derive.parse", "derive.parsing"),
                                      ("derive.check", "derive.checking"),
                                      ("derive.matrix", "derive.matrix_calculus"),
                                      ("derive.likelihood", "derive.estimation")])
def test_old_module_spellings_name_the_new_module(old, new):
    with pytest.raises(ModuleNotFoundError, match=f"the module is {new}"):
        __import__(old)
    with pytest.raises(ModuleNotFoundError, match=f"the module is {new}"):
        __import__(f"{old}.symbols")
