"""The fetcher against a real local server: caps, retries, limits, robots."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator

import pytest

from oitwatch.config import CrawlSettings
from oitwatch.crawler.fetcher import Fetcher
from oitwatch.crawler.outcomes import Outcome
from tests.support.server import FixtureSite, Route

FAST = {"delay": 0.0, "read_timeout": 1, "connect_timeout": 1, "total_timeout": 2, "backoff": 0.01}


class Flaky(dict[str, Route]):
    """Answers 503 for the first two requests to /flaky, then 200."""

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0
        self.lock = threading.Lock()
        self.active = 0
        self.peak = 0

    def get(self, key: str, default: Route | None = None) -> Route | None:  # type: ignore[override]
        if key == "/flaky":
            with self.lock:
                self.calls += 1
                return Route(b"ok") if self.calls > 2 else Route(b"busy", status=503)
        if key.startswith("/slowish"):
            with self.lock:
                self.active += 1
                self.peak = max(self.peak, self.active)
            time.sleep(0.1)
            with self.lock:
                self.active -= 1
            return Route(b"<html>x</html>")
        return super().get(key, default)


@pytest.fixture
def server() -> Iterator[tuple[FixtureSite, Flaky]]:
    routes = Flaky()
    routes["/big"] = Route(b"x" * 50_000)
    routes["/robots.txt"] = Route(b"User-agent: *\nDisallow: /secret\n", content_type="text/plain")
    routes["/secret"] = Route(b"hidden")
    routes["/empty"] = Route(b"")
    site = FixtureSite("127.0.0.6", routes).start()  # type: ignore[arg-type]
    yield site, routes
    site.stop()


def _run(settings: CrawlSettings, *urls: str) -> list[Outcome]:
    async def main() -> list[Outcome]:
        async with Fetcher(settings) as fetcher:
            results = await asyncio.gather(*(fetcher.fetch(u) for u in urls))
        return [r.outcome for r in results]

    return asyncio.run(main())


def test_size_cap(server: tuple[FixtureSite, Flaky]) -> None:
    site, _ = server
    assert _run(CrawlSettings(**FAST, max_bytes=10_000), f"{site.url}/big") == [Outcome.TOO_LARGE]


def test_transient_errors_are_retried(server: tuple[FixtureSite, Flaky]) -> None:
    site, routes = server
    assert _run(CrawlSettings(**FAST, retries=2), f"{site.url}/flaky") == [Outcome.OK]
    assert routes.calls == 3


def test_retries_are_bounded(server: tuple[FixtureSite, Flaky]) -> None:
    site, routes = server
    assert _run(CrawlSettings(**FAST, retries=1), f"{site.url}/flaky") == [Outcome.HTTP_ERROR]
    assert routes.calls == 2


def test_robots_and_empty(server: tuple[FixtureSite, Flaky]) -> None:
    site, _ = server
    outcomes = _run(
        CrawlSettings(**FAST), f"{site.url}/secret", f"{site.url}/empty", f"{site.url}/missing"
    )
    assert outcomes == [Outcome.BLOCKED_BY_ROBOTS, Outcome.EMPTY, Outcome.HTTP_ERROR]


def test_per_host_limit(server: tuple[FixtureSite, Flaky]) -> None:
    site, routes = server
    urls = [f"{site.url}/slowish{n}" for n in range(12)]
    assert set(_run(CrawlSettings(**FAST, per_host=3, concurrency=20), *urls)) == {Outcome.OK}
    assert routes.peak == 3


def test_delay_between_requests(server: tuple[FixtureSite, Flaky]) -> None:
    site, _ = server
    start = time.monotonic()
    _run(CrawlSettings(**{**FAST, "delay": 0.2}), *(f"{site.url}/big?{n}" for n in range(4)))
    # robots.txt + 4 pages, one start every 0.2 s
    assert time.monotonic() - start >= 0.8
