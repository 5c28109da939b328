"""The one parser every ballot passes through, however it arrives: the web form, the JSON API
(`.../elections/<id>/api/cast`), paper keying, and (by the same idea) meeting polls.

What is stored is exactly what `check_marks` returns: a tuple of 1-based ballot positions, each
at most once, no more than the method allows; most preferred first for a ranked method, in ballot
order otherwise. Every refusal says what is wrong and where, in words a voter can act on.

Pure: no Django, no models (the ballot kind comes from the pure counting library's method
index), so any app (and the command line) can use it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from mutualise.counting.info import BallotKind
from mutualise.counting.methods import describe
from mutualise.counting.result import CountError

# A cast is a code, a short list of small numbers and a channel: a few hundred bytes even for a
# hundred candidates. Anything much larger is not a ballot, and is refused before it is parsed.
MAX_BODY_BYTES = 16 * 1024


class BallotInvalid(ValueError):
    """Marks that do not make a valid ballot; `problems` lists each in words."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


class Kind(StrEnum):
    """How many marks a method's ballot may carry, and whether their order means anything."""

    RANKED = "ranked"  # 1, 2, 3 ... as far as the voter wishes (STV, IRV)
    UP_TO_SEATS = "up-to-seats"  # a cross for at most as many candidates as seats (block vote)
    APPROVAL = "approval"  # a cross for any number of candidates
    SINGLE = "single"  # exactly one choice (yes/no, a single-choice poll)


def method_kind(method: str) -> Kind:
    """The ballot the method takes, as the counting library's method index declares it."""
    try:
        info = describe(method)
    except CountError:
        raise BallotInvalid([f"method: no ballot is known for the method '{method}'"]) from None
    if info.ballot is BallotKind.RANKED:
        return Kind.RANKED
    if info.ballot is BallotKind.MARKS:
        return Kind.APPROVAL if info.marks_up_to == "candidates" else Kind.UP_TO_SEATS
    return Kind.SINGLE


@dataclass(frozen=True)
class BallotRules:
    """What one poll's ballot may say: `candidates` on the paper, at most `most` marks."""

    kind: Kind
    candidates: int
    most: int
    names: tuple[str, ...] = ()  # the candidates in ballot order, to name them in errors

    @property
    def ranked(self) -> bool:
        return self.kind == Kind.RANKED

    def name(self, position: int) -> str:
        """The candidate at a ballot position, by name where known."""
        if 1 <= position <= len(self.names):
            return self.names[position - 1]
        return f"candidate {position}"

    def describe(self) -> str:
        if self.ranked:
            return f"number the candidates 1, 2, 3 ... (up to {self.most})"
        if self.kind == Kind.SINGLE:
            return "choose one"
        return f"vote for up to {self.most}"


def rules_for(
    method: str, *, seats: int, candidates: int, names: tuple[str, ...] = ()
) -> BallotRules:
    kind = method_kind(method)
    most = {
        Kind.RANKED: candidates,
        Kind.UP_TO_SEATS: min(seats, candidates),
        Kind.APPROVAL: candidates,
        Kind.SINGLE: min(1, candidates),
    }[kind]
    return BallotRules(kind=kind, candidates=candidates, most=most, names=tuple(names))


