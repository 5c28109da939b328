"""The electoral roll: freezing it, correcting it, counting it."""

from __future__ import annotations

from datetime import date

from django.db import models, transaction
from django.utils import timezone

from mutualise.audit import services as audit
from mutualise.constitution.eligibility import may_vote
from mutualise.register import services as register

from .. import clock
from ..lifecycle import State
from ..models import (
    Credential,
    Election,
    RollEntry,
)
from .common import ElectionError, _require, timetable

# ---------------------------------------------------------------------------------------------
# The electoral roll


def _voters(election: Election, members, on: date) -> tuple[list[tuple[int, int]], int]:
    """(pk, number) of the members who may vote on `on`, and how many members may not: the
    rulebook's voting age and, for a building society, membership at the last year end
    (`membership.voting_minimum_age`, `vote_requires_membership_at_year_end`)."""
    constitution = election.organisation.constitution
    rules = constitution.membership
    members = members.order_by("number")
    if rules.voting_minimum_age is None and not rules.vote_requires_membership_at_year_end:
        return list(members.values_list("pk", "number")), 0
    voters, left_off = [], 0
    rows = members.values_list("pk", "number", "date_of_birth", "admitted_on", "applied_on")
    for pk, number, born, admitted, applied in rows.iterator(chunk_size=5000):
        if may_vote(constitution, born, admitted or applied, on).eligible:
            voters.append((pk, number))
        else:
            left_off += 1
    return voters, left_off


def freeze_roll(election: Election, *, actor=None, on: date | None = None) -> int:
    """Take the roll from the register: the constituency's (and class's) members on the cut-off
    (the close of nominations, unless `on` is given) who may vote then under the rulebook's
    membership rules. Returns the number of voters."""
    _require("returning_officer", actor, election)
    if election.state_enum not in (State.NOMINATIONS_CLOSED, State.WITHDRAWALS_CLOSED):
        raise ElectionError("the roll is frozen after nominations close, before the poll opens")
    if election.roll_frozen_on is not None:
        raise ElectionError(f"the roll was frozen on {election.roll_frozen_on}; correct it instead")
    on = on or timezone.localdate(timetable(election).nominations_close)
    members = register.active_members(
        election.organisation, on=on, constituency_id=election.constituency_id
    )
    if election.class_id:
        members = members.filter(class_id=election.class_id)
    with transaction.atomic():
        voters, left_off = _voters(election, members, on)
        entries = [
            RollEntry(
                organisation=election.organisation,
                election=election,
                member_id=pk,
                member_number=number,
            )
            for pk, number in voters
        ]
        RollEntry.objects.bulk_create(entries, batch_size=5000)
        election.roll_frozen_on = on
        election.save(update_fields=["roll_frozen_on"])
        audit.record(
            election.organisation,
            "election.roll_frozen",
            actor=actor,
            subject=election,
            data={"cut_off": str(on), "voters": len(entries), "may_not_vote": left_off},
        )
    return len(entries)


def correct_roll(election: Election, member, *, add: bool, reason: str, actor=None) -> RollEntry:
    """A late correction: add a member wrongly left off, or remove one wrongly on. Audited."""
    _require("returning_officer", actor, election)
    if election.roll_frozen_on is None:
        raise ElectionError("the roll has not been frozen yet")
    if election.state_enum not in (
        State.WITHDRAWALS_CLOSED,
        State.POLL_OPEN,
        State.NOMINATIONS_CLOSED,
    ):
        raise ElectionError("the roll can be corrected only until the poll closes")
    if not reason.strip():
        raise ElectionError("reason: say why the roll is corrected")
    with transaction.atomic():
        entry = RollEntry.objects.filter(election=election, member=member).first()
        if add:
            if entry is not None and not entry.removed:
                raise ElectionError(f"member {member.number} is already on the roll")
            verdict = may_vote(
                election.organisation.constitution,
                member.date_of_birth,
                member.admitted_on or member.applied_on,
                election.roll_frozen_on,
            )
            if not verdict.eligible:
                raise ElectionError(
                    f"member {member.number} may not vote: {' '.join(verdict.reasons)}"
                )
            if entry is None:
                entry = RollEntry.objects.create(
                    organisation=election.organisation,
                    election=election,
                    member=member,
                    member_number=member.number,
                    added_late=True,
                    correction_reason=reason,
                )
            else:
                entry.removed = False
                entry.correction_reason = reason
                entry.save(update_fields=["removed", "correction_reason"])
        else:
            if entry is None or entry.removed:
                raise ElectionError(f"member {member.number} is not on the roll")
            if hasattr(entry, "vote_record"):
                raise ElectionError(f"member {member.number} has already voted")
            entry.removed = True
            entry.correction_reason = reason
            entry.save(update_fields=["removed", "correction_reason"])
            entry.credentials.filter(voided_at__isnull=True).update(voided_at=clock.now())
        audit.record(
            election.organisation,
            "election.roll_corrected",
            actor=actor,
            subject=entry,
            data={"member": member.number, "added": add, "reason": reason},
        )
    return entry


def roll_counts(election: Election) -> dict:
    roll = election.roll.all()
    live = Credential.objects.filter(roll_entry=models.OuterRef("pk"), voided_at__isnull=True)
    return {
        "without_code": roll.filter(removed=False).exclude(models.Exists(live)).count(),
        "voters": roll.filter(removed=False).count(),
        "added_late": roll.filter(added_late=True, removed=False).count(),
        "removed": roll.filter(removed=True).count(),
    }
