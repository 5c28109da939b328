"""The states of a participatory budget and of a members' proposal, with one table of transitions
each. Guards read a `Facts` snapshot (facts.py) and return `(allowed, reason)`; the reason is
shown beside a disabled button and raised by the services when a move is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import models
from django.utils.formats import date_format
from django.utils.timezone import localtime


class BudgetState(models.TextChoices):
    DRAFT = "draft", "Draft"
    PROPOSALS = "proposals", "Taking project ideas"
    REVIEW = "review", "Projects under review"
    VOTING = "voting", "Voting open"
    RESULTS = "results", "Results published"
    DELIVERY = "delivery", "Delivering the funded projects"
    CANCELLED = "cancelled", "Cancelled"


class ProposalState(models.TextChoices):
    OPEN = "open", "Gathering support"
    ROUTED = "routed", "Reached its threshold"
    EXPIRED = "expired", "Expired"
    HIDDEN = "hidden", "Hidden by a moderator"
    WITHDRAWN = "withdrawn", "Withdrawn"


@dataclass(frozen=True)
class BudgetFacts:
    now: datetime
    state: BudgetState
    pot_pence: int
    projects: int = 0
    pending: int = 0
    accepted: int = 0
    min_projects: int = 0
    voting_closes_at: datetime | None = None


@dataclass(frozen=True)
class ProposalFacts:
    now: datetime
    state: ProposalState
    supporters: int
    threshold: int
    closes_at: datetime
    routed: bool = False  # it reached its threshold (routed_at is set), hidden or not


OK = (True, "")


def _when(moment: datetime) -> str:
    return date_format(localtime(moment), "j F Y, H:i")


def _has_pot(f: BudgetFacts):
    return OK if f.pot_pence > 0 else (False, "the budget has no money in its pot")


def _has_projects(f: BudgetFacts):
    return OK if f.projects else (False, "no project has been put forward yet")


def _ready_to_vote(f: BudgetFacts):
    if f.pending:
        return False, f"{f.pending} projects still await review"
    if not f.accepted:
        return False, "no project is on the ballot"
    if f.accepted < f.min_projects:
        return False, (
            f"a ballot must choose at least {f.min_projects} projects but only "
            f"{f.accepted} are on it"
        )
    if f.voting_closes_at is None:
        return False, "set when voting closes first"
    if f.voting_closes_at <= f.now:
        return False, f"voting was to close at {_when(f.voting_closes_at)}"
    return OK


def _voting_over(f: BudgetFacts):
    if f.voting_closes_at and f.now < f.voting_closes_at:
        return False, f"voting stays open until {_when(f.voting_closes_at)}"
    return OK


def _always(f):
    return OK


def _reached(f: ProposalFacts):
    if f.supporters < f.threshold:
        return False, f"{f.supporters} of the {f.threshold} supporters it needs"
    if f.now >= f.closes_at:
        return False, f"its time for support ran out at {_when(f.closes_at)}"
    return OK


def _lapsed(f: ProposalFacts):
    if f.now < f.closes_at:
        return False, f"it gathers support until {_when(f.closes_at)}"
    if f.supporters >= f.threshold:
        return False, "it reached its threshold"
    return OK


# Restoring a hidden proposal returns it to where it would be had it not been hidden: sent on
# if it had reached its threshold, else open while its time runs, else expired (the expiry task
# skips hidden proposals). One transition per target; exactly one of their guards allows.
def _restores_open(f: ProposalFacts):
    if f.routed:
        return False, "it had reached its threshold"
    if f.now >= f.closes_at:
        return False, f"its time for support ran out at {_when(f.closes_at)}"
    return OK


def _restores_routed(f: ProposalFacts):
    return OK if f.routed else (False, "it had not reached its threshold")


def _restores_expired(f: ProposalFacts):
    if f.routed:
        return False, "it had reached its threshold"
    if f.now < f.closes_at:
        return False, f"it gathers support until {_when(f.closes_at)}"
    return OK


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: tuple
    target: str
    guard: Callable
    audit_action: str


BUDGET_TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "open_proposals",
        "Open for project ideas",
        (BudgetState.DRAFT,),
        BudgetState.PROPOSALS,
        _has_pot,
        "budget.proposals_opened",
    ),
    Transition(
        "start_review",
        "Close ideas and review the projects",
        (BudgetState.PROPOSALS,),
        BudgetState.REVIEW,
        _has_projects,
        "budget.review_started",
    ),
    Transition(
        "open_voting",
        "Open voting",
        (BudgetState.REVIEW,),
        BudgetState.VOTING,
        _ready_to_vote,
        "budget.voting_opened",
    ),
    Transition(
        "count",
        "Close voting, count and publish the results",
        (BudgetState.VOTING,),
        BudgetState.RESULTS,
        _voting_over,
        "budget.counted",
    ),
    Transition(
        "start_delivery",
        "Start delivering the funded projects",
        (BudgetState.RESULTS,),
        BudgetState.DELIVERY,
        _always,
        "budget.delivery_started",
    ),
    Transition(
        "cancel",
        "Cancel the budget",
        (BudgetState.DRAFT, BudgetState.PROPOSALS, BudgetState.REVIEW, BudgetState.VOTING),
        BudgetState.CANCELLED,
        _always,
        "budget.cancelled",
    ),
)

PROPOSAL_TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "route",
        "Send on",
        (ProposalState.OPEN,),
        ProposalState.ROUTED,
        _reached,
        "proposal.routed",
    ),
    Transition(
        "expire",
        "Expire",
        (ProposalState.OPEN,),
        ProposalState.EXPIRED,
        _lapsed,
        "proposal.expired",
    ),
    Transition(
        "hide",
        "Hide",
        (ProposalState.OPEN, ProposalState.ROUTED, ProposalState.EXPIRED),
        ProposalState.HIDDEN,
        _always,
        "proposal.hidden",
    ),
    Transition(
        "withdraw",
        "Withdraw",
        (ProposalState.OPEN,),
        ProposalState.WITHDRAWN,
        _always,
        "proposal.withdrawn",
    ),
    *(
        Transition(name, "Restore", (ProposalState.HIDDEN,), target, guard, "proposal.restored")
        for name, target, guard in (
            ("restore", ProposalState.OPEN, _restores_open),
            ("restore_routed", ProposalState.ROUTED, _restores_routed),
            ("restore_expired", ProposalState.EXPIRED, _restores_expired),
        )
    ),
)
RESTORES = ("restore", "restore_routed", "restore_expired")
BY_NAME = {t.name: t for t in BUDGET_TRANSITIONS} | {
    f"proposal.{t.name}": t for t in PROPOSAL_TRANSITIONS
}


def check(transition: Transition, facts) -> tuple[bool, str]:
    """Whether `transition` may happen now, and if not, why not."""
    if facts.state not in transition.sources:
        states = BudgetState if isinstance(facts, BudgetFacts) else ProposalState
        return False, f"not possible while it is '{states(facts.state).label}'"
    return transition.guard(facts)


def blocking(transitions: tuple[Transition, ...], name: str, facts) -> list[str]:
    """Every reason the named transition cannot happen now (empty: it can)."""
    transition = next(t for t in transitions if t.name == name)
    allowed, reason = check(transition, facts)
    return [] if allowed else [reason]


def available(transitions: tuple[Transition, ...], facts) -> list[tuple[Transition, bool, str]]:
    return [(t, *t.guard(facts)) for t in transitions if facts.state in t.sources]
