"""Batches: one `oitwatch run` over the registry, the unit that --resume finishes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from oitwatch.storage.records import BatchLine, stored_site_status
from oitwatch.storage.schema import Batch, Run, RunStatus, Site, utcnow
from oitwatch.storage.session import Store


class BatchStore(Store):
    def start_batch(self, sites_total: int, fiscal_year: int, trigger: str) -> int:
        with self.session() as session:
            batch = Batch(sites_total=sites_total, fiscal_year=fiscal_year, trigger=trigger)
            session.add(batch)
            session.flush()
            return batch.id

    def end_batch(self, batch_id: int, status: RunStatus) -> None:
        with self.session() as session:
            session.execute(
                update(Batch)
                .where(Batch.id == batch_id)
                .values(status=status.value, finished_at=utcnow())
            )

    def unfinished_batch(self, include_errors: bool = False) -> int | None:
        """The latest batch a crash or kill left unfinished, if the latest is one; with
        ``include_errors``, also one that finished with sites that failed (run --resume)."""
        done = {RunStatus.COMPLETED.value}
        if not include_errors:
            done.add(RunStatus.COMPLETED_WITH_ERRORS.value)
        with self.session() as session:
            latest = session.scalars(select(Batch).order_by(Batch.id.desc()).limit(1)).first()
            if latest is None or latest.status in done:
                return None
            return latest.id

    def batch_lines(self, batch_id: int) -> list[BatchLine]:
        """Each site's completed run in a batch (the latest, if --resume ran it again)."""
        with self.session() as session:
            runs = session.scalars(
                select(Run)
                .where(Run.batch_id == batch_id, Run.status == RunStatus.COMPLETED.value)
                .order_by(Run.id)
            ).all()
            latest = {run.site_id: run for run in runs}
            sites = {
                site.id: site
                for site in session.scalars(select(Site).where(Site.id.in_(list(latest))))
            }
            lines = []
            for site_id, run in latest.items():
                site, changes = sites[site_id], run.alert_changes or {}
                lines.append(
                    BatchLine(
                        url=site.url,
                        name=site.name,
                        site_status=stored_site_status(run.site_status),
                        oit_estimate=run.oit_estimate,
                        new_problems=list(changes.get("new", [])),
                        recoveries=list(changes.get("fixed", [])),
                    )
                )
            return lines

    def last_batch_start(self) -> datetime | None:
        with self.session() as session:
            return session.scalar(select(Batch.started_at).order_by(Batch.id.desc()).limit(1))

    def completed_urls(self, batch_id: int) -> set[str]:
        with self.session() as session:
            rows = session.execute(
                select(Site.url)
                .join(Run)
                .where(Run.batch_id == batch_id, Run.status == RunStatus.COMPLETED.value)
            ).all()
            return {row[0] for row in rows}
