"""derive: symbolic-plus-numeric derivations for the mathematics of deep learning.

Every formula it hands out is checked, and says how.
"""

from derive.errors import (CompileError, ConvergenceError, DerivationTimeout, DeriveError,
                           NoClosedFormError, ParseError, ShapeError, SingularMatrixError,
                           UnsafeInputError)
from derive.derivation import Derivation, Step

__version__ = "0.1.0"
