"""A fleet on a real PostgreSQL: ~30 loopback sites, three crawl workers and one OCR worker,
one crawl worker SIGKILLed mid-site. Every site is checked once per batch, each scan is read
once, alerts go out once, and no server ever sees more requests at once than allowed."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest

from tests.fixtures.documents import pdf, scanned_pdf
from tests.fixtures.sites import html
from tests.support.cli import invoke, start_cli
from tests.support.files import write_registry
from tests.support.server import FixtureSite, Meter, Route, Routes
from tests.support.smtp import Smtp
from tests.support.wait import wait_until

SERVERS = ["127.0.3.1", "127.0.3.2", "127.0.3.3"]  # many agencies share a hosting server
SITES_PER_SERVER = 10
PER_IP = 2
STAFF = "staff@dla.go.th"
SCANS = {  # two distinct scans, each published by several agencies
    n: scanned_pdf(
        [
            "การประเมินความเสี่ยงการทุจริตในประเด็นที่เกี่ยวข้องกับสินบน",
            f"ประจำปีงบประมาณ พ.ศ. 2568 ฉบับที่ {n}",
            "มาตรการป้องกัน: เผยแพร่ขั้นตอนและค่าธรรมเนียมให้ประชาชนทราบ",
        ]
    )
    for n in (1, 2)
}


def _site_routes(n: int) -> Routes:
    scan = "<a href='/files/risk.pdf'>การประเมินความเสี่ยงการทุจริต 2568</a>" if n % 3 == 0 else ""
    menu = (
        "<a href='/plan.pdf'>แผนพัฒนาท้องถิ่น</a> <a href='/contact.html'>ติดต่อเรา</a> "
        f"<a href='/news.html'>ข่าวประชาสัมพันธ์</a> {scan}"
        + "".join(f"<a href='/p{i}.html'>กิจกรรม {i}</a> " for i in range(8))
    )
    routes = {
        "/": html(f"อบต.ฟลีต {n}", "<p>ยินดีต้อนรับ</p>", menu),
        "/plan.pdf": Route(
            pdf(["แผนพัฒนาท้องถิ่น (พ.ศ. 2566 - 2570)", "ยุทธศาสตร์ เป้าหมาย ตัวชี้วัด"]),
            content_type="application/pdf",
        ),
        "/news.html": html("ข่าวประชาสัมพันธ์", "<p>1 ก.พ. 2568 ข่าวกิจกรรม</p>", menu),
        "/contact.html": html("ติดต่อเรา", "<p>โทรศัพท์ 075-111-222</p>", menu),
        "/files/risk.pdf": Route(SCANS[1 + n % 2], content_type="application/pdf"),
    }
    for i in range(8):  # slow pages: a site takes a few seconds, so a kill lands mid-site
        routes[f"/p{i}.html"] = Route(html(f"กิจกรรม {i}", "<p>ข่าว</p>", menu).body, delay=0.15)
    return routes


@pytest.fixture
def sites() -> Iterator[tuple[list[FixtureSite], Meter]]:
    meter = Meter()
    started = [
        FixtureSite(ip, _site_routes(s * SITES_PER_SERVER + k), meter=meter).start()
        for s, ip in enumerate(SERVERS)
        for k in range(SITES_PER_SERVER)
    ]
    yield started, meter
    for site in started:
        site.stop()


def _query(url: str, sql: str) -> list[tuple[object, ...]]:
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        return conn.execute(sql).fetchall()  # type: ignore[arg-type]


def test_fleet_checks_each_site_once_despite_a_killed_worker(
    sites: tuple[list[FixtureSite], Meter],
    fresh_postgres: Callable[[], str],
    tmp_path: Path,
) -> None:
    started, meter = sites
    db = fresh_postgres()
    registry = write_registry(
        tmp_path / "sites.toml",
        [
            {
                "url": f"{site.url}/",
                "name": f"อบต.ฟลีต {n}",
                "recipients": [f"webmaster{n}@tambon.go.th"],
            }
            for n, site in enumerate(started)
        ],
    )
    # Tesseract behind a wrapper that counts the pages it is asked to read.
    calls = tmp_path / "ocr-calls.log"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    wrapper = bin_dir / "tesseract"
    wrapper.write_text(
        f'#!/bin/sh\ncase "$1" in stdin) echo read >> {calls};; esac\nexec /usr/bin/tesseract "$@"\n'
    )
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IEXEC)
    smtp = Smtp().start()
    env = {
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "OITWATCH_DATABASE": db,
        "OITWATCH_CRAWL__PER_IP": str(PER_IP),
        "OITWATCH_CRAWL__MAX_PAGES": "30",
        "OITWATCH_RENDER__MODE": "never",
        "OITWATCH_SMTP__HOST": "127.0.0.1",
        "OITWATCH_SMTP__PORT": str(smtp.port),
        "OITWATCH_ALERTS__STAFF": f'["{STAFF}"]',
        "OITWATCH_FLEET__HEARTBEAT": "1",
        "OITWATCH_FLEET__STALL_TIMEOUT": "10",  # a loaded CI machine delays heartbeats
        "OITWATCH_FLEET__POLL": "0.5",
        "OITWATCH_FLEET__CONCURRENCY": "2",
    }

    def worker(queues: str, n: int) -> subprocess.Popen[str]:
        # Real processes side by side, as on the servers: one is SIGKILLed, the rest SIGTERMed.
        log = tmp_path / f"worker-{queues}-{n}.log"
        return start_cli("worker", "--queues", queues, env=env, log=log)

    def enqueue(key: str) -> str:
        result = invoke("run", "--queue", "--batch", key, "--sites", str(registry), env=env)
        assert result.code == 0, result.stderr
        return result.stdout

    def batch_done(key: str) -> bool:
        rows = _query(db, f"select status from batches where key = '{key}'")
        return rows == [("completed",)]

    crawlers = [worker("crawl", n) for n in range(3)]
    ocr = worker("ocr", 0)
    try:
        # Night 1: a baseline. Enqueuing twice queues nothing new.
        assert "30 sites, 30 new, 30 put on the queue" in enqueue("night-1")
        assert "0 new, 0 put on the queue" in enqueue("night-1")
        wait_until("night 1", lambda: batch_done("night-1"))
        assert "complete already" in enqueue("night-1")

        # Night 2: five plans disappear; one crawl worker dies in the middle of a site.
        for site in started[:5]:
            site.routes["/plan.pdf"] = Route(b"gone", status=404)
        enqueue("night-2")
        victim = crawlers[0]

        def victim_mid_site() -> bool:
            return bool(
                _query(
                    db,
                    "select 1 from fleet_jobs j join batches b on b.id = j.batch_id"
                    " join runs r on r.batch_id = b.id and r.status = 'running'"
                    " join sites s on s.id = r.site_id and s.url = j.site_url"
                    f" where b.key = 'night-2' and j.status = 'running'"
                    f" and j.worker like '%-{victim.pid}'",
                )
            )

        wait_until("the victim to be mid-site", victim_mid_site, timeout=60)
        time.sleep(0.5)  # a few pages into the site
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=10)
        wait_until("night 2", lambda: batch_done("night-2"))
    finally:
        for proc in [*crawlers[1:], ocr]:
            proc.send_signal(signal.SIGTERM)  # finishes what it holds, then leaves
        codes = [proc.wait(timeout=60) for proc in [*crawlers[1:], ocr]]
        smtp.stop()
    assert codes == [0, 0, 0]

    for key in ("night-1", "night-2"):
        per_site = _query(
            db,
            "select s.url, count(*) filter (where r.status = 'completed') from runs r"
            " join batches b on b.id = r.batch_id join sites s on s.id = r.site_id"
            f" where b.key = '{key}' group by s.url",
        )
        assert len(per_site) == 30 and {n for _, n in per_site} == {1}, (key, per_site)
    # The run the kill cut short is kept, marked superseded, never counted.
    superseded = _query(
        db,
        "select r.error from runs r join batches b on b.id = r.batch_id"
        " where b.key = 'night-2' and r.status = 'superseded'",
    )
    assert any("stopped mid-site" in str(e) for (e,) in superseded), superseded
    statuses = {s for (s,) in _query(db, "select distinct status from runs")}
    assert statuses <= {"completed", "superseded"}

    # Scans: two distinct ones among ten sites, each read once (one page each), then cached.
    assert calls.read_text().count("read") == len(SCANS)
    for key in ("night-1", "night-2"):  # judged with the text read, both nights
        o23 = _query(
            db,
            "select i.status, i.ocr from item_results i join runs r on r.id = i.run_id"
            " join batches b on b.id = r.batch_id join sites s on s.id = r.site_id"
            f" where b.key = '{key}' and r.status = 'completed' and i.item_id = 'O23'"
            " and s.url in (" + ",".join(f"'{started[n].url}/'" for n in range(0, 30, 3)) + ")",
        )
        assert len(o23) == 10 and all(ocr_flag for _, ocr_flag in o23), (key, o23)
    # Night 1: sites met their scans unread, were parked (that run superseded, not counted)
    # while the OCR worker read them, and were judged again after.
    parked = _query(
        db,
        "select count(*) from runs r join batches b on b.id = r.batch_id"
        " where b.key = 'night-1' and r.status = 'superseded' and r.error like 'waiting for OCR%'",
    )
    assert parked[0][0] >= 1

    # Alerts: one per webmaster whose plan disappeared, one digest per night, nothing twice.
    inbox = smtp.inbox
    for n in range(30):
        got = inbox.take(f"webmaster{n}@tambon.go.th")
        assert len(got) == (1 if n < 5 else 0), (n, [m.subject for m in got])
    digests = inbox.take(STAFF)
    assert len(digests) == 2 and all("30 เว็บไซต์" in m.subject for m in digests)

    # Politeness across the fleet: never more than PER_IP requests at once on a server.
    assert set(meter.peak) == set(SERVERS)
    assert max(meter.peak.values()) <= PER_IP, meter.peak


def test_two_schedulers_enqueue_once_and_sigterm_finishes_the_site(
    fresh_postgres: Callable[[], str], tmp_path: Path
) -> None:
    from oitwatch.config import load_settings
    from tests.support.web import Server

    sites = [FixtureSite("127.0.3.9", _site_routes(n + 1)) for n in range(2)]
    for site in sites:
        for i in range(8):
            # A site takes ~10 s (4 pages at a time): SIGTERM lands mid-site even when a loaded
            # machine is slow to start the dashboard checked in between.
            site.routes[f"/p{i}.html"].delay = 4.0
        site.start()
    db = fresh_postgres()
    registry = write_registry(
        tmp_path / "sites.toml",
        [{"url": f"{site.url}/", "name": f"อบต.{n}"} for n, site in enumerate(sites)],
    )
    env = {
        "OITWATCH_DATABASE": db,
        "OITWATCH_SITES_FILE": str(registry),
        "OITWATCH_RENDER__MODE": "never",
        "OITWATCH_OCR__ENABLED": "false",
        "OITWATCH_ALERTS__ENABLED": "false",
        "OITWATCH_FLEET__POLL": "0.5",
    }

    logs = [tmp_path / f"scheduler{n}.log" for n in range(2)]
    schedulers = [start_cli("schedule", "--queue", env=env, log=log) for log in logs]
    try:
        # Both start with a missed night to catch up: both enqueue it, the batch exists once.
        wait_until(
            "both schedulers",
            lambda: all("put on the queue" in log.read_text() for log in logs),
            timeout=60,
        )
        said = sorted(log.read_text() for log in logs)
        assert "2 new sites, 2 put on the queue" in "".join(said)
        assert "0 new sites, 0 put on the queue" in "".join(said)
        assert _query(db, "select count(*) from batches") == [(1,)]
        assert _query(db, "select count(*) from procrastinate_jobs") == [(2,)]
        status = invoke("status", env=env)
        assert status.code == 0 and "queued 2" in status.stdout and "0/2" in status.stdout

        # One worker, one site at a time; SIGTERM while it checks the first site.
        worker = start_cli(
            "worker", "--queues", "crawl", "--concurrency", "1", env=env, log=tmp_path / "w.log"
        )
        wait_until(
            "a site in progress",
            lambda: _query(db, "select count(*) from runs where status = 'running'") == [(1,)],
        )
        during = invoke("status", env=env)
        assert "running 1" in during.stdout and "workers seen in the last minute 1" in during.stdout
        settings = load_settings(database=db)
        with Server(settings) as base:  # staff see the same on the dashboard
            import httpx

            page = httpx.get(base + "/dashboard?lang=en", timeout=20).text
        assert "Fleet batch" in page and "running 1" in page
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=60) == 0
    finally:
        for proc in schedulers:
            proc.send_signal(signal.SIGTERM)
        for proc in schedulers:
            proc.wait(timeout=30)
        for site in sites:
            site.stop()
    # The site in progress was finished, not abandoned; the other waits for the next worker.
    assert _query(db, "select status, count(*) from runs group by status") == [("completed", 1)]
    assert sorted(_query(db, "select status from fleet_jobs")) == [("done",), ("queued",)]
    after = invoke("status", env=env).stdout
    assert "1/2 sites finished" in after and "workers seen in the last minute 0" in after


def test_the_fleet_needs_postgresql_and_sqlite_is_untouched(tmp_path: Path) -> None:
    registry = write_registry(tmp_path / "sites.toml", ["http://127.0.3.10/"])
    db = tmp_path / "one.db"
    for command in (
        ["run", "--queue", "--sites", str(registry), "--db", str(db)],
        ["worker", "--db", str(db)],
        ["status", "--db", str(db)],
    ):
        result = invoke(*command)
        assert result.code == 2 and "needs a PostgreSQL database" in result.stderr, command
    assert not db.exists()  # refused before anything was created


def test_politeness_locks_share_a_servers_slots_by_host() -> None:
    import asyncio

    from oitwatch.fleet.batch import politeness_locks

    urls = [f"http://127.0.3.{1 + n % 2}:{8000 + n}/" for n in range(40)]
    urls.append("http://127.0.3.1:8000/other/")  # another site on a host already listed
    locks = asyncio.run(politeness_locks(urls, per_ip=3))
    assert {lock.split("#")[0] for lock in locks.values()} == {"ip:127.0.3.1", "ip:127.0.3.2"}
    assert {lock.split("#")[1] for lock in locks.values()} == {"0", "1", "2"}
    assert locks["http://127.0.3.1:8000/other/"] == locks["http://127.0.3.1:8000/"]


def test_a_run_stored_by_a_worker_that_died_before_recording_it_is_superseded(
    fresh_postgres: Callable[[], str],
) -> None:
    """The worker stored its run (and alerts) and died before marking the site done: the
    retry supersedes that run, so the batch still counts one run for the site."""
    from oitwatch.config.registry import SiteEntry
    from oitwatch.fleet.store import FleetStore
    from oitwatch.storage import open_database

    db = open_database(fresh_postgres())
    try:
        store = FleetStore(db)
        batch_id, _ = store.batch_for_key("night", 2568, "test")
        url = "http://127.0.3.11/"
        assert store.add_jobs(batch_id, [(url, SiteEntry(url=url).model_dump(), "ip:x#0")]) == 1
        [(job, _lock)] = store.not_on_queue(batch_id)
        first = store.claim(job, 101, "w1")
        assert first is not None and first.attempt == 1
        site = db.site(url)
        dead = db.start_run(site.id, "ita-2568", 2568, batch_id)
        db.finish_run(dead, site_status="ok", pages_fetched=1, results=[], oit_estimate=None)
        assert store.claim(job, 999, "w3") is None  # a stray duplicate job cannot steal it
        retry = store.claim(job, 101, "w2")  # the same queue job, put back after the stall
        assert retry is not None and retry.attempt == 2
        assert _query(
            db.engine.url.render_as_string(hide_password=False), "select status from runs"
        ) == [("superseded",)]
        again = db.start_run(site.id, "ita-2568", 2568, batch_id)
        assert not store.complete(first, dead, "ok", None, [], [])  # a late word from try 1
        db.finish_run(again, site_status="ok", pages_fetched=1, results=[], oit_estimate=90.0)
        assert store.complete(retry, again, "ok", 90.0, [], [])
        runs = _query(
            db.engine.url.render_as_string(hide_password=False),
            "select id, status from runs order by id",
        )
        assert runs == [(dead, "superseded"), (again, "completed")]
        assert store.close_batch_if_done(batch_id, lambda rows: None)
        assert not store.close_batch_if_done(batch_id, lambda rows: None)  # once
    finally:
        db.close()
