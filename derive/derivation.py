"""The :class:`Derivation`: what a symbolic operation hands out.

A derivation records the operation (``op``), the expression it started from
(``source``), what it differentiated or integrated with respect to (``wrt``),
the ``result`` and the ``steps`` taken. It does no mathematics itself:
``.compile()`` and ``.check()`` delegate to :mod:`derive.codegen` and
:mod:`derive.checking`, and rendering to :mod:`derive.report`.

Examples
--------
>>> import sympy as sp
>>> from derive.derivation import Derivation, Step
>>> x = sp.Symbol("x")
>>> d = Derivation(op="derivative", source=x**2, result=2*x, wrt=(x,),
...                steps=(Step("differentiate with respect to x", 2*x),))
>>> print(d)
d/dx x**2 = 2*x
>>> d._repr_latex_()
'$\\\\frac{\\\\partial}{\\\\partial x} \\\\left(x^{2}\\\\right) = 2 x$'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import sympy as sp

from derive.conveniences import provider
from derive.errors import ParseError
from derive.parsing import as_sympy


@dataclass(frozen=True)
class Step:
    """One step of a derivation: what was done, and the expression it gave."""

    description: str
    expr: Any


@dataclass(frozen=True)
class Derivation:
    """A derived formula with its provenance.

    Attributes
    ----------
    op : str
        The operation: ``"derivative"``, ``"gradient"``, ``"jacobian"``,
        ``"hessian"``, ``"series"``, ``"directional"``, ``"matrix_gradient"``, ...
    source : sympy expression
        What the operation was applied to (a scalar, or a matrix for a Jacobian).
    result : sympy expression or ImmutableMatrix
        The derived formula.
    wrt : tuple of sympy symbols
        The variables of differentiation (or integration), in order.
    steps : tuple of Step
        The stages of the derivation, for display.
    options : mapping
        Operation parameters a checker needs (``n`` for an n-th derivative,
        ``x0`` for a series, ``direction``, assumptions used...).
    """

    op: str
    source: Any
    result: Any
    wrt: tuple = ()
    steps: tuple = ()
    options: Mapping[str, Any] = field(default_factory=dict)

    # -- delegation --------------------------------------------------------
    def compile(self, args=None, **options):
        """NumPy code for ``result``; see :func:`derive.codegen.compile`."""
        return provider("compile")(self, args, **options)

    def compile_source(self, args=None, **options):
        """NumPy code for ``source`` (the function that was differentiated)."""
        args = args if args is not None else self.arguments()
        return provider("compile")(self.source, args, **options)

    def check(self, **options):
        """Check ``result`` numerically; see :func:`derive.checking.check`."""
        return provider("check")(self, **options)

    def at(self, **values):
        """The exact result at a point, the variables given by name.

        Text symbols are real, so ``d.result.subs("x", 2)`` (a new, assumption-free
        ``x``) silently changes nothing; ``at`` matches by name. Numbers keep their
        kind (``2`` is exact, ``0.5`` a Float); text is parsed safely.

        Examples
        --------
        >>> import sympy as sp
        >>> x = sp.Symbol("x", real=True)
        >>> d = Derivation("derivative", x**3, 3*x**2, (x,))
        >>> d.at(x=2), d.at(x="1/3")
        (12, 1/3)
        """
        free = {s.name: s for s in _free_symbols(self.source) | _free_symbols(self.result)}
        unknown = sorted(set(values) - set(free))
        if unknown:
            raise ParseError(f"{', '.join(unknown)} {'is' if len(unknown) == 1 else 'are'} not "
                             f"a variable of this {self.op}; its variables are "
                             f"{', '.join(sorted(free)) or '(none)'}")
        point = {free[name]: as_sympy(v) for name, v in values.items()}
        return self.result.xreplace(point)

    def arguments(self):
        """The free symbols of source and result: ``wrt`` first, the rest by name."""
        free = set(_free_symbols(self.source)) | set(_free_symbols(self.result))
        rest = sorted((s for s in free if s not in set(self.wrt)), key=lambda s: s.name)
        return tuple(self.wrt) + tuple(rest)

    # -- display -----------------------------------------------------------
    def __str__(self):
        return provider("derivation_text")(self)

    def _repr_latex_(self):
        return f"${provider('derivation_latex_with_steps')(self)}$"


def _free_symbols(expr):
    return getattr(expr, "free_symbols", set()) if isinstance(expr, sp.Basic) else set()
