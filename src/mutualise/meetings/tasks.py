"""General meetings' long work, run by the worker (`mutualise worker`): sending the notice to
every member entitled to it, and counting a poll.

`queue_notice` gives notice (the meeting's `call` step) and queues the sending job in one
transaction: notice is recorded as given exactly when its sending is sure to follow. The job
runs `services.send_notice` inside one transaction with its own end, so every member's message
is recorded in the outbox, with the audit event and the letters for members by post (the job's
file, sealed), or none is: a worker killed half way (kill -9) has recorded nothing, and the
retry records each member's message once. The outbox then sends each at most once
(mail/delivery.py), at the install's rate.

`queue_poll_count` counts a resolution decided on a poll as the election counts do (elections'
tasks.count): the declaration (`services.declare_result`: the instructed proxies cast, the last
mix, the ballots counted and sealed into the audit chain) runs in one transaction with the job's
end, so a worker killed half way has declared nothing and the retry counts again. A tie without
the chair's casting vote fails the job with the reason; the chair queues it again with one.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction

try:
    from django.tasks import task  # Django 6
except ImportError:  # Django 5.2: the backport
    from django_tasks import task

from django.urls import reverse
from rules import has_perm

from mutualise.audit import services as audit
from mutualise.jobs import services as jobs
from mutualise.register import services as register

from . import facts, services
from .lifecycle import RESOLUTION_TRANSITIONS, check
from .models import Meeting, Resolution
from .services.common import require

NOTICE_JOB = "meetings.notice"
POLL_COUNT_JOB = "meetings.poll_count"


def _actor(actor_id, actor_name: str = ""):
    return get_user_model().objects.filter(pk=actor_id).first() if actor_id else actor_name


def queue_notice(meeting, *, actor, meeting_url: str = "", now=None):
    """Give notice of the meeting and queue the job that sends it (see the module's doc);
    returns the job. Refused, with the reason, when notice may not be given (too little time
    left, not a draft) or has been sent already. After a sending job failed (the worker lost
    too often), the notice stands given and this queues its sending again."""
    subject = f"meeting:{meeting.pk}"
    require(
        "meetings.call_meeting", actor, meeting.organisation,
        f"Only the chair, the board or the membership secretary of {meeting.organisation.name}"
        " can call a general meeting.",
    )  # fmt: skip
    with transaction.atomic():
        Meeting.objects.select_for_update().get(pk=meeting.pk)
        waiting = jobs.unfinished(NOTICE_JOB, subject)
        if waiting is not None:
            return waiting
        last = jobs.latest(NOTICE_JOB, subject)
        if last is not None and last.state == "done":
            raise services.MeetingError("the notice of this meeting has been sent already")
        current = Meeting.objects.get(pk=meeting.pk)
        services.require_unsent(current)  # sent already, by a job or the command line
        if last is not None or current.state != "draft":
            # Its sending failed, or the meeting was called without sending (the command
            # line): notice stands given, send it (again).
            called = current
        else:
            called = services.call_meeting(meeting, actor=actor, now=now)
        members = register.active_members(called.organisation, on=called.notice_given_on)
        job = jobs.start(
            send_notice, kind=NOTICE_JOB, label=f"Notice: {called.title}",
            organisation=called.organisation, total=members.count(), unit="members",
            actor=actor, subject=subject,
            args=(called.pk, getattr(actor, "pk", None), audit.actor_name(actor), meeting_url),
        )  # fmt: skip
        audit.record(
            called.organisation, "meeting.notice_queued", actor=actor, subject=called,
            data={"job": job.pk},
        )  # fmt: skip
    return job


@task()
def send_notice(job_id: int, meeting_id: int, actor_id, actor_name: str, meeting_url: str):
    with jobs.running(job_id) as run:
        meeting = Meeting.objects.select_related("organisation").get(pk=meeting_id)
        try:
            with transaction.atomic():
                sent = services.send_notice(
                    meeting, actor=_actor(actor_id, actor_name), meeting_url=meeting_url,
                    progress=run.progress,
                )  # fmt: skip
                if sent.letters:
                    jobs.save_output(
                        run, file_name=f"meeting-{meeting.pk}-letters.pdf",
                        content_type="application/pdf", content=sent.letters_pdf,
                    )  # fmt: skip
                summary = f"{sent.emailed} emailed" + (
                    f"; {sent.letters} letter{'s' if sent.letters != 1 else ''} to post"
                    if sent.letters
                    else ""
                )
                run.finish({"meeting": meeting.pk, "emailed": sent.emailed,
                            "letters": sent.letters, "summary": summary})  # fmt: skip
        except services.MeetingError as exc:
            raise jobs.JobError(str(exc)) from exc


def queue_poll_count(resolution, *, actor, casting_vote: str = "", now=None):
    """Count and declare a poll as the worker's job (see the module's doc); returns the job.
    Refused at once, with the reason, when it may not be declared now."""
    require(
        "meetings.run_meeting", actor, resolution.organisation,
        "Only the chair or the membership secretary can declare a result.",
    )  # fmt: skip
    if resolution.method != Resolution.Method.POLL:
        raise services.MeetingError("a show of hands is declared with its counts, not counted")
    subject = f"meeting:{resolution.meeting_id}"
    with transaction.atomic():
        locked = Resolution.objects.select_for_update().get(pk=resolution.pk)
        waiting = jobs.unfinished(POLL_COUNT_JOB, f"{subject}:{locked.number}")
        if waiting is not None:
            return waiting
        allowed, reason = check(
            RESOLUTION_TRANSITIONS, facts.resolution_facts(locked, now), "declare"
        )
        if not allowed:
            raise services.MeetingError(reason)
        job = jobs.start(
            count_poll, kind=POLL_COUNT_JOB, label=f"Counting the poll: {locked.title}",
            organisation=locked.organisation, unit="ballots", actor=actor,
            subject=f"{subject}:{locked.number}",
            args=(locked.pk, getattr(actor, "pk", None), audit.actor_name(actor), casting_vote),
        )  # fmt: skip
        audit.record(
            locked.organisation, "resolution.count_queued", actor=actor, subject=locked,
            data={"job": job.pk},
        )  # fmt: skip
    return job


@task()
def count_poll(job_id: int, resolution_id: int, actor_id, actor_name: str, casting_vote: str):
    with jobs.running(job_id) as run:
        resolution = Resolution.objects.select_related("organisation").get(pk=resolution_id)
        try:
            with transaction.atomic():
                declared = services.declare_result(
                    resolution, casting_vote=casting_vote, actor=_actor(actor_id, actor_name)
                )
                counted = declared.votes_for + declared.votes_against + declared.abstentions
                run.finish({"meeting": declared.meeting_id, "resolution": declared.number,
                            "ballots": counted, "carried": declared.carried,
                            "summary": declared.result_reason})  # fmt: skip
        except services.MeetingError as exc:
            raise jobs.JobError(str(exc)) from exc


def _meeting_of(job):
    kind_, _, rest = job.subject.partition(":")
    pk = rest.partition(":")[0]
    if kind_ != "meeting" or not pk.isdecimal():
        return None
    return Meeting.objects.filter(pk=int(pk), organisation_id=job.organisation_id).first()


def _runs_meetings(user, job) -> bool:
    meeting = _meeting_of(job)
    return meeting is not None and (
        has_perm("meetings.call_meeting", user, meeting.organisation)
        or has_perm("meetings.run_meeting", user, meeting.organisation)
    )


def _meeting_page(job) -> str:
    meeting = _meeting_of(job)
    return reverse("meetings:detail", args=[job.organisation.slug, meeting.pk]) if meeting else ""


# The letters hold members' names and addresses: whoever calls meetings, for a week.
jobs.kind(NOTICE_JOB, may_view=_runs_meetings, back=_meeting_page, keep_for=timedelta(days=7))
jobs.kind(POLL_COUNT_JOB, may_view=_runs_meetings, back=_meeting_page)
