"""What the pages show, read from the same database as the CLI. No HTML here."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from oitwatch.alerts.transitions import GOOD, PROBLEMS
from oitwatch.checklist import ChecklistError, load_checklist
from oitwatch.checklist.findings import STATUS_LABELS, Status
from oitwatch.present.stored import SafeWriter
from oitwatch.storage import Database, RunInfo, SiteInfo
from oitwatch.storage.schema import Run, Site


@dataclass(frozen=True)
class ItemView:
    id: str
    heading: str
    status: str
    status_label: str
    url: str | None
    missing: list[str]
    reason: str
    fix: str
    since: str  # when the status last changed
    ocr: bool
    screenshot: str | None
    # Why the verdict: sources judged, period read, element snippets (ItemResult.evidence()).
    reasoning: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ReportView:
    site: Site
    run: Run
    items: list[ItemView]
    score: float | None
    lang: str


def _since(db: Database, site: Site) -> dict[str, str]:
    changed: dict[str, tuple[str, datetime]] = {}
    for row in db.item_history(site.url):
        previous = changed.get(row.item_id)
        if previous is None or previous[0] != row.status:
            changed[row.item_id] = (row.status, row.started_at)
    return {item: when.strftime("%Y-%m-%d") for item, (_, when) in changed.items()}


def _element_names(fiscal_year: int) -> dict[tuple[str, str], tuple[str, str]]:
    try:
        checklist = load_checklist(fiscal_year)
    except ChecklistError:
        return {}
    return {(i.id, e.id): (e.th, e.en) for i in checklist.items for e in i.elements}


def _named(
    reasoning: dict[str, Any],
    item_id: str,
    names: dict[tuple[str, str], tuple[str, str]],
    english: bool,
) -> dict[str, Any]:
    """The reasoning with each element's name in the reader's language, not its id."""
    elements = [
        {**e, "name": names.get((item_id, e["id"]), (e["id"], e["id"]))[1 if english else 0]}
        for e in reasoning.get("elements", [])
    ]
    return {**reasoning, "elements": elements}


def report_view(db: Database, site_id: int, lang: str) -> ReportView | None:
    site = db.site_by_id(site_id)
    latest = db.latest_run(site_id) if site is not None else None
    if site is None or latest is None:
        return None
    run, rows = latest
    names = _element_names(run.fiscal_year)
    since = _since(db, site)
    english = lang == "en"
    try:
        headings = {i.id: (i.heading_th, i.gloss_en) for i in load_checklist(run.fiscal_year).items}
    except ChecklistError:
        headings = {}
    items = []
    for row in rows:
        missing_ids = [e["id"] for e in row.elements if not e["found"]]
        missing = [names.get((row.item_id, m), (m, m))[1 if english else 0] for m in missing_ids]
        th, en = STATUS_LABELS.get(Status(row.status), (row.status, row.status))
        heading = headings.get(row.item_id, (row.item_id, row.item_id))
        items.append(
            ItemView(
                id=row.item_id,
                heading=heading[1] if english else heading[0],
                status=row.status,
                status_label=en if english else th,
                url=row.url,
                missing=missing,
                reason=row.reason_en if english else row.reason_th,
                fix=row.fix_en if english else row.fix_th,
                since=since.get(row.item_id, ""),
                ocr=row.ocr,
                screenshot=row.screenshot,
                reasoning=_named(dict(row.reasoning or {}), row.item_id, names, english),
            )
        )
    return ReportView(site, run, items, run.oit_estimate, lang)


def report_json(view: ReportView) -> dict[str, Any]:
    return {
        "site": view.site.url,
        "agency": view.site.name,
        "run_id": view.run.id,
        "checked_at": view.run.started_at.isoformat(),
        "checklist": view.run.checklist_id,
        "fiscal_year": view.run.fiscal_year,
        "site_status": view.run.site_status,
        "oit_estimate": view.score,
        "items": [
            {
                "id": i.id,
                "status": i.status,
                "url": i.url,
                "missing_elements": i.missing,
                "reason": i.reason,
                "fix": i.fix,
                "since": i.since,
                "ocr": i.ocr,
                "evidence": i.reasoning,
            }
            for i in view.items
        ],
    }


def report_csv(view: ReportView) -> str:
    out = io.StringIO()
    writer = SafeWriter(out)
    writer.writerow(
        ["item", "heading", "status", "url", "missing_elements", "reason", "fix", "since"]
    )
    for i in view.items:
        writer.writerow(
            [i.id, i.heading, i.status, i.url or "", "; ".join(i.missing), i.reason, i.fix, i.since]
        )
    return out.getvalue()


@dataclass(frozen=True)
class SiteRowView:
    site: SiteInfo
    run: RunInfo
    score: float | None
    failing: int
    new_problems: int


def dashboard_rows(
    db: Database, province: str | None, agency_type: str | None, sort: str
) -> list[SiteRowView]:
    rows = []
    # One query for every site (Database.latest_runs), the previous run's statuses included.
    for line in db.latest_runs(province or None, agency_type or None):
        new = sum(1 for i in line.items if i.status in PROBLEMS and i.previous in GOOD)
        rows.append(SiteRowView(line.site, line.run, line.run.oit_estimate, len(line.failing), new))
    if sort == "problems":
        rows.sort(key=lambda r: (-r.new_problems, r.score if r.score is not None else 0))
    else:
        rows.sort(key=lambda r: r.score if r.score is not None else -1)
    return rows
