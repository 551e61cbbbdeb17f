"""`oitwatch report`: one row per site over its latest run, as JSON or one HTML file (CSV:
spreadsheet.sites_csv)."""

from __future__ import annotations

import html
import json
from typing import Any

from oitwatch.checklist.findings import STATUS_LABELS, SiteStatus
from oitwatch.present.labels import Lang, bangkok, format_when, site_status_label
from oitwatch.present.model import SiteSummary
from oitwatch.present.spreadsheet import SafeWriter

# web/views.py imported the CSV writer from here; it moves to spreadsheet.report_csv (h/web).
__all__ = ["SafeWriter", "sites_html", "sites_json"]


def _site_json(r: SiteSummary) -> dict[str, Any]:
    return {
        "agency": r.agency,
        "agency_type": r.agency_type,
        "province": r.province,
        "url": r.url,
        "site_id": r.site_id,
        "run_id": r.run_id,
        "checked_at": bangkok(r.checked_at).isoformat(timespec="minutes"),
        "site_status": r.site_status,
        "oit_estimate": r.oit_estimate,
        "passed": r.passed,
        "items": r.items,
        "failing": [{"id": item, "status": status.value} for item, status in r.failing],
    }


def sites_json(rows: list[SiteSummary]) -> str:
    return json.dumps(
        {"score_method": "estimate (see README)", "sites": [_site_json(r) for r in rows]},
        ensure_ascii=False,
        indent=2,
    )


_CSS = """body{font-family:'Sarabun','Noto Sans Thai','Garuda',sans-serif;margin:2rem;color:#1a1a1a}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #999;padding:.4rem;text-align:left;
vertical-align:top}th{background:#e8eef7}.bad{color:#8a1c1c;font-weight:bold}small{color:#444}"""


def sites_html(rows: list[SiteSummary], title: str = "รายงานผลการตรวจเว็บไซต์ OIT") -> str:
    """A single self-contained file (no scripts, no external resources); all text escaped.
    Thai first: statuses by their Thai names, times in Bangkok with Buddhist-era dates."""
    e = html.escape
    body = []
    for r in rows:
        score = "-" if r.oit_estimate is None else f"{r.oit_estimate:.1f}"
        bad = r.site_status is SiteStatus.UNREACHABLE
        failing = ", ".join(f"{item} {STATUS_LABELS[status][0]}" for item, status in r.failing)
        body.append(
            f"<tr><td>{e(r.agency)}<br><small>{e(r.agency_type)}</small></td><td>{e(r.province)}</td>"
            f'<td><a href="{e(r.url)}">{e(r.url)}</a></td><td>{e(format_when(r.checked_at, Lang.TH))}</td>'
            f"<td{' class=bad' if bad else ''}>{e(site_status_label(r.site_status).th)}</td>"
            f"<td>{score}</td><td>{r.passed}/{r.items}</td><td>{e(failing)}</td></tr>"
        )
    return (
        '<!DOCTYPE html><html lang="th"><head><meta charset="utf-8">'
        f"<title>{e(title)}</title><style>{_CSS}</style></head><body>"
        f"<h1>{e(title)}</h1><p>คะแนนในรายงานนี้เป็น<strong>คะแนนโดยประมาณ</strong> "
        "(ข้อที่ผ่าน 100 ไม่ครบ 50 อื่น ๆ 0 เฉลี่ยตามตัวชี้วัดย่อยและตัวชี้วัด"
        " เนื่องจากยังไม่มีการเผยแพร่น้ำหนักคะแนนอย่างเป็นทางการ)</p>"
        "<table><thead><tr><th>หน่วยงาน</th><th>จังหวัด</th><th>เว็บไซต์</th><th>ตรวจเมื่อ</th>"
        "<th>สถานะเว็บไซต์</th><th>คะแนนโดยประมาณ</th><th>ข้อที่ผ่าน</th><th>ข้อที่ต้องแก้</th>"
        f"</tr></thead><tbody>{''.join(body)}</tbody></table></body></html>"
    )
