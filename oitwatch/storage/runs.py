"""Runs and what they hold: the resources a check fetched and its item results. History is
append-only: a run is started, then completed (its items land with it) or ended otherwise.

Each write is its own short transaction, so a kill at any moment leaves whole rows only; a run
whose process died stays 'running' and is marked 'interrupted' by the next check of its site.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Update, insert, literal, select, update
from sqlalchemy.orm import Session

from oitwatch import __version__
from oitwatch.checklist.findings import ItemResult, SiteStatus, Status
from oitwatch.documents.model import DocumentKind
from oitwatch.documents.resource import Prior, Resource
from oitwatch.storage.records import PriorItem
from oitwatch.storage.schema import ItemResultRow, ResourceRow, Run, RunStatus, utcnow
from oitwatch.storage.session import Store


def previous_completed_run(session: Session, site_id: int, before_run: int) -> int | None:
    """The site's last completed run before ``before_run``: what this run is compared with."""
    return session.scalar(
        select(Run.id)
        .where(
            Run.site_id == site_id,
            Run.id < before_run,
            Run.status == RunStatus.COMPLETED.value,
        )
        .order_by(Run.id.desc())
        .limit(1)
    )


def _completed(
    run_id: int,
    site_status: SiteStatus | str | None,
    pages_fetched: int,
    oit_estimate: float | None,
    notes: list[str] | None,
    revisit: dict[str, Any] | None,
    pages_rendered: int | None,
) -> Update:
    """The statement that marks a run completed with what it found: a checked run and a
    repeated one (an unchanged site's night) complete the same way."""
    return (
        update(Run)
        .where(Run.id == run_id)
        .values(
            status=RunStatus.COMPLETED.value,
            finished_at=utcnow(),
            site_status=site_status,
            pages_fetched=pages_fetched,
            oit_estimate=oit_estimate,
            notes=list(notes or []),
            revisit=revisit,
            pages_rendered=pages_rendered,
        )
    )


