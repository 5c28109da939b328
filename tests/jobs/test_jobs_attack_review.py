"""Attack review of issue 14's task queue (src/mutualise/jobs): jobs left by a killed worker,
two workers at once, the daily schedule across clock changes, who may see a job by its id,
a job's file after its expiry, the demo outbox under production settings. What held is a plain
test; what broke is a strict xfail saying what is wrong (or, fixed in this review, says so)."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from mutualise import clock
from mutualise.jobs import schedule
from mutualise.jobs import services as jobs
from mutualise.jobs.models import Job, JobOutput, ScheduledRun
from mutualise.jobs.worker import recover_lost, run_queued
from mutualise.register import services as register
from mutualise.register.models import Role

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "elections"))
from election_helpers import (  # noqa: E402
    CLOSE_OF_POLL,
    Driver,
    make_members,
    moment,
    nhs_rulebook,
)

try:
    from django.tasks import task
except ImportError:
    from django_tasks import task

pytestmark = pytest.mark.django_db
RAN: list[str] = []


def _user(org, name: str, *kinds: str):
    user = get_user_model().objects.create_user(name, password="x" * 20)
    for kind in kinds:
        Role.objects.create(organisation=org, user=user, kind=kind)
    return user


def _alice(org):
    [member] = make_members(org, "public-newcastle", 1, prefix="Alice Private")
    member.email = "alice@a.example"
    member.save(update_fields=["email"])
    return member


def _org(slug: str):
    return register.create_organisation(
        name=f"{slug} Trust", constitution_text=nhs_rulebook(), source_name="nhs.yaml",
        slug=slug, actor="test",
    )  # fmt: skip


@pytest.fixture
def two_orgs():
    a, b = _org("a-trust"), _org("b-trust")
    return a, b, _user(a, "sec-a", Role.Kind.OFFICER), _user(b, "sec-b", Role.Kind.OFFICER)


# -- who sees a job -------------------------------------------------------------------------


def test_another_organisations_officer_cannot_see_a_job_by_its_id(two_orgs, client):
    """The register extract of A, by its id: B's membership secretary gets nothing of it,
    through B's address (404: not B's job) or A's (403: not an officer of A)."""
    a, b, sec_a, sec_b = two_orgs
    _alice(a)
    job = register.queue_export(a, "csv", actor=sec_a)
    run_queued()
    client.force_login(sec_b)
    for slug, refused in ((b.slug, 404), (a.slug, 403)):
        base = f"/o/{slug}/jobs/{job.pk}/"
        for url in (base, base + "status", base + "file"):
            response = client.get(url)
            assert response.status_code == refused, (url, response.status_code)
            assert b"Alice" not in response.content
        assert client.post(base + "file/delete").status_code == refused
    assert JobOutput.objects.filter(job=job).exists()
    client.force_login(sec_a)
    response = client.get(f"/o/{a.slug}/jobs/{job.pk}/file")
    assert response.status_code == 200 and b"Alice" in response.content


def test_an_install_wide_job_has_no_page_in_any_organisation(two_orgs, client):
    """The daily runs have no organisation: no organisation's address reaches them."""
    a, _, sec_a, _ = two_orgs
    schedule.run_due()
    daily = Job.objects.filter(organisation=None).first()
    assert daily is not None
    client.force_login(sec_a)
    assert client.get(f"/o/{a.slug}/jobs/{daily.pk}/").status_code == 404


def test_a_signed_out_visitor_is_sent_to_sign_in_and_sees_nothing(two_orgs, client):
    a, _, sec_a, _ = two_orgs
    job = register.queue_export(a, "csv", actor=sec_a)
    run_queued()
    base = f"/o/{a.slug}/jobs/{job.pk}/"
    assert client.get(base).status_code == 302
    assert client.get(base + "file").status_code == 302
    assert client.get(base + "status").status_code == 403


# -- a job's file after its expiry ----------------------------------------------------------


