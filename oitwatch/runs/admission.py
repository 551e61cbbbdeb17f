"""When one more site may start: sites in flight, the process's memory and CPU, the machine's
load. Politeness (per-host, per-IP, global request limits) is the fetcher's."""

from __future__ import annotations

import asyncio
import os
import resource as _resource
import time
from pathlib import Path

_PAGE = _resource.getpagesize()


def _rss_mb() -> float | None:
    """The process's resident memory now (Linux), or None where it cannot be read."""
    try:
        return int(Path("/proc/self/statm").read_text().split()[1]) * _PAGE / 2**20
    except (OSError, ValueError, IndexError):
        return None


def _machine_busy() -> bool:
    """More runnable processes than cores (the last minute's load): a process's small share
    of the CPU then means the machine has none to spare, not that the run has."""
    try:
        return os.getloadavg()[0] >= (os.cpu_count() or 1)
    except OSError:
        return False


class Admission:
    """Sites start while fewer than ``limit`` are in flight, memory is under budget and the
    process has CPU to spare; the per-host, per-IP and global request limits then pace them.
    Politely (1 request/s per host) hundreds run at once; without a delay, the few that keep
    the CPU busy, so that memory stays small and each site finishes soon."""

    BUSY = 0.85  # share of a core above which no new site starts
    LAG = 0.02  # seconds a short sleep may overrun before the loop counts as saturated
    # Sites always let in (memory permitting): a loop that lags because the machine is shared
    # (or because a file is being read) must not starve the run to one or two sites. Twelve
    # sites keep 24 requests in flight at per_host 2, more than the 16 that keep one large
    # site's crawl CPU-bound; each costs ~2 MB while in flight (measured: 24 held ~50 MB).
    # A run split across processes keeps the floor as a whole: each of n processes lets in
    # FLOOR / n (measured, 120 sites on 2 processes: 6 each instead of 12 took 7 MB less of
    # each process and no longer).
    FLOOR = 12

    def __init__(self, limit: int, budget_mb: int, processes: int = 1) -> None:
        self._floor = max(1, -(-self.FLOOR // processes))
        self._slots = asyncio.Semaphore(limit)
        self._budget = budget_mb
        self.running = 0
        self._sample = (time.monotonic(), time.process_time())
        self._busy = 0.0
        self._admitted = 0.0  # when the last site was let in
        self._gate = asyncio.Lock()  # one waiter polls; the others queue behind it

    def _cpu_busy(self) -> bool:
        wall, cpu = time.monotonic(), time.process_time()
        if wall - self._sample[0] >= 0.5:
            self._busy = (cpu - self._sample[1]) / (wall - self._sample[0])
            self._sample = (wall, cpu)
        return self._busy > self.BUSY

    async def __aenter__(self) -> None:
        await self._slots.acquire()
        async with self._gate:
            while self.running > 0 and (
                self.running >= self._floor or (_rss_mb() or 0) > self._budget
            ):
                # A loop that wakes late has no CPU to spare (ours or a shared machine's):
                # one more site would only hold memory and wait.
                before = time.monotonic()
                await asyncio.sleep(0.05)
                lag = time.monotonic() - before - 0.05
                # Past the floor, one site per CPU sample: a site just let in has not shown
                # its load yet, and a stale sample would let in dozens at once.
                busy = self._cpu_busy() or _machine_busy()
                fresh = self._sample[0] >= self._admitted + 0.5
                if lag < self.LAG and not busy and fresh and (_rss_mb() or 0) <= self._budget:
                    break
                await asyncio.sleep(0.15)  # a finishing site frees its crawl and its CPU
            self.running += 1
            self._admitted = time.monotonic()

    async def __aexit__(self, *exc_info: object) -> None:
        self.running -= 1
        self._slots.release()
