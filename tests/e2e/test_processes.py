"""A run split across crawl processes (runs/shards.py): the same verdicts as a run in one
process, sites of one server address kept together, and a crawl process that dies costs only
its unchecked sites, which `--resume` then checks. Real fixture servers on several 127.0.x.y
addresses, real crawl processes, SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from oitwatch.config import load_settings
from oitwatch.config.registry import SiteEntry
from oitwatch.runs import shards
from oitwatch.runs.batch import BatchSummary, run_once
from oitwatch.storage import open_database
from tests.fixtures.documents import pdf
from tests.fixtures.sites import html
from tests.support.server import FixtureSite, Route, Routes
from tests.support.wait import wait_until

ADDRESSES = [f"127.0.3.{n}" for n in range(1, 5)]


def _routes(n: int, slow: float = 0.0) -> Routes:
    """Sites that differ: even ones publish their plan, odd ones lost it."""
    menu = "<a href='/plan.pdf'>แผนพัฒนาท้องถิ่น</a> <a href='/contact.html'>ติดต่อเรา</a>"
    menu += "".join(f" <a href='/news{i}.html'>ข่าว {i}</a>" for i in range(6))
    routes: Routes = {
        "/": html(f"อบต.ทดสอบ {n}", "<p>ยินดีต้อนรับ</p>", menu),
        "/contact.html": html("ติดต่อเรา", "<p>ที่อยู่ หมู่ที่ 1 โทรศัพท์ 075-111-222</p>", menu),
    }
    for i in range(6):
        routes[f"/news{i}.html"] = Route(
            html(f"ข่าว {i}", "<p>1 ก.พ. 2569 ข่าวกิจกรรม</p>", menu).body, delay=slow
        )
    if n % 2 == 0:
        routes["/plan.pdf"] = Route(
            pdf(["แผนพัฒนาท้องถิ่น (พ.ศ. 2566 - 2570)", "ยุทธศาสตร์ เป้าหมาย ตัวชี้วัด"]),
            content_type="application/pdf",
        )
    return routes


def _serve(slow: float = 0.0) -> list[FixtureSite]:
    # Two sites on each address (two ports): a shared host, as many อบต. sites are.
    return [FixtureSite(ADDRESSES[n % len(ADDRESSES)], _routes(n, slow)).start() for n in range(8)]


@pytest.fixture
def sites() -> Iterator[list[FixtureSite]]:
    started = _serve()
    yield started
    for site in started:
        site.stop()


def _settings(db_url: str, processes: int) -> Any:
    return load_settings(
        database=db_url,
        crawl={"delay": 0, "retries": 0, "read_timeout": 5, "total_timeout": 10},
        run={"processes": processes},
        alerts={"enabled": False},
        ocr={"enabled": False},
        render={"mode": "never"},
    )


def _entries(sites: list[FixtureSite]) -> list[SiteEntry]:
    return [SiteEntry(url=f"{s.url}/", name=f"อบต.ทดสอบ {n}") for n, s in enumerate(sites)]


def _night(settings: Any, entries: list[SiteEntry], resume: bool = False) -> BatchSummary:
    db = open_database(settings.database_url)
    try:
        return asyncio.run(run_once(settings, db, entries, resume=resume))
    finally:
        db.close()


def _verdicts(db_url: str) -> dict[tuple[str, str], str]:
    engine = create_engine(db_url)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "select s.url, i.item_id, i.status from item_results i"
                " join runs r on r.id = i.run_id join sites s on s.id = r.site_id"
            )
        ).fetchall()
    engine.dispose()
    return {(url, item): status for url, item, status in rows}


def _batches(db_url: str) -> list[str]:
    engine = create_engine(db_url)
    with engine.connect() as conn:
        rows = conn.execute(text("select status from batches order by id")).fetchall()
    engine.dispose()
    return [status for (status,) in rows]


def _children() -> list[int]:
    return [
        int(pid)
        for task in os.listdir("/proc/self/task")
        for pid in Path(f"/proc/self/task/{task}/children").read_text().split()
    ]


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""  # it ended meanwhile


def test_split_keeps_an_address_together_and_the_registry_order() -> None:
    entries = [SiteEntry(url=f"http://{ADDRESSES[n % 3]}:{8000 + n}/") for n in range(9)]
    shares = asyncio.run(shards.split_by_address(entries, 2))
    assert len(shares) == 2
    assert sorted(e.url for share in shares for e in share) == sorted(e.url for e in entries)
    for share in shares:
        assert share == sorted(share, key=entries.index)  # the registry's order
    homes = [{e.url.split(":")[1] for e in share} for share in shares]
    assert not homes[0] & homes[1], "an address was split across processes"
    assert sorted(len(share) for share in shares) == [3, 6]  # as even as whole addresses allow


def test_process_count() -> None:
    auto = load_settings(run={"processes": 0})
    cores = os.cpu_count() or 1
    assert shards.process_count(auto, 10, "sqlite:///x.db") == 1  # a small run stays in one
    assert shards.process_count(auto, 10_000, "sqlite:///x.db") == min(cores, 8)
    two = load_settings(run={"processes": 2})
    assert shards.process_count(two, 10, "sqlite:///x.db") == 2
    assert shards.process_count(two, 1, "sqlite:///x.db") == 1
    assert shards.process_count(two, 10, "sqlite:///:memory:") == 1


def test_processes_give_the_verdicts_of_one_process(
    sites: list[FixtureSite], db_url: str, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    entries = _entries(sites)
    one = tmp_path / "one.db"
    summary_one = _night(_settings(f"sqlite:///{one}", 1), entries)

    shares: list[list[list[SiteEntry]]] = []
    split = shards.split_by_address

    async def spy(entries: list[SiteEntry], parts: int) -> list[list[SiteEntry]]:
        shares.append(await split(entries, parts))
        return shares[-1]

    monkeypatch.setattr(shards, "split_by_address", spy)
    summary_two = _night(_settings(db_url, 2), entries)

    assert [len(share) for share in shares[0]] == [4, 4]
    assert summary_two.checked == summary_one.checked == len(entries)
    assert summary_two.failed == 0 and summary_two.errors == []
    assert summary_two.pages == summary_one.pages > 0
    ours, theirs = _verdicts(db_url), _verdicts(f"sqlite:///{one}")
    assert ours == theirs
    assert len(set(ours.values())) > 1  # verdicts that differ: the comparison means something
    # The PDFs were read in document workers; none outlives the run (their CPU is the run's).
    assert not [pid for pid in _children() if b"oitwatch.documents.isolate" in _cmdline(pid)]
    assert _batches(db_url) == ["completed"]


def test_a_dead_crawl_process_costs_only_its_unchecked_sites(db_url: str) -> None:
    served = _serve(slow=0.3)  # each site takes a few seconds: time to kill a process
    try:
        entries = _entries(served)
        settings = _settings(db_url, 2)
        killed: list[int] = []

        def crawlers() -> list[Any]:
            return [p for p in multiprocessing.active_children() if p.name == "oitwatch-crawl"]

        def kill_one() -> None:
            wait_until("a crawl process", lambda: len(crawlers()) >= 1)
            victim = crawlers()[0]
            assert victim.pid is not None
            os.kill(victim.pid, signal.SIGKILL)
            killed.append(victim.pid)

        killer = threading.Thread(target=kill_one)
        killer.start()
        summary = _night(settings, entries)
        killer.join()
        assert killed
        assert 0 < summary.failed <= 4  # at most the dead process's share
        assert summary.checked >= 4  # the run's own share, and what the dead one finished
        assert summary.checked + summary.failed == len(entries)
        assert all("the crawl process checking it stopped" in error for error in summary.errors)
        assert _batches(db_url) == ["completed_with_errors"]

        resumed = _night(settings, entries, resume=True)
        assert resumed.already_done == summary.checked
        assert resumed.checked == summary.failed and resumed.failed == 0
        assert _batches(db_url) == ["completed"]
    finally:
        for site in served:
            site.stop()
