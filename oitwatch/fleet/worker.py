"""`oitwatch worker`: takes site jobs (queue ``crawl``) and scan jobs (queue ``ocr``).

A site is checked with one request in flight (its queue lock already spreads a server's
per-IP allowance over the fleet, see batch.py). A worker that dies mid-site stops sending
heartbeats; after ``fleet.stall_timeout`` any other worker puts its job back on the queue and
the half-written run is marked superseded when the site is taken again. SIGTERM lets the
sites in progress finish, then the worker leaves.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from datetime import datetime
from pathlib import Path

from procrastinate import App
from procrastinate.exceptions import AlreadyEnqueued

from oitwatch.alerts.compose import SiteLine, digest_mail
from oitwatch.alerts.outbox import deliver_outbox_async
from oitwatch.alerts.site import SiteAlerts
from oitwatch.alerts.transitions import Kind
from oitwatch.checklist.findings import SiteStatus
from oitwatch.config import Settings
from oitwatch.config.registry import SiteEntry
from oitwatch.crawler.guarded import guarded_fetcher, registry_policy
from oitwatch.crawler.render import Renderer
from oitwatch.documents.errors import UnreadableDocument
from oitwatch.documents.model import DocumentKind
from oitwatch.documents.ocr import OcrEngine
from oitwatch.fleet.app import (
    CRAWL_QUEUE,
    OCR_QUEUE,
    OCR_TASK,
    ensure_queue_schema,
    make_app,
    require_postgres,
)
from oitwatch.fleet.batch import defer_site
from oitwatch.fleet.reader import FleetScanReader, engine_from_name
from oitwatch.fleet.store import Claim, FleetStore
from oitwatch.pipeline.site import check_site, ocr_engine
from oitwatch.storage import Database, Mail
from oitwatch.storage.schema import FleetJob

log = logging.getLogger(__name__)


def worker_name() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


def _when() -> str:
    return datetime.now().astimezone().strftime("%Y-%m-%d %H:%M")


class FleetWorker:
    def __init__(self, settings: Settings, db: Database, queues: list[str]) -> None:
        self.settings = settings
        self.db = db
        self.store = FleetStore(db)
        self.queues = queues
        self.name = worker_name()
        # One request in flight per site: the site's queue lock holds one of its server's
        # per_ip slots across the whole fleet.
        self.crawl = settings.crawl.model_copy(update={"per_host": 1, "per_ip": 1})
        self.renderer: Renderer | None = None
        self._app: App | None = None
        self._engines: dict[str, OcrEngine] = {}

    @property
    def app(self) -> App:
        assert self._app is not None, "the worker is not running"
        return self._app

    # -- site jobs ---------------------------------------------------------------------------

    async def site_job(self, fleet_job_id: int, job_id: int) -> None:
        claim = self.store.claim(fleet_job_id, job_id, self.name)
        if claim is None:
            return  # done, failed or parked for OCR: a late duplicate of the queue job
        tries = self.settings.fleet.max_attempts
        if claim.attempt > tries:
            self.store.fail(fleet_job_id, f"gave up after {tries} tries")
            await self._close_batch(claim.batch_id)
            return
        try:
            await self._check(claim, last_try=claim.attempt >= tries)
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"
            log.warning("site %s failed (try %d): %s", claim.site_url, claim.attempt, error)
            if claim.attempt < tries and self.store.requeue(claim, error):
                raise  # the queue runs the job again
            self.store.fail(fleet_job_id, error)
            await self._close_batch(claim.batch_id)

    async def _check(self, claim: Claim, *, last_try: bool) -> None:
        settings, db = self.settings, self.db
        entry = SiteEntry.model_validate(claim.entry)
        reader = None
        if settings.ocr.enabled:
            reader = FleetScanReader(ocr_engine(settings.ocr), db, self.store, defer=not last_try)
        assert self.renderer is not None
        # The same guard as the nightly run: a registry entry pointing at a private or
        # metadata address is refused, on every hop.
        async with guarded_fetcher(
            self.crawl, registry_policy(settings.run), unresolved_is_refused=False
        ) as fetcher:
            report = await check_site(
                entry.url,
                settings,
                db,
                fetcher=fetcher,
                renderer=self.renderer,
                batch_id=claim.batch_id,
                entry=entry,
                declared_file=Path(entry.declared) if entry.declared else None,
                scan_reader=reader,
            )
            if reader is not None and reader.asked:
                for content_hash in sorted(reader.created):
                    await self._defer_ocr(content_hash, reader.engine.name)
                if self.store.wait_for_ocr(claim, report.run_id, reader.asked):
                    # Scans read while this check ran: straight back to the queue.
                    await self._wake([claim.fleet_job_id], reader.engine.name)
                return
            if not self.store.still_mine(claim):
                self.store.supersede_run(report.run_id, "another worker took this site over")
                return
            changes = await SiteAlerts(settings, db, fetcher, claim.batch_id).process(report, entry)
        new = [t.item_id for t in changes.transitions if t.kind is Kind.PROBLEM]
        fixed = [t.item_id for t in changes.transitions if t.kind is Kind.RECOVERY]
        if self.store.complete(
            claim, report.run_id, report.site_status, report.estimate.oit, new, fixed
        ):
            await self._close_batch(claim.batch_id)

    async def _wake(self, fleet_job_ids: list[int], engine: str) -> None:
        """Put back on the queue the site jobs whose scans are all read. Under their batch's
        enqueue lock: between 'queued' and 'on the queue' a job has no queue job, and an
        enqueuer running meanwhile (`run --queue` again) would queue it a second time. The
        lock is taken in a thread: an enqueuer may hold it for a while, heartbeats go on."""
        for batch_id, ids in self.store.batches_of(fleet_job_ids).items():
            lock = self.store.enqueue_lock(batch_id)
            await asyncio.to_thread(lock.__enter__)
            try:
                for woken in self.store.wake(ids, engine):
                    await self._defer_site(woken)
            finally:
                lock.__exit__(None, None, None)

    async def _defer_site(self, fleet_job_id: int) -> None:
        job_id = await defer_site(self.app, fleet_job_id, self.store.lock_of(fleet_job_id))
        if job_id is not None:
            self.store.set_job_id(fleet_job_id, job_id)

    async def _defer_ocr(self, content_hash: str, engine: str) -> None:
        with contextlib.suppress(AlreadyEnqueued):
            await self.app.configure_task(
                name=OCR_TASK, queueing_lock=f"ocr:{content_hash}:{engine}"
            ).defer_async(content_hash=content_hash, engine=engine)

    # -- the end of a batch ------------------------------------------------------------------

    def _digest(self, rows: list[FleetJob]) -> Mail | None:
        alerts = self.settings.alerts
        if not (alerts.enabled and alerts.staff):
            return None
        lines = [
            SiteLine(
                SiteEntry.model_validate(row.entry).label,
                row.site_url,
                SiteStatus(row.site_status or SiteStatus.OK),
                row.oit_estimate,
                list(row.new_problems),
                list(row.recoveries),
            )
            for row in rows
        ]
        return digest_mail(_when(), lines, alerts.staff)

    async def _close_batch(self, batch_id: int) -> None:
        """Whoever finishes the last site completes the batch; only that worker sends."""
        if not self.store.close_batch_if_done(batch_id, self._digest):
            return
        log.info("batch %d complete", batch_id)
        await self.deliver()
        # Only the worker that completed the batch: one prune a night, as after `oitwatch run`.
        self.db.prune_derived(batch_id, self.settings.crawl.keep_readings_days)

    async def deliver(self) -> None:
        if self.settings.alerts.enabled and self.db.count_unsent():
            with self.store.delivery_lock():
                await deliver_outbox_async(self.db, self.settings.smtp)

    # -- scan jobs ---------------------------------------------------------------------------

    async def ocr_job(self, content_hash: str, engine_name: str) -> None:
        claimed = self.store.claim_ocr(content_hash, engine_name)
        if claimed is not None:
            kind, _url, data = claimed
            engine = self._engines.get(engine_name)
            if engine is None:
                ocr = self.settings.ocr
                engine = engine_from_name(engine_name, ocr.page_timeout, ocr.max_pages)
                self._engines[engine_name] = engine
            try:
                result = await engine.read(data, DocumentKind(kind))
            except UnreadableDocument as exc:
                self.store.ocr_read(content_hash, engine_name, None, str(exc))
            else:
                self.store.ocr_read(content_hash, engine_name, result)
        await self._wake(self.store.waiting_on(content_hash), engine_name)

    # -- running -----------------------------------------------------------------------------

    async def _recover_stalled(self) -> None:
        """Put back on the queue the jobs of workers that stopped sending heartbeats. Every
        worker does this; a job already put back by another is skipped."""
        timeout = self.settings.fleet.stall_timeout
        while True:
            await asyncio.sleep(max(1.0, timeout / 3))
            try:
                stalled = await self.app.job_manager.get_stalled_jobs(
                    seconds_since_heartbeat=timeout
                )
                for job in stalled:
                    try:
                        await self.app.job_manager.retry_job(job)
                        log.warning("job %s of a silent worker put back on the queue", job.id)
                    except Exception:  # another worker retried it first
                        continue
            except Exception as exc:  # the database may blink; try again next round
                log.warning("stalled-job recovery failed: %s", exc)

    async def run(self, concurrency: int) -> None:
        url = self.settings.database_url
        require_postgres(url)
        ensure_queue_schema(url)
        self._app = make_app(url, on_site=self.site_job, on_ocr=self.ocr_job)
        fleet = self.settings.fleet
        async with (
            self.app.open_async(),
            Renderer(
                self.settings.render,
                self.settings.crawl.user_agent,
                registry_policy(self.settings.run),
            ) as renderer,
        ):
            self.renderer = renderer
            recovery = asyncio.create_task(self._recover_stalled())
            try:
                await self.app.run_worker_async(
                    queues=self.queues,
                    name=self.name,
                    concurrency=concurrency,
                    update_heartbeat_interval=fleet.heartbeat,
                    stalled_worker_timeout=fleet.stall_timeout,
                    fetch_job_polling_interval=fleet.poll,
                    install_signal_handlers=True,
                    # fleet_jobs keeps each site's story; finished queue rows would only pile up
                    # (7,850 a night).
                    delete_jobs="successful",
                )
            finally:
                recovery.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await recovery


def usable_queues(wanted: list[str], ocr_engine: OcrEngine) -> tuple[list[str], str]:
    """The queues this machine can serve, and why one was dropped (no Tesseract here)."""
    unknown = [q for q in wanted if q not in (CRAWL_QUEUE, OCR_QUEUE)]
    if unknown:
        return [], f"unknown queue(s): {', '.join(unknown)} (known: crawl, ocr)"
    if OCR_QUEUE in wanted and not ocr_engine.available():
        kept = [q for q in wanted if q != OCR_QUEUE]
        return kept, f"no Tesseract with '{ocr_engine.languages}' here: not taking OCR jobs"
    return wanted, ""
