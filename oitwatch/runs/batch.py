"""One run over the whole registry: every site checked once, alerts decided and queued, the
outbox delivered. The CLI (`oitwatch run`) and the scheduler both call ``run_once``."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import resource as _resource
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from oitwatch.alerts.compose import SiteLine, digest_mail
from oitwatch.alerts.outbox import Delivery, deliver_outbox_async
from oitwatch.alerts.site import SiteAlerts
from oitwatch.alerts.transitions import SITE, Kind
from oitwatch.checklist.findings import SiteStatus
from oitwatch.checklist.loader import form_for
from oitwatch.config import Settings
from oitwatch.config.registry import SiteEntry
from oitwatch.crawler.guard import check_url
from oitwatch.crawler.guarded import guarded_clients, registry_policy
from oitwatch.errors import (
    ConfigError,
    NameNotResolved,
    OitwatchError,
    StorageError,
    TargetRefused,
)
from oitwatch.pipeline.site import CheckReport, Progress, check_site
from oitwatch.storage import Database, RunStatus
from oitwatch.text.urls import normalise_url

log = logging.getLogger(__name__)


@dataclass
class BatchProgress:
    total: int
    done: int = 0
    pages: int = 0
    failures: int = 0
    unreachable: int = 0
    current: str = ""


@dataclass
class BatchSummary:
    batch_id: int
    total: int
    checked: int = 0
    already_done: int = 0
    pages: int = 0
    failures: int = 0
    unreachable: int = 0
    new_problems: int = 0
    recoveries: int = 0
    blips: int = 0
    failed: int = 0  # sites that could not be checked: `run --resume` tries them again
    errors: list[str] = field(default_factory=list)
    delivery: Delivery | None = None
    seconds: float = 0.0


def log_to_file(path: Path) -> None:
    """Send oitwatch's log (tracebacks included) to a file, never to the terminal; once."""
    logger = logging.getLogger("oitwatch")
    target = str(path.resolve())
    if any(getattr(h, "baseFilename", None) == target for h in logger.handlers):
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.FileHandler(path, encoding="utf-8")
    except OSError:
        handler = logging.NullHandler()  # an unwritable log must not stop the run
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    if logger.level == logging.NOTSET:
        logger.setLevel(logging.INFO)


_PAGE = _resource.getpagesize()


def _rss_mb() -> float | None:
    """The process's resident memory now (Linux), or None where it cannot be read."""
    try:
        return int(Path("/proc/self/statm").read_text().split()[1]) * _PAGE / 2**20
    except (OSError, ValueError, IndexError):
        return None


def _machine_busy() -> bool:
    """More runnable processes than cores (the last minute's load): a process's small share
    of the CPU then means the machine has none to spare, not that the run has."""
    try:
        return os.getloadavg()[0] >= (os.cpu_count() or 1)
    except OSError:
        return False


class _Admission:
    """Sites start while fewer than ``limit`` are in flight, memory is under budget and the
    process has CPU to spare; the per-host, per-IP and global request limits then pace them.
    Politely (1 request/s per host) hundreds run at once; without a delay, the few that keep
    the CPU busy, so that memory stays small and each site finishes soon."""

    BUSY = 0.85  # share of a core above which no new site starts
    LAG = 0.02  # seconds a short sleep may overrun before the loop counts as saturated
    # Sites always let in (memory permitting): a loop that lags because the machine is shared
    # (or because a file is being read) must not starve the run to one or two sites. Twelve
    # sites keep 24 requests in flight at per_host 2, more than the 16 that keep one large
    # site's crawl CPU-bound; each costs ~2 MB while in flight (measured: 24 held ~50 MB).
    FLOOR = 12

    def __init__(self, limit: int, budget_mb: int) -> None:
        self._slots = asyncio.Semaphore(limit)
        self._budget = budget_mb
        self.running = 0
        self._sample = (time.monotonic(), time.process_time())
        self._busy = 0.0
        self._admitted = 0.0  # when the last site was let in
        self._gate = asyncio.Lock()  # one waiter polls; the others queue behind it

    def _cpu_busy(self) -> bool:
        wall, cpu = time.monotonic(), time.process_time()
        if wall - self._sample[0] >= 0.5:
            self._busy = (cpu - self._sample[1]) / (wall - self._sample[0])
            self._sample = (wall, cpu)
        return self._busy > self.BUSY

    async def __aenter__(self) -> None:
        await self._slots.acquire()
        async with self._gate:
            while self.running > 0 and (
                self.running >= self.FLOOR or (_rss_mb() or 0) > self._budget
            ):
                # A loop that wakes late has no CPU to spare (ours or a shared machine's):
                # one more site would only hold memory and wait.
                before = time.monotonic()
                await asyncio.sleep(0.05)
                lag = time.monotonic() - before - 0.05
                # Past the floor, one site per CPU sample: a site just let in has not shown
                # its load yet, and a stale sample would let in dozens at once.
                busy = self._cpu_busy() or _machine_busy()
                fresh = self._sample[0] >= self._admitted + 0.5
                if lag < self.LAG and not busy and fresh and (_rss_mb() or 0) <= self._budget:
                    break
                await asyncio.sleep(0.15)  # a finishing site frees its crawl and its CPU
            self.running += 1
            self._admitted = time.monotonic()

    async def __aexit__(self, *exc_info: object) -> None:
        self.running -= 1
        self._slots.release()


