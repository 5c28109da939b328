"""Attack review of issue 14's mail (src/mutualise/mail): a mail server that misbehaves in the
ways real ones do, hostile names, and the per-organisation from-address. Each test drives the
outbox through a real SMTP server (aiosmtpd, tests/mail_server.py) and the delivery the
worker's task runs. What held is a plain test; what broke is a strict xfail saying what is
wrong."""

from __future__ import annotations

import asyncio
import types
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from mutualise.audit.models import AuditEvent
from mutualise.jobs.worker import run_queued
from mutualise.mail import delivery
from mutualise.mail import services as mail
from mutualise.mail.models import Message, Status
from mutualise.register import services as register

pytestmark = pytest.mark.django_db(transaction=True)
CLOSE = datetime(2026, 12, 9, 17, 0, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture
def org():
    return register.create_from_model(
        model="supporters-trust", name="Fife Supporters' Trust", slug="fife", actor="t"
    )


def _code(org, to: str, code: str = "ABCD-EFGH-JKLM", name: str = "Ann") -> Message:
    return mail.send(
        organisation=org,
        to=to,
        template="elections/voting_code",
        context={"name": name, "election": {"title": "Board 2026"}, "close": CLOSE},
        secrets={"code": code},
        reason="voting-code",
    )


def _again() -> None:
    """Time has passed: every waiting message is due again."""
    Message.objects.filter(status=Status.QUEUED).update(next_attempt_at=timezone.now())


def _received(server) -> list[str]:
    return sorted(r.rcpt_tos[0] for r in server.handler.received)


def test_a_4xx_then_2xx_recipient_is_delivered_once_after_its_retry(org, smtp_server):
    """The server says 451 (greylisting) to one address, then accepts it: the message is
    retried and arrives once; its neighbours arrive once, at their first try."""
    smtp_server.handler.refuse["grey@example.org"] = "451 4.7.1 greylisted, try later"
    grey, ann = _code(org, "grey@example.org"), _code(org, "ann@example.org")
    run_queued()
    grey.refresh_from_db()
    assert (grey.status, grey.attempts, grey.smtp_code) == (Status.QUEUED, 1, 451)
    assert grey.secrets  # its code waits for the retry
    del smtp_server.handler.refuse["grey@example.org"]
    _again()
    delivery.deliver()
    delivery.deliver()  # a second run finds nothing more to send
    grey.refresh_from_db(), ann.refresh_from_db()
    assert (grey.status, grey.attempts, grey.secrets) == (Status.SENT, 2, {})
    assert ann.status == Status.SENT and ann.attempts == 1
    assert _received(smtp_server) == ["ann@example.org", "grey@example.org"]


def test_refusals_in_one_batch_are_recorded_per_recipient(org, smtp_server):
    """550, 452 and 2xx side by side in one batch: each message carries its own outcome and
    reply, and only the accepted ones reached the server."""
    refuse = smtp_server.handler.refuse
    refuse["gone@example.org"] = "550 5.1.1 no such user"
    refuse["full@example.org"] = "452 4.2.2 mailbox full"
    refuse["policy@example.org"] = "554 5.7.1 refused by policy"
    addresses = ["a@example.org", "gone@example.org", "b@example.org", "full@example.org"]
    addresses += ["policy@example.org", "c@example.org"]
    messages = {to: _code(org, to) for to in addresses}
    run_queued()
    got = {to: Message.objects.get(pk=m.pk) for to, m in messages.items()}
    assert {to: m.status for to, m in got.items()} == {
        "a@example.org": Status.SENT,
        "gone@example.org": Status.BOUNCED,
        "b@example.org": Status.SENT,
        "full@example.org": Status.QUEUED,
        "policy@example.org": Status.BOUNCED,
        "c@example.org": Status.SENT,
    }
    assert got["gone@example.org"].last_error == "550 5.1.1 no such user"
    assert got["policy@example.org"].smtp_code == 554
    assert got["full@example.org"].smtp_code == 452
    assert _received(smtp_server) == ["a@example.org", "b@example.org", "c@example.org"]


def _drop_after_data(server, address: str) -> None:
    """The server takes the message for `address` whole (it is delivered), then the connection
    drops before its 250 reaches the client: a restart, a NAT timeout, a crashed front end."""
    handler = server.handler
    accept = type(handler).handle_DATA

    async def handle_DATA(self, smtp, session, envelope):
        reply = await accept(self, smtp, session, envelope)
        if address in envelope.rcpt_tos and not getattr(self, "dropped", False):
            self.dropped = True
            smtp.transport.close()
        return reply

    handler.handle_DATA = types.MethodType(handle_DATA, handler)


def test_a_connection_dropped_mid_batch_sends_the_rest_once_later(org, smtp_server):
    """The connection goes mid-batch: the messages after the one in flight were never handed
    over; they wait for the retry (held back with it) and each arrives exactly once."""
    _drop_after_data(smtp_server, "b@example.org")
    for name in "abcde":
        _code(org, f"{name}@example.org")
    run_queued()
    assert Message.objects.filter(status=Status.SENDING).count() == 0  # none left claimed
    later = Message.objects.filter(to__in=["c@example.org", "d@example.org", "e@example.org"])
    assert {m.status for m in later} == {Status.QUEUED} and {m.attempts for m in later} == {0}
    _again()
    delivery.deliver()
    received = _received(smtp_server)
    for name in "acde":
        assert received.count(f"{name}@example.org") == 1


def test_a_message_the_server_took_before_the_drop_is_not_sent_twice(org, smtp_server):
    """The server has b's whole message when the connection drops, and no 250 came: b may have
    gone out, so it is failed with a reason saying so (its code forgotten), audited, and never
    sent again; c, not yet handed over, waits and goes once. (b was retried and arrived twice
    until mail/wire.py sent in steps: fixed in this review.)"""
    _drop_after_data(smtp_server, "b@example.org")
    for name in "abc":
        _code(org, f"{name}@example.org")
    run_queued()
    b = Message.objects.get(to="b@example.org")
    assert (b.status, b.attempts, b.secrets) == (Status.FAILED, 1, {})
    assert "may have gone out" in b.last_error and "not sent again" in b.last_error
    assert b.message_id  # a bounce that comes back for it can still be matched
    event = AuditEvent.objects.get(organisation=org, action="mail.may_have_gone_out")
    assert event.subject_id == str(b.pk)
    assert Message.objects.get(to="c@example.org").attempts == 0
    _again()
    delivery.deliver()
    delivery.deliver()
    assert _received(smtp_server) == ["a@example.org", "b@example.org", "c@example.org"]
    assert Message.objects.get(to="b@example.org").status == Status.FAILED


def test_a_connection_lost_before_the_data_ends_is_retried(org, smtp_server):
    """The server goes after RCPT, before DATA: it has nothing, so the message is tried again
    and arrives once."""
    handler = smtp_server.handler
    accept = type(handler).handle_RCPT

    async def handle_RCPT(self, smtp, session, envelope, address, options):
        reply = await accept(self, smtp, session, envelope, address, options)
        if not getattr(self, "dropped", False):
            self.dropped = True
            smtp.transport.close()
        return reply

    handler.handle_RCPT = types.MethodType(handle_RCPT, handler)
    message = _code(org, "ann@example.org")
    run_queued()
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.QUEUED, 1) and message.secrets
    _again()
    delivery.deliver()
    message.refresh_from_db()
    assert message.status == Status.SENT
    assert _received(smtp_server) == ["ann@example.org"]


