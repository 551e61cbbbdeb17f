"""Ctrl-C in the middle of a crawl leaves the database consistent, with the run marked interrupted."""

from __future__ import annotations

import signal
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.cli import invoke, start_cli
from tests.support.server import FixtureSite, Route
from tests.support.wait import wait_until


@pytest.fixture
def slow_site() -> Iterator[FixtureSite]:
    def page(n: int) -> Route:
        links = "".join(f"<a href='/p{m}.html'>หน้า {m}</a>" for m in range(5 * n + 1, 5 * n + 6))
        body = f"<html><head><title>หน้า {n}</title></head><body>{links}</body></html>"
        return Route(body.encode(), delay=0.05)

    routes = {f"/p{n}.html": page(n) for n in range(400)}
    routes["/"] = routes["/p0.html"]
    site = FixtureSite("127.0.0.5", routes).start()
    yield site
    site.stop()


def test_ctrl_c_marks_run_interrupted(slow_site: FixtureSite, tmp_path: Path) -> None:
    db = tmp_path / "interrupt.db"
    env = {"OITWATCH_CRAWL__PER_HOST": "2"}
    # A real process: Ctrl-C is a signal to it.
    proc = start_cli("check", slow_site.url, "--db", str(db), "--max-pages", "400", env=env)
    # Past the first resource batch, mid-crawl.
    wait_until("250 requests", lambda: len(slow_site.requests) >= 250, timeout=60, step=0.05)
    assert proc.poll() is None, "the check ended before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "interrupted" in stderr
    assert "Traceback" not in stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
        status, pages, error = conn.execute(
            "select status, pages_fetched, error from runs"
        ).fetchone()
        assert status == "interrupted"
        assert error == "interrupted by the user"
        assert pages > 0
        assert conn.execute("select count(*) from resources").fetchone()[0] == pages
        assert conn.execute("select count(*) from item_results").fetchone()[0] == 0
    # The next check of the same site starts a fresh run and leaves the interrupted one as it was.
    done = invoke("check", slow_site.url, "--db", str(db), "--max-pages", "20", env=env)
    assert done.code == 1, done.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("select status from runs order by id").fetchall() == [
            ("interrupted",),
            ("completed",),
        ]
