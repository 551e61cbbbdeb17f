"""What the web asks of the database beyond the storage facade: ordering the dashboard's
lines (present's SiteSummary, from one query: ``present.model.site_summaries``) and forgetting
one mistyped site with everything stored about it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, func, select, update

from oitwatch.present.model import SiteSummary
from oitwatch.storage import Database, ItemResultRow, ResourceRow, Run, RunStatus, Site
from oitwatch.storage.schema import AlertStateRow, FleetJob, OutboxMessage

_COMPLETED = RunStatus.COMPLETED.value


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
        session.execute(delete(AlertStateRow).where(AlertStateRow.site_id == site_id))
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
