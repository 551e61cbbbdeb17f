"""The report as JSON: one contract for `oitwatch check --format json` and the web download.

The contract is written down in ``report.schema.json`` beside this module (shipped in the
package); tests validate both outputs against it. Text is given in both languages (``*_th``,
``*_en``), whatever language the reader's screen is in: JSON is for programs.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import cache
from importlib.resources import files
from typing import Any

from oitwatch.present.labels import Bilingual
from oitwatch.present.model import ItemView, ReportView

REPORT_VERSION = 1  # raised when a field changes meaning or goes; new fields keep it


def iso_utc(when: datetime | None) -> str | None:
    """A stored (naive UTC) or aware time as ISO 8601 in UTC, e.g. 2026-12-01T11:10:00Z."""
    if when is None:
        return None
    aware = when if when.tzinfo is not None else when.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _pair(text: Bilingual | None, name: str) -> dict[str, str]:
    return {f"{name}_th": text.th if text else "", f"{name}_en": text.en if text else ""}


def item_json(item: ItemView) -> dict[str, Any]:
    return {
        "id": item.id,
        "heading_th": item.heading.th,
        "heading_en": item.heading.en,
        "status": item.status.value,
        "status_th": item.status_label.th,
        "url": item.url,
        "declared": item.declared,
        "score": item.score,
        "found_elements": [e.id for e in item.found],
        "missing_elements": [e.id for e in item.missing],
        "missing_th": [e.name.th for e in item.missing],
        "missing_en": [e.name.en for e in item.missing],
        "years_found": list(item.years_found),
        "evidence_urls": list(item.evidence_urls),
        "evidence": dict(item.evidence),
        **_pair(item.reason, "reason"),
        **_pair(item.fix, "fix"),
        "ocr": item.ocr,
        "screenshot": item.screenshot,
        "weakened_by": list(item.weakened_by),
        "rule_confidence": item.rule_confidence,
        "rule_note": f"{item.rule_note.th} / {item.rule_note.en}" if item.rule_note else "",
        "since": iso_utc(item.since),
    }


def report_json(view: ReportView) -> dict[str, Any]:
    problem = view.site_problem
    return {
        "report_version": REPORT_VERSION,
        "site": view.site_url,
        "site_id": view.site_id,
        "agency": view.agency,
        "run_id": view.run_id,
        "checked_at": iso_utc(view.checked_at),
        "checklist": view.checklist_id,
        "fiscal_year": view.fiscal_year,
        "site_status": view.site_status,
        "pages_fetched": view.pages_fetched,
        "pages_rendered": view.pages_rendered,
        "score_estimate": {
            "oit": view.score.oit,
            "indicators": dict(view.score.indicators),
            "sub_indicators": dict(view.score.sub_indicators),
            "method": view.score.method,
        },
        "site_problem": (
            {**_pair(problem[0], "reason"), **_pair(problem[1], "fix")} if problem else None
        ),
        "notes": list(view.notes),
        "form_note": view.form_note,
        "warnings": [w.stored for w in view.warnings],
        "items": [item_json(item) for item in view.items],
    }


def report_json_text(view: ReportView) -> str:
    return json.dumps(report_json(view), ensure_ascii=False, indent=2)


SCHEMA_FILE = "report.schema.json"


@cache
def report_schema() -> dict[str, Any]:
    """The JSON Schema of ``report_json``, as shipped in the package."""
    schema: dict[str, Any] = json.loads(
        files("oitwatch.present").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    )
    return schema
