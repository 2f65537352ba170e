"""The cost caps of the parser, and cheap estimates of what exact arithmetic would cost.

Exact arithmetic is bounded before SymPy does it: the estimates here read the
size of a number (in decimal digits) from its bit length, and bound the
magnitude of a symbol-free expression without evaluating it, so every check
answers at once whatever the input.

Examples
--------
>>> import sympy as sp
>>> from derive.parsing.costs import MAX_DIGITS, magnitude, numeric_size
>>> round(numeric_size(sp.Integer(10) ** 50))
50
>>> magnitude(sp.exp(sp.Integer(10) ** 40)) > 10 ** 30
True
>>> MAX_DIGITS < 4300      # Python's int-to-str limit
True
"""

from __future__ import annotations

import math

import sympy as sp

from derive.functions import sigmoid

#: Longest text accepted, in characters.
MAX_LENGTH = 10_000
#: Deepest nesting of parentheses, brackets, unary signs, powers and ``.T``.
MAX_NESTING = 100
#: Most expression nodes in the syntax tree.
MAX_NODES = 5_000
#: Most digits an exact number built while parsing may have.  Kept below
#: Python's 4300-digit limit on ``int`` to ``str`` so every result can print.
MAX_DIGITS = 4_000
#: Most digits of one numeric literal.
MAX_LITERAL_DIGITS = 1_000
#: Most digits of a number under a non-integer power (``sqrt(n)`` factors n).
MAX_RADICAND_DIGITS = 100
#: Largest log10-magnitude of a symbol-free, non-rational function argument.
MAX_ARGUMENT_MAGNITUDE = 30
#: Largest |integer power| of an explicit matrix (from ``symbols=``).
MAX_MATRIX_POWER = 256
#: gamma-like functions of numbers larger than this stay unevaluated.
LAZY_ABOVE = 1000

# gamma-like functions stay unevaluated when a rational argument exceeds this in
# numerator or denominator (polygamma sums n rationals with growing denominators).
LAZY = {sp.gamma: LAZY_ABOVE, sp.loggamma: LAZY_ABOVE, sp.beta: LAZY_ABOVE,
        sp.digamma: 20, sp.polygamma: 20}
_BOUNDED = {sp.sin, sp.cos, sp.tanh, sp.atan, sp.acot, sp.asin, sp.acos, sp.erf,
            sp.erfc, sigmoid, sp.sign, sp.Heaviside, sp.atan2, sp.sech}
_EXP_LIKE = {sp.exp, sp.sinh, sp.cosh}
_LOG_LIKE = {sp.log, sp.asinh, sp.acosh}


def int_digits(n):
    """log10 of |n| (0 for |n| <= 1), cheaply."""
    n = abs(n)
    if n <= 1:
        return 0.0
    bits = n.bit_length()
    return math.log10(n) if bits < 1000 else bits * math.log10(2)


def rational_size(q):
    """Digits of a Rational (the larger of numerator and denominator)."""
    return max(int_digits(q.p), int_digits(q.q))


def numeric_size(e):
    """Digits of the exact number SymPy would compute if ``e`` were raised to a power."""
    if isinstance(e, sp.Rational):
        return rational_size(e)
    if isinstance(e, sp.Mul):
        return sum(numeric_size(a) for a in e.args)
    if isinstance(e, sp.Pow) and isinstance(e.base, sp.Rational) \
            and isinstance(e.exp, sp.Rational):
        return rational_size(e.base) * abs(float(e.exp))
    return 0.0


def radicand_size(e):
    """Digits of numbers under non-integer powers in ``e`` (SymPy factors them)."""
    if isinstance(e, sp.Pow) and isinstance(e.base, sp.Rational) \
            and isinstance(e.exp, sp.Rational) and not e.exp.is_Integer:
        return rational_size(e.base)
    if isinstance(e, sp.Mul):
        return sum(radicand_size(a) for a in e.args)
    return 0.0


def _exp10(m):
    return 10.0 ** m if m < 300 else math.inf


def magnitude(e):
    """An upper bound on log10|e| for a symbol-free expression, without evaluating it."""
    if isinstance(e, sp.Rational):
        return rational_size(e)
    if e.is_NumberSymbol or e in (sp.oo, -sp.oo, sp.zoo, sp.nan):
        return 1.0
    args = e.args
    if not args:
        return 1.0
    mags = [magnitude(a) for a in args]
    if isinstance(e, sp.Add):
        return max(mags) + math.log10(len(mags))
    if isinstance(e, sp.Mul):
        return sum(mags)
    if isinstance(e, sp.Pow):
        return (mags[0] + 1.0) * _exp10(mags[1])
    func = e.func
    if func in _BOUNDED:
        return 1.0
    if func in _EXP_LIKE:
        return _exp10(mags[0])
    if func in _LOG_LIKE:
        return math.log10(2.31 * max(mags[-1], 1.0)) + 1.0
    if func is sp.digamma:                      # about -1/x near 0, log x far out
        return mags[0] + 1.0
    if func is sp.polygamma:                    # about m!/x**(m+1) near 0
        order = _exp10(mags[0])
        return (order + 1.0) * (mags[1] + mags[0] + 1.0)
    if func in (sp.gamma, sp.factorial, sp.loggamma, sp.binomial):
        big = _exp10(max(mags))
        return big * (max(mags) + 1.0)
    return max(mags) + 1.0


def lgamma_digits(n):
    """Digits of n! for a non-negative number n (float, may be inf)."""
    if n > 1e300:
        return math.inf
    return math.lgamma(n + 1.0) / math.log(10.0)



def gamma_digits(q):
    """About how many digits the exact value of ``gamma(q)`` has, for a Rational ``q``.

    Examples
    --------
    >>> import sympy as sp
    >>> round(gamma_digits(sp.Integer(99999)))
    456568
    >>> gamma_digits(sp.Integer(10) ** 400)
    inf
    """
    size = abs(q)
    if size > 10 ** 300:
        return math.inf
    return lgamma_digits(float(size))
