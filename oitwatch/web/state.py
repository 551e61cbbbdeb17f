"""What the web app holds while it runs, typed: opened by the lifespan, read by handlers
through ``web_state(request)``."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass

from starlette.applications import Starlette
from starlette.requests import Request

from oitwatch.config import Settings
from oitwatch.crawler.guard import AddressPolicy, check_url
from oitwatch.crawler.guarded import guarded_clients
from oitwatch.pipeline.site import CheckReport, Progress, check_site
from oitwatch.storage import Database, open_database
from oitwatch.web.jobs import Job, JobQueue


@dataclass(frozen=True)
class WebState:
    settings: Settings
    db: Database
    queue: JobQueue
    policy: AddressPolicy  # which addresses the form (and the registry editor) may reach
    registry_lock: asyncio.Lock  # one registry edit at a time

    async def guard(self, url: str) -> None:
        await check_url(url, self.policy)


def policy_for(settings: Settings) -> AddressPolicy:
    return AddressPolicy(settings.web.allow_loopback, frozenset(settings.web.allow_hosts))


def web_state(request: Request) -> WebState:
    state = request.state.web
    if not isinstance(state, WebState):  # only if the app was started without its lifespan
        raise RuntimeError("the web app's lifespan has not run")
    return state


def lifespan_for(
    settings: Settings,
) -> Callable[[Starlette], AbstractAsyncContextManager[dict[str, WebState]]]:
    policy = policy_for(settings)

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[dict[str, WebState]]:
        db = open_database(settings.database_url, migrate_apart=True)  # serves for days

        async def run_check(job: Job, progress: Callable[[Progress], None]) -> CheckReport:
            # Every connection, the browser's included, goes to an address vetted at that moment.
            async with guarded_clients(settings.crawl, settings.render, policy) as (f, r):
                return await check_site(
                    job.url, settings, db, fetcher=f, renderer=r, on_progress=progress
                )

        web = settings.web
        queue = JobQueue(run_check, workers=web.workers, per_client=web.checks_per_client)
        queue.start()
        try:
            # Starlette copies this mapping into every request's state: request.state.web.
            yield {"web": WebState(settings, db, queue, policy, asyncio.Lock())}
        finally:
            await queue.stop()
            db.close()

    return lifespan
