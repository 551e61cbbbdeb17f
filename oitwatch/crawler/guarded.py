"""A fetcher and a browser whose every connection goes to an address vetted at that moment
(crawler/guard.py): what the web form's checks, the nightly run and the fleet's workers crawl with."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from oitwatch.config.settings import CrawlSettings, RenderSettings, RunSettings
from oitwatch.crawler.fetcher import Fetcher
from oitwatch.crawler.guard import AddressPolicy, check_url
from oitwatch.crawler.render import Renderer
from oitwatch.crawler.transport import PerHostTransport
from oitwatch.errors import NameNotResolved

REMEMBER_SECONDS = 60.0
MAX_REMEMBERED = 10_000


def _origin(url: str) -> str:
    """``scheme://host:port`` of a URL, as written (a key, never parsed for a host)."""
    start = url.find("//")
    end = url.find("/", start + 2) if start >= 0 else -1
    return url if end < 0 else url[:end]


def registry_policy(run: RunSettings) -> AddressPolicy:
    """The registry may be edited from the web and imported from lists: runs over it keep to
    public addresses too, except those the settings allow."""
    return AddressPolicy(run.allow_loopback, frozenset(run.allow_hosts))


def guarded_fetcher(
    crawl: CrawlSettings, policy: AddressPolicy, *, unresolved_is_refused: bool = True
) -> Fetcher:
    """``unresolved_is_refused=False``: a name that does not resolve is let through to the
    fetch, which then reports the site unreachable (DNS), as it is (runs over the registry)."""

    # Origins whose addresses passed the policy lately. The check resolves the name (a DNS
    # query through a thread, for every request of a crawl); the transport vets the address
    # of every connection it opens anyway (crawler/transport.py), so with a pass a minute old
    # nothing reaches an address a fresh check would refuse. Refusals are never remembered.
    passed: dict[str, float] = {}

    async def guard(url: str) -> None:
        origin = _origin(url)
        now = time.monotonic()
        if passed.get(origin, 0.0) > now:
            return
        if unresolved_is_refused:
            await check_url(url, policy)
        else:
            try:
                await check_url(url, policy)
            except NameNotResolved:
                return  # not remembered: the fetch itself reports the name unresolved
        if len(passed) >= MAX_REMEMBERED:
            passed.clear()
        passed[origin] = now + REMEMBER_SECONDS

    return Fetcher(crawl, transport=PerHostTransport(crawl.per_host, policy=policy), guard=guard)


@asynccontextmanager
async def guarded_clients(
    crawl: CrawlSettings,
    render: RenderSettings,
    policy: AddressPolicy,
    *,
    unresolved_is_refused: bool = True,
) -> AsyncIterator[tuple[Fetcher, Renderer]]:
    async with (
        guarded_fetcher(crawl, policy, unresolved_is_refused=unresolved_is_refused) as fetcher,
        Renderer(render, crawl.user_agent, policy) as renderer,
    ):
        yield fetcher, renderer
