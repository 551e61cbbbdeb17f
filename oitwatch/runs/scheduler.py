"""`oitwatch schedule`: nightly runs with APScheduler 3.

Runs never overlap (one instance, and a lock shared with the catch-up run). A run missed while
the machine was off runs once at start; an interrupted run is resumed. SIGTERM stops cleanly:
a run in progress is cancelled, stored as interrupted, and resumed at the next start.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
from collections.abc import Callable, Coroutine
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.events import EVENT_JOB_MAX_INSTANCES, JobEvent
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger

from oitwatch.config.settings import ScheduleSettings
from oitwatch.errors import ConfigError

log = logging.getLogger(__name__)

JobFactory = Callable[[str], Coroutine[Any, Any, object]]


def cron_trigger(settings: ScheduleSettings) -> CronTrigger:
    try:
        return CronTrigger.from_crontab(settings.cron, timezone=ZoneInfo(settings.timezone))
    except (ValueError, KeyError) as exc:
        raise ConfigError(
            f"schedule: bad cron {settings.cron!r} or timezone {settings.timezone!r}: {exc}"
        ) from exc


def previous_fire_time(trigger: BaseTrigger, now: datetime) -> datetime | None:
    """When the trigger last fired before ``now`` (within the last 8 days)."""
    moment: datetime | None = now - timedelta(days=8)
    last = None
    while moment is not None:
        moment = trigger.get_next_fire_time(
            last, moment if last is None else last + timedelta(seconds=1)
        )
        if moment is None or moment > now:
            return last
        last = moment
    return last


class NightlyScheduler:
    """``job(trigger_name)`` is a coroutine factory; each run gets its own event loop."""

    def __init__(
        self, job: JobFactory, trigger: BaseTrigger, timezone: str = "Asia/Bangkok"
    ) -> None:
        self._job = job
        self._trigger = trigger
        self._scheduler = BackgroundScheduler(timezone=ZoneInfo(timezone))
        self._lock = threading.Lock()  # never two runs at once, whoever started them
        self._running: tuple[asyncio.AbstractEventLoop, asyncio.Task[object]] | None = None
        self._stopped = threading.Event()
        self.skipped = 0
        self.runs = 0

    def _run(self, name: str) -> None:
        if not self._lock.acquire(blocking=False):
            self.skipped += 1
            log.warning("a run is still in progress: %s run skipped", name)
            return
        try:
            loop = asyncio.new_event_loop()
            task = loop.create_task(self._job(name))
            self._running = (loop, task)
            self.runs += 1
            try:
                loop.run_until_complete(task)
            except asyncio.CancelledError:
                log.info("run cancelled by shutdown; it will be resumed at the next start")
            except Exception:
                log.exception("scheduled run failed")
            finally:
                self._running = None
                loop.close()
        finally:
            self._lock.release()

    def _on_skip(self, event: JobEvent) -> None:
        self.skipped += 1

    def start(self, *, catch_up: bool = False) -> None:
        self._scheduler.add_listener(self._on_skip, EVENT_JOB_MAX_INSTANCES)
        self._scheduler.add_job(
            self._run,
            self._trigger,
            args=["schedule"],
            id="nightly",
            max_instances=1,
            coalesce=True,
            misfire_grace_time=3600,
        )
        if catch_up:
            self._scheduler.add_job(self._run, "date", args=["catch-up"], id="catch-up")
        self._scheduler.start()

    def stop(self) -> None:
        running = self._running
        if running is not None:
            loop, task = running
            loop.call_soon_threadsafe(task.cancel)
        self._scheduler.shutdown(wait=True)
        self._stopped.set()

    def serve_forever(self) -> None:
        """Block until SIGTERM or SIGINT, then stop cleanly."""
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(
                signum, lambda *_: threading.Thread(target=self.stop, daemon=True).start()
            )
        self._stopped.wait()
