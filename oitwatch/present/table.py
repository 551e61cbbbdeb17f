"""Showing a check to a person: a terminal table with Thai headings and English below."""

from __future__ import annotations

import unicodedata

from oitwatch.checklist import Checklist
from oitwatch.checklist.findings import STATUS_LABELS, SiteStatus, Status
from oitwatch.pipeline.site import CheckReport


def display_width(text: str) -> int:
    """Columns a string takes: Thai vowels and tone marks above or below take none."""
    return sum(
        0 if unicodedata.combining(ch) or unicodedata.category(ch) == "Mn" else 1 for ch in text
    )


def pad(text: str, width: int) -> str:
    return text + " " * max(0, width - display_width(text))


def clip(text: str, width: int) -> str:
    if display_width(text) <= width:
        return text
    out = ""
    for ch in text:
        if display_width(out + ch) > width - 1:
            break
        out += ch
    return out + "…"


def render_table(report: CheckReport) -> str:
    lines: list[str] = []
    cl = report.checklist
    lines.append(f"รายงานการตรวจ {cl.id} เว็บไซต์ {report.site}")
    lines.append(f"Report for {report.site} against {cl.title_en}")
    if report.form_note:
        lines.append(report.form_note)
    inferred = sum(item.inferred for item in cl.items)
    if inferred:
        lines.append(
            f"กฎ {inferred} จาก {len(cl.items)} ข้ออนุมานจากหน้าเว็บของหน่วยงานที่เผยแพร่ (ยังไม่มีคู่มือฉบับทางการ)"
            f" / {inferred} of {len(cl.items)} rules inferred from public agency pages (no official manual yet)"
        )
    for warning in report.warnings:
        lines.append(f"!! {warning}")
    if report.site_status is SiteStatus.UNREACHABLE:
        lines.append("!! เปิดเว็บไซต์หลักไม่ได้ / the main website cannot be reached")
    lines.append(f"หน้าที่ตรวจ / pages fetched: {report.pages_fetched}")
    lines.append("")
    header = f"{pad('ข้อ', 4)} {pad('สถานะ', 20)} {pad('หัวข้อ', 40)} หลักฐาน"
    lines.append(header)
    lines.append(f"{pad('Item', 4)} {pad('Status', 20)} {pad('Heading', 40)} Evidence")
    lines.append("─" * 100)
    for item in report.items:
        th, en = STATUS_LABELS[item.status]
        lines.append(
            f"{pad(item.id, 4)} {pad(th, 20)} {pad(clip(item.heading_th, 40), 40)} {item.url or '-'}"
        )
        lines.append(f"{pad('', 4)} {pad(en, 20)} {clip(item.gloss_en, 40)}")
        if item.status is not Status.PASS:
            lines.append(f"{pad('', 4)}   เหตุผล: {item.reason_th}")
            lines.append(f"{pad('', 4)}   Reason: {item.reason_en}")
            lines.append(f"{pad('', 4)}   วิธีแก้: {item.fix_th}")
            lines.append(f"{pad('', 4)}   Fix:    {item.fix_en}")
            rule_note = report.rule_note(item.id)
            if rule_note is not None:  # how sure the rule is matters where work is asked for
                lines.append(f"{pad('', 4)}   ({rule_note[0]} / {rule_note[1]})")
    lines.append("─" * 100)
    counts: dict[Status, int] = {}
    for item in report.items:
        counts[item.status] = counts.get(item.status, 0) + 1
    summary = ", ".join(f"{STATUS_LABELS[s][0]} {n}" for s, n in counts.items())
    summary_en = ", ".join(f"{s.value} {n}" for s, n in counts.items())
    lines.append(f"สรุป: {summary}")
    lines.append(f"Summary: {summary_en}")
    lines.append(
        f"คะแนน OIT โดยประมาณ: {report.estimate.oit:.2f} / Estimated OIT score: "
        f"{report.estimate.oit:.2f} ({report.estimate.method})"
    )
    shown = {report.form_note, *report.warnings}
    for note in report.notes:
        if note not in shown:
            lines.append(f"note: {note}")
    return "\n".join(lines)


def render_checklist(checklist: Checklist) -> str:
    lines = [checklist.title_th, checklist.title_en, ""]
    for item in checklist.items:
        period = item.period.kind.value + (
            f" (+{item.period.years_back} ปีก่อน)" if item.period.years_back else ""
        )
        lines.append(f"{pad(item.id, 4)} {item.heading_th}")
        lines.append(
            f"{pad('', 4)} {item.gloss_en} — ตัวชี้วัดย่อย {item.sub_indicator}, period: {period}, hosting: {item.hosting.value}"
        )
        if item.inferred:
            lines.append(
                f"{pad('', 4)} (กฎข้อนี้อนุมานจากหน้าเว็บของหน่วยงานที่เผยแพร่ / rule inferred from"
                f" public agency pages, confidence: {item.confidence.value}; source: {item.source})"
            )
        for element in item.elements:
            lines.append(f"{pad('', 6)}- {element.th} / {element.en}")
    return "\n".join(lines)
