"""Conveniences a result type offers and a higher layer provides.

A :class:`~derive.derivation.Derivation` can ``.compile()`` and ``.check()``
itself and renders in Jupyter; a :class:`~derive.checking.report.CheckReport`
prints its evidence. The code for those lives in higher layers (code
generation, checking, reporting), and a lower layer never imports a higher
one. So the result type asks this table for the function by name, and the
public facade (``derive/__init__.py``) fills the table with the dotted names of
the providers; the provider is imported on first use. Importing any part of
``derive`` runs the facade first, so the table is always filled.

Examples
--------
>>> from derive.conveniences import provide, provider
>>> provide("example.root", "math:sqrt")
>>> provider("example.root")(16.0)
4.0
"""

from __future__ import annotations

from importlib import import_module

#: convenience name -> "module:attribute" of the function that provides it
_PROVIDERS: dict[str, str] = {}


def provide(name: str, target: str) -> None:
    """Register ``target`` (``"package.module:function"``) as the provider of ``name``."""
    module, sep, attribute = target.partition(":")
    if not sep or not module or not attribute:
        raise ValueError(f"provider {target!r} for {name!r} must read 'module:attribute'")
    _PROVIDERS[name] = target


def provider(name: str):
    """The function registered for ``name``, imported on first use."""
    try:
        target = _PROVIDERS[name]
    except KeyError:
        raise LookupError(f"no provider is registered for {name!r}; the facade "
                          "(derive/__init__.py) registers them when derive is imported") from None
    module, _, attribute = target.partition(":")
    return getattr(import_module(module), attribute)
