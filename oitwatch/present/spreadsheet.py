"""Every CSV oitwatch writes: a site's report (the web download) and one row per site
(`oitwatch report --format csv`). Cells that a spreadsheet would run as a formula are kept text."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from oitwatch.present.labels import Bilingual, Lang, bangkok, format_date, site_status_label
from oitwatch.present.model import ReportView, SiteSummary

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection): site
# names, URLs and reasons come from websites nobody controls.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """A text cell that a spreadsheet would take for a formula, prefixed with ' to stay text."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


class SafeWriter:
    """csv.writer whose text cells are spreadsheet_safe: every CSV oitwatch writes uses it."""

    def __init__(self, out: io.StringIO) -> None:
        self._writer = csv.writer(out)

    def writerow(self, row: Sequence[object]) -> None:
        self._writer.writerow([spreadsheet_safe(cell) for cell in row])


def _write(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = SafeWriter(out)
    for row in [header, *rows]:
        writer.writerow(row)
    return out.getvalue()


_ALL_ITEMS = Bilingual("ทุกข้อ", "all items")


def report_csv(view: ReportView, lang: Lang | str = Lang.TH) -> str:
    """One row per item in the reader's language; an unreachable site is one row (the cause
    and the fix once), not one identical row per item."""
    header = ["item", "heading", "status", "status_label", "url", "missing", "reason", "fix"]
    header.append("since")
    problem = view.site_problem
    if problem is not None:
        cause, fix = problem
        label = site_status_label(view.site_status)
        return _write(
            header,
            [
                [
                    _ALL_ITEMS.pick(lang),
                    view.checklist_title.pick(lang),
                    view.site_status,
                    label.pick(lang),
                    view.site_url,
                    "",
                    cause.pick(lang),
                    fix.pick(lang),
                    "",
                ]
            ],
        )
    return _write(
        header,
        [
            [
                i.id,
                i.heading.pick(lang),
                i.status.value,
                i.status_label.pick(lang),
                i.url or "",
                "; ".join(e.name.pick(lang) for e in i.missing),
                i.reason.pick(lang),
                i.fix.pick(lang),
                format_date(i.since, lang) if i.since else "",
            ]
            for i in view.items
        ],
    )


def sites_csv(rows: list[SiteSummary]) -> str:
    """`oitwatch report --format csv`: one row per site; ``failing_items`` as ``O5:broken``
    (the status values are the public contract; this file is for spreadsheets and scripts)."""
    return _write(
        [
            "agency",
            "type",
            "province",
            "url",
            "checked_at",
            "site_status",
            "oit_estimate",
            "items_passed",
            "failing_items",
        ],
        [
            [
                r.agency,
                r.agency_type,
                r.province,
                r.url,
                bangkok(r.checked_at).isoformat(timespec="minutes"),
                r.site_status,
                "" if r.oit_estimate is None else f"{r.oit_estimate:.2f}",
                r.passed,
                " ".join(f"{item}:{status.value}" for item, status in r.failing),
            ]
            for r in rows
        ],
    )
