"""The dashboard's rows in a fixed number of queries, and forgetting one mistyped site."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, sync_playwright
from sqlalchemy import event, func, select

from oitwatch.checklist.findings import Status
from oitwatch.present.model import site_summaries
from oitwatch.storage import Database, RunStatus, open_database
from oitwatch.storage.schema import Batch, FleetJob, OutboxMessage, Run, Site
from oitwatch.web.queries import forget_site
from tests.unit.web.helpers import CHECKLIST, CHROMIUM, CHROMIUM_ARGS, Server, settings_for, store


def _counting(db: Database) -> list[str]:
    statements: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    return statements


def test_the_dashboard_asks_the_same_few_queries_for_any_number_of_sites(db_url: str) -> None:
    db = open_database(db_url)
    try:
        # Site a: O1 passed, O2 partly, then both became problems (2 new); O3 was already one.
        store(db, "http://a.go.th/", {"O3": Status.MISSING})
        store(
            db, "http://a.go.th/", {"O1": Status.BROKEN, "O2": Status.MISSING, "O3": Status.MISSING}
        )
        store(db, "http://b.go.th/", {"O5": Status.OUTDATED}, province="ตรัง")  # first run only
        store(db, "http://b.go.th/", {}, province="ตรัง", complete=False)  # a failed run: ignored
        statements = _counting(db)
        lines = {line.url: line for line in site_summaries(db, with_changes=True)}
        few = len(statements)
        a, b = lines["http://a.go.th/"], lines["http://b.go.th/"]
        assert a.failing == (("O1", Status.BROKEN), ("O2", Status.MISSING), ("O3", Status.MISSING))
        assert (a.new_problems, a.passed, a.items) == (2, 25, 28)
        assert (b.failing, b.new_problems) == ((("O5", Status.OUTDATED),), 0)
        assert [line.url for line in site_summaries(db, province="ตรัง")] == ["http://b.go.th/"]

        for n in range(8):
            store(db, f"http://s{n}.go.th/", {"O7": Status.MISSING})
            store(db, f"http://s{n}.go.th/", {"O7": Status.MISSING, "O8": Status.BROKEN})
        statements.clear()
        assert len(site_summaries(db, with_changes=True)) == 10
        assert len(statements) == few == 1  # one query, not one (or three) per site
    finally:
        db.close()


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _rows(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as conn:
        return {
            table: conn.execute(f"select count(*) from {table}").fetchone()[0]
            for table in ("sites", "runs", "item_results", "batches")
        }


def test_forgetting_a_mistyped_site_asks_first_and_touches_no_other(
    tmp_path: Path, chromium: Browser
) -> None:
    settings = settings_for(tmp_path, allow_loopback=True, admin_token="s3cret")
    shot = tmp_path / "screenshots" / "run-1" / "O1.png"
    shot.parent.mkdir(parents=True)
    shot.write_bytes(b"\x89PNG")
    db = open_database(settings.database_url)
    batch = db.start_batch(2, 2568, "manual")
    typo = store(db, "http://typo.go.th/", {"O2": Status.BROKEN}, screenshot=shot)
    store(db, "http://typo.go.th/", {"O2": Status.BROKEN})
    kept = store(db, "http://kept.go.th/", {"O4": Status.MISSING})
    db.end_batch(batch, RunStatus.COMPLETED)
    db.close()
    before = _rows(Path(settings.database))
    forget = f"/sites/{typo}/forget"
    form: dict[str, Any] = {"admin_token": "s3cret", "confirm": "yes"}
    with Server(settings) as base, httpx.Client(base_url=base) as client:
        # Every refusal deletes nothing: no token, a wrong one, no confirmation, another site.
        assert client.post(forget, data={"confirm": "yes"}).status_code == 403
        assert client.post(forget, data={**form, "admin_token": "nope"}).status_code == 403
        unconfirmed = client.post(forget, data={"admin_token": "s3cret"})
        assert unconfirmed.status_code == 400 and "ยังไม่ได้ยืนยัน" in unconfirmed.text
        cross = client.post(forget, data=form, headers={"Origin": "http://evil.example"})
        assert cross.status_code == 403
        cross = client.post(forget, data=form, headers={"Sec-Fetch-Site": "cross-site"})
        assert cross.status_code == 403
        assert _rows(Path(settings.database)) == before and shot.exists()

        # The way a webmaster does it: the dashboard's link, the page that says what goes.
        page = chromium.new_page(viewport={"width": 375, "height": 800})
        page.goto(base + "/dashboard")
        assert page.locator("tr.site-row").count() == 2
        assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")
        page.locator(f'tr.site-row[data-site="{typo}"] a.forget').click()
        assert "2 ครั้ง" in page.locator("main").inner_text()
        page.get_by_label("รหัสผู้ดูแลระบบ").fill("s3cret")
        page.get_by_label("ยืนยัน ลบผลการตรวจทั้งหมดของเว็บไซต์นี้").check()
        page.get_by_role("button", name="ลบประวัติ").click()
        page.wait_for_url("**/dashboard?forgotten=2")
        assert page.locator("tr.site-row").count() == 1
        assert "ลบประวัติการตรวจของเว็บไซต์ที่เลือกแล้ว (2 ครั้ง)" in page.inner_text("main")
        page.close()
        assert client.get(f"/sites/{typo}").status_code == 404
        assert client.get(f"/sites/{kept}").status_code == 200
    after = _rows(Path(settings.database))
    assert after == {
        "sites": before["sites"] - 1,
        "runs": before["runs"] - 2,
        "item_results": before["item_results"] - 2 * len(CHECKLIST.items),
        "batches": before["batches"],
    }
    assert not shot.exists()


def test_without_an_admin_token_nothing_can_be_forgotten(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, allow_loopback=True)
    db = open_database(settings.database_url)
    site = store(db, "http://typo.go.th/", {})
    db.close()
    with Server(settings) as base, httpx.Client(base_url=base) as client:
        asked = client.get(f"/sites/{site}/forget")
        assert asked.status_code == 200 and "ยังไม่ได้ตั้งรหัสผู้ดูแลระบบ" in asked.text
        refused = client.post(f"/sites/{site}/forget", data={"confirm": "yes", "admin_token": ""})
        assert refused.status_code == 403
        assert client.get(f"/sites/{site}").status_code == 200


def test_forget_site_deletes_one_sites_rows_on_either_database(db_url: str) -> None:
    db = open_database(db_url)
    try:
        batch = db.start_batch(2, 2568, "fleet")
        typo = store(db, "http://typo.go.th/", {"O2": Status.BROKEN})
        kept = store(db, "http://kept.go.th/", {})
        with db.session() as session:
            runs = {r.site_id: r.id for r in session.scalars(select(Run))}
            for site_id in (typo, kept):
                session.add(
                    FleetJob(batch_id=batch, site_url=f"s{site_id}", lock="x", run_id=runs[site_id])
                )
                session.add(OutboxMessage(kind="problems", site_id=site_id, subject="s", body="b"))
        gone = forget_site(db, typo, Path("/nonexistent"))
        assert gone is not None and gone.runs == 1
        assert forget_site(db, typo, Path("/nonexistent")) is None  # already gone
        with db.session() as session:
            assert [s.id for s in session.scalars(select(Site))] == [kept]
            jobs = {j.site_url: j.run_id for j in session.scalars(select(FleetJob))}
            assert jobs == {f"s{typo}": None, f"s{kept}": runs[kept]}  # the batch keeps its rows
            assert [m.site_id for m in session.scalars(select(OutboxMessage))] == [kept]
            assert session.scalar(select(func.count()).select_from(Batch)) == 1
        assert db.latest_run(kept) is not None
    finally:
        db.close()
