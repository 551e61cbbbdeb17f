"""The e-mails: per site (new problems, or an all-clear) and a digest for staff. Thai first,
English below; each problem with its evidence URL and the fix."""

from __future__ import annotations

from dataclasses import dataclass

from oitwatch.alerts.transitions import SITE, Kind, Transition
from oitwatch.checklist.findings import SITE_STATUS_LABELS, STATUS_LABELS, SiteStatus, Status
from oitwatch.storage.records import Mail


def _status_th(value: str) -> str:
    """An item's status, or the site's own (the SITE transitions), in Thai."""
    try:
        return STATUS_LABELS[Status(value)][0]
    except ValueError:
        pass
    try:
        return SITE_STATUS_LABELS[SiteStatus(value)][0]
    except ValueError:
        return value


def problems_mail(
    agency: str, site_url: str, when: str, found: list[Transition], recipients: list[str]
) -> Mail:
    count = len(found)
    th = [
        f"เรียน ผู้ดูแลเว็บไซต์ {agency} ({site_url})",
        "",
        f"การตรวจเว็บไซต์เมื่อ {when} พบปัญหาใหม่ {count} รายการ ที่ผู้ประเมิน ITA จะหักคะแนน:",
        "",
    ]
    en = [
        f"Dear webmaster of {agency} ({site_url}),",
        "",
        f"The check of {when} found {count} new problem(s) that ITA assessors will mark down:",
        "",
    ]
    for number, t in enumerate(found, start=1):
        if t.item_id == SITE:
            th += [
                f"{number}. เปิดเว็บไซต์หลักไม่ได้ ({site_url})",
                "   วิธีแก้: ตรวจสอบโดเมน เซิร์ฟเวอร์ และใบรับรอง SSL ให้เว็บไซต์เปิดได้ตลอดเวลา",
                "",
            ]
            en += [
                f"{number}. The main website cannot be opened ({site_url})",
                "   Fix: check the domain, the server and the TLS certificate",
                "",
            ]
            continue
        r = t.result
        if r is None:
            continue
        th += [
            f"{number}. {r.id} {r.heading_th}: {_status_th(t.new)} (เดิม: {_status_th(t.old)})",
            f"   ลิงก์: {r.url or '-'}",
            f"   เหตุผล: {r.reason_th}",
            f"   วิธีแก้: {r.fix_th}",
            "",
        ]
        en += [
            f"{number}. {r.id} {r.gloss_en}: {t.new} (was: {t.old})",
            f"   Link: {r.url or '-'}",
            f"   Reason: {r.reason_en}",
            f"   Fix: {r.fix_en}",
            "",
        ]
    body = "\n".join([*th, "-" * 60, *en, "-- ", "oitwatch"])
    subject = f"[oitwatch] {agency}: พบปัญหาใหม่ {count} รายการ / {count} new problem(s)"
    return Mail(Kind.PROBLEM.value, recipients, subject, body)


def recovery_mail(
    agency: str, site_url: str, when: str, fixed: list[Transition], recipients: list[str]
) -> Mail:
    count = len(fixed)
    names = [
        ("เว็บไซต์หลักเปิดได้แล้ว", "the main website is reachable again")
        if t.item_id == SITE
        else (
            f"{t.item_id} {t.result.heading_th if t.result else ''}",
            f"{t.item_id} {t.result.gloss_en if t.result else ''}",
        )
        for t in fixed
    ]
    body = "\n".join(
        [
            f"เรียน ผู้ดูแลเว็บไซต์ {agency} ({site_url})",
            "",
            f"การตรวจเมื่อ {when}: ปัญหาที่แจ้งไว้ได้รับการแก้ไขแล้ว {count} รายการ",
            *(f"- {th}" for th, _ in names),
            "",
            "-" * 60,
            f"Dear webmaster of {agency} ({site_url}),",
            "",
            f"The check of {when}: {count} problem(s) reported earlier are fixed",
            *(f"- {en}" for _, en in names),
            "",
            "-- ",
            "oitwatch",
        ]
    )
    subject = f"[oitwatch] {agency}: แก้ไขแล้ว {count} รายการ / {count} resolved"
    return Mail(Kind.RECOVERY.value, recipients, subject, body)


@dataclass(frozen=True)
class SiteLine:
    agency: str
    url: str
    site_status: SiteStatus
    score: float | None
    new_problems: list[str]
    recoveries: list[str]


def digest_mail(when: str, lines: list[SiteLine], recipients: list[str]) -> Mail:
    problems = sum(len(line.new_problems) for line in lines)
    down = [line for line in lines if line.site_status is SiteStatus.UNREACHABLE]
    th = [
        f"สรุปผลการตรวจเว็บไซต์ {when}: {len(lines)} เว็บไซต์",
        f"ปัญหาใหม่ {problems} รายการ, เปิดไม่ได้ {len(down)} เว็บไซต์",
        "",
    ]
    en = [
        f"Digest of the check of {when}: {len(lines)} sites",
        f"{problems} new problem(s), {len(down)} site(s) unreachable",
        "",
    ]
    for line in sorted(lines, key=lambda x: (-len(x.new_problems), x.agency)):
        score = f"{line.score:.1f}" if line.score is not None else "-"
        status = (
            "เปิดไม่ได้/unreachable" if line.site_status is SiteStatus.UNREACHABLE else f"OIT≈{score}"
        )
        detail = ""
        if line.new_problems:
            detail += " ปัญหาใหม่/new: " + ", ".join(line.new_problems)
        if line.recoveries:
            detail += " แก้แล้ว/fixed: " + ", ".join(line.recoveries)
        th.append(f"- {line.agency} ({line.url}) {status}{detail}")
    body = "\n".join([*th, "", *en, "-- ", "oitwatch (OIT scores are estimates)"])
    subject = f"[oitwatch] สรุปผลการตรวจ {when}: {len(lines)} เว็บไซต์, ปัญหาใหม่ {problems} / digest"
    return Mail("digest", recipients, subject, body)
