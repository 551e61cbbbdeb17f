"""What the storage hands out and takes in, as typed records: plain frozen values, never rows
bound to a session, so a caller cannot trigger a lazy load after the session is gone.

The statuses are the enums (checklist.findings) the strings in the tables stand for.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from oitwatch.checklist.findings import SiteStatus, Status


def stored_site_status(value: str | None) -> SiteStatus:
    """A run's stored site status. Only a completed run is read, and completing one always
    records it; an empty value is taken as reachable, as the digest always did."""
    return SiteStatus(value or SiteStatus.OK)


# -- runs and items --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PriorItem:
    """An item as the site's previous completed run left it."""

    status: Status
    url: str | None  # the evidence URL judged


# -- history (oitwatch history, the web report's "since") -------------------------------------


@dataclass(frozen=True, slots=True)
class HistoryRow:
    """One item of one completed run, oldest run first."""

    run_id: int
    started_at: datetime
    site_status: SiteStatus
    item_id: str
    status: Status
    url: str | None


# -- the dashboard and `oitwatch report` ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SiteInfo:
    id: int
    url: str
    host: str
    name: str | None
    agency_type: str | None
    province: str | None

    @property
    def label(self) -> str:
        return self.name or self.host


@dataclass(frozen=True, slots=True)
class RunInfo:
    id: int
    started_at: datetime
    site_status: SiteStatus
    oit_estimate: float | None
    checklist_id: str
    fiscal_year: int


@dataclass(frozen=True, slots=True)
class ItemStatus:
    """An item's status in a run, and in the site's completed run before it (None: no such
    run, or the item was not in it)."""

    item_id: str
    status: Status
    previous: Status | None


@dataclass(frozen=True, slots=True)
class LatestRun:
    """A site's newest completed run, with each item's status now and the run before."""

    site: SiteInfo
    run: RunInfo
    items: tuple[ItemStatus, ...]

    @property
    def passed(self) -> int:
        return sum(item.status is Status.PASS for item in self.items)

    @property
    def failing(self) -> tuple[ItemStatus, ...]:
        return tuple(item for item in self.items if item.status is not Status.PASS)


@dataclass(frozen=True, slots=True)
class ForgottenSite:
    """A site deleted with everything stored about it; its screenshots are files to remove."""

    site: str  # its name, else its host
    runs: int
    screenshots: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Facets:
    """What the dashboard can filter by: of the sites that have a completed run."""

    provinces: list[str]
    agency_types: list[str]


# -- batches ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BatchLine:
    """One site of a batch for the staff digest: its completed run and what its alerts said."""

    url: str
    name: str | None
    site_status: SiteStatus
    oit_estimate: float | None
    new_problems: list[str]
    recoveries: list[str]


# -- alerts and the outbox --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AlertState:
    """What was last announced (or seen, for a baseline) of one item, or of the site itself."""

    status: str  # an item Status, or a SiteStatus for the site
    problem: bool  # a problem alert went out and no all-clear since


@dataclass(frozen=True, slots=True)
class Mail:
    """An e-mail to queue in the outbox."""

    kind: str  # problem | recovery | digest
    recipients: list[str]
    subject: str
    body: str


@dataclass(frozen=True, slots=True)
class OutboxMail:
    """An e-mail waiting in the outbox."""

    id: int
    kind: str
    recipients: list[str]
    subject: str
    body: str
    attempts: int
