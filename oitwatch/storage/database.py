"""Opening the database (pragmas, migrations) and the few writes a check makes.

Each write is its own short transaction, so a kill at any moment leaves whole rows only; a run
whose process died stays 'running' and is marked 'interrupted' by the next check of its site.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, insert, select, update
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry

from oitwatch import __version__
from oitwatch.checklist.findings import ItemResult
from oitwatch.crawler.site import Resource
from oitwatch.crawler.urls import host_of
from oitwatch.documents.ocr import OcrText
from oitwatch.errors import ConfigError
from oitwatch.storage.schema import (
    ItemResultRow,
    OcrCacheRow,
    ResourceRow,
    Run,
    RunStatus,
    Site,
    utcnow,
)


def _sqlite_pragmas(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _migrate(engine: Engine) -> None:
    script_location = str(resources.files("oitwatch.storage") / "migrations")
    config = Config()
    config.set_main_option("script_location", script_location)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


class Database:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self._sessions() as session, session.begin():
            yield session

    def site(self, url: str, name: str | None = None) -> Site:
        with self.session() as session:
            site = session.scalar(select(Site).where(Site.url == url))
            if site is None:
                site = Site(url=url, host=host_of(url), name=name)
                session.add(site)
                session.flush()
            return site

    def start_run(self, site_id: int, checklist_id: str, fiscal_year: int) -> int:
        with self.session() as session:
            # A run of this site still 'running' belongs to a process that died.
            session.execute(
                update(Run)
                .where(Run.site_id == site_id, Run.status == RunStatus.RUNNING.value)
                .values(
                    status=RunStatus.INTERRUPTED.value,
                    finished_at=utcnow(),
                    error="process ended before the run finished",
                )
            )
            run = Run(
                site_id=site_id,
                checklist_id=checklist_id,
                fiscal_year=fiscal_year,
                version=__version__,
            )
            session.add(run)
            session.flush()
            return run.id

    def add_resources(self, run_id: int, batch: Iterable[Resource]) -> None:
        rows = [
            {
                "run_id": run_id,
                "url": r.url,
                "final_url": r.final_url or None,
                "outcome": r.outcome.value,
                "http_status": r.status,
                "content_type": r.content_type[:255] or None,
                "kind": r.kind.value,
                "content_hash": r.sha256,
                "size": r.size,
                "etag": (r.etag or "")[:255] or None,
                "last_modified": (r.last_modified or "")[:64] or None,
                "depth": r.depth,
                "error": r.error or None,
            }
            for r in batch
        ]
        if rows:
            with self.session() as session:
                session.execute(insert(ResourceRow), rows)

    def finish_run(
        self,
        run_id: int,
        *,
        site_status: str,
        pages_fetched: int,
        results: list[ItemResult],
        oit_estimate: float | None,
    ) -> None:
        """Item results and the run's completion land together or not at all."""
        with self.session() as session:
            for position, result in enumerate(results):
                session.add(
                    ItemResultRow(
                        run_id=run_id,
                        position=position,
                        item_id=result.id,
                        status=result.status.value,
                        url=result.url,
                        declared=result.declared,
                        score=result.score,
                        elements=[
                            {"id": e.id, "found": e.found, "evidence_url": e.evidence_url}
                            for e in result.elements
                        ],
                        years=list(result.years_found),
                        evidence=list(result.evidence_urls),
                        reason_th=result.reason_th,
                        reason_en=result.reason_en,
                        fix_th=result.fix_th,
                        fix_en=result.fix_en,
                    )
                )
            session.execute(
                update(Run)
                .where(Run.id == run_id)
                .values(
                    status=RunStatus.COMPLETED.value,
                    finished_at=utcnow(),
                    site_status=site_status,
                    pages_fetched=pages_fetched,
                    oit_estimate=oit_estimate,
                )
            )

    def end_run(self, run_id: int, status: RunStatus, error: str, pages_fetched: int = 0) -> None:
        with self.session() as session:
            session.execute(
                update(Run)
                .where(Run.id == run_id)
                .values(
                    status=status.value,
                    finished_at=utcnow(),
                    error=error[:2000],
                    pages_fetched=pages_fetched,
                )
            )

    def runs_of(self, url: str) -> list[dict[str, Any]]:
        with self.session() as session:
            rows = session.execute(
                select(Run.id, Run.status, Run.site_status, Run.started_at, Run.oit_estimate)
                .join(Site)
                .where(Site.url == url)
                .order_by(Run.id)
            ).all()
            return [row._asdict() for row in rows]

    def get_ocr(self, content_hash: str, engine: str) -> OcrText | None:
        with self.session() as session:
            row = session.get(OcrCacheRow, (content_hash, engine))
            return OcrText(row.text, row.pages) if row is not None else None

    def put_ocr(self, content_hash: str, engine: str, result: OcrText) -> None:
        with self.session() as session:
            session.merge(
                OcrCacheRow(
                    content_hash=content_hash, engine=engine, text=result.text, pages=result.pages
                )
            )

    def close(self) -> None:
        self.engine.dispose()


def open_database(url: str) -> Database:
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        if str(path) != ":memory:":
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ConfigError(
                    f"cannot create the database folder {path.parent}: {exc}"
                ) from exc
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    try:
        _migrate(engine)
    except Exception as exc:
        engine.dispose()
        raise ConfigError(f"cannot open the database {url}: {exc}") from exc
    return Database(engine)
