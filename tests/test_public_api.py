"""The names exported from ``derive`` resolve, whatever was imported first."""

import subprocess
import sys

import derive


def test_every_exported_name_resolves():
    for name in derive.__all__:
        assert getattr(derive, name) is not None, name


def test_function_names_shared_with_subpackages_stay_callable():
    # importing a subpackage binds derive.<name> to it; it must still be callable
    code = ("import derive.parse, derive.check, derive.matrix, derive.likelihood, derive\n"
            "print(derive.parse('x^2'), derive.matrix('X', 2, 3).shape,\n"
            "      derive.check(derive.derivative('x**2', 'x')).status)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["x**2", "(2,", "3)", "verified"]
