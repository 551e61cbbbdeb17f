"""Opening the database (pragmas, migrations) and the few writes a check makes.

Each write is its own short transaction, so a kill at any moment leaves whole rows only; a run
whose process died stays 'running' and is marked 'interrupted' by the next check of its site.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, bindparam, create_engine, event, func, insert, select, update
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry

from oitwatch import __version__
from oitwatch.checklist.findings import ItemResult
from oitwatch.config.registry import SiteEntry
from oitwatch.documents.model import DocumentKind
from oitwatch.documents.ocr import OcrText
from oitwatch.documents.resource import Prior, Resource
from oitwatch.errors import StorageError
from oitwatch.storage.schema import (
    AlertState,
    Batch,
    DerivedRow,
    ItemResultRow,
    OcrCacheRow,
    OutboxMessage,
    ResourceRow,
    Run,
    RunStatus,
    Site,
    utcnow,
)
from oitwatch.text.urls import host_of


def _sqlite_pragmas(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _migrate(engine: Engine) -> None:
    """Upgrade to the newest schema. Foreign keys are off meanwhile, as SQLite requires for
    table rebuilds, and checked after: a migration must leave every reference whole."""
    script_location = str(resources.files("oitwatch.storage") / "migrations")
    config = Config()
    config.set_main_option("script_location", script_location)
    with engine.connect() as connection:
        sqlite = engine.dialect.name == "sqlite"
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()  # the pragma is a no-op inside a transaction
        with connection.begin():
            if engine.dialect.name == "postgresql":
                # Workers on many machines start together: one migrates, the others wait for it.
                connection.exec_driver_sql("SELECT pg_advisory_xact_lock(7340032008)")
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
            if (
                sqlite
                and connection.exec_driver_sql("PRAGMA foreign_key_check").first() is not None
            ):
                raise StorageError("a schema migration left broken references; nothing was changed")
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()


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


def _previous_completed_run(session: Session, site_id: int, before_run: int) -> int | None:
    """The site's last completed run before ``before_run``: what this run is compared with."""
    return session.scalar(
        select(Run.id)
        .where(
            Run.site_id == site_id,
            Run.id < before_run,
            Run.status == RunStatus.COMPLETED.value,
        )
        .order_by(Run.id.desc())
        .limit(1)
    )


