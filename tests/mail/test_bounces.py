"""Bounces read back: real delivery status notifications (RFC 3464, built with the email
package, and one as Postfix writes them) for mail that went out through a real SMTP server,
delivered to a maildir or an mbox, read by `mutualise mail read-bounces`: the message is marked
bounced, its address bouncing, and the membership secretary sees it beside the member."""

from __future__ import annotations

import mailbox
from datetime import date
from email.message import EmailMessage, Message
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from mutualise.audit.models import AuditEvent
from mutualise.cli import main
from mutualise.jobs.worker import run_queued
from mutualise.mail import bounces
from mutualise.mail import services as mail
from mutualise.mail.models import Bounce, Status
from mutualise.mail.models import Message as Outbox
from mutualise.register import services as register
from mutualise.register.models import Role

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def org():
    return register.create_from_model(
        model="supporters-trust", name="Ayrshire Supporters' Trust", slug="ayrshire", actor="t"
    )


def _invite(org, to: str) -> Outbox:
    return mail.send(
        organisation=org, to=to, template="elections/voting_code",
        context={"name": "A Member", "election": {"title": "Board"}, "vote_url": "u"},
        secrets={"code": "WXYZ-2345"}, reason="voting-code",
    )  # fmt: skip


def _block(**headers) -> Message:
    block = Message()
    for name, value in headers.items():
        block[name.replace("_", "-")] = value
    return block


def dsn(recipient: str, returned: bytes, *, action="failed", status="5.1.1",
        diagnostic="smtp; 550 5.1.1 <{r}>: Recipient address rejected: User unknown",
        headers_only=False) -> bytes:  # fmt: skip
    """A delivery status notification as RFC 3464 lays it out, built with the email package."""
    report = MIMEMultipart("report", report_type="delivery-status")
    report["From"] = "MAILER-DAEMON@mx.far.example (Mail Delivery System)"
    report["To"] = "bounces@mutualise.example"
    report["Subject"] = "Undelivered Mail Returned to Sender"
    report["Auto-Submitted"] = "auto-replied"
    report.attach(MIMEText("I'm sorry to have to inform you that your message could not\n"
                           "be delivered to one or more recipients.\n"))  # fmt: skip
    status_part = MIMEBase("message", "delivery-status")
    status_part.set_payload([
        _block(Reporting_MTA="dns; mx.far.example", Arrival_Date="Wed, 2 Dec 2026 13:00:00 +0000"),
        _block(Final_Recipient=f"rfc822; {recipient}", Original_Recipient=f"rfc822;{recipient}",
               Action=action, Status=status, Remote_MTA="dns; mail.far.example",
               Diagnostic_Code=diagnostic.format(r=recipient)),
    ])  # fmt: skip
    report.attach(status_part)
    if headers_only:
        head = returned.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
        part = MIMEBase("text", "rfc822-headers")
        part.set_payload(head.decode("ascii", "replace"))
        report.attach(part)
    else:
        original = MIMEBase("message", "rfc822")
        from email import message_from_bytes

        original.set_payload([message_from_bytes(returned)])
        report.attach(original)
    return report.as_bytes()


POSTFIX = b"""\
Return-Path: <>
From: MAILER-DAEMON@mx2.far.example (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: bounces@mutualise.example
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="3F2A21C0.1701523200/mx2.far.example"

This is a MIME-encapsulated message.

--3F2A21C0.1701523200/mx2.far.example
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mx2.far.example.

<%(to)s>: host mail.far.example[192.0.2.7] said: 552 5.2.2 Mailbox full

--3F2A21C0.1701523200/mx2.far.example
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mx2.far.example
X-Postfix-Queue-ID: 3F2A21C0
Arrival-Date: Wed,  2 Dec 2026 13:05:00 +0000 (UTC)

Final-Recipient: rfc822; %(to)s
Original-Recipient: rfc822;%(to)s
Action: failed
Status: 5.2.2
Remote-MTA: dns; mail.far.example
Diagnostic-Code: smtp; 552 5.2.2 Mailbox full

--3F2A21C0.1701523200/mx2.far.example
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers

Message-ID: %(id)s
Subject: Your voting code: Board
To: %(to)s

--3F2A21C0.1701523200/mx2.far.example--
"""


def _sent(org, smtp_server, *addresses):
    messages = [_invite(org, a) for a in addresses]
    run_queued()
    for message in messages:
        message.refresh_from_db()
        assert message.status == Status.SENT
    return messages, {r.rcpt_tos[0]: r.data for r in smtp_server.handler.received}


