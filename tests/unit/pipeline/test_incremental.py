"""The second check of an unchanged site: conditional GETs, nothing parsed again, same verdicts.

A real fixture site on loopback whose pages carry ETags, Last-Modified dates or nothing at all
(the content-hash fallback), checked in-process against a real SQLite database."""

from __future__ import annotations

import asyncio
import hashlib
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
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
from tests.fixtures.sites import GOOD_EXPECTED, good_site, html, pdf
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


# A page only the sitemap lists, about nothing the checklist asks for: no verdict rests on it.
NOT_EVIDENCE = "/tourism.html"


@pytest.fixture
def site(external: FixtureSite) -> Iterator[FixtureSite]:
    routes = good_site(external.url)
    routes[NOT_EVIDENCE] = html("แหล่งท่องเที่ยวในตำบล", "<p>น้ำตกและชายหาดของตำบล</p>")
    fixture = FixtureSite("127.0.0.34", _validators(routes)).start()
    fixture.routes["/sitemap.xml"] = Route(
        f"<urlset><url><loc>{fixture.url}{NOT_EVIDENCE}</loc></url></urlset>".encode(),
        content_type="application/xml",
    )
    yield fixture
    fixture.stop()


def _settings(db: Path | str, **crawl: Any) -> Settings:
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


def _tonight(site: FixtureSite, since: int) -> set[str]:
    return set(site.requests[since:])


def test_unchanged_site_is_revisited_not_crawled(site: FixtureSite, tmp_path: Path) -> None:
    """Within a week of a full crawl, an unchanged site's night fetches only what its
    verdicts rest on; the pages no verdict rests on wait for the weekly full crawl."""
    settings = _settings(tmp_path / "nights.db")
    first = _check(site.url, settings)
    crawled = len(site.requests)
    assert NOT_EVIDENCE in site.requests
    assert _check(site.url, settings) == first
    tonight = _tonight(site, crawled)
    assert NOT_EVIDENCE not in tonight and "/sitemap.xml" not in tonight
    assert {"/", "/ita", "/docs/annual-report-2565.pdf", "/ethics.html"} <= tonight
    with sqlite3.connect(tmp_path / "nights.db") as conn:  # stored as the crawl it stands for
        rows = [
            conn.execute(
                f"select {columns} from {table} where run_id = ? order by 1", (run,)
            ).fetchall()
            for table, columns in (
                ("resources", "url, outcome, content_hash, etag, last_modified"),
                ("item_results", "item_id, status, url, evidence, reasoning, memo"),
            )
            for run in (1, 2)
        ]
        assert rows[0] == rows[1] and rows[2] == rows[3] and len(rows[0]) > 50

    # A week on, the full crawl is due: every page is asked again (conditionally).
    with sqlite3.connect(tmp_path / "nights.db") as conn:
        conn.execute(
            "update runs set revisit = json_set(revisit, '$.crawled_at', ?)",
            ((datetime.now(UTC) - timedelta(days=7, minutes=1)).isoformat(),),
        )
    since = len(site.requests)
    assert _check(site.url, settings) == first
    assert NOT_EVIDENCE in _tonight(site, since)
    # ... and that crawl starts a new week: the next night revisits again.
    since = len(site.requests)
    assert _check(site.url, settings) == first
    assert NOT_EVIDENCE not in _tonight(site, since)
    # --full (incremental off) and full_every_days = 0 crawl every night.
    for crawl in ({"incremental": False}, {"full_every_days": 0}):
        since = len(site.requests)
        assert _check(site.url, _settings(tmp_path / "nights.db", **crawl)) == first
        assert NOT_EVIDENCE in _tonight(site, since)


def test_a_revisit_is_stored_on_both_backends(site: FixtureSite, db_url: str) -> None:
    """The run a revisit stores (copied rows, the JSON record) reads back as the crawl did."""
    first = _check(site.url, _settings(db_url))
    since = len(site.requests)
    assert _check(site.url, _settings(db_url)) == first
    assert NOT_EVIDENCE not in _tonight(site, since)
    since = len(site.requests)
    assert _check(site.url, _settings(db_url)) == first  # a revisit of a revisit
    assert NOT_EVIDENCE not in _tonight(site, since)
    db = open_database(db_url)
    try:
        site_row = db.find_site(site.url)
        assert site_row is not None
        latest = db.latest_run(site_row.id)
        assert latest is not None and len(latest[1]) == len(first["items"])
        assert [r.status for r in latest[1]] == [i["status"] for i in first["items"]]
    finally:
        db.close()


