"""A fetcher and a browser whose every connection goes to an address vetted at that moment
(crawler/guard.py): what the web form's checks, the nightly run and the fleet's workers crawl with."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from oitwatch.config.settings import CrawlSettings, RenderSettings, RunSettings
from oitwatch.crawler.fetcher import Fetcher
from oitwatch.crawler.guard import AddressPolicy, check_url
from oitwatch.crawler.render import Renderer
from oitwatch.crawler.transport import PerHostTransport
from oitwatch.errors import NameNotResolved


def registry_policy(run: RunSettings) -> AddressPolicy:
    """The registry may be edited from the web and imported from lists: runs over it keep to
    public addresses too, except those the settings allow."""
    return AddressPolicy(run.allow_loopback, frozenset(run.allow_hosts))


def guarded_fetcher(
    crawl: CrawlSettings, policy: AddressPolicy, *, unresolved_is_refused: bool = True
) -> Fetcher:
    """``unresolved_is_refused=False``: a name that does not resolve is let through to the
    fetch, which then reports the site unreachable (DNS), as it is (runs over the registry)."""

    async def guard(url: str) -> None:
        if unresolved_is_refused:
            await check_url(url, policy)
            return
        with contextlib.suppress(NameNotResolved):
            await check_url(url, policy)

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
