"""A real SMTP server for the tests (aiosmtpd on a free local port), recording what it receives;
addresses it refuses for good (550) or for now (450) can be named."""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import threading
import time
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP

DSN_PARAMETERS = ("ENVID", "RET", "ORCPT", "NOTIFY")  # RFC 3461's


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list
    data: bytes
    at: float = 0.0  # time.time() when it was accepted

    @property
    def message(self):
        return email.message_from_bytes(self.data, policy=email.policy.default)

    def part(self, kind: str) -> str:
        body = self.message.get_body(preferencelist=(kind,))
        return body.get_content() if body is not None else ""


@dataclass
class Handler:
    received: list = field(default_factory=list)
    refuse: dict = field(default_factory=dict)  # address -> reply, e.g. "550 5.1.1 no such user"
    delay: float = 0.0  # seconds before each message is accepted: a slow server
    dsn: bool = False  # advertise RFC 3461's DSN extension, and record its parameters
    parameters: list = field(default_factory=list)  # MAIL and RCPT parameters, as sent
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        if self.dsn:
            responses.insert(-1, "250-DSN")
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        with self.lock:
            self.received.append(
                Received(
                    envelope.mail_from,
                    list(envelope.rcpt_tos),
                    envelope.original_content,
                    time.time(),
                )
            )
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address in r.rcpt_tos]


class _DSNServer(SMTP):
    """aiosmtpd, taking RFC 3461's parameters when its handler advertises DSN (it refuses any
    parameter it does not know), and recording them as sent (it upper-cases what it parses)."""

    def _getaddr(self, arg):
        address, rest = super()._getaddr(arg)
        if rest and self.event_handler.dsn:
            self.event_handler.parameters.append(rest)
        return address, rest

    def _getparams(self, params):
        result = super()._getparams(params)
        if result is not None and self.event_handler.dsn:
            for name in DSN_PARAMETERS:
                result.pop(name, None)
        return result


class _Controller(Controller):
    def factory(self):
        return _DSNServer(self.handler, **self.SMTP_kwargs)


class Server:
    def __init__(self, port: int | None = None):
        self.handler = Handler()
        self.port = port or free_port()
        self.controller = _Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def start(self) -> Server:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}?timeout=10"

    def settings(self) -> dict:
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": self.port,
            "EMAIL_USE_TLS": False,
            "EMAIL_USE_SSL": False,
            "EMAIL_HOST_USER": "",
            "EMAIL_HOST_PASSWORD": "",
            "EMAIL_TIMEOUT": 10,
        }