def test_a_file_past_its_expiry_is_not_downloadable_before_the_daily_sweep(two_orgs, client):
    """The extract's week is up, and the daily jobs.expire_files has not run yet (its hour has
    not come, or the worker is down): the personal data must not be handed out anyway.
    (It was, until the review: download_output now refuses an expired file. Fixed.)"""
    a, _, sec_a, _ = two_orgs
    _alice(a)
    job = register.queue_export(a, "csv", actor=sec_a)
    run_queued()
    JobOutput.objects.filter(job=job).update(expires_at=clock.now() - timedelta(minutes=1))
    client.force_login(sec_a)
    base = f"/o/{a.slug}/jobs/{job.pk}/"
    response = client.get(base + "file")
    assert response.status_code == 403 and b"Alice" not in response.content
    assert "Download" not in client.get(base).content.decode()
    with pytest.raises(jobs.JobError):
        jobs.download_output(job, actor=sec_a)
    assert jobs.expire_files() == 1 and not JobOutput.objects.filter(job=job).exists()


def test_an_expired_file_leaves_no_personal_data_on_the_job(two_orgs):
    a, _, sec_a, _ = two_orgs
    _alice(a)
    job = register.queue_export(a, "csv", actor=sec_a)
    run_queued()
    output = JobOutput.objects.get(job=job)
    assert output.sealed and b"Alice" not in bytes(output.content)  # sealed while kept
    assert jobs.expire_files(clock.now() + timedelta(days=8)) == 1
    job.refresh_from_db()
    assert "Alice" not in str(job.result) + job.label + job.error
    assert job.result["expired"] is True


# -- a worker killed mid-task ---------------------------------------------------------------


def _dead_owner() -> str:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return f"{socket.gethostname()[:40]}:{child.pid}:deadbeef"


def _as_if_killed(job: Job) -> None:
    """What a kill -9 leaves: the task RUNNING under a worker that is gone, the job RUNNING
    with one attempt, nothing of the work committed (the work commits with the job's end)."""
    DBTaskResult.objects.filter(pk=job.task_id).update(
        status="RUNNING", worker_ids=[_dead_owner()], started_at=clock.now()
    )
    Job.objects.filter(pk=job.pk).update(state="running", attempts=1)


def test_an_export_left_running_by_a_killed_worker_is_made_once_on_restart(two_orgs):
    a, _, sec_a, _ = two_orgs
    job = register.queue_export(a, "csv", actor=sec_a)
    _as_if_killed(job)
    assert recover_lost("me:1:x") == [(job.pk, "queued again")]
    assert recover_lost("me:1:x") == []  # settled once, however often a worker starts
    assert run_queued() == 1
    job.refresh_from_db()
    assert (job.state, job.attempts) == ("done", 2)
    assert JobOutput.objects.filter(job=job).count() == 1


def test_a_job_killed_on_its_last_attempt_fails_and_stays_failed(two_orgs):
    a, _, sec_a, _ = two_orgs
    job = register.queue_export(a, "csv", actor=sec_a)
    _as_if_killed(job)
    Job.objects.filter(pk=job.pk).update(attempts=2)
    assert recover_lost("me:1:x") == [(job.pk, "failed")]
    job.refresh_from_db()
    assert job.state == "failed" and "interrupted" in job.error
    assert DBTaskResult.objects.get(pk=job.task_id).status == "FAILED"
    assert run_queued() == 0 and not JobOutput.objects.exists()


def test_a_task_run_twice_by_the_queue_runs_its_work_once(two_orgs):
    """Should the queue ever hand one task out twice, the job's state machine refuses the
    second run: it cannot start a job already running or done."""
    a, _, sec_a, _ = two_orgs
    job = register.queue_export(a, "csv", actor=sec_a)
    run_queued()
    from mutualise.register.tasks import export_register

    with pytest.raises(jobs.JobStateError):
        export_register.call(job.pk, a.pk, "csv")
    assert JobOutput.objects.filter(job=job).count() == 1


# -- the daily schedule ---------------------------------------------------------------------


@task()
def tally(job_id: int, day: str):
    with jobs.running(job_id) as run:
        RAN.append(day)
        run.finish({"day": day})


@pytest.fixture
def daily(monkeypatch):
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("tasks")
    monkeypatch.setattr(schedule, "DAILY", {})
    schedule.daily("test.at_one", label="At one", hour=1)(tally)
    RAN.clear()
    return schedule.DAILY


