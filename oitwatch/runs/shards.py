"""A run split across the machine's cores. One Python process parses, judges and stores on one
core; a nightly of thousands of sites without a delay is bound by that core (measured: 4 ms of
CPU a page, the second core idle), and the polite nightly's projection assumes every core works.
So a large run checks on every core: the run's own process checks one share of the sites and
starts a crawl process for each other share, with its own fetcher and its own connection to
the database, reporting back through a pipe.

Sites that share a server address go to the same process: the per-IP limit (shared hosting)
and the per-host delay are kept by one fetcher, as in a run in one process.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import multiprocessing
import os
import signal
import time
from multiprocessing.connection import Connection
from urllib.parse import urlsplit

from oitwatch.config import Settings
from oitwatch.config.registry import SiteEntry
from oitwatch.crawler.fetcher import first_address
from oitwatch.errors import StorageError
from oitwatch.runs.checking import Listener, SiteOutcome, check_sites, log_to_file
from oitwatch.storage import Database, open_database
from oitwatch.storage.database import in_memory

log = logging.getLogger(__name__)

# Below this many sites per process a second process costs more than it gives (it imports
# everything again, ~1 s, and holds its own ~60 MB), so an automatic split leaves small runs
# (a province's few dozen sites, every test) in one process.
MIN_SITES_PER_PROCESS = 24
MAX_AUTO_PROCESSES = 8
_RESOLVING = 32  # name lookups at once while grouping sites by address
_PROGRESS_EVERY = 0.25  # seconds between a crawl process's page counts


def process_count(settings: Settings, sites: int, database_url: str) -> int:
    """How many processes check a run of ``sites`` sites, the run's own included:
    ``run.processes``, or one per core (0) when the run is large enough; one when the database
    cannot be shared."""
    if in_memory(database_url):
        return 1  # each process would open a database of its own
    wanted = settings.run.processes
    if wanted == 0:
        wanted = min(os.cpu_count() or 1, MAX_AUTO_PROCESSES, sites // MIN_SITES_PER_PROCESS)
    return max(1, min(wanted, sites))


async def _address(entry: SiteEntry, lookups: asyncio.Semaphore) -> str:
    parts = urlsplit(entry.url)
    address = None
    async with lookups:
        # The fetcher's own key: sites grouped by it share a per-IP limit in one process.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(10):
                address = await first_address(parts)
    # A name that does not resolve: the check itself reports it.
    return address or parts.hostname or entry.url


async def split_by_address(entries: list[SiteEntry], parts: int) -> list[list[SiteEntry]]:
    """``entries`` in ``parts`` shares of about equal size, every site of one server address
    in the same share, each share in the registry's order. Fewer shares when there are
    fewer addresses."""
    lookups = asyncio.Semaphore(_RESOLVING)
    keys = await asyncio.gather(*(_address(entry, lookups) for entry in entries))
    groups: dict[str, list[int]] = {}
    for index, key in enumerate(keys):
        groups.setdefault(key, []).append(index)
    shares: list[list[int]] = [[] for _ in range(min(parts, len(groups)))]
    for members in sorted(groups.values(), key=len, reverse=True):
        min(shares, key=len).extend(members)
    return [[entries[i] for i in sorted(share)] for share in shares if share]


class _PipeListener:
    """A crawl process's side: page counts at most every quarter second, each site when done."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._pages = self._failures = 0
        self._label = ""
        self._sent = 0.0

    def _flush(self) -> None:
        if self._pages or self._failures:
            self._conn.send(("pages", self._pages, self._failures, self._label))
            self._pages = self._failures = 0
        self._sent = time.monotonic()

    def pages(self, pages: int, failures: int, label: str) -> None:
        self._pages += pages
        self._failures += failures
        self._label = label
        if time.monotonic() - self._sent >= _PROGRESS_EVERY:
            self._flush()

    def site_done(self, outcome: SiteOutcome) -> None:
        self._flush()
        self._conn.send(("site", outcome))


