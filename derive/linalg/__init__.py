"""Linear algebra with verified answers.

det, inverse, rank, null space and characteristic polynomial
(:mod:`derive.linalg.matrices`); eigen-decomposition with every pair verified
(:mod:`derive.linalg.eigen`); definiteness (:mod:`derive.linalg.definiteness`);
linear maps with bases (:mod:`derive.linalg.maps`).
"""

from derive.linalg.definiteness import Definiteness, UndecidedError, definiteness
from derive.linalg.eigen import EigenResult, Eigenspace, eigen
from derive.linalg.maps import LinearMap
from derive.linalg.matrices import as_matrix, charpoly, det, inverse, nullspace, rank

__all__ = ["as_matrix", "det", "inverse", "rank", "nullspace", "charpoly", "eigen",
           "EigenResult", "Eigenspace", "definiteness", "Definiteness", "UndecidedError",
           "LinearMap"]
