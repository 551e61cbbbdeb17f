"""Deliver what waits in the outbox. A message is marked sent only after the server took it;
when the server is down, the rest wait for the next run."""

from __future__ import annotations

import asyncio
import logging
import smtplib
from dataclasses import dataclass

from oitwatch.alerts.smtp import build, send
from oitwatch.config.settings import SmtpSettings
from oitwatch.storage import Database

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Delivery:
    sent: int
    waiting: int
    error: str = ""


def deliver_outbox(db: Database, settings: SmtpSettings) -> Delivery:
    sent = 0
    for mail in db.unsent_messages():
        message = build(settings, mail.recipients, mail.subject, mail.body, f"outbox-{mail.id}")
        try:
            send(settings, message)
        except (OSError, smtplib.SMTPException) as exc:
            # The password never reaches a log: only the error's own text, which smtplib
            # builds from the server's reply.
            error = f"{type(exc).__name__}: {exc}"
            db.message_failed(mail.id, error)
            log.warning(
                "SMTP %s:%s refused or unreachable: %s", settings.host, settings.port, error
            )
            return Delivery(sent, db.count_unsent(), error)
        db.message_sent(mail.id)
        sent += 1
    return Delivery(sent, 0)


async def deliver_outbox_async(db: Database, settings: SmtpSettings) -> Delivery:
    return await asyncio.to_thread(deliver_outbox, db, settings)
