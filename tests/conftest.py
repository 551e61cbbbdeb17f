"""Fixture websites on real loopback servers, shared by the whole test session."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fixtures.sites import external_site, good_site, tis620_fallback, tis620_site
from tests.support.cli import PINNED_YEAR, CliResult, check_json
from tests.support.server import FixtureSite, Route

# The PostgreSQL fixtures (db_url runs a test on both backends).
pytest_plugins = ["tests.fixtures.postgres"]

# The quick subset (`pytest -m quick`): seconds, no browser, no OCR, no ../shared needed.
# CI also runs it from a copy of the project with no ../shared beside it (test_install.py).
QUICK_FILES = frozenset(
    {
        "test_checklist_data.py",
        "test_checklist_render.py",
        "test_docs.py",
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


@pytest.fixture(scope="session")
def session_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("db") / "checks.db"


@pytest.fixture(scope="session")
def good_check(good: FixtureSite, session_db: Path) -> CliResult:
    return check_json(good.url, session_db)


@pytest.fixture(scope="session")
def tis620_check(tis620: FixtureSite, session_db: Path) -> CliResult:
    return check_json(tis620.url, session_db)
