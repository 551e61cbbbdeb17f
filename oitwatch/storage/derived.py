"""What earlier checks read and judged, kept so that the next check need not do it again:
readings of documents by content hash (documents/derived.py) and each item's memo of what its
verdict was judged from (pipeline/incremental.py)."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from typing import Any

from sqlalchemy import bindparam, delete, exists, select
from sqlalchemy.exc import DatabaseError

from oitwatch.errors import StorageError
from oitwatch.storage.runs import previous_completed_run
from oitwatch.storage.schema import Batch, DerivedRow, ItemResultRow, ResourceRow, utcnow
from oitwatch.storage.session import Store

log = logging.getLogger(__name__)


class DerivedStore(Store):
    _derived_query = select(DerivedRow.data).where(DerivedRow.key == bindparam("key"))

    def previous_memos(self, site_id: int, before_run: int) -> dict[str, dict[str, Any]]:
        """Each item's memo (pipeline/incremental.py) in the site's last completed run."""
        with self.session() as session:
            run_id = previous_completed_run(session, site_id, before_run)
            if run_id is None:
                return {}
            rows = session.execute(
                select(ItemResultRow.item_id, ItemResultRow.memo).where(
                    ItemResultRow.run_id == run_id, ItemResultRow.memo.is_not(None)
                )
            ).all()
        memos: dict[str, dict[str, Any]] = {}
        for item_id, memo in rows:
            try:
                record = json.loads(memo or "null")
            except ValueError:
                continue  # unreadable: the item is judged afresh
            if isinstance(record, dict):
                memos[item_id] = record
        return memos

    def derived(self, key: str) -> bytes | None:
        # Asked once per unchanged page: a bare connection, not an ORM session (5x cheaper).
        with self.engine.connect() as connection:
            data = connection.execute(self._derived_query, {"key": key}).scalar()
        return bytes(data) if data is not None else None

    def save_derived(self, rows: list[tuple[str, str, bytes]]) -> None:
        """(key, content hash, data) rows; a key already stored is kept as it is."""
        if not rows:
            return
        values = [
            {"key": k, "content_hash": h, "data": d, "created_at": utcnow()} for k, h, d in rows
        ]
        if self.engine.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as pg_insert

            statement: Any = pg_insert(DerivedRow).on_conflict_do_nothing()
        else:
            from sqlalchemy.dialects.sqlite import insert as sqlite_insert

            statement = sqlite_insert(DerivedRow).on_conflict_do_nothing()
        with self.session() as session:
            session.execute(statement, values)

    def prune_derived(self, batch_id: int, keep_days: float) -> int | None:
        """Delete the readings of content no check has fetched since ``keep_days`` before batch
        ``batch_id`` started; how many, None when the database refused (logged: a failure
        costs disk, never the batch that just finished). A page whose bytes change every
        night (a visitor counter, today's date) leaves a reading a night that nothing will
        ask for again: at the country's scale, up to a row per page a night. Readings are a
        cache, not history: one deleted too early costs one parse."""
        try:
            deleted = self._prune(batch_id, keep_days)
        except (StorageError, DatabaseError) as exc:
            log.warning("batch %d: readings not pruned: %s", batch_id, exc)
            return None
        log.info("batch %d: %d readings no check fetched lately deleted", batch_id, deleted)
        return deleted

    def _prune(self, batch_id: int, keep_days: float) -> int:
        with self.session() as session:
            started = session.scalar(select(Batch.started_at).where(Batch.id == batch_id))
        if started is None:
            return 0
        cutoff = started - timedelta(days=keep_days)
        still_fetched = exists().where(
            ResourceRow.content_hash == DerivedRow.content_hash, ResourceRow.fetched_at >= cutoff
        )
        deleted, last = 0, ""
        # A page of keys at a time, in key order: each row is looked at once, and no write
        # holds the database long.
        while True:
            with self.session() as session:
                page = list(
                    session.scalars(
                        select(DerivedRow.key)
                        .where(DerivedRow.key > last)
                        .order_by(DerivedRow.key)
                        .limit(_PRUNE_CHUNK)
                    )
                )
                if not page:
                    return deleted
                done = session.execute(
                    delete(DerivedRow).where(
                        DerivedRow.key.in_(page), DerivedRow.created_at < cutoff, ~still_fetched
                    )
                )
                deleted += getattr(done, "rowcount", 0) or 0
            last = page[-1]


_PRUNE_CHUNK = 2_000
