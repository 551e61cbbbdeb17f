"""A real SMTP server (aiosmtpd) on 127.0.0.1 whose inbox a test reads: alerts and digests
as a webmaster and DLA staff receive them."""

from __future__ import annotations

import email
import email.policy
from dataclasses import dataclass
from typing import Any

from aiosmtpd.controller import Controller

from tests.support.server import free_port


@dataclass
class Received:
    to: list[str]
    subject: str
    body: str


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Received] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        body = message.get_body(("plain",))
        self.messages.append(
            Received(
                list(envelope.rcpt_tos),
                str(message["Subject"]),
                body.get_content() if body is not None else "",
            )
        )
        return "250 OK"

    def take(self, recipient: str) -> list[Received]:
        """Messages to one recipient since the last take."""
        mine = [m for m in self.messages if recipient in m.to]
        self.messages = [m for m in self.messages if recipient not in m.to]
        return mine


class Smtp:
    """Stopped and started again on the same port: SMTP down, then back."""

    def __init__(self, inbox: Inbox | None = None, port: int = 0) -> None:
        self.inbox = inbox or Inbox()
        self.port = port or free_port()
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)

    def start(self) -> Smtp:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()
