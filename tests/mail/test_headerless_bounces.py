"""Reports without the Message-ID (issue 14): RFC 3464's own sample DSNs, whose returned
message is only "[original message goes here]", and Postfix's with some headers returned, read
through the bounce path (bounces.read_one, as `mutualise mail read-bounces` does) for mail that
went out through a real SMTP server. A report is tied to a message only when the recipient and
what the report does say (returned Subject, From, reason, Arrival-Date) leave exactly one of
ours; otherwise the address is recorded as bouncing with no message guessed, audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from mutualise.audit.models import AuditEvent
from mutualise.jobs.worker import run_queued
from mutualise.mail import bounces
from mutualise.mail import services as mail
from mutualise.mail.models import Bounce, Status
from mutualise.mail.models import Message as Outbox
from mutualise.register import services as register

pytestmark = pytest.mark.django_db(transaction=True)

# RFC 3464's sample "simple DSN" (its appendix), addressed to one of ours: the returned
# message is the RFC's placeholder, so no header of it comes back.
SIMPLE = b"""\
Date: Thu, 7 Jul 1994 17:16:05 -0400
From: Mail Delivery Subsystem <MAILER-DAEMON@CS.UTK.EDU>
Message-Id: <199407072116.RAA14128@CS.UTK.EDU>
Subject: Returned mail: Cannot send message for 5 days
To: <owner-info-mime@cs.utk.edu>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
    boundary="RAA14128.773615765/CS.UTK.EDU"

--RAA14128.773615765/CS.UTK.EDU

The original message was received at Sat, 2 Jul 1994 17:10:28 -0400
from root@localhost

    ----- The following addresses had delivery problems -----
<%(to)s>  (unrecoverable error)

    ----- Transcript of session follows -----
<%(to)s>... Deferred: Connection timed out
        with larry.slip.umd.edu.
Message could not be delivered for 5 days
Message will be deleted from queue

--RAA14128.773615765/CS.UTK.EDU
content-type: message/delivery-status

Reporting-MTA: dns; cs.utk.edu

Original-Recipient: rfc822;%(to)s
Final-Recipient: rfc822;%(to)s
Action: failed
Status: 4.0.0
Diagnostic-Code: smtp; 426 connection timed out
Last-Attempt-Date: Thu, 7 Jul 1994 17:15:49 -0400

--RAA14128.773615765/CS.UTK.EDU
content-type: message/rfc822

[original message goes here]

--RAA14128.773615765/CS.UTK.EDU--
"""

# RFC 3464's sample "multi-recipient DSN": two recipients failed, one delayed.
MULTI = b"""\
Date: Fri, 8 Jul 1994 09:21:47 -0400
From: Mail Delivery Subsystem <MAILER-DAEMON@CS.UTK.EDU>
Subject: Returned mail: User unknown
To: <owner-ietf-mime@cs.utk.edu>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
        boundary="JAA13167.773673707/CS.UTK.EDU"

--JAA13167.773673707/CS.UTK.EDU
content-type: text/plain; charset=us-ascii

  ----- The following addresses had delivery problems -----
<%(a)s>  (unrecoverable error)
<%(b)s>  (unrecoverable error)

--JAA13167.773673707/CS.UTK.EDU
content-type: message/delivery-status

Reporting-MTA: dns; cs.utk.edu

Original-Recipient: rfc822;%(a)s
Final-Recipient: rfc822;%(a)s
Action: failed
Status: 5.0.0 (permanent failure)
Diagnostic-Code: smtp; 550 '%(a)s' is not a registered gateway user
Remote-MTA: dns; vnet.ibm.com

Original-Recipient: rfc822;%(c)s
Final-Recipient: rfc822;%(c)s
Action: delayed
Status: 4.0.0 (hpnjld.njd.jp.com: host name lookup failure)

Original-Recipient: rfc822;%(b)s
Final-Recipient: rfc822;%(b)s
Action: failed
Status: 5.0.0
Diagnostic-Code: smtp; 550 user unknown
Remote-MTA: dns; sdcc13.ucsd.edu

--JAA13167.773673707/CS.UTK.EDU
content-type: message/rfc822

[original message goes here]

