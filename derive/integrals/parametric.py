"""Integrals without a closed form as numeric functions: of parameters, or of the upper limit.

When SymPy finds no closed form for a definite integral with free parameters,
or no antiderivative, the answer a user can still use is a function:
:class:`QuadratureFunction` compiles the integrand once (NumPy, via
:func:`derive.codegen.compile`) and integrates it with
``scipy.integrate.quad`` at every point it is called with (broadcasting like
a ufunc), returning each value with its own error estimate. An antiderivative
becomes ``F(x) = int_{x0}^{x} f(t) dt`` with its reference point ``x0``
stated. :func:`check_function` compares the function at random parameter
values with ``mpmath.quad`` at 20 digits, an independent quadrature.

Examples
--------
>>> import sympy as sp
>>> x, a = sp.symbols("x a", real=True)
>>> F = QuadratureFunction(sp.exp(-a * x**4), x, 0, 1, [a])
>>> F.args
(a,)
>>> values, errors = F.evaluate([1.0, 2.0])
>>> print(values.round(8), bool((errors < 1e-10).all()))
[0.84483859 0.74901536] True
>>> check_function(F, seed=0).status
'verified'
"""

from __future__ import annotations

import warnings

import mpmath
import numpy as np
import sympy as sp
from scipy import integrate as scipy_integrate

from derive.codegen import compile as compile_numpy
from derive.integrals.quadrature import _quad
from derive.integrals.result import IntegralCheck
from derive.integrals.verification import _sample_points

__all__ = ["QuadratureFunction", "check_function", "reference_point"]

_LIMIT = 200                # subintervals scipy's quad may use


def _bound(b, params):
    if b == sp.oo:
        return lambda *p: np.inf
    if b == -sp.oo:
        return lambda *p: -np.inf
    fn = compile_numpy(b, list(params), stable=False)
    return lambda *p: float(fn(*p))


class QuadratureFunction:
    """``(p1, p2, ...) -> int_lo^hi f(t; p) dt`` by quadrature, vectorized, with error estimates.

    Parameters
    ----------
    integrand : sympy.Expr
    var : Symbol
        The integration variable.
    lower, upper : sympy expressions
        Limits; may depend on the parameters (an antiderivative has
        ``upper = x``, a parameter).
    params : sequence of Symbol
        The arguments of the function, in order.
    """

    def __init__(self, integrand, var, lower, upper, params):
        self.integrand, self.var = integrand, var
        self.lower, self.upper = sp.sympify(lower), sp.sympify(upper)  # sympify: numbers/exprs from the driver
        self.args = tuple(params)
        self._f = compile_numpy(integrand, [var, *self.args], stable=True)
        self._lo = _bound(self.lower, self.args)
        self._hi = _bound(self.upper, self.args)

    def __repr__(self):
        names = ", ".join(map(str, self.args))
        return (f"<QuadratureFunction ({names}) -> Integral({sp.sstr(self.integrand)}, "
                f"({self.var}, {sp.sstr(self.lower)}, {sp.sstr(self.upper)}))>")

    def _points(self, values, named):
        if named:
            names = [a.name for a in self.args]
            unknown = set(named) - set(names)
            if unknown:
                raise TypeError(f"unknown arguments {sorted(unknown)}; the function takes {names}")
            values = tuple(values) + tuple(named[n] for n in names[len(values):])
        if len(values) != len(self.args):
            raise TypeError(f"the function takes {len(self.args)} arguments "
                            f"{[a.name for a in self.args]}, got {len(values)}")
        return np.broadcast_arrays(*[np.asarray(v, dtype=float) for v in values])

    def evaluate(self, *values, **named):
        """``(values, errors)``: arrays of the broadcast shape of the arguments.

        An error is ``nan`` where ``quad`` reported trouble (divergence,
        roundoff, too many subdivisions) so no value comes without a usable bound.
        """
        arrays = self._points(values, named)
        shape = arrays[0].shape if arrays else ()
        flat = [a.ravel() for a in arrays]
        size = int(np.prod(shape)) if shape else 1
        out, err = np.empty(size), np.empty(size)
        for k in range(size):
            p = tuple(float(a[k]) for a in flat)
            lo, hi = self._lo(*p), self._hi(*p)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                res = scipy_integrate.quad(lambda t: float(self._f(t, *p)), lo, hi,
                                           limit=_LIMIT, full_output=1)
            out[k] = res[0]
            trouble = len(res) > 3 or not np.isfinite(res[0])   # quad adds a message on trouble
            err[k] = np.nan if trouble else res[1]
        return out.reshape(shape), err.reshape(shape)

    def __call__(self, *values, **named):
        return self.evaluate(*values, **named)[0]


def reference_point(f, var, params=(), candidates=(0, 1, -1, 2)):
    """A point where ``f`` is finite at random parameter values: the antiderivative's origin.

    Examples
    --------
    >>> import sympy as sp
    >>> x = sp.Symbol("x", real=True)
    >>> reference_point(sp.exp(-x**2), x), reference_point(sp.exp(x) / x, x)
    (0, 1)
    """
    subs = _sample_points(set(params), 1, 0)[0] if params else {}
    for c in candidates:
        try:
            v = complex(f.xreplace({**subs, var: sp.Integer(c)}).evalf(15))
        except (TypeError, ValueError, ZeroDivisionError):
            continue
        if np.isfinite(v) and v.imag == 0:
            return sp.Integer(c)
    return None


def check_function(F, *, seed=0, points=3, dps=20):
    """Compare ``F`` with ``mpmath.quad`` at random parameter values (assumptions respected).

    Verified when every difference is within ten times ``F``'s own error
    estimate plus ``1e-9`` relative; refuted when one is far outside.
    """
    samples = _sample_points(set(F.args), points, seed)
    worst, used = 0.0, []
    limits = ((F.var, F.lower, F.upper),)
    for point in samples:
        values = [float(point[a]) for a in F.args]
        v, e = F.evaluate(*values)
        try:
            with mpmath.workdps(dps):
                q, qe = _quad(F.integrand, limits, dps, point)
                q = complex(q)
        except (ValueError, ZeroDivisionError, TypeError) as exc:
            return IntegralCheck("inconclusive", "quad function vs mpmath.quad", tuple(used),
                                 None, f"mpmath.quad failed: {exc}")
        used.append({a.name: x for a, x in zip(F.args, values)})
        diff = abs(complex(v) - q)
        scale = max(1.0, abs(q))
        worst = max(worst, diff)
        if not np.isfinite(float(e)):
            return IntegralCheck("inconclusive", "quad function vs mpmath.quad", tuple(used),
                                 diff, f"scipy's quad reported trouble at {used[-1]}")
        if diff > 10 * float(e) + 1e-9 * scale:
            status = "refuted" if diff > 1e-5 * scale else "inconclusive"
            return IntegralCheck(status, "quad function vs mpmath.quad", tuple(used), diff,
                                 f"quad {complex(v).real:.12g} vs mpmath {q.real:.12g} at "
                                 f"{used[-1]}")
    return IntegralCheck("verified", f"quad function vs mpmath.quad ({dps} digits) at "
                         f"{len(used)} random parameter values", tuple(used), worst)
