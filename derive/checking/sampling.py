"""Random points inside the domain a problem's assumptions allow.

Each symbol is drawn from a range its SymPy assumptions permit: positive (or
nonnegative) symbols from ``[0.2, 3]`` (log-uniform), negative ones from its
mirror, integers from small integers of the right sign, other reals from
``[-2, 2]``. A caller-supplied ``accept`` test rejects points outside the
function's own domain (``log(x)`` of a real ``x`` at ``x < 0``); draws repeat
until enough points pass. Values are floats, so the same point is exact in
float64, in mpmath and in SymPy.

Examples
--------
>>> import sympy as sp
>>> from derive.checking.sampling import sample_points
>>> x = sp.Symbol("x", positive=True)
>>> n = sp.Symbol("n", integer=True, positive=True)
>>> y = sp.Symbol("y", real=True)
>>> pts = sample_points([x, n, y], 20, seed=1)
>>> all(p[x] > 0 and p[n] >= 1 and float(p[n]).is_integer() for p in pts)
True
>>> pts = sample_points([y], 5, seed=0, accept=lambda p: p[y] > 1)
>>> len(pts), all(p[y] > 1 for p in pts)
(5, True)
"""

from __future__ import annotations

import math

import numpy as np

from derive.errors import DeriveError, ParseError

REAL_RANGE = (-2.0, 2.0)
POSITIVE_RANGE = (0.2, 3.0)


def draw(symbol, rng) -> float:
    """One value for ``symbol`` within its assumptions.

    Examples
    --------
    >>> import numpy as np, sympy as sp
    >>> draw(sp.Symbol("s", negative=True), np.random.default_rng(0)) < 0
    True
    """
    if getattr(symbol, "is_Matrix", False):
        raise DeriveError(f"cannot sample the matrix symbol {symbol}; "
                          "matrix derivations are checked by derive.checking.matrix")
    if symbol.is_integer:
        if symbol.is_positive or symbol.is_nonnegative:
            value = float(rng.integers(1, 6))
        elif symbol.is_negative or symbol.is_nonpositive:
            value = float(-rng.integers(1, 6))
        else:
            value = float(rng.choice([-3, -2, -1, 1, 2, 3]))
        if symbol.is_even and value % 2:
            value += 1.0 if value > 0 else -1.0
        if symbol.is_odd and not value % 2:
            value += 1.0 if value > 0 else -1.0
        return value
    if symbol.is_positive or symbol.is_nonnegative:
        lo, hi = POSITIVE_RANGE
        return float(math.exp(rng.uniform(math.log(lo), math.log(hi))))
    if symbol.is_negative or symbol.is_nonpositive:
        lo, hi = POSITIVE_RANGE
        return -float(math.exp(rng.uniform(math.log(lo), math.log(hi))))
    return float(rng.uniform(*REAL_RANGE))


_ASSUMPTIONS = (
    ("integer", lambda v: v.is_integer()),
    ("positive", lambda v: v > 0),
    ("negative", lambda v: v < 0),
    ("nonnegative", lambda v: v >= 0),
    ("nonpositive", lambda v: v <= 0),
    ("nonzero", lambda v: v != 0),
    ("even", lambda v: v.is_integer() and int(v) % 2 == 0),
    ("odd", lambda v: v.is_integer() and int(v) % 2 == 1),
)


def violated(symbol, value):
    """The first assumption of ``symbol`` that the float ``value`` breaks, or ``""``.

    Examples
    --------
    >>> import sympy as sp
    >>> n = sp.Symbol("n", integer=True, positive=True)
    >>> violated(n, -3.0), violated(n, 2.5), violated(n, 4.0)
    ('positive', 'integer', '')
    """
    if not math.isfinite(value):
        return "finite"
    for name, holds in _ASSUMPTIONS:
        if getattr(symbol, f"is_{name}", None) and not holds(value):
            return name
    return ""


def resolve_at(at, symbols):
    """Turn ``at`` (mapping or list of mappings, keys names or symbols) into point dicts.

    Symbols ``at`` leaves out are drawn later; unknown names are an error.

    Examples
    --------
    >>> import sympy as sp
    >>> x, y = sp.symbols("x y")
    >>> resolve_at({"x": 1, y: 2.5}, [x, y])
    [{x: 1.0, y: 2.5}]
    """
    if at is None:
        return []
    entries = at if isinstance(at, (list, tuple)) else [at]
    by_name = {s.name: s for s in symbols}
    points = []
    for entry in entries:
        if not hasattr(entry, "items"):
            raise ParseError(f"check: 'at' must map variable names to numbers, got {entry!r}")
        point = {}
        for key, value in entry.items():
            name = key if isinstance(key, str) else getattr(key, "name", str(key))
            if name not in by_name:
                raise ParseError(f"check: 'at' names {name!r}, which is not a variable here; "
                                 f"variables: {', '.join(sorted(by_name)) or 'none'}")
            try:
                point[by_name[name]] = float(value)
            except (TypeError, ValueError):
                raise ParseError(f"check: value for {name!r} in 'at' is not a number: "
                                 f"{value!r}") from None
            broken = violated(by_name[name], point[by_name[name]])
            if broken:
                raise ParseError(f"check: 'at' gives {name} = {value!r}, but {name} is declared "
                                 f"{broken}; choose a value inside its assumptions")
        points.append(point)
    return points


def sample_points(symbols, n, *, seed=0, accept=None, fixed=None, max_tries=20):
    """Draw up to ``n`` points; each is a dict symbol -> float.

    Parameters
    ----------
    symbols : sequence of sympy.Symbol
    n : int
        How many points to return.
    seed : int
    accept : callable, optional
        ``accept(point) -> bool``; rejected points are redrawn.
    fixed : mapping, optional
        Symbol -> value held fixed in every point.
    max_tries : int
        At most ``max_tries * n`` draws; fewer points come back if the
        domain is that hard to hit.

    Returns
    -------
    list of dict
    """
    rng = np.random.default_rng(seed)
    fixed = dict(fixed or {})
    points = []
    for _ in range(max_tries * max(n, 1)):
        if len(points) >= n:
            break
        point = {s: fixed[s] if s in fixed else draw(s, rng) for s in symbols}
        if any(violated(s, v) for s, v in point.items()):
            continue
        if accept is None or accept(point):
            points.append(point)
    return points
