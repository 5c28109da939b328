"""What happens to seats an election leaves unfilled (`elections.unfilled_seats`), reopening an
uncontested election's nominations (`elections.when_uncontested: reopen-nominations`), and the
chair's casting vote in a tie (`elections.ties: chair-casting-vote`)."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction

from mutualise.audit import services as audit
from mutualise.constitution.calendar import add_period
from mutualise.register.models import Role

from .. import seats, tally
from ..lifecycle import State
from ..models import Election, OfficeTerm
from .common import ElectionError, NotPermitted, _check_close_of_poll, _now, _require
from .transitions import transition


def reopen_nominations(
    election: Election, close_of_poll: date, *, actor=None, now: datetime | None = None
) -> Election:
    """An uncontested election whose rulebook reopens nominations: the poll moves to
    `close_of_poll`, whose nominations must still be to come, and nominations open again."""
    _require("returning_officer", actor, election)
    table = _check_close_of_poll(election.organisation.constitution, close_of_poll)
    if table.nominations_close <= _now(now):
        raise ElectionError(
            "close_of_poll: nominations would close at once; choose a later close of poll"
        )
    with transaction.atomic():
        old = election.close_of_poll
        Election.objects.filter(pk=election.pk).update(close_of_poll=close_of_poll)
        election.refresh_from_db()
        election = transition(election, "reopen_nominations", actor=actor, now=now)
        audit.record(
            election.organisation,
            "election.timetable_moved",
            actor=actor,
            subject=election,
            data={"from": str(old), "to": str(close_of_poll), "why": "nominations reopened"},
        )
    return election


def _may_co_opt(actor, election) -> None:
    if actor is None or isinstance(actor, str):
        return
    if not Role.objects.filter(
        organisation=election.organisation, user=actor, kind__in=[Role.Kind.BOARD, Role.Kind.CHAIR]
    ).exists():
        raise NotPermitted("only the board or its chair may co-opt to an unfilled seat")


def co_opt(election: Election, member, *, actor=None, now: datetime | None = None) -> OfficeTerm:
    """Fill a seat the election left unfilled by co-option, where the rulebook says so
    (`elections.unfilled_seats: co-opted`); the co-opted member serves the elected term."""
    _may_co_opt(actor, election)
    rule = election.organisation.constitution.elections.unfilled_seats
    if rule != "co-opted":
        raise ElectionError(f"the rulebook leaves unfilled seats {rule} (elections.unfilled_seats)")
    with transaction.atomic():
        election = Election.objects.select_for_update().get(pk=election.pk)
        if election.state_enum != State.DECLARED:
            raise ElectionError("seats can be co-opted to only once the result is declared")
        if member.organisation_id != election.organisation_id:
            raise ElectionError("member: not a member of this organisation")
        terms = OfficeTerm.objects.filter(election=election)
        if terms.count() >= election.vacancies:
            raise ElectionError("every seat this election was for is filled")
        if terms.filter(member=member).exists():
            raise ElectionError(f"member: {member.display_name} holds one of these seats")
        elected = terms.first()
        start = _now(now).date()
        if elected is None:  # nobody elected: a full term, as the rulebook gives the seats
            constitution = election.organisation.constitution
            body = constitution.body(election.body_id)
            _, group = seats.seat_group(constitution, election.body_id, election.seat_group_id)
            ends_on = add_period(start, (group.term or body.term).years, "years")
        else:
            ends_on = elected.ends_on
        term = OfficeTerm.objects.create(
            organisation=election.organisation,
            body_id=election.body_id,
            seat_group_id=election.seat_group_id,
            member=member,
            holder_name=member.display_name,
            started_on=start,
            ends_on=ends_on,
            election=election,
        )
        audit.record(
            election.organisation,
            "election.co_opted",
            actor=actor,
            subject=election,
            data={"member": member.number, "ends_on": str(term.ends_on)},
        )
    return term


def give_casting_vote(election: Election, position: int, *, actor=None) -> Election:
    """The chair's casting vote between tied candidates (`elections.ties: chair-casting-vote`):
    `position` is the chosen candidate's place on the ballot. The count is run again with it."""
    if actor is not None and not isinstance(actor, str):
        is_chair = Role.objects.filter(
            organisation=election.organisation, user=actor, kind=Role.Kind.CHAIR
        ).exists()
        if not is_chair or election.candidates.filter(member__user=actor).exists():
            raise NotPermitted(
                "only the chair, not standing in this election, gives a casting vote"
            )
    with transaction.atomic():
        election = Election.objects.select_for_update().get(pk=election.pk)
        pending = (election.result or {}).get("casting_pending")
        if election.state_enum != State.COUNTED or not pending:
            raise ElectionError("there is no tie waiting for the chair's casting vote")
        if position not in pending["tied_positions"]:
            names = " or ".join(pending["tied_names"])
            raise ElectionError(f"candidate: choose {names}")
        choices = [*election.result.get("casting_votes", []), position - 1]
        outcome = tally.count_election(election, choices)
        election.result = outcome.result_data
        election.report_text = outcome.report_text
        election.save(update_fields=["result", "report_text"])
        audit.record(
            election.organisation,
            "election.casting_vote",
            actor=actor,
            subject=election,
            data={"tied": pending["tied_names"], "chosen": position, "stage": pending["stage"]},
        )
    return election
