"""What changed for a site since what its webmaster was last told. Pure functions.

An item alerts when it was ``pass``/``partial`` and is now ``broken``/``missing``/``off_site``
("a required page disappeared"); the site alerts when it becomes unreachable. A problem is
announced once; its recovery sends an all-clear. The first run of a site is a baseline.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from oitwatch.checklist.findings import ItemResult, SiteStatus, Status
from oitwatch.storage.records import AlertState

PROBLEMS = frozenset({Status.BROKEN, Status.MISSING, Status.OFF_SITE})
GOOD = frozenset({Status.PASS, Status.PARTIAL})
SITE = "SITE"  # the item id of the site's own reachability
# Failures that may be a passing blip: confirmed by a re-check before anyone is told.
TRANSIENT = frozenset({Status.BROKEN, Status.MISSING})


class Kind(StrEnum):
    PROBLEM = "problem"
    RECOVERY = "recovery"


@dataclass(frozen=True)
class Transition:
    item_id: str
    kind: Kind
    old: str
    new: str
    result: ItemResult | None  # None for the site itself
    recheck_url: str | None  # what to open again before believing a failure


@dataclass(frozen=True)
class Changes:
    transitions: list[Transition]
    states: dict[str, AlertState]  # the new states, assuming every transition is confirmed


def detect(
    known: dict[str, AlertState],
    results: list[ItemResult],
    site_status: SiteStatus,
    site_url: str,
    previous_urls: dict[str, str | None],
) -> Changes:
    states = dict(known)
    found: list[Transition] = []
    site = known.get(SITE)
    if site_status is SiteStatus.UNREACHABLE:
        # Every item is broken when the site is down: one alert for the site, items untouched,
        # so nothing is announced again for them when it comes back.
        went_down = site is not None and site.status == SiteStatus.OK
        if went_down:
            found.append(
                Transition(
                    SITE, Kind.PROBLEM, SiteStatus.OK, SiteStatus.UNREACHABLE, None, site_url
                )
            )
        states[SITE] = AlertState(
            SiteStatus.UNREACHABLE, went_down or (site is not None and site.problem)
        )
        return Changes(found, states)
    if site is not None and site.problem:
        found.append(Transition(SITE, Kind.RECOVERY, site.status, SiteStatus.OK, None, None))
    states[SITE] = AlertState(SiteStatus.OK, False)
    for result in results:
        before = known.get(result.id)
        now = result.status
        if before is None:
            states[result.id] = AlertState(now.value, False)  # baseline: nothing to compare with
        elif now in PROBLEMS and not before.problem and Status(before.status) in GOOD:
            recheck = (result.url or previous_urls.get(result.id)) if now in TRANSIENT else None
            found.append(
                Transition(result.id, Kind.PROBLEM, before.status, now.value, result, recheck)
            )
            states[result.id] = AlertState(now.value, True)
        elif now in GOOD and before.problem:
            found.append(
                Transition(result.id, Kind.RECOVERY, before.status, now.value, result, None)
            )
            states[result.id] = AlertState(now.value, False)
        else:
            states[result.id] = AlertState(now.value, before.problem)
    return Changes(found, states)


def unconfirmed(changes: Changes, known: dict[str, AlertState], blips: set[str]) -> Changes:
    """Drop transitions a re-check did not confirm; their items keep their old state, so the
    next run judges them afresh."""
    states = dict(changes.states)
    for item_id in blips:
        if item_id in known:
            states[item_id] = known[item_id]
        else:
            states.pop(item_id, None)
    kept = [t for t in changes.transitions if t.item_id not in blips]
    return Changes(kept, states)
