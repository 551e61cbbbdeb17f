"""Two questions the web asks of the database: the dashboard's rows (present's SiteSummary)
in a fixed number of queries whatever the number of sites, and forgetting one site's history.

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
from oitwatch.present.model import SiteSummary
from oitwatch.storage import Database, ItemResultRow, ResourceRow, Run, RunStatus, Site
from oitwatch.storage.schema import AlertState, FleetJob, OutboxMessage

_COMPLETED = RunStatus.COMPLETED.value


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
) -> list[SiteSummary]:
    """present's ``site_summaries(with_changes=True)`` in three queries for any number of sites
    (the sites with their newest runs, those runs' item statuses, the new problems), where one
    per site, and two more for the changes, made a 7,850-site dashboard crawl."""
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
            .order_by(Site.province, Site.name, Site.url)
        ).all()
        statuses: dict[int, list[tuple[str, Status]]] = {}
        for run_id, item_id, status in session.execute(
            select(ItemResultRow.run_id, ItemResultRow.item_id, ItemResultRow.status)
            .join(newest, newest.c.run_id == ItemResultRow.run_id)
            .order_by(ItemResultRow.run_id, ItemResultRow.position)
        ):
            statuses.setdefault(run_id, []).append((item_id, Status(status)))
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
    out = []
    for site, run in pairs:
        items = statuses.get(run.id, [])
        out.append(
            SiteSummary(
                site_id=site.id,
                url=site.url,
                host=site.host,
                agency=site.name or site.host,
                agency_type=site.agency_type or "",
                province=site.province or "",
                run_id=run.id,
                checked_at=run.started_at,
                site_status=run.site_status or "",
                oit_estimate=run.oit_estimate,
                passed=sum(status is Status.PASS for _, status in items),
                items=len(items),
                failing=tuple((i, status) for i, status in items if status is not Status.PASS),
                new_problems=new.get(site.id, 0),
            )
        )
    return out


def sort_lines(lines: list[SiteSummary], sort: str) -> list[SiteSummary]:
    """Lowest score first (sites never scored first of all), or most new problems first."""

    def score(line: SiteSummary) -> float:
        return line.oit_estimate if line.oit_estimate is not None else -1

    if sort == "problems":
        return sorted(lines, key=lambda line: (-line.new_problems, max(score(line), 0)))
    return sorted(lines, key=score)


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
