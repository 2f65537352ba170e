"""The complex-step derivative, for functions that are analytic.

``Im F(x + i h e_j) / h`` is the j-th partial derivative with no subtraction,
so it is accurate to rounding even for ``h = 1e-100`` (Squire & Trapp, 1998).
It is only right when ``F`` is analytic and its code keeps the imaginary part
(no ``abs``, ``real`` or comparisons on the perturbed value);
:func:`accepts_complex` tests the mechanics and the caller cross-checks the
values against finite differences before trusting them.

Examples
--------
>>> import numpy as np
>>> from derive.checking.complex_step import complex_step_jacobian
>>> J = complex_step_jacobian(lambda v: np.exp(v) * v, np.array([1.0]))
>>> bool(abs(J[0, 0] - 2 * np.e) < 1e-15 * 2 * np.e)
True
>>> complex_step_jacobian(lambda v: np.abs(v), np.array([1.0])) is None
True
"""

from __future__ import annotations

import warnings

import numpy as np

STEP = 1e-100


def accepts_complex(F, x):
    """True when ``F`` evaluates at ``x + i*h`` to finite complex values.

    Examples
    --------
    >>> import numpy as np
    >>> accepts_complex(np.sin, np.array([0.3])), accepts_complex(np.abs, np.array([0.3]))
    (True, False)
    """
    x = np.asarray(x, dtype=float).ravel()
    z = x + 1j * STEP * np.ones_like(x)
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            out = np.asarray(F(z))
    except Exception:
        return False
    return bool(np.iscomplexobj(out) and np.all(np.isfinite(out)) and np.any(out.imag != 0))


def complex_step_jacobian(F, x, *, h=STEP):
    """The Jacobian of ``F`` at ``x`` by complex steps, or None if ``F`` rejects complex input.

    Parameters
    ----------
    F : callable
        Maps a 1-D array of size n to a 1-D array of size m.
    x : array_like, shape (n,)
    h : float
        The imaginary step.

    Returns
    -------
    ndarray, shape (m, n), or None
    """
    x = np.asarray(x, dtype=float).ravel()
    if not accepts_complex(F, x):
        return None
    cols = []
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        for j in range(x.size):
            z = x.astype(complex)
            z[j] += 1j * h
            try:
                out = np.asarray(F(z)).ravel()
            except Exception:
                return None
            if not np.iscomplexobj(out):
                return None
            cols.append(out.imag / h)
    return np.column_stack(cols)