def test_a_server_slower_than_the_timeout_does_not_deliver_twice(org, smtp_server, settings):
    """The server queues the message as soon as its data is in (as Postfix does), then is slow
    to say so: the client's timeout comes first. The message may have gone out, so it is failed
    with that reason, not retried (it was retried and arrived twice until mail/wire.py: fixed
    in this review)."""
    settings.EMAIL_TIMEOUT = 1
    handler = smtp_server.handler
    accept = type(handler).handle_DATA

    async def handle_DATA(self, smtp, session, envelope):
        reply = await accept(self, smtp, session, envelope)  # taken: it will be delivered
        if len(self.received) == 1:
            await asyncio.sleep(2.5)
        return reply

    handler.handle_DATA = types.MethodType(handle_DATA, handler)
    _code(org, "slow@example.org")
    run_queued()
    message = Message.objects.get()
    assert message.status == Status.FAILED and "timed out" in message.last_error
    assert "may have gone out" in message.last_error
    _again()
    delivery.deliver()
    assert _received(smtp_server).count("slow@example.org") == 1


def test_a_421_to_one_recipient_does_not_charge_the_next_message(org, smtp_server):
    """421: the server is closing the connection (smtplib closes it too). The next message of
    the batch was never handed over: it must not be charged an attempt for it. (It was, with
    "please run connect() first", until mail/delivery.py's _classify stopped the batch on 421:
    fixed in this review.)"""
    smtp_server.handler.refuse["busy@example.org"] = "421 4.3.2 shutting down, try later"
    busy, after = _code(org, "busy@example.org"), _code(org, "after@example.org")
    run_queued()
    busy.refresh_from_db(), after.refresh_from_db()
    assert (busy.status, busy.attempts, busy.smtp_code) == (Status.QUEUED, 1, 421)
    assert (after.status, after.attempts, after.last_error) == (Status.QUEUED, 0, "")
    del smtp_server.handler.refuse["busy@example.org"]
    _again()
    delivery.deliver()
    assert _received(smtp_server) == ["after@example.org", "busy@example.org"]


