"""Give the C heap's free pages back to the system while a run goes on (glibc's malloc_trim).

Politely, a process judges a hundred sites at once: their documents are read, judged and
dropped in another order than they were allocated, so glibc's heap is left full of free
holes it keeps (measured: 30 MB in use, 68 MB free inside the heap at a 100-site process's
peak of 211 MB). malloc_trim returns those pages; trimmed once a second the same run peaked
at 161 MB. Without glibc (musl, macOS) this does nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
from collections.abc import Callable

PERIOD = 1.0  # seconds between trims: one takes ~1-15 ms, in a thread


def _malloc_trim() -> Callable[[int], int] | None:
    # The symbols already loaded in this process (libc's among them): no library search,
    # which would start ldconfig in a subprocess at import.
    try:
        trim: Callable[[int], int] = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return None
    return trim


_TRIM = _malloc_trim()


def give_back() -> bool:
    """Return the heap's free pages to the system; whether any were (False without glibc)."""
    return bool(_TRIM(0)) if _TRIM is not None else False


async def keep_giving_back(period: float = PERIOD) -> None:
    """Trim every ``period`` seconds until cancelled (ctypes drops the GIL: the loop goes on)."""
    if _TRIM is None:
        return
    while True:
        await asyncio.sleep(period)
        with contextlib.suppress(OSError):
            await asyncio.to_thread(give_back)
