"""Issue 20, item 5: every field of the rulebook schema is honoured. The schema is walked from
`Constitution` to every leaf field (e.g. `participation.budgets.review_days`); each must be

(a) read by the apps: its attribute (`.review_days`) or its key (`"review_days"`) appears in
    `src/mutualise` outside the schema package, or a method of its own model that reads it
    (`Rotation.retiring` reads `self.rounding`) is called there, or it is in HONOURED_BY_SCHEMA,
    saying how the schema itself honours it; and
(b) tried by a test: a test outside the schema-parsing tests names it as an attribute, an
    override (`review_days: 3`, `review_days=3`) or a key, or it is in UNTESTED, which may only
    shrink: an entry that has gained a test fails here until it is removed.

A field the apps stop reading, or a new field nobody reads, fails (a); the fix is a reader, not an
entry here. The measures (`Period`, `Threshold`, `YearEnd`) are leaves: the apps read them whole,
through their own methods. Adopted rulebooks are immutable, so no field is removed."""

from __future__ import annotations

import inspect
import re
import typing
from functools import cache
from pathlib import Path

from pydantic import BaseModel

from mutualise.constitution.schema import Constitution, Period, Threshold, YearEnd

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "mutualise"
SCHEMA = SRC / "constitution" / "schema"
TESTS = ROOT / "tests"
MEASURES = (Period, Threshold, YearEnd)
# Tests that only parse the schema (a field there shows it loads, not that anything obeys it).
PARSING_ONLY = {
    "tests/constitution/test_models.py",
    "tests/constitution/test_load_errors.py",
    "tests/constitution/test_load_fuzz.py",
    "tests/constitution/rulebook_text.py",
    "tests/constitution/test_every_field_is_honoured.py",
}

# Fields the schema honours itself, with no reader in the apps.
HONOURED_BY_SCHEMA = {
    "schema_version": "Literal[1]: a rulebook written for another version is refused at loading",
}

# Read by the apps but with no test yet that changes the field in a rulebook and shows the
# behaviour change ("path": "where it is read"). Empty: keep it so; it may only shrink.
UNTESTED: dict[str, str] = {}


def _models(annotation) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models(arg)]


def _walk(model: type[BaseModel], prefix: str = ""):
    for name, field in model.model_fields.items():
        path = prefix + name
        inner = [m for m in _models(field.annotation) if not issubclass(m, MEASURES)]
        if not inner:
            yield path, model, name
        for sub in inner:
            yield from _walk(sub, path + ".")


@cache
def leaves() -> tuple[tuple[str, type[BaseModel], str], ...]:
    return tuple(_walk(Constitution))


@cache
def _texts(root: Path, suffixes: tuple[str, ...]) -> dict[str, str]:
    return {
        str(path.relative_to(ROOT)): path.read_text(encoding="utf-8")
        for path in sorted(root.rglob("*"))
        if path.suffix in suffixes and SCHEMA not in path.parents
    }


WORD = r"([a-z_][a-z0-9_]*)"
ATTRIBUTES_AND_KEYS = (rf"\.{WORD}\b", rf"[\"']{WORD}[\"']")
OVERRIDES = (rf"\b{WORD}\s*[:=]",)


def _names(text: str, patterns: tuple[str, ...]) -> frozenset[str]:
    return frozenset(name for pattern in patterns for name in re.findall(pattern, text))


@cache
def _app_names() -> frozenset[str]:
    """Attributes read (`.review_days`) and keys named (`"review_days"`) by the apps."""
    return _names("\n".join(_texts(SRC, (".py", ".html", ".txt")).values()), ATTRIBUTES_AND_KEYS)


@cache
def _tested_names() -> frozenset[str]:
    """Attributes, keys and overrides (`review_days: 3`, `review_days=3`) the tests name."""
    texts = _texts(TESTS, (".py",))
    text = "\n".join(v for k, v in texts.items() if k not in PARSING_ONLY)
    return _names(text, ATTRIBUTES_AND_KEYS + OVERRIDES)


def _read_through_method(model: type[BaseModel], name: str) -> bool:
    """A public method of the field's own model reads `self.<name>`, and the apps call it."""
    for method, value in vars(model).items():
        function = getattr(value, "fget", value)
        if method.startswith("_") or not inspect.isfunction(function):
            continue
        if method in _app_names() and re.search(rf"\bself\.{name}\b", inspect.getsource(function)):
            return True
    return False


def is_read(model: type[BaseModel], name: str) -> bool:
    return name in _app_names() or _read_through_method(model, name)


def is_tried(name: str) -> bool:
    return name in _tested_names()


def test_the_walk_reaches_the_fields_we_know():
    paths = {path for path, _, _ in leaves()}
    assert {
        "participation.budgets.review_days",
        "membership.one_constituency_only",
        "bodies.seats.term.max_terms",
        "shares.interest_choice.default",
    } <= paths
    assert len(paths) > 150


def test_every_field_is_read_by_the_apps():
    unread = [
        path
        for path, model, name in leaves()
        if path not in HONOURED_BY_SCHEMA and not is_read(model, name)
    ]
    assert unread == [], f"rulebook fields nothing reads (honour them): {unread}"


def test_every_field_is_tried_by_a_test():
    untried = [
        path
        for path, _, name in leaves()
        if path not in UNTESTED and path not in HONOURED_BY_SCHEMA and not is_tried(name)
    ]
    assert untried == [], f"rulebook fields no test changes: {untried}"


def test_the_allowlists_only_shrink():
    by_path = {path: (model, name) for path, model, name in leaves()}
    assert set(HONOURED_BY_SCHEMA) | set(UNTESTED) <= set(by_path), "entries for no field"
    stale = [path for path in HONOURED_BY_SCHEMA if is_read(*by_path[path])]
    stale += [path for path in UNTESTED if is_tried(by_path[path][1])]
    assert stale == [], f"these now have a reader or a test: remove their entries: {stale}"