def test_a_required_page_that_is_gone_is_noticed(site: FixtureSite, tmp_path: Path) -> None:
    """The product's main alert: a declared evidence file removed between two nights."""
    settings = _settings(tmp_path / "nights.db")
    first = _check(site.url, settings)
    assert {i["id"]: i["status"] for i in first["items"]}["O15"] == "pass"
    del site.routes["/docs/hr-report-2567.pdf"]  # O15's declared file: now a 404
    second = _check(site.url, settings)
    status = {i["id"]: i["status"] for i in second["items"]}
    assert status == {**GOOD_EXPECTED, "O15": "broken"}
    assert second == _check(site.url, _settings(tmp_path / "nights.db", incremental=False))


def test_a_new_link_on_a_changed_page_is_followed(site: FixtureSite, tmp_path: Path) -> None:
    settings = _settings(tmp_path / "nights.db")
    _check(site.url, settings)
    new = "/docs/open-data-2568.pdf"
    site.routes[new] = Route(
        pdf(["ชุดข้อมูลเปิด ประจำปี พ.ศ. 2568 รายการชุดข้อมูลที่เปิดเผย"]),
        content_type="application/pdf",
    )
    ita = site.routes["/ita"]
    ita.body = ita.body.replace(b"</body>", f"<a href='{new}'>ข้อมูลเปิด</a></body>".encode())
    ita.headers = {"ETag": '"ita-with-open-data"'}  # a new version, whatever it had before
    since = len(site.requests)
    second = _check(site.url, settings)
    tonight = _tonight(site, since)
    assert new in tonight  # the changed page was read again and its new link followed
    assert NOT_EVIDENCE in tonight  # a changed site is crawled: its other pages revalidated
    # What the revisit fetched to learn that, the crawl took as it was: nothing twice.
    assert site.requests[since:].count("/ita") == site.requests[since:].count("/") == 1
    assert second == _check(site.url, _settings(tmp_path / "nights.db", incremental=False))


def _new_bytes(site: FixtureSite, path: str, extra: str, was: bytes | None = None) -> bytes:
    """The page as its CMS would serve it tonight: ``extra`` before </body> of the page it
    ``was``, a new ETag. Returns the page it was."""
    route = site.routes[path]
    was = route.body if was is None else was
    route.body = was.replace(b"</body>", f"{extra}</body>".encode())
    route.headers = {"ETag": f'"{hashlib.sha256(route.body).hexdigest()[:16]}"'}
    return was


def test_new_bytes_that_read_the_same_do_not_cost_a_crawl(
    site: FixtureSite, tmp_path: Path
) -> None:
    """A nonce, a form token and a build-time comment change the home page's bytes every
    night, never what it says: the site is revisited, not crawled."""

    def tokens(night: int) -> str:
        return (
            f"<script nonce='n{night}'>var token = 'a{night}';</script>"
            f"<input type='hidden' name='csrf' value='t{night}'><!-- generated {night}.0 s -->"
        )

    settings = _settings(tmp_path / "nights.db")
    page = _new_bytes(site, "/", tokens(1))
    first = _check(site.url, settings)
    for night in (2, 3):
        _new_bytes(site, "/", tokens(night), was=page)
        since = len(site.requests)
        assert _check(site.url, settings) == first
        tonight = _tonight(site, since)
        assert "/" in tonight and NOT_EVIDENCE not in tonight


def test_new_bytes_that_read_differently_are_a_change(site: FixtureSite, tmp_path: Path) -> None:
    """A visitor counter is words on the page: the site is crawled (its verdicts may rest on
    any word), and judged as a full check would judge it."""
    settings = _settings(tmp_path / "nights.db")
    _check(site.url, settings)
    _new_bytes(site, "/", "<p>ผู้เข้าชม 1235 คน</p>")
    since = len(site.requests)
    second = _check(site.url, settings)
    assert NOT_EVIDENCE in _tonight(site, since)
    assert second == _check(site.url, _settings(tmp_path / "nights.db", incremental=False))


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
