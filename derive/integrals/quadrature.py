"""Numeric integration with mpmath: an error estimate for every value.

Nested quadrature for iterated integrals (inner limits may depend on outer
variables), kinks of Abs/Heaviside/Piecewise placed on interval boundaries, and
oscillatory half-line integrals summed period by period.
"""

from __future__ import annotations

import mpmath
import sympy as sp

from derive.codegen import compile_mpmath
from derive.parsing import as_sympy

__all__ = ["numeric_integral"]


def _mp_function(expr, variables):
    """``expr`` as an mpmath function of ``variables`` (see :func:`derive.codegen.compile_mpmath`).

    ``oo`` bounds become ``mpmath.inf``; it evaluates at the current ``mpmath.mp.dps``.
    """

    return compile_mpmath(as_sympy(expr), list(variables))


def _frequency(f, var):
    """Angular frequency of the sin/cos(k*var + c) factors of f, or None."""
    ks = set()
    for trig in f.atoms(sp.sin, sp.cos):
        arg = trig.args[0]
        if var in arg.free_symbols:
            if not arg.is_polynomial(var) or sp.degree(arg, var) != 1:
                return None
            ks.add(abs(arg.coeff(var)))
    if len(ks) != 1:
        return None
    k = ks.pop()
    return k if k.is_number and k.is_positive else None


def _kinks(f, var):
    """Points where Abs/Heaviside/sign/Max/Min/Piecewise of a linear argument switch."""
    out = []
    atoms = f.atoms(sp.Abs, sp.Heaviside, sp.sign, sp.Max, sp.Min)
    for cond in (c for p in f.atoms(sp.Piecewise) for _, c in p.args):
        atoms |= {r.lhs - r.rhs for r in cond.atoms(sp.core.relational.Relational)}
    for atom in atoms:
        arg = atom if not isinstance(atom, sp.Function) else (
            atom.args[0] - atom.args[1] if len(atom.args) == 2 else atom.args[0])
        if isinstance(arg, sp.Expr) and var in arg.free_symbols and arg.is_polynomial(var) \
                and sp.degree(arg, var) == 1:
            c1, c0 = sp.Poly(arg, var).all_coeffs()
            root = -c0 / c1
            if root.is_number and root.is_real:
                out.append(sp.Float(root, 40))
    return out


def _periodic_sum(g, lo, hi, half_period):
    """Integral of an oscillatory g over a half-line: quad over each half-period, nsum.

    ``mpmath.nsum`` extrapolates the series (alternating for sin(x)/x, positive for
    sin(x)**2/x**2), where ``mpmath.quadosc`` assumes a zero-mean oscillation.
    Returns (value, difference from a run 5 digits finer).
    """
    if mpmath.isinf(hi):
        def piece(k):
            return mpmath.quad(g, [lo + k * half_period, lo + (k + 1) * half_period],
                               method="gauss-legendre")
    else:
        def piece(k):
            return mpmath.quad(g, [hi - (k + 1) * half_period, hi - k * half_period],
                               method="gauss-legendre")
    value = mpmath.nsum(piece, [0, mpmath.inf])
    with mpmath.workdps(mpmath.mp.dps + 5):
        finer = mpmath.nsum(piece, [0, mpmath.inf])
    return value, abs(finer - value)


