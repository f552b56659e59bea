"""A real SMTP server for tests: aiosmtpd's Controller on 127.0.0.1 and a free port, keeping what it receives.

`stop()` takes it down (the port then refuses connections: "the SMTP server is down"), `start()` brings it back
on the same port. Messages are parsed with the standard library, so a test reads recipients, subject and
both parts exactly as a mail client would."""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from benchmarks.topology import free_port

LINK = re.compile(r"https?://[^\s\"'<>]+/password/[A-Za-z0-9_\-]+")


@dataclass
class Received:
    """One message as the server got it: the envelope and the parsed message."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def sender(self) -> str:
        return str(self.message["From"])

    def part(self, subtype: str) -> str:
        """The text of the text/<subtype> part ("plain" or "html")."""
        body = self.message.get_body(preferencelist=(subtype,))
        assert body is not None and body.get_content_subtype() == subtype, f"no text/{subtype} part"
        return body.get_content()

    def link(self) -> str:
        """The password link in the plain-text part."""
        match = LINK.search(self.part("plain"))
        assert match, "no password link in the message"
        return match.group(0)


@dataclass
class _Handler:
    received: list[Received] = field(default_factory=list)
    arrived: threading.Condition = field(default_factory=threading.Condition)

    async def handle_DATA(self, server, session, envelope) -> str:  # aiosmtpd's hook  # noqa: N802
        message = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        with self.arrived:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))  # type: ignore[arg-type]
            self.arrived.notify_all()
        return "250 Message accepted for delivery"


class SmtpServer:
    """The running server: its host and port, the messages it got, and a way to take it down and back up."""

    def __init__(self, **controller_options: Any) -> None:
        """`controller_options` go to aiosmtpd's Controller (tls_context, ssl_context, authenticator, ...)."""
        self.host, self.port = "127.0.0.1", free_port()
        self._handler = _Handler()
        self._controller: Controller | None = None
        self._options = controller_options

    @property
    def messages(self) -> list[Received]:
        return list(self._handler.received)

    def start(self) -> None:
        self._controller = Controller(self._handler, hostname=self.host, port=self.port, **self._options)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def wait_for(self, count: int, timeout: float = 20) -> list[Received]:
        """The messages once at least `count` arrived (an assertion error after `timeout` seconds)."""
        deadline = time.monotonic() + timeout
        with self._handler.arrived:
            while len(self._handler.received) < count:
                left = deadline - time.monotonic()
                assert left > 0, f"{len(self._handler.received)} of {count} messages arrived within {timeout} s"
                self._handler.arrived.wait(left)
        return self.messages

    def config(self) -> dict:
        """The app settings that send through this server (plain SMTP: loopback, no certificate to verify)."""
        return {
            "SMTP_HOST": self.host,
            "SMTP_PORT": self.port,
            "SMTP_SECURITY": "none",
            "SMTP_FROM": "audit@example.org",
            "SMTP_USERNAME": None,
            "SMTP_PASSWORD": None,
            "SMTP_TIMEOUT": 5,
            "PUBLIC_URL": "http://fieldaudit.test",
        }
