"""A run gives the heap's free pages back to the system (runs/heap.py)."""

from __future__ import annotations

import asyncio
import resource
from pathlib import Path

import pytest

from oitwatch.runs import heap

PAGE = resource.getpagesize()


def _rss_mb() -> float:
    return int(Path("/proc/self/statm").read_text().split()[1]) * PAGE / 2**20


@pytest.mark.skipif(heap._TRIM is None, reason="no glibc malloc_trim here")
def test_the_holes_freed_between_live_allocations_go_back() -> None:
    # Every other 60 KB block freed (below the mmap threshold: from the heap), the last kept:
    # free returns none of the holes; malloc_trim does.
    blocks = [bytearray(60_000) for _ in range(1000)]
    for block in blocks:
        block[::PAGE] = b"x" * len(block[::PAGE])  # touched: resident
    del blocks[::2]
    before = _rss_mb()
    assert heap.give_back()
    assert _rss_mb() < before - 15  # ~29 MB of holes
    del blocks


@pytest.mark.skipif(heap._TRIM is None, reason="no glibc malloc_trim here")
def test_trimming_runs_until_cancelled() -> None:
    async def main() -> None:
        task = asyncio.create_task(heap.keep_giving_back(0.01))
        await asyncio.sleep(0.05)
        assert not task.done()  # a trim that raised would have ended it
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    asyncio.run(main())
