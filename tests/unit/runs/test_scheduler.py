"""The scheduler: a real APScheduler instance, a short interval, and runs that never overlap."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import threading
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from apscheduler.triggers.interval import IntervalTrigger

from oitwatch.config.settings import ScheduleSettings
from oitwatch.errors import ConfigError
from oitwatch.runs.scheduler import NightlyScheduler, cron_trigger, previous_fire_time
from tests.fixtures.sites import html
from tests.support.cli import start_cli
from tests.support.files import write_registry
from tests.support.server import FixtureSite
from tests.support.wait import wait_until


def test_runs_never_overlap_and_shutdown_is_clean() -> None:
    active = 0
    peak = 0
    started: list[str] = []
    cancelled = threading.Event()
    lock = threading.Lock()

    async def job(name: str) -> None:
        nonlocal active, peak
        with lock:
            active += 1
            peak = max(peak, active)
            started.append(name)
        try:
            await asyncio.sleep(0.7)  # longer than the 0.2 s interval
        except asyncio.CancelledError:
            cancelled.set()
            raise
        finally:
            with lock:
                active -= 1

    scheduler = NightlyScheduler(job, IntervalTrigger(seconds=0.2))
    scheduler.start(catch_up=True)
    time.sleep(2.0)
    deadline = time.monotonic() + 2
    while active == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert active == 1
    scheduler.stop()  # a run is in progress: it must be cancelled, not waited out
    assert cancelled.is_set()
    assert peak == 1
    assert started[0] == "catch-up"  # the missed run goes first, once
    assert started.count("catch-up") == 1
    assert len(started) >= 2
    assert scheduler.skipped >= 1  # the interval fired while a run was still going
    assert active == 0


def test_default_schedule_and_missed_runs() -> None:
    trigger = cron_trigger(ScheduleSettings())  # 01:00 Asia/Bangkok
    bangkok = ZoneInfo("Asia/Bangkok")
    now = datetime(2026, 11, 22, 9, 30, tzinfo=bangkok)
    assert previous_fire_time(trigger, now) == datetime(2026, 11, 22, 1, 0, tzinfo=bangkok)
    early = datetime(2026, 11, 22, 0, 30, tzinfo=bangkok)
    assert previous_fire_time(trigger, early) == datetime(2026, 11, 21, 1, 0, tzinfo=bangkok)
    with pytest.raises(ConfigError, match="bad cron"):
        cron_trigger(ScheduleSettings(cron="61 * * * *"))


def test_schedule_command_catches_up_and_stops_on_sigterm(tmp_path: Path) -> None:
    site = FixtureSite("127.0.0.11", {"/": html("อบต.ตารางเวลา", "<p>ข่าว 2568</p>")}).start()
    try:
        registry = write_registry(tmp_path / "sites.toml", [f"{site.url}/"])
        db = tmp_path / "sched.db"
        env = {"OITWATCH_OCR__ENABLED": "false"}
        # A real process: SIGTERM is the point.
        proc = start_cli("schedule", "--sites", str(registry), "--db", str(db), env=env)
        batches: list[tuple[str, str]] = []

        def completed() -> bool:
            nonlocal batches
            if not db.exists():  # connecting would create it before oitwatch does
                return False
            try:
                with sqlite3.connect(db) as conn:
                    batches = conn.execute(
                        "select status, trigger from batches where status = 'completed'"
                    ).fetchall()
            except sqlite3.OperationalError:  # the schema is still being created
                return False
            return bool(batches)

        wait_until("the catch-up batch", completed, timeout=60, step=0.2)
        # Never run before: the missed nightly run happens once, at start.
        assert batches == [("completed", "catch-up")]
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=30)
        assert proc.returncode == 0, stderr
        assert "running the missed run now" in stderr and "Traceback" not in stderr
    finally:
        site.stop()
