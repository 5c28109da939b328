"""The one way the apps send mail.

    from mutualise.mail import services as mail
    mail.send(organisation=org, to="a@example.org", template="register/invitation",
              context={"link": url}, reason="invitation")

`template` names three files under an app's `templates/mail/`: `<template>.subject.txt`,
`<template>.txt` and, optionally, `<template>.html`. The message is recorded in the outbox
(models.Message) in the caller's transaction and sent by the worker once it commits (a refused
change sends nothing; delivery.py sends, in batches, at the configured rate, retrying what failed
for a while). `organisation` may be None for mail of the install itself (a system
administrator's invitation); otherwise the message comes from the organisation's own address
(Organisation.mail_from) or the install's (MUTUALISE_EMAIL_FROM).

A value that must not be kept (a voting code, a one-time link) goes in `secrets`, not `context`:
the template prints it as usual (`{{ code }}`), but the stored body holds a placeholder and the
value itself is put in only when the message is sent, then forgotten (see models.py). Print such
values as they are, without filters.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.template import Context, TemplateDoesNotExist
from django.template.loader import get_template, render_to_string

from .delivery import deliver
from .models import PLACEHOLDER, Attachment, Message
from .tasks import queue_delivery

MAX_ADDRESS = 254  # RFC 5321's limit, and Message.to's
_A_PLACEHOLDER = re.compile("\u27e6\\w+\u27e7")


class MailError(ValueError):
    """A message that cannot be sent as asked (no such address, no such template)."""


def from_address(organisation) -> str:
    own = getattr(organisation, "mail_from", "") if organisation is not None else ""
    return own or settings.DEFAULT_FROM_EMAIL


def _plain(name: str, context: dict) -> str:
    """A text template rendered without HTML escaping (O'Brien stays O'Brien)."""
    return get_template(name).template.render(Context(context, autoescape=False))


def render(template: str, context: dict) -> tuple[str, str, str | None]:
    """Subject, plain text and HTML (None without an .html template) of a mail template."""
    try:
        subject = " ".join(_plain(f"mail/{template}.subject.txt", context).split())
        text = _plain(f"mail/{template}.txt", context)
    except TemplateDoesNotExist as exc:
        raise MailError(f"no mail template {exc}") from None
    try:
        html = render_to_string(f"mail/{template}.html", context)
    except TemplateDoesNotExist:
        html = None
    return subject, text, html


def check_address(to: str) -> str:
    address = (to or "").strip()
    if len(address) > MAX_ADDRESS:  # validate_email allows 320; the outbox column holds 254
        raise MailError(f"{address[:40]!r}... is longer than an email address can be (254)")
    try:
        validate_email(address)
    except ValidationError:  # repr: a newline or NUL in it is shown, not printed
        raise MailError(f"{to!r} is not an email address") from None
    return address


def attachment(organisation, filename: str, content: bytes, mimetype: str) -> Attachment:
    """A file to send with one or many messages (pass it in `send(attachments=[...])`)."""
    return Attachment.objects.create(
        organisation=organisation,
        filename=filename,
        mimetype=mimetype,
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
    )


def send(
    *,
    organisation,
    to: str,
    template: str,
    context: dict,
    reason: str,
    secrets: dict[str, str] | None = None,
    attachments: Iterable[Attachment] = (),
) -> Message:
    """Record one message to one recipient; the worker sends it once the transaction commits."""
    address = check_address(to)
    secrets = {name: str(value) for name, value in (secrets or {}).items()}
    context = {
        "organisation": organisation,
        **context,
        **{name: PLACEHOLDER.format(name) for name in secrets},
    }
    subject, text, html = render(template, context)
    message = Message.objects.create(
        organisation=organisation,
        to=address,
        from_address=from_address(organisation),
        reason=reason[:60],
        template=template[:120],
        subject=subject[:300],
        text=text,
        html=html or "",
        secrets=secrets,
    )
    attachments = list(attachments)
    if attachments:
        message.attachments.set(attachments, through_defaults={"organisation": organisation})
    _deliver_on_commit()
    return message


def holds_forgotten_secret(message: Message) -> bool:
    """Whether the stored message has a placeholder for a value no longer kept (a voting code,
    a one-time link): a copy of it would say the placeholder, not the value."""
    parts = (message.subject, message.text, message.html)
    return any(_A_PLACEHOLDER.search(part or "") for part in parts)


def copy_to(message: Message, to: str) -> Message:
    """Record `message` anew, as it was written, for `to` (a corrected address), and mark the
    old one resent as the new; the worker sends it once the transaction commits. The caller
    (register.services.mail.resend_mail) checks who may, and that it may be sent again."""
    if holds_forgotten_secret(message):
        raise MailError("it carried a value that is not kept (a voting code or one-time link)")
    copy = Message.objects.create(
        organisation=message.organisation,
        to=check_address(to),
        from_address=from_address(message.organisation),
        reason=message.reason,
        template=message.template,
        subject=message.subject,
        text=message.text,
        html=message.html,
    )
    attachments = list(message.attachments.all())
    if attachments:
        copy.attachments.set(attachments, through_defaults={"organisation": copy.organisation})
    Message.objects.filter(pk=message.pk).update(resent_as=copy)
    message.resent_as = copy
    _deliver_on_commit()
    return copy


def _deliver_on_commit() -> None:
    """Queue the worker's delivery task when the transaction commits: once per transaction,
    however many messages it records (`tasks.deliver` then sends them all)."""
    connection = transaction.get_connection()
    pending = getattr(connection, "_mutualise_mail_pending", None)
    if connection.in_atomic_block and any(f is pending for _, f, _ in connection.run_on_commit):
        return  # already queued for this transaction's commit (not rolled back since)

    def queue() -> None:
        connection._mutualise_mail_pending = None
        _queue_delivery()

    connection._mutualise_mail_pending = queue
    transaction.on_commit(queue)


def _queue_delivery() -> None:
    if settings.MUTUALISE_EMAIL_EAGER:  # the test suite: sent here and now, as the worker would
        deliver()
        return
    queue_delivery()
