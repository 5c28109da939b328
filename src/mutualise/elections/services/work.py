"""An election's long work, queued for the worker (elections/tasks.py) with a job whose progress
the console and the job's own page show: the poll cards (codes issued and laid out as one PDF)
and the count. Each is refused at once, with the reason, if it may not start now; one already
waiting or running is returned rather than queued twice."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Exists, OuterRef

from mutualise.audit import services as audit
from mutualise.jobs import services as jobs

from .. import lifecycle
from ..models import Credential, Election
from .common import ElectionError, _require, facts

POLL_CARDS_JOB = "elections.poll_cards"
COUNT_JOB = "elections.count"


def _who(actor) -> tuple:
    return getattr(actor, "pk", None), audit.actor_name(actor)


def queue_poll_cards(election: Election, *, actor=None, vote_url: str = ""):
    """The poll cards for every voter without a live code, as the worker's job; returns it."""
    # why: the task calls this verb: the one back-reference allowed (pyproject)
    from ..tasks import poll_cards

    _require("returning_officer", actor, election)
    if election.roll_frozen_on is None:
        raise ElectionError("freeze the roll before issuing voting codes")
    subject = f"election:{election.pk}"
    with transaction.atomic():
        Election.objects.select_for_update().get(pk=election.pk)
        waiting = jobs.unfinished(POLL_CARDS_JOB, subject)
        if waiting is not None:
            return waiting
        live = Credential.objects.filter(roll_entry=OuterRef("pk"), voided_at__isnull=True)
        voters = election.roll.filter(removed=False).exclude(Exists(live)).count()
        job = jobs.start(
            poll_cards, kind=POLL_CARDS_JOB, label=f"Poll cards: {election.title}",
            organisation=election.organisation, total=voters, unit="cards",
            actor=actor, subject=subject, args=(election.pk, *_who(actor), vote_url),
        )  # fmt: skip
        audit.record(
            election.organisation, "election.poll_cards_queued", actor=actor, subject=election,
            data={"voters": voters, "job": job.pk},
        )  # fmt: skip
    return job


def queue_count(election: Election, *, actor=None):
    """The count (the lifecycle's `count` step) as the worker's job; returns it."""
    # why: the task calls this verb: the one back-reference allowed (pyproject)
    from ..tasks import count

    _require("returning_officer", actor, election)
    subject = f"election:{election.pk}"
    with transaction.atomic():
        locked = Election.objects.select_for_update().get(pk=election.pk)
        waiting = jobs.unfinished(COUNT_JOB, subject)
        if waiting is not None:
            return waiting
        allowed, reason = lifecycle.check("count", facts(locked))
        if not allowed:
            raise ElectionError(f"cannot {lifecycle.BY_NAME['count'].label.lower()}: {reason}")
        job = jobs.start(
            count, kind=COUNT_JOB, label=f"Counting: {election.title}",
            organisation=election.organisation, total=0, unit="ballots", actor=actor,
            subject=subject, args=(election.pk, *_who(actor)),
        )  # fmt: skip
        audit.record(
            election.organisation, "election.count_queued", actor=actor, subject=election,
            data={"job": job.pk},
        )  # fmt: skip
    return job
