"""The evidence `test_every_field_is_honoured.py` weighs for a field whose last name another field
shares (`elections.ties`, `bodies.*.rotation.ties`): evidence about IT, not about its namesake.

A field is named by its *distinguishing suffix*: the fewest trailing segments of its path no other
field ends with (`rotation.ties`; `bodies.term.years` against `seats.term.years`). A segment may be
written as its field's name (`rotation`), that name in the singular (`seats` as `seat`) or its
model's name (`SeatGroup` as `seat_group` or `group`). Evidence is then

- a chain of the suffix: `body.rotation.ties`, `seats[0].term.years`, `"bodies.0.rotation.ties"`;
- in the apps, one module naming every segment of the suffix as an attribute or a key (its
  docstrings and comments aside: a sentence about a field does not read it);
- in the tests, the leaf as a key nested under the suffix's segments (YAML or a dict literal,
  `rotation:` then, indented below it, `ties: lot`), or a keyword under a constructor,
  `rotation=Rotation(ties="lot")`."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from functools import cache

WORD = r"[A-Za-z_][A-Za-z0-9_]*"
# `a.b`, `a["b"]`, `a[0].b`, `a.0.b` and `a.*.b` are all the chain a.b.
KEY = re.compile(rf"\[[\"']({WORD})[\"']\]")
INDEX = re.compile(r"\[[^\]\n]*\]|\.(?:\d+|\*)(?=\.)")
CHAIN = re.compile(rf"\b{WORD}(?:\.{WORD})+")
PAREN = re.compile(r"[()]")
DOCSTRING = re.compile(r"(\A|:[ \t]*\n)\s*[rRbBuU]*(\"\"\"|''')[\s\S]*?\2")
COMMENT = re.compile(r"#[^\n]*|\{#[\s\S]*?#\}|\{% comment %\}[\s\S]*?\{% endcomment %\}")
NAMES = re.compile(rf"\.({WORD})\b|[\"']({WORD})[\"']")
KEY_LINE = re.compile(rf"^([ \t]*)(?:-[ \t]+)?[\"']?({WORD})[\"']?[ \t]*:(.*)$")
KEYWORD_CALL = re.compile(rf"\b({WORD})\s*=\s*[\w.]*\(")
KEYWORD = re.compile(rf"\b({WORD})\s*=(?!=)")
LONGEST = 4  # segments of the longest distinguishing suffix looked for
INLINE_KEY = re.compile(rf"[\"']?({WORD})[\"']?\s*:")


def last_name_shared(paths: Iterable[str]) -> frozenset[str]:
    """The paths whose last name another path shares."""
    paths = tuple(paths)
    counts = Counter(path.rsplit(".", 1)[-1] for path in paths)
    return frozenset(path for path in paths if counts[path.rsplit(".", 1)[-1]] > 1)


def suffix(path: str, paths: Iterable[str]) -> tuple[str, ...]:
    """The fewest trailing segments of `path` that no other of `paths` ends with."""
    segments = tuple(path.split("."))
    others = [tuple(other.split(".")) for other in paths if other != path]
    for size in range(1, len(segments) + 1):
        tail = segments[-size:]
        if not any(other[-size:] == tail for other in others):
            return tail
    return segments


def singular(name: str) -> str:
    if name.endswith("ies"):
        return name[:-3] + "y"
    return name[:-1] if name.endswith("s") and not name.endswith("ss") else name


def snake(class_name: str) -> tuple[str, ...]:
    """`SeatGroup`: seat_group and group (a last word as loose as `rule` is left out)."""
    words = [word.lower() for word in re.findall(r"[A-Z][a-z0-9]*", class_name)]
    return tuple({"_".join(words), words[-1]} - {"rule"}) if words else ()


def spellings(segment: str, class_name: str | None) -> frozenset[str]:
    """How code may name a segment: the field, the field in the singular, the model's name."""
    return frozenset((segment, singular(segment), *snake(class_name or "")))


def code_only(text: str) -> str:
    """The text without its docstrings and comments."""
    return COMMENT.sub("", DOCSTRING.sub(r"\1", text))


def chains(text: str) -> frozenset[tuple[str, ...]]:
    """Every run of two to LONGEST names of a chain in the text (`a.b.c`: a.b, b.c, a.b.c)."""
    text = INDEX.sub("", KEY.sub(r".\1", text))
    runs = set()
    for match in CHAIN.finditer(text):
        names = match.group().split(".")
        for start in range(len(names) - 1):
            for end in range(start + 2, min(start + LONGEST, len(names)) + 1):
                runs.add(tuple(names[start:end]))
    return frozenset(runs)


def names(text: str) -> frozenset[str]:
    """Attributes (`.ties`) and keys (`"ties"`) the text names."""
    return frozenset(a or b for a, b in NAMES.findall(text))


def nested_keys(text: str) -> frozenset[tuple[str, ...]]:
    """Every key of the YAML (or indented dict literal) in the text with the keys it sits under,
    tail runs included: `rotation:` with `ties: lot` under it gives (rotation, ties)."""
    found = set()
    stack: list[tuple[int, str]] = []
    for line in text.splitlines():
        match = KEY_LINE.match(line)
        if not match:
            continue
        indent = len(line) - len(line.lstrip(" \t-"))
        while stack and stack[-1][0] >= indent:
            stack.pop()
        stack.append((indent, match.group(2)))
        keys = tuple(key for _, key in stack)
        rest = match.group(3).strip()
        inline = INLINE_KEY.findall(rest[: rest.find("}")]) if rest.startswith("{") else []
        for path in (keys, *(keys + (key,) for key in inline)):
            found.update(path[start:] for start in range(len(path) - 1))
    return frozenset(found)


def keywords_under(text: str) -> frozenset[tuple[str, str]]:
    """`rotation=Rotation(ties="lot")` gives (rotation, ties): keywords of a keyword's call."""
    found = set()
    for match in KEYWORD_CALL.finditer(text):
        depth, end = 1, len(text)
        for paren in PAREN.finditer(text, match.end()):
            depth += 1 if paren.group() == "(" else -1
            if depth == 0:
                end = paren.start()
                break
        found.update((match.group(1), kw) for kw in KEYWORD.findall(text, match.end(), end))
    return frozenset(found)


def spelt_in(runs: frozenset[tuple[str, ...]], spelt: tuple[frozenset[str], ...]) -> bool:
    """Some run is the suffix, each segment spelt one of its ways (the leaf exactly)."""
    size = len(spelt)
    return any(
        len(run) == size and all(name in ways for name, ways in zip(run, spelt, strict=True))
        for run in runs
    )


@cache
def run_index(runs: frozenset[tuple[str, ...]]) -> dict[str, frozenset[tuple[str, ...]]]:
    """Runs by their last name, so a field looks only at the runs that end with its leaf."""
    by_leaf: dict[str, set[tuple[str, ...]]] = {}
    for run in runs:
        by_leaf.setdefault(run[-1], set()).add(run)
    return {leaf: frozenset(found) for leaf, found in by_leaf.items()}
