"""The settings most organisations change when they adopt a model rulebook, as a form: name,
constituencies (names, ages, areas), seats and terms, notice periods, quorum, share values.

Pure. `settings_for(text)` lists the settings a rulebook has (none is invented: a model with no
shares has no share settings); `apply(text, values)` writes new values into the YAML text in
place, so every comment (the sources, the [S] and [R] marks) and every other line stays as it
was. The result is checked by `load_text` like any rulebook, and a problem names its line.
"""

from __future__ import annotations

import json
import re
import textwrap
from dataclasses import dataclass

import yaml

from .checks import field_text

Path_ = tuple[str | int, ...]


class SettingError(ValueError):
    """A value the form cannot write, keyed by the setting's form key."""

    def __init__(self, problems: dict[str, str]):
        self.problems = problems
        super().__init__("; ".join(f"{k}: {v}" for k, v in problems.items()))


@dataclass(frozen=True)
class Setting:
    path: Path_
    label: str
    # "text" (one line), "paragraph" (a few sentences), "count", "pence" (shown in pounds) or
    # "list" (comma-separated)
    kind: str
    value: str  # as the form shows it
    group: str
    hint: str = ""

    @property
    def key(self) -> str:
        """The form field's name: the rulebook field, e.g. 'bodies[0].seats[1].seats'."""
        return field_text(self.path)


def _node_at(root: yaml.Node, path: Path_) -> yaml.Node | None:
    node = root
    for part in path:
        if isinstance(part, int):
            if not isinstance(node, yaml.SequenceNode) or part >= len(node.value):
                return None
            node = node.value[part]
        else:
            if not isinstance(node, yaml.MappingNode):
                return None
            node = next((v for k, v in node.value if getattr(k, "value", None) == part), None)
            if node is None:
                return None
    return node


