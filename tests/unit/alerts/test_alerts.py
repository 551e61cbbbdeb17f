"""Alerts over a sequence of nightly runs, received by a real SMTP server (aiosmtpd) on loopback."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest

from oitwatch.config import load_settings
from oitwatch.config.registry import SiteEntry
from oitwatch.runs.batch import BatchSummary, run_once
from oitwatch.storage import open_database
from tests.fixtures.documents import pdf
from tests.fixtures.sites import html
from tests.support.server import FixtureSite, Route, Routes
from tests.support.smtp import Smtp

WEBMASTER = "webmaster@tambon.go.th"
STAFF = "staff@dla.go.th"


def _routes() -> Routes:
    menu = (
        "<a href='/plan.pdf'>แผนพัฒนาท้องถิ่น</a> <a href='/contact.html'>ติดต่อเรา</a> "
        "<a href='/news.html'>ข่าวประชาสัมพันธ์</a>"
    )
    return {
        "/": html("เทศบาลตำบลทดสอบ", "<p>ยินดีต้อนรับ</p>", menu),
        "/plan.pdf": Route(
            pdf(["แผนพัฒนาท้องถิ่น (พ.ศ. 2566 - 2570)", "ยุทธศาสตร์ เป้าหมาย ตัวชี้วัด"]),
            content_type="application/pdf",
        ),
        "/news.html": html("ข่าวประชาสัมพันธ์", "<p>1 ก.พ. 2568 ข่าวกิจกรรม</p>", menu),
        "/contact.html": html("ติดต่อเรา", "<p>ที่อยู่ หมู่ที่ 1 โทรศัพท์ 075-111-222</p>", menu),
    }


@pytest.fixture
def world(db_url: str) -> Iterator[tuple[FixtureSite, Smtp, Any]]:
    routes = _routes()
    site = FixtureSite("127.0.0.7", routes).start()
    smtp = Smtp().start()
    settings = load_settings(
        database=db_url,
        crawl={"delay": 0, "retries": 1, "backoff": 0.01, "read_timeout": 2, "total_timeout": 4},
        smtp={"host": "127.0.0.1", "port": smtp.port, "timeout": 5},
        alerts={"recheck_delay": 0, "staff": [STAFF]},
        ocr={"enabled": False},
    )
    yield site, smtp, settings
    site.stop()
    smtp.stop()


def _night(settings: Any, site_url: str) -> BatchSummary:
    db = open_database(settings.database_url)
    entry = SiteEntry(url=site_url, name="เทศบาลตำบลทดสอบ", province="กระบี่", recipients=[WEBMASTER])
    try:
        return asyncio.run(run_once(settings, db, [entry], trigger="schedule"))
    finally:
        db.close()


def test_alert_sequence(world: tuple[FixtureSite, Smtp, Any]) -> None:
    site, smtp, settings = world
    inbox = smtp.inbox
    night = lambda: _night(settings, site.url + "/")  # noqa: E731

    # 1. Baseline: nothing to tell the webmaster; staff get the digest.
    night()
    assert inbox.take(WEBMASTER) == []
    assert len(inbox.take(STAFF)) == 1

    # 2. The plan disappears: one alert, Thai first, English below, with the URL and the fix.
    site.routes["/plan.pdf"] = Route(b"gone", status=404)
    summary = night()
    assert summary.new_problems == 1
    [alert] = inbox.take(WEBMASTER)
    assert alert.subject == "[oitwatch] เทศบาลตำบลทดสอบ: พบปัญหาใหม่ 1 รายการ / 1 new problem(s)"
    assert alert.body.index("O5 แผนยุทธศาสตร์") < alert.body.index("O5 Strategic")
    assert f"{site.url}/plan.pdf" in alert.body and "HTTP 404" in alert.body
    assert "วิธีแก้:" in alert.body and "Fix:" in alert.body

    # 3. Unchanged problem: never the same alert twice.
    night()
    assert inbox.take(WEBMASTER) == []

    # 4. It comes back: a short all-clear.
    site.routes["/plan.pdf"] = _routes()["/plan.pdf"]
    night()
    [clear] = inbox.take(WEBMASTER)
    assert clear.subject == "[oitwatch] เทศบาลตำบลทดสอบ: แก้ไขแล้ว 1 รายการ / 1 resolved"
    assert "O5" in clear.body

    # 5. Flapping: every real change is told, once.
    site.routes["/plan.pdf"] = Route(b"gone", status=404)
    night()
    site.routes["/plan.pdf"] = _routes()["/plan.pdf"]
    night()
    assert [m.subject.split(": ")[1] for m in inbox.take(WEBMASTER)] == [
        "พบปัญหาใหม่ 1 รายการ / 1 new problem(s)",
        "แก้ไขแล้ว 1 รายการ / 1 resolved",
    ]

    # 6. A blip (503 during the crawl, fine on the re-check) wakes nobody.
    site.routes["/plan.pdf"].fail_first = 2
    summary = night()
    assert (summary.new_problems, summary.blips) == (0, 1)
    assert inbox.take(WEBMASTER) == []
    night()  # and nothing is owed afterwards either
    assert inbox.take(WEBMASTER) == []

    # 7. SMTP down: the alert waits in the outbox...
    smtp.stop()
    site.routes["/news.html"] = Route(b"gone", status=404)
    summary = night()
    assert (
        summary.delivery is not None
        and summary.delivery.sent == 0
        and summary.delivery.waiting == 2
    )
    # ...and goes out, once, on the next run when SMTP is back; nothing lost, nothing doubled.
    smtp.start()
    summary = night()
    # The waiting alert and digest, and tonight's digest.
    assert (
        summary.delivery is not None
        and summary.delivery.sent == 3
        and summary.delivery.waiting == 0
    )
    [late] = inbox.take(WEBMASTER)
    assert "O4" in late.body and f"{site.url}/news.html" in late.body
    night()
    assert inbox.take(WEBMASTER) == []

    # 8. The whole site goes down, then comes back: one alert for the site, not 28.
    site.routes["/news.html"] = _routes()["/news.html"]
    night()
    assert [m.subject.split(": ")[1] for m in inbox.take(WEBMASTER)] == [
        "แก้ไขแล้ว 1 รายการ / 1 resolved"
    ]
    site.stop()
    night()
    [down] = inbox.take(WEBMASTER)
    assert "1 new problem" in down.subject and "เปิดเว็บไซต์หลักไม่ได้" in down.body
    restarted = FixtureSite("127.0.0.7", site.routes, port=site.port).start()
    try:
        night()
        [up] = inbox.take(WEBMASTER)
        assert "resolved" in up.subject and "เว็บไซต์หลักเปิดได้แล้ว" in up.body
    finally:
        restarted.stop()
        site.stop = lambda: None  # type: ignore[method-assign]

    # Staff got exactly one digest per night, none lost while SMTP was down, none doubled.
    assert len(inbox.take(STAFF)) == 13
