"""A fetcher and a browser whose every connection goes to an address vetted at that moment
(web/guard.py): what the web form's checks and the nightly run both crawl with."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from oitwatch.config.settings import CrawlSettings, RenderSettings
from oitwatch.crawler.fetcher import Fetcher
from oitwatch.crawler.render import Renderer
from oitwatch.crawler.transport import PerHostTransport
from oitwatch.errors import NameNotResolved
from oitwatch.web.guard import AddressPolicy, check_url


@asynccontextmanager
async def guarded_clients(
    crawl: CrawlSettings,
    render: RenderSettings,
    policy: AddressPolicy,
    *,
    unresolved_is_refused: bool = True,
) -> AsyncIterator[tuple[Fetcher, Renderer]]:
    """``unresolved_is_refused=False``: a name that does not resolve is let through to the
    fetch, which then reports the site unreachable (DNS), as it is (the nightly run)."""

    async def guard(url: str) -> None:
        if unresolved_is_refused:
            await check_url(url, policy)
            return
        with contextlib.suppress(NameNotResolved):
            await check_url(url, policy)

    async with (
        Fetcher(
            crawl, transport=PerHostTransport(crawl.per_host, policy=policy), guard=guard
        ) as fetcher,
        Renderer(render, crawl.user_agent, policy) as renderer,
    ):
        yield fetcher, renderer