def test_a_dsn_in_a_maildir_marks_the_address_bouncing_for_the_secretary(
    org, smtp_server, tmp_path, client, capsys
):
    ann = register.join(org, display_name="Ann Bell", email="ann@far.example",
                        date_of_birth=date(1980, 1, 1), postcode="KA7 1AA",
                        attestations=["supporter"], actor="t")  # fmt: skip
    (gone, kept), raw = _sent(org, smtp_server, "ann@far.example", "bob@near.example")
    box = mailbox.Maildir(tmp_path / "bounces", create=True)
    box.add(dsn("ann@far.example", raw["ann@far.example"]))
    box.add(dsn("bob@near.example", raw["bob@near.example"], action="delayed", status="4.4.1"))
    not_a_dsn = EmailMessage()
    not_a_dsn["Subject"] = "Out of office"
    not_a_dsn.set_content("I am away.")
    box.add(not_a_dsn.as_bytes())

    assert main(["mail", "read-bounces", "--maildir", str(tmp_path / "bounces")]) == 0
    out = capsys.readouterr().out
    assert "3 messages read, 2 delivery reports: 1 address marked bouncing" in out
    gone.refresh_from_db(), kept.refresh_from_db()
    assert gone.status == Status.BOUNCED and "5.1.1" in gone.last_error
    assert "mx.far.example" in gone.last_error
    assert kept.status == Status.SENT  # "delayed" is not a bounce
    bounce = Bounce.objects.get()
    assert (bounce.organisation, bounce.address, bounce.status, bounce.count) == (
        org, "ann@far.example", "5.1.1", 1)  # fmt: skip
    assert bounce.message == gone and "User unknown" in bounce.diagnostic
    # Read: marked seen, so a second read looks at nothing.
    assert all("S" in box.get_message(k).get_flags() for k in box.iterkeys())
    assert main(["mail", "read-bounces", "--maildir", str(tmp_path / "bounces")]) == 0
    assert "0 messages read" in capsys.readouterr().out

    # The membership secretary sees it beside the member; nobody else does.
    page = reverse("bouncing", args=[org.slug])
    stranger = get_user_model().objects.create_user("stranger", password="x" * 14)
    client.force_login(stranger)
    assert client.get(page).status_code == 403
    secretary = get_user_model().objects.create_user("secretary", password="x" * 14)
    register.grant_role(org, secretary, Role.Kind.OFFICER, actor="t")
    client.force_login(secretary)
    home = client.get(f"/o/{org.slug}/").content.decode()
    assert "Addresses that bounce" in home and page in home  # the secretary's way in
    html = client.get(page).content.decode()
    assert "ann@far.example" in html and f"Ann Bell ({ann.number})" in html
    assert "User unknown" in html and "bob@near.example" not in html
    assert client.post(page, {"clear": bounce.pk}).status_code == 302
    assert "No address is bouncing." in client.get(page).content.decode()


def test_a_postfix_report_in_an_mbox_read_twice_counts_once(org, smtp_server, tmp_path, capsys):
    (message,), _ = _sent(org, smtp_server, "cara@far.example")
    box = mailbox.mbox(tmp_path / "bounces.mbox")
    box.add(POSTFIX % {b"to": b"cara@far.example", b"id": message.message_id.encode()})
    box.add(dsn("nobody@else.example", b"Message-ID: <x@else>\n\nhi\n", headers_only=True))
    box.flush()
    for _ in range(2):
        assert main(["mail", "read-bounces", "--mbox", str(tmp_path / "bounces.mbox")]) == 0
    first, second = capsys.readouterr().out.strip().splitlines()[0::2][:2]
    assert "1 address marked bouncing, 0 already recorded, 1 not ours" in first
    assert "0 addresses marked bouncing, 1 already recorded, 1 not ours" in second
    bounce = Bounce.objects.get()
    assert (bounce.address, bounce.status, bounce.count) == ("cara@far.example", "5.2.2", 1)
    assert bounce.diagnostic == "552 5.2.2 Mailbox full"
    assert bounce.reported_by == "mx2.far.example"


