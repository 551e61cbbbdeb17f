"""The web page, end to end in headless Chromium (Playwright), and its safety rules."""

from __future__ import annotations

import csv
import io
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, sync_playwright

from oitwatch.config import CrawlSettings, load_settings
from oitwatch.config.registry import SiteEntry, load_registry
from oitwatch.crawler.fetcher import Fetcher
from oitwatch.crawler.guard import TargetRefused, check_target
from oitwatch.crawler.outcomes import Outcome
from oitwatch.pipeline.site import check_site
from oitwatch.storage import open_database
from tests.fixtures.sites import html
from tests.support.server import FixtureSite, Route
from tests.unit.web.helpers import CHROMIUM, CHROMIUM_ARGS, Server, in_thread, settings_for

HOSTILE = "<script>window.__pwned = 1; alert('x')</script>อบต.ทดสอบ"


@pytest.fixture(scope="module")
def browser_page() -> Iterator[Page]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(accept_downloads=True)
        yield page
        browser.close()


def test_webmaster_checks_a_site_and_staff_filter_the_dashboard(
    good: FixtureSite, tis620: FixtureSite, tmp_path: Path, browser_page: Page
) -> None:
    settings = settings_for(tmp_path, allow_loopback=True)
    page = browser_page
    with Server(settings) as base:
        page.goto(base + "/")
        page.get_by_label("ที่อยู่เว็บไซต์หลัก").fill(good.url)
        page.get_by_role("button", name="ตรวจ").click()
        page.wait_for_url("**/jobs/*")
        assert page.locator("#progress").is_visible()  # live progress while it runs
        page.wait_for_url("**/sites/*", timeout=120_000)

        cards = page.locator("ol.cards > li.card")
        shown = dict(
            zip(
                cards.evaluate_all("cards => cards.map(c => c.dataset.item)"),
                cards.evaluate_all("cards => cards.map(c => c.dataset.status)"),
                strict=True,
            )
        )
        with sqlite3.connect(settings.database) as conn:
            stored = dict(
                conn.execute("select item_id, status from item_results order by id").fetchall()
            )
        assert shown == stored and len(shown) == 28
        assert (
            page.locator(".badge.s-broken").first.inner_text() == "ลิงก์เสีย"
        )  # text, not colour alone

        with page.expect_download() as download:
            page.get_by_role("link", name="CSV").click()
        rows = list(
            csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig")))
        )
        assert {r["item"]: r["status"] for r in rows} == stored

        page.goto(page.url + "?lang=en")
        assert page.locator(".list-title").inner_text() == "The 28 items and what to fix"
        notes = page.locator(".note").all_inner_texts()
        assert any("judged 27 items from the links on the site's ITA page" in n for n in notes)
        assert not any("ตรวจ 27 ข้อ" in n for n in notes)  # the English page, in English

        # A second site from the registry, in another province; then filter the dashboard.
        db = open_database(settings.database_url)
        try:
            entry = SiteEntry(
                url=tis620.url + "/", name="อบต.บางตัวอย่าง", province="กระบี่", type="อบต."
            )
            in_thread(lambda: check_site(entry.url, settings, db, entry=entry))
            db.site(
                good.url + "/", SiteEntry(url=good.url + "/", province="ตรัง", type="เทศบาลตำบล")
            )
        finally:
            db.close()
        page.goto(base + "/dashboard")
        assert page.locator("tr.site-row").count() == 2
        page.get_by_label("จังหวัด").select_option("กระบี่")
        page.get_by_role("button", name="กรอง").click()
        page.wait_for_url("**province=*")
        assert page.locator("tr.site-row").count() == 1
        assert "อบต.บางตัวอย่าง" in page.locator("tr.site-row").inner_text()


