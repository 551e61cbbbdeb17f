"""Check a list of sites in this process: one fetcher and renderer for all of them, sites let
in by the admission, each site's alerts decided as soon as it is checked. A run in one process
(runs/batch.py) and each crawl process of a run split across the cores (runs/shards.py) use it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from oitwatch.alerts.site import SiteAlerts
from oitwatch.alerts.transitions import Kind
from oitwatch.checklist.findings import SiteStatus
from oitwatch.config import Settings
from oitwatch.config.registry import SiteEntry
from oitwatch.crawler.guard import check_url
from oitwatch.crawler.guarded import guarded_clients, registry_policy
from oitwatch.documents.isolate import close_workers
from oitwatch.errors import NameNotResolved, OitwatchError, StorageError, TargetRefused
from oitwatch.pipeline.site import CheckReport, Progress, check_site
from oitwatch.runs.admission import Admission
from oitwatch.runs.heap import keep_giving_back
from oitwatch.storage import Database, RunStatus

log = logging.getLogger(__name__)


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


@dataclass(frozen=True)
class SiteOutcome:
    """What one site's check adds to the batch's summary (plain values: it crosses processes)."""

    url: str
    checked: bool
    unreachable: bool = False
    new_problems: int = 0
    recoveries: int = 0
    error: str = ""  # "label (url): message" when the site could not be checked


class Listener(Protocol):
    """Who hears of a run's progress: the batch itself, or a crawl process's pipe to it."""

    def pages(self, pages: int, failures: int, label: str) -> None:
        """More pages fetched (and failed) since the last call, on the site ``label``."""

    def site_done(self, outcome: SiteOutcome) -> None: ...


async def check_sites(
    settings: Settings,
    db: Database,
    batch_id: int,
    entries: list[SiteEntry],
    listener: Listener,
    processes: int = 1,
) -> int:
    """Check every site of ``entries``; the number of alert blips (failures that a re-check
    found gone). ``processes``: how many processes share the run (this one's share of the
    admission floor). Raises StorageError, which every other site would meet too."""
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
        in_flight = Admission(
            settings.run.sites_in_flight, settings.run.memory_budget_mb, processes
        )

        async def one(entry: SiteEntry) -> None:
            async with in_flight:
                counted = Progress()

                def pages(p: Progress) -> None:
                    listener.pages(
                        p.pages - counted.pages, p.failures - counted.failures, entry.label
                    )
                    counted.pages, counted.failures = p.pages, p.failures

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
                    if isinstance(exc, OitwatchError):
                        message = str(exc)
                        log.warning("%s (%s): %s", entry.label, entry.url, message)
                    else:
                        message = f"unexpected {type(exc).__name__}: {exc}"
                        log.exception("checking %s (%s) failed", entry.label, entry.url)
                    if report is not None:  # checked, but its alerts could not be decided
                        _mark_failed(db, report.run_id, message)
                    listener.site_done(
                        SiteOutcome(
                            entry.url, False, error=f"{entry.label} ({entry.url}): {message}"
                        )
                    )
                    return
                listener.site_done(
                    SiteOutcome(
                        entry.url,
                        True,
                        unreachable=report.site_status is SiteStatus.UNREACHABLE,
                        new_problems=sum(t.kind is Kind.PROBLEM for t in changes.transitions),
                        recoveries=sum(t.kind is Kind.RECOVERY for t in changes.transitions),
                    )
                )

        trimming = asyncio.create_task(keep_giving_back())
        try:
            await asyncio.gather(*(one(entry) for entry in entries))
        finally:
            trimming.cancel()
            close_workers()  # a later run starts them again when it reads a file
        return alerts.blips


def _mark_failed(db: Database, run_id: int, message: str) -> None:
    try:
        db.end_run(run_id, RunStatus.FAILED, message)
    except Exception:  # the database itself may be what failed; the log has the first error
        log.exception("cannot mark run %s failed", run_id)
