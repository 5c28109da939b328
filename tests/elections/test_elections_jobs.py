"""Poll cards and the count as the worker's jobs, started from the returning officer's console:
the codes are issued and the cards laid out in one transaction with the job's end, the PDF is
the returning officer's alone to download; the count runs as the lifecycle's step does."""

from __future__ import annotations

import re
import zlib
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from election_helpers import CLOSE_OF_POLL, Driver, make_members, make_user, moment

from mutualise.audit.models import AuditEvent
from mutualise.elections import clock, services
from mutualise.elections.models import Credential
from mutualise.jobs.models import Job, JobOutput
from mutualise.jobs.worker import run_queued
from mutualise.register.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def frozen(nhs_org):
    election = services.create_election(
        nhs_org, body_id="council-of-governors", seat_group_id="public-gateshead",
        close_of_poll=CLOSE_OF_POLL, actor="test",
        now=moment(CLOSE_OF_POLL - timedelta(days=120)),
    )  # fmt: skip
    drive = Driver(election, "ro")
    drive.to_nominations()
    make_members(nhs_org, "public-gateshead", 3)
    drive.step("close_nominations", drive.at("nominations_close"))
    services.freeze_roll(election, actor="ro")
    return election, drive


def console(election) -> str:
    return f"/o/{election.organisation.slug}/elections/{election.pk}/console/"


def test_poll_cards_are_made_by_the_worker_for_the_returning_officer(frozen, client):
    election, _ = frozen
    officer = make_user(election.organisation, "ro-user", Role.Kind.RETURNING_OFFICER)
    secretary = make_user(election.organisation, "sec", Role.Kind.OFFICER)
    client.force_login(officer)
    response = client.post(console(election) + "codes/")
    job = Job.objects.get(kind="elections.poll_cards")
    assert response.status_code == 302 and response["Location"].endswith(f"/jobs/{job.pk}/")
    assert job.subject == f"election:{election.pk}" and not Credential.objects.exists()
    assert "Poll cards" in client.get(console(election)).content.decode()
    client.post(console(election) + "codes/")  # a second click waits for the first
    assert Job.objects.filter(kind="elections.poll_cards").count() == 1

    run_queued()
    job.refresh_from_db()
    assert job.state == "done" and job.result["issued"] == 3
    assert Credential.objects.filter(election=election).count() == 3
    page = client.get(f"/o/{election.organisation.slug}/jobs/{job.pk}/").content.decode()
    assert "3 poll cards to print" in page and "deleted as it is downloaded" in page
    pdf = client.get(f"/o/{election.organisation.slug}/jobs/{job.pk}/file")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and pdf.content.count(b"/Type /Page\n") == 3
    event = AuditEvent.objects.get(action="job.file_downloaded")
    assert event.data["deleted"] is True  # the plain codes are kept only until fetched
    assert not JobOutput.objects.filter(job=job).exists()
    assert client.get(f"/o/{election.organisation.slug}/jobs/{job.pk}/file").status_code == 403
    page = client.get(f"/o/{election.organisation.slug}/jobs/{job.pk}/").content.decode()
    assert "downloaded and deleted" in page
    client.force_login(secretary)  # an officer, but not the returning officer: no codes
    assert client.get(f"/o/{election.organisation.slug}/jobs/{job.pk}/").status_code == 403

    client.force_login(officer)
    client.post(console(election) + "codes/")
    again = Job.objects.filter(kind="elections.poll_cards").latest("pk")
    run_queued()
    again.refresh_from_db()
    assert again.pk != job.pk and again.result["issued"] == 0
    assert not JobOutput.objects.filter(job=again).exists()


def test_poll_cards_are_the_returning_officers_to_start(frozen):
    election, _ = frozen
    secretary = make_user(election.organisation, "sec", Role.Kind.OFFICER)
    with pytest.raises(services.NotPermitted):
        services.queue_poll_cards(election, actor=secretary)
    assert not Job.objects.exists()


def test_a_failed_run_issues_nothing(frozen, monkeypatch):
    from mutualise.elections import pdf

    election, _ = frozen

    def broken(*args, **kwargs):
        raise RuntimeError("the printer's font is missing")

    monkeypatch.setattr(pdf, "poll_cards", broken)
    job = services.queue_poll_cards(election, actor="ro")
    run_queued()
    job.refresh_from_db()
    assert job.state == "failed" and not Credential.objects.exists()
    assert not JobOutput.objects.exists()


