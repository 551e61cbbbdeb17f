"""Readings (the derived cache) of content no check fetches any more are deleted after a run;
readings still in use, and the history, are not."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from oitwatch.config import load_settings
from oitwatch.config.registry import SiteEntry
from oitwatch.errors import ConfigError
from oitwatch.runs.batch import run_once
from oitwatch.storage import open_database
from tests.fixtures.documents import pdf
from tests.fixtures.sites import html
from tests.support.server import FixtureSite, Route, Routes

MENU = "<a href='/plan.pdf'>แผนพัฒนาท้องถิ่น</a> <a href='/news.html'>ข่าวประชาสัมพันธ์</a>"


def _news(visitors: int) -> Route:
    # A visitor counter: the page's bytes change on every visit, its meaning never does.
    return html("ข่าวประชาสัมพันธ์", f"<p>1 ก.พ. 2568 ข่าวกิจกรรม</p><p>ผู้เข้าชม {visitors}</p>", MENU)


def _routes() -> Routes:
    return {
        "/": html("เทศบาลตำบลทดสอบ", "<p>ยินดีต้อนรับ</p>", MENU),
        "/plan.pdf": Route(
            pdf(["แผนพัฒนาท้องถิ่น (พ.ศ. 2566 - 2570)", "ยุทธศาสตร์ เป้าหมาย ตัวชี้วัด"]),
            content_type="application/pdf",
        ),
        "/news.html": _news(1),
    }


@pytest.fixture
def site() -> Iterator[FixtureSite]:
    fixture = FixtureSite("127.0.0.9", _routes()).start()
    yield fixture
    fixture.stop()


def _night(settings: Any, url: str) -> None:
    db = open_database(settings.database_url)
    try:
        asyncio.run(run_once(settings, db, [SiteEntry(url=url, name="ทดสอบ", province="กระบี่")]))
    finally:
        db.close()


def _hashes(url: str, query: str) -> set[str]:
    db = open_database(url)
    try:
        with db.engine.connect() as connection:
            return {row[0] for row in connection.execute(text(query)) if row[0]}
    finally:
        db.close()


def _sha(route: Route) -> str:
    return hashlib.sha256(route.body).hexdigest()


def test_a_reading_no_check_fetches_is_deleted_and_one_in_use_is_kept(
    site: FixtureSite, db_url: str
) -> None:
    settings = load_settings(
        database=db_url,
        crawl={"delay": 0, "retries": 0, "full_every_days": 0, "keep_readings_days": 0},
        alerts={"enabled": False},
        ocr={"enabled": False},
    )
    _night(settings, site.url + "/")
    first = _hashes(db_url, "select content_hash from derived")
    old_news, plan = _sha(site.routes["/news.html"]), _sha(site.routes["/plan.pdf"])
    assert {old_news, plan} <= first

    site.routes["/news.html"] = _news(2)
    _night(settings, site.url + "/")
    kept = _hashes(db_url, "select content_hash from derived")
    assert old_news not in kept  # nothing asks for the first night's counter again
    assert {_sha(site.routes["/news.html"]), plan} <= kept  # tonight's, and the unchanged file's
    # The history keeps every night's record of what was fetched.
    assert old_news in _hashes(db_url, "select content_hash from resources")


def test_readings_must_outlive_the_nights_a_site_is_not_crawled() -> None:
    with pytest.raises(ConfigError, match=r"keep_readings_days \(10\) must be at least twice"):
        load_settings(crawl={"keep_readings_days": 10, "full_every_days": 7})


def test_a_prune_the_database_refuses_costs_the_batch_nothing(tmp_path: Path) -> None:
    file = tmp_path / "h.db"
    db = open_database(f"sqlite:///{file}")
    db.save_derived([("k1", "h1", b"reading")])  # before the batch, fetched by none: stale
    batch = db.start_batch(1, 2569, "manual")
    db.close()
    # Read-only: every delete is refused (root ignores file modes, so SQLite's own mode).
    readonly = open_database(f"sqlite:///file:{file}?mode=ro&uri=true", check=False)
    try:
        assert readonly.prune_derived(batch, 0) is None
    finally:
        readonly.close()
    assert _hashes(f"sqlite:///{file}", "select content_hash from derived") == {"h1"}
