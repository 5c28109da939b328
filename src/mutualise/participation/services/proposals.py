"""Members' proposals: submit, support, reach the threshold (then go where the rulebook says),
expire, withdraw; moderation with a reason from the rulebook's list, audited."""

from __future__ import annotations

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F, Max

from mutualise.audit import services as audit
from mutualise.constitution.schema import ProposalRoute
from mutualise.register import services as register

from ..facts import proposal_facts
from ..lifecycle import PROPOSAL_TRANSITIONS, RESTORES, BudgetState, ProposalState, check
from ..models import Budget, Proposal, ProposalSupport
from .budgets import add_project
from .common import (
    TITLE_LENGTH,
    ParticipationError,
    move,
    now_or,
    require,
    require_member,
    require_self,
    today,
)
from .delivery import record_adopted_proposal
from .to_meeting import send_to_meeting


def _rules(organisation):
    rules = organisation.constitution.participation.proposals
    if not rules.enabled:
        raise ParticipationError(f"{organisation}'s rulebook does not take members' proposals")
    return rules


def submit_proposal(
    organisation,
    author,
    *,
    title: str,
    text: str,
    cost_pence=None,
    area="",
    constituency_id="",
    actor=None,
    now=None,
) -> Proposal:
    require(actor, "participation.propose", organisation, "make a proposal")
    require_self(actor, author, "make a proposal")
    rules = _rules(organisation)
    require_member(organisation, author, now)
    title, text = title.strip(), text.strip()
    if not title:
        raise ParticipationError("title: give the proposal a title")
    if len(title) > TITLE_LENGTH:
        raise ParticipationError(f"title: keep the title to {TITLE_LENGTH} characters")
    if not text:
        raise ParticipationError("text: say what you propose")
    if cost_pence is not None and cost_pence < 0:
        raise ParticipationError("cost: a cost cannot be negative")
    opened = now_or(now)
    members = register.active_members(organisation, on=today(now)).count()
    with transaction.atomic():
        last = Proposal.objects.filter(organisation=organisation).aggregate(n=Max("number"))["n"]
        proposal = Proposal.objects.create(
            organisation=organisation,
            number=(last or 0) + 1,
            title=title,
            text=text,
            cost_pence=cost_pence,
            area=area,
            constituency_id=constituency_id,
            author=author,
            opened_at=opened,
            closes_at=opened + timedelta(days=rules.time_limit_days),
            threshold=rules.threshold(members),
            route=rules.route.value,
        )
        audit.record(
            organisation,
            "proposal.submitted",
            actor=actor,
            subject=proposal,
            data={"author": author.number, "threshold": proposal.threshold},
        )
    return proposal


def support_proposal(proposal: Proposal, member, *, actor=None, now=None) -> Proposal:
    """Add a member's support; a proposal that reaches its threshold in time is sent on, in the
    same transaction, under the proposal's lock: a support never lands on a proposal hidden or
    withdrawn since the page was read, and one that reaches the threshold is never left open
    (to expire) by a failure between the support and the routing."""
    organisation = proposal.organisation
    require(actor, "participation.support", organisation, "support proposals")
    require_self(actor, member, "support a proposal")
    require_member(organisation, member, now)
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if locked.state != ProposalState.OPEN:
            raise ParticipationError(
                f"proposal {locked.number} is '{ProposalState(locked.state).label}': "
                "it no longer takes support"
            )
        if now_or(now) >= locked.closes_at:
            raise ParticipationError(f"proposal {locked.number}'s time for support has run out")
        try:
            with transaction.atomic():  # a savepoint: only this insert means "again"
                ProposalSupport.objects.create(
                    organisation=organisation,
                    proposal=locked,
                    member=member,
                    supported_at=now_or(now),
                )
        except IntegrityError:
            raise ParticipationError(f"you already support proposal {locked.number}") from None
        Proposal.objects.filter(pk=locked.pk).update(supporters=F("supporters") + 1)
        audit.record(
            organisation,
            "proposal.supported",
            actor=actor,
            subject=locked,
            data={"member": member.number},
        )
        locked.refresh_from_db()
        if locked.supporters >= locked.threshold:
            move(
                Proposal,
                locked,
                PROPOSAL_TRANSITIONS,
                "route",
                proposal_facts,
                actor,
                now,
                route=locked.route,
                supporters=locked.supporters,
            )
            Proposal.objects.filter(pk=locked.pk).update(routed_at=now_or(now))
            locked.refresh_from_db()
            if locked.route == ProposalRoute.BUDGET:
                _into_budget(locked, now)  # its record comes if the count funds it
            elif locked.route == ProposalRoute.BOARD:
                record_adopted_proposal(locked, actor=actor, now=now)
            elif locked.route == ProposalRoute.GENERAL_MEETING:
                send_to_meeting(locked, now=now)  # its record comes if it is carried
    proposal.refresh_from_db()
    return proposal


