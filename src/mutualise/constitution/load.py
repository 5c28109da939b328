"""YAML text -> Constitution, reporting every problem at once with file, line and field.

PyYAML composes the node tree first, so each field path can be mapped to the line its key
starts on; pydantic then validates the plain data and every error it reports is placed on
that map. Cross-field checks (checks.py) run once the fields themselves are sound.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from .checks import cross_field_problems, field_text
from .schema import Constitution

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where} {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class RulebookError(ValueError):
    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


# Aliases let a short text expand into a huge (or endless) tree; real rulebooks stay far below.
MAX_VALUES = 100_000
MAX_DEPTH = 50


class _TooBig(Exception):
    def __init__(self, line: int, message: str):
        self.line, self.message = line, message


class _LineMap:
    """Field path -> line number (1-based) of the key or list item that introduces it."""

    def __init__(self) -> None:
        self.lines: dict[Path_, int] = {}
        self.duplicates: list[tuple[Path_, int, int]] = []
        self.values = 0

    def walk(self, node: yaml.Node, path: Path_ = ()) -> None:
        line = node.start_mark.line + 1
        self.values += 1
        if self.values > MAX_VALUES:
            raise _TooBig(line, f"the rulebook expands to more than {MAX_VALUES} values")
        if len(path) > MAX_DEPTH:
            raise _TooBig(line, f"the rulebook nests more than {MAX_DEPTH} levels deep")
        self.lines.setdefault(path, line)
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    raise _TooBig(key_node.start_mark.line + 1, "a key must be a plain name")
                key = key_node.value
                key_line = key_node.start_mark.line + 1
                if key in seen:
                    # YAML keeps the last value, so its lines replace the first one's.
                    self.duplicates.append((path + (key,), key_line, seen[key]))
                    prefix = path + (key,)
                    for known in [p for p in self.lines if p[: len(prefix)] == prefix]:
                        del self.lines[known]
                seen[key] = key_line
                self.lines.setdefault(path + (key,), key_line)
                self.walk(value_node, path + (key,))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                self.lines.setdefault(path + (index,), item.start_mark.line + 1)
                self.walk(item, path + (index,))

    def line_for(self, path: Path_) -> int | None:
        for end in range(len(path), -1, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return None


def _model_at(path: Path_) -> type[BaseModel] | None:
    """The pydantic model that owns the last field of `path`, for 'did you mean' hints."""
    model: Any = Constitution
    for part in path[:-1]:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part) if isinstance(model, type) else None
        if field is None:
            return None
        model = _inner_model(field.annotation)
        if model is None:
            return None
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


_UNIT_WORDS = (
    ("_days", "a whole number of days"),
    ("_months", "a whole number of months"),
    ("_pence", "a whole number of pence"),
    ("_age", "an age in whole years"),
    ("years", "a whole number of years"),
)


def _whole_number_phrase(path: Path_) -> str:
    name = str(next((p for p in reversed(path) if isinstance(p, str)), ""))
    for suffix, phrase in _UNIT_WORDS:
        if name.endswith(suffix):
            return phrase
    return "a whole number"


def _message(error: dict[str, Any], path: Path_) -> str:
    kind, value, ctx = error["type"], error.get("input"), error.get("ctx") or {}
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        model = _model_at(path)
        hint = ""
        if model is not None:
            close = difflib.get_close_matches(str(path[-1]), list(model.model_fields), n=1)
            if close:
                hint = f" (did you mean '{close[0]}'?)"
        return f"unknown field{hint}"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"expected {_whole_number_phrase(path)}, got {value!r}"
    if kind in ("bool_type", "bool_parsing"):
        return f"expected true or false, got {value!r}"
    if kind in ("enum", "literal_error"):
        expected = ctx.get("expected", "")
        return f"expected one of {expected}, got {value!r}"
    if kind == "string_pattern_mismatch":
        return f"expected a slug of lower-case letters, digits and hyphens, got {value!r}"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        bound = {
            "greater_than_equal": "at least",
            "greater_than": "more than",
            "less_than_equal": "at most",
            "less_than": "less than",
        }[kind]
        limit = next(iter(ctx.values()), "")
        return f"must be {bound} {limit}, got {value!r}"
    if kind == "too_short":
        return "must not be empty"
    if kind in ("model_type", "dict_type"):
        return f"expected a mapping of fields, got {value!r}"
    if kind in ("tuple_type", "list_type"):
        return f"expected a list, got {value!r}"
    if kind in ("string_type",):
        return f"expected text, got {value!r}"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    if kind == "assertion_error":
        return error["msg"].removeprefix("Assertion failed, ")
    return error["msg"]


def _pydantic_problems(exc: ValidationError, filename: str, lines: _LineMap) -> list[Problem]:
    problems = []
    errors = exc.errors()
    failed = [error["loc"] for error in errors if error["type"] != "too_short"]
    for error in errors:
        # A list whose items failed also reports itself as too short: say it once.
        loc = error["loc"]
        if error["type"] == "too_short" and any(f[: len(loc)] == loc for f in failed):
            continue
        # Drop pydantic's internal markers (e.g. function names) so paths match the YAML.
        path = tuple(p for p in error["loc"] if isinstance(p, int) or "[" not in str(p))
        problems.append(
            Problem(filename, lines.line_for(path), field_text(path), _message(error, path))
        )
    return problems


# libyaml's parser is several times faster and keeps the same marks; pure Python otherwise.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_text(text: str, filename: str = "<rulebook>") -> Constitution:
    """Parse and validate a rulebook; raise RulebookError listing every problem found.

    Apps load the stored text of an organisation's rulebook often, so results are cached by
    (text, filename); a Constitution is frozen, so sharing one is safe.
    """
    return _load_cached(text, filename)


def _control_character(text: str, filename: str, exc: yaml.reader.ReaderError) -> RulebookError:
    """The YAML reader refuses control characters before parsing (not a MarkedYAMLError)."""
    line = text[: exc.position].count("\n") + 1
    message = f"a control character ({exc.character!r}) is not allowed"
    return RulebookError([Problem(filename, line, "", message)])


@lru_cache(maxsize=64)
def _load_cached(text: str, filename: str) -> Constitution:
    try:
        loader = _Loader(text)  # the pure-Python reader checks every character here
    except yaml.reader.ReaderError as exc:
        raise _control_character(text, filename, exc) from None
    try:
        try:
            node = loader.get_single_node()
        except yaml.reader.ReaderError as exc:  # libyaml checks as it reads
            raise _control_character(text, filename, exc) from None
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            # At the end of the text the mark sits on the line after the last one.
            last_line = max(1, len(text.splitlines()))
            line = min(mark.line + 1, last_line) if mark else None
            message = " ".join(filter(None, [exc.context, exc.problem])) or str(exc)
            raise RulebookError([Problem(filename, line, "", f"YAML syntax: {message}")]) from None
        if node is None:
            raise RulebookError([Problem(filename, None, "", "the rulebook is empty")])
        lines = _LineMap()
        try:
            lines.walk(node)
        except _TooBig as exc:
            raise RulebookError([Problem(filename, exc.line, "", exc.message)]) from None
        try:
            data = loader.construct_document(node)
        except yaml.constructor.ConstructorError as exc:
            mark = exc.problem_mark
            raise RulebookError(
                [Problem(filename, mark.line + 1 if mark else None, "", f"YAML: {exc.problem}")]
            ) from None
    finally:
        loader.dispose()

    problems = [
        Problem(filename, line, field_text(path), f"duplicate key (first given on line {first})")
        for path, line, first in lines.duplicates
    ]
    if not isinstance(data, dict):
        problems.append(Problem(filename, 1, "", "the rulebook must be a mapping of sections"))
        raise RulebookError(problems)
    try:
        constitution = Constitution.model_validate(data)
    except ValidationError as exc:
        problems.extend(_pydantic_problems(exc, filename, lines))
        raise RulebookError(_in_line_order(problems)) from None
    for path, message in cross_field_problems(constitution):
        problems.append(Problem(filename, lines.line_for(path), field_text(path), message))
    if problems:
        raise RulebookError(_in_line_order(problems))
    return constitution


def _in_line_order(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: p.line or 0)


def load_file(path: str | Path) -> Constitution:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RulebookError([Problem(str(path), None, "", exc.strerror or str(exc))]) from None
    except UnicodeDecodeError as exc:
        raise RulebookError([Problem(str(path), None, "", f"not UTF-8 text: {exc}")]) from None
    return load_text(text, filename=str(path))
