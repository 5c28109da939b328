"""Voting codes by email, through the worker and a real SMTP server: the returning officer's
console queues the job, the worker issues the codes and records one message each, the delivery
task hands them to the server; a refused address is recorded, the outbox never keeps a code."""

from __future__ import annotations

from datetime import timedelta

import pytest
from election_helpers import CLOSE_OF_POLL, Driver, make_members, make_user, moment

from mutualise.elections import mailing, services
from mutualise.elections.models import Credential
from mutualise.jobs.worker import run_queued
from mutualise.mail.models import Message, Status
from mutualise.register.models import Role

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def frozen(nhs_org):
    election = services.create_election(
        nhs_org,
        body_id="council-of-governors",
        seat_group_id="public-newcastle",
        close_of_poll=CLOSE_OF_POLL,
        actor="test",
        now=moment(CLOSE_OF_POLL - timedelta(days=120)),
    )
    voters = make_members(nhs_org, "public-newcastle", 5)
    addresses = ["ada@example.org", "bo@example.org", "gone@example.org", "", "not-an-address"]
    for voter, address in zip(voters, addresses, strict=True):
        voter.email = address
        voter.save()
    drive = Driver(election, "ro")
    drive.to_nominations()
    drive.step("close_nominations", drive.at("nominations_close"))
    services.freeze_roll(election, actor="ro")
    return election, voters


def _code_in(text: str) -> str:
    return next(w for w in text.split() if services.codes.looks_like_code(w))


def test_the_officer_emails_the_codes_and_the_worker_sends_them(frozen, client, smtp_server):
    election, voters = frozen
    smtp_server.handler.refuse["gone@example.org"] = "550 5.1.1 mailbox unavailable"
    officer = make_user(election.organisation, "ro-user", Role.Kind.RETURNING_OFFICER)
    client.force_login(officer)
    console = f"/o/{election.organisation.slug}/elections/{election.pk}/console/"
    page = client.get(console).content.decode()
    assert "Email voting codes to the 4 voters with an email address" in page

    response = client.post(console + "codes/email/", follow=True)
    assert "Emailing 4 voting codes" in response.content.decode()
    assert 'data-module="app-progress"' in response.content.decode()
    assert client.get(console + "codes/email/status.json").json()["state"] == "queued"

    run_queued()  # the job issues codes and records the messages; then the delivery task
    status = client.get(console + "codes/email/status.json").json()
    assert (status["state"], status["done"], status["total"]) == ("done", 4, 4)
    page = client.get(console).content.decode()
    assert "3 voting codes emailed; 1 address could not be used" in page

    received = {r.rcpt_tos[0]: r for r in smtp_server.handler.received}
    assert sorted(received) == ["ada@example.org", "bo@example.org"]
    ada = received["ada@example.org"]
    code = _code_in(ada.part("plain"))
    assert services.check_code(election, code).roll_entry.member == voters[0]
    assert code in ada.part("html") and ada.message["Subject"].endswith(election.title)
    assert f"/elections/{election.pk}/vote/" in ada.part("plain")

    outbox = {m.to: m for m in Message.objects.filter(reason="voting-code")}
    assert outbox["gone@example.org"].status == Status.BOUNCED
    assert outbox["gone@example.org"].last_error == "550 5.1.1 mailbox unavailable"
    assert {outbox["ada@example.org"].status, outbox["bo@example.org"].status} == {Status.SENT}
    kept = " ".join(m.subject + m.text + m.html + str(m.secrets) for m in outbox.values())
    assert code not in kept  # the outbox keeps the messages, not the codes
    assert Credential.objects.filter(election=election, channel="email").count() == 3


def test_a_second_run_mails_only_the_voters_still_without_a_code(frozen, smtp_server):
    election, voters = frozen
    services.email_credentials(election, actor="ro")
    run_queued()
    assert len(smtp_server.handler.received) == 3
    job = services.email_credentials(election, actor="ro")
    assert job.total == 1  # the unusable address is still waiting; nobody is mailed twice
    run_queued()
    job.refresh_from_db()
    assert job.result == {"election": election.pk, "emailed": 0, "unusable_addresses": 1}
    assert len(smtp_server.handler.received) == 3


def test_a_job_stopped_half_way_keeps_whole_chunks_and_a_retry_does_the_rest(
    frozen, smtp_server, monkeypatch
):
    election, voters = frozen
    monkeypatch.setattr(mailing, "CHUNK", 1)
    real_send, sent = mailing.mail.send, []

    def send_then_stop(**kwargs):
        if len(sent) == 2:
            raise RuntimeError("the worker stopped")
        sent.append(kwargs["to"])
        return real_send(**kwargs)

    monkeypatch.setattr(mailing.mail, "send", send_then_stop)
    job = services.email_credentials(election, actor="ro")
    run_queued()
    job.refresh_from_db()
    assert job.state == "failed" and job.done == 2
    assert Credential.objects.filter(election=election).count() == 2  # the third rolled back
    monkeypatch.setattr(mailing.mail, "send", real_send)
    services.email_credentials(election, actor="ro")
    run_queued()
    assert sorted(r.rcpt_tos[0] for r in smtp_server.handler.received) == [
        "ada@example.org",
        "bo@example.org",
        "gone@example.org",
    ]
    assert Credential.objects.filter(election=election).count() == 3


def test_the_cli_emails_the_codes_with_progress_then_sends_them(
    frozen, smtp_server, capsys, monkeypatch
):
    from mutualise.cli import main

    election, voters = frozen
    make_user(election.organisation, "ro", Role.Kind.RETURNING_OFFICER)
    monkeypatch.setenv("MUTUALISE_PROGRESS", "plain")
    args = ["election", "email-codes", str(election.pk), "--as", "ro", "--vote-url", "https://v/"]
    assert main(args) == 0
    out, err = capsys.readouterr()
    assert "4 voting codes issued and put in the outbox" not in out  # one address is unusable
    assert "3 voting codes issued and put in the outbox; 1 addresses could not be used" in out
    assert "Emailing voting codes: " in err and "4 of 4 messages" in err  # the bar's last line
    assert smtp_server.handler.received == []  # queued for the worker, not yet sent
    assert main(["mail", "send"]) == 0
    out, err = capsys.readouterr()
    assert "3 sent, 0 bounced, 0 failed, 0 retried" in out and "Sending:" in err
    assert len(smtp_server.handler.received) == 3
    assert main(["mail", "status", "--org", election.organisation.slug]) == 0
    assert "Sent                         3" in capsys.readouterr().out


def test_the_cli_can_leave_the_job_to_the_worker(frozen, capsys):
    from mutualise.cli import main

    election, voters = frozen
    make_user(election.organisation, "ro", Role.Kind.RETURNING_OFFICER)
    assert main(["election", "email-codes", str(election.pk), "--as", "ro", "--no-wait"]) == 0
    assert "queued: 4 voters to email; `mutualise worker` runs it" in capsys.readouterr().out
    assert Credential.objects.filter(election=election).count() == 0