def test_hostile_page_cannot_inject_script(tmp_path: Path, browser_page: Page) -> None:
    hostile = FixtureSite("127.0.0.18", {"/": html(HOSTILE, "<p>ข่าว 2568</p>")}).start()
    settings = settings_for(tmp_path, allow_loopback=True)
    try:
        db = open_database(settings.database_url)
        in_thread(lambda: check_site(hostile.url, settings, db))
        db.close()
        dialogs: list[str] = []
        browser_page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        with Server(settings) as base:
            for path in ("/sites/1", "/dashboard", "/sites/1?print=1"):
                browser_page.goto(base + path)
                assert browser_page.evaluate("window.__pwned") is None
                assert "<script>" in browser_page.locator("main").inner_text()  # shown as text
        assert dialogs == []
    finally:
        hostile.stop()


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://localhost:8000/",
        "http://10.1.2.3/",
        "http://172.16.0.1/",
        "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "file:///etc/passwd",
        "ftp://example.go.th/",
    ],
)
def test_ssrf_guard_refuses_non_public_targets(url: str) -> None:
    with pytest.raises(TargetRefused):
        in_thread(lambda: check_target(url, allow_loopback=False))


def test_ssrf_guard_allows_public_and_explicit_loopback() -> None:
    in_thread(
        lambda: check_target("http://93.184.216.34/", allow_loopback=False)
    )  # a literal: no lookup
    in_thread(lambda: check_target("http://127.0.0.5:9/", allow_loopback=True))
    with pytest.raises(TargetRefused):  # loopback is allowed, private networks still are not
        in_thread(lambda: check_target("http://10.0.0.1/", allow_loopback=True))


def test_a_redirect_to_loopback_is_refused() -> None:
    """The real guard: 127.0.0.20 is let through explicitly (it plays a public site) and
    redirects to 127.0.0.1, which must not be reached."""
    inside = FixtureSite("127.0.0.1", {"/secret": Route(b"metadata")}).start()
    outside = FixtureSite(
        "127.0.0.20", {"/": Route(b"", status=302, headers={"Location": f"{inside.url}/secret"})}
    ).start()

    async def guard(url: str) -> None:
        await check_target(url, allow_loopback=False, allow=frozenset({"127.0.0.20"}))

    async def fetch() -> Outcome:
        async with Fetcher(CrawlSettings(delay=0, respect_robots=False), guard=guard) as fetcher:
            return (await fetcher.fetch(outside.url + "/")).outcome

    try:
        assert in_thread(fetch) is Outcome.FORBIDDEN
        assert outside.requests == ["/"]
        assert inside.requests == []  # nothing reached the loopback server
    finally:
        inside.stop()
        outside.stop()


def test_form_refuses_private_targets_and_write_actions_need_the_token(tmp_path: Path) -> None:
    settings = load_settings(
        database=str(tmp_path / "g.db"),
        web={"admin_token": "s3cret"},
        sites_file=str(tmp_path / "sites.toml"),
    )
    with Server(settings) as base, httpx.Client(base_url=base) as client:
        for url in (
            "http://127.0.0.1/",
            "http://localhost/",
            "http://10.0.0.8/",
            "http://169.254.169.254/",
        ):
            response = client.post("/check", data={"url": url})
            assert response.status_code == 400
            # In Thai: not a public website; "localhost" is refused even earlier, as not a
            # website address at all. The English page keeps the guard's words.
            assert "ไม่ใช่เว็บไซต์สาธารณะ" in response.text or "ไม่ใช่ที่อยู่เว็บไซต์" in response.text
            english = client.post("/check?lang=en", data={"url": url})
            assert english.status_code == 400
            assert "public" in english.text or "not a website address" in english.text
        assert client.post("/admin/run-all").status_code == 403
        assert (
            client.post("/admin/run-all", headers={"Authorization": "Bearer wrong"}).status_code
            == 403
        )
        site = {"url": "www.Khlongphon go.th", "name": "คลองพน", "recipients": ["w@k.go.th"]}
        assert client.post("/admin/sites", json=site).status_code == 403
        admin = {"Authorization": "Bearer s3cret"}
        added = client.post("/admin/sites", json=site, headers=admin)
        assert added.status_code == 200
        assert added.json()["site"]["url"] == "http://www.khlongphon.go.th/"
        bad = client.post("/admin/sites", json={"url": "-", "name": "x"}, headers=admin)
        assert bad.status_code == 400 and "no website" in bad.text
        registry = load_registry(tmp_path / "sites.toml")
        assert [(s.name, s.recipients) for s in registry] == [("คลองพน", ["w@k.go.th"])]
        assert client.get("/dashboard").status_code == 200  # reading is public by default