def _quad(f, limits, dps, subs=None, method="tanh-sinh"):
    """mpmath.quad of f over limits (innermost first), nested for dependent limits.

    Oscillatory integrands (sin/cos of a linear argument) over a half-infinite
    range are summed period by period (:func:`_periodic_sum`). Returns (value,
    error) as mpmath numbers.
    """
    subs = {as_sympy(k): as_sympy(v) for k, v in (subs or {}).items()}
    f = as_sympy(f).xreplace(subs)
    limits = [tuple(as_sympy(t).xreplace(subs) for t in lim) for lim in limits]
    variables = [lim[0] for lim in limits]
    extra = (f.free_symbols | set().union(*(lim[1].free_symbols | lim[2].free_symbols
                                             for lim in limits))) - set(variables)
    if extra:
        raise ValueError("the integrand has free parameters "
                         f"{', '.join(sorted(map(str, extra)))}; substitute numbers first")
    fn = _mp_function(f, variables)
    bounds = [(_mp_function(lim[1], variables), _mp_function(lim[2], variables))
              for lim in limits]
    n = len(limits)
    kinks_of = [_kinks(f, v) for v in variables]
    with mpmath.workdps(dps):
        errors = []

        def level(k, values):
            # integrate variable k (outermost is n-1) with values of variables k+1.. fixed
            args = [mpmath.mpf(0)] * n
            for j, v in values.items():
                args[j] = v
            lo, hi = (mpmath.re(bnd(*args)) for bnd in bounds[k])

            def g(t):
                vals = dict(values)
                vals[k] = t
                if k > 0:
                    v, e = level(k - 1, vals)
                    errors.append(e)
                    return v
                args[k] = t
                v = fn(*args)
                if not mpmath.isfinite(v):
                    raise ValueError(f"integrand is not finite at {variables[k]} = "
                                     f"{mpmath.nstr(t, 8)}")
                return v

            omega = _frequency(f, variables[k]) if n == 1 else None
            if omega is not None and mpmath.isinf(hi - lo) and not (mpmath.isinf(lo)
                                                                  and mpmath.isinf(hi)):
                value, err = mpmath.quad(g, [lo, hi], error=True, maxdegree=4)
                if abs(err) < mpmath.mpf(10) ** (-dps + 2) * max(1, abs(value)):
                    return value, abs(err)  # decays fast enough for plain quadrature
                omega = mpmath.mpf(sp.Float(omega, dps + 5))
                value, err = _periodic_sum(g, lo, hi, mpmath.pi / omega)
                return value, abs(err) + mpmath.mpf(10) ** (-dps)
            if mpmath.isinf(lo) and mpmath.isinf(hi):
                points = [lo, 0, hi]
            elif mpmath.isinf(hi):  # keep an endpoint singularity on a finite piece
                points = [lo, lo + 1, hi]
            elif mpmath.isinf(lo):
                points = [lo, hi - 1, hi]
            else:
                points = [lo, hi]
            kinks = [mpmath.mpf(c) for c in kinks_of[k]]
            kinks = [c for c in kinks if lo < c < hi]
            points = sorted(set(points[1:-1] + kinks), key=float)
            points = [lo] + points + [hi]
            if method == "split":  # a second, differently placed set of nodes
                if mpmath.isinf(lo) and mpmath.isinf(hi):
                    points = [lo, -1, 0, 2, hi]
                elif mpmath.isinf(hi):
                    points = [lo, lo + mpmath.mpf(1) / 4, lo + 3, hi]
                elif mpmath.isinf(lo):
                    points = [lo, hi - 3, hi - mpmath.mpf(1) / 4, hi]
                else:
                    points = [lo, lo + (hi - lo) * mpmath.mpf(3) / 7, hi]
            value, err = mpmath.quad(g, points, error=True, maxdegree=8 + dps // 10)
            return value, abs(err)

        value, err = level(n - 1, {})
        inner = max(errors, default=mpmath.mpf(0))
        return value, err + inner


def _two_rules(f, limits, dps):
    """tanh-sinh with its error estimate, and a second run on split intervals to compare."""
    value, err = _quad(f, limits, dps)
    try:
        other, _ = _quad(f, limits, dps, method="split")
    except (ValueError, ZeroDivisionError, TypeError):
        other = None
    return value, err, other


def numeric_integral(f, limits, dps=15, subs=None):
    """mpmath.quad of a SymPy integrand, with an error estimate.

    Parameters
    ----------
    f : sympy.Expr
        The integrand.
    limits : sequence of (symbol, a, b)
        Innermost first, as in ``sympy.Integral``; inner limits may depend on
        outer variables (the quadrature is then nested).
    dps : int
        Working decimal digits.
    subs : dict, optional
        Values of the parameters.

    Returns
    -------
    (mpmath.mpf or mpc, mpmath.mpf)
        The value and mpmath's absolute error estimate.

    Examples
    --------
    >>> import sympy as sp
    >>> x = sp.Symbol("x")
    >>> v, err = numeric_integral(sp.exp(-x**2), [(x, -sp.oo, sp.oo)], dps=20)
    >>> print(mpmath.nstr(v, 15), err < 1e-15)
    1.77245385090552 True
    """
    return _quad(f, tuple(tuple(as_sympy(t) for t in lim) for lim in limits), dps, subs)