def _get(data, path: Path_):
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def pounds(pence: int) -> str:
    return f"{pence // 100}.{pence % 100:02d}" if pence % 100 else str(pence // 100)


_POUNDS = re.compile(r"^£?\s*(\d{1,9})(?:\.(\d{1,2}))?$")


def parse_pounds(text: str) -> int | None:
    match = _POUNDS.match(text.strip().replace(",", ""))
    if not match:
        return None
    whole, part = match.groups()
    return int(whole) * 100 + int((part or "0").ljust(2, "0"))


def settings_for(text: str) -> list[Setting]:
    """The form's settings for this rulebook text (which must parse as YAML)."""
    data = yaml.safe_load(text) or {}
    found: list[Setting] = []

    def add(path, label, kind, group, hint=""):
        value = _get(data, path)
        if value is None or isinstance(value, dict):
            return
        if kind == "list":
            if not isinstance(value, list):
                return
            shown = ", ".join(str(v) for v in value)
        elif kind == "pence":
            if not isinstance(value, int):
                return
            shown = pounds(value)
        else:
            shown = str(value)
        found.append(Setting(tuple(path), label, kind, shown, group, hint))

    add(
        ("organisation", "name"), "Name", "text", "The organisation", "Its registered name, in full"
    )
    add(
        ("organisation", "purpose"),
        "Its purpose (objects)",
        "paragraph",
        "The organisation",
        "What it exists to do, as its registered objects say it, finishing the sentence "
        "“Its purpose is…”",
    )
    for i, c in enumerate(data.get("constituencies") or []):
        group = c.get("name", c.get("id", f"constituency {i + 1}"))
        add(("constituencies", i, "name"), "Name", "text", group)
        area = ("constituencies", i, "eligibility", "area")
        add(
            ("constituencies", i, "eligibility", "minimum_age"),
            "Minimum age to join",
            "count",
            group,
            "In whole years",
        )
        add(area + ("description",), "Area", "text", group)
        add(
            area + ("postcode_districts",),
            "Postcode districts",
            "list",
            group,
            "Separate them with commas, for example NE1, NE2",
        )
        add(
            area + ("local_authority_codes",),
            "Local authority codes",
            "list",
            group,
            "ONS codes, separated with commas, for example E08000021",
        )
    for i, b in enumerate(data.get("bodies") or []):
        group = b.get("name", b.get("id", f"body {i + 1}"))
        add(
            ("bodies", i, "total_seats"),
            "Seats in all",
            "count",
            group,
            "The seats below must add up to this",
        )
        for j, s in enumerate(b.get("seats") or []):
            label = s.get("name") or str(s.get("id", f"seat group {j + 1}")).replace("-", " ")
            add(("bodies", i, "seats", j, "seats"), f"Seats: {label}", "count", group)
        add(("bodies", i, "term", "years"), "Term of office", "count", group, "In years")
    timing = "Notice periods"
    add(
        ("meetings", "agm", "notice_clear_days"),
        "Notice of the annual general meeting",
        "count",
        timing,
        "In clear days",
    )
    add(
        ("meetings", "general", "notice_clear_days"),
        "Notice of other general meetings",
        "count",
        timing,
        "In clear days",
    )
    add(
        ("elections", "timetable", "notice_of_election"),
        "Notice of election",
        "count",
        timing,
        "Days before the close of poll",
    )
    add(
        ("elections", "timetable", "nominations_close"),
        "Nominations close",
        "count",
        timing,
        "Days before the close of poll",
    )
    add(("meetings", "quorum", "absolute"), "Quorum (members present)", "count", "General meetings")
    add(("shares", "nominal_value_pence"), "Value of one share", "pence", "Shares", "In pounds")
    add(
        ("shares", "minimum_holding_pence"),
        "Least a member must hold",
        "pence",
        "Shares",
        "In pounds",
    )
    add(
        ("shares", "maximum_holding_pence"),
        "Most a member may hold",
        "pence",
        "Shares",
        "In pounds",
    )
    return found


MAX_PARAGRAPH = 2000  # characters: the models' purposes are under 300


def _render(setting: Setting, raw: str) -> str:
    raw = raw.strip()
    if setting.kind == "count":
        if not (raw.isascii() and raw.isdigit()) or len(raw) > 9:
            raise ValueError("Enter a whole number, like 14")
        return str(int(raw))
    if setting.kind == "pence":
        pence = parse_pounds(raw)
        if pence is None:
            raise ValueError("Enter an amount in pounds, like 1 or 2.50")
        return str(pence)
    if setting.kind == "list":
        items = [item.strip() for item in raw.split(",") if item.strip()]
        return "[" + ", ".join(_scalar(item, in_list=True) for item in items) + "]"
    if setting.kind == "paragraph":
        raw = " ".join(raw.split())  # a paragraph is one run of words: the form may wrap it
        if not raw:
            raise ValueError("Enter a value")
        if len(raw) > MAX_PARAGRAPH:
            raise ValueError(f"Enter at most {MAX_PARAGRAPH} characters")
        return raw
    if not raw:
        raise ValueError("Enter a value")
    if "\n" in raw or len(raw) > 500:
        raise ValueError("Enter one line of at most 500 characters")
    return _scalar(raw)


def _scalar(value: str, in_list: bool = False) -> str:
    """Plain if YAML reads it back as the same text, else double-quoted (a JSON string is a
    YAML double-quoted string)."""
    plain = not (in_list and any(c in value for c in ",[]{}"))
    if plain:
        try:
            plain = yaml.safe_load(f"k: {value}") == {"k": value}
        except yaml.YAMLError:
            plain = False
    return value if plain else json.dumps(value, ensure_ascii=False)


def _folded(words: str, text: str, node: yaml.Node) -> str:
    """A paragraph as a folded block (">-") indented as the one it replaces, so the rulebook
    keeps its short lines; YAML folds the lines back into the same single run of words."""
    key_line = text.splitlines()[node.start_mark.line]
    indent = " " * (len(key_line) - len(key_line.lstrip()) + 2)
    lines = textwrap.wrap(words, width=96 - len(indent), break_long_words=False)
    return ">-\n" + "\n".join(indent + line for line in lines)


def apply(text: str, values: dict[str, str]) -> str:
    """Write the form's values (by setting key) into the text. Unchanged values leave the text
    as it was; a value the form cannot write raises SettingError naming every such key."""
    root = yaml.compose(text)
    edits, problems = [], {}
    for setting in settings_for(text):
        if setting.key not in values:
            continue
        raw = values[setting.key]
        if " ".join(raw.split()) == " ".join(setting.value.split()):
            continue  # unchanged (a wrapped paragraph is the same run of words)
        try:
            new = _render(setting, raw)
        except ValueError as exc:
            problems[setting.key] = str(exc)
            continue
        node = _node_at(root, setting.path)
        if node is None:
            continue
        start, end = node.start_mark.index, node.end_mark.index
        block = isinstance(node, yaml.ScalarNode) and node.style in ("|", ">")
        if setting.kind == "paragraph":
            new = _folded(new, text, node) if block else _scalar(new)
        if block:
            new += "\n"  # a block scalar's span runs to the start of the next line
        elif isinstance(node, yaml.SequenceNode) and not node.flow_style and node.value:
            # A block list becomes a flow list in its place (comments after it stay).
            end = node.value[-1].end_mark.index
        edits.append((start, end, new))
    if problems:
        raise SettingError(problems)
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text
