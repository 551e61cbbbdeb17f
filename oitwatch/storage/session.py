"""What every part of the storage shares: the engine, one short transaction per call, and
database failures told in words the user can act on."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session, sessionmaker

from oitwatch.errors import StorageError


def explain_storage_error(exc: BaseException, url: str) -> str | None:
    """A one-line account of a database failure the user can act on, or None if unknown."""
    text = str(getattr(exc, "orig", None) or exc).lower()
    where = url.removeprefix("sqlite:///")
    folder = Path(where).parent if url.startswith("sqlite:///") else None
    if "readonly database" in text or "read-only" in text:
        return (
            f"the database {where} is read-only: give the user running oitwatch write access"
            " to it and to its folder (or choose another with --db); history is intact"
        )
    if "unable to open database file" in text:
        return (
            f"cannot create or open the database {where}: the folder {folder} is not writable"
            " or does not exist; choose a writable path (--db or the 'database' setting)"
        )
    if "disk is full" in text or "disk i/o error" in text:
        return (
            f"cannot write the database {where}: the disk is full or failing ({text.strip()});"
            " free some space and run again; the history already stored is intact"
        )
    if "malformed" in text or "not a database" in text:
        return (
            f"the database {where} is damaged ({text.strip()}): keep a copy, then recover it"
            f" with: sqlite3 {where} '.recover' | sqlite3 repaired.db"
        )
    return None


class Store:
    """The base of each aggregate's store (storage/runs.py, batches.py...); Database joins them."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self.damage: str | None = None  # what PRAGMA quick_check found, when not "ok"
        self.url = engine.url.render_as_string(hide_password=True)  # shown: no password

    def connect_url(self) -> str:
        """The address another process opens this database with (password included): a run's
        crawl processes each connect on their own. Never shown or logged."""
        if self.engine.dialect.name == "sqlite":
            return self.url  # as given to open_database (a file: URI stays unquoted)
        return self.engine.url.render_as_string(hide_password=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        try:
            with self._sessions() as session, session.begin():
                yield session
        except DatabaseError as exc:
            message = explain_storage_error(exc, self.url)
            if message is None:
                raise
            raise StorageError(message) from exc

    def quick_check(self) -> str | None:
        """SQLite's quick_check (page-level damage, a full read of the file); None when ok."""
        if self.engine.dialect.name != "sqlite":
            return None
        with self.engine.connect() as connection:
            rows = connection.exec_driver_sql("PRAGMA quick_check(5)").fetchall()
        found = [str(row[0]) for row in rows]
        return None if found == ["ok"] else "; ".join(found)

    def close(self) -> None:
        self.engine.dispose()
