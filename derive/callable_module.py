"""Subpackages that are also their main function.

``derive.check`` is the subpackage of checkers and the function that checks a
derivation; ``derive.matrix`` is the matrix-calculus subpackage and the function
that declares a matrix symbol; likewise ``derive.parse`` and ``derive.likelihood``. Python binds ``derive.<name>`` to a subpackage
as soon as it is imported, so instead of fighting that, the subpackage itself
is made callable: both spellings work whichever was imported first.

Examples
--------
>>> import derive
>>> derive.matrix("X", "n", "m").shape
(n, m)
>>> derive.check(derive.derivative("x**3", "x")).status
'verified'
>>> derive.parse("x^2")
x**2
"""

from __future__ import annotations

import sys
import types


def make_callable(module_name: str, function) -> None:
    """Make the module ``module_name`` call ``function`` when it is called."""
    module = sys.modules[module_name]

    class CallableModule(types.ModuleType):
        def __call__(self, *args, **kwargs):
            return function(*args, **kwargs)

    CallableModule.__doc__ = f"Module {module_name}, callable as {function.__name__}()."
    module.__class__ = CallableModule
