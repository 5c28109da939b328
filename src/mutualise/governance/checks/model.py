"""What the health check reads (a `Facts` snapshot of one organisation) and what it returns
(`Finding`s). Pure: no Django, so every check is a plain function anyone can test or rerun."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import date
from enum import StrEnum


class Severity(StrEnum):
    SERIOUS = "serious"  # the rules or the law are broken now
    WARNING = "warning"  # a record is incomplete, or a deadline is near
    ADVICE = "advice"  # good practice, not a rule

    @property
    def rank(self) -> int:
        return {"serious": 0, "warning": 1, "advice": 2}[self.value]


@dataclass(frozen=True)
class Finding:
    id: str  # e.g. MTG-1: the finding's number in docs/governance.md
    severity: Severity
    statement: str  # plain English, with the numbers
    rule: str  # the rulebook field and the statute it rests on
    action: str  # what to do about it
    subject: str = ""  # what it is about (a body, a meeting), for grouping on pages

    def as_dict(self) -> dict:
        data = asdict(self)
        data["severity"] = str(self.severity)
        return data


@dataclass(frozen=True)
class Holder:
    """One holding of a seat or an office, current or past."""

    id: int
    person: str  # the same for every holding of one person (their member number, or name)
    name: str
    body_id: str
    seat_group_id: str  # '' for an office
    office_id: str  # '' for a seat
    how: str  # elected, appointed, co-opted, ex-officio
    chosen_by: str
    started_on: date
    ends_on: date | None = None  # when the term is due to end (first day not held)
    ended_on: date | None = None  # when it did end (first day not held)
    born_on: date | None = None
    has_address: bool = True
    member_status: str | None = None  # None: not linked to a member record
    member_constituency: str = ""
    member_class: str = ""
    disqualifications: tuple[str, ...] = ()

    def current(self, on: date) -> bool:
        return self.started_on <= on and (self.ended_on is None or self.ended_on > on)


@dataclass(frozen=True)
class MeetingHeld:
    """A general meeting (or council meeting) that has been held and closed."""

    kind: str  # agm, annual-members, general, special, council-of-governors
    held_on: date
    title: str = ""
    notice_given_on: date | None = None
    short_notice_consents: int = 0
    present: int = 0  # members checked in
    members_total: int = 0  # members on the register that day
    adjourned_for_quorum: bool = False


@dataclass(frozen=True)
class ResolutionDeclared:
    held_on: date
    title: str
    kind_id: str
    votes_for: int
    votes_against: int
    abstentions: int
    members_present: int
    members_total: int
    carried: bool


@dataclass(frozen=True)
class RequisitionFact:
    number: int
    state: str  # collecting, valid, too-few, board, members
    submitted_on: date | None
    board_deadline: date | None
    meeting_deadline: date | None
    convened_on: date | None = None  # notice of the meeting given
    meeting_on: date | None = None  # the meeting's date, once fixed

    @property
    def the_boards_to_convene(self) -> bool:
        """Valid, and the board's to convene (not yet convened, or convened by the board):
        not still collecting, not short of signatures, not convened by the members."""
        return self.state in ("valid", "board")


@dataclass(frozen=True)
class Represented:
    """One group's share of members beside its share of the population."""

    dimension: str
    category: str
    member_share: float
    population_share: float


@dataclass(frozen=True)
class Facts:
    today: date
    founded_on: date
    members: int = 0
    members_by_constituency: Mapping[str, int] = field(default_factory=dict)
    members_missing_address: int = 0
    largest_holding_pence: int = 0  # the most any current member holds in shares (stake ledger)
    holders: tuple[Holder, ...] = ()
    meetings: tuple[MeetingHeld, ...] = ()
    resolutions: tuple[ResolutionDeclared, ...] = ()
    requisitions: tuple[RequisitionFact, ...] = ()
    representation: tuple[Represented, ...] = ()
    body_meetings: tuple[tuple[str, date], ...] = ()  # (body id, held on) of each body's meetings
    audit_intact: bool | None = None  # None: not verified in this run
    audit_problem: str = ""

    def current_holders(self) -> list[Holder]:
        return [h for h in self.holders if h.current(self.today)]


def day(value: date) -> str:
    """'14 July 2024'."""
    return f"{value.day} {value:%B %Y}"


def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count} {word if count == 1 else (many or word + 's')}"
