"""What earlier checks read and judged, kept so that the next check need not do it again:
readings of documents by content hash (documents/derived.py) and each item's memo of what its
verdict was judged from (pipeline/incremental.py)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import bindparam, select

from oitwatch.storage.runs import previous_completed_run
from oitwatch.storage.schema import DerivedRow, ItemResultRow, utcnow
from oitwatch.storage.session import Store


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