def _when() -> str:
    return datetime.now().astimezone().strftime("%Y-%m-%d %H:%M")


async def run_once(
    settings: Settings,
    db: Database,
    sites: list[SiteEntry],
    *,
    resume: bool = False,
    trigger: str = "manual",
    on_progress: Callable[[BatchProgress], None] | None = None,
) -> BatchSummary:
    started = time.monotonic()
    log_to_file(settings.log_path)
    if resume:
        batch_id = db.unfinished_batch(include_errors=True)
        if batch_id is None:
            raise ConfigError("nothing to resume: the last run finished")
        done = db.completed_urls(batch_id)
        todo = [s for s in sites if s.url not in done]
    else:
        batch_id = db.start_batch(len(sites), form_for(settings).year, trigger)
        todo = sites
    summary = BatchSummary(batch_id, len(sites), already_done=len(sites) - len(todo))
    progress = BatchProgress(total=len(todo))

    def tell() -> None:
        if on_progress is not None:
            on_progress(progress)

    policy = registry_policy(settings.run)

    async def guard(url: str) -> None:
        # A name that does not resolve is not a refusal: the fetch reports the site
        # unreachable (DNS), as it is.
        with contextlib.suppress(NameNotResolved):
            await check_url(url, policy)

    async with guarded_clients(
        settings.crawl, settings.render, policy, unresolved_is_refused=False
    ) as (fetcher, renderer):
        alerts = SiteAlerts(settings, db, fetcher, batch_id)
        in_flight = _Admission(settings.run.sites_in_flight, settings.run.memory_budget_mb)

        async def one(entry: SiteEntry) -> None:
            async with in_flight:
                counted = Progress()

                def pages(p: Progress) -> None:
                    progress.pages += p.pages - counted.pages
                    progress.failures += p.failures - counted.failures
                    counted.pages, counted.failures = p.pages, p.failures
                    progress.current = entry.label
                    tell()

                report: CheckReport | None = None
                try:
                    try:
                        await guard(entry.url)
                    except TargetRefused as exc:
                        raise TargetRefused(
                            f"{exc}; to check it anyway, add its address to run.allow_hosts"
                        ) from None
                    report = await check_site(
                        entry.url,
                        settings,
                        db,
                        fetcher=fetcher,
                        renderer=renderer,
                        batch_id=batch_id,
                        entry=entry,
                        declared_file=Path(entry.declared) if entry.declared else None,
                        on_progress=pages,
                    )
                    changes = await alerts.process(report, entry)
                except StorageError:
                    raise  # the database, not the site: every other site would fail the same
                except Exception as exc:
                    # The site boundary: one site's failure, whatever it is, is that site's.
                    # check_site stored its run as failed; the batch goes on to the next site.
                    summary.failed += 1
                    if isinstance(exc, OitwatchError):
                        message = str(exc)
                        log.warning("%s (%s): %s", entry.label, entry.url, message)
                    else:
                        message = f"unexpected {type(exc).__name__}: {exc}"
                        log.exception("checking %s (%s) failed", entry.label, entry.url)
                    if report is not None:  # checked, but its alerts could not be decided
                        _mark_failed(db, report.run_id, message)
                    summary.errors.append(f"{entry.label} ({entry.url}): {message}")
                    return
                finally:
                    progress.done += 1
                    tell()
                summary.checked += 1
                if report.site_status is SiteStatus.UNREACHABLE:
                    progress.unreachable += 1
                summary.new_problems += sum(t.kind is Kind.PROBLEM for t in changes.transitions)
                summary.recoveries += sum(t.kind is Kind.RECOVERY for t in changes.transitions)

        try:
            await asyncio.gather(*(one(entry) for entry in todo))
        except (asyncio.CancelledError, KeyboardInterrupt):
            db.end_batch(batch_id, RunStatus.INTERRUPTED)
            raise
    if settings.alerts.enabled and settings.alerts.staff:
        # The whole batch, sites checked before a --resume included.
        mail = digest_mail(_when(), _digest_lines(db, batch_id, sites), settings.alerts.staff)
        db.enqueue(mail, batch_id)
    db.end_batch(
        batch_id, RunStatus.COMPLETED_WITH_ERRORS if summary.failed else RunStatus.COMPLETED
    )
    if settings.alerts.enabled and db.count_unsent():
        summary.delivery = await deliver_outbox_async(db, settings.smtp)
    summary.blips = alerts.blips
    summary.pages, summary.failures, summary.unreachable = (
        progress.pages,
        progress.failures,
        progress.unreachable,
    )
    summary.seconds = time.monotonic() - started
    return summary


def _mark_failed(db: Database, run_id: int, message: str) -> None:
    try:
        db.end_run(run_id, RunStatus.FAILED, message)
    except Exception:  # the database itself may be what failed; the log has the first error
        log.exception("cannot mark run %s failed", run_id)


def _digest_lines(db: Database, batch_id: int, sites: list[SiteEntry]) -> list[SiteLine]:
    labels = {entry.url: entry.label for entry in sites}
    labels.update({normalise_url(entry.url) or entry.url: entry.label for entry in sites})
    return [
        SiteLine(
            labels.get(line.url) or line.name or line.url,
            line.url,
            line.site_status,
            line.oit_estimate,
            line.new_problems,
            line.recoveries,
        )
        for line in db.batch_lines(batch_id)
    ]


__all__ = ["SITE", "BatchProgress", "BatchSummary", "run_once"]