class RunStore(Store):
    def start_run(
        self, site_id: int, checklist_id: str, fiscal_year: int, batch_id: int | None = None
    ) -> int:
        with self.session() as session:
            # A run of this site still 'running' belongs to a process that died.
            session.execute(
                update(Run)
                .where(Run.site_id == site_id, Run.status == RunStatus.RUNNING.value)
                .values(
                    status=RunStatus.INTERRUPTED.value,
                    finished_at=utcnow(),
                    error="process ended before the run finished",
                )
            )
            run = Run(
                site_id=site_id,
                checklist_id=checklist_id,
                fiscal_year=fiscal_year,
                version=__version__,
                batch_id=batch_id,
            )
            session.add(run)
            session.flush()
            return run.id

    def add_resources(self, run_id: int, batch: Iterable[Resource]) -> None:
        rows = [
            {
                "run_id": run_id,
                "url": r.url,
                "final_url": r.final_url or None,
                "outcome": r.outcome.value,
                "http_status": r.status,
                "content_type": r.content_type[:255] or None,
                "kind": r.kind.value,
                "content_hash": r.sha256,
                "size": r.size,
                "etag": (r.etag or "")[:255] or None,
                "last_modified": (r.last_modified or "")[:64] or None,
                "depth": r.depth,
                "error": r.error or None,
            }
            for r in batch
        ]
        if rows:
            with self.session() as session:
                session.execute(insert(ResourceRow), rows)

    def finish_run(
        self,
        run_id: int,
        *,
        site_status: SiteStatus,
        pages_fetched: int,
        results: list[ItemResult],
        oit_estimate: float | None,
        notes: list[str] | None = None,
        memos: dict[str, str] | None = None,
        revisit: dict[str, Any] | None = None,
        weakened: dict[str, list[str]] | None = None,
        pages_rendered: int | None = None,
    ) -> None:
        """Item results and the run's completion land together or not at all. ``weakened``:
        per item, the missing capabilities that weakened its verdict."""
        with self.session() as session:
            for position, result in enumerate(results):
                session.add(
                    ItemResultRow(
                        run_id=run_id,
                        position=position,
                        item_id=result.id,
                        status=result.status.value,
                        url=result.url,
                        declared=result.declared,
                        score=result.score,
                        elements=[
                            {"id": e.id, "found": e.found, "evidence_url": e.evidence_url}
                            for e in result.elements
                        ],
                        years=list(result.years_found),
                        evidence=list(result.evidence_urls),
                        reason_th=result.reason_th,
                        reason_en=result.reason_en,
                        fix_th=result.fix_th,
                        fix_en=result.fix_en,
                        screenshot=result.screenshot,
                        ocr=result.ocr,
                        reasoning=result.evidence(),
                        memo=(memos or {}).get(result.id),
                        weakened=sorted((weakened or {}).get(result.id, [])),
                    )
                )
            session.execute(
                _completed(
                    run_id, site_status, pages_fetched, oit_estimate, notes, revisit, pages_rendered
                )
            )

    def repeat_run(self, previous: Run, run_id: int, revisit: dict[str, Any]) -> None:
        """Record ``previous``'s crawl and verdicts as this run's and complete it: three
        statements in one transaction, whatever the size of the site. An unchanged site's
        night stands for its last run (pipeline/incremental.py)."""
        with self.session() as session:
            for model in (ResourceRow, ItemResultRow):
                table = model.__table__
                columns = [c.name for c in table.columns if c.name not in ("id", "run_id")]
                chosen = select(literal(run_id), *(table.c[name] for name in columns)).where(
                    table.c.run_id == previous.id
                )
                session.execute(insert(model).from_select(["run_id", *columns], chosen))
            session.execute(
                _completed(
                    run_id,
                    previous.site_status,
                    previous.pages_fetched,
                    previous.oit_estimate,
                    previous.notes,
                    revisit,
                    previous.pages_rendered,
                )
            )

    def end_run(self, run_id: int, status: RunStatus, error: str, pages_fetched: int = 0) -> None:
        with self.session() as session:
            session.execute(
                update(Run)
                .where(Run.id == run_id)
                .values(
                    status=status.value,
                    finished_at=utcnow(),
                    error=error[:2000],
                    pages_fetched=pages_fetched,
                )
            )

    # -- what the last completed run left -----------------------------------------------------

    def previous_run(self, site_id: int, before_run: int) -> Run | None:
        """The site's last completed run before ``before_run`` (its row only)."""
        with self.session() as session:
            run_id = previous_completed_run(session, site_id, before_run)
            return None if run_id is None else session.get(Run, run_id)

    def previous_resources(self, site_id: int, before_run: int) -> dict[str, Prior]:
        """What the site's last completed run fetched, by URL: validators and content hashes."""
        with self.session() as session:
            run_id = previous_completed_run(session, site_id, before_run)
            if run_id is None:
                return {}
            rows = session.execute(
                select(
                    ResourceRow.url,
                    ResourceRow.final_url,
                    ResourceRow.content_hash,
                    ResourceRow.etag,
                    ResourceRow.last_modified,
                    ResourceRow.kind,
                ).where(ResourceRow.run_id == run_id, ResourceRow.content_hash.is_not(None))
            ).all()
        kinds = {k.value: k for k in DocumentKind}
        return {
            url: Prior(
                final_url or url, content_hash, etag, modified, kinds.get(kind, DocumentKind.OTHER)
            )
            for url, final_url, content_hash, etag, modified, kind in rows
            if content_hash
        }

    def previous_items(self, site_id: int, before_run: int) -> dict[str, PriorItem]:
        """Each item's status and evidence URL in the last completed run before this one."""
        with self.session() as session:
            run_id = previous_completed_run(session, site_id, before_run)
            if run_id is None:
                return {}
            rows = session.execute(
                select(ItemResultRow.item_id, ItemResultRow.status, ItemResultRow.url).where(
                    ItemResultRow.run_id == run_id
                )
            ).all()
            return {item_id: PriorItem(Status(status), url) for item_id, status, url in rows}