def test_the_returned_message_id_names_the_message_that_bounced(org, smtp_server):
    (older, newer), raw = _sent(org, smtp_server, "dan@far.example", "erin@far.example")
    again = _invite(org, "dan@far.example")  # a later message to the same address
    run_queued()
    again.refresh_from_db()
    older_raw = next(r.data for r in smtp_server.handler.received
                     if older.message_id.encode() in r.data)  # fmt: skip
    failed = bounces.parse(dsn("dan@far.example", older_raw, headers_only=True))
    assert [f.message_id for f in failed] == [older.message_id]
    assert bounces.record(failed[0]).message == older
    older.refresh_from_db(), again.refresh_from_db()
    assert older.status == Status.BOUNCED and again.status == Status.SENT


def test_a_missing_maildir_is_a_clear_error(db, tmp_path, capsys):
    assert main(["mail", "read-bounces", "--maildir", str(tmp_path / "none")]) == 2
    assert "no such maildir" in capsys.readouterr().err


def test_the_worker_reads_the_bounce_maildir_daily(org, smtp_server, tmp_path, settings):
    from mutualise.jobs import schedule
    from mutualise.jobs import services as jobs
    from mutualise.mail.tasks import read_bounces

    assert schedule.DAILY["mail.read_bounces"].task is read_bounces
    (gone,), raw = _sent(org, smtp_server, "fay@far.example")
    box = mailbox.Maildir(tmp_path / "bounces", create=True)
    box.add(dsn("fay@far.example", raw["fay@far.example"]))
    settings.MUTUALISE_BOUNCE_MAILDIR = str(tmp_path / "bounces")
    job = jobs.start(read_bounces, kind="schedule.mail.read_bounces", label="Bounces",
                     args=("2026-12-02",))  # fmt: skip
    run_queued()
    job.refresh_from_db()
    assert job.state == "done" and job.result["bounced"] == 1
    assert Bounce.objects.get().address == "fay@far.example"


def _read(raw: bytes) -> bounces.Read:
    outcome = bounces.Read()
    bounces.read_one(raw, outcome)
    return outcome


def _nothing_changed(*messages) -> None:
    for message in messages:
        message.refresh_from_db()
        assert message.status == Status.SENT
    assert not Bounce.objects.exists()
    assert not AuditEvent.objects.filter(action="mail.bounced").exists()


def test_a_forged_report_for_a_message_id_we_never_sent_changes_nothing(org, smtp_server):
    """Anyone can write to the bounce address: a report naming a member's real address, with
    a Message-ID that is not ours, marks nothing. (It marked the address's latest message
    bounced, and the address bouncing, until bounces._message_for stopped falling back when a
    report names an id: fixed in this review.)"""
    (message,), _ = _sent(org, smtp_server, "fay@far.example")
    forged = b"Message-ID: <1.2.3@forged.example>\nTo: fay@far.example\n\nhi\n"
    for raw in (dsn("fay@far.example", forged), dsn("fay@far.example", forged, headers_only=True)):
        assert _read(raw).unmatched == 1
    _nothing_changed(message)


def test_a_report_of_our_message_id_for_another_address_changes_nothing(org, smtp_server):
    """Our real id (the member who received it can see it) reported failed for another
    member's address: neither message is marked."""
    (gail, hugh), raw = _sent(org, smtp_server, "gail@far.example", "hugh@far.example")
    assert _read(dsn("hugh@far.example", raw["gail@far.example"], headers_only=True)).unmatched
    _nothing_changed(gail, hugh)


def test_a_message_that_is_not_a_report_changes_nothing(org, smtp_server):
    """A person (or an auto-reply) writing to the bounce address that the mail 'bounced',
    naming the address and quoting our id, is not a delivery status notification."""
    (message,), _ = _sent(org, smtp_server, "ian@far.example")
    letter = EmailMessage()
    letter["From"] = "MAILER-DAEMON@evil.example"
    letter["Subject"] = "Undelivered Mail Returned to Sender"
    letter.set_content(f"<ian@far.example>: 550 5.1.1 User unknown\n{message.message_id}\n")
    outcome = _read(letter.as_bytes())
    assert (outcome.reports, outcome.bounced) == (0, [])
    _nothing_changed(message)


def test_a_report_for_a_message_that_may_have_gone_out_marks_it_bounced(org, smtp_server):
    """A message failed as 'may have gone out' (mail/delivery.py) keeps its id: a report for
    it says it went out, and bounced."""
    (message,), raw = _sent(org, smtp_server, "jo@far.example")
    Outbox.objects.filter(pk=message.pk).update(status=Status.FAILED)
    assert _read(dsn("jo@far.example", raw["jo@far.example"])).bounced == ["jo@far.example"]
    message.refresh_from_db()
    assert message.status == Status.BOUNCED
