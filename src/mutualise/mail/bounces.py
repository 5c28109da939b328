"""Reading bounces: delivery status notifications (RFC 3464) coming back to the install.

Our mail server accepts a message and hands it on; when a server further along cannot deliver
it, a DSN comes back to the envelope sender: a `multipart/report; report-type=delivery-status`
whose `message/delivery-status` part has one block per recipient (Final-Recipient, Action,
Status, Diagnostic-Code), and usually the returned message or its headers. A recipient whose
Action is `failed` marks our message bounced and its address as bouncing (models.Bounce),
which the membership secretary sees (mail/views.py) until the member's address changes or the
bounce is cleared. `delayed`, `delivered`, `relayed` and `expanded` change nothing.

How bounces arrive: the install's bounce address is delivered to a maildir (Postfix, Exim and
Dovecot all do; fetchmail or getmail bring an IMAP box down into one), which `mutualise mail
read-bounces` reads (MUTUALISE_BOUNCE_MAILDIR, or --maildir / --mbox), marking each message it
has read as seen. Reading is idempotent: a DSN read twice changes nothing the second time (the
message is already bounced), so an mbox can be read again whole.

Which message bounced: the returned headers' Message-ID (delivery.email_for sets one per
message, kept in Message.message_id), which must be one of ours sent to the failed address, or
the report changes nothing (a forged one); a report that returns no Message-ID but gives the
Original-Envelope-Id we sent the message with (wire.py, where the server offers DSN) is read
the same way. A report without either (no headers returned, or only some) is matched on what
it does say: the failed (original) recipient, the returned headers' Subject, From and
X-Mutualise-Reason, and the per-message Arrival-Date (the message reached the reporting server
after we handed it over, within MAX_QUEUE_DAYS). If that leaves exactly one of our messages to
the address, it is the one; if none and headers were returned, the report is not ours;
otherwise no message is guessed: the address itself is recorded as bouncing (models.Bounce,
without a message) for each organisation that has mailed it, audited, and the report's digest
kept so that reading it again counts it once.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import mailbox
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from email.utils import parseaddr, parsedate_to_datetime

from django.db import transaction
from django.utils import timezone

from mutualise.audit import services as audit

from . import wire
from .models import Bounce, Message, Status


@dataclass(frozen=True)
class Failed:
    """One recipient a DSN reports as failed."""

    address: str
    status: str
    diagnostic: str
    reported_by: str
    message_id: str
    # What a report without a Message-ID gives to match on (see the module's doc).
    subject: str = ""
    sender: str = ""
    reason: str = ""
    arrived: datetime | None = None
    headers_returned: bool = False
    report: str = ""  # the DSN's sha256: an address-only record is counted once per report


MAX_QUEUE_DAYS = 6  # how long a relay may hold a message before it reaches the far server
CLOCK_SKEW = timedelta(minutes=15)  # the reporting server's clock against ours
KEPT_REPORTS = 100  # digests of address-only reports kept per bounce, for reading twice


@dataclass
class Read:
    """What a read did: messages looked at, DSNs among them, bounces recorded, and failed
    recipients that matched none of our messages (or were already recorded)."""

    messages: int = 0
    reports: int = 0
    bounced: list = field(default_factory=list)
    unmatched: int = 0
    already: int = 0


def _typed(value: str) -> str:
    """`rfc822; a@example.org` -> `a@example.org` (the address type is RFC 3464's)."""
    kind, _, rest = (value or "").partition(";")
    return (rest if rest else kind).strip()


def _returned_headers(report: EmailMessage):
    """The headers of our message the report returns (the whole message or its headers)."""
    for part in report.walk():
        kind = part.get_content_type()
        if kind == "message/rfc822":
            payload = part.get_payload()
            inner = payload[0] if isinstance(payload, list) and payload else None
            if inner is not None and inner.keys():
                return inner
        elif kind == "text/rfc822-headers":
            raw = part.get_payload(decode=True) or b""
            headers = BytesHeaderParser(policy=email.policy.default).parsebytes(raw)
            if headers.keys():
                return headers
    return None


def _envelope_message_id(per_message) -> str:
    envid = wire.from_xtext(" ".join(str(per_message.get("Original-Envelope-Id", "")).split()))
    return f"<{envid}>" if envid else ""


def _date(value) -> datetime | None:
    try:
        when = parsedate_to_datetime(" ".join(str(value or "").split()).split(" (")[0])
    except (TypeError, ValueError, IndexError):
        return None
    return when if when is not None and when.tzinfo is not None else None


def _header(headers, name: str) -> str:
    try:
        return " ".join(str(headers.get(name, "") or "").split()) if headers is not None else ""
    except (TypeError, ValueError):  # a header the parser could not make sense of
        return ""


def parse(raw: bytes) -> list[Failed] | None:
    """The failed recipients of a DSN; None if `raw` is not a delivery status notification."""
    report = email.message_from_bytes(raw, policy=email.policy.default)
    if report.get_content_type() != "multipart/report":
        return None
    if (report.get_param("report-type") or "").lower() != "delivery-status":
        return None
    status_part = next(
        (p for p in report.walk() if p.get_content_type() == "message/delivery-status"), None
    )
    if status_part is None:
        return None
    blocks = status_part.get_payload()
    if not isinstance(blocks, list) or not blocks:
        return []
    per_message, recipients = blocks[0], blocks[1:]
    reported_by = _typed(str(per_message.get("Reporting-MTA", "")))
    returned = _returned_headers(report)
    # The returned Message-ID, else the envelope id we sent it with (wire.py: the same id).
    message_id = _header(returned, "Message-ID") or _envelope_message_id(per_message)
    clues = {
        "subject": _header(returned, "Subject")[:300],
        "sender": parseaddr(_header(returned, "From"))[1],
        "reason": _header(returned, "X-Mutualise-Reason")[:60],
        "arrived": _date(per_message.get("Arrival-Date")),
        "headers_returned": returned is not None,
        "report": hashlib.sha256(raw).hexdigest(),
    }
    failed = []
    for block in recipients:
        if str(block.get("Action", "")).strip().lower() != "failed":
            continue
        recipient = block.get("Original-Recipient") or block.get("Final-Recipient") or ""
        address = parseaddr(_typed(str(recipient)))[1]
        if not address:
            continue
        failed.append(
            Failed(
                address=address,
                status=str(block.get("Status", "")).strip()[:20],
                diagnostic=_typed(str(block.get("Diagnostic-Code", "")))[:2000],
                reported_by=reported_by[:254],
                message_id=message_id,
                **clues,
            )
        )
    return failed


def _went_out():
    """Our messages that reached a mail server: sent, bounced, or failed as "may have gone
    out" after the data (delivery.py keeps its Message-ID: a report for it says it went out)."""
    return Message.objects.exclude(message_id="").filter(
        status__in=[Status.SENT, Status.BOUNCED, Status.FAILED]
    )


def _message_for(failed: Failed) -> Message | None | list:
    """The message a report is about: one of ours; None if it is not ours; or, for a report
    without a Message-ID that the rest cannot tie to one message, the messages to the address
    (a list, maybe empty only if headers were not returned), for the address to be recorded.

    A report that returns a Message-ID is about that message of ours, sent to the failed
    address, or about none: one naming an id we never sent (or our id with another address) is
    not ours, however real the address (anyone can write to the bounce address; our ids are not
    guessable)."""
    if failed.message_id:
        found = _went_out().filter(message_id=failed.message_id).first()
        if found is not None and found.to.lower() == failed.address.lower():
            return found
        return None
    to_address = _went_out().filter(to__iexact=failed.address)
    if not to_address.exists():
        return None
    narrowed = to_address
    if failed.subject:
        narrowed = narrowed.filter(subject=failed.subject)
    if failed.sender:
        narrowed = narrowed.filter(from_address__iexact=failed.sender)
    if failed.reason:
        narrowed = narrowed.filter(reason=failed.reason)
    if failed.arrived is not None:
        narrowed = narrowed.filter(
            sent_at__lte=failed.arrived + CLOCK_SKEW,
            sent_at__gte=failed.arrived - timedelta(days=MAX_QUEUE_DAYS),
        )
    found = list(narrowed.order_by("-pk")[:2])
    if len(found) == 1:
        return found[0]
    if not found and failed.headers_returned:
        return None  # headers of a message we never sent to this address
    return list(to_address.order_by("-pk"))


def record(failed: Failed) -> Bounce | None:
    """Mark the message bounced and its address bouncing; None if it matched no message of
    ours, or was recorded already (a DSN read twice)."""
    return _record(failed)[1]


def _record(failed: Failed) -> tuple[str, Bounce | None]:
    """("bounced", the bounce), ("already", None) or ("unmatched", None)."""
    with transaction.atomic():
        message = _message_for(failed)
        if message is None:
            return "unmatched", None
        if isinstance(message, list):
            return _record_address(failed, message)
        message = Message.objects.select_for_update().get(pk=message.pk)
        if message.status == Status.BOUNCED:
            return "already", None
        now = timezone.now()
        said = f"{failed.status} {failed.diagnostic}".strip()
        message.status = Status.BOUNCED
        message.last_error = f"returned by {failed.reported_by or 'a later server'}: {said}"[:2000]
        message.save(update_fields=["status", "last_error", "updated_at"])
        bounce = _bounce_for(message.organisation, message.to, failed, now)
        bounce.message = message
        bounce.save()
        if message.organisation is not None:
            audit.record(
                message.organisation, "mail.bounced", subject=message,
                data={"status": failed.status, "reason": message.reason},
            )  # fmt: skip
    return "bounced", bounce


def _bounce_for(organisation, address: str, failed: Failed, now) -> Bounce:
    """The address's bounce row, locked, counted once more and showing this report."""
    bounce = (
        Bounce.objects.select_for_update()
        .filter(organisation=organisation, address__iexact=address)
        .first()
    )
    if bounce is None:
        bounce = Bounce(organisation=organisation, address=address, count=0)
        bounce.first_at = now
    bounce.count += 1
    bounce.status, bounce.diagnostic = failed.status, failed.diagnostic
    bounce.reported_by, bounce.last_at, bounce.cleared_at = failed.reported_by, now, None
    return bounce


def _record_address(failed: Failed, messages: list[Message]) -> tuple[str, Bounce | None]:
    """The address bounces, but which message the report is about is not known: the address is
    marked bouncing for every organisation that mailed it, no message is marked, and each is
    audited. A report already recorded (its digest kept on the bounce) counts once."""
    now, recorded = timezone.now(), None
    organisations = {m.organisation_id: m.organisation for m in messages}
    for organisation in organisations.values():
        address = next(m.to for m in messages if m.organisation == organisation)
        existing = Bounce.objects.select_for_update().filter(
            organisation=organisation, address__iexact=address
        )
        if any(failed.report in (b.reports or []) for b in existing):
            continue
        bounce = _bounce_for(organisation, address, failed, now)
        bounce.reports = ([*(bounce.reports or []), failed.report])[-KEPT_REPORTS:]
        bounce.save()
        recorded = recorded or bounce
        if organisation is not None:
            audit.record(
                organisation, "mail.address_bouncing", subject=bounce,
                data={"status": failed.status, "messages_to_address": len(messages),
                      "why": "the report names no message of ours that it can be tied to"},
            )  # fmt: skip
    return ("bounced", recorded) if recorded is not None else ("already", None)


def read_one(raw: bytes, outcome: Read) -> None:
    outcome.messages += 1
    failed = parse(raw)
    if failed is None:
        return
    outcome.reports += 1
    for item in failed:
        state, bounce = _record(item)
        if bounce is not None:
            outcome.bounced.append(bounce.address)
        elif state == "unmatched":
            outcome.unmatched += 1
        else:
            outcome.already += 1


def read_maildir(path: str) -> Read:
    """Read every message not yet seen in the maildir, and mark each seen (moved to cur/)."""
    box = mailbox.Maildir(path, factory=None, create=False)
    outcome = Read()
    for key in list(box.iterkeys()):
        message = box.get_message(key)
        if "S" in message.get_flags():
            continue
        read_one(box.get_bytes(key), outcome)
        message.set_subdir("cur")
        message.add_flag("S")
        box[key] = message
    return outcome


def read_mbox(path: str) -> Read:
    """Read every message of an mbox file (idempotent: see the module's doc)."""
    box = mailbox.mbox(path, factory=None, create=False)
    outcome = Read()
    for key in box.iterkeys():
        read_one(box.get_bytes(key), outcome)
    return outcome


def bouncing(organisation):
    """The organisation's addresses that bounce, still uncleared, latest first."""
    return Bounce.objects.filter(organisation=organisation, cleared_at__isnull=True)


def clear(bounce: Bounce, *, actor) -> None:
    """The secretary has dealt with it (the member gave a new address, or it was a blip)."""
    with transaction.atomic():
        Bounce.objects.filter(pk=bounce.pk).update(cleared_at=timezone.now())
        if bounce.organisation is not None:
            audit.record(bounce.organisation, "mail.bounce_cleared", actor=actor, subject=bounce)


def bouncing_addresses(organisation) -> set[str]:
    """Lower-cased, for marking members on a list."""
    return {a.lower() for a in bouncing(organisation).values_list("address", flat=True)}
