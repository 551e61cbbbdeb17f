"""What each site's webmaster was last told, per item: so an unchanged problem is never
announced twice. A new state is saved with the mail announcing it."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select, update

from oitwatch.storage.outbox import outbox_row
from oitwatch.storage.records import AlertState, Mail
from oitwatch.storage.schema import AlertStateRow, Run, utcnow
from oitwatch.storage.session import Store


class AlertStore(Store):
    def alert_states(self, site_id: int) -> dict[str, AlertState]:
        with self.session() as session:
            rows = session.scalars(select(AlertStateRow).where(AlertStateRow.site_id == site_id))
            return {row.item_id: AlertState(row.status, row.problem) for row in rows}

    def save_alerts(
        self,
        site_id: int,
        run_id: int,
        states: Mapping[str, AlertState],
        mails: list[Mail],
        batch_id: int | None,
        changes: dict[str, list[str]] | None = None,
    ) -> None:
        """New alert states and the mails announcing them, in one transaction: a crash cannot
        record a state without its mail, or queue a mail twice."""
        with self.session() as session:
            if changes is not None:
                session.execute(update(Run).where(Run.id == run_id).values(alert_changes=changes))
            for item_id, state in states.items():
                session.merge(
                    AlertStateRow(
                        site_id=site_id,
                        item_id=item_id,
                        status=state.status,
                        problem=state.problem,
                        since_run_id=run_id,
                        updated_at=utcnow(),
                    )
                )
            for mail in mails:
                session.add(outbox_row(mail, batch_id, site_id))