def _utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_the_autumn_hour_that_comes_twice_runs_the_job_once(daily):
    """25 October 2026: 01:00-02:00 comes twice in London (BST, then GMT)."""
    assert schedule.run_due(_utc(2026, 10, 24, 23, 59)) == []  # 00:59 BST: not yet
    assert schedule.run_due(_utc(2026, 10, 25, 0, 30)) == ["test.at_one"]  # 01:30 BST
    assert schedule.run_due(_utc(2026, 10, 25, 1, 30)) == []  # 01:30 GMT: the same day
    run_queued()
    assert RAN == ["2026-10-25"]


def test_the_spring_hour_that_never_comes_does_not_skip_the_day(daily):
    """29 March 2026: London goes from 00:59 GMT to 02:00 BST; a 01:00 job runs at 02:00."""
    assert schedule.run_due(_utc(2026, 3, 29, 0, 59)) == []
    assert schedule.run_due(_utc(2026, 3, 29, 1, 0)) == ["test.at_one"]  # 02:00 BST
    assert schedule.run_due(_utc(2026, 3, 29, 22, 30)) == []  # 23:30 BST
    assert schedule.run_due(_utc(2026, 3, 29, 23, 30)) == []  # 00:30 BST on the 30th: early
    assert schedule.run_due(_utc(2026, 3, 30, 0, 30)) == ["test.at_one"]  # 01:30 BST, 30th
    run_queued()
    assert RAN == ["2026-03-29", "2026-03-30"]


def test_the_london_day_not_the_utc_day_names_the_run(daily):
    """23:30 UTC on 1 July is 00:30 on 2 July in London: the day is London's."""
    schedule.daily("test.at_one", label="At midnight", hour=0)(tally)
    assert schedule.run_due(_utc(2026, 7, 1, 23, 30)) == ["test.at_one"]
    assert ScheduledRun.objects.get().day.isoformat() == "2026-07-02"


def test_missed_days_across_a_clock_change_run_once_each_and_once_only(daily):
    assert schedule.run_due(_utc(2026, 10, 23, 12, 0)) == ["test.at_one"]
    later = _utc(2026, 10, 27, 12, 0)  # the worker was down over the change
    assert schedule.run_due(later) == [
        "test.at_one 2026-10-24", "test.at_one 2026-10-25", "test.at_one 2026-10-26",
        "test.at_one",
    ]  # fmt: skip
    assert schedule.run_due(later) == []
    run_queued()
    assert RAN == ["2026-10-23", "2026-10-24", "2026-10-25", "2026-10-26", "2026-10-27"]


def test_a_clock_moved_back_and_forward_runs_no_day_twice(daily):
    """A demo clock moved back three days, then on again: the days between, never run, run
    once on the way back; no day runs twice, and nothing fails."""
    assert schedule.run_due(_utc(2026, 10, 23, 12, 0)) == ["test.at_one"]
    assert schedule.run_due(_utc(2026, 10, 20, 12, 0)) == ["test.at_one"]  # its own day
    assert schedule.run_due(_utc(2026, 10, 23, 12, 0)) == [
        "test.at_one 2026-10-21", "test.at_one 2026-10-22",
    ]  # fmt: skip
    run_queued()
    assert sorted(RAN) == ["2026-10-20", "2026-10-21", "2026-10-22", "2026-10-23"]


def test_the_daily_reminders_run_twice_on_one_day_raise_nothing_twice(db):
    """The governance reminders task itself run twice for one day (a retry after a kill
    between its work and its end): the second raises and mails nothing new."""
    from mutualise.governance.tasks import reminders
    from mutualise.mail.models import Message

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "governance"))
    from governance_helpers import found

    org = found("co-operative-society", "r-coop", founded=date(2024, 1, 1))
    secretary = _user(org, "sec-r", Role.Kind.OFFICER)
    secretary.email = "sec@r.example"
    secretary.save()
    day = "2025-05-18"  # the AGM due by 30 June 2025 is shown from today
    results = []
    for _ in range(2):
        job = jobs.start(reminders, kind="schedule.governance.reminders", label="r",
                         args=(day,))  # fmt: skip
        run_queued()
        job.refresh_from_db()
        assert job.state == "done", job.error
        results.append(job.result)
        mailed = Message.objects.count()
    assert results[0]["raised"] >= 1 and results[0]["mailed"] >= 1, results  # something due
    assert results[1]["raised"] == 0 and results[1]["mailed"] == 0
    assert Message.objects.count() == mailed


