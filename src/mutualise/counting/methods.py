"""The registry of counting methods: name -> `count(profile, seats=None, **options)`."""

from __future__ import annotations

import importlib
from types import ModuleType

from .result import CountError, Method

BUILTIN_MODULES = (
    "mutualise.counting.stv.scottish",
    "mutualise.counting.plurality",
    "mutualise.counting.approval",
    "mutualise.counting.irv",
    "mutualise.counting.referendum",
)
# Written on top of this core by others; registered as soon as they exist.
OPTIONAL_MODULES = tuple(
    f"mutualise.counting.stv.{name}" for name in ("ers97", "nhs_mer", "meek", "wigm")
)


def _load(name: str, optional: bool) -> ModuleType | None:
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if optional and exc.name == name:
            return None
        raise


def _discover() -> dict[str, Method]:
    methods: dict[str, Method] = {}
    for name, optional in [(m, False) for m in BUILTIN_MODULES] + [
        (m, True) for m in OPTIONAL_MODULES
    ]:
        module = _load(name, optional)
        if module is None:
            continue
        for alias in (module.NAME, *getattr(module, "ALIASES", ())):
            methods[alias] = module.count
    return methods


METHODS: dict[str, Method] = _discover()


def get_method(name: str) -> Method:
    try:
        return METHODS[name]
    except KeyError:
        known = ", ".join(sorted(METHODS))
        raise CountError(f"unknown counting method {name!r}; known: {known}") from None
