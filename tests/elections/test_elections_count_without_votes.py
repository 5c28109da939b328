"""A poll where nobody voted: every counting rule refuses to count no valid ballot (it would
otherwise elect by lot from zero votes), and the returning officer is told so in words, from the
console (the count's job) and from the command line; the election stays closed, uncounted, for
the officer to void."""

from __future__ import annotations

from datetime import timedelta

import pytest
from election_helpers import CLOSE_OF_POLL, Driver, make_members, make_user, moment

from mutualise.audit.models import AuditEvent
from mutualise.cli import main
from mutualise.elections import clock, services
from mutualise.elections.models import Election
from mutualise.jobs.models import Job
from mutualise.jobs.worker import run_queued
from mutualise.register.models import Role

pytestmark = pytest.mark.django_db

REFUSED = "cannot count the votes: no valid ballots to count"


@pytest.fixture
def nobody_voted(nhs_org):
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
    make_members(nhs_org, "public-north-tyneside", 3)
    drive.to_poll()
    drive.step("close_poll", drive.at("close_of_poll"))
    return election, drive


def test_the_count_step_refuses_in_words_and_leaves_the_election_uncounted(nobody_voted):
    election, drive = nobody_voted
    assert election.method == "nhs-mer-stv"
    with pytest.raises(services.ElectionError, match=REFUSED) as refused:
        drive.step("count", drive.at("close_of_poll", 30))
    assert "nobody voted" in str(refused.value) and "void the election" in str(refused.value)
    election.refresh_from_db()
    assert election.state == "poll_closed" and not election.result and election.seed is None
    assert not AuditEvent.objects.filter(action="election.counted").exists()


def test_the_console_count_job_fails_with_the_reason_not_an_internal_error(
    nobody_voted, monkeypatch, client
):
    election, drive = nobody_voted
    monkeypatch.setattr(clock, "now", lambda: drive.at("close_of_poll", 30))
    officer = make_user(election.organisation, "ro-user", Role.Kind.RETURNING_OFFICER)
    client.force_login(officer)
    console = f"/o/{election.organisation.slug}/elections/{election.pk}/console/"
    response = client.post(console + "step/count/")
    job = Job.objects.get(kind="elections.count")
    assert response["Location"].endswith(f"/jobs/{job.pk}/")
    run_queued()
    job.refresh_from_db()
    assert job.state == "failed" and job.error.startswith(REFUSED), job.error
    page = client.get(f"/o/{election.organisation.slug}/jobs/{job.pk}/")
    assert page.status_code == 200 and REFUSED in page.content.decode()
    assert client.get(console).status_code == 200
    assert Election.objects.get(pk=election.pk).state == "poll_closed"


def test_the_command_line_step_says_why_in_one_line(nobody_voted, monkeypatch, capsys):
    election, drive = nobody_voted
    monkeypatch.setattr(clock, "now", lambda: drive.at("close_of_poll", 30))
    assert main(["election", "step", str(election.pk), "count"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"mutualise: error: {REFUSED}") and "Traceback" not in err
    assert Election.objects.get(pk=election.pk).state == "poll_closed"
