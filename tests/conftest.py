"""Fixture websites on real loopback servers, shared by the whole test session."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures.server import FixtureSite, Route
from tests.fixtures.sites import external_site, good_site, tis620_fallback, tis620_site

# The PostgreSQL fixtures (db_url runs a test on both backends).
pytest_plugins = ["tests.fixtures.postgres"]

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
# ../shared (seeds, notes, the registry sample) is beside the project on CI, not in a user's
# clone: tests that verify citations against it skip without it.
needs_shared = pytest.mark.skipif(
    not SHARED.is_dir(),
    reason="../shared (seed documents, registry sample) is not beside this clone: "
    "citations against the seeds and the real registry sample cannot be checked",
)

# The quick subset (`pytest -m quick`): seconds, no browser, no OCR, no ../shared needed.
# CI also runs it from a copy of the project with no ../shared beside it (test_install.py).
QUICK_FILES = frozenset(
    {
        "test_checklist_data.py",
        "test_checklist_render.py",
        "test_registry.py",
        "test_seeds.py",
        "test_periods.py",
        "test_urls_charset.py",
    }
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.name in QUICK_FILES and item.get_closest_marker("slow") is None:
            item.add_marker(pytest.mark.quick)


# The suite's fixtures and expectations are written against the FY2568 form: pin it, as a user
# would with checklist.year. Tests of the year in force remove the pin (env value None).
PINNED_YEAR = {"OITWATCH_CHECKLIST__YEAR": "2568"}

# Fast, still-polite settings for fixture crawls, passed the way a user would: environment.
FAST_ENV = {
    "OITWATCH_CRAWL__DELAY": "0",
    "OITWATCH_CRAWL__READ_TIMEOUT": "1",
    "OITWATCH_CRAWL__CONNECT_TIMEOUT": "1",
    "OITWATCH_CRAWL__TOTAL_TIMEOUT": "2",
    "OITWATCH_CRAWL__RETRIES": "1",
    "OITWATCH_CRAWL__BACKOFF": "0.05",
    "OITWATCH_CRAWL__PER_HOST": "4",
    "OITWATCH_ALERTS__RECHECK_DELAY": "0",
    **PINNED_YEAR,
}


@pytest.fixture(scope="session", autouse=True)
def _pin_fy2568(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """In-process settings read the environment too: the same pin for them. Runs on
    PostgreSQL have no database folder to log beside: their log goes to a temp folder, never
    into the working tree."""
    with pytest.MonkeyPatch.context() as patch:
        for key, value in PINNED_YEAR.items():
            patch.setenv(key, value)
        patch.setenv("OITWATCH_RUN__LOG_FILE", str(tmp_path_factory.mktemp("log") / "oitwatch.log"))
        yield


@pytest.fixture(scope="session")
def external() -> Iterator[FixtureSite]:
    site = FixtureSite("127.0.0.9", external_site()).start()
    yield site
    site.stop()


@pytest.fixture(scope="session")
def good(external: FixtureSite) -> Iterator[FixtureSite]:
    site = FixtureSite("127.0.0.2", good_site(external.url)).start()
    yield site
    site.stop()


@pytest.fixture(scope="session")
def tis620(external: FixtureSite) -> Iterator[FixtureSite]:
    routes = tis620_site(external.url)
    site = FixtureSite("127.0.0.3", routes, tis620_fallback(external.url)).start()
    # robots.txt and the sitemap need the site's own address, known once it listens.
    routes["/robots.txt"] = Route(
        f"User-agent: *\nDisallow: /private/\nSitemap: {site.url}/sitemap.xml\n".encode(),
        content_type="text/plain",
    )
    routes["/sitemap.xml"] = Route(
        (
            '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<url><loc>{site.url}/participation.php</loc></url>"
            f"<url><loc>{site.url}/index.php</loc></url></urlset>"
        ).encode(),
        content_type="application/xml",
    )
    yield site
    site.stop()


@pytest.fixture(scope="session")
def unreachable_url() -> Iterator[str]:
    """An address that refuses connections: a socket bound but never listening."""
    sock = socket.socket()
    sock.bind(("127.0.0.4", 0))
    yield f"http://127.0.0.4:{sock.getsockname()[1]}/"
    sock.close()


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str

    @property
    def json(self) -> dict[str, Any]:
        return json.loads(self.stdout)


def run_cli(
    *args: str, env: dict[str, str | None] | None = None, timeout: float = 180
) -> CliResult:
    """``oitwatch ARGS`` in a subprocess; an ``env`` value of None removes that variable."""
    merged: dict[str, str | None] = {**os.environ, **FAST_ENV, **(env or {})}
    full_env = {k: v for k, v in merged.items() if v is not None}
    proc = subprocess.run(
        [sys.executable, "-m", "oitwatch", *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
        check=False,
    )
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture(scope="session")
def session_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("db") / "checks.db"


@pytest.fixture(scope="session")
def good_check(good: FixtureSite, session_db: Path) -> CliResult:
    return run_cli("check", good.url, "--format", "json", "--db", str(session_db))


@pytest.fixture(scope="session")
def tis620_check(tis620: FixtureSite, session_db: Path) -> CliResult:
    return run_cli("check", tis620.url, "--format", "json", "--db", str(session_db))
