"""Sending the outbox: what the worker's delivery task (tasks.deliver) does.

A run claims queued messages in batches (their state moves queued -> sending in one
transaction, so two workers never hold the same message; on PostgreSQL the claim skips rows
another worker is claiming), hands them one at a time, oldest first, to the configured backend
over one connection, at most MUTUALISE_EMAIL_RATE a second across all the workers together
(pace.py), and records each outcome as soon as the server has answered:

- accepted: sent, and its secret values forgotten;
- an address refused for good (5xx to RCPT): bounced, with the server's reply;
- the message or sender refused for good (5xx): failed, with the reply;
- anything passing before the server had the whole message (4xx, the server down, the
  connection gone before or during the data): queued again after a backoff
  (MUTUALISE_EMAIL_RETRY_SECONDS, doubling each time), failed after MUTUALISE_EMAIL_MAX_ATTEMPTS;
- no reply once the whole message was written (the connection dropped, the reply timed out):
  the server may have taken it and will deliver it, so it is failed ("may have gone out"),
  logged and audited, never sent again by itself (wire.py tells the two apart); the rest of the
  batch waits for the retry.

At most once: a message marked sent is never claimed again, and a worker that dies mid-batch
(kill -9, a lost machine) leaves its claimed messages in `sending`. The next run finds them
(jobs.worker's test of a lost worker): since a batch goes out oldest first and each message is
marked before the next is handed over, only the oldest of them can have reached the server
unrecorded; it is failed ("may have gone out"), never sent again, and the rest are queued again.
"""

from __future__ import annotations

import logging
import smtplib
import time
from dataclasses import dataclass, field
from datetime import timedelta
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.utils import DNS_NAME
from django.db import connection as db
from django.db import transaction
from django.db.models import F, Max, Min
from django.utils import timezone
from django.utils.html import escape

from mutualise.audit import services as audit
from mutualise.jobs.worker import is_lost, new_worker_id

from . import pace, wire
from .models import FINAL, PLACEHOLDER, Message, Status

logger = logging.getLogger("mutualise.mail")
RUN_SECONDS = 10.0  # a run gives way to other queued work after this long, then carries on
LOST_AFTER_SECONDS = 15 * 60
_CONNECTION_ERRORS = (
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
    smtplib.SMTPHeloError,
    smtplib.SMTPAuthenticationError,
    smtplib.SMTPNotSupportedError,
    OSError,  # refused, reset, timed out, TLS
)


@dataclass
class Outcome:
    """What a run did; `due` is whether queued mail is ready now, `later` when the next is."""

    sent: int = 0
    bounced: int = 0
    failed: int = 0
    retried: int = 0
    recovered: list = field(default_factory=list)
    due: bool = False
    later: object = None


class _Passing(Exception):
    """A failure worth trying again later; `stop` when the connection itself is gone."""

    def __init__(self, reply: str, code: int | None = None, *, stop: bool = False):
        super().__init__(reply)
        self.reply, self.code, self.stop = reply, code, stop


class _Final(Exception):
    def __init__(self, status: str, reply: str, code: int | None = None):
        super().__init__(reply)
        self.status, self.reply, self.code = status, reply, code


def _reply(code, text) -> str:
    text = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {text}".strip()


def _classify(exc: Exception, to: str) -> Exception:
    # 421 is the server closing the connection (smtplib closes its end too): the rest of the
    # batch waits, rather than each being charged a try it never had ("run connect() first").
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, text = exc.recipients.get(to) or next(iter(exc.recipients.values()), (550, ""))
        if code >= 500:
            return _Final(Status.BOUNCED, _reply(code, text), code)
        return _Passing(_reply(code, text), code, stop=code == 421)
    if isinstance(exc, smtplib.SMTPResponseException) and not isinstance(
        exc, _CONNECTION_ERRORS
    ):  # sender or data refused
        if exc.smtp_code >= 500:
            return _Final(Status.FAILED, _reply(exc.smtp_code, exc.smtp_error), exc.smtp_code)
        reply = _reply(exc.smtp_code, exc.smtp_error)
        return _Passing(reply, exc.smtp_code, stop=exc.smtp_code == 421)
    if isinstance(exc, _CONNECTION_ERRORS):
        code = getattr(exc, "smtp_code", None)
        return _Passing(f"{type(exc).__name__}: {exc}".strip(), code, stop=True)
    return _Final(Status.FAILED, f"{type(exc).__name__}: {exc}")


def _fill(body: str, secrets: dict, html: bool = False) -> str:
    for name, value in secrets.items():
        body = body.replace(PLACEHOLDER.format(name), escape(value) if html else value)
    return body