def test_the_count_runs_as_a_job(nhs_org, monkeypatch, client):
    election = services.create_election(
        nhs_org, body_id="council-of-governors", seat_group_id="public-north-tyneside",
        close_of_poll=CLOSE_OF_POLL, actor="test",
        now=moment(CLOSE_OF_POLL - timedelta(days=120)),
    )  # fmt: skip
    drive = Driver(election, "ro")
    drive.to_nominations()
    for member in make_members(nhs_org, "public-north-tyneside", 6, prefix="Candidate"):
        services.nominate(
            election, member, ballot_name=member.display_name, actor="x", now=drive.nominating,
            declarations=["an undischarged bankrupt",
                          "sentenced to prison for 3 months or more in the last 5 years"],
        )  # fmt: skip
    make_members(nhs_org, "public-north-tyneside", 4)
    codes = list(drive.to_poll().values())
    for code in codes[:3]:
        services.cast(election, code, [1, 2], now=drive.polling)
    drive.step("close_poll", drive.at("close_of_poll"))
    monkeypatch.setattr(clock, "now", lambda: drive.at("close_of_poll", 30))
    officer = make_user(nhs_org, "ro-user", Role.Kind.RETURNING_OFFICER)
    client.force_login(officer)
    response = client.post(console(election) + "step/count/")
    job = Job.objects.get(kind="elections.count")
    assert response["Location"].endswith(f"/jobs/{job.pk}/")
    election.refresh_from_db()
    assert election.state == "poll_closed"
    assert "Counting" in client.get(console(election)).content.decode()
    run_queued()
    job.refresh_from_db()
    election.refresh_from_db()
    assert job.state == "done" and election.state == "counted"
    assert job.result["ballots"] == 3
    page = client.get(f"/o/{nhs_org.slug}/jobs/{job.pk}/").content.decode()
    assert "3 ballots counted" in page and console(election) in page


def test_poll_cards_are_stored_sealed_and_deleted_when_not_fetched_in_time(frozen, monkeypatch):
    """The stored file holds no plain code (sealed under a key outside the database); cards
    not downloaded are deleted by the daily jobs.expire_files once their two days are up,
    here by moving the demo clock (the days skipped run their daily jobs)."""
    from mutualise import clock as install_clock
    from mutualise.jobs import schedule
    from mutualise.jobs import services as jobs

    election, _ = frozen
    officer = make_user(election.organisation, "ro-user", Role.Kind.RETURNING_OFFICER)
    codes = []
    issue = services.issue_credentials

    def noting(*args, **kwargs):
        issued = issue(*args, **kwargs)
        codes.extend(item.code for item in issued)
        return issued

    monkeypatch.setattr(services, "issue_credentials", noting)
    install_clock.reset()
    # Noon in London: the daily jobs run from 01:00 (jobs.expire_files), so between midnight and
    # then today's are not due yet and the days skipped would not be known (red in CI at 00:17).
    noon = datetime.combine(install_clock.localdate(), time(12), tzinfo=ZoneInfo("Europe/London"))
    if install_clock.now() < noon:
        install_clock.move_to(noon)
    try:
        job = services.queue_poll_cards(election, actor=officer)
        schedule.run_due()  # today's daily jobs, so that the days skipped are known
        run_queued()
        output = JobOutput.objects.get(job=job)
        stored = bytes(output.content)
        assert len(codes) == 3 and output.sealed and not stored.startswith(b"%PDF")
        for code in codes:
            for form in (code, code.replace("-", "")):
                assert form.encode() not in stored and form.encode("utf-16-be") not in stored
        plain = jobs._plain(output)
        assert plain.startswith(b"%PDF") and output.size == len(plain)
        text = b"".join(
            zlib.decompress(stream)
            for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", plain, re.S)
        )
        assert all(code.encode() in text for code in codes)  # so the check above means it

        install_clock.advance(timedelta(days=1))
        schedule.run_due()
        run_queued()
        assert JobOutput.objects.filter(job=job).exists()  # a day on: still there
        install_clock.advance(timedelta(days=2))
        schedule.run_due()
        run_queued()
        assert not JobOutput.objects.filter(job=job).exists()  # expired, and gone
        job.refresh_from_db()
        assert job.result["expired"] is True
        assert AuditEvent.objects.filter(action="job.file_expired").count() == 1
    finally:
        install_clock.reset()
