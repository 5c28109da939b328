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
the report changes nothing (a forged one); only a report returning no headers falls back to the
latest message sent to the failed address.
"""

from __future__ import annotations

import email
import email.policy
import mailbox
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from email.utils import parseaddr

from django.db import transaction
from django.utils import timezone

from mutualise.audit import services as audit

from .models import Bounce, Message, Status


@dataclass(frozen=True)
class Failed:
    """One recipient a DSN reports as failed."""

    address: str
    status: str
    diagnostic: str
    reported_by: str
    message_id: str


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


def _returned_message_id(report: EmailMessage) -> str:
    for part in report.walk():
        kind = part.get_content_type()
        if kind == "message/rfc822":
            payload = part.get_payload()
            inner = payload[0] if isinstance(payload, list) and payload else None
            if inner is not None and inner.get("Message-ID"):
                return str(inner["Message-ID"]).strip()
        elif kind == "text/rfc822-headers":
            raw = part.get_payload(decode=True) or b""
            headers = BytesHeaderParser(policy=email.policy.default).parsebytes(raw)
            if headers.get("Message-ID"):
                return str(headers["Message-ID"]).strip()
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
    message_id = _returned_message_id(report)
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
            )
        )
    return failed


def _message_for(failed: Failed) -> Message | None:
    """A report that returns a Message-ID is about that message of ours, sent to the failed
    address, or about none: one naming an id we never sent (or our id with another address) is
    not ours, however real the address (anyone can write to the bounce address; our ids are not
    guessable). Only a report that returns no headers falls back to the address's latest. A
    message failed as "may have gone out" (delivery.py) keeps its id: a report for it says it
    did go out, and bounced."""
    sent = Message.objects.filter(status__in=[Status.SENT, Status.BOUNCED])
    if failed.message_id:
        found = Message.objects.filter(message_id=failed.message_id).exclude(message_id="")
        found = found.filter(status__in=[Status.SENT, Status.BOUNCED, Status.FAILED]).first()
        if found is not None and found.to.lower() == failed.address.lower():
            return found
        return None
    return sent.filter(to__iexact=failed.address).order_by("-sent_at", "-pk").first()


def record(failed: Failed) -> Bounce | None:
    """Mark the message bounced and its address bouncing; None if it matched no message of
    ours, or was recorded already (a DSN read twice)."""
    with transaction.atomic():
        message = _message_for(failed)
        if message is None:
            return None
        message = Message.objects.select_for_update().get(pk=message.pk)
        if message.status == Status.BOUNCED:
            return None
        now = timezone.now()
        said = f"{failed.status} {failed.diagnostic}".strip()
        message.status = Status.BOUNCED
        message.last_error = f"returned by {failed.reported_by or 'a later server'}: {said}"[:2000]
        message.save(update_fields=["status", "last_error", "updated_at"])
        bounce = (
            Bounce.objects.select_for_update()
            .filter(organisation=message.organisation, address__iexact=message.to)
            .first()
        )
        if bounce is None:
            bounce = Bounce(organisation=message.organisation, address=message.to, count=0)
            bounce.first_at = now
        bounce.count += 1
        bounce.status, bounce.diagnostic = failed.status, failed.diagnostic
        bounce.reported_by, bounce.message, bounce.last_at = failed.reported_by, message, now
        bounce.cleared_at = None
        bounce.save()
        if message.organisation is not None:
            audit.record(
                message.organisation, "mail.bounced", subject=message,
                data={"status": failed.status, "reason": message.reason},
            )  # fmt: skip
    return bounce


def read_one(raw: bytes, outcome: Read) -> None:
    outcome.messages += 1
    failed = parse(raw)
    if failed is None:
        return
    outcome.reports += 1
    for item in failed:
        bounce = record(item)
        if bounce is not None:
            outcome.bounced.append(bounce.address)
        elif _message_for(item) is None:
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
