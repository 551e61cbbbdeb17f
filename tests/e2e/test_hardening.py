"""Hostile sites and the guard: DNS rebinding, the browser's redirects, the nightly run's site
boundary and its guard. Real servers on loopback, real SQLite, real Chromium."""

from __future__ import annotations

import asyncio
import ipaddress
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from oitwatch.config.settings import CrawlSettings, RenderSettings
from oitwatch.crawler import guard
from oitwatch.crawler.fetcher import Fetcher
from oitwatch.crawler.guard import AddressPolicy, check_url
from oitwatch.crawler.outcomes import Outcome
from oitwatch.crawler.render import Renderer
from oitwatch.crawler.transport import PerHostTransport
from oitwatch.pipeline.crawl import SiteCrawler
from oitwatch.storage import open_database
from tests.fixtures.sites import html
from tests.support.cli import invoke
from tests.support.files import write_registry
from tests.support.server import FixtureSite, Route

PUBLIC = "127.0.0.21"  # stands in for a public address: the policy allows it by name
INTERNAL = "127.0.0.22"  # stands in for an internal one: loopback, refused


@pytest.fixture
def public_and_internal() -> Iterator[tuple[FixtureSite, FixtureSite]]:
    public = FixtureSite(PUBLIC, {"/": html("หน้าสาธารณะ", "<p>public page</p>")}).start()
    internal = FixtureSite(
        INTERNAL, {"/": html("ภายใน", "<p>INTERNAL SECRET</p>")}, port=public.port
    ).start()
    yield public, internal
    public.stop()
    internal.stop()


def _resolver(monkeypatch: pytest.MonkeyPatch, answers: list[str | list[str]]) -> list[str]:
    """Play the DNS server for *.test names: each lookup takes the next answer (the last
    repeats). Returns the log of names asked."""
    asked: list[str] = []

    async def resolve(host: str, port: int) -> list[Any]:
        if not host.endswith(".test"):
            return [ipaddress.ip_address(host)]
        asked.append(host)
        answer = answers[min(len(asked), len(answers)) - 1]
        return [ipaddress.ip_address(a) for a in ([answer] if isinstance(answer, str) else answer)]

    monkeypatch.setattr(guard, "resolve", resolve)
    return asked


async def _fetch(url: str, policy: AddressPolicy) -> Any:
    settings = CrawlSettings(delay=0, retries=0, respect_robots=True, total_timeout=5)

    async def check(target: str) -> None:
        await check_url(target, policy)

    transport = PerHostTransport(2, policy=policy)
    async with Fetcher(settings, transport=transport, guard=check) as fetcher:
        return await fetcher.fetch(url), transport


def test_connection_goes_to_the_vetted_address(
    public_and_internal: tuple[FixtureSite, FixtureSite], monkeypatch: pytest.MonkeyPatch
) -> None:
    public, internal = public_and_internal
    asked = _resolver(monkeypatch, [PUBLIC])
    policy = AddressPolicy(allow_loopback=False, allow=frozenset({PUBLIC}))
    result, transport = asyncio.run(_fetch(f"http://agency.test:{public.port}/", policy))
    # The system resolver knows no *.test name: the page came from the address we vetted.
    assert result.outcome is Outcome.OK, result.error
    assert b"public page" in result.body
    assert set(transport.backend.connected) == {("agency.test", PUBLIC)}
    assert "/robots.txt" in public.requests and "/" in public.requests  # robots.txt too
    assert asked and internal.requests == []


def test_every_vetted_address_is_tried_in_turn(
    public_and_internal: tuple[FixtureSite, FixtureSite], monkeypatch: pytest.MonkeyPatch
) -> None:
    public, _ = public_and_internal
    dead = "127.0.0.25"  # nothing listens there, like an AAAA answer with no route
    _resolver(monkeypatch, [[dead, PUBLIC]])
    policy = AddressPolicy(allow_loopback=False, allow=frozenset({PUBLIC, dead}))
    result, transport = asyncio.run(_fetch(f"http://agency.test:{public.port}/", policy))
    assert result.outcome is Outcome.OK, result.error
    assert set(transport.backend.connected) == {("agency.test", PUBLIC)}


def test_dns_rebinding_gets_nothing(
    public_and_internal: tuple[FixtureSite, FixtureSite], monkeypatch: pytest.MonkeyPatch
) -> None:
    public, internal = public_and_internal
    # Public to the guard's check, internal to every lookup after it.
    _resolver(monkeypatch, [PUBLIC, INTERNAL])
    policy = AddressPolicy(allow_loopback=False, allow=frozenset({PUBLIC}))
    result, transport = asyncio.run(_fetch(f"http://rebind.test:{public.port}/", policy))
    assert result.outcome is not Outcome.OK
    assert b"SECRET" not in result.body
    assert internal.requests == []  # not robots.txt, not the page: nothing reached it
    assert all(address != INTERNAL for _, address in transport.backend.connected)