def test_a_hostile_organisation_name_injects_no_header(org, smtp_server):
    """An organisation named with CR/LF and a Bcc header: the subject stays one header, the
    message goes to its one recipient only."""
    org.name = "Fife\r\nBcc: spy@evil.example\r\nX-Evil: 1"
    org.save(update_fields=["name"])
    message = mail.send(
        organisation=org,
        to="ann@example.org",
        template="accounts/member_invitation",
        context={"name": "Ann\r\nBcc: spy2@evil.example", "number": 7},
        secrets={"link": "https://x.example/i/abc"},
        reason="invitation",
    )
    run_queued()
    message.refresh_from_db()
    assert message.status == Status.SENT
    [got] = smtp_server.handler.received
    assert got.rcpt_tos == ["ann@example.org"]
    headers = got.message
    assert headers["Bcc"] is None and headers["X-Evil"] is None
    assert "\n" not in str(headers["Subject"])


@pytest.mark.parametrize(
    "address",
    ["ann@example.org\r\nBcc: spy@evil.example", "ann@example.org\nspy@evil.example",
     "Ann <ann@example.org>, spy@evil.example", "ann@example.org,spy@evil.example"],
)  # fmt: skip
def test_a_hostile_member_address_is_refused_before_anything_is_stored(org, address):
    with pytest.raises(mail.MailError):
        _code(org, address)
    assert Message.objects.count() == 0


def test_a_hostile_from_address_cannot_be_set_and_a_stored_one_fails_alone(org, smtp_server):
    """Newlines in the organisation's address are collapsed by set_mail_from; one written to
    the database behind its back fails its own message, not the batch."""
    register.set_mail_from(org, "Fife\r\nBcc: spy@evil.example <board@fife.example>")
    org.refresh_from_db()
    assert "\n" not in org.mail_from and "\r" not in org.mail_from
    from_ok = _code(org, "ann@example.org")
    Message.objects.filter(pk=from_ok.pk).update(
        from_address="board@fife.example\r\nBcc: spy@evil.example"
    )
    bob = _code(org, "bob@example.org")
    run_queued()
    from_ok.refresh_from_db(), bob.refresh_from_db()
    assert from_ok.status == Status.FAILED and bob.status == Status.SENT
    assert [r.rcpt_tos for r in smtp_server.handler.received] == [["bob@example.org"]]


def test_each_organisations_from_address_is_in_the_header_and_the_envelope(org, smtp_server):
    other = register.create_from_model(
        model="supporters-trust", name="Other Trust", slug="other", actor="t"
    )
    register.set_mail_from(org, "Fife Trust <board@fife.example>")
    org.refresh_from_db()
    _code(org, "ann@example.org")
    _code(other, "bob@example.org")  # no address of its own: the install's
    run_queued()
    by_to = {r.rcpt_tos[0]: r for r in smtp_server.handler.received}
    assert by_to["ann@example.org"].mail_from == "board@fife.example"
    assert by_to["ann@example.org"].message["From"] == "Fife Trust <board@fife.example>"
    assert by_to["bob@example.org"].mail_from == "mutualise@localhost"