def _crawl_process(
    settings: Settings,
    database_url: str,
    batch_id: int,
    entries: list[SiteEntry],
    processes: int,
    conn: Connection,
) -> None:
    """The body of one crawl process (started with the spawn method: nothing inherited)."""
    # Ctrl-C reaches every process of the terminal's group: the run's own process decides
    # what it means (the batch is marked interrupted) and stops this one.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    log_to_file(settings.log_path)
    try:
        db = open_database(database_url, check=False)  # the run's process checked it
        try:
            listener = _PipeListener(conn)
            blips = asyncio.run(check_sites(settings, db, batch_id, entries, listener, processes))
        finally:
            db.close()
        conn.send(("end", blips))
    except StorageError as exc:
        conn.send(("storage", str(exc)))
    except BaseException as exc:  # the process boundary: tell the run, whatever it was
        log.exception("a crawl process failed")
        conn.send(("crash", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def _share_settings(settings: Settings, processes: int) -> Settings:
    """Each process gets its share of the run's limits on sites and requests in flight."""
    run = settings.run.model_copy(
        update={"sites_in_flight": math.ceil(settings.run.sites_in_flight / processes)}
    )
    crawl = settings.crawl.model_copy(
        update={"concurrency": math.ceil(settings.crawl.concurrency / processes)}
    )
    return settings.model_copy(update={"run": run, "crawl": crawl})


class _Share:
    """The run's side of one crawl process."""

    def __init__(
        self,
        entries: list[SiteEntry],
        process: multiprocessing.process.BaseProcess,
        conn: Connection,
    ) -> None:
        self.entries = entries
        self.process = process
        self.conn = conn
        self.reported: set[str] = set()
        self.blips = 0
        self.ended = False  # the process said it finished
        self.closed = False  # its pipe reached its end
        self.fatal: str = ""


async def check_in_processes(
    settings: Settings,
    db: Database,
    batch_id: int,
    entries: list[SiteEntry],
    processes: int,
    listener: Listener,
) -> int:
    """Check ``entries`` in up to ``processes`` processes, this one included (it checks the
    last share itself: one process fewer to hold in memory); the alert blips. A crawl
    process that dies takes only its unfinished sites with it: they are reported failed
    (``run --resume`` tries them again)."""
    *others, own = await split_by_address(entries, processes)
    count = len(others) + 1  # the shares may be fewer than asked: fewer addresses
    share_settings = _share_settings(settings, count)
    database_url = db.connect_url()
    context = multiprocessing.get_context("spawn")
    loop = asyncio.get_running_loop()
    running: list[_Share] = []
    done = asyncio.Event()

    def read(share: _Share) -> None:
        try:
            while share.conn.poll():
                message = share.conn.recv()
                kind = message[0]
                if kind == "pages":
                    listener.pages(message[1], message[2], message[3])
                elif kind == "site":
                    share.reported.add(message[1].url)
                    listener.site_done(message[1])
                elif kind == "end":
                    share.blips, share.ended = message[1], True
                else:  # "storage" or "crash"
                    share.fatal = f"{kind}:{message[1]}"
        except (EOFError, OSError):
            loop.remove_reader(share.conn.fileno())
            share.closed = True
            share.process.join(timeout=10)  # it closed its pipe: it is ending
            if not share.ended:
                _lost(share, listener)
            if all(s.closed for s in running):
                done.set()

    try:
        for entries_of_share in others:
            ours, theirs = context.Pipe(duplex=False)
            process = context.Process(
                target=_crawl_process,
                args=(
                    share_settings,
                    database_url,
                    batch_id,
                    entries_of_share,
                    count,
                    theirs,
                ),
                name="oitwatch-crawl",
                daemon=True,
            )
            process.start()
            theirs.close()
            share = _Share(entries_of_share, process, ours)
            running.append(share)
            loop.add_reader(ours.fileno(), read, share)
        blips = await check_sites(share_settings, db, batch_id, own, listener, count)
        if running:
            await done.wait()
    finally:
        for share in running:
            if share.process.is_alive():
                share.process.terminate()
        for share in running:
            share.process.join(timeout=10)
            if not share.closed:
                loop.remove_reader(share.conn.fileno())
            share.conn.close()
    storage = next((s.fatal for s in running if s.fatal.startswith("storage:")), "")
    if storage:
        raise StorageError(storage.removeprefix("storage:"))
    return blips + sum(share.blips for share in running)


def _lost(share: _Share, listener: Listener) -> None:
    """The process ended before reporting every site: the rest of its share failed."""
    if share.fatal.startswith("storage:"):
        return  # the run stops with the database's error
    why = share.fatal.removeprefix("crash:") or f"exit code {share.process.exitcode}"
    unchecked = [entry for entry in share.entries if entry.url not in share.reported]
    log.error("a crawl process stopped with %d sites unchecked: %s", len(unchecked), why)
    for entry in unchecked:
        listener.site_done(
            SiteOutcome(
                entry.url,
                False,
                error=f"{entry.label} ({entry.url}): the crawl process checking it stopped"
                f" ({why}); `oitwatch run --resume` checks it again",
            )
        )
