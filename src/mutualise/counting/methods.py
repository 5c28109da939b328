"""The index of counting methods, discovered: every module of `mutualise.counting` and
`mutualise.counting.stv` that declares `NAME`, `count` and `INFO` (an `info.MethodInfo`) is a
method, under its `NAME` and any `ALIASES`. A new method is a new module; nothing else lists it.

- `METHODS`: slug or alias -> `count(profile, seats=None, **options)`;
- `INDEX`: slug -> `MethodInfo` (each method once, under its own slug);
- `get_method(slug)`, `describe(slug)`: either, or a `CountError` naming the known slugs.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import replace
from types import ModuleType

from .info import MethodInfo
from .result import CountError, Method

PACKAGES = ("mutualise.counting", "mutualise.counting.stv")
# Modules of the package that are not methods and must not be imported here: the command line
# (it imports this index).
NOT_METHODS = frozenset({"mutualise.counting.cli", "mutualise.counting.methods"})


def _method_modules() -> list[ModuleType]:
    found = []
    for package_name in PACKAGES:
        # why: the counting methods are plugins, found by walking their packages
        package = importlib.import_module(package_name)
        for module in pkgutil.iter_modules(package.__path__, package_name + "."):
            if module.ispkg or module.name.rsplit(".", 1)[1].startswith("_"):
                continue
            if module.name in NOT_METHODS:
                continue
            candidate = importlib.import_module(module.name)  # why: a method plugin, by name
            if all(hasattr(candidate, a) for a in ("NAME", "count", "INFO")):
                found.append(candidate)
    return sorted(found, key=lambda m: m.NAME)


def _discover() -> tuple[dict[str, Method], dict[str, MethodInfo]]:
    methods: dict[str, Method] = {}
    index: dict[str, MethodInfo] = {}
    for module in _method_modules():
        aliases = tuple(getattr(module, "ALIASES", ()))
        for slug in (module.NAME, *aliases):
            if slug in methods:
                raise RuntimeError(f"two counting methods are called {slug!r}")
            methods[slug] = module.count
        index[module.NAME] = replace(module.INFO, slug=module.NAME, aliases=aliases)
    return methods, index


METHODS, INDEX = _discover()
_BY_ALIAS = {alias: info for info in INDEX.values() for alias in (info.slug, *info.aliases)}


def _unknown(name: str) -> CountError:
    known = ", ".join(sorted(METHODS))
    return CountError(f"unknown counting method {name!r}; known: {known}")


def get_method(name: str) -> Method:
    try:
        return METHODS[name]
    except KeyError:
        raise _unknown(name) from None


def describe(name: str) -> MethodInfo:
    """The method's own account of itself (by slug or alias)."""
    try:
        return _BY_ALIAS[name]
    except KeyError:
        raise _unknown(name) from None


def display_name(name: str) -> str:
    """The name a member reads; an unknown slug is shown as it is."""
    info = _BY_ALIAS.get(name)
    return info.name if info else name
