"""The :class:`Compiled` function: generated NumPy code and its provenance."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable


@dataclass(frozen=True)
class Compiled:
    """A NumPy function generated from a SymPy expression.

    Call it with arrays in the order of ``args`` (or by name); it broadcasts
    like a NumPy ufunc. ``source`` is the plain Python it was built from, which
    imports only NumPy and SciPy and can be pasted into any project.

    Attributes
    ----------
    func : callable
        The generated function.
    source : str
        Its Python source.
    args : tuple of sympy symbols
        The parameters, in order.
    expr : sympy expression or matrix
        What was compiled (after the stable rewrites).
    name : str
        The function's name in ``source``.
    shape : tuple
        Shape of one result (``()`` for a scalar; for a gradient ``(n,)``).
    """

    func: Callable
    source: str
    args: tuple
    expr: Any
    name: str = "f"
    shape: tuple = field(default=())

    def __call__(self, *arrays, **by_name):
        if by_name:
            names = [getattr(a, "name", str(a)) for a in self.args]
            unknown = set(by_name) - set(names)
            if unknown:
                raise TypeError(f"{self.name}() got unknown arguments {sorted(unknown)}; "
                                f"its arguments are {names}")
            given = dict(zip(names, arrays))
            dup = set(given) & set(by_name)
            if dup:
                raise TypeError(f"{self.name}() got multiple values for {sorted(dup)}")
            given.update(by_name)
            missing = [n for n in names if n not in given]
            if missing:
                raise TypeError(f"{self.name}() missing arguments {missing}")
            arrays = tuple(given[n] for n in names)
        if len(arrays) != len(self.args):
            raise TypeError(f"{self.name}() takes {len(self.args)} arguments "
                            f"{[str(a) for a in self.args]}, got {len(arrays)}")
        return self.func(*arrays)

    def __repr__(self):
        return f"<Compiled {self.name}({', '.join(map(str, self.args))})>"