def _into_budget(proposal: Proposal, now) -> None:
    """A proposal routed to the budget becomes a project of the budget now taking ideas (the
    newest), if it has a cost; otherwise whoever runs the budgets adds it when one opens."""
    budget = (
        Budget.objects.filter(organisation=proposal.organisation, state=BudgetState.PROPOSALS)
        .order_by("-pk")
        .first()
    )
    if budget is None or not proposal.cost_pence:
        return
    add_project(
        budget,
        title=proposal.title,
        cost_pence=proposal.cost_pence,
        description=proposal.text,
        area=proposal.area,
        proposal=proposal,
        actor="proposal",
        now=now,
    )


def expire_proposals(organisation, *, now=None) -> int:
    """Expire every open proposal whose time ran out below its threshold (a daily task)."""
    expired = 0
    due = Proposal.objects.filter(
        organisation=organisation, state=ProposalState.OPEN, closes_at__lte=now_or(now)
    )
    for proposal in due:
        move(
            Proposal,
            proposal,
            PROPOSAL_TRANSITIONS,
            "expire",
            proposal_facts,
            None,
            now,
            supporters=proposal.supporters,
            threshold=proposal.threshold,
        )
        expired += 1
    return expired


def withdraw_proposal(proposal: Proposal, member, *, actor=None, now=None) -> Proposal:
    if member.pk != proposal.author_id:
        raise ParticipationError("only the member who made a proposal may withdraw it")
    require_self(actor, member, "withdraw a proposal")
    return move(Proposal, proposal, PROPOSAL_TRANSITIONS, "withdraw", proposal_facts, actor, now)


def hide_proposal(proposal: Proposal, reason: str, *, actor=None, now=None) -> Proposal:
    organisation = proposal.organisation
    require(actor, "participation.moderate", organisation, "moderate proposals")
    reasons = _rules(organisation).moderation_reasons
    if reason not in reasons:
        raise ParticipationError(
            f"reason: {reason!r} is not one of the rulebook's: {'; '.join(reasons)}"
        )
    move(
        Proposal, proposal, PROPOSAL_TRANSITIONS, "hide", proposal_facts, actor, now, reason=reason
    )
    Proposal.objects.filter(pk=proposal.pk).update(hidden_reason=reason)
    proposal.refresh_from_db()
    return proposal


RESTORE_REASON_LENGTH = 500


def restore_proposal(proposal: Proposal, reason: str, *, actor=None, now=None) -> Proposal:
    """Undo a hiding: the proposal goes back to where it would be had it not been hidden (open
    while its time runs, sent on if it had reached its threshold, else expired). The moderator
    says why, in words; the reason is audited with the state it returns to."""
    organisation = proposal.organisation
    require(actor, "participation.moderate", organisation, "moderate proposals")
    _rules(organisation)
    reason = (reason or "").strip()
    if not reason:
        raise ParticipationError("reason: say why the proposal is restored; the reason is audited")
    if len(reason) > RESTORE_REASON_LENGTH:
        raise ParticipationError(f"reason: keep the reason to {RESTORE_REASON_LENGTH} characters")
    if "\x00" in reason:
        raise ParticipationError("reason: the reason contains a NUL character; type it again")
    if proposal.state != ProposalState.HIDDEN:
        raise ParticipationError(
            f"proposal {proposal.number} is '{ProposalState(proposal.state).label}': only a "
            "hidden proposal can be restored"
        )
    facts = proposal_facts(proposal, now_or(now))
    name = next(
        n for n in RESTORES if check(next(t for t in PROPOSAL_TRANSITIONS if t.name == n), facts)[0]
    )
    with transaction.atomic():
        hidden_for = proposal.hidden_reason
        move(
            Proposal,
            proposal,
            PROPOSAL_TRANSITIONS,
            name,
            proposal_facts,
            actor,
            now,
            reason=reason,
            hidden_for=hidden_for,
        )
        Proposal.objects.filter(pk=proposal.pk).update(hidden_reason="")
    proposal.refresh_from_db()
    return proposal