@pytest.mark.timeout(120)
def test_browser_redirect_inward_is_refused(
    public_and_internal: tuple[FixtureSite, FixtureSite],
) -> None:
    public, internal = public_and_internal
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("Debian chromium is not installed")
    public.routes["/go"] = Route(b"", status=302, headers={"Location": f"{internal.url}/"})
    public.routes["/app"] = Route(
        b"<html><body><div id=app></div><script>document.getElementById('app').textContent="
        b"'rendered by script';fetch('" + internal.url.encode() + b"/').catch(()=>{})"
        b"</script></body></html>"
    )
    policy = AddressPolicy(allow_loopback=False, allow=frozenset({PUBLIC}))

    async def render() -> tuple[Any, Any, list[str]]:
        settings = RenderSettings(page_timeout=10, settle=1)
        async with Renderer(settings, "oitwatch-test", policy) as renderer:
            redirected = await renderer.render(f"{public.url}/go", lambda _url: True)
            app = await renderer.render(f"{public.url}/app", lambda _url: True)
            return redirected, app, renderer.refused

    redirected, app, refused = asyncio.run(render())
    assert internal.requests == []  # neither the redirect hop nor the script's fetch got there
    assert f"{internal.url}/" in refused
    assert redirected is None or "SECRET" not in redirected.html
    # Pages the guard allows still render, through the guarded path.
    assert app is not None and "rendered by script" in app.html


def _entries(sites: list[FixtureSite]) -> list[dict[str, object]]:
    return [{"url": f"{s.url}/", "name": f"อบต.ทดสอบ {n}"} for n, s in enumerate(sites)]


@pytest.fixture
def three_sites() -> Iterator[list[FixtureSite]]:
    sites = [
        FixtureSite(f"127.0.2.{n + 1}", {"/": html(f"อบต.ทดสอบ {n}", "<p>ข่าว</p>")}).start()
        for n in range(3)
    ]
    yield sites
    for site in sites:
        site.stop()


def test_one_bad_site_never_stops_the_run(
    three_sites: list[FixtureSite], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    registry = write_registry(tmp_path / "sites.toml", _entries(three_sites))
    db = tmp_path / "nightly.db"
    env = {
        "OITWATCH_OCR__ENABLED": "false",
        "OITWATCH_ALERTS__STAFF": "staff@dla.go.th",
        "OITWATCH_SMTP__PORT": "9",  # nothing listens: the digest waits in the outbox
        "OITWATCH_SMTP__HOST": "127.0.0.1",
        "OITWATCH_RUN__LOG_FILE": "",  # the default: beside the database
    }
    bad = three_sites[1].url
    crawl = SiteCrawler.crawl

    async def broken(self: SiteCrawler) -> Any:
        if self.result.start_url.startswith(bad):
            raise RuntimeError("injected failure")
        return await crawl(self)

    monkeypatch.setattr(SiteCrawler, "crawl", broken)
    args = ["run", "--sites", str(registry), "--db", str(db)]
    first = invoke(*args, env=env)
    assert first.code == 1, first.stderr
    assert "1 site(s) could not be checked" in first.stdout + first.stderr
    # The traceback is in the log, not the terminal.
    assert "Traceback" not in first.stdout + first.stderr
    log = (tmp_path / "oitwatch.log").read_text(encoding="utf-8")
    assert "Traceback" in log and "injected failure" in log
    with sqlite3.connect(db) as conn:
        assert conn.execute("select status from batches").fetchall() == [("completed_with_errors",)]
        runs = conn.execute(
            "select sites.url, runs.status, runs.error from runs join sites on sites.id = site_id"
        ).fetchall()
    assert sorted(status for _, status, _ in runs) == ["completed", "completed", "failed"]
    assert [error for url, status, error in runs if status == "failed"] == [
        "RuntimeError: injected failure"
    ]
    database = open_database(f"sqlite:///{db}")
    try:
        # `run --resume` takes the batch up again; `schedule` starts the next night afresh.
        assert database.unfinished_batch(include_errors=True) is not None
        assert database.unfinished_batch() is None
    finally:
        database.close()

    monkeypatch.setattr(SiteCrawler, "crawl", crawl)  # the site is fixed
    resumed = invoke(*args, "--resume", env=env)
    assert resumed.code == 0, resumed.stderr
    assert "(ตรวจไปแล้ว 2 เว็บไซต์ก่อนทำต่อ)" in resumed.stdout  # Thai first
    with sqlite3.connect(db) as conn:
        assert conn.execute("select status from batches").fetchall() == [("completed",)]
        per_site = conn.execute(
            "select site_id, count(*) from runs where status = 'completed' group by site_id"
        ).fetchall()
        assert sorted(n for _, n in per_site) == [1, 1, 1]  # only the failed site again
        digests = conn.execute("select body from outbox where kind = 'digest'").fetchall()
    # The digest after the resume covers the whole batch, not only the retried site.
    assert len(digests) == 2
    for n in range(3):
        assert f"อบต.ทดสอบ {n}" in digests[-1][0]


def test_nightly_run_refuses_private_addresses(
    three_sites: list[FixtureSite], tmp_path: Path
) -> None:
    inside = [
        {"url": "http://169.254.169.254/latest/", "name": "metadata"},
        {"url": "http://10.1.2.3/", "name": "intranet"},
    ]
    registry = write_registry(tmp_path / "sites.toml", [*_entries(three_sites[:1]), *inside])
    env = {"OITWATCH_OCR__ENABLED": "false"}
    result = invoke("run", "--sites", str(registry), "--db", str(tmp_path / "n.db"), env=env)
    assert result.code == 1
    said = result.stdout + result.stderr
    assert "169.254.169.254 is a link-local address" in said
    assert "10.1.2.3 is a private network address" in said
    assert "run.allow_hosts" in said
    assert "2 site(s) could not be checked" in said
