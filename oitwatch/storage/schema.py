"""Tables. A change here needs a new Alembic migration in migrations/versions/."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}


class RunStatus(StrEnum):
    RUNNING = "running"
    COMPLETED = "completed"
    INTERRUPTED = "interrupted"  # Ctrl-C, SIGTERM or a crash: its item results are not stored
    FAILED = "failed"
    COMPLETED_WITH_ERRORS = "completed_with_errors"  # a batch some of whose sites failed
    # Fleet: a run whose worker died mid-site; another worker checked the site again.
    SUPERSEDED = "superseded"


class Site(Base):
    __tablename__ = "sites"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(500), unique=True)
    host: Mapped[str] = mapped_column(String(255), index=True)
    name: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    agency_type: Mapped[str | None] = mapped_column(String(100))
    province: Mapped[str | None] = mapped_column(String(100), index=True)
    code: Mapped[str | None] = mapped_column(String(20))
    # Its pages are built by JavaScript: render them from the start of the next check.
    needs_render: Mapped[bool] = mapped_column(default=False, server_default="0")

    runs: Mapped[list[Run]] = relationship(back_populates="site", order_by="Run.id")


class Batch(Base):
    """One `oitwatch run` over the registry: the unit that --resume finishes."""

    __tablename__ = "batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(32), default=RunStatus.RUNNING.value)
    trigger: Mapped[str] = mapped_column(String(20), default="manual")
    sites_total: Mapped[int] = mapped_column(default=0)
    fiscal_year: Mapped[int]
    # Fleet batches only: e.g. "2026-12-01", so a batch is enqueued once however often asked.
    key: Mapped[str | None] = mapped_column(String(64), unique=True, index=True)


class Run(Base):
    __tablename__ = "runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("batches.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(20), default=RunStatus.RUNNING.value)
    site_status: Mapped[str | None] = mapped_column(String(20))
    checklist_id: Mapped[str] = mapped_column(String(20))
    fiscal_year: Mapped[int]
    pages_fetched: Mapped[int] = mapped_column(default=0)
    pages_rendered: Mapped[int | None]  # by Chromium; None for runs before 0011
    oit_estimate: Mapped[float | None]
    error: Mapped[str | None] = mapped_column(Text)
    version: Mapped[str] = mapped_column(String(20))
    notes: Mapped[list[Any]] = mapped_column(default=list, server_default="[]")
    # {"new": [...], "fixed": [...]}: what the run's alerts announced, for the batch's digest.
    alert_changes: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # What the next night needs to revisit the site without crawling it (incremental.py);
    # None when this run's verdicts cannot stand for the next night's.
    revisit: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    site: Mapped[Site] = relationship(back_populates="runs")
    items: Mapped[list[ItemResultRow]] = relationship(
        back_populates="run", order_by="ItemResultRow.position"
    )


class ResourceRow(Base):
    __tablename__ = "resources"
    __table_args__ = (Index("ix_resources_run_url", "run_id", "url"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"))
    url: Mapped[str] = mapped_column(Text)
    final_url: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(30))
    http_status: Mapped[int | None]
    content_type: Mapped[str | None] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(10))
    content_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(default=0)
    etag: Mapped[str | None] = mapped_column(String(255))
    last_modified: Mapped[str | None] = mapped_column(String(64))
    depth: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(Text)
    fetched_at: Mapped[datetime] = mapped_column(default=utcnow)


class ItemResultRow(Base):
    __tablename__ = "item_results"
    __table_args__ = (UniqueConstraint("run_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"))
    position: Mapped[int]
    item_id: Mapped[str] = mapped_column(String(5))
    status: Mapped[str] = mapped_column(String(20), index=True)
    url: Mapped[str | None] = mapped_column(Text)
    declared: Mapped[bool] = mapped_column(default=False)
    score: Mapped[int] = mapped_column(default=0)
    elements: Mapped[list[Any]] = mapped_column(default=list)
    years: Mapped[list[Any]] = mapped_column(default=list)
    evidence: Mapped[list[Any]] = mapped_column(default=list)
    reason_th: Mapped[str] = mapped_column(Text, default="")
    reason_en: Mapped[str] = mapped_column(Text, default="")
    fix_th: Mapped[str] = mapped_column(Text, default="")
    fix_en: Mapped[str] = mapped_column(Text, default="")
    screenshot: Mapped[str | None] = mapped_column(Text)
    ocr: Mapped[bool] = mapped_column(default=False, server_default="0")
    # Why the verdict: sources judged, period read, element snippets (ItemResult.evidence()).
    reasoning: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default="{}")
    # Missing capabilities ("ocr", "chromium") that weakened the verdict (pipeline/site.py).
    weakened: Mapped[list[Any]] = mapped_column(default=list, server_default="[]")
    # What the verdict was judged from (pipeline/incremental.py): the next check reuses the verdict
    # when none of it changed. JSON text; None for runs before 0006 or cut short.
    memo: Mapped[str | None] = mapped_column(Text)

    run: Mapped[Run] = relationship(back_populates="items")


class OcrCacheRow(Base):
    """Text read from a scan, by content hash: a document is OCR'd once across runs."""

    __tablename__ = "ocr_cache"

    content_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    engine: Mapped[str] = mapped_column(String(64), primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    pages: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DerivedRow(Base):
    """What was read from a document (documents/derived.py), by content hash, URL and parser
    version: an unchanged page or file is not parsed or extracted again on the next check."""

    __tablename__ = "derived"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AlertStateRow(Base):
    """The last state told to a site's webmaster, per item ("SITE" for reachability), so an
    unchanged problem is never announced twice."""

    __tablename__ = "alert_states"

    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), primary_key=True)
    item_id: Mapped[str] = mapped_column(String(8), primary_key=True)
    status: Mapped[str] = mapped_column(String(20))
    problem: Mapped[bool]
    since_run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class OutboxMessage(Base):
    """An e-mail waiting to go out. Alerts are written here first and sent after, so a dead
    SMTP server delays them to the next run but loses none."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    kind: Mapped[str] = mapped_column(String(20))  # problem | recovery | digest
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"))
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("batches.id"))
    recipients: Mapped[list[Any]] = mapped_column(default=list)
    subject: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)


class FleetJob(Base):
    """One site of a fleet batch: the queue job's state as oitwatch sees it, and what the
    staff digest needs once the batch is done. One row per (batch, site): enqueuing twice
    adds nothing."""

    __tablename__ = "fleet_jobs"
    __table_args__ = (UniqueConstraint("batch_id", "site_url"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.id"), index=True)
    site_url: Mapped[str] = mapped_column(String(500))
    entry: Mapped[dict[str, Any]] = mapped_column(default=dict)
    lock: Mapped[str] = mapped_column(String(300))  # "ip:203.0.113.5": one site per server
    status: Mapped[str] = mapped_column(String(20), default="queued", index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    job_id: Mapped[int | None]
    worker: Mapped[str | None] = mapped_column(String(200))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id"))
    site_status: Mapped[str | None] = mapped_column(String(20))
    oit_estimate: Mapped[float | None]
    new_problems: Mapped[list[Any]] = mapped_column(default=list)
    recoveries: Mapped[list[Any]] = mapped_column(default=list)
    error: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class OcrRequest(Base):
    """A scan waiting for (or read by) an OCR worker. The bytes travel with the request so the
    OCR worker never fetches from the agency's server; they are dropped once read."""

    __tablename__ = "ocr_requests"

    content_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    engine: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    url: Mapped[str] = mapped_column(Text)
    data: Mapped[bytes | None] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(20), default="waiting", index=True)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class OcrWait(Base):
    """A fleet site job waiting for a scan to be read; resumed when its last wait is gone."""

    __tablename__ = "ocr_waits"

    fleet_job_id: Mapped[int] = mapped_column(ForeignKey("fleet_jobs.id"), primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)
