"""Paper budget ballots keyed in twice (the elections app's double keying, docs/secrecy.md).

Staff who run the budget type the member's number and the paper's choices into the same ballot
form members use online (the same parser, the same `validate`). The first keying is held as a
`BudgetPaperKeying`: keyed digests (HMAC under a key outside the database) of the member and of
member-and-choices, never the choices and never the member in the clear, so between the two
keyings nothing holds the voter's identity with the marks. A second keying by someone else that
matches casts the ballot exactly as online (vote record and sealed ballot in one transaction,
then mixed), deleting the first keying in the same transaction; one that differs is refused.

Paper ballots are keyed while the budget is in voting, also after its closing time and before
the count (papers received in time are keyed after it).
"""

from __future__ import annotations

import hmac
import json

from django.db import IntegrityError, transaction

from mutualise.audit import services as audit
from mutualise.register.models import Member

from ..lifecycle import BudgetState
from ..mixing import SEAL
from ..models import Budget, BudgetPaperKeying
from .common import ParticipationError, require
from .voting import _mix_after_cast, eligibility, has_voted, record, validate


def _digests(budget: Budget, member, clean) -> tuple[str, str]:
    who = SEAL.keyed_digest("budget-paper", str(budget.pk), str(member.pk))
    what = SEAL.keyed_digest("budget-paper-choices", who, json.dumps(clean))
    return who, what


def _member(budget: Budget, number: str):
    number = (number or "").strip()
    if not (number.isascii() and number.isdigit() and len(number) <= 12):
        raise ParticipationError("member: enter the membership number printed on the paper")
    member = Member.objects.filter(organisation=budget.organisation, number=int(number)).first()
    if member is None:
        raise ParticipationError(f"member: there is no member number {number}")
    return member


def key_paper_ballot(budget: Budget, number: str, choices, *, actor, now=None) -> bool:
    """One keying of a paper ballot; returns True once the second, matching keying has cast
    it, False when it is the first and is held for the second."""
    organisation = budget.organisation
    require(actor, "participation.run_budget", organisation, "key paper ballots")
    if budget.state != BudgetState.VOTING:
        raise ParticipationError("paper ballots are keyed while the budget is in voting")
    member = _member(budget, number)
    allowed = eligibility(budget, member, now)
    if not allowed.allowed:
        raise ParticipationError(f"member: member {member.number} may not vote: {allowed.reason}")
    if has_voted(budget, member):
        raise ParticipationError(f"member: member {member.number} has already voted")
    clean = validate(budget, choices)
    who, what = _digests(budget, member, clean)
    name = audit.actor_name(actor)
    try:
        with transaction.atomic():
            first = (
                BudgetPaperKeying.objects.select_for_update()
                .filter(budget=budget, member_digest=who)
                .first()
            )
            if first is None:
                BudgetPaperKeying.objects.create(
                    organisation=organisation,
                    budget=budget,
                    member_digest=who,
                    choices_digest=what,
                    keyed_by_name=name,
                )
                return False
            if first.keyed_by_name == name:
                raise ParticipationError("the second keying must be done by someone else")
            matched = hmac.compare_digest(first.choices_digest, what)
            first.delete()
            if matched:
                record(budget, member, clean, "paper")
            else:
                # Both thrown away, not the first kept: a kept first keying would answer guess
                # after guess, so anyone who may key could try choices for a member until one
                # matched and learn their vote. Now each paper gives one guess, audited.
                audit.record(
                    budget.organisation, "budget.paper_keying_discarded", actor=actor,
                    subject=budget, data={"reason": "the second keying did not match"},
                )  # fmt: skip
    except IntegrityError:
        raise ParticipationError(f"member: member {member.number} has already voted") from None
    if not matched:
        raise ParticipationError(
            "ballot: this keying does not match the first one, so both are discarded: check "
            "the paper and key it again, twice"
        )
    _mix_after_cast(budget)
    return True


def discard_paper_keying(budget: Budget, number: str, *, actor) -> bool:
    require(actor, "participation.run_budget", budget.organisation, "key paper ballots")
    member = _member(budget, number)
    who = SEAL.keyed_digest("budget-paper", str(budget.pk), str(member.pk))
    with transaction.atomic():
        deleted, _ = BudgetPaperKeying.objects.filter(budget=budget, member_digest=who).delete()
        if deleted:  # that a keying was thrown away, never whose
            audit.record(
                budget.organisation, "budget.paper_keying_discarded", actor=actor, subject=budget
            )
    return bool(deleted)


def waiting_keyings(budget: Budget) -> int:
    return BudgetPaperKeying.objects.filter(budget=budget).count()
