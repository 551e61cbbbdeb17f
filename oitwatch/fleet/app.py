"""The job queue: procrastinate, in the same PostgreSQL database as the findings.

Two queues: ``crawl`` (one job per site of a batch) and ``ocr`` (one job per distinct scan).
Jobs carry only ids; what they are about lives in oitwatch's own tables (fleet_jobs,
ocr_requests), so the queue can be emptied or rebuilt without losing a batch.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import psycopg
from procrastinate import App, JobContext, PsycopgConnector, RetryStrategy
from procrastinate.schema import SchemaManager
from sqlalchemy.engine import make_url

from oitwatch.errors import ConfigError

CRAWL_QUEUE = "crawl"
OCR_QUEUE = "ocr"
QUEUES = (CRAWL_QUEUE, OCR_QUEUE)
SITE_TASK = "oitwatch.check_site"
OCR_TASK = "oitwatch.read_scan"
_SCHEMA_LOCK = 7340032009  # pg_advisory_xact_lock key: one machine installs the queue tables

SiteHandler = Callable[[int, int], Awaitable[None]]  # (fleet job id, queue job id)
OcrHandler = Callable[[str, str], Awaitable[None]]


def require_postgres(url: str) -> None:
    if not url.startswith("postgresql"):
        raise ConfigError(
            "a fleet needs a PostgreSQL database: set database = "
            '"postgresql+psycopg://user@host/oitwatch" in the settings or pass --db '
            f"(this one is {url.split(':', 1)[0]})"
        )


def conninfo(url: str) -> str:
    """The libpq form of a SQLAlchemy URL (procrastinate talks to psycopg directly)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def ensure_queue_schema(url: str) -> None:
    """Install procrastinate's tables once; machines starting together wait for the first."""
    with psycopg.connect(conninfo(url), autocommit=True) as conn, conn.transaction():
        conn.execute(f"SELECT pg_advisory_xact_lock({_SCHEMA_LOCK})")
        row = conn.execute("SELECT to_regclass('procrastinate_jobs')").fetchone()
        if row is None or row[0] is None:
            conn.execute(SchemaManager.get_schema())


def make_app(
    url: str, *, on_site: SiteHandler | None = None, on_ocr: OcrHandler | None = None
) -> App:
    """The procrastinate app. A process that only enqueues passes no handlers: the tasks are
    declared so their names resolve, and never run there."""

    async def missing(*_: object) -> None:
        raise RuntimeError("this process only enqueues jobs")

    site_handler = on_site or missing
    ocr_handler = on_ocr or missing
    app = App(connector=PsycopgConnector(conninfo=conninfo(url), min_size=1, max_size=4))
    # oitwatch counts attempts itself (fleet_jobs.attempts, stalls included) and stops
    # raising when a site has had its tries; procrastinate only has to run it again.
    retry = RetryStrategy(max_attempts=50, wait=2)

    @app.task(name=SITE_TASK, queue=CRAWL_QUEUE, retry=retry, pass_context=True)
    async def check_site_task(context: JobContext, fleet_job_id: int) -> None:
        assert context.job.id is not None
        await site_handler(fleet_job_id, context.job.id)

    @app.task(name=OCR_TASK, queue=OCR_QUEUE, retry=retry)
    async def read_scan_task(content_hash: str, engine: str) -> None:
        await ocr_handler(content_hash, engine)

    return app