# -- the demo outbox ------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/outbox/", "/o/a-trust/outbox/"])
def test_the_demo_outbox_does_not_exist_under_production_settings(two_orgs, client, path):
    from mutualise.web import settings as production

    assert production.MUTUALISE_DEMO is False  # the production settings' own value
    admin = get_user_model().objects.create_superuser("root", "r@x.example", "x" * 20)
    client.force_login(admin)
    with override_settings(MUTUALISE_DEMO=False):
        assert client.get(path).status_code == 404


# -- voting codes asked for twice -----------------------------------------------------------


@pytest.fixture
def frozen_election():
    from mutualise.elections import services

    org = register.create_organisation(
        name="Tyneside", constitution_text=nhs_rulebook(), source_name="nhs.yaml",
        slug="tyneside", actor="test",
    )  # fmt: skip
    election = services.create_election(
        org, body_id="council-of-governors", seat_group_id="public-newcastle",
        close_of_poll=CLOSE_OF_POLL, actor="test",
        now=moment(CLOSE_OF_POLL - timedelta(days=120)),
    )  # fmt: skip
    voters = make_members(org, "public-newcastle", 4)
    for n, voter in enumerate(voters):
        voter.email = f"v{n}@example.org"
        voter.save()
    drive = Driver(election, "ro")
    drive.to_nominations()
    drive.step("close_nominations", drive.at("nominations_close"))
    services.freeze_roll(election, actor="ro")
    return election


def test_voting_codes_emailed_twice_queue_one_job(frozen_election):
    """The officer presses "email the codes" twice (or two officers at once): one job, as
    for the poll cards, so two workers cannot each issue and mail a code to the same voters
    (the second voiding the first's codes). Queued twice until the review: fixed."""
    from mutualise.elections import services

    first = services.email_credentials(frozen_election, actor="ro")
    second = services.email_credentials(frozen_election, actor="ro")
    assert second.pk == first.pk and Job.objects.filter(kind="elections.email_codes").count() == 1


# -- real worker processes: killed mid-task, and two at once ---------------------------------

HERE = Path(__file__).resolve().parent
VOTERS = 1200  # three chunks of mailing.CHUNK (500): the kill comes inside the second
PAUSE_AT = 1000  # after the second chunk's codes and messages, before its commit


@pytest.fixture
def install(tmp_path):
    import worker_db

    settings = {  # the development settings: the only ones that honour the pause point
        "DJANGO_SETTINGS_MODULE": "mutualise.web.settings_dev",
        "MUTUALISE_EMAIL_RATE": "0",
    }
    with worker_db.install(tmp_path, "jobs_attack", **settings) as env:
        yield env


def _script(env, *args) -> dict:
    import json

    import worker_db

    return json.loads(worker_db.run(env, str(HERE / "attack_install.py"), *args))


@pytest.mark.django_db(transaction=False)
def test_codes_by_email_killed_mid_chunk_reach_each_voter_once_with_one_live_code(install):
    """kill -9 inside the second chunk of the credential e-mails: the first chunk's codes
    and messages are kept, the second's are not; the restarted worker carries on, and each
    voter ends with one live code and one message, received once, none voided."""
    import json
    import signal
    import time

    import worker_db
    from mail_server import Server

    server = Server().start()
    try:
        env = {**install, "MUTUALISE_EMAIL_URL": server.url}
        ids = _script(env, "setup-codes", str(VOTERS))
        marker = Path(env["MUTUALISE_VAR_DIR"]) / f"job-{ids['job']}-paused.json"
        worker = worker_db.worker(
            {**env, "MUTUALISE_TEST_PAUSE_JOB": f"elections.email_codes:{PAUSE_AT}"}
        )
        try:
            deadline = time.monotonic() + 300
            while not marker.exists():
                assert worker.poll() is None, worker.stdout.read()
                assert time.monotonic() < deadline, _script(env, "state-codes")
                time.sleep(0.2)
            paused = json.loads(marker.read_text())
        finally:
            worker.send_signal(signal.SIGKILL)
            worker.wait()
            worker.stdout.close()
        killed = _script(env, "state-codes")
        assert paused["in_transaction"] and paused["done"] == PAUSE_AT, paused
        assert killed["job"][0] == "running" and killed["live"] == 500, killed  # chunk one
        assert sum(killed["per_address"].values()) == 500, killed

        log = worker_db.finish(worker_db.worker(env, "--batch"))
        assert f"job {ids['job']} left by a lost worker: queued again" in log
        after = _script(env, "state-codes")
    finally:
        server.stop()
    assert after["job"][:2] == ["done", 2], after
    assert (after["live"], after["voided"], after["live_per_voter"]) == (VOTERS, 0, 1), after
    assert len(after["per_address"]) == VOTERS and set(after["per_address"].values()) == {1}
    assert after["by_status"] == {"sent": VOTERS}, after
    received = Counter(r.rcpt_tos[0] for r in server.handler.received)
    assert len(received) == VOTERS and set(received.values()) == {1}


