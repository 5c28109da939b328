"""How many seats an election fills: from the rulebook's seat groups and the register of
office-holders (terms ending, retirement by rotation, casual vacancies)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from mutualise.constitution import listing

from .models import OfficeTerm


class SeatError(ValueError):
    """A seat group the rulebook does not have, or one not filled by election."""


TIE_WORDS = {
    "lot": "by lot",
    "agreement-then-lot": "as they agree among themselves, or if they do not agree, by lot",
}


@dataclass
class RotationTie:
    """The cut of who retires by rotation falls among holders who took office on the same day:
    `retire` of the `tied` retire, chosen as the rulebook's `rotation.ties` says, not by name."""

    body_id: str
    tied: list[str]
    retire: int
    started_on: date
    decided_by: str  # Rotation.ties: "lot" or "agreement-then-lot"

    @property
    def words(self) -> str:
        return (
            f"{self.retire} of {listing(self.tied)}, who took office on "
            f"{self.started_on:%-d %B %Y}, {'retire' if self.retire > 1 else 'retires'} {TIE_WORDS[self.decided_by]} "
            f"(rulebook: bodies.{self.body_id}.rotation.ties)"
        )

    def as_dict(self) -> dict:
        return {
            "tied": self.tied,
            "retire": self.retire,
            "started_on": self.started_on.isoformat(),
            "decided_by": self.decided_by,
            "words": self.words,
        }


@dataclass
class Vacancies:
    seats: int  # in the seat group
    continuing: int  # holders whose terms run past the day the new terms start
    terms_ending: list[str] = field(default_factory=list)
    casual: list[str] = field(default_factory=list)
    retiring_by_rotation: list[str] = field(default_factory=list)  # those sure to retire
    rotation_tie: RotationTie | None = None  # and some of these, not yet chosen

    @property
    def count(self) -> int:
        return self.seats - self.continuing

    def as_dict(self) -> dict:
        return {
            "seats": self.seats,
            "continuing": self.continuing,
            "vacancies": self.count,
            "terms_ending": self.terms_ending,
            "casual": self.casual,
            "retiring_by_rotation": self.retiring_by_rotation,
            "rotation_tie": self.rotation_tie.as_dict() if self.rotation_tie else None,
        }


def seat_group(constitution, body_id: str, seat_group_id: str):
    try:
        body = constitution.body(body_id)
    except KeyError as exc:
        raise SeatError(str(exc.args[0])) from None
    for group in body.seats:
        if group.id == seat_group_id:
            if group.filled_by != "elected" or not group.electorate:
                raise SeatError(f"seats '{seat_group_id}' of '{body_id}' are not elected")
            return body, group
    known = [g.id for g in body.seats]
    raise SeatError(f"'{body_id}' has no seats '{seat_group_id}'; known: {known}")


def electorate(constitution, electorate_id: str) -> tuple[str, str]:
    """(constituency id, class id or '') for a seat group's electorate."""
    found = constitution.find_class(electorate_id)
    if found is not None:
        return found[0].id, found[1].id
    constitution.constituency(electorate_id)  # KeyError names the known ones
    return electorate_id, ""


def vacancies(organisation, body_id: str, seat_group_id: str, starts_on: date) -> Vacancies:
    """Seats free on `starts_on`, the day the new terms begin.

    Terms ending by then free their seats; a term ended early left a casual vacancy; with
    retirement by rotation, the longest-serving continuing holders also retire until the rule's
    share of the group's seats is up for election. Where the cut falls among holders who took
    office on the same day, none of them is chosen here: the tie is reported (`rotation_tie`), to
    be decided as the rulebook's `rotation.ties` says (by lot, or by agreement and then by lot).
    """
    body, group = seat_group(organisation.constitution, body_id, seat_group_id)
    terms = OfficeTerm.objects.filter(
        organisation=organisation, body_id=body_id, seat_group_id=seat_group_id
    )
    result = Vacancies(seats=group.seats, continuing=0)
    continuing = []
    for term in terms.filter(started_on__lt=starts_on).order_by("started_on", "holder_name"):
        if term.ended_on is not None and term.ended_on <= starts_on:
            if term.ended_on < term.ends_on:
                result.casual.append(term.holder_name)
            continue
        if term.ends_on <= starts_on:
            result.terms_ending.append(term.holder_name)
            continue
        continuing.append(term)
    if body.rotation is not None:
        due = body.rotation.retiring(group.seats)
        already = len(result.terms_ending) + len(result.casual)
        cut = max(0, due - already)
        result.retiring_by_rotation, result.rotation_tie = _rotation(body, continuing, cut)
        continuing = continuing[cut:]
    result.continuing = min(len(continuing), group.seats)
    return result


def _rotation(body, continuing: list, cut: int) -> tuple[list[str], RotationTie | None]:
    """The first `cut` of the longest-serving `continuing` retire; if the cut splits the
    holders who started on the same day, those before that day retire and the rest is a tie."""
    if cut == 0 or cut >= len(continuing):
        return [term.holder_name for term in continuing[:cut]], None
    day = continuing[cut].started_on
    if continuing[cut - 1].started_on != day:
        return [term.holder_name for term in continuing[:cut]], None
    sure = [term.holder_name for term in continuing[:cut] if term.started_on != day]
    tied = [term.holder_name for term in continuing if term.started_on == day]
    tie = RotationTie(body.id, tied, cut - len(sure), day, body.rotation.ties)
    return sure, tie
