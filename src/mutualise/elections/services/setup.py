"""Setting an election up: creating it, moving its close of poll, and the follow-up election
for seats a declared result left unfilled (`elections.unfilled_seats: reopen-nominations`)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import transaction

from mutualise.audit import services as audit
from mutualise.constitution.calendar import ElectionTimetable

from .. import lifecycle, seats
from ..lifecycle import State
from ..models import Election
from .common import ElectionError, _check_close_of_poll, _now, _require


def _earliest_words(constitution, now) -> str:
    """'; the earliest the poll may close is ...', from the rulebook's timetable."""
    try:
        earliest = earliest_close_of_poll(constitution, _now(now))
    except ElectionError:
        return ""
    return f"; the earliest the poll may close is {earliest:%A %-d %B %Y}"


def create_election(
    organisation,
    *,
    body_id: str,
    seat_group_id: str,
    close_of_poll: date,
    actor=None,
    title: str = "",
    now: datetime | None = None,
) -> Election:
    """A draft election for one seat group, its vacancies derived from the register of
    office-holders as at the close of poll."""
    constitution = organisation.constitution
    try:
        body, group = seats.seat_group(constitution, body_id, seat_group_id)
        constituency_id, class_id = seats.electorate(constitution, group.electorate)
    except (seats.SeatError, KeyError) as exc:
        raise ElectionError(str(exc)) from None
    table = _check_close_of_poll(constitution, close_of_poll)
    if table.notice_of_election < _now(now):
        raise ElectionError(
            f"close_of_poll: too soon; the notice of election would have been due by "
            f"{table.notice_of_election:%d %B %Y}{_earliest_words(constitution, now)}"
        )
    free = seats.vacancies(organisation, body_id, seat_group_id, close_of_poll)
    if free.count <= 0:
        raise ElectionError(f"no seats of '{seat_group_id}' fall vacant by {close_of_poll}")
    method = body.election_method or constitution.elections.method
    running = Election.objects.filter(
        organisation=organisation, body_id=body_id, seat_group_id=seat_group_id
    ).exclude(state__in=[s.value for s in lifecycle.FINAL])
    if running.exists():
        raise ElectionError(
            f"{running.first().title} is still running for these seats: "
            "declare or void it before starting another"
        )
    with transaction.atomic():
        election = Election.objects.create(
            organisation=organisation,
            title=title
            or f"{body.name}: {group.name or constitution.constituency(constituency_id).name}",
            body_id=body_id,
            seat_group_id=seat_group_id,
            constituency_id=constituency_id,
            class_id=class_id,
            vacancies=free.count,
            vacancies_explained=free.as_dict(),
            method=str(method),
            method_options=dict(constitution.elections.method_options),
            close_of_poll=close_of_poll,
            created_by=audit.actor_name(actor),
        )
        _require("manage", actor, election)
        audit.record(
            organisation,
            "election.created",
            actor=actor,
            subject=election,
            data={"title": election.title, "vacancies": free.as_dict(), "method": str(method)},
        )
    return election


def move_close_of_poll(
    election: Election, close_of_poll: date, *, actor=None, now: datetime | None = None
) -> ElectionTimetable:
    """Move the poll; the rulebook's timetable is computed again and every deadline the
    election has already passed must still have been met on the new dates."""
    _require("returning_officer", actor, election)
    if election.state_enum not in lifecycle.BEFORE_POLL:
        raise ElectionError("the close of poll cannot move once the poll has opened")
    table = _check_close_of_poll(election.organisation.constitution, close_of_poll)
    now = _now(now)
    reached = {
        State.DRAFT: [],
        State.NOTICE_PUBLISHED: [],
        State.NOMINATIONS_OPEN: [],
        State.NOMINATIONS_CLOSED: ["nominations_close"],
        State.WITHDRAWALS_CLOSED: ["nominations_close", "withdrawals_close"],
    }[election.state_enum]
    if election.state_enum == State.DRAFT and table.notice_of_election < now:
        raise ElectionError(
            f"close_of_poll: the notice of election would have been due by "
            f"{table.notice_of_election:%d %B %Y}, which has passed"
            f"{_earliest_words(election.organisation.constitution, now)}"
        )
    early = election.state_enum in (State.NOTICE_PUBLISHED, State.NOMINATIONS_OPEN)
    if early and table.nominations_close < now:
        raise ElectionError("close_of_poll: nominations would already have closed")
    for step in reached:
        if getattr(table, step) and getattr(table, step) > now:
            raise ElectionError(
                f"close_of_poll: '{step.replace('_', ' ')}' has happened already but would "
                f"now fall on {getattr(table, step):%d %B %Y}"
            )
    with transaction.atomic():
        old = election.close_of_poll
        election.close_of_poll = close_of_poll
        election.save(update_fields=["close_of_poll"])
        audit.record(
            election.organisation,
            "election.timetable_moved",
            actor=actor,
            subject=election,
            data={"from": str(old), "to": str(close_of_poll)},
        )
    return table


def earliest_close_of_poll(constitution, now: datetime) -> date:
    """The first close of poll whose notice of election is still to come."""
    day = now.date() + timedelta(days=1)
    for _ in range(800):
        try:
            table = _check_close_of_poll(constitution, day)
        except ElectionError:  # not a day the poll may close on
            table = None
        if table is not None and table.notice_of_election >= now:
            return day
        day += timedelta(days=1)
    raise ElectionError("close_of_poll: no date within two years fits the timetable")


def after_declaring(election: Election, unfilled: int, actor, now: datetime | None) -> dict:
    """The rulebook's rule for the seats left unfilled, applied as the result is declared."""
    if unfilled <= 0:
        return {}
    rule = election.organisation.constitution.elections.unfilled_seats
    data: dict = {"unfilled_seats": unfilled, "unfilled_rule": rule}
    if rule == "reopen-nominations":
        close = earliest_close_of_poll(election.organisation.constitution, _now(now))
        follow = create_election(
            election.organisation,
            body_id=election.body_id,
            seat_group_id=election.seat_group_id,
            close_of_poll=close,
            actor=actor,
            title=f"{election.title} (seats left unfilled)",
            now=now,
        )
        data["reopened_as"] = follow.pk
    return data
