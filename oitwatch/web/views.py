"""What the pages show, read from the same database as the CLI. No HTML here."""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from oitwatch.checklist import ChecklistError, load_checklist
from oitwatch.checklist.findings import Status
from oitwatch.present.stored import SafeWriter
from oitwatch.storage import Database
from oitwatch.storage.schema import Run, Site
from oitwatch.web.words import Lang, notes_in, status_label


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
    since: datetime | None  # when the status last changed
    ocr: bool
    screenshot: str | None
    # Why the verdict: sources judged, period read, element snippets (ItemResult.evidence()).
    reasoning: dict[str, Any] = field(default_factory=dict)

    @property
    def to_fix(self) -> bool:
        return self.status != Status.PASS.value


@dataclass(frozen=True)
class ReportView:
    site: Site
    run: Run
    items: list[ItemView]
    score: float | None
    lang: Lang

    @property
    def counts(self) -> list[tuple[str, str, int]]:
        """(status, its words, how many items), in the order of the statuses, none empty."""
        found = Counter(i.status for i in self.items)
        return [
            (s.value, status_label(s.value, self.lang), found[s.value])
            for s in Status
            if found[s.value]
        ]

    @property
    def to_fix(self) -> int:
        return sum(i.to_fix for i in self.items)

    @property
    def unreachable(self) -> ItemView | None:
        """When the site could not be opened every item says the same: said once, from the
        first item's reason and fix."""
        if self.run.site_status != "unreachable" or not self.items:
            return None
        return self.items[0]

    @property
    def notes(self) -> tuple[list[str], int]:
        """The run's notes in the reader's language, and how many exist only in the other."""
        return notes_in([str(n) for n in self.run.notes or []], self.lang)


def _since(db: Database, site: Site) -> dict[str, datetime]:
    changed: dict[str, tuple[str, datetime]] = {}
    for row in db.item_history(site.url):
        previous = changed.get(row["item_id"])
        if previous is None or previous[0] != row["status"]:
            changed[row["item_id"]] = (row["status"], row["started_at"])
    return {item: when for item, (_, when) in changed.items()}


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


def report_view(db: Database, site_id: int, lang: Lang) -> ReportView | None:
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
        heading = headings.get(row.item_id, (row.item_id, row.item_id))
        items.append(
            ItemView(
                id=row.item_id,
                heading=heading[1] if english else heading[0],
                status=row.status,
                status_label=status_label(row.status, lang),
                url=row.url,
                missing=missing,
                reason=row.reason_en if english else row.reason_th,
                fix=row.fix_en if english else row.fix_th,
                since=since.get(row.item_id),
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
                "since": i.since.strftime("%Y-%m-%d") if i.since else "",
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
            [
                i.id,
                i.heading,
                i.status,
                i.url or "",
                "; ".join(i.missing),
                i.reason,
                i.fix,
                i.since.strftime("%Y-%m-%d") if i.since else "",
            ]
        )
    return out.getvalue()
