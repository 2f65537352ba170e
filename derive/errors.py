"""The exceptions ``derive`` raises.

Every error is a :class:`DeriveError` and also the built-in exception a caller
would naturally catch (the JAX pattern), so ``except ValueError`` keeps working.
Messages name the input, say what is wrong, and say what to try.

Examples
--------
>>> from derive.errors import ParseError, DeriveError
>>> issubclass(ParseError, ValueError) and issubclass(ParseError, DeriveError)
True
>>> err = ParseError("unknown function 'foo'", text="foo(x)", position=0, piece="foo")
>>> print(err)
unknown function 'foo' at position 0: foo(x)
"""

from __future__ import annotations


class DeriveError(Exception):
    """Base class of every error raised by ``derive``."""


class ParseError(DeriveError, ValueError):
    """Text that is not a valid expression.

    Carries the offending ``piece`` and its ``position`` (0-based character
    offset into ``text``) when they are known.
    """

    def __init__(self, message: str, *, text: str | None = None,
                 position: int | None = None, piece: str | None = None):
        self.message = message
        self.text = text
        self.position = position
        self.piece = piece
        super().__init__(self._render())

    def _render(self) -> str:
        out = self.message
        if self.position is not None:
            out += f" at position {self.position}"
        if self.text is not None:
            shown = self.text if len(self.text) <= 60 else self.text[:57] + "..."
            out += f": {shown!r}" if not shown.isprintable() else f": {shown}"
        return out


class UnsafeInputError(ParseError):
    """Text that tries something an expression never needs (code, attributes, ...)."""


class DerivationTimeout(DeriveError, TimeoutError):
    """Symbolic work that did not finish within its time or memory budget."""


class NoClosedFormError(DeriveError, ArithmeticError):
    """No closed form could be found (and no numeric fallback was asked for)."""


class ConvergenceError(DeriveError, RuntimeError):
    """An iterative method stopped before meeting its tolerance."""


class CompileError(DeriveError, ValueError):
    """An expression that cannot become NumPy code (free symbols, undefined functions)."""


class SingularMatrixError(DeriveError, ValueError):
    """A matrix that has no inverse where one is needed."""


class ShapeError(DeriveError, ValueError):
    """Operands whose shapes do not fit together."""


class MemoryBudgetExceeded(DerivationTimeout, MemoryError):
    """Guarded work that ran out of its memory budget (``memory_mb``)."""


class GuardError(DeriveError, RuntimeError):
    """Guarded work that failed in a way its own exception cannot report.

    The child process died (a crash or the system's out-of-memory killer), or
    its exception or result could not be pickled back to the caller.
    """
