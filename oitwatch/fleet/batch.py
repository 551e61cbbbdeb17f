"""`oitwatch run --queue`: one queue job per site of a batch, named by a key so that asking
twice (two schedulers, an operator re-running the command) enqueues nothing new."""

from __future__ import annotations

import asyncio
import socket
import zlib
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from procrastinate import App
from procrastinate.exceptions import AlreadyEnqueued

from oitwatch.checklist.loader import form_for
from oitwatch.config import Settings
from oitwatch.config.registry import SiteEntry
from oitwatch.fleet.app import SITE_TASK, ensure_queue_schema, make_app, require_postgres
from oitwatch.fleet.store import FleetStore
from oitwatch.storage import Database, RunStatus


@dataclass(frozen=True)
class Enqueued:
    batch_id: int
    key: str
    sites: int
    added: int  # rows new to the batch
    queued: int  # queue jobs put on the queue now
    completed: bool  # the batch had finished already: nothing was queued


def batch_key(settings: Settings, now: datetime | None = None) -> str:
    """Tonight's batch: the date where the schedule lives (a night that starts at 01:00
    Bangkok time is that date's batch, whichever machine asks)."""
    moment = now or datetime.now(ZoneInfo(settings.schedule.timezone))
    return moment.astimezone(ZoneInfo(settings.schedule.timezone)).strftime("%Y-%m-%d")


async def _server_of(host: str, port: int) -> str:
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError:
        return host  # the check itself will report the DNS failure
    return str(infos[0][4][0]) if infos else host


async def politeness_locks(urls: list[str], per_ip: int) -> dict[str, str]:
    """The queue lock of each site: its server address and one of ``per_ip`` slots, chosen by
    host. A worker crawls a site with one request in flight, so at most ``per_ip`` requests
    reach a server from the whole fleet; one host always gets the same slot, so its sites run
    one after another and its delay (and robots Crawl-delay) holds fleet-wide."""
    hosts = {}
    for url in urls:
        parts = urlsplit(url)
        hosts[url] = (
            (parts.hostname or "").lower(),
            parts.port or (443 if parts.scheme == "https" else 80),
        )
    distinct = sorted(set(hosts.values()))
    slots = asyncio.Semaphore(32)

    async def resolve(host: str, port: int) -> str:
        async with slots:
            return await _server_of(host, port)

    servers = dict(
        zip(distinct, await asyncio.gather(*(resolve(h, p) for h, p in distinct)), strict=True)
    )
    locks = {}
    for url, (host, port) in hosts.items():
        slot = zlib.crc32(f"{host}:{port}".encode()) % max(per_ip, 1)
        locks[url] = f"ip:{servers[(host, port)]}#{slot}"
    return locks


async def defer_site(app: App, fleet_job_id: int, lock: str) -> int | None:
    try:
        return await app.configure_task(
            name=SITE_TASK, lock=lock, queueing_lock=f"site:{fleet_job_id}"
        ).defer_async(fleet_job_id=fleet_job_id)
    except AlreadyEnqueued:
        return None  # already waiting on the queue


async def enqueue_batch(
    settings: Settings,
    db: Database,
    sites: list[SiteEntry],
    *,
    key: str | None = None,
    trigger: str = "manual",
) -> Enqueued:
    url = settings.database_url
    require_postgres(url)
    ensure_queue_schema(url)
    store = FleetStore(db)
    key = key or batch_key(settings)
    batch_id, status = store.batch_for_key(key, form_for(settings).year, trigger)
    if status == RunStatus.COMPLETED.value:
        return Enqueued(batch_id, key, 0, 0, 0, True)
    locks = await politeness_locks([s.url for s in sites], settings.crawl.per_ip)
    queued = 0
    app = make_app(url)
    async with app.open_async():
        with store.enqueue_lock(batch_id):
            added = store.add_jobs(
                batch_id, [(s.url, s.model_dump(mode="json"), locks[s.url]) for s in sites]
            )
            for fleet_job_id, lock in store.not_on_queue(batch_id):
                job_id = await defer_site(app, fleet_job_id, lock)
                if job_id is not None:
                    store.set_job_id(fleet_job_id, job_id)
                    queued += 1
    counts = store.counts(key)
    return Enqueued(batch_id, key, counts.total if counts else len(sites), added, queued, False)
