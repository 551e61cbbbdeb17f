"""Checks requested through the web page: a queue with visible positions, one check per site
at a time, a few at once, and a rate limit per client."""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum

from oitwatch.errors import OitwatchError
from oitwatch.pipeline.site import CheckReport, Progress
from oitwatch.web.words import SHUTTING_DOWN, Said, explain_error, rate_limited

log = logging.getLogger(__name__)


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


@dataclass
class Job:
    id: int
    url: str
    state: JobState = JobState.QUEUED
    pages: int = 0
    phase: str = "queued"
    site_id: int | None = None
    error: str = ""  # in English, for the JSON view and the log
    problem: Said | None = None  # why it failed, in both languages, with what to do
    created: float = field(default_factory=time.monotonic)


Runner = Callable[[Job, Callable[[Progress], None]], Awaitable[CheckReport]]


class RateLimited(OitwatchError):
    """A client asked for more checks than its allowance."""

    def __init__(self, per_client: int, minutes: int) -> None:
        self.said = rate_limited(per_client, minutes)
        super().__init__(self.said.en)


class JobQueue:
    def __init__(
        self, runner: Runner, *, workers: int = 2, per_client: int = 5, window: float = 600.0
    ) -> None:
        self._runner = runner
        self._workers = workers
        self._per_client = per_client
        self._window = window
        self._ids = itertools.count(1)
        self.jobs: dict[int, Job] = {}
        self._waiting: deque[Job] = deque()
        self._by_url: dict[str, Job] = {}  # queued or running, one per site
        self._requests: dict[str, deque[float]] = {}
        self._wake = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    def start(self) -> None:
        self._tasks = [asyncio.create_task(self._work()) for _ in range(self._workers)]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def submit(self, url: str, client: str) -> Job:
        existing = self._by_url.get(url)
        if existing is not None:
            return existing  # one check per site at a time: join it
        now = time.monotonic()
        recent = self._requests.setdefault(client, deque())
        while recent and now - recent[0] > self._window:
            recent.popleft()
        if len(recent) >= self._per_client:
            raise RateLimited(self._per_client, round(self._window / 60))
        recent.append(now)
        job = Job(next(self._ids), url)
        self.jobs[job.id] = job
        self._by_url[url] = job
        self._waiting.append(job)
        self._wake.set()
        return job

    def active(self, url: str) -> bool:
        """A check of this site is waiting or running."""
        return url in self._by_url

    @property
    def waiting(self) -> int:
        return len(self._waiting)

    def position(self, job: Job) -> int:
        """1 for the next to start; 0 when running or finished."""
        try:
            return self._waiting.index(job) + 1
        except ValueError:
            return 0

    async def _work(self) -> None:
        while True:
            while not self._waiting:
                self._wake.clear()
                await self._wake.wait()
            job = self._waiting.popleft()
            job.state, job.phase = JobState.RUNNING, "crawl"

            def progress(p: Progress, job: Job = job) -> None:
                job.pages, job.phase = p.pages, p.phase

            try:
                report = await self._runner(job, progress)
                job.site_id, job.state, job.phase = report.site_id, JobState.DONE, "done"
            except asyncio.CancelledError:
                job.state, job.problem = JobState.FAILED, SHUTTING_DOWN
                job.error = SHUTTING_DOWN.en
                raise
            except Exception as exc:  # the job fails, the queue goes on
                log.exception("check of %s failed", job.url)
                job.state, job.problem = JobState.FAILED, explain_error(exc, job.url)
                job.error = job.problem.en
            finally:
                self._by_url.pop(job.url, None)
