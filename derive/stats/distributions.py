"""Random variables by name: every family of ``sympy.stats``, and user densities.

``distribution("Normal(mu, sigma)")`` reads the family name and its argument
list (each argument through :func:`derive.parsing.parse`) and builds the
``sympy.stats`` random variable; the family name must be one of
:data:`FAMILIES`, the continuous, discrete and finite families of
``sympy.stats`` (a whitelist: nothing else is ever called). A parameter given as
a bare name gets the assumptions its family requires: ``sigma`` in
``Normal(mu, sigma)`` becomes a positive symbol, ``n`` in ``Binomial(n, p)`` a
positive integer (found by asking the family's own parameter check).

:func:`density_variable` builds a continuous variable from a density given as text
with its support and checks that it integrates to one (under the time budget of
:func:`derive.integrals.integrate`); :func:`pmf_variable` does the same for a
finite probability table.

Examples
--------
>>> from derive.stats.distributions import distribution
>>> X = distribution("Normal(mu, sigma)")
>>> X
X
>>> [(s, s.is_positive) for s in X.pspace.distribution.args]
[(mu, None), (sigma, True)]
>>> distribution("Binomial(n, 1/3)", name="K").pspace.distribution.n.is_integer
True
>>> distribution("Exponential(2)", name="T").pspace.distribution.rate
2
"""

from __future__ import annotations

import functools
import inspect
import re

import sympy as sp
import sympy.stats as st
from sympy.stats import crv_types, drv_types, frv_types

from derive.errors import DeriveError, ParseError
from derive.integrals import integrate
from derive.parsing import as_sympy, parse

__all__ = ["FAMILIES", "distribution", "density_variable", "pmf_variable",
           "NotNormalizedError", "family_of", "is_random"]


class NotNormalizedError(DeriveError, ValueError):
    """A user density that does not integrate (or sum) to one over its support."""


def Categorical(name, probabilities):
    """Categorical distribution on 0, 1, ..., k-1 with the given probabilities."""
    if not isinstance(probabilities, (list, tuple)) or not probabilities:
        raise ValueError("Categorical takes a list of probabilities, e.g. [1/2, 1/3, 1/6]")
    probs = [as_sympy(p) for p in probabilities]
    total = sp.nsimplify(sum(probs)) if all(p.is_number for p in probs) else None
    if any(p.is_negative for p in probs) or (total is not None and total != 1):
        raise ValueError(f"the probabilities {probs} must be non-negative and sum to 1")
    return st.FiniteRV(name, {i: p for i, p in enumerate(probs)})


def _families():
    table = {"Categorical": Categorical}
    for module in (crv_types, drv_types, frv_types):
        for name in module.__all__:
            if name not in ("ContinuousRV", "FiniteRV"):
                table[name] = getattr(module, name)
    return table


#: Family name -> ``sympy.stats`` constructor (continuous, discrete and finite).
FAMILIES = _families()

_CALL = re.compile(r"^\s*([A-Za-z_]\w*)\s*(?:\((.*)\))?\s*$", re.S)


