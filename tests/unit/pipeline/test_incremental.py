"""The second check of an unchanged site: conditional GETs, nothing parsed again, same verdicts.

A real fixture site on loopback whose pages carry ETags, Last-Modified dates or nothing at all
(the content-hash fallback), checked in-process against a real SQLite database."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from oitwatch.checklist.evaluate import ItemEvaluator
from oitwatch.checklist.findings import ItemResult
from oitwatch.checklist.model import Item
from oitwatch.config import Settings, load_settings
from oitwatch.documents import Document
from oitwatch.pipeline import crawl as crawler_site
from oitwatch.pipeline.site import check_site
from oitwatch.present.json_report import report_json
from oitwatch.present.model import view_from_check
from oitwatch.storage import open_database
from tests.fixtures.sites import GOOD_EXPECTED, good_site, pdf
from tests.support.server import FixtureSite, Route

CHANGED = "/docs/annual-report-2565.pdf"  # O7, outdated until the agency uploads 2568's


def _validators(routes: dict[str, Route]) -> dict[str, Route]:
    """A third of the routes with an ETag, a third with Last-Modified, a third with neither."""
    for n, (path, route) in enumerate(sorted(routes.items())):
        if n % 3 == 0 or path == CHANGED:
            route.headers["ETag"] = f'"{hashlib.sha256(route.body).hexdigest()[:16]}"'
        elif n % 3 == 1:
            route.headers["Last-Modified"] = "Mon, 01 Sep 2025 08:00:00 GMT"
    return routes


@pytest.fixture
def site(external: FixtureSite) -> Iterator[FixtureSite]:
    fixture = FixtureSite("127.0.0.34", _validators(good_site(external.url))).start()
    yield fixture
    fixture.stop()


def _settings(db: Path, **crawl: Any) -> Settings:
    return load_settings(
        database=str(db),
        render={"mode": "never"},
        crawl={
            "delay": 0,
            "read_timeout": 1,
            "connect_timeout": 1,
            "total_timeout": 2,
            "retries": 1,
            "backoff": 0.05,
            "per_host": 4,
            **crawl,
        },
    )


class _Counting:
    """Counts the documents actually parsed or extracted, and the items actually judged."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        self.judged = 0
        real = crawler_site.extract_document
        real_evaluate = ItemEvaluator.evaluate

        def counted(*args: Any, **kwargs: Any) -> Document:
            self.calls += 1
            return real(*args, **kwargs)

        async def evaluate(evaluator: ItemEvaluator, item: Item) -> ItemResult:
            self.judged += 1
            return await real_evaluate(evaluator, item)

        monkeypatch.setattr(crawler_site, "extract_document", counted)
        monkeypatch.setattr(ItemEvaluator, "evaluate", evaluate)


def _check(url: str, settings: Settings) -> dict[str, Any]:
    db = open_database(settings.database_url)
    try:
        report = asyncio.run(check_site(url, settings, db))
    finally:
        db.close()
    verdicts = report_json(view_from_check(report))
    del verdicts["run_id"]
    return verdicts


def test_unchanged_site_is_not_read_again_and_judged_the_same(
    site: FixtureSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = _settings(tmp_path / "nights.db")
    parsed = _Counting(monkeypatch)
    first = _check(site.url, settings)
    assert {i["id"]: i["status"] for i in first["items"]} == GOOD_EXPECTED
    first_parses, first_requests = parsed.calls, len(site.requests)
    assert first_parses > 30 and not site.not_modified

    parsed.calls = parsed.judged = 0
    second = _check(site.url, settings)
    assert second == first
    assert parsed.calls == 0  # every page and file came from the last run's readings
    assert parsed.judged == 0  # and no item's inputs changed
    assert len(site.not_modified) > 10  # ETags and Last-Modified dates were sent back
    assert len(site.requests) - first_requests <= first_requests  # nothing fetched twice

    # The agency uploads this year's report: that file, and only it, is read again.
    site.routes[CHANGED] = Route(
        pdf(
            [
                "รายงานผลการดำเนินงานประจำปี พ.ศ. 2568",
                "ผลการดำเนินงานตามแผน โครงการทั้งหมด 20 โครงการ ปัญหาอุปสรรค งบประมาณไม่เพียงพอ",
                "ข้อเสนอแนะ ควรจัดสรรงบประมาณเพิ่ม",
            ]
        ),
        content_type="application/pdf",
    )
    site.routes[CHANGED].headers["ETag"] = '"new-2568"'
    parsed.calls = parsed.judged = 0
    third = _check(site.url, settings)
    assert parsed.calls == 1
    assert 1 <= parsed.judged < 5  # the items that opened the new file, not all 28
    full = _check(site.url, _settings(tmp_path / "nights.db", incremental=False))
    assert third == full
    o7 = next(i for i in third["items"] if i["id"] == "O7")
    assert o7["status"] == "pass"
    assert {i["id"]: i["status"] for i in third["items"]} == {**GOOD_EXPECTED, "O7": "pass"}


def test_a_stored_reading_is_the_reading(external: FixtureSite) -> None:
    """Every field of every fixture document survives storage: a field added to Document
    but not to documents/derived.py fails here, not in a verdict on the second night."""
    import dataclasses

    from oitwatch.documents import UnreadableDocument, derived, extract_document

    checked = 0
    for path, route in good_site(external.url).items():
        url = f"http://127.0.0.34{path}"
        try:
            document = extract_document(route.body, url, route.content_type)
        except UnreadableDocument:  # the fixture's broken files; a crash is a failure here
            continue
        stored, _, _, kind, _ = derived.load(derived.dump(document, kind=document.kind))
        assert stored is not None and kind is document.kind
        for field in dataclasses.fields(Document):
            assert getattr(stored, field.name) == getattr(document, field.name), (path, field)
        checked += 1
    assert checked > 20
