"""Shared by the web tests: a real uvicorn server in a thread, fast settings, Chromium."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from oitwatch.checklist import load_checklist
from oitwatch.checklist.findings import ItemResult, Status
from oitwatch.config import load_settings
from oitwatch.config.registry import SiteEntry
from oitwatch.crawler.render import CHROMIUM_ARGS
from oitwatch.storage import Database, RunStatus
from tests.support.web import Server

CHROMIUM = "/usr/bin/chromium"
__all__ = ["CHECKLIST", "CHROMIUM", "CHROMIUM_ARGS", "Server", "in_thread", "settings_for", "store"]
CHECKLIST = load_checklist(2568)


def in_thread(make: Callable[[], Coroutine[Any, Any, Any]]) -> Any:
    """asyncio.run where sync Playwright already holds this thread's event loop."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(make())).result()


def settings_for(tmp: Path, allow_loopback: bool, **web: Any) -> Any:
    return load_settings(
        database=str(tmp / "web.db"),
        crawl={"delay": 0, "read_timeout": 1, "total_timeout": 2, "retries": 1, "backoff": 0.01},
        web={"allow_loopback": allow_loopback, "checks_per_client": 50, **web},
        ocr={"enabled": False},
        render={"screenshots_dir": str(tmp / "screenshots")},
    )


def store(
    db: Database,
    url: str,
    statuses: dict[str, Status],
    *,
    province: str = "กระบี่",
    complete: bool = True,
    screenshot: Path | None = None,
    fix: str = "แก้ไข",
    notes: tuple[str, ...] = (),
    weakened: dict[str, list[str]] | None = None,
) -> int:
    """A run as a check stores it, without crawling: every item passes unless ``statuses``
    says otherwise; ``weakened``: per item, the missing capabilities that weakened it."""
    site = db.site(url, SiteEntry(url=url, name=f"อบต.{url[7:12]}", province=province))
    run_id = db.start_run(site.id, CHECKLIST.id, CHECKLIST.fiscal_year)
    if not complete:
        db.end_run(run_id, RunStatus.FAILED, "crashed")
        return site.id
    results = [
        ItemResult(
            item.id,
            statuses.get(item.id, Status.PASS),
            f"{url}{item.id}",
            item.heading_th,
            item.gloss_en,
            fix_th=fix,
            reason_th=f"เหตุผล {fix}",
            screenshot=str(screenshot) if screenshot and item.id == "O1" else None,
        )
        for item in CHECKLIST.items
    ]
    db.finish_run(
        run_id,
        site_status="ok",
        pages_fetched=3,
        results=results,
        oit_estimate=80.0,
        notes=list(notes),
        weakened=weakened,
    )
    return site.id
