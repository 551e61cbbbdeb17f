"""The fleet's own reads and writes. Whatever must happen once per batch or once per scan is
decided here by the database (a guarded UPDATE ... RETURNING, a unique key), never by which
worker happens to look first."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, delete, exists, func, or_, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from oitwatch.checklist.findings import SiteStatus
from oitwatch.documents.ocr import OcrText
from oitwatch.storage import Database, Mail, RunStatus
from oitwatch.storage.ocr_cache import ocr_row
from oitwatch.storage.outbox import outbox_row
from oitwatch.storage.schema import (
    Batch,
    FleetJob,
    OcrRequest,
    OcrWait,
    Run,
    Site,
    utcnow,
)

QUEUED, RUNNING, WAITING_OCR, DONE, FAILED = "queued", "running", "waiting_ocr", "done", "failed"
FINISHED = (DONE, FAILED)
OCR_WAITING, OCR_READING, OCR_DONE, OCR_FAILED = "waiting", "reading", "done", "failed"
_DELIVERY_LOCK = 7340032010  # pg_advisory_lock key: one machine talks to SMTP at a time
_ENQUEUE_LOCK = 7340100000  # + batch id: one enqueuer per batch at a time


@dataclass(frozen=True)
class Claim:
    """A site job taken by a worker; ``attempt`` tells this try from a stalled earlier one."""

    fleet_job_id: int
    batch_id: int
    site_url: str
    entry: dict[str, Any]
    attempt: int


def _held(claim: Claim) -> tuple[ColumnElement[bool], ...]:
    """The job is still this worker's: running, at the attempt it claimed (a worker that
    stalled and was overtaken must not write over the one that took the site over)."""
    return (
        FleetJob.id == claim.fleet_job_id,
        FleetJob.status == RUNNING,
        FleetJob.attempts == claim.attempt,
    )


@dataclass(frozen=True)
class BatchCounts:
    batch_id: int
    key: str | None
    status: str
    total: int
    by_status: dict[str, int]
    ocr_waiting: int
    workers: int


class FleetStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def _session(self) -> Any:
        return self.db.session()

    # -- enqueuing ---------------------------------------------------------------------------

    def batch_for_key(self, key: str, fiscal_year: int, trigger: str) -> tuple[int, str]:
        """The batch of this key, created by whichever scheduler or operator asks first."""
        with self._session() as session:
            session.execute(
                pg_insert(Batch)
                .values(
                    key=key,
                    fiscal_year=fiscal_year,
                    trigger=trigger,
                    sites_total=0,
                    status=RunStatus.RUNNING.value,
                    started_at=utcnow(),
                )
                .on_conflict_do_nothing(index_elements=["key"])
            )
        with self._session() as session:
            row = session.execute(select(Batch.id, Batch.status).where(Batch.key == key)).one()
            return int(row[0]), str(row[1])

    def add_jobs(self, batch_id: int, jobs: Sequence[tuple[str, dict[str, Any], str]]) -> int:
        """One row per (batch, site URL); rows already there are left alone. Returns how many
        are new."""
        with self._session() as session:
            added = 0
            for start in range(0, len(jobs), 500):
                chunk = jobs[start : start + 500]
                result = session.execute(
                    pg_insert(FleetJob)
                    .values(
                        [
                            {
                                "batch_id": batch_id,
                                "site_url": url,
                                "entry": entry,
                                "lock": lock,
                                "status": QUEUED,
                                "attempts": 0,
                                "new_problems": [],
                                "recoveries": [],
                                "updated_at": utcnow(),
                            }
                            for url, entry, lock in chunk
                        ]
                    )
                    .on_conflict_do_nothing(index_elements=["batch_id", "site_url"])
                    .returning(FleetJob.id)
                )
                added += len(result.all())
            total = session.scalar(
                select(func.count()).select_from(FleetJob).where(FleetJob.batch_id == batch_id)
            )
            session.execute(update(Batch).where(Batch.id == batch_id).values(sites_total=total))
            return added

    def not_on_queue(self, batch_id: int) -> list[tuple[int, str]]:
        """Queued rows that have no queue job yet (new, or an enqueuer died half-way)."""
        with self._session() as session:
            rows = session.execute(
                select(FleetJob.id, FleetJob.lock)
                .where(
                    FleetJob.batch_id == batch_id,
                    FleetJob.status == QUEUED,
                    FleetJob.job_id.is_(None),
                )
                .order_by(FleetJob.id)
            ).all()
            return [(int(i), str(lock)) for i, lock in rows]

    def set_job_id(self, fleet_job_id: int, job_id: int | None) -> None:
        with self._session() as session:
            session.execute(
                update(FleetJob).where(FleetJob.id == fleet_job_id).values(job_id=job_id)
            )

    # -- one site ----------------------------------------------------------------------------

    def claim(self, fleet_job_id: int, job_id: int, worker: str) -> Claim | None:
        """Take a site job for queue job ``job_id``: None when the site is finished, parked for
        OCR, or being checked under another queue job (a stray duplicate). A 'running' row of
        the same queue job is taken over: its worker died and the queue retried the job."""
        with self._session() as session:
            row = session.execute(
                update(FleetJob)
                .where(
                    FleetJob.id == fleet_job_id,
                    or_(
                        FleetJob.status == QUEUED,
                        and_(FleetJob.status == RUNNING, FleetJob.job_id == job_id),
                    ),
                )
                .values(
                    status=RUNNING,
                    attempts=FleetJob.attempts + 1,
                    job_id=job_id,
                    worker=worker[:200],
                    updated_at=utcnow(),
                )
                .returning(FleetJob.batch_id, FleetJob.site_url, FleetJob.entry, FleetJob.attempts)
            ).first()
            if row is None:
                return None
            batch_id, url, entry, attempt = row
            # A run of this site in this batch, while the site is not done, belongs to a worker
            # that died: mid-crawl ('running') or after storing it but before recording the
            # site done ('completed'). It is kept, marked, and never counted; alerts it already
            # queued are not queued again, since the alert states moved with them.
            session.execute(
                update(Run)
                .where(
                    Run.batch_id == batch_id,
                    Run.status.in_((RunStatus.RUNNING.value, RunStatus.COMPLETED.value)),
                    Run.site_id.in_(select(Site.id).where(Site.url == url)),
                )
                .values(
                    status=RunStatus.SUPERSEDED.value,
                    finished_at=utcnow(),
                    error=f"the worker stopped mid-site; checked again by {worker[:150]}",
                )
            )
            return Claim(fleet_job_id, int(batch_id), str(url), dict(entry), int(attempt))

    def still_mine(self, claim: Claim) -> bool:
        with self._session() as session:
            return bool(
                session.scalar(
                    select(
                        exists().where(
                            *_held(claim),
                        )
                    )
                )
            )

    def complete(
        self,
        claim: Claim,
        run_id: int,
        site_status: SiteStatus,
        oit_estimate: float | None,
        new_problems: list[str],
        recoveries: list[str],
    ) -> bool:
        """Mark the site done with its run. False when another worker took the job over
        meanwhile: this run is then superseded, so the batch still counts one run per site."""
        with self._session() as session:
            done = session.execute(
                update(FleetJob)
                .where(
                    *_held(claim),
                )
                .values(
                    status=DONE,
                    run_id=run_id,
                    site_status=site_status,
                    oit_estimate=oit_estimate,
                    new_problems=new_problems,
                    recoveries=recoveries,
                    error=None,
                    updated_at=utcnow(),
                )
                .returning(FleetJob.id)
            ).first()
            if done is None:
                self._supersede(session, run_id, "another worker took this site over")
            return done is not None

    def supersede_run(self, run_id: int, why: str) -> None:
        with self._session() as session:
            self._supersede(session, run_id, why)

    @staticmethod
    def _supersede(session: Session, run_id: int, why: str) -> None:
        session.execute(
            update(Run)
            .where(Run.id == run_id)
            .values(status=RunStatus.SUPERSEDED.value, error=why[:2000])
        )

    def requeue(self, claim: Claim, error: str) -> bool:
        """After a failed try with tries left: back to the queue (the queue job is retried)."""
        with self._session() as session:
            row = session.execute(
                update(FleetJob)
                .where(
                    *_held(claim),
                )
                .values(status=QUEUED, error=error[:2000], updated_at=utcnow())
                .returning(FleetJob.id)
            ).first()
            return row is not None

    def fail(self, fleet_job_id: int, error: str) -> None:
        with self._session() as session:
            session.execute(
                update(FleetJob)
                .where(FleetJob.id == fleet_job_id, FleetJob.status.not_in(FINISHED))
                .values(status=FAILED, error=error[:2000], updated_at=utcnow())
            )

    # -- the end of a batch ------------------------------------------------------------------

    def close_batch_if_done(
        self, batch_id: int, digest: Callable[[list[FleetJob]], Mail | None]
    ) -> bool:
        """Complete the batch if no site is left, and queue its staff digest, in one
        transaction. True for exactly one caller per batch: the row lock on the batch makes a
        second finisher re-read status='completed' and match nothing."""
        with self._session() as session:
            left = (
                select(FleetJob.id)
                .where(FleetJob.batch_id == batch_id, FleetJob.status.not_in(FINISHED))
                .exists()
            )
            won = session.execute(
                update(Batch)
                .where(Batch.id == batch_id, Batch.status == RunStatus.RUNNING.value, ~left)
                .values(status=RunStatus.COMPLETED.value, finished_at=utcnow())
                .returning(Batch.id)
            ).first()
            if won is None:
                return False
            rows = list(
                session.scalars(
                    select(FleetJob)
                    .where(FleetJob.batch_id == batch_id, FleetJob.status == DONE)
                    .order_by(FleetJob.id)
                )
            )
            mail = digest(rows)
            if mail is not None:
                session.add(outbox_row(mail, batch_id))
            return True

    def delivery_lock(self) -> Any:
        """A session-level advisory lock held while the outbox is delivered, so two machines
        never send the same waiting message."""
        return _AdvisoryLock(self.db, _DELIVERY_LOCK)

    def enqueue_lock(self, batch_id: int) -> Any:
        """Held while a batch's jobs are put on the queue: two schedulers (or an operator and
        a scheduler) enqueue one after the other, and the second finds nothing to add."""
        return _AdvisoryLock(self.db, _ENQUEUE_LOCK + batch_id)

    # -- OCR ---------------------------------------------------------------------------------

    def request_ocr(self, content_hash: str, engine: str, kind: str, url: str, data: bytes) -> bool:
        """Ask for a scan to be read; True when this call created the request (and so must
        put its job on the queue), False when it is already asked for or read."""
        with self._session() as session:
            row = session.execute(
                pg_insert(OcrRequest)
                .values(
                    content_hash=content_hash,
                    engine=engine,
                    kind=kind,
                    url=url,
                    data=data,
                    status=OCR_WAITING,
                    created_at=utcnow(),
                )
                .on_conflict_do_nothing(index_elements=["content_hash", "engine"])
                .returning(OcrRequest.content_hash)
            ).first()
            return row is not None

    def ocr_failed_before(self, content_hash: str, engine: str) -> str | None:
        with self._session() as session:
            row = session.execute(
                select(OcrRequest.error).where(
                    OcrRequest.content_hash == content_hash,
                    OcrRequest.engine == engine,
                    OcrRequest.status == OCR_FAILED,
                )
            ).first()
            return str(row[0] or "OCR found no text") if row is not None else None

    def claim_ocr(self, content_hash: str, engine: str) -> tuple[str, str, bytes] | None:
        """The scan to read, or None when it is read already. One queue job exists per scan
        (only the request's creator enqueues it), so a retried job may take 'reading' over."""
        with self._session() as session:
            row = session.execute(
                update(OcrRequest)
                .where(
                    OcrRequest.content_hash == content_hash,
                    OcrRequest.engine == engine,
                    OcrRequest.status.in_((OCR_WAITING, OCR_READING)),
                )
                .values(status=OCR_READING)
                .returning(OcrRequest.kind, OcrRequest.url, OcrRequest.data)
            ).first()
            if row is None or row[2] is None:
                return None
            return str(row[0]), str(row[1]), bytes(row[2])

    def ocr_read(
        self, content_hash: str, engine: str, result: OcrText | None, error: str = ""
    ) -> None:
        """Store what OCR read (the fleet-wide cache) or that it read nothing; drop the bytes."""
        with self._session() as session:
            if result is not None:
                session.merge(ocr_row(content_hash, engine, result))
            session.execute(
                update(OcrRequest)
                .where(OcrRequest.content_hash == content_hash, OcrRequest.engine == engine)
                .values(
                    status=OCR_DONE if result is not None else OCR_FAILED,
                    error=error[:2000] or None,
                    data=None,
                )
            )

    def wait_for_ocr(self, claim: Claim, run_id: int, hashes: set[str]) -> bool:
        """Park the site until its scans are read; its run (judged without them) is
        superseded. False when the job is no longer this worker's."""
        with self._session() as session:
            parked = session.execute(
                update(FleetJob)
                .where(
                    *_held(claim),
                )
                .values(status=WAITING_OCR, updated_at=utcnow())
                .returning(FleetJob.id)
            ).first()
            why = f"waiting for OCR of {len(hashes)} scan(s); judged again once they are read"
            self._supersede(session, run_id, why if parked else "another worker took over")
            if parked is None:
                return False
            for content_hash in sorted(hashes):
                session.merge(OcrWait(fleet_job_id=claim.fleet_job_id, content_hash=content_hash))
            return True

    def wake(self, fleet_job_ids: Sequence[int], engine: str) -> list[int]:
        """Drop waits on scans already read; the jobs with no wait left go back to the queue.
        Each job is woken once: the guarded UPDATE matches 'waiting_ocr' for one caller."""
        woken: list[int] = []
        with self._session() as session:
            finished = select(OcrRequest.content_hash).where(
                OcrRequest.engine == engine, OcrRequest.status.in_((OCR_DONE, OCR_FAILED))
            )
            for fleet_job_id in fleet_job_ids:
                session.execute(
                    delete(OcrWait).where(
                        OcrWait.fleet_job_id == fleet_job_id, OcrWait.content_hash.in_(finished)
                    )
                )
                waiting = select(OcrWait.content_hash).where(OcrWait.fleet_job_id == fleet_job_id)
                row = session.execute(
                    update(FleetJob)
                    .where(
                        FleetJob.id == fleet_job_id,
                        FleetJob.status == WAITING_OCR,
                        ~waiting.exists(),
                    )
                    .values(status=QUEUED, job_id=None, updated_at=utcnow())
                    .returning(FleetJob.id)
                ).first()
                if row is not None:
                    woken.append(int(row[0]))
        return woken

    def waiting_on(self, content_hash: str) -> list[int]:
        with self._session() as session:
            return [
                int(i)
                for i in session.scalars(
                    select(OcrWait.fleet_job_id).where(OcrWait.content_hash == content_hash)
                )
            ]

    def batches_of(self, fleet_job_ids: Sequence[int]) -> dict[int, list[int]]:
        """The given site jobs grouped by their batch."""
        grouped: dict[int, list[int]] = {}
        if not fleet_job_ids:
            return grouped
        with self._session() as session:
            for job_id, batch_id in session.execute(
                select(FleetJob.id, FleetJob.batch_id)
                .where(FleetJob.id.in_(list(fleet_job_ids)))
                .order_by(FleetJob.id)
            ):
                grouped.setdefault(int(batch_id), []).append(int(job_id))
        return grouped

    def lock_of(self, fleet_job_id: int) -> str:
        with self._session() as session:
            return str(session.scalar(select(FleetJob.lock).where(FleetJob.id == fleet_job_id)))

    # -- watching ----------------------------------------------------------------------------

    def counts(self, key: str | None = None) -> BatchCounts | None:
        """The progress of a batch (the newest fleet batch by default)."""
        with self._session() as session:
            query = select(Batch).where(Batch.key.is_not(None))
            if key is not None:
                query = query.where(Batch.key == key)
            batch = session.scalars(query.order_by(Batch.id.desc()).limit(1)).first()
            if batch is None:
                return None
            by_status = {
                str(status): int(n)
                for status, n in session.execute(
                    select(FleetJob.status, func.count())
                    .where(FleetJob.batch_id == batch.id)
                    .group_by(FleetJob.status)
                ).all()
            }
            ocr_waiting = session.scalar(
                select(func.count())
                .select_from(OcrRequest)
                .where(OcrRequest.status.in_((OCR_WAITING, OCR_READING)))
            )
            workers = session.scalar(
                text(
                    "SELECT count(*) FROM procrastinate_workers"
                    " WHERE last_heartbeat > now() - interval '1 minute'"
                )
                if _has_queue_tables(session)
                else text("SELECT 0")
            )
            return BatchCounts(
                batch.id,
                batch.key,
                batch.status,
                batch.sites_total,
                by_status,
                int(ocr_waiting or 0),
                int(workers or 0),
            )


def fleet_progress(db: Database) -> BatchCounts | None:
    """The newest fleet batch's progress for the staff dashboard; None on SQLite."""
    if db.engine.dialect.name != "postgresql":
        return None
    return FleetStore(db).counts()


def _has_queue_tables(session: Session) -> bool:
    return session.scalar(text("SELECT to_regclass('procrastinate_workers') IS NOT NULL")) is True


class _AdvisoryLock:
    def __init__(self, db: Database, key: int) -> None:
        self.db, self.key = db, key
        self._connection: Any = None

    def __enter__(self) -> None:
        self._connection = self.db.engine.connect()
        self._connection.execute(text(f"SELECT pg_advisory_lock({self.key})"))
        self._connection.commit()

    def __exit__(self, *exc_info: object) -> None:
        self._connection.execute(text(f"SELECT pg_advisory_unlock({self.key})"))
        self._connection.commit()
        self._connection.close()