class Database:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self.damage: str | None = None  # what PRAGMA quick_check found, when not "ok"
        self.url = engine.url.render_as_string(hide_password=True)
        self._derived_query = select(DerivedRow.data).where(DerivedRow.key == bindparam("key"))

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

    def site(self, url: str, entry: SiteEntry | None = None) -> Site:
        """The site row for a URL, created on first sight; registry details kept up to date."""
        with self.session() as session:
            site = session.scalar(select(Site).where(Site.url == url))
            if site is None:
                site = Site(url=url, host=host_of(url))
                session.add(site)
            if entry is not None:
                site.name = entry.name or site.name
                site.agency_type = entry.type or site.agency_type
                site.province = entry.province or site.province
                site.code = entry.code or site.code
            session.flush()
            return site

    def name_site(self, site_id: int, title: str) -> None:
        name = " ".join(title.split())[:200]
        if name:
            with self.session() as session:
                session.execute(
                    update(Site).where(Site.id == site_id, Site.name.is_(None)).values(name=name)
                )

    def remember_rendering(self, site_id: int, needed: bool) -> None:
        with self.session() as session:
            session.execute(update(Site).where(Site.id == site_id).values(needs_render=needed))

    def start_run(
        self, site_id: int, checklist_id: str, fiscal_year: int, batch_id: int | None = None
    ) -> int:
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
                batch_id=batch_id,
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
        notes: list[str] | None = None,
        memos: dict[str, str] | None = None,
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
                        screenshot=result.screenshot,
                        ocr=result.ocr,
                        reasoning=result.evidence(),
                        memo=(memos or {}).get(result.id),
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
                    notes=list(notes or []),
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

    # -- incremental checks ------------------------------------------------------------------

    def previous_resources(self, site_id: int, before_run: int) -> dict[str, Prior]:
        """What the site's last completed run fetched, by URL: validators and content hashes."""
        with self.session() as session:
            run_id = _previous_completed_run(session, site_id, before_run)
            if run_id is None:
                return {}
            rows = session.execute(
                select(
                    ResourceRow.url,
                    ResourceRow.final_url,
                    ResourceRow.content_hash,
                    ResourceRow.etag,
                    ResourceRow.last_modified,
                    ResourceRow.kind,
                ).where(ResourceRow.run_id == run_id, ResourceRow.content_hash.is_not(None))
            ).all()
        kinds = {k.value: k for k in DocumentKind}
        return {
            url: Prior(
                final_url or url, content_hash, etag, modified, kinds.get(kind, DocumentKind.OTHER)
            )
            for url, final_url, content_hash, etag, modified, kind in rows
            if content_hash
        }

    def previous_memos(self, site_id: int, before_run: int) -> dict[str, dict[str, Any]]:
        """Each item's memo (pipeline/incremental.py) in the site's last completed run."""
        with self.session() as session:
            run_id = _previous_completed_run(session, site_id, before_run)
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

    # -- batches (oitwatch run) --------------------------------------------------------------

    def start_batch(self, sites_total: int, fiscal_year: int, trigger: str) -> int:
        with self.session() as session:
            batch = Batch(sites_total=sites_total, fiscal_year=fiscal_year, trigger=trigger)
            session.add(batch)
            session.flush()
            return batch.id

    def end_batch(self, batch_id: int, status: RunStatus) -> None:
        with self.session() as session:
            session.execute(
                update(Batch)
                .where(Batch.id == batch_id)
                .values(status=status.value, finished_at=utcnow())
            )

    def unfinished_batch(self, include_errors: bool = False) -> int | None:
        """The latest batch a crash or kill left unfinished, if the latest is one; with
        ``include_errors``, also one that finished with sites that failed (run --resume)."""
        done = {RunStatus.COMPLETED.value}
        if not include_errors:
            done.add(RunStatus.COMPLETED_WITH_ERRORS.value)
        with self.session() as session:
            latest = session.scalars(select(Batch).order_by(Batch.id.desc()).limit(1)).first()
            if latest is None or latest.status in done:
                return None
            return latest.id

    def batch_lines(self, batch_id: int) -> list[tuple[Site, Run]]:
        """Each site's completed run in a batch (the latest, if --resume ran it again)."""
        with self.session() as session:
            runs = session.scalars(
                select(Run)
                .where(Run.batch_id == batch_id, Run.status == RunStatus.COMPLETED.value)
                .order_by(Run.id)
            ).all()
            latest = {run.site_id: run for run in runs}
            sites = {
                site.id: site
                for site in session.scalars(select(Site).where(Site.id.in_(list(latest))))
            }
            return [(sites[site_id], run) for site_id, run in latest.items()]

    def last_batch_start(self) -> datetime | None:
        with self.session() as session:
            return session.scalar(select(Batch.started_at).order_by(Batch.id.desc()).limit(1))

    def completed_urls(self, batch_id: int) -> set[str]:
        with self.session() as session:
            rows = session.execute(
                select(Site.url)
                .join(Run)
                .where(Run.batch_id == batch_id, Run.status == RunStatus.COMPLETED.value)
            ).all()
            return {row[0] for row in rows}

    # -- history -----------------------------------------------------------------------------

    def previous_items(self, site_id: int, before_run: int) -> dict[str, tuple[str, str | None]]:
        """Each item's (status, evidence URL) in the last completed run before this one."""
        with self.session() as session:
            run_id = _previous_completed_run(session, site_id, before_run)
            if run_id is None:
                return {}
            rows = session.execute(
                select(ItemResultRow.item_id, ItemResultRow.status, ItemResultRow.url).where(
                    ItemResultRow.run_id == run_id
                )
            ).all()
            return {item_id: (status, url) for item_id, status, url in rows}

    def item_history(self, url: str, item_id: str | None = None) -> list[dict[str, Any]]:
        with self.session() as session:
            query = (
                select(
                    Run.id,
                    Run.started_at,
                    Run.site_status,
                    ItemResultRow.item_id,
                    ItemResultRow.status,
                    ItemResultRow.url,
                )
                .join(Site, Site.id == Run.site_id)
                .join(ItemResultRow, ItemResultRow.run_id == Run.id)
                .where(Site.url == url, Run.status == RunStatus.COMPLETED.value)
                .order_by(Run.id, ItemResultRow.position)
            )
            if item_id is not None:
                query = query.where(ItemResultRow.item_id == item_id)
            return [row._asdict() for row in session.execute(query).all()]

    def find_site(self, text: str) -> Site | None:
        """A site by URL, host or name, as a person would type it."""
        with self.session() as session:
            for clause in (
                Site.url == text,
                Site.host == text.lower(),
                Site.name == text,
                Site.host == f"www.{text.lower()}",
                Site.url.contains(text.lower()),
            ):
                site = session.scalars(select(Site).where(clause).limit(1)).first()
                if site is not None:
                    return site
            return None

    def latest_runs(
        self, province: str | None = None
    ) -> list[tuple[Site, Run, list[ItemResultRow]]]:
        """Each site's newest completed run, with its item results."""
        with self.session() as session:
            newest = (
                select(Run.site_id, func.max(Run.id).label("run_id"))
                .where(Run.status == RunStatus.COMPLETED.value)
                .group_by(Run.site_id)
                .subquery()
            )
            query = (
                select(Site, Run)
                .join(newest, newest.c.site_id == Site.id)
                .join(Run, Run.id == newest.c.run_id)
            )
            if province:
                query = query.where(Site.province == province)
            out = []
            for site, run in session.execute(
                query.order_by(Site.province, Site.name, Site.url)
            ).all():
                items = list(
                    session.scalars(
                        select(ItemResultRow)
                        .where(ItemResultRow.run_id == run.id)
                        .order_by(ItemResultRow.position)
                    )
                )
                out.append((site, run, items))
            return out

    def site_facets(self) -> tuple[list[str], list[str]]:
        """Provinces and agency types of the sites that have a completed run."""
        with self.session() as session:
            checked = select(Run.site_id).where(Run.status == RunStatus.COMPLETED.value)
            rows = session.execute(
                select(Site.province, Site.agency_type).where(Site.id.in_(checked)).distinct()
            ).all()
        provinces = sorted({p for p, _ in rows if p})
        types = sorted({t for _, t in rows if t})
        return provinces, types

    def site_by_id(self, site_id: int) -> Site | None:
        with self.session() as session:
            return session.get(Site, site_id)

    def latest_run(self, site_id: int) -> tuple[Run, list[ItemResultRow]] | None:
        with self.session() as session:
            run = session.scalars(
                select(Run)
                .where(Run.site_id == site_id, Run.status == RunStatus.COMPLETED.value)
                .order_by(Run.id.desc())
                .limit(1)
            ).first()
            if run is None:
                return None
            items = list(
                session.scalars(
                    select(ItemResultRow)
                    .where(ItemResultRow.run_id == run.id)
                    .order_by(ItemResultRow.position)
                )
            )
            return run, items

    # -- alerts ------------------------------------------------------------------------------

    def alert_states(self, site_id: int) -> dict[str, tuple[str, bool]]:
        with self.session() as session:
            rows = session.scalars(select(AlertState).where(AlertState.site_id == site_id))
            return {row.item_id: (row.status, row.problem) for row in rows}

    def save_alerts(
        self,
        site_id: int,
        run_id: int,
        states: dict[str, tuple[str, bool]],
        mails: list[tuple[str, list[str], str, str]],
        batch_id: int | None,
        changes: dict[str, list[str]] | None = None,
    ) -> None:
        """New alert states and the mails announcing them, in one transaction: a crash cannot
        record a state without its mail, or queue a mail twice."""
        with self.session() as session:
            if changes is not None:
                session.execute(update(Run).where(Run.id == run_id).values(alert_changes=changes))
            for item_id, (status, problem) in states.items():
                session.merge(
                    AlertState(
                        site_id=site_id,
                        item_id=item_id,
                        status=status,
                        problem=problem,
                        since_run_id=run_id,
                        updated_at=utcnow(),
                    )
                )
            for kind, recipients, subject, body in mails:
                session.add(
                    OutboxMessage(
                        kind=kind,
                        site_id=site_id,
                        batch_id=batch_id,
                        recipients=recipients,
                        subject=subject,
                        body=body,
                    )
                )

    def enqueue(
        self, kind: str, recipients: list[str], subject: str, body: str, batch_id: int | None = None
    ) -> None:
        with self.session() as session:
            session.add(
                OutboxMessage(
                    kind=kind, batch_id=batch_id, recipients=recipients, subject=subject, body=body
                )
            )

    def unsent_messages(self) -> list[tuple[int, list[str], str, str]]:
        with self.session() as session:
            rows = session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.sent_at.is_(None))
                .order_by(OutboxMessage.id)
            )
            return [(m.id, list(m.recipients), m.subject, m.body) for m in rows]

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

    def close(self) -> None:
        self.engine.dispose()


def open_database(url: str) -> Database:
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        if str(path) != ":memory:" and not str(path).startswith("file:"):  # a URI
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StorageError(
                    f"cannot create the database folder {path.parent}: {exc}"
                ) from exc
    postgres = url.startswith("postgresql")
    # A server connection can die between nightly runs (restart, failover): test it before use.
    engine = create_engine(url, pool_pre_ping=True) if postgres else create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    if postgres:
        from oitwatch.storage.postgres import prepare

        prepare(engine)
    try:
        _migrate(engine)
    except Exception as exc:
        engine.dispose()
        message = explain_storage_error(exc, url)
        if message is not None:
            raise StorageError(message) from exc
        raise StorageError(f"cannot open the database {url}: {exc}") from exc
    database = Database(engine)
    if url.startswith("sqlite"):
        database.url = url  # as given: SQLAlchemy would quote a file: URI
    try:
        database.damage = database.quick_check()
    except DatabaseError as exc:
        database.damage = str(getattr(exc, "orig", exc))
    return database
