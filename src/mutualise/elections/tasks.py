"""The elections' long work, run by the worker (`mutualise worker`): voting codes by email."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model

try:
    from django.tasks import task  # Django 6
except ImportError:  # Django 5.2: the backport
    from django_tasks import task

from django.db import transaction
from django.urls import reverse

from mutualise.jobs import services as jobs

from . import mailing, pdf, rules, services
from .models import Election
from .services.work import COUNT_JOB, POLL_CARDS_JOB


@task()
def email_codes(job_id: int, election_id: int, actor_id, actor_name: str, vote_url: str):
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else actor_name
    with jobs.running(job_id) as run:
        election = Election.objects.select_related("organisation").get(pk=election_id)
        try:
            mailing.send_codes(election, actor=actor, vote_url=vote_url, run=run)
        except services.ElectionError as exc:  # e.g. the poll closed meanwhile: said as it is
            raise jobs.JobError(str(exc)) from exc


def _may_view(user, job) -> bool:
    election = Election.objects.filter(pk=(job.result or {}).get("election")).first()
    return election is not None and rules.can_manage(user, election)


def _back(job) -> str:
    election = (job.result or {}).get("election")
    return reverse("elections:console", args=[job.organisation.slug, election]) if election else ""


jobs.kind("elections.email_codes", may_view=_may_view, back=_back)


def _actor(actor_id, actor_name: str = ""):
    return get_user_model().objects.filter(pk=actor_id).first() if actor_id else actor_name


@task()
def poll_cards(job_id: int, election_id: int, actor_id, actor_name: str, vote_url: str):
    """Issue a code to every voter without one and lay out their poll cards as one PDF, kept
    as the job's file, all in one transaction with the job's end: a worker killed half way has
    issued nothing, and the retry starts again (plain codes exist only in that file)."""
    with jobs.running(job_id) as run:
        election = Election.objects.select_related("organisation").get(pk=election_id)
        try:
            with transaction.atomic():
                issued = services.issue_credentials(election, actor=_actor(actor_id, actor_name))
                run.progress(0, len(issued), force=True)
                if issued:
                    content = pdf.poll_cards(
                        election, issued, vote_url=vote_url, progress=run.progress
                    )
                    jobs.save_output(
                        run, file_name=f"election-{election.pk}-poll-cards.pdf",
                        content_type="application/pdf", content=content,
                    )  # fmt: skip
                summary = (
                    f"{len(issued)} poll card{'s' if len(issued) != 1 else ''} to print"
                    if issued
                    else "Every voter already has a voting code: no cards to print."
                )
                run.finish({"election": election.pk, "issued": len(issued), "summary": summary})
        except services.ElectionError as exc:
            raise jobs.JobError(str(exc)) from exc


@task()
def count(job_id: int, election_id: int, actor_id, actor_name: str):
    """The count (the lifecycle's `count` step: the last mix, the ballots sealed into the audit
    chain, the tally) in one transaction with the job's end."""
    with jobs.running(job_id) as run:
        election = Election.objects.select_related("organisation").get(pk=election_id)
        try:
            with transaction.atomic():
                services.transition(election, "count", actor=_actor(actor_id, actor_name))
                election.refresh_from_db()
                ballots = (election.turnout or {}).get("ballots", 0)
                run.finish(
                    {"election": election.pk, "ballots": ballots,
                     "summary": f"{ballots} ballot{'s' if ballots != 1 else ''} counted: "
                     "declare the result from the console."}
                )  # fmt: skip
        except services.ElectionError as exc:
            raise jobs.JobError(str(exc)) from exc


def _election_of(job):
    kind_, _, pk = job.subject.partition(":")
    pk = int(pk) if kind_ == "election" and pk.isdecimal() else (job.result or {}).get("election")
    return Election.objects.filter(pk=pk, organisation_id=job.organisation_id).first()


def _returning_officer_sees(user, job) -> bool:
    election = _election_of(job)
    return election is not None and rules.is_returning_officer(user, election)


def _may_manage(user, job) -> bool:
    election = _election_of(job)
    return election is not None and rules.can_manage(user, election)


def _console(job) -> str:
    election = _election_of(job)
    return (
        reverse("elections:console", args=[job.organisation.slug, election.pk]) if election else ""
    )


# Poll cards hold the plain codes: the returning officer's alone, sealed while kept, kept only
# until fetched, and deleted unfetched after two days (printing is the next step, not a later one).
jobs.kind(
    POLL_CARDS_JOB, may_view=_returning_officer_sees, back=_console, once=True,
    keep_for=timedelta(days=2),
)  # fmt: skip
jobs.kind(COUNT_JOB, may_view=_may_manage, back=_console)