@pytest.mark.django_db(transaction=False)
def test_two_workers_at_once_run_each_job_once(install):
    """Two `mutualise worker --batch` processes on one queue of 40 jobs: each job runs once
    (one attempt, one worker on its task, one file), and both workers took some."""
    import worker_db

    _script(install, "setup-exports", "40")
    workers = [worker_db.worker(install, "--batch") for _ in range(2)]
    for worker in workers:
        worker_db.finish(worker)
    rows = _script(install, "state-jobs")["jobs"]
    assert len(rows) == 40
    assert {(r["state"], r["attempts"], r["task"], r["files"]) for r in rows} == {
        ("done", 1, "SUCCESSFUL", 1)
    }, rows
    assert {len(r["workers"]) for r in rows} == {1}


# -- poll cards and codes by email at once, on two workers -----------------------------------


@pytest.mark.django_db(transaction=True)
def test_poll_cards_and_codes_by_email_on_two_workers_void_no_printed_code(frozen_election):
    """The returning officer queues the poll cards and the codes by email; two workers take
    one each. The e-mailing chunk reads its voters (none has a code yet), the poll cards
    commit a code for every voter, then the chunk issues its own codes: it must not void the
    codes just printed on the cards (nor mail a second code to voters who have one).
    On SQLite the write lock each job's transaction takes first keeps them apart already; on
    PostgreSQL each chunk voided the printed codes until the review locked the election
    for each chunk and each issue (elections/mailing.py, services/credentials.py): fixed."""
    import threading

    from django.db import connection, connections

    from mutualise.elections import services
    from mutualise.elections.models import Credential
    from mutualise.jobs.worker import run_one

    election = frozen_election
    cards = services.queue_poll_cards(election, actor="ro")
    emails = services.email_credentials(election, actor="ro")
    real_issue = services.issue_credentials
    chunk_read, cards_done = threading.Event(), threading.Event()
    mailer: dict = {}

    def issue(*args, **kwargs):
        if threading.get_ident() == mailer.get("thread"):
            chunk_read.set()
            cards_done.wait(timeout=5)  # held here while the cards commit (if they can)
        return real_issue(*args, **kwargs)

    services.issue_credentials = issue
    try:

        def mail_codes():
            mailer["thread"] = threading.get_ident()
            try:
                run_one(emails.task_id)
            finally:
                connections.close_all()

        thread = threading.Thread(target=mail_codes)
        thread.start()
        assert chunk_read.wait(timeout=60) or connection.vendor == "sqlite"
        if connection.vendor == "postgresql":
            run_one(cards.task_id)
        cards_done.set()
        thread.join(timeout=120)
        if connection.vendor == "sqlite":
            run_one(cards.task_id)
    finally:
        services.issue_credentials = real_issue
    cards.refresh_from_db(), emails.refresh_from_db()
    assert {cards.state, emails.state} == {"done"}, (cards.error, emails.error)
    assert Credential.objects.filter(voided_at__isnull=False).count() == 0
    live = Credential.objects.filter(election=election, voided_at__isnull=True)
    assert live.count() == election.roll.count() == 4
