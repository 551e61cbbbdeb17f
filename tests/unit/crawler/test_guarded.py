"""The fetcher that runs over the registry (nightly run and fleet workers) refuses private and
metadata addresses unless the settings allow them, and lets loopback through by default."""

from __future__ import annotations

import asyncio

from oitwatch.config import Settings
from oitwatch.crawler.guarded import guarded_fetcher, registry_policy
from oitwatch.crawler.outcomes import Outcome
from tests.support.server import FixtureSite, Route


def test_registry_fetcher_refuses_metadata_and_private_addresses() -> None:
    site = FixtureSite("127.0.4.1", {"/": Route(b"<html><title>ok</title></html>")}).start()
    settings = Settings.model_validate({"crawl": {"delay": 0, "retries": 0}})

    async def fetch_all() -> list[Outcome]:
        policy = registry_policy(settings.run)
        async with guarded_fetcher(settings.crawl, policy, unresolved_is_refused=False) as fetcher:
            results = [
                await fetcher.fetch(url)
                for url in (f"{site.url}/", "http://169.254.169.254/latest/", "http://10.0.0.1/")
            ]
        return [r.outcome for r in results]

    try:
        loopback, metadata, private = asyncio.run(fetch_all())
    finally:
        site.stop()
    assert loopback is Outcome.OK  # run.allow_loopback is on by default
    assert metadata is Outcome.FORBIDDEN
    assert private is Outcome.FORBIDDEN
