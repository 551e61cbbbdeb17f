"""`oitwatch report`: one row per site over its latest run, as CSV, JSON or one HTML file."""

from __future__ import annotations

import csv
import html
import io
import json
from dataclasses import asdict, dataclass

from oitwatch.checklist.findings import SiteStatus
from oitwatch.storage import Database


@dataclass(frozen=True)
class SiteRow:
    agency: str
    agency_type: str
    province: str
    url: str
    checked_at: str
    site_status: str
    oit_estimate: float | None
    passed: int
    items: int
    failing: str  # "O5:broken O7:outdated"


def site_rows(db: Database, province: str | None = None) -> list[SiteRow]:
    rows = []
    for line in db.latest_runs(province):
        site, run, items = line.site, line.run, line.items
        failing = " ".join(f"{i.item_id}:{i.status}" for i in line.failing)
        rows.append(
            SiteRow(
                agency=site.label,
                agency_type=site.agency_type or "",
                province=site.province or "",
                url=site.url,
                checked_at=run.started_at.strftime("%Y-%m-%d %H:%M"),
                site_status=run.site_status,
                oit_estimate=run.oit_estimate,
                passed=line.passed,
                items=len(items),
                failing=failing,
            )
        )
    return rows


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

    def writerow(self, row: list[object]) -> None:
        self._writer.writerow([spreadsheet_safe(cell) for cell in row])


def to_csv(rows: list[SiteRow]) -> str:
    out = io.StringIO()
    writer = SafeWriter(out)
    writer.writerow(
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
        ]
    )
    for r in rows:
        writer.writerow(
            [
                r.agency,
                r.agency_type,
                r.province,
                r.url,
                r.checked_at,
                r.site_status,
                "" if r.oit_estimate is None else f"{r.oit_estimate:.2f}",
                r.passed,
                r.failing,
            ]
        )
    return out.getvalue()


def to_json(rows: list[SiteRow]) -> str:
    return json.dumps(
        {"score_method": "estimate (see README)", "sites": [asdict(r) for r in rows]},
        ensure_ascii=False,
        indent=2,
    )


_CSS = """body{font-family:'Sarabun','Noto Sans Thai','Garuda',sans-serif;margin:2rem;color:#1a1a1a}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #999;padding:.4rem;text-align:left;
vertical-align:top}th{background:#e8eef7}.bad{color:#8a1c1c;font-weight:bold}small{color:#444}"""


def to_html(rows: list[SiteRow], title: str = "รายงานผลการตรวจเว็บไซต์ OIT") -> str:
    """A single self-contained file (no scripts, no external resources); all text escaped."""
    e = html.escape
    body = []
    for r in rows:
        score = "-" if r.oit_estimate is None else f"{r.oit_estimate:.1f}"
        status = "เปิดไม่ได้ / unreachable" if r.site_status == SiteStatus.UNREACHABLE else "ok"
        body.append(
            f"<tr><td>{e(r.agency)}<br><small>{e(r.agency_type)}</small></td><td>{e(r.province)}</td>"
            f'<td><a href="{e(r.url)}">{e(r.url)}</a></td><td>{e(r.checked_at)}</td>'
            f"<td{' class=bad' if r.site_status == SiteStatus.UNREACHABLE else ''}>{status}</td>"
            f"<td>{score}</td><td>{r.passed}/{r.items}</td><td>{e(r.failing)}</td></tr>"
        )
    return (
        '<!DOCTYPE html><html lang="th"><head><meta charset="utf-8">'
        f"<title>{e(title)}</title><style>{_CSS}</style></head><body>"
        f"<h1>{e(title)}</h1><p>OIT report by site. Scores are <strong>estimates</strong> "
        "(item 100/50/0, averaged per sub-indicator and indicator; official weights are not public).</p>"
        "<table><thead><tr><th>หน่วยงาน<br><small>Agency</small></th><th>จังหวัด<br><small>Province</small></th>"
        "<th>เว็บไซต์<br><small>Website</small></th><th>ตรวจเมื่อ<br><small>Checked</small></th>"
        "<th>สถานะ<br><small>Site</small></th><th>คะแนนประมาณ<br><small>OIT est.</small></th>"
        "<th>ผ่าน<br><small>Passed</small></th><th>ข้อที่ต้องแก้<br><small>To fix</small></th></tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table></body></html>"
    )