def _is_whole_number(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_marks(marks: object, rules: BallotRules, *, where: str = "marks") -> tuple[int, ...]:
    """The canonical ballot for a list of ballot positions, or BallotInvalid naming every fault.

    Ranked: the positions in order of preference. Otherwise: the positions marked, in any order
    (returned in ballot order)."""
    if not isinstance(marks, list | tuple):
        raise BallotInvalid([f"{where}: give a list of candidate numbers, e.g. [3, 1, 2]"])
    problems: list[str] = []
    seen: set[int] = set()
    repeated: list[int] = []
    for index, value in enumerate(marks):
        if not _is_whole_number(value):
            problems.append(f"{where}[{index}]: {json.dumps(value)[:40]} is not a candidate number")
        elif not 1 <= value <= rules.candidates:
            problems.append(f"{where}[{index}]: there is no candidate {value} on this ballot")
        elif value in seen:
            repeated.append(value)
        else:
            seen.add(value)
    for value in sorted(set(repeated)):
        problems.append(f"{where}: you marked {rules.name(value)} more than once")
    if not marks:
        problems.append(f"{where}: mark at least one candidate")
    if len(marks) > rules.most:
        problems.append(f"{where}: {len(marks)} marks; {rules.describe()}")
    if problems:
        raise BallotInvalid(problems)
    return tuple(marks) if rules.ranked else tuple(sorted(marks))


def from_form(raw: Mapping[int, str], rules: BallotRules) -> tuple[int, ...]:
    """What a voter (or an officer keying a paper) wrote beside each ballot position.

    Ranked: position -> the number written beside it (blank = none); numbers run 1, 2, 3 ...
    without gaps or repeats. Otherwise: position -> any mark (a cross), blank = none."""
    problems: list[str] = []
    filled = {pos: str(value).strip() for pos, value in raw.items() if str(value).strip()}
    unknown = [p for p in filled if not 1 <= int(p) <= rules.candidates]
    if unknown:
        problems.append(f"there is no candidate {unknown[0]} on this ballot")
    if not filled:
        raise BallotInvalid(["mark at least one candidate"])
    if not rules.ranked:
        if len(filled) > rules.most:
            if rules.kind == Kind.SINGLE:
                problems.append(f"you marked {len(filled)}: choose one")
            else:
                problems.append(
                    f"you marked {len(filled)} candidates: you may vote for up to {rules.most}"
                )
        if problems:
            raise BallotInvalid(problems)
        return check_marks(sorted(int(p) for p in filled), rules)
    numbers: dict[int, list[int]] = {}
    for pos, value in filled.items():
        # Decimal digits (any script's), and short: '²' passes isdigit() but int() refuses it,
        # and int() refuses a number of more than 4,300 digits.
        plain = value.isdecimal() and len(value) <= 6
        if not plain or not 1 <= int(value) <= rules.candidates:
            problems.append(
                f"{rules.name(int(pos))}: enter a number from 1 to {rules.candidates}"
                f" ('{value[:20]}' is not one)"
            )
            continue
        numbers.setdefault(int(value), []).append(int(pos))
    for number, positions in sorted(numbers.items()):
        if len(positions) > 1:
            who = " and ".join(rules.name(p) for p in sorted(positions))
            problems.append(f"you gave {number} to {who}: give each number once")
    if numbers:
        missing = [k for k in range(1, max(numbers) + 1) if k not in numbers]
        if missing:
            problems.append(
                f"you skipped {', '.join(map(str, missing))}: number in order 1, 2, 3 without gaps"
            )
    if problems:
        raise BallotInvalid(problems)
    return check_marks([numbers[k][0] for k in sorted(numbers)], rules)


@dataclass(frozen=True)
class CastRequest:
    code: str
    marks: tuple[int, ...]
    channel: str


def from_json(
    body: bytes, rules: BallotRules, *, channels: tuple[str, ...] = ("internet",)
) -> CastRequest:
    """A JSON cast: {"code": "ABCD-...", "marks": [3, 1, 2], "channel": "internet"}."""
    if len(body) > MAX_BODY_BYTES:
        raise BallotInvalid([f"body: {len(body)} bytes; a ballot is at most {MAX_BODY_BYTES}"])
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        raise BallotInvalid(['body: not JSON; send {"code": ..., "marks": [...]}']) from None
    if not isinstance(data, dict):
        raise BallotInvalid(['body: send a JSON object {"code": ..., "marks": [...]}'])
    problems = [
        f"{key}: not a field of a ballot"
        for key in sorted(map(str, data))
        if key
        not in (
            "code",
            "marks",
            "channel",
        )
    ]
    code = data.get("code")
    if not isinstance(code, str) or not code.strip():
        problems.append("code: give the voting code as a string")
    channel = data.get("channel", channels[0])
    if channel not in channels:
        problems.append(f"channel: one of {', '.join(repr(c) for c in channels)}")
    if "marks" not in data:
        problems.append("marks: missing; give a list of candidate numbers")
    else:
        try:
            marks = check_marks(data["marks"], rules)
        except BallotInvalid as exc:
            problems += exc.problems
    if problems:
        raise BallotInvalid(problems)
    return CastRequest(code=code, marks=marks, channel=channel)


def to_text(marks: tuple[int, ...] | list[int]) -> str:
    """The stored form: positions separated by spaces, '3 1 2'."""
    return " ".join(str(m) for m in marks)


def from_text(text: str) -> tuple[int, ...]:
    return tuple(int(m) for m in text.split())
