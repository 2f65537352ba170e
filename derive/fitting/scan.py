"""One pass over data in memory: sums, dot products and the check of the support.

A statistic such as ``sum x`` is read from memory at the speed of memory; a
second reduction over the same array (its minimum, to check the support) would
read it again. :func:`one_pass` reads each block of the data once and runs every
reduction on it while it is in cache, so checking the data costs a fraction of
reading them.

Examples
--------
>>> import numpy as np
>>> from derive.fitting.scan import one_pass
>>> x = np.array([0.5, 1.5, 2.0, 4.0])
>>> one_pass([x], [(0, 0)], (None, 0.0, np.inf, False, None), block=3)
([8.0], [22.5])
>>> one_pass([np.array([1.0, -2.0])], [], ("Interval(0, oo)", 0.0, np.inf, False, None))
Traceback (most recent call last):
...
derive.errors.ParseError: data: observation 1 = -2.0 lies outside the support Interval(0, oo) of the density
"""

from __future__ import annotations

import math

import numpy as np
from scipy.linalg import blas

from derive.errors import ParseError

__all__ = ["BLOCK", "exact_sum", "one_pass", "outside_support"]

#: Observations per block of the one pass: a block stays in a core's cache (1 MiB)
#: while every reduction after the first reads it.
BLOCK = 1 << 17
def one_pass(arrays, pairs, support, *, block=BLOCK):
    """Sums of ``arrays``, dot products of the ``pairs`` of them, and the check that every
    value of ``arrays[0]`` lies in ``support``: one pass over memory.

    Parameters
    ----------
    arrays : list of 1-D ndarray
        Of equal length; float64, or integers (counts, booleans).
    pairs : list of (int, int)
        Indices into ``arrays`` whose dot products are wanted (``(0, 0)``: ``sum x**2``).
    support : tuple or None
        ``(set, lo, hi, integer, values)``: the support of ``arrays[0]`` (its
        ends, whether it holds integers only, its finite set of values or None).
    block : int
        Observations per block.

    Each block is read from memory once; its minimum, maximum, sum (pairwise;
    BLAS ``dasum`` for values checked to be >= 0, where ``|x| = x``), dot
    products (BLAS) and integrality (``x == rint(x)``, into scratch arrays
    allocated once) are reductions over it while it is in cache. Integer arrays
    are summed exactly in integers (their range bounds the block sums) and need
    no integrality check. The block totals are added exactly. Only when the
    check fails are the data read again, to name the first observation outside
    the support.

    Returns
    -------
    (list of float, list of float)
        The sums of the arrays, the dot products of the pairs.
    """
    n = arrays[0].shape[0]
    sup, lo, hi, integer, values = support if support is not None else (None, -np.inf,
                                                                        np.inf, False, None)
    exact = [a.dtype.kind in "biu" for a in arrays]
    integer = integer and not exact[0]
    sums, lows, highs = ([[] for _ in arrays] for _ in range(3))
    dots = [[] for _ in pairs]
    whole = []
    size = min(block, n)
    steps = []  # per array: (store, reduction) in order; the first reads the block from memory
    for j, e in enumerate(exact):
        if e or (j == 0 and lo > -np.inf):
            steps.append((j, lows[j].append, np.minimum.reduce))
        if e or (j == 0 and hi < np.inf):
            steps.append((j, highs[j].append, np.maximum.reduce))
        nonneg = j == 0 and not e and lo >= 0  # sum |x| = sum x once min x >= lo is checked
        steps.append((j, sums[j].append, blas.dasum if nonneg else np.add.reduce))
    if integer:
        steps.append((0, whole.append, _IntegerCheck(size)))
    if values is not None:
        steps.append((0, whole.append, lambda b: np.isin(b, values).all()))
    with np.errstate(over="ignore", invalid="ignore"):
        if len(arrays) == 1 and not pairs:
            a, steps = arrays[0], [(store, fn) for _, store, fn in steps]
            for start in range(0, n, block):
                b = a[start:start + block]
                for store, fn in steps:
                    store(fn(b))
        else:
            for start in range(0, n, block):
                blocks = [a[start:start + block] for a in arrays]
                for j, store, fn in steps:
                    store(fn(blocks[j]))
                fl = [b.astype(np.float64) if e and pairs else b
                      for b, e in zip(blocks, exact)]
                for out, (i, j) in zip(dots, pairs):
                    out.append(np.dot(fl[i], fl[j]))
    if ((lows[0] and np.min(lows[0]) < lo) or (highs[0] and np.max(highs[0]) > hi)
            or not all(whole)):
        _outside(arrays[0], sup, lo, hi, integer, values)
    totals = []
    for a, e, part, low, high in zip(arrays, exact, sums, lows, highs):
        if not e:
            totals.append(exact_sum(part))
        elif max(abs(int(np.min(low))), abs(int(np.max(high)))) * size < 2**63:
            totals.append(float(sum(int(v) for v in part)))  # exact, rounded once
        else:  # block sums could wrap around in 64-bit integers
            totals.append(float(np.add.reduce(a, dtype=np.float64)))
    return totals, [exact_sum(v) for v in dots]


class _IntegerCheck:
    """``all(x == rint(x))`` of a block, through scratch arrays allocated once."""

    def __init__(self, size):
        self.rounded, self.same = np.empty(size), np.empty(size, dtype=bool)

    def __call__(self, b):
        m = b.shape[0]
        rounded, same = self.rounded[:m], self.same[:m]
        np.rint(b, out=rounded)
        np.equal(b, rounded, out=same)
        return np.logical_and.reduce(same)


def outside_support(a, lo, hi, integer, values):
    """Mask of the values of ``a`` below ``lo``, above ``hi``, not whole (``integer``)
    or not among ``values`` (None: any); nan is outside only of an integer support.

    >>> outside_support(np.array([0.0, 2.5, 3.0, 9.0]), 0.0, 5.0, True, [0.0, 3.0])
    array([False,  True, False,  True])
    """
    with np.errstate(invalid="ignore"):
        bad = (a < lo) | (a > hi)
        if integer:
            bad |= a != np.rint(a)
        if values is not None:
            bad |= ~np.isin(a, values)
    return bad


def _outside(a, sup, lo, hi, integer, values):
    """Raise the error naming the first observation of ``a`` outside the support."""
    with np.errstate(invalid="ignore"):
        bad = ~np.isfinite(a) | outside_support(a, lo, hi, integer, values)
    i = int(np.argmax(bad))
    if not np.isfinite(a[i]):
        raise ParseError(f"data: observation {i} is {float(a[i])!r}: the data have "
                         "non-finite values (nan or inf)")
    raise ParseError(f"data: observation {i} = {float(a[i])!r} lies outside the support "
                     f"{sup} of the density")


def exact_sum(parts):
    """The correctly rounded sum of block totals (``math.fsum``; nan or inf if one is
    not finite)."""
    parts = [float(v) for v in parts]
    try:
        return math.fsum(parts)
    except (OverflowError, ValueError):  # an overflow, or inf - inf
        return float(np.sum(parts))