def test_private_mode_needs_the_read_token(tmp_path: Path) -> None:
    settings = load_settings(
        database=str(tmp_path / "p.db"), web={"private": True, "read_token": "r"}
    )
    with Server(settings) as base, httpx.Client(base_url=base) as client:
        assert client.get("/dashboard").status_code == 401
        assert client.get("/dashboard?token=r").status_code == 200


def test_rate_limit_and_one_check_per_site(tmp_path: Path, good: FixtureSite) -> None:
    settings = load_settings(
        database=str(tmp_path / "q.db"),
        web={"allow_loopback": True, "checks_per_client": 2, "workers": 1},
        crawl={"delay": 0},
        ocr={"enabled": False},
    )
    with Server(settings) as base, httpx.Client(base_url=base) as client:
        first = client.post("/check", data={"url": good.url})
        again = client.post("/check", data={"url": good.url})
        assert first.headers["location"] == again.headers["location"]  # joined, not doubled
        other = client.post("/check", data={"url": "http://127.0.0.22:1/"})
        assert other.status_code == 303
        position = client.get(other.headers["location"] + ".json").json()["position"]
        assert position in (0, 1)  # waits behind the first, or started if the first is done
        assert client.post("/check", data={"url": "http://127.0.0.23:1/"}).status_code == 429


def test_forwarded_for_counts_only_from_a_trusted_proxy(tmp_path: Path) -> None:
    def forged(client: httpx.Client, n: int) -> int:
        # A fresh X-Forwarded-For on every request: a way round the limit if it were believed.
        return client.post(
            "/check",
            data={"url": f"http://127.0.0.{30 + n}:1/"},
            headers={"X-Forwarded-For": f"203.0.113.{n}"},
        ).status_code

    limited = load_settings(
        database=str(tmp_path / "x.db"),
        web={"allow_loopback": True, "checks_per_client": 2, "workers": 1},
        ocr={"enabled": False},
    )
    with Server(limited) as base, httpx.Client(base_url=base) as client:
        assert [forged(client, n) for n in range(3)] == [303, 303, 429]
    behind_proxy = limited.model_copy(
        update={"web": limited.web.model_copy(update={"trusted_proxies": ["127.0.0.0/8"]})}
    )
    with Server(behind_proxy) as base, httpx.Client(base_url=base) as client:
        # Each forwarded client has its own allowance: the proxy is trusted to say who it is.
        assert [forged(client, n) for n in range(3, 6)] == [303, 303, 303]


def test_url_length_ids_headers_and_csv_formulas(tmp_path: Path) -> None:
    settings = load_settings(
        database=str(tmp_path / "h.db"),
        web={"admin_token": "s3cret", "allow_loopback": True},
        sites_file=str(tmp_path / "sites.toml"),
    )
    long_url = "http://www.example.go.th/" + "a" * 2100
    with Server(settings) as base, httpx.Client(base_url=base) as client:
        response = client.post("/check", data={"url": long_url})
        assert response.status_code == 400 and "2048" in response.text
        admin = {"Authorization": "Bearer s3cret"}
        api = client.post("/admin/sites", json={"url": long_url, "name": "x"}, headers=admin)
        assert api.status_code == 400 and "2048" in api.text
        metadata = {"url": "http://169.254.169.254/latest/", "name": "x"}
        refused = client.post("/admin/sites", json=metadata, headers=admin)
        assert refused.status_code == 400 and "link-local" in refused.text
        for path in ("/sites/99999999999999999999999", "/sites/0.csv", "/jobs/9223372036854775808"):
            assert client.get(path).status_code == 404, path
        for path in ("/", "/dashboard", "/sites/1", "/static/style.css"):
            headers = client.get(path).headers
            assert "script-src 'self'" in headers["content-security-policy"], path
            assert "frame-ancestors 'none'" in headers["content-security-policy"]
            assert headers["x-content-type-options"] == "nosniff"
            assert headers["x-frame-options"] == "DENY"
            assert headers["referrer-policy"] == "same-origin"
    templates = Path(__file__).parents[3] / "oitwatch" / "web" / "templates"
    for template in templates.glob("*.html"):  # the CSP allows no inline script
        text = template.read_text(encoding="utf-8")
        assert "<script>" not in text and " on" + "click=" not in text, template