--JAA13167.773673707/CS.UTK.EDU--
"""

# As Postfix writes one, returning headers but (here) not the Message-ID.
POSTFIX_HEADERS = b"""\
Return-Path: <>
From: MAILER-DAEMON@mx2.far.example (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: bounces@mutualise.example
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="3F2A21C0.1701523200/mx2.far.example"

--3F2A21C0.1701523200/mx2.far.example
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mx2.far.example
X-Postfix-Queue-ID: 3F2A21C0
Arrival-Date: %(arrived)s

Final-Recipient: rfc822; %(to)s
Original-Recipient: rfc822;%(to)s
Action: failed
Status: 5.2.2
Remote-MTA: dns; mail.far.example
Diagnostic-Code: smtp; 552 5.2.2 Mailbox full

--3F2A21C0.1701523200/mx2.far.example
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers

%(headers)s

--3F2A21C0.1701523200/mx2.far.example--
"""


@pytest.fixture
def org():
    return register.create_from_model(
        model="supporters-trust", name="Ayrshire Supporters' Trust", slug="ayrshire", actor="t"
    )


def _code(org, to: str, election: str = "Board") -> Outbox:
    return mail.send(
        organisation=org, to=to, template="elections/voting_code",
        context={"name": "A Member", "election": {"title": election}, "vote_url": "u"},
        secrets={"code": "WXYZ-2345"}, reason="voting-code",
    )  # fmt: skip


def _sent(*messages) -> list[Outbox]:
    run_queued()
    for message in messages:
        message.refresh_from_db()
        assert message.status == Status.SENT and message.message_id
    return list(messages)


def _read(raw: bytes) -> bounces.Read:
    outcome = bounces.Read()
    bounces.read_one(raw, outcome)
    return outcome


def _statuses(*messages) -> list[str]:
    for message in messages:
        message.refresh_from_db()
    return [m.status for m in messages]


def test_a_report_with_nothing_but_the_address_marks_the_address_not_a_guessed_message(
    org, smtp_server
):
    """Two of our messages to the address and a report that returns neither's headers: the
    address bounces (the secretary sees it), no message is marked. The old fallback marked the
    address's latest message bounced, which may not be the one that was refused."""
    older, newer = _sent(_code(org, "louisl@far.example"), _code(org, "louisl@far.example", "X"))
    raw = SIMPLE % {b"to": b"louisl@far.example"}
    assert _read(raw).bounced == ["louisl@far.example"]
    assert _statuses(older, newer) == [Status.SENT, Status.SENT]
    bounce = Bounce.objects.get()
    assert (bounce.organisation, bounce.address, bounce.message, bounce.count) == (
        org, "louisl@far.example", None, 1)  # fmt: skip
    assert bounce.status == "4.0.0" and bounce.diagnostic == "426 connection timed out"
    assert bounces.bouncing_addresses(org) == {"louisl@far.example"}
    event = AuditEvent.objects.get(action="mail.address_bouncing")
    assert event.subject_id == str(bounce.pk) and event.data["messages_to_address"] == 2
    assert not AuditEvent.objects.filter(action="mail.bounced").exists()
    # Read again (an mbox read whole a second time): counted once.
    again = _read(raw)
    assert (again.bounced, again.already) == ([], 1)
    bounce.refresh_from_db()
    assert (
        bounce.count == 1 and AuditEvent.objects.filter(action="mail.address_bouncing").count() == 1
    )


def test_a_report_with_only_the_address_ties_to_the_one_message_sent_there(org, smtp_server):
    (only,) = _sent(_code(org, "louisl@far.example"))
    assert _read(SIMPLE % {b"to": b"louisl@far.example"}).bounced == ["louisl@far.example"]
    assert _statuses(only) == [Status.BOUNCED]
    assert Bounce.objects.get().message == only


def test_the_multi_recipient_sample_marks_each_failed_recipient_only(org, smtp_server):
    a, b, b2, c = _sent(_code(org, "arathib@far.example"), _code(org, "wsnell@far.example"),
                        _code(org, "wsnell@far.example", "X"), _code(org, "johnh@far.example"))  # fmt: skip
    raw = MULTI % {b"a": b"arathib@far.example", b"b": b"wsnell@far.example",
                   b"c": b"johnh@far.example"}  # fmt: skip
    outcome = _read(raw)
    assert sorted(outcome.bounced) == ["arathib@far.example", "wsnell@far.example"]
    # a: the one message to that address; b: two, so the address only; c: only delayed.
    assert _statuses(a, b, b2, c) == [Status.BOUNCED, Status.SENT, Status.SENT, Status.SENT]
    rows = {r.address: r for r in Bounce.objects.all()}
    assert set(rows) == {"arathib@far.example", "wsnell@far.example"}
    assert rows["arathib@far.example"].message == a and rows["wsnell@far.example"].message is None


def _headers_report(to: str, *, subject: str | None, arrived, reason: str = "") -> bytes:
    headers = [f"To: {to}", "From: Ayrshire Supporters' Trust <noreply@mutualise.example>"]
    if subject is not None:
        headers.append(f"Subject: {subject}")
    if reason:
        headers.append(f"X-Mutualise-Reason: {reason}")
    return POSTFIX_HEADERS % {
        b"to": to.encode(), b"headers": "\n".join(headers).encode(),
        b"arrived": arrived.strftime("%a, %d %b %Y %H:%M:%S +0000 (UTC)").encode(),
    }  # fmt: skip


def test_returned_headers_without_an_id_pick_the_message_they_describe(org, smtp_server, settings):
    settings.DEFAULT_FROM_EMAIL = "noreply@mutualise.example"
    board, council = _sent(
        _code(org, "cara@far.example"), _code(org, "cara@far.example", "Council")
    )
    raw = _headers_report("cara@far.example", subject=board.subject, arrived=timezone.now(),
                          reason="voting-code")  # fmt: skip
    assert _read(raw).bounced == ["cara@far.example"]
    assert _statuses(board, council) == [Status.BOUNCED, Status.SENT]
    assert Bounce.objects.get().message == board
    assert AuditEvent.objects.filter(action="mail.bounced").count() == 1


def test_returned_headers_of_no_message_of_ours_change_nothing(org, smtp_server, settings):
    settings.DEFAULT_FROM_EMAIL = "noreply@mutualise.example"
    (message,) = _sent(_code(org, "cara@far.example"))
    raw = _headers_report("cara@far.example", subject="Cheap watches", arrived=timezone.now())
    assert _read(raw).unmatched == 1
    assert _statuses(message) == [Status.SENT] and not Bounce.objects.exists()


def test_the_arrival_date_rules_out_a_message_sent_long_before(org, smtp_server, settings):
    """Both messages have the same subject; only one was sent in the days before the report's
    Arrival-Date (the message reached the reporting server after we handed it over)."""
    settings.DEFAULT_FROM_EMAIL = "noreply@mutualise.example"
    old, recent = _sent(_code(org, "dan@far.example"), _code(org, "dan@far.example"))
    Outbox.objects.filter(pk=old.pk).update(sent_at=timezone.now() - timedelta(days=30))
    raw = _headers_report("dan@far.example", subject=recent.subject,
                          arrived=timezone.now() + timedelta(minutes=1))  # fmt: skip
    assert _read(raw).bounced == ["dan@far.example"]
    assert _statuses(old, recent) == [Status.SENT, Status.BOUNCED]


def test_an_address_two_organisations_mailed_bounces_for_both(org, smtp_server):
    other = register.create_from_model(
        model="supporters-trust", name="Kilmarnock Trust", slug="kilmarnock", actor="t"
    )
    ours, theirs = _sent(_code(org, "fay@far.example"), _code(other, "fay@far.example"))
    assert _read(SIMPLE % {b"to": b"fay@far.example"}).bounced == ["fay@far.example"]
    assert _statuses(ours, theirs) == [Status.SENT, Status.SENT]
    assert {b.organisation for b in Bounce.objects.all()} == {org, other}
    assert {e.organisation for e in AuditEvent.objects.filter(action="mail.address_bouncing")} == {
        org, other}  # fmt: skip


def test_an_address_we_never_mailed_is_not_ours(org, smtp_server):
    _sent(_code(org, "gail@far.example"))
    assert _read(SIMPLE % {b"to": b"nobody@far.example"}).unmatched == 1
    assert not Bounce.objects.exists()


def test_a_server_offering_dsn_is_given_our_envelope_id_which_a_report_names(org, smtp_server):
    """RFC 3461: where the server takes them, each message goes with ENVID (its Message-ID),
    RET=HDRS (a voting code in the body never comes back) and ORCPT; RFC 3464's simple sample
    with that Original-Envelope-Id, and no returned headers, names the one message."""
    from mutualise.mail import wire

    smtp_server.handler.dsn = True
    first, second = _sent(_code(org, "louisl@far.example"), _code(org, "louisl@far.example"))
    mails = [p for p in smtp_server.handler.parameters if "ENVID=" in p]
    assert len(mails) == 2 and all("RET=HDRS" in p for p in mails)
    assert f"ENVID={wire.xtext(wire.envelope_id(first.message_id))}" in mails[0]
    assert "ORCPT=rfc822;louisl@far.example" in smtp_server.handler.parameters
    envid = wire.xtext(wire.envelope_id(first.message_id))
    raw = (SIMPLE % {b"to": b"louisl@far.example"}).replace(
        b"Reporting-MTA: dns; cs.utk.edu\n",
        b"Original-Envelope-Id: " + envid.encode() + b"\nReporting-MTA: dns; cs.utk.edu\n",
    )
    assert _read(raw).bounced == ["louisl@far.example"]
    assert _statuses(first, second) == [Status.BOUNCED, Status.SENT]
    # An envelope id that is not ours is a report that is not ours, as a Message-ID would be.
    forged = raw.replace(envid.encode(), b"1.2.3@forged.example")
    assert _read(forged).unmatched == 1


def test_xtext_round_trips():
    from mutualise.mail import wire

    for value in ["17.1.mutualise.4@host", "a+b=c d", "caf\u00e9"]:
        assert wire.from_xtext(wire.xtext(value)) == value
    assert wire.xtext("a+b=c d") == "a+2Bb+3Dc+20d"
