"""The fetcher that runs over the registry (nightly run and fleet workers) refuses private and
metadata addresses unless the settings allow them, and lets loopback through by default."""

from __future__ import annotations

import asyncio
import ipaddress
from typing import Any

import pytest

from oitwatch.config import Settings
from oitwatch.crawler import guard
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


def test_an_origin_that_passed_is_not_resolved_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """The guard resolves a name once a minute, not once a request (the transport vets every
    connection it opens anyway); a refusal is asked again every time."""
    page = Route(b"<html><title>ok</title></html>")
    site = FixtureSite("127.0.4.2", {f"/p{n}": page for n in range(5)}).start()
    asked: list[str] = []
    real = guard.resolve

    async def resolve(host: str, port: int) -> list[Any]:
        asked.append(host)
        if host == "agency.test":
            return [ipaddress.ip_address(site.ip)]
        if host == "private.test":
            return [ipaddress.ip_address("10.0.0.1")]
        return await real(host, port)

    monkeypatch.setattr(guard, "resolve", resolve)
    settings = Settings.model_validate({"crawl": {"delay": 0, "retries": 0}})

    async def fetch_all() -> list[Outcome]:
        policy = registry_policy(settings.run)
        async with guarded_fetcher(settings.crawl, policy, unresolved_is_refused=False) as fetcher:
            urls = [f"http://agency.test:{site.port}/p{n}" for n in range(5)]
            urls += ["http://private.test/", "http://private.test/"]
            return [(await fetcher.fetch(url)).outcome for url in urls]

    try:
        outcomes = asyncio.run(fetch_all())
    finally:
        site.stop()
    assert outcomes == [Outcome.OK] * 5 + [Outcome.FORBIDDEN] * 2
    # Once by the guard, once by the transport for its one connection (robots.txt's included).
    assert asked.count("agency.test") == 2
    assert asked.count("private.test") == 2
