"""mail/wire.py against a real SMTP server (aiosmtpd, tests/mail_server.py): the message goes
over as smtplib's sendmail would send it, and a refusal after the data is still a refusal (the
server said so: nothing is unknown), not 'may have gone out'."""

from __future__ import annotations

import smtplib
import types

import pytest
from django.core.mail import EmailMessage, get_connection

from mutualise.mail import wire


def _send(body: str = "Hello\n") -> None:
    backend = get_connection(fail_silently=False)
    backend.open()
    try:
        wire.send(backend, EmailMessage("Hi", body, "board@fife.example", ["ann@example.org"]))
    finally:
        backend.close()


def test_lines_starting_with_a_dot_arrive_as_written(smtp_server):
    body = "first\n.\n.hidden\n..two\nlast"
    _send(body)
    [got] = smtp_server.handler.received
    assert (got.mail_from, got.rcpt_tos) == ("board@fife.example", ["ann@example.org"])
    assert got.part("plain").splitlines() == body.splitlines()


@pytest.mark.parametrize("reply, code", [("554 5.6.0 content refused", 554),
                                         ("451 4.3.0 try again later", 451)])  # fmt: skip
def test_a_reply_refusing_the_data_is_a_refusal(smtp_server, reply, code):
    async def handle_DATA(self, smtp, session, envelope):
        return reply

    smtp_server.handler.handle_DATA = types.MethodType(handle_DATA, smtp_server.handler)
    with pytest.raises(smtplib.SMTPDataError) as refused:
        _send()
    assert refused.value.smtp_code == code


def test_the_non_smtp_backends_are_called_as_django_calls_them(settings):
    from django.core import mail

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    _send()
    assert [m.to for m in mail.outbox] == [["ann@example.org"]]
