"""Read queries for what people read: history, the dashboard, `oitwatch report`. Each answers
in a fixed number of statements, however many sites there are."""

from __future__ import annotations

from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased

from oitwatch.checklist.findings import Status
from oitwatch.storage.records import (
    Facets,
    HistoryRow,
    ItemStatus,
    LatestRun,
    RunInfo,
    SiteInfo,
    stored_site_status,
)
from oitwatch.storage.schema import ItemResultRow, Run, RunStatus, Site
from oitwatch.storage.session import Store


class ReportQueries(Store):
    def item_history(self, url: str, item_id: str | None = None) -> list[HistoryRow]:
        with self.session() as session:
            query = (
                select(
                    Run.id,
                    Run.started_at,
                    Run.site_status,
                    ItemResultRow.item_id,
                    ItemResultRow.status,
                    ItemResultRow.url,
                )
                .join(Site, Site.id == Run.site_id)
                .join(ItemResultRow, ItemResultRow.run_id == Run.id)
                .where(Site.url == url, Run.status == RunStatus.COMPLETED.value)
                .order_by(Run.id, ItemResultRow.position)
            )
            if item_id is not None:
                query = query.where(ItemResultRow.item_id == item_id)
            return [
                HistoryRow(
                    run_id=row.id,
                    started_at=row.started_at,
                    site_status=stored_site_status(row.site_status),
                    item_id=row.item_id,
                    status=Status(row.status),
                    url=row.url,
                )
                for row in session.execute(query)
            ]

    def latest_runs(
        self, province: str | None = None, agency_type: str | None = None
    ) -> list[LatestRun]:
        """Each site's newest completed run, with each item's status in it and in the site's
        completed run before it: one statement for every site (the dashboard, `report`)."""
        completed = RunStatus.COMPLETED.value
        newest = (
            select(Run.site_id, func.max(Run.id).label("run_id"))
            .where(Run.status == completed)
            .group_by(Run.site_id)
            .subquery("newest")
        )
        older = aliased(Run)
        before = (
            select(older.site_id, func.max(older.id).label("run_id"))
            .join(newest, newest.c.site_id == older.site_id)
            .where(older.status == completed, older.id < newest.c.run_id)
            .group_by(older.site_id)
            .subquery("before")
        )
        now, then = aliased(ItemResultRow), aliased(ItemResultRow)
        query = (
            select(
                Site.id.label("site_id"),
                Site.url,
                Site.host,
                Site.name,
                Site.agency_type,
                Site.province,
                Run.id.label("run_id"),
                Run.started_at,
                Run.site_status,
                Run.oit_estimate,
                Run.checklist_id,
                Run.fiscal_year,
                now.item_id,
                now.status.label("status"),
                then.status.label("previous"),
            )
            .select_from(Site)
            .join(newest, newest.c.site_id == Site.id)
            .join(Run, Run.id == newest.c.run_id)
            .outerjoin(before, before.c.site_id == Site.id)
            .outerjoin(now, now.run_id == Run.id)
            .outerjoin(then, and_(then.run_id == before.c.run_id, then.item_id == now.item_id))
            .order_by(Site.province, Site.name, Site.url, now.position)
        )
        if province:
            query = query.where(Site.province == province)
        if agency_type:
            query = query.where(Site.agency_type == agency_type)
        lines: dict[int, tuple[SiteInfo, RunInfo, list[ItemStatus]]] = {}
        with self.session() as session:
            for row in session.execute(query):
                line = lines.get(row.run_id)
                if line is None:
                    site = SiteInfo(
                        row.site_id, row.url, row.host, row.name, row.agency_type, row.province
                    )
                    run = RunInfo(
                        row.run_id,
                        row.started_at,
                        stored_site_status(row.site_status),
                        row.oit_estimate,
                        row.checklist_id,
                        row.fiscal_year,
                    )
                    line = lines[run.id] = (site, run, [])
                if row.item_id is not None:  # a completed run may hold no items
                    previous = Status(row.previous) if row.previous else None
                    line[2].append(ItemStatus(row.item_id, Status(row.status), previous))
        return [LatestRun(site, run, tuple(items)) for site, run, items in lines.values()]

    def site_facets(self) -> Facets:
        """Provinces and agency types of the sites that have a completed run."""
        with self.session() as session:
            checked = select(Run.site_id).where(Run.status == RunStatus.COMPLETED.value)
            rows = session.execute(
                select(Site.province, Site.agency_type).where(Site.id.in_(checked)).distinct()
            ).all()
        provinces = sorted({p for p, _ in rows if p})
        types = sorted({t for _, t in rows if t})
        return Facets(provinces, types)

    def latest_run(self, site_id: int) -> tuple[Run, list[ItemResultRow]] | None:
        """A site's newest completed run with its item results in full (the report page)."""
        with self.session() as session:
            run = session.scalars(
                select(Run)
                .where(Run.site_id == site_id, Run.status == RunStatus.COMPLETED.value)
                .order_by(Run.id.desc())
                .limit(1)
            ).first()
            if run is None:
                return None
            items = list(
                session.scalars(
                    select(ItemResultRow)
                    .where(ItemResultRow.run_id == run.id)
                    .order_by(ItemResultRow.position)
                )
            )
            return run, items
