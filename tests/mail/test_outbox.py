"""The outbox through a real SMTP server (aiosmtpd, started by each test): recorded in the
caller's transaction, sent by the worker's task, a refused address recorded with the server's
reply, a server down tried again later, secrets forgotten once sent, a lost worker's batch
settled at most once."""

from __future__ import annotations

import socket
import subprocess
import sys
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from mail_server import Server, free_port

from mutualise.jobs.worker import run_queued
from mutualise.mail import delivery, pace
from mutualise.mail import services as mail
from mutualise.mail.models import Message, Status
from mutualise.register import services as register

pytestmark = pytest.mark.django_db(transaction=True)
CLOSE = datetime(2026, 12, 9, 17, 0, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture
def org():
    return register.create_from_model(
        model="supporters-trust", name="Ayrshire Supporters' Trust", slug="ayrshire", actor="t"
    )


def _code(org, to: str, code: str = "ABCD-EFGH-JKLM", name: str = "Ann O'Brien") -> Message:
    return mail.send(
        organisation=org,
        to=to,
        template="elections/voting_code",
        context={
            "name": name,
            "election": {"title": "Board 2026"},
            "vote_url": "https://vote.example/e/1",
            "close": CLOSE,
        },
        secrets={"code": code},
        reason="voting-code",
    )


def test_a_message_is_recorded_in_the_callers_transaction_and_sent_after_it(org, smtp_server):
    with transaction.atomic():
        first = _code(org, "ann@example.org")
        _code(org, "bob@example.org")
        assert DBTaskResult.objects.count() == 0  # nothing queued before the commit
    assert DBTaskResult.objects.filter(status="READY").count() == 1  # one task for both
    assert first.status == Status.QUEUED and "\u27e6code\u27e7" in first.text
    assert "ABCD" not in first.text + first.html + first.subject  # the code is not in the body
    run_queued()
    first.refresh_from_db()
    assert (first.status, first.attempts, first.secrets) == (Status.SENT, 1, {})
    assert first.sent_at and f".mutualise.{first.pk}@" in first.message_id
    got = smtp_server.handler.to("ann@example.org")
    assert len(got) == 1 and len(smtp_server.handler.received) == 2
    assert got[0].message["Subject"] == "Your voting code: Board 2026"
    text, html = got[0].part("plain"), got[0].part("html")
    assert "Dear Ann O'Brien," in text and "    ABCD-EFGH-JKLM" in text
    assert "17:00 on Wednesday 9 December 2026" in text
    assert "<code>ABCD-EFGH-JKLM</code>" in html and "Ann O&#x27;Brien" in html
    assert got[0].mail_from == "mutualise@localhost"


def test_a_rolled_back_change_sends_nothing(org, smtp_server):
    with pytest.raises(RuntimeError), transaction.atomic():
        _code(org, "ann@example.org")
        raise RuntimeError("the change was refused")
    assert not Message.objects.exists() and not DBTaskResult.objects.exists()
    assert run_queued() == 0 and smtp_server.handler.received == []


def test_mail_comes_from_the_organisations_own_address(org, smtp_server):
    org.mail_from = "Ayrshire Trust <board@ayrshire.example>"
    org.save()
    _code(org, "ann@example.org")
    run_queued()
    assert smtp_server.handler.received[0].mail_from == "board@ayrshire.example"
    assert smtp_server.handler.received[0].message["From"] == org.mail_from


def test_a_bad_address_or_template_is_refused_with_what_is_wrong(org):
    with pytest.raises(mail.MailError, match="'not an address' is not an email address"):
        _code(org, "not an address")
    with pytest.raises(mail.MailError, match="no mail template mail/nowhere.subject.txt"):
        mail.send(organisation=org, to="a@example.org", template="nowhere", context={},
                  reason="x")  # fmt: skip


@pytest.mark.parametrize(
    "to, said",
    [
        ("a@b.example\nBcc: x@y.example", r"'a@b.example\\nBcc: x@y.example' is not an email"),
        ("a@b.example\rBcc: x@y.example", "is not an email address"),
        ("a\x00@b.example", r"'a\\x00@b.example' is not an email address"),
        ("Ann <a@b.example>", "is not an email address"),
        ("a@b.example, c@d.example", "is not an email address"),
        ("\u202ea@b.example", "is not an email address"),
        # validate_email allows 320 characters; Message.to holds 254 (PostgreSQL: a DataError)
        ("a" * 290 + "@example.org", "longer than an email address can be"),
    ],
)
def test_a_hostile_address_is_refused_in_one_line_and_nothing_is_stored(org, to, said):
    with pytest.raises(mail.MailError, match=said.replace("(", r"\(")) as caught:
        _code(org, to)
    assert "\n" not in str(caught.value) and "\x00" not in str(caught.value)
    assert Message.objects.count() == 0


def test_a_newline_rendered_into_the_subject_becomes_a_space(org):
    message = mail.send(
        organisation=org,
        to="a@example.org",
        template="elections/voting_code",
        context={"name": "A", "election": {"title": "Board\nBcc: x@y.example"}, "close": CLOSE},
        secrets={"code": "X"},
        reason="voting-code",
    )
    assert "\n" not in message.subject and "Board Bcc: x@y.example" in message.subject


def test_a_refused_recipient_is_recorded_with_the_servers_reply(org, smtp_server):
    smtp_server.handler.refuse["gone@example.org"] = "550 5.1.1 <gone@example.org>: no such user"
    smtp_server.handler.refuse["full@example.org"] = "452 4.2.2 mailbox full"
    gone = _code(org, "gone@example.org")
    full = _code(org, "full@example.org")
    ann = _code(org, "ann@example.org")
    run_queued()
    gone.refresh_from_db(), full.refresh_from_db(), ann.refresh_from_db()
    assert (gone.status, gone.smtp_code, gone.secrets) == (Status.BOUNCED, 550, {})
    assert gone.last_error == "550 5.1.1 <gone@example.org>: no such user"
    assert (full.status, full.attempts, full.smtp_code) == (Status.QUEUED, 1, 452)
    assert full.next_attempt_at > timezone.now() and full.secrets == {"code": "ABCD-EFGH-JKLM"}
    assert ann.status == Status.SENT  # the others in the batch still went
    assert [r.rcpt_tos for r in smtp_server.handler.received] == [["ann@example.org"]]
    later = DBTaskResult.objects.filter(status="READY").get()  # the retry is queued for later
    assert later.run_after == full.next_attempt_at


def test_a_server_down_is_tried_again_with_backoff_then_given_up(org, settings):
    port = free_port()  # nothing listens here yet
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5
    settings.MUTUALISE_EMAIL_RATE, settings.MUTUALISE_EMAIL_MAX_ATTEMPTS = 0, 3
    settings.MUTUALISE_EMAIL_EAGER = False
    settings.MUTUALISE_EMAIL_RETRY_SECONDS = 60
    ann, bob = _code(org, "ann@example.org"), _code(org, "bob@example.org")
    run_queued()
    ann.refresh_from_db(), bob.refresh_from_db()
    assert (ann.status, ann.attempts) == (Status.QUEUED, 1) and "Connection" in ann.last_error
    assert (bob.status, bob.attempts) == (Status.QUEUED, 0)  # never tried: held back with it
    assert ann.next_attempt_at - timezone.now() > timedelta(seconds=50)

    Message.objects.update(next_attempt_at=timezone.now())  # a minute on, still down
    delivery.deliver()
    ann.refresh_from_db()
    assert (ann.status, ann.attempts) == (Status.QUEUED, 2)
    assert ann.next_attempt_at - timezone.now() > timedelta(seconds=110)  # doubled

    server = Server(port).start()  # the server is back
    try:
        Message.objects.update(next_attempt_at=timezone.now())
        assert delivery.deliver().sent == 2
    finally:
        server.stop()
    assert sorted(r.rcpt_tos[0] for r in server.handler.received) == [
        "ann@example.org",
        "bob@example.org",
    ]
    ann.refresh_from_db()
    assert (ann.status, ann.attempts, ann.last_error) == (Status.SENT, 3, "")

    carl = _code(org, "carl@example.org")
    Message.objects.filter(pk=carl.pk).update(attempts=2)
    delivery.deliver()  # down again, and this was its last try
    carl.refresh_from_db()
    assert carl.status == Status.FAILED and carl.last_error.startswith("gave up after 3 tries")
    assert carl.secrets == {}


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_lost_workers_batch_is_settled_at_most_once(org, smtp_server):
    sent, in_flight, untried = (_code(org, f"{n}@example.org") for n in ("a", "b", "c"))
    lost = f"{socket.gethostname()[:40]}:{_dead_pid()}:abcdefgh"
    Message.objects.filter(pk=sent.pk).update(status=Status.SENT, sent_at=timezone.now())
    Message.objects.exclude(pk=sent.pk).update(status=Status.SENDING, claimed_by=lost)
    assert delivery.recover_lost("me") == [(lost, 1, 1)]
    in_flight.refresh_from_db(), untried.refresh_from_db()
    assert in_flight.status == Status.FAILED and "may have gone out" in in_flight.last_error
    assert untried.status == Status.QUEUED
    assert delivery.deliver().sent == 1
    assert [r.rcpt_tos for r in smtp_server.handler.received] == [["c@example.org"]]


def test_a_living_workers_batch_is_left_alone(org):
    living = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        _code(org, "a@example.org")
        owner = f"{socket.gethostname()[:40]}:{living.pid}:abcdefgh"
        Message.objects.update(status=Status.SENDING, claimed_by=owner)
        assert delivery.recover_lost("me") == []
    finally:
        living.kill()
        living.wait()
    assert Message.objects.get().status == Status.SENDING


def test_the_organisations_address_is_set_checked_and_audited(org, capsys):
    from mutualise.audit.models import AuditEvent
    from mutualise.cli import main

    assert main(["org", "mail-from", "ayrshire", "Ayrshire  Trust <board@ayrshire.example>"]) == 0
    assert "mail comes from Ayrshire Trust <board@ayrshire.example>" in capsys.readouterr().out
    org.refresh_from_db()
    assert mail.from_address(org) == "Ayrshire Trust <board@ayrshire.example>"
    assert AuditEvent.objects.filter(action="organisation.mail_from_set").count() == 1
    assert main(["org", "mail-from", "ayrshire", "board at ayrshire"]) == 2
    assert "is not an address mail can come from" in capsys.readouterr().err
    with pytest.raises(register.OrganisationError):
        register.set_mail_from(org, "Someone <>")
    register.set_mail_from(org, "")
    assert mail.from_address(org) == "mutualise@localhost"


def test_the_rate_paces_each_message_after_the_first(org, smtp_server, monkeypatch, settings):
    """MUTUALISE_EMAIL_RATE messages a second: with a clock that moves only when the worker
    sleeps, five messages at two a second take two seconds of sleeping (no timing measured).
    The pace is the install's (mail/pace.py: test_outbox_workers runs two workers on it)."""
    clock = {"now": 1000.0, "slept": []}

    def sleep(seconds):
        clock["slept"].append(round(seconds, 6))
        clock["now"] += seconds

    monkeypatch.setattr(delivery.time, "monotonic", lambda: clock["now"])
    monkeypatch.setattr(pace.time, "time", lambda: clock["now"])
    monkeypatch.setattr(delivery.time, "sleep", sleep)
    settings.MUTUALISE_EMAIL_RATE = 2
    for n in range(5):
        _code(org, f"v{n}@example.org")
    assert delivery.deliver().sent == 5
    assert sum(clock["slept"]) == pytest.approx(2.0) and clock["slept"][0] == 0
    assert len(smtp_server.handler.received) == 5
