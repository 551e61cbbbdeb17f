"""The two questions only the web asks of the database: the dashboard's rows in a fixed
number of queries whatever the number of sites, and forgetting one site's history.

They sit here, not in oitwatch/storage, while storage/database.py is being split by aggregate;
they use only the tables (storage.schema) and ``Database.session``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Select, and_, delete, func, select, update
from sqlalchemy.orm import aliased

from oitwatch.alerts.transitions import GOOD, PROBLEMS
from oitwatch.checklist.findings import Status
from oitwatch.storage import Database, ItemResultRow, ResourceRow, Run, RunStatus, Site
from oitwatch.storage.schema import AlertState, FleetJob, OutboxMessage

_COMPLETED = RunStatus.COMPLETED.value


@dataclass(frozen=True)
class SiteLine:
    """One site on the dashboard: its newest completed run and what it says."""

    site: Site
    run: Run
    failing: int  # items not passed
    new_problems: int  # items now broken/missing/off-site that passed (or partly) the run before

    @property
    def score(self) -> float | None:
        return self.run.oit_estimate


def _newest(province: str | None, agency_type: str | None) -> Select[int, int]:
    """(site id, newest completed run id) of the sites the dashboard shows."""
    query = (
        select(Run.site_id, func.max(Run.id).label("run_id"))
        .join(Site, Site.id == Run.site_id)
        .where(Run.status == _COMPLETED)
        .group_by(Run.site_id)
    )
    if province:
        query = query.where(Site.province == province)
    if agency_type:
        query = query.where(Site.agency_type == agency_type)
    return query


def dashboard_lines(
    db: Database, province: str | None = None, agency_type: str | None = None
) -> list[SiteLine]:
    """Three queries for any number of sites (the sites with their runs, the failing counts,
    the new problems), where one per site made a 7,850-site dashboard crawl."""
    newest = _newest(province, agency_type).subquery()
    previous = (
        select(Run.site_id, func.max(Run.id).label("run_id"))
        .join(newest, newest.c.site_id == Run.site_id)
        .where(Run.status == _COMPLETED, Run.id < newest.c.run_id)
        .group_by(Run.site_id)
        .subquery()
    )
    now, before = aliased(ItemResultRow), aliased(ItemResultRow)
    with db.session() as session:
        pairs = session.execute(
            select(Site, Run)
            .join(newest, newest.c.site_id == Site.id)
            .join(Run, Run.id == newest.c.run_id)
        ).all()
        failing: dict[int, int] = dict(
            session.execute(
                select(ItemResultRow.run_id, func.count())
                .join(newest, newest.c.run_id == ItemResultRow.run_id)
                .where(ItemResultRow.status != Status.PASS.value)
                .group_by(ItemResultRow.run_id)
            ).all()
        )
        new: dict[int, int] = dict(
            session.execute(
                select(newest.c.site_id, func.count())
                .join(now, now.run_id == newest.c.run_id)
                .join(previous, previous.c.site_id == newest.c.site_id)
                .join(
                    before,
                    and_(before.run_id == previous.c.run_id, before.item_id == now.item_id),
                )
                .where(
                    now.status.in_([s.value for s in PROBLEMS]),
                    before.status.in_([s.value for s in GOOD]),
                )
                .group_by(newest.c.site_id)
            ).all()
        )
    return [SiteLine(site, run, failing.get(run.id, 0), new.get(site.id, 0)) for site, run in pairs]


def sort_lines(lines: list[SiteLine], sort: str) -> list[SiteLine]:
    """Lowest score first (sites never scored first of all), or most new problems first."""
    if sort == "problems":
        return sorted(lines, key=lambda r: (-r.new_problems, r.score if r.score is not None else 0))
    return sorted(lines, key=lambda r: r.score if r.score is not None else -1)


@dataclass(frozen=True)
class Forgotten:
    site: str
    runs: int


def run_count(db: Database, site_id: int) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count()).where(Run.site_id == site_id)) or 0)


def forget_site(db: Database, site_id: int, screenshots_dir: Path) -> Forgotten | None:
    """Delete one site and everything stored about it (runs, fetched resources, item results,
    alert states, its own mails), in one transaction. Nothing of any other site is touched:
    batches keep their rows, and a fleet job that checked this site only loses its link to
    the deleted run. Screenshots under ``screenshots_dir`` go with their runs."""
    with db.session() as session:
        site = session.get(Site, site_id)
        if site is None:
            return None
        name = site.name or site.host
        runs = select(Run.id).where(Run.site_id == site_id).scalar_subquery()
        shots = [
            shot
            for shot in session.scalars(
                select(ItemResultRow.screenshot).where(ItemResultRow.run_id.in_(runs))
            )
            if shot
        ]
        count = session.scalar(select(func.count()).where(Run.site_id == site_id)) or 0
        session.execute(update(FleetJob).where(FleetJob.run_id.in_(runs)).values(run_id=None))
        session.execute(delete(AlertState).where(AlertState.site_id == site_id))
        session.execute(delete(OutboxMessage).where(OutboxMessage.site_id == site_id))
        session.execute(delete(ItemResultRow).where(ItemResultRow.run_id.in_(runs)))
        session.execute(delete(ResourceRow).where(ResourceRow.run_id.in_(runs)))
        session.execute(delete(Run).where(Run.site_id == site_id))
        session.execute(delete(Site).where(Site.id == site_id))
    root = screenshots_dir.resolve()
    for shot in shots:
        path = Path(shot).resolve()
        if path.is_relative_to(root):  # a stored path is data: never delete outside the folder
            path.unlink(missing_ok=True)
    return Forgotten(name, int(count))
