"""JavaScript-built sites in real headless Chromium (Debian's, via Playwright)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fixtures.js_sites import js_site_routes
from tests.support.cli import CliResult, check_json, stored_view
from tests.support.server import FixtureSite

RENDER_ENV = {
    "OITWATCH_RENDER__PAGE_TIMEOUT": "4",
    "OITWATCH_RENDER__SETTLE": "1",
    "OITWATCH_OCR__ENABLED": "false",
}


@pytest.fixture(scope="module")
def twins() -> Iterator[tuple[FixtureSite, FixtureSite]]:
    static = FixtureSite("127.0.0.14", js_site_routes(scripted=False)).start()
    scripted = FixtureSite("127.0.0.15", js_site_routes(scripted=True)).start()
    yield static, scripted
    static.stop()
    scripted.stop()


def _check(url: str, db: Path, *extra: str) -> CliResult:
    return check_json(url, db, *extra, env=RENDER_ENV)


def _statuses(result: CliResult) -> dict[str, str]:
    return {i["id"]: i["status"] for i in result.json["items"]}


def test_scripted_site_gets_the_same_verdicts_as_its_static_twin(
    twins: tuple[FixtureSite, FixtureSite], tmp_path: Path
) -> None:
    static, scripted = twins
    plain = _check(static.url, tmp_path / "s.db")
    assert plain.json["pages_rendered"] == 0  # static: no browser at all
    started = time.monotonic()
    rendered = _check(scripted.url, tmp_path / "j.db", "--render", "auto")
    elapsed = time.monotonic() - started
    assert _statuses(rendered) == _statuses(plain)
    expected = {"O1": "pass", "O2": "pass", "O3": "partial", "O4": "pass", "O5": "pass"}
    assert {k: v for k, v in _statuses(plain).items() if k in expected} == expected
    assert rendered.json["pages_rendered"] >= 5
    assert stored_view(tmp_path / "j.db").pages_rendered == rendered.json["pages_rendered"]
    # The page that never finishes loading and the one with dialogs did not hang the run.
    assert elapsed < 90


def test_never_rendering_reports_everything_missing(
    twins: tuple[FixtureSite, FixtureSite], tmp_path: Path
) -> None:
    _, scripted = twins
    result = _check(scripted.url, tmp_path / "n.db", "--render", "never")
    assert set(_statuses(result).values()) <= {"missing", "broken"}
    assert any("built by JavaScript" in note for note in result.json["notes"])


def test_site_is_remembered_as_scripted(
    twins: tuple[FixtureSite, FixtureSite], tmp_path: Path
) -> None:
    import sqlite3

    _, scripted = twins
    db = tmp_path / "m.db"
    _check(scripted.url, db)
    with sqlite3.connect(db) as conn:
        assert conn.execute("select needs_render from sites").fetchone() == (1,)


def test_screenshots_of_evidence(twins: tuple[FixtureSite, FixtureSite], tmp_path: Path) -> None:
    _, scripted = twins
    shots = tmp_path / "shots"
    result = check_json(
        scripted.url,
        tmp_path / "p.db",
        "--screenshots",
        env={**RENDER_ENV, "OITWATCH_RENDER__SCREENSHOTS_DIR": str(shots)},
    )
    with_shot = [i for i in result.json["items"] if i["screenshot"]]
    assert {i["id"] for i in with_shot} >= {"O1", "O2", "O3", "O4"}
    for item in with_shot:
        assert Path(item["screenshot"]).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_missing_browser_is_a_note_not_a_crash(
    twins: tuple[FixtureSite, FixtureSite], tmp_path: Path
) -> None:
    _, scripted = twins
    result = check_json(
        scripted.url,
        tmp_path / "x.db",
        env={**RENDER_ENV, "OITWATCH_RENDER__EXECUTABLE": "/nonexistent/chromium"},
    )
    assert result.code == 1
    assert any("no browser" in note for note in result.json["notes"])


def test_a_site_that_stopped_needing_rendering_is_forgotten(
    twins: tuple[FixtureSite, FixtureSite], tmp_path: Path
) -> None:
    import sqlite3

    static, _ = twins
    db = tmp_path / "f.db"
    _check(static.url, db)
    with sqlite3.connect(db) as conn:
        conn.execute("update sites set needs_render = 1")  # as if it used to be a script site
    rendered = _check(static.url, db)
    assert rendered.json["pages_rendered"] > 0  # remembered: rendered from the start
    with sqlite3.connect(db) as conn:
        assert conn.execute("select needs_render from sites").fetchone() == (0,)
    assert _check(static.url, db).json["pages_rendered"] == 0


# -- a single-page application: soft-404 decided on what the browser shows (issue 9, A6) ---


@pytest.fixture(scope="module")
def spa() -> Iterator[FixtureSite]:
    from tests.fixtures.spa_site import spa_routes

    routes, shell = spa_routes()
    site = FixtureSite("127.0.0.1", routes, fallback=lambda _path: shell).start()
    yield site
    site.stop()


def test_single_page_app_is_judged_on_its_rendered_pages(spa: FixtureSite, tmp_path: Path) -> None:
    result = _check(spa.url, tmp_path / "spa.db", "--render", "auto")
    statuses = _statuses(result)
    # Every route answers 200 with the same shell: a print of the unrendered probe would
    # have made every page "not found". Rendered, the real pages are read...
    assert {k: statuses[k] for k in ("O1", "O2", "O5")} == {
        "O1": "pass",
        "O2": "pass",
        "O5": "pass",
    }
    assert statuses["O3"] in ("pass", "partial")  # read, whatever its elements
    # ...and the declared route the app does not know shows its "not found" view: broken.
    assert statuses["O6"] == "broken"
    assert result.json["pages_rendered"] >= 5


def test_vendor_template_pages_are_read_without_a_browser(tmp_path: Path) -> None:
    """Dozens of scripts and a <noscript> warning, but the static HTML holds the rows and
    the links: nothing is rendered (issue 15, class 7)."""
    from tests.fixtures.ita_layouts import LAYOUTS

    site = FixtureSite("127.0.0.1", {}).start()
    try:
        routes, _ = LAYOUTS["detail_pages"](site.url)
        site.routes.update(routes)
        result = _check(site.url, tmp_path / "v.db", "--render", "auto")
    finally:
        site.stop()
    assert result.json["pages_rendered"] == 0
    assert result.json["pages_fetched"] > 28