def _split_arguments(text):
    """Split at top-level commas (not inside brackets or parentheses)."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
            if depth < 0:
                raise ParseError("unbalanced brackets in the argument list", text=text,
                                 position=i)
        elif ch == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    if depth != 0:
        raise ParseError("unbalanced brackets in the argument list", text=text)
    parts.append(text[start:])
    parts = [p.strip() for p in parts]
    if parts == [""]:
        return []
    if any(not p for p in parts):
        raise ParseError("empty argument in the argument list", text=text)
    return parts


def _parse_argument(text, symbols):
    if text.startswith("[") and text.endswith("]"):
        return [_parse_argument(t, symbols) for t in _split_arguments(text[1:-1])]
    if "=" in text:
        raise ParseError("keyword arguments are not accepted; give the parameters in order",
                         text=text)
    return parse(text, symbols=symbols)


@functools.lru_cache(maxsize=None)
def _requirements(family, nargs):
    """For each parameter: 'positive', 'positive integer' or None, by probing the check."""
    ctor = FAMILIES[family]
    generic = [sp.Symbol(f"_p{i}", real=True) for i in range(nargs)]

    def raises(i, value):
        args = list(generic)
        args[i] = value
        try:
            ctor("_probe", *args)
        except (ValueError, TypeError, NotImplementedError):
            return True
        except Exception:  # pragma: no cover - any other failure: no information
            return False
        return False

    out = []
    for i in range(nargs):
        negative = raises(i, sp.Integer(-1))
        fractional = raises(i, sp.Rational(1, 2)) and not raises(i, sp.Integer(2))
        out.append("positive integer" if fractional else ("positive" if negative else None))
    return tuple(out)


def distribution(spec, *, name="X", symbols=None):
    """A ``sympy.stats`` random variable from text such as ``"Normal(mu, sigma)"``.

    Parameters
    ----------
    spec : str or sympy.stats random symbol
        ``"Family(arg, ...)"`` with a family of :data:`FAMILIES`; arguments are
        expressions (read by :func:`derive.parsing.parse`) or lists ``[1, 2, 3]``.
        A random symbol is returned unchanged.
    name : str, optional
        The name of the random variable (default ``"X"``).
    symbols : iterable of Symbol or dict, optional
        Symbols (with your assumptions) to use for parameter names; names not
        given here get the assumptions the family requires.

    Returns
    -------
    sympy.stats.rv.RandomSymbol

    Raises
    ------
    ParseError
        Unknown family, bad argument text, or parameters the family rejects.

    Examples
    --------
    >>> import sympy.stats as st
    >>> X = distribution("Gamma(k, theta)")
    >>> st.E(X)
    k*theta
    >>> distribution("Poisson(-1)")
    Traceback (most recent call last):
    ...
    derive.errors.ParseError: Lambda must be positive; check the parameters of Poisson: Poisson(lamda): Poisson(-1)
    """
    if is_random(spec):
        return spec
    if not isinstance(spec, str):
        raise ParseError(f"distribution {spec!r}: give text such as 'Normal(0, 1)' or a "
                         "sympy.stats random variable")
    if not (isinstance(name, str) and name.isidentifier()):
        raise ParseError(f"random variable name {name!r} is not an identifier")
    match = _CALL.match(spec)
    if not match:
        raise ParseError("expected a family and its arguments, e.g. 'Normal(mu, sigma)'",
                         text=spec)
    family, arglist = match.group(1), match.group(2) or ""
    if family not in FAMILIES:
        close = [f for f in FAMILIES if f.lower() == family.lower()]
        hint = f"did you mean {close[0]}?" if close else "see derive.stats.FAMILIES"
        raise ParseError(f"unknown distribution family {family!r}; {hint}", text=spec,
                         piece=family)
    given = {} if symbols is None else (
        dict(symbols) if isinstance(symbols, dict) else {s.name: s for s in symbols})
    texts = _split_arguments(arglist)
    args = [_parse_argument(t, given) for t in texts]
    needs = _requirements(family, len(args)) if args else ()
    fixed = []
    for text, arg, need in zip(texts, args, needs):
        if need and isinstance(arg, sp.Symbol) and text not in given:
            assumptions = {"positive": True}
            if need == "positive integer":
                assumptions["integer"] = True
            arg = sp.Symbol(arg.name, **assumptions)
        fixed.append(arg)
    try:
        return FAMILIES[family](name, *fixed)
    except (ValueError, TypeError) as exc:
        params = ", ".join(list(_signature(family)))
        raise ParseError(f"{exc}; check the parameters of {family}: {family}({params})",
                         text=spec) from None


def _signature(family):
    try:
        return [p for p in inspect.signature(FAMILIES[family]).parameters if p != "name"]
    except (TypeError, ValueError):  # pragma: no cover
        return ["..."]


def is_random(obj):
    """True for a ``sympy.stats`` random symbol."""
    return isinstance(obj, sp.Basic) and isinstance(obj, st.rv.RandomSymbol)


def family_of(X):
    """The family name of a random variable built from :data:`FAMILIES` (or None).

    Examples
    --------
    >>> family_of(distribution("Laplace(0, 1)"))
    'Laplace'
    """
    dist = getattr(X.pspace, "distribution", None)
    cls = type(dist).__name__
    if cls == "FiniteDistributionHandmade":
        return "Categorical"
    if cls.endswith("Distribution"):
        base = cls[: -len("Distribution")]
        for name in FAMILIES:
            if name == base or (name + "Distribution") == cls:
                return name
        return base
    return None


def density_variable(pdf, variable="x", support=("-oo", "oo"), *, name="X", symbols=None,
                     seconds=10.0):
    """A continuous random variable from a density given as text with its support.

    The density must integrate to one over the support: this is checked with
    :func:`derive.integrals.integrate` (exactly when it can, else numerically).

    Parameters
    ----------
    pdf : str or sympy.Expr
        The density, in ``variable``.
    variable : str or Symbol
        The name of the density's variable.
    support : (a, b)
        The interval where the density lives (text or numbers, ``"oo"`` allowed).
    name : str
        Name of the random variable.
    symbols : iterable of Symbol or dict, optional
        Symbols with assumptions for the parameters.
    seconds : float
        Budget of the normalization integral.

    Returns
    -------
    sympy.stats.rv.RandomSymbol

    Raises
    ------
    NotNormalizedError
        The density does not integrate to 1 (the message gives the integral).

    Examples
    --------
    >>> import sympy.stats as st
    >>> X = density_variable("2*x", "x", (0, 1))
    >>> st.E(X)
    2/3
    >>> density_variable("x", "x", (0, 1))
    Traceback (most recent call last):
    ...
    derive.stats.distributions.NotNormalizedError: the density x on (0, 1) integrates to 1/2, not 1; divide it by 1/2
    """

    given = {} if symbols is None else (
        dict(symbols) if isinstance(symbols, dict) else {s.name: s for s in symbols})
    x = variable if isinstance(variable, sp.Symbol) else given.get(variable) or sp.Symbol(
        variable, real=True)
    given[x.name] = x
    f = parse(pdf, symbols=given)
    a, b = (parse(str(t) if isinstance(t, (int, float)) else t, symbols=given)
            for t in support)
    total = integrate(f, (x, a, b), seconds=seconds)
    shown = f"the density {sp.sstr(f)} on ({sp.sstr(a)}, {sp.sstr(b)})"
    if total.status in ("unevaluated", "diverges", "does not exist") or total.function is not None:
        # no number to compare with 1 (a numeric function of the parameters is not one)
        raise NotNormalizedError(f"{shown}: could not check that it integrates to 1 "
                                 f"({total.status}: {total.reason or total.check.detail}); "
                                 "give a simpler density or numbers")
    value = total.value
    if total.status == "exact":
        if isinstance(value, sp.Piecewise):
            value = value.args[0][0]
        diff = sp.simplify(value - 1) if sp.count_ops(value) < 60 else value - 1
        bad = diff != 0 and not (diff.is_number and abs(sp.N(diff, 30)) < 1e-25)
    else:
        bad = abs(float(value) - 1) > max(1e-9, 10 * (total.error or 0))
    if bad:
        raise NotNormalizedError(f"{shown} integrates to {sp.sstr(value)}, not 1; divide it "
                                 f"by {sp.sstr(value)}")
    rv_symbol = sp.Symbol(name, real=True)
    return st.ContinuousRV(rv_symbol, f.xreplace({x: rv_symbol}), set=sp.Interval(a, b))


def pmf_variable(table, *, name="X", symbols=None):
    """A finite random variable from a table ``{value: probability}`` (text allowed).

    Raises
    ------
    NotNormalizedError
        The probabilities do not sum to one.

    Examples
    --------
    >>> import sympy.stats as st
    >>> B = pmf_variable({0: "1/4", 1: "3/4"}, name="B")
    >>> st.E(B), st.variance(B)
    (3/4, 3/16)
    """
    given = {} if symbols is None else (
        dict(symbols) if isinstance(symbols, dict) else {s.name: s for s in symbols})

    def read(v):
        return parse(str(v) if isinstance(v, (int, float)) else v, symbols=given)

    density = {read(k): read(v) for k, v in dict(table).items()}
    total = sp.nsimplify(sum(density.values())) if all(
        v.is_number for v in density.values()) else sp.simplify(sum(density.values()))
    if total != 1:
        raise NotNormalizedError(f"the probabilities {sp.sstr(list(density.values()))} sum to "
                                 f"{sp.sstr(total)}, not 1")
    return st.FiniteRV(name, density)
