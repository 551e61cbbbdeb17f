"""Admission of sites into a run (runs/admission.py): a floor let in whatever the loop's lag,
and past it one site per fresh CPU sample."""

from __future__ import annotations

import asyncio
import time

import pytest

from oitwatch.runs import admission as admission_module
from oitwatch.runs.admission import Admission


async def _enter_all(admission: Admission, count: int) -> float:
    start = time.monotonic()
    for _ in range(count):
        await admission.__aenter__()
    return time.monotonic() - start


def test_floor_is_let_in_on_a_busy_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    # A saturated machine (every check says "busy") still runs the floor's sites at once.
    monkeypatch.setattr(admission_module, "_machine_busy", lambda: True)
    admission = Admission(limit=100, budget_mb=10_000)
    seconds = asyncio.run(_enter_all(admission, Admission.FLOOR))
    assert admission.running == Admission.FLOOR
    assert seconds < 1.0


def test_processes_share_the_floor(monkeypatch: pytest.MonkeyPatch) -> None:
    # Two processes of one run let in half the floor each: the run keeps the floor as a whole.
    monkeypatch.setattr(admission_module, "_machine_busy", lambda: True)
    admission = Admission(limit=100, budget_mb=10_000, processes=2)
    asyncio.run(_enter_all(admission, Admission.FLOOR // 2))
    assert admission.running == Admission.FLOOR // 2

    async def one_more() -> None:
        await asyncio.wait_for(admission.__aenter__(), timeout=0.5)

    with pytest.raises(TimeoutError):  # a busy machine: no site past the share of the floor
        asyncio.run(one_more())


def test_past_the_floor_a_busy_machine_lets_no_more_in(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(admission_module, "_machine_busy", lambda: True)
    admission = Admission(limit=100, budget_mb=10_000)

    async def scenario() -> bool:
        await _enter_all(admission, Admission.FLOOR)
        try:
            await asyncio.wait_for(admission.__aenter__(), timeout=1.5)
        except TimeoutError:
            return False
        return True

    assert asyncio.run(scenario()) is False
    assert admission.running == Admission.FLOOR


def test_past_the_floor_one_site_per_fresh_sample(monkeypatch: pytest.MonkeyPatch) -> None:
    # An idle machine: more sites come in, but not dozens on one stale CPU sample.
    monkeypatch.setattr(admission_module, "_machine_busy", lambda: False)
    monkeypatch.setattr(Admission, "LAG", 1.0)  # a shared test machine's loop lags
    admission = Admission(limit=100, budget_mb=10_000)

    async def scenario() -> int:
        await _enter_all(admission, Admission.FLOOR)
        extra = 0
        deadline = time.monotonic() + 1.6
        while time.monotonic() < deadline:
            try:
                await asyncio.wait_for(admission.__aenter__(), timeout=deadline - time.monotonic())
            except TimeoutError:
                break
            extra += 1
        return extra

    extra = asyncio.run(scenario())
    assert 1 <= extra <= 4  # about one per 0.5 s sample, never a burst
