"""The outbox: e-mails are written here first and sent after, so a dead SMTP server delays
them to the next run but loses none (alerts/outbox.py delivers them)."""

from __future__ import annotations

from sqlalchemy import func, select, update

from oitwatch.storage.records import Mail, OutboxMail
from oitwatch.storage.schema import OutboxMessage, utcnow
from oitwatch.storage.session import Store


def outbox_row(
    mail: Mail, batch_id: int | None = None, site_id: int | None = None
) -> OutboxMessage:
    """A mail as its outbox row: every writer of the outbox (a site's alerts, a batch's digest,
    the fleet's digest) queues through this, in its own transaction."""
    return OutboxMessage(
        kind=mail.kind,
        site_id=site_id,
        batch_id=batch_id,
        recipients=mail.recipients,
        subject=mail.subject,
        body=mail.body,
    )


class OutboxStore(Store):
    def enqueue(self, mail: Mail, batch_id: int | None = None) -> None:
        with self.session() as session:
            session.add(outbox_row(mail, batch_id))

    def unsent_messages(self) -> list[OutboxMail]:
        with self.session() as session:
            rows = session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.sent_at.is_(None))
                .order_by(OutboxMessage.id)
            )
            return [
                OutboxMail(m.id, m.kind, list(m.recipients), m.subject, m.body, m.attempts)
                for m in rows
            ]

    def count_unsent(self) -> int:
        with self.session() as session:
            return (
                session.scalar(
                    select(func.count())
                    .select_from(OutboxMessage)
                    .where(OutboxMessage.sent_at.is_(None))
                )
                or 0
            )

    def message_sent(self, message_id: int) -> None:
        with self.session() as session:
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == message_id)
                .values(sent_at=utcnow(), attempts=OutboxMessage.attempts + 1, last_error=None)
            )

    def message_failed(self, message_id: int, error: str) -> None:
        with self.session() as session:
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == message_id)
                .values(attempts=OutboxMessage.attempts + 1, last_error=error[:1000])
            )
