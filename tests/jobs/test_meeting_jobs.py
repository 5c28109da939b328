"""General meetings' work as the worker's jobs (meetings/tasks.py): the notice queued with the
meeting's call and sent once, and a poll counted and declared as a job, its result sealed;
a tie without the chair's casting vote fails the job with the reason, and a second queueing
with one declares it. (The notice under a kill -9 is tests/jobs/test_notice_kill.py.)"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from mutualise.audit.models import AuditEvent
from mutualise.constitution.calendar import LONDON
from mutualise.jobs.models import Job, JobOutput
from mutualise.jobs.worker import run_queued
from mutualise.mail.models import Message
from mutualise.meetings import services, tasks
from mutualise.meetings.facts import notice_days
from mutualise.register import services as register
from mutualise.register.models import Member, MembershipPeriod

pytestmark = pytest.mark.django_db
DAY = date(2026, 9, 15)
JOINED = date(2025, 1, 1)


def _at(day: date, hour: int = 19) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=LONDON)


@pytest.fixture
def org():
    return register.create_from_model(
        model="co-operative-society", name="Jobs Co-op", slug="jobs-coop", actor="test"
    )


def _members(org, count: int) -> list[Member]:
    constituency = org.constitution.constituencies[0].id
    Member.objects.bulk_create(
        Member(organisation=org, number=i, status=Member.Status.ADMITTED,
               constituency_id=constituency, display_name=f"Member {i}",
               email=f"member{i}@example.org" if i % 4 else "",
               contact_channel=Member.Channel.EMAIL, address=f"{i} High Street",
               postcode="AB1 2CD", applied_on=JOINED, admitted_on=JOINED)
        for i in range(1, count + 1)
    )  # fmt: skip
    members = list(Member.objects.filter(organisation=org).order_by("number"))
    MembershipPeriod.objects.bulk_create(
        MembershipPeriod(organisation=org, member=m, constituency_id=constituency,
                         started_on=JOINED)
        for m in members
    )  # fmt: skip
    return members


def _meeting(org):
    return services.create_meeting(
        org, kind="general", title="General meeting", starts_at=_at(DAY), place="Hall",
        online=True, actor="test",
    )  # fmt: skip


def test_the_notice_is_queued_with_the_call_and_sent_once_to_each_member(org):
    _members(org, 12)
    meeting = _meeting(org)
    when = _at(DAY - timedelta(days=notice_days(meeting) + 1), 12)
    job = tasks.queue_notice(meeting, actor="secretary", now=when)
    meeting.refresh_from_db()
    assert meeting.state == "called" and meeting.notice_given_on == when.date()
    assert not Message.objects.exists()  # the worker sends it
    assert tasks.queue_notice(meeting, actor="secretary") == job  # waiting: the same job
    run_queued()
    job.refresh_from_db()
    assert job.state == "done" and job.result["emailed"] == 9 and job.result["letters"] == 3
    assert (job.done, job.total) == (9, 9)
    notices = Message.objects.filter(reason="meeting-notice")
    assert sorted(notices.values_list("to", flat=True)) == sorted(
        f"member{i}@example.org" for i in range(1, 13) if i % 4
    )
    output = JobOutput.objects.get(job=job)
    assert output.sealed and not bytes(output.content).startswith(b"%PDF")
    with pytest.raises(services.MeetingError, match="sent already"):
        tasks.queue_notice(meeting, actor="secretary")
    assert AuditEvent.objects.filter(action="meeting.notice_sent").count() == 1


def test_a_failed_notice_job_is_queued_again_without_calling_twice(org):
    from django_tasks_db.models import DBTaskResult

    from mutualise.jobs import services as jobs

    _members(org, 4)
    meeting = _meeting(org)
    when = _at(DAY - timedelta(days=notice_days(meeting) + 1), 12)
    lost = tasks.queue_notice(meeting, actor="secretary", now=when)
    jobs.fail(lost.pk, "the work was interrupted (its worker stopped) too often")
    DBTaskResult.objects.filter(pk=lost.task_id).delete()  # as a lost worker's task, settled
    again = tasks.queue_notice(meeting, actor="secretary")
    assert again.pk != lost.pk
    run_queued()
    again.refresh_from_db()
    assert again.state == "done" and again.result["emailed"] == 3
    assert AuditEvent.objects.filter(action="meeting.call").count() == 1  # called once
    assert Message.objects.filter(reason="meeting-notice").count() == 3


def _poll(org, choices: list[str]):
    members = _members(org, len(choices))
    meeting = _meeting(org)
    resolution = services.add_resolution(
        meeting, title="Adopt the plan", text="...", kind_id="ordinary", method="poll"
    )
    services.call_meeting(meeting, now=_at(DAY - timedelta(days=notice_days(meeting) + 1), 12))
    meeting = services.open_meeting(meeting, now=_at(DAY))
    services.check_in_many(meeting, members, mode="online")
    services.open_vote(resolution)
    for member, choice in zip(members, choices, strict=True):
        services.cast_vote(resolution, member, choice)
    return resolution


def test_a_poll_is_counted_and_declared_by_the_worker(org):
    resolution = _poll(org, ["for"] * 5 + ["against"] * 2 + ["abstain"])
    job = tasks.queue_poll_count(resolution, actor="chair")
    assert tasks.queue_poll_count(resolution, actor="chair") == job  # one at a time
    resolution.refresh_from_db()
    assert resolution.state == "open"  # nothing declared until the worker counts
    run_queued()
    job.refresh_from_db()
    resolution.refresh_from_db()
    assert job.state == "done", job.error
    assert (resolution.state, resolution.votes_for, resolution.votes_against) == ("declared", 5, 2)
    assert resolution.carried and job.result["ballots"] == 8 and job.result["carried"]
    assert AuditEvent.objects.filter(action="resolution.declared").count() == 1
    with pytest.raises(services.MeetingError):  # declared: no second count
        tasks.queue_poll_count(resolution, actor="chair")


def test_a_tied_poll_fails_its_job_with_the_reason_until_the_chair_casts(db):
    from mutualise.constitution import model_path

    text = model_path("co-operative-society").read_text(encoding="utf-8")
    text = text.replace("chair_casting_vote: false", "chair_casting_vote: true", 1)
    org = register.create_organisation(
        name="Casting Co-op", constitution_text=text, source_name="coop.yaml", slug="casting",
        actor="test",
    )  # fmt: skip
    assert org.constitution.meetings.chair_casting_vote
    resolution = _poll(org, ["for", "for", "against", "against"])
    failed = tasks.queue_poll_count(resolution, actor="chair")
    run_queued()
    failed.refresh_from_db()
    resolution.refresh_from_db()
    assert failed.state == "failed" and "casting vote" in failed.error
    assert resolution.state == "open"  # nothing of the failed count was kept
    job = tasks.queue_poll_count(resolution, actor="chair", casting_vote="for")
    run_queued()
    job.refresh_from_db()
    resolution.refresh_from_db()
    assert job.state == "done" and resolution.carried and resolution.casting_vote == "for"
    assert Job.objects.filter(kind=tasks.POLL_COUNT_JOB).count() == 2
