"""The high-precision oracle: mpmath derivatives of the *source* expression.

The oracle never looks at the derived formula. It evaluates the function that
was differentiated at 30+ significant digits and differentiates it
numerically with :func:`mpmath.diff` (which raises its working precision to
absorb the cancellation of its differences), so its error is far below
anything float64 can show. Each value is computed at two precisions (``dps``
and ``dps + 15``); their difference is the oracle's error estimate.

Expressions become mpmath functions through ``derive.codegen.compile_mpmath``
when codegen provides it, and otherwise through SymPy's own arbitrary
precision ``evalf(subs=...)`` (slower, never ``lambdify``).

Examples
--------
>>> import mpmath, sympy as sp
>>> from derive.checking.oracle import mp_function, partial, two_precisions
>>> x, y = sp.symbols("x y", real=True)
>>> f = mp_function(sp.sin(x) * y, [x, y])
>>> value, err = two_precisions(lambda: partial(f, [0.5, 2.0], {0: 1}), 30)
>>> mpmath.nstr(value, 20), float(err) < 1e-25
('1.7551651237807454465', True)
"""

from __future__ import annotations

import mpmath

from derive.codegen import compile_mpmath
from derive.errors import DeriveError


class OracleError(DeriveError, ArithmeticError):
    """The oracle cannot evaluate here (outside the real domain, unsupported function...)."""


def mp_function(expr, args):
    """A callable ``f(*numbers)`` evaluating ``expr`` at the current mpmath precision.

    Floats are taken exactly (converted to mpf before any arithmetic); failures
    to evaluate raise :class:`OracleError`. The arguments are renamed
    (by :func:`derive.codegen.compile_mpmath`) before the expression is compiled, so
    a user's symbol named like something the generated mpmath code uses (``mpf``,
    ``pi``, ``sqrt``) cannot shadow it and switch the oracle off.

    Examples
    --------
    >>> import sympy as sp
    >>> mpf, x = sp.symbols("mpf x", real=True)
    >>> f = mp_function(mpf * x + x / 3, [mpf, x])
    >>> print(f(2, 3))
    7.0
    """
    func = compile_mpmath(expr, list(args))

    def guarded(*values):
        # Python floats would make the generated code compute in float64
        values = [v if isinstance(v, (mpmath.mpf, mpmath.mpc)) else mpmath.mpf(v) for v in values]
        try:
            return func(*values)
        except (ZeroDivisionError, ValueError, TypeError, OverflowError, NameError,
                AttributeError, MemoryError) as err:  # NameError: a function mpmath does
            # not have; MemoryError: exp(exp(...)) nested 99 deep asks for a 2**10**40-bit int
            raise OracleError(f"cannot evaluate {expr} at high precision here: {err}") from None
    return guarded


def real(value, what="value"):
    """``value`` as an mpf; OracleError when it is complex (outside the real domain)."""
    value = mpmath.mpmathify(value)
    if isinstance(value, mpmath.mpc):
        if abs(value.imag) > mpmath.mpf(10) ** (-mpmath.mp.dps + 3) * max(1, abs(value.real)):
            raise OracleError(f"the {what} is complex here (outside the real domain)")
        value = value.real
    if not mpmath.isfinite(value):
        raise OracleError(f"the {what} is not finite here")
    return value


def partial(f, point, orders):
    """A mixed partial derivative of ``f`` at ``point`` by :func:`mpmath.diff`.

    Parameters
    ----------
    f : callable
        Function of ``len(point)`` mpmath numbers.
    point : sequence of numbers
        Floats are taken exactly.
    orders : mapping
        Argument index -> order of differentiation (absent: 0).

    Returns
    -------
    mpf
    """
    base = [mpmath.mpf(v) for v in point]
    idx = sorted(k for k, n in orders.items() if n)
    if not idx:
        return real(f(*base), "function")

    def restricted(*vals):
        full = list(base)
        for k, v in zip(idx, vals):
            full[k] = v
        return real(f(*full), "function")

    try:
        if len(idx) == 1:
            return real(mpmath.diff(restricted, base[idx[0]], orders[idx[0]]), "derivative")
        return real(mpmath.diff(restricted, tuple(base[k] for k in idx),
                                tuple(orders[k] for k in idx)), "derivative")
    except (ZeroDivisionError, ValueError) as err:
        raise OracleError(f"mpmath.diff failed here: {err}") from None


def taylor_coefficients(f, x0, degree):
    """Taylor coefficients ``c_0..c_degree`` of the scalar function ``f`` at ``x0``."""
    try:
        return [real(c, "Taylor coefficient")
                for c in mpmath.taylor(lambda t: real(f(t), "function"), mpmath.mpf(x0), degree)]
    except (ZeroDivisionError, ValueError) as err:
        raise OracleError(f"mpmath.taylor failed here: {err}") from None


def two_precisions(compute, dps, extra=15):
    """``compute()`` at ``dps + extra`` digits, and its difference from ``dps`` digits.

    Returns
    -------
    (value, error_estimate) : (mpf, mpf), or two lists when ``compute`` returns a list
    """
    with mpmath.workdps(dps):
        low = compute()
    with mpmath.workdps(dps + extra):
        high = compute()
        if isinstance(high, (list, tuple)):
            return list(high), [abs(h - lo) for h, lo in zip(high, low)]
        return high, abs(high - low)
