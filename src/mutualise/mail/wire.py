"""Handing one message to an SMTP server in steps (MAIL, RCPT, DATA), so that a failure says
whether the server may have the message (delivery.py's at most once).

Django's SMTP backend sends with smtplib's sendmail, whose errors do not say how far it got: a
connection lost before the server had anything and one lost after the whole message was in
both come out as SMTPServerDisconnected. Here the same conversation is held a step at a time:

- a failure before the end of the data (the greeting, MAIL, RCPT, the DATA command, or
  writing the message) leaves the server with nothing: it raises what smtplib raises, and the
  message may be tried again;
- once the message and its closing `.` are written, a server that replies 4xx or 5xx has
  refused it (smtplib.SMTPDataError, as before); but no reply at all (the connection dropped,
  the reply timed out, a reply that is not SMTP) means the server may have taken it and will
  deliver it: MayHaveGoneOut, and delivery.py never sends that message again by itself.

The backend's other kinds (file, console, memory) have no wire: they are called as Django
calls them.

A server that offers delivery status notifications (RFC 3461's DSN extension) is given the
message's envelope id (ENVID: its Message-ID without the brackets, envelope_id) and each
recipient as we wrote it (ORCPT), so that a report without the returned headers still names our
message and our address (bounces.py), and asked to return only the headers (RET=HDRS): a voting
code in the body never comes back to the bounce mailbox.
"""

from __future__ import annotations

import contextlib
import re
import smtplib

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.core.mail.message import sanitize_address

CRLF = b"\r\n"
MAX_ENVID = 100  # RFC 3461 4.4: a longer one may be refused (a long host name in our ids)
_LINE_STARTING_WITH_A_DOT = re.compile(rb"(?m)^\.")


class MayHaveGoneOut(Exception):
    """The whole message was written to the server and no reply came: it may be delivered."""

    def __init__(self, cause: Exception):
        self.cause = cause
        super().__init__(f"{type(cause).__name__}: {cause}".strip())


def send(backend, email: EmailMessage) -> None:
    """Hand `email` to the backend's open connection; raise smtplib's errors or MayHaveGoneOut."""
    connection = getattr(backend, "connection", None)
    if not isinstance(backend, SMTPBackend) or connection is None:
        backend.send_messages([email])
        return
    encoding = email.encoding or settings.DEFAULT_CHARSET
    sender = sanitize_address(email.from_email, encoding)
    recipients = [sanitize_address(address, encoding) for address in email.recipients()]
    data = email.message().as_bytes(linesep="\r\n")
    envid = envelope_id(str(email.extra_headers.get("Message-ID", "")))
    _envelope(connection, sender, recipients, len(data), envid)
    _data(connection, data)


def envelope_id(message_id: str) -> str:
    """The ENVID a message is sent with (RFC 3461 4.4): its Message-ID without the brackets."""
    return message_id.strip().strip("<>")


def xtext(value: str) -> str:
    """RFC 3461 4's xtext: "+", "=" and anything outside "!" to "~" as +HH (of its UTF-8)."""
    return "".join(
        chr(b) if 33 <= b <= 126 and b not in (43, 61) else f"+{b:02X}" for b in value.encode()
    )


def from_xtext(value: str) -> str:
    raw = value.encode("utf-8", "replace")
    raw = re.sub(rb"\+([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), raw)
    return raw.decode("utf-8", "replace")


def _give_up(connection: smtplib.SMTP, code: int) -> None:
    """After a refusal: 421 is the server closing the connection; else start the next anew."""
    if code == 421:
        connection.close()
        return
    with contextlib.suppress(smtplib.SMTPServerDisconnected):  # already gone, as sendmail allows
        connection.rset()


def _envelope(
    connection: smtplib.SMTP, sender: str, recipients: list, size: int, envid: str = ""
) -> None:
    """MAIL and RCPT, as smtplib's sendmail says them (and raising what it raises), with the
    DSN parameters where the server takes them (see the module's doc)."""
    connection.ehlo_or_helo_if_needed()
    options = [f"size={size}"] if connection.does_esmtp and connection.has_extn("size") else []
    dsn = connection.does_esmtp and connection.has_extn("dsn")
    if dsn:
        options.append("RET=HDRS")
        if envid and len(xtext(envid)) <= MAX_ENVID:
            options.append(f"ENVID={xtext(envid)}")
    code, reply = connection.mail(sender, options)
    if code != 250:
        _give_up(connection, code)
        raise smtplib.SMTPSenderRefused(code, reply, sender)
    refused = {}
    for recipient in recipients:
        code, reply = connection.rcpt(
            recipient, [f"ORCPT=rfc822;{xtext(recipient)}"] if dsn else []
        )
        if code not in (250, 251):
            refused[recipient] = (code, reply)
            if code == 421:
                connection.close()
                raise smtplib.SMTPRecipientsRefused(refused)
    if len(refused) == len(recipients):
        _give_up(connection, 0)
        raise smtplib.SMTPRecipientsRefused(refused)


def _data(connection: smtplib.SMTP, data: bytes) -> None:
    code, reply = connection.docmd("data")
    if code != 354:
        _give_up(connection, code)
        raise smtplib.SMTPDataError(code, reply)
    body = _LINE_STARTING_WITH_A_DOT.sub(b"..", data)
    if not body.endswith(CRLF):
        body += CRLF
    connection.send(body + b"." + CRLF)  # fails before the end is written: the server has nothing
    try:
        code, reply = connection.getreply()
    except (smtplib.SMTPException, OSError) as exc:  # dropped, timed out, or not SMTP
        connection.close()
        raise MayHaveGoneOut(exc) from exc
    if code != 250:
        _give_up(connection, code)
        raise smtplib.SMTPDataError(code, reply)
