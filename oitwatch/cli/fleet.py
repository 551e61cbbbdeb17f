"""The fleet's commands: `oitwatch worker`, `oitwatch status`, and what `run --queue` and
`schedule --queue` do. Registered on the main command group by oitwatch/cli/main.py."""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Coroutine
from datetime import datetime
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from oitwatch.config import Settings
    from oitwatch.config.registry import SiteEntry
    from oitwatch.fleet.store import BatchCounts
    from oitwatch.storage import Database


def _fail(message: str) -> None:
    from oitwatch.cli.main import _fail as fail

    fail(message)


def run_queued(settings: Settings, sites: list[SiteEntry], key: str | None) -> None:
    """`oitwatch run --queue`: put the batch on the queue and say what was added."""
    from oitwatch.errors import OitwatchError
    from oitwatch.fleet.app import require_postgres
    from oitwatch.fleet.batch import enqueue_batch
    from oitwatch.storage import open_database

    try:
        require_postgres(settings.database_url)  # before a SQLite file is made for nothing
        db = open_database(settings.database_url)
        try:
            done = asyncio.run(enqueue_batch(settings, db, sites, key=key))
        finally:
            db.close()
    except OitwatchError as exc:
        _fail(str(exc))
        return
    if done.completed:
        click.echo(f"batch {done.key} (run {done.batch_id}) is complete already: nothing queued")
        return
    click.echo(
        f"batch {done.key} (run {done.batch_id}): {done.sites} sites, {done.added} new, "
        f"{done.queued} put on the queue; start 'oitwatch worker' on the checking machines"
    )


def queued_job(settings: Settings, db: Database, missed: datetime | None) -> Any:
    """The scheduler's nightly job in queue mode: enqueue the night's batch, keyed by its date,
    so schedulers on two machines enqueue it once. The catch-up at start is the missed night's
    batch (``missed``): a no-op when that night ran."""
    from oitwatch.cli.main import _registry
    from oitwatch.errors import OitwatchError
    from oitwatch.fleet.app import require_postgres
    from oitwatch.fleet.batch import batch_key, enqueue_batch

    try:
        require_postgres(settings.database_url)  # now, not at 01:00
    except OitwatchError as exc:
        _fail(str(exc))

    async def job(name: str) -> object:
        key = batch_key(settings, missed if name == "catch-up" else None)
        done = await enqueue_batch(settings, db, _registry(settings), key=key, trigger=name)
        click.echo(
            f"oitwatch: {name}: batch {done.key}: {done.added} new sites, "
            f"{done.queued} put on the queue",
            err=True,
        )
        return done

    return job


def describe(counts: BatchCounts | None) -> str:
    if counts is None:
        return "no fleet batch yet (start one with 'oitwatch run --queue')"
    s = counts.by_status
    finished = s.get("done", 0) + s.get("failed", 0)
    return "\n".join(
        [
            f"batch {counts.key} (run {counts.batch_id}): {counts.status}, "
            f"{finished}/{counts.total} sites finished",
            f"  queued {s.get('queued', 0)}  running {s.get('running', 0)}  "
            f"waiting for OCR {s.get('waiting_ocr', 0)}  done {s.get('done', 0)}  "
            f"failed {s.get('failed', 0)}",
            f"  scans waiting for OCR {counts.ocr_waiting}",
            f"  workers seen in the last minute {counts.workers}",
        ]
    )


@click.command()
@click.option(
    "--concurrency", type=int, default=None, help="Site jobs at once [fleet.concurrency]."
)
@click.option(
    "--queues", default="crawl,ocr", show_default=True, help="Which jobs to take: crawl, ocr."
)
@click.option("--db", "database", default=None, help="PostgreSQL URL [settings: database].")
@click.pass_context
def worker(ctx: click.Context, concurrency: int | None, queues: str, database: str | None) -> None:
    """Take site and OCR jobs from the fleet's queue until SIGTERM (which finishes the sites in
    progress first). Run one on each checking machine.

    Example: oitwatch worker --db postgresql+psycopg://oitwatch@db.example/oitwatch --queues crawl
    """
    from oitwatch.cli.main import _database, _settings
    from oitwatch.documents.ocr import OcrEngine
    from oitwatch.errors import OitwatchError
    from oitwatch.fleet.app import require_postgres
    from oitwatch.fleet.worker import FleetWorker, usable_queues

    settings = _settings(ctx, database=database)
    try:
        require_postgres(settings.database_url)
    except OitwatchError as exc:
        _fail(str(exc))
    ocr = settings.ocr
    wanted = [q.strip() for q in queues.split(",") if q.strip()]
    engine = OcrEngine(ocr.languages, dpi=ocr.dpi)
    kept, why = usable_queues(wanted, engine)
    if why:
        click.echo(f"oitwatch: {why}", err=True)
    if not kept:
        _fail("no queue left to work on")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("procrastinate").setLevel(logging.WARNING)
    db = _database(settings, long_lived=True)
    fleet_worker = FleetWorker(settings, db, kept)
    click.echo(
        f"oitwatch: worker {fleet_worker.name} on {', '.join(kept)}; SIGTERM stops it cleanly",
        err=True,
    )
    try:
        _run(fleet_worker.run(concurrency or settings.fleet.concurrency))
    except OitwatchError as exc:
        _fail(str(exc))
    finally:
        db.close()
    click.echo(f"oitwatch: worker {fleet_worker.name} stopped", err=True)


def _run(coroutine: Coroutine[Any, Any, None]) -> None:
    try:
        asyncio.run(coroutine)
    except KeyboardInterrupt:
        sys.exit(130)


@click.command()
@click.option("--batch", "key", default=None, help="Batch key, e.g. 2026-12-01 [the newest].")
@click.option("--db", "database", default=None, help="PostgreSQL URL [settings: database].")
@click.pass_context
def status(ctx: click.Context, key: str | None, database: str | None) -> None:
    """A fleet batch's progress: sites queued, running, done, failed; scans waiting for OCR;
    workers seen in the last minute.

    Example: oitwatch status --batch 2026-12-01
    """
    from oitwatch.cli.main import _database, _settings
    from oitwatch.errors import OitwatchError
    from oitwatch.fleet.app import require_postgres
    from oitwatch.fleet.store import FleetStore

    settings = _settings(ctx, database=database)
    try:
        require_postgres(settings.database_url)
    except OitwatchError as exc:
        _fail(str(exc))
    db = _database(settings)
    try:
        click.echo(describe(FleetStore(db).counts(key)))
    finally:
        db.close()


def register(group: click.Group) -> None:
    group.add_command(worker)
    group.add_command(status)
