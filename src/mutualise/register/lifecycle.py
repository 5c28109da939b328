"""A membership's statuses and the one table of moves between them (issue 20 item 2).

Each guard reads a `MemberFacts` snapshot (built by `member_facts`, from the member as locked)
and returns `(allowed, reason)`; the services raise the reason when a move is refused, and
`blocking` lists every refused move's reason at once for a page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

APPLIED, ADMITTED, CEASED, DECLINED, MERGED = "applied", "admitted", "ceased", "declined", "merged"


@dataclass(frozen=True)
class MemberFacts:
    number: int
    status: str
    status_label: str  # the status in words ("Former member")
    on: date  # the day the move takes effect
    erased: bool = False
    died: bool = False  # the last ending recorded the member's death
    admitted_on: date | None = None
    ceased_on: date | None = None


Guard = Callable[[MemberFacts], tuple[bool, str]]


@dataclass(frozen=True)
class Move:
    name: str
    sources: frozenset[str]
    target: str | None  # None: the status stays as it is (erasure blanks the details only)
    refusal: str  # when the status is not one of the sources; {number} and {label} filled in
    guards: tuple[Guard, ...] = ()


def _ends_after_it_began(f: MemberFacts) -> tuple[bool, str]:
    if f.admitted_on and f.on < f.admitted_on:
        return False, f"a membership cannot end before it began ({f.admitted_on})"
    return True, ""


def _not_erased(f: MemberFacts) -> tuple[bool, str]:
    return (False, f"member {f.number} is not a former member") if f.erased else (True, "")


def _alive(f: MemberFacts) -> tuple[bool, str]:
    return (False, f"member {f.number} is recorded as having died") if f.died else (True, "")


def _not_erased_yet(f: MemberFacts) -> tuple[bool, str]:
    return (False, f"member {f.number} has already been erased") if f.erased else (True, "")


def _not_merged_or_erased(f: MemberFacts) -> tuple[bool, str]:
    if f.erased:
        return False, f"member {f.number} has already been merged or erased"
    return True, ""


def _after_it_ended(f: MemberFacts) -> tuple[bool, str]:
    if f.ceased_on and f.on < f.ceased_on:
        return False, f"cannot re-join before the membership ended ({f.ceased_on})"
    return True, ""


MOVES: dict[str, Move] = {
    move.name: move
    for move in (
        Move("admit", frozenset({APPLIED}), ADMITTED,
             "member {number} is '{label}', not an applicant"),
        Move("decline", frozenset({APPLIED}), DECLINED,
             "member {number} has no application to decline"),
        Move("cease", frozenset({ADMITTED}), CEASED, "member {number} is not a current member",
             (_ends_after_it_began,)),
        Move("rejoin", frozenset({CEASED}), APPLIED, "member {number} is not a former member",
             (_not_erased, _alive, _after_it_ended)),
        Move("change_constituency", frozenset({ADMITTED}), ADMITTED,
             "member {number} is not a current member"),
        # A duplicate record folded into the one kept (merging.py; the kept record must be
        # able to take it: `may_take_a_merge`).
        Move("merge", frozenset({APPLIED, ADMITTED, CEASED, DECLINED}), MERGED,
             "member {number} has already been merged or erased", (_not_merged_or_erased,)),
        # Personal data blanked (privacy.py): never a current member's or an applicant's.
        Move("erase", frozenset({CEASED, DECLINED, MERGED}), None,
             "member {number} is a current member or applicant: end the membership (or decline "
             "the application) before erasing", (_not_erased_yet,)),
    )
}  # fmt: skip


def check(name: str, facts: MemberFacts) -> tuple[bool, str]:
    """(allowed, reason) for one move from the member's status as the facts have it."""
    move = MOVES[name]
    if facts.status not in move.sources:
        return False, move.refusal.format(number=facts.number, label=facts.status_label)
    for guard in move.guards:
        allowed, reason = guard(facts)
        if not allowed:
            return False, reason
    return True, ""


def may_take_a_merge(kept: MemberFacts, duplicate: MemberFacts) -> tuple[bool, str]:
    """Whether `kept` may take `duplicate` in: neither merged away nor erased, and a current
    membership is never folded into a record that is not one."""
    for facts in (kept, duplicate):
        if facts.status == MERGED or facts.erased:
            return False, f"member {facts.number} has already been merged or erased"
    if duplicate.status == ADMITTED and kept.status != ADMITTED:
        return False, (
            f"keep the current membership ({duplicate.number}) and merge {kept.number} into it"
        )
    return True, ""


def offered(status: str) -> frozenset[str]:
    """The moves a member's page offers from this status (their guards are checked on the POST)."""
    return frozenset(name for name, move in MOVES.items() if status in move.sources)


def blocking(facts: MemberFacts) -> dict[str, str]:
    """Every move refused now, with its reason."""
    refused = {name: check(name, facts) for name in MOVES}
    return {name: reason for name, (allowed, reason) in refused.items() if not allowed}
