"""Validation of the arguments of :func:`derive.integrals.integrate`."""

from __future__ import annotations

import math

import sympy as sp

from derive.errors import ParseError
from derive.parsing import parse

#: Default total wall-clock budget of one :func:`integrate` call, in seconds.
DEFAULT_SECONDS = 10.0
#: Largest number of significant digits the numeric fallback will aim for.
MAX_DIGITS = 50


def _integrate_iv(f, limits, digits, seconds, symbols):

    if not limits:
        raise ParseError("integrate needs a variable: integrate(f, x) or integrate(f, (x, a, b))")
    if isinstance(digits, bool) or not isinstance(digits, int) or not 1 <= digits <= MAX_DIGITS:
        raise ValueError(f"digits={digits!r}: give an integer from 1 to {MAX_DIGITS}")
    if seconds is None:
        seconds = DEFAULT_SECONDS
    if not (isinstance(seconds, (int, float)) and math.isfinite(seconds) and seconds > 0):
        raise ValueError(f"seconds={seconds!r}: give a positive number of seconds")
    known = {} if symbols is None else (
        dict(symbols) if isinstance(symbols, dict) else {s.name: s for s in symbols})
    if isinstance(f, sp.Basic):
        for s in f.free_symbols:
            known.setdefault(s.name, s)

    def variable(v):
        if isinstance(v, sp.Symbol):
            return v
        if isinstance(v, str) and v.isidentifier():
            return known.get(v) or sp.Symbol(v, real=True)
        raise ParseError(f"integration variable {v!r} is not a name; give a symbol or a "
                         "name such as 'x'")

    parsed = []
    for lim in limits:
        if isinstance(lim, (tuple, list)):
            if len(lim) == 1:
                parsed.append((variable(lim[0]),))
                continue
            if len(lim) != 3:
                raise ParseError(f"limits {lim!r}: give (x, a, b) for a definite integral or x "
                                 "for an indefinite one")
            parsed.append((variable(lim[0]), lim[1], lim[2]))
        else:
            parsed.append((variable(lim),))
    for lim in parsed:
        known.setdefault(lim[0].name, lim[0])
    out = []
    for lim in parsed:
        if len(lim) == 3:
            bounds = tuple(parse(str(b) if isinstance(b, (int, float)) else b, symbols=known)
                           for b in lim[1:])
            for b in bounds:
                if not isinstance(b, sp.Expr) or b.has(sp.zoo, sp.nan):
                    raise ParseError(f"limit {b!r} of {lim[0]} is not a number or expression")
            out.append((lim[0],) + bounds)
        else:
            out.append(lim)
    expr = parse(f, symbols=known)
    if not isinstance(expr, sp.Expr):
        raise ParseError(f"integrand {f!r} is not a scalar expression")
    return expr, tuple(out), int(digits), float(seconds)
