"""A run killed with SIGKILL mid-way is finished by `oitwatch run --resume`, database intact."""

from __future__ import annotations

import signal
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fixtures.sites import html
from tests.support.cli import invoke, start_cli
from tests.support.files import write_registry
from tests.support.server import FixtureSite, Route
from tests.support.wait import wait_until

SITES = 6


@pytest.fixture
def slow_sites() -> Iterator[list[FixtureSite]]:
    started = []
    for n in range(SITES):
        links = "".join(f"<a href='/p{i}.html'>หน้า {i}</a>" for i in range(20))
        routes = {"/": html(f"อบต.ทดสอบ {n}", links)}
        for i in range(20):
            routes[f"/p{i}.html"] = Route(html(f"หน้า {i}", "<p>ข่าว</p>").body, delay=0.1)
        started.append(FixtureSite(f"127.0.1.{n + 1}", routes).start())
    yield started
    for site in started:
        site.stop()


def _runs(db: Path) -> list[tuple[int, str, int]]:
    try:
        with sqlite3.connect(db) as conn:
            return conn.execute("select site_id, status, batch_id from runs order by id").fetchall()
    except sqlite3.OperationalError:  # the database is still being created
        return []


def test_sigkill_then_resume(slow_sites: list[FixtureSite], tmp_path: Path) -> None:
    registry = write_registry(
        tmp_path / "sites.toml",
        [{"url": f"{s.url}/", "name": f"อบต.ทดสอบ {n}"} for n, s in enumerate(slow_sites)],
    )
    db = tmp_path / "nightly.db"
    env = {"OITWATCH_RUN__SITES_IN_FLIGHT": "2", "OITWATCH_OCR__ENABLED": "false"}
    args = ["run", "--sites", str(registry), "--db", str(db)]
    proc = start_cli(*args, env=env)  # a real process: the kill is the point
    wait_until(
        "two sites completed",
        # Not before oitwatch made it: connecting would create an empty file.
        lambda: db.exists() and sum(1 for _, status, _ in _runs(db) if status == "completed") >= 2,
    )
    assert proc.poll() is None, "the run ended before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)

    with sqlite3.connect(db) as conn:
        assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
        assert conn.execute("select status from batches").fetchall() == [("running",)]
    killed = _runs(db)
    done_before = {site for site, status, _ in killed if status == "completed"}
    assert 2 <= len(done_before) < SITES

    resumed = invoke(*args, "--resume", env=env)
    assert resumed.code == 0, resumed.stderr
    assert f"(ตรวจไปแล้ว {len(done_before)} เว็บไซต์ก่อนทำต่อ)" in resumed.stdout  # Thai first
    with sqlite3.connect(db) as conn:
        assert conn.execute("select status from batches").fetchall() == [("completed",)]
        completed = conn.execute(
            "select site_id, count(*) from runs where status = 'completed' group by site_id"
        ).fetchall()
        # Every site checked exactly once in the batch: the finished ones were not redone.
        assert sorted(count for _, count in completed) == [1] * SITES
        # The runs the kill cut short are kept, marked interrupted, never left 'running'.
        statuses = {status for (status,) in conn.execute("select status from runs")}
        assert statuses <= {"completed", "interrupted"}
        per_run = conn.execute(
            "select count(*) from item_results join runs on runs.id = run_id "
            "where runs.status = 'completed' group by run_id"
        ).fetchall()
        assert [n for (n,) in per_run] == [28] * SITES
    assert invoke(*args, "--resume", env=env).code == 2  # nothing left to resume
