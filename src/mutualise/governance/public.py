"""What the accountability page and the annual reports show, read set-wise from the register,
the office holders, meetings and elections. Reads only: the verbs are in services/."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q

from mutualise.audit.services import chain_head
from mutualise.constitution.calendar import add_months
from mutualise.constitution.meetings_rules import quorum_required
from mutualise.elections.models import Candidate, Election
from mutualise.register.models import MembershipPeriod

from . import facts
from .models import BodyAttendance, BodyMeeting, Declaration, OfficeHolding


def _periods(organisation):
    """(constituency, started_on, ended_on, how many) for all membership periods, grouped."""
    return list(
        MembershipPeriod.objects.filter(organisation=organisation)
        .values_list("constituency_id", "started_on", "ended_on")
        .annotate(n=Count("*"))
        .order_by()
    )


def members_on(periods, on: date) -> Counter:
    counts = Counter()
    for constituency, start, end, n in periods:
        if start <= on and (end is None or end > on):
            counts[constituency] += n
    return counts


def members_over_time(organisation, today: date, points: int = 9):
    """Members by constituency at each quarter's end over the last two years (from founding,
    if later): (dates, {constituency name: counts})."""
    constitution = organisation.constitution
    names = {c.id: c.name for c in constitution.constituencies}
    periods = _periods(organisation)
    dates = [add_months(today, -3 * k) for k in range(points - 1, -1, -1)]
    first = min((p[1] for p in periods), default=today)
    dates = [d for d in dates if d >= first] or [today]
    series = {}
    for constituency in names:
        series[names[constituency]] = [members_on(periods, d)[constituency] for d in dates]
    return dates, series


@dataclass
class HolderRow:
    body: str
    seat: str
    name: str
    how: str
    since: date
    until: date | None
    elected: bool
    attended: int = 0  # meetings of the body attended since they took the seat
    meetings: int = 0  # meetings of the body held since then
    interests: tuple[str, ...] = ()  # declared interests (public, as registers of interests are)

    @property
    def attendance(self) -> str:
        return f"{self.attended} of {self.meetings}" if self.meetings else "–"


def holders(organisation, today: date) -> tuple[list[HolderRow], int, int]:
    """Current holders with how each got there; and (seats filled by election, seats held)."""
    constitution = organisation.constitution
    chooser = constitution.chooser_name
    bodies = {b.id: b for b in constitution.bodies}
    rows, elected, seats = [], 0, 0
    current = OfficeHolding.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=today),
        organisation=organisation,
        started_on__lte=today,
    ).select_related("election")
    attended = dict(
        BodyAttendance.objects.filter(organisation=organisation, present=True)
        .values_list("holding_id")
        .annotate(n=Count("*"))
        .order_by()
    )
    held_on = list(
        BodyMeeting.objects.filter(organisation=organisation).values_list("body_id", "held_on")
    )
    interests: dict[int, list[str]] = {}
    for holding_id, text in Declaration.objects.filter(
        organisation=organisation, kind=Declaration.Kind.INTEREST
    ).values_list("holding_id", "text"):
        interests.setdefault(holding_id, []).append(text)
    for h in current.order_by("body_id", "office_id", "seat_group_id", "holder_name"):
        body = bodies.get(h.body_id)
        seat = body.seat_label(h.seat_label) if body is not None else h.seat_label
        if h.how == OfficeHolding.How.ELECTED and h.election_id:
            how = f"Elected in “{h.election.title}”"
        elif h.how == OfficeHolding.How.ELECTED:
            how = f"Elected by {chooser(h.chosen_by)}" if h.chosen_by else "Elected"
        else:
            how = h.get_how_display() + constitution.chosen_phrase(h.how, h.chosen_by)
            if h.decided_on:
                how += f" on {h.decided_on.day} {h.decided_on:%B %Y}"
        is_elected = h.how == OfficeHolding.How.ELECTED
        if h.seat_group_id:
            seats += 1
            elected += is_elected
        rows.append(
            HolderRow(
                body.name if body else h.body_id,
                seat,
                h.holder_name,
                how,
                h.started_on,
                h.ends_on,
                is_elected,
                attended.get(h.pk, 0),
                sum(1 for b, d in held_on if b == h.body_id and h.started_on <= d <= today),
                tuple(interests.get(h.pk, ())),
            )
        )
    return rows, elected, seats


@dataclass
class MeetingRow:
    held_on: date
    title: str
    present: int
    members: int
    required: int

    @property
    def quorate(self) -> bool:
        return self.present >= self.required

    @property
    def turnout(self) -> str:
        return f"{self.present / self.members:.0%}" if self.members else "–"


def meetings_held(organisation) -> list[MeetingRow]:
    constitution = organisation.constitution
    held = facts.held_meetings([organisation.pk]).get(organisation.pk, [])
    rows = [
        MeetingRow(
            m.held_on,
            m.title,
            m.present,
            m.members_total,
            quorum_required(constitution.meetings, m.members_total),
        )
        for m in held
        if m.kind != "council-of-governors"
    ]
    return sorted(rows, key=lambda r: r.held_on, reverse=True)


@dataclass
class ElectionRow:
    title: str
    closed_on: date
    vacancies: int
    candidates: int
    voters: int
    ballots: int

    @property
    def contested(self) -> bool:
        return self.candidates > self.vacancies

    @property
    def turnout(self) -> str:
        if not self.contested or not self.voters:
            return "–"
        return f"{self.ballots / self.voters:.0%}"


def elections_held(organisation) -> list[ElectionRow]:
    standing = Count("candidates", filter=Q(candidates__status=Candidate.Status.NOMINATED))
    rows = (
        Election.objects.filter(organisation=organisation, state="declared")
        .annotate(standing=standing)
        .order_by("-close_of_poll")
    )
    return [
        ElectionRow(
            e.title,
            e.close_of_poll,
            e.vacancies,
            e.standing,
            (e.turnout or {}).get("voters", 0),
            (e.turnout or {}).get("ballots", 0),
        )
        for e in rows
    ]


def audit_head(organisation) -> tuple[int, str]:
    head = chain_head(organisation)
    return head.sequence, head.hash