def kept_after_sending(secrets: dict | None) -> dict:
    """Nothing, once a message is sent or given up; a demo install (MUTUALISE_DEMO is True, set by
    settings_dev only) keeps a one-time link, so its outbox page can show a newcomer the link to
    follow. A voting code is forgotten even there."""
    if getattr(settings, "MUTUALISE_DEMO", False) is True and (secrets or {}).get("link"):
        return {"link": secrets["link"]}
    return {}


def email_for(message: Message) -> EmailMultiAlternatives:
    secrets = message.secrets or {}
    email = EmailMultiAlternatives(
        _fill(message.subject, secrets),
        _fill(message.text, secrets),
        message.from_address,
        [message.to],
        headers={
            "Message-ID": make_msgid(f"mutualise.{message.pk}", domain=str(DNS_NAME))[:200],
            "Auto-Submitted": "auto-generated",
            "X-Mutualise-Reason": message.reason,
        },
    )
    if message.html:
        email.attach_alternative(_fill(message.html, secrets, html=True), "text/html")
    for item in message.attachments.all():
        email.attach(item.filename, bytes(item.content), item.mimetype)
    return email


def claim(me: str, size: int) -> list[Message]:
    """Up to `size` due messages, oldest first, moved to `sending` for worker `me`."""
    now = timezone.now()
    with transaction.atomic():
        due = Message.objects.filter(status=Status.QUEUED, next_attempt_at__lte=now)
        due = due.order_by("pk").values_list("pk", flat=True)
        if db.vendor == "postgresql":
            due = due.select_for_update(skip_locked=True)
        ids = list(due[:size])
        if not ids:
            return []
        Message.objects.filter(pk__in=ids, status=Status.QUEUED).update(
            status=Status.SENDING, claimed_by=me, updated_at=now
        )
    mine = Message.objects.filter(pk__in=ids, status=Status.SENDING, claimed_by=me)
    return list(mine.order_by("pk").prefetch_related("attachments"))


def _settle(message: Message, me: str, **fields) -> None:
    """Record an outcome; a final one keeps the worker that reached it and forgets secrets."""
    if fields.get("status") in FINAL:
        fields["secrets"] = kept_after_sending(message.secrets)
    else:
        fields["claimed_by"] = ""
    Message.objects.filter(pk=message.pk, status=Status.SENDING, claimed_by=me).update(
        updated_at=timezone.now(), **fields
    )


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=settings.MUTUALISE_EMAIL_RETRY_SECONDS * 2 ** max(0, attempts - 1))


def _retry_or_fail(message: Message, me: str, passing: _Passing, outcome: Outcome) -> None:
    attempts = message.attempts + 1
    if attempts >= settings.MUTUALISE_EMAIL_MAX_ATTEMPTS:
        outcome.failed += 1
        _settle(message, me, status=Status.FAILED, attempts=attempts,
                last_error=f"gave up after {attempts} tries: {passing.reply}"[:2000],
                smtp_code=passing.code)  # fmt: skip
        return
    outcome.retried += 1
    _settle(message, me, status=Status.QUEUED, attempts=attempts, last_error=passing.reply[:2000],
            smtp_code=passing.code, next_attempt_at=timezone.now() + _backoff(attempts))  # fmt: skip


def _hand_over(backend, message: Message, me: str, outcome: Outcome) -> bool:
    """Send one message and record what became of it; False when the connection is gone."""
    email = email_for(message)
    try:
        wire.send(backend, email)
    except wire.MayHaveGoneOut as exc:
        outcome.failed += 1
        _may_have_gone_out(message, me, email.extra_headers["Message-ID"], exc)
        return False
    except Exception as exc:  # every failure is recorded against the message, as it is
        problem = _classify(exc, message.to)
        if isinstance(problem, _Passing):
            _retry_or_fail(message, me, problem, outcome)
            return not problem.stop
        if problem.status == Status.BOUNCED:
            outcome.bounced += 1
        else:
            outcome.failed += 1
        _settle(message, me, status=problem.status, attempts=message.attempts + 1,
                last_error=problem.reply[:2000], smtp_code=problem.code)  # fmt: skip
        return True
    outcome.sent += 1
    _settle(message, me, status=Status.SENT, attempts=message.attempts + 1, last_error="",
            smtp_code=None, sent_at=timezone.now(), message_id=email.extra_headers["Message-ID"])  # fmt: skip
    return True


UNKNOWN = (
    "the mail server had the whole message but never said whether it took it ({}): it may"
    " have gone out, so it is not sent again (send it anew if the member says it did not arrive)"
)


