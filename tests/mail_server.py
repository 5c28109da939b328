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
    lock: threading.Lock = field(default_factory=threading.Lock)

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


class Server:
    def __init__(self, port: int | None = None):
        self.handler = Handler()
        self.port = port or free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

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
