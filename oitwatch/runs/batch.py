"""One run over the whole registry: every site checked once, alerts decided and queued, the
outbox delivered. The CLI (`oitwatch run`) and the scheduler both call ``run_once``."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from oitwatch.alerts.compose import SiteLine, digest_mail
from oitwatch.alerts.outbox import Delivery, deliver_outbox_async
from oitwatch.alerts.transitions import SITE
from oitwatch.checklist.loader import form_for
from oitwatch.config import Settings
from oitwatch.config.registry import SiteEntry
from oitwatch.errors import ConfigError
from oitwatch.runs.checking import SiteOutcome, check_sites, log_to_file
from oitwatch.runs.shards import check_in_processes, process_count
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


class _Tally:
    """The batch's summary and progress, as sites report (in this process or through pipes)."""

    def __init__(
        self, summary: BatchSummary, progress: BatchProgress, tell: Callable[[], None]
    ) -> None:
        self._summary, self._progress, self._tell = summary, progress, tell

    def pages(self, pages: int, failures: int, label: str) -> None:
        self._progress.pages += pages
        self._progress.failures += failures
        self._progress.current = label
        self._tell()

    def site_done(self, outcome: SiteOutcome) -> None:
        summary, progress = self._summary, self._progress
        progress.done += 1
        if outcome.checked:
            summary.checked += 1
            progress.unreachable += outcome.unreachable
            summary.new_problems += outcome.new_problems
            summary.recoveries += outcome.recoveries
        else:
            summary.failed += 1
            summary.errors.append(outcome.error)
        self._tell()


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

    tally = _Tally(summary, progress, tell)
    processes = process_count(settings, len(todo), db.url)
    try:
        if processes > 1:
            blips = await check_in_processes(settings, db, batch_id, todo, processes, tally)
        else:
            blips = await check_sites(settings, db, batch_id, todo, tally)
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
    db.prune_derived(batch_id, settings.crawl.keep_readings_days)  # after the mail: it waits
    summary.blips = blips
    summary.pages, summary.failures, summary.unreachable = (
        progress.pages,
        progress.failures,
        progress.unreachable,
    )
    summary.seconds = time.monotonic() - started
    return summary


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


__all__ = ["SITE", "BatchProgress", "BatchSummary", "log_to_file", "run_once"]