def _may_have_gone_out(message: Message, me: str, message_id: str, exc: Exception) -> None:
    """Failed, never tried again: what became of it is not known (wire.py), and a second copy
    is worse than none for a voting code. Logged, and audited for the organisation's officers."""
    with transaction.atomic():
        done = Message.objects.filter(pk=message.pk, status=Status.SENDING, claimed_by=me)
        done = done.update(
            status=Status.FAILED, attempts=message.attempts + 1, smtp_code=None,
            last_error=UNKNOWN.format(exc)[:2000], message_id=message_id,
            secrets=kept_after_sending(message.secrets), updated_at=timezone.now(),
        )  # fmt: skip
        if done:
            _audit_unknown(message, "no reply after the data")
    logger.warning("mail %s to %s may have gone out (%s): failed, not sent again",
                   message.pk, message.to, exc)  # fmt: skip


def _audit_unknown(message: Message, stage: str) -> None:
    if message.organisation_id is not None:
        audit.record(
            message.organisation, "mail.may_have_gone_out", subject=message,
            data={"reason": message.reason, "stage": stage},
        )  # fmt: skip


def recover_lost(me: str, stale_after: int = LOST_AFTER_SECONDS) -> list[tuple[str, int, int]]:
    """Settle what lost workers left sending (see the module's doc): (worker, failed, queued)."""
    owners = (
        Message.objects.filter(status=Status.SENDING)
        .exclude(claimed_by=me)
        .values("claimed_by")
        .annotate(last=Max("updated_at"))
    )
    settled = []
    for row in owners:
        owner = row["claimed_by"]
        if not is_lost(owner, me, row["last"], stale_after):
            continue
        with transaction.atomic():
            left = Message.objects.select_for_update().filter(
                status=Status.SENDING, claimed_by=owner
            )
            ids = list(left.order_by("pk").values_list("pk", flat=True))
            if not ids:
                continue
            _audit_unknown(Message.objects.get(pk=ids[0]), "its worker was lost")
            Message.objects.filter(pk=ids[0]).update(
                status=Status.FAILED, claimed_by="", secrets={}, attempts=F("attempts") + 1,
                updated_at=timezone.now(),
                last_error="its worker stopped while handing it to the mail server: it may have"
                " gone out, so it is not sent again (send it anew if it did not arrive)",
            )  # fmt: skip
            requeued = Message.objects.filter(pk__in=ids[1:]).update(
                status=Status.QUEUED, claimed_by="", updated_at=timezone.now()
            )
        logger.warning("mail left by lost worker %s: 1 failed, %s queued again", owner, requeued)
        settled.append((owner, 1, requeued))
    return settled


def _release(me: str) -> None:
    """Put back what this run claimed and never handed over (an error, or its time was up)."""
    Message.objects.filter(status=Status.SENDING, claimed_by=me).update(
        status=Status.QUEUED, claimed_by="", updated_at=timezone.now()
    )


def deliver(*, me: str | None = None, run_seconds: float = RUN_SECONDS) -> Outcome:
    """Send what is due for up to `run_seconds` (see the module's doc)."""
    me = me or new_worker_id()
    outcome = Outcome(recovered=recover_lost(me))
    pacer = pace.Pacer(settings.MUTUALISE_EMAIL_RATE)
    started = time.monotonic()
    backend = None
    try:
        while time.monotonic() - started < run_seconds:
            batch = claim(me, max(1, settings.MUTUALISE_EMAIL_BATCH))
            if not batch:
                break
            backend = backend or get_connection(fail_silently=False)
            connected = True
            for message in batch:
                pacer.wait()  # the install's rate, shared by every worker
                try:
                    backend.open()
                except Exception as exc:  # the server is not there: nothing was handed over
                    _retry_or_fail(message, me, _classify(exc, message.to), outcome)
                    connected = False
                    break
                if not _hand_over(backend, message, me, outcome):
                    connected = False
                    break
            if not connected:
                _hold_back(me)
                break
    finally:
        _release(me)
        if backend is not None:
            try:
                backend.close()
            except Exception:  # a connection already broken: nothing more to say to it
                logger.info("mail connection closed uneasily", exc_info=True)
    now = timezone.now()
    waiting = Message.objects.filter(status=Status.QUEUED)
    outcome.due = waiting.filter(next_attempt_at__lte=now).exists()
    outcome.later = waiting.aggregate(next=Min("next_attempt_at"))["next"]
    return outcome


def _hold_back(me: str) -> None:
    """The server is down or gone: the rest of the batch waits for the first retry too."""
    Message.objects.filter(status=Status.SENDING, claimed_by=me).update(
        status=Status.QUEUED, claimed_by="", next_attempt_at=timezone.now() + _backoff(1),
        updated_at=timezone.now(),
    )  # fmt: skip
