"""What a check concludes about one item. The status strings are a public contract."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Status(StrEnum):
    PASS = "pass"
    PARTIAL = "partial"
    OUTDATED = "outdated"
    OFF_SITE = "off_site"
    BROKEN = "broken"
    MISSING = "missing"
    UNVERIFIABLE = "unverifiable"


class SiteStatus(StrEnum):
    """Whether the site's main page could be fetched at all. Stored in runs.site_status and
    fleet_jobs.site_status as these strings."""

    OK = "ok"
    UNREACHABLE = "unreachable"  # every item is broken; said once, not per item


SITE_STATUS_LABELS: dict[SiteStatus, tuple[str, str]] = {
    SiteStatus.OK: ("เปิดได้ตามปกติ", "up"),
    SiteStatus.UNREACHABLE: ("เปิดเว็บไซต์ไม่ได้", "unreachable"),
}


# What each status is called: Thai for the webmaster first, English on request.
STATUS_LABELS: dict[Status, tuple[str, str]] = {
    Status.PASS: ("ผ่าน", "pass"),
    Status.PARTIAL: ("ไม่ครบ", "partial"),
    Status.OUTDATED: ("ไม่เป็นปัจจุบัน", "outdated"),
    Status.OFF_SITE: ("อยู่นอกเว็บไซต์หลัก", "off_site"),
    Status.BROKEN: ("ลิงก์เสีย", "broken"),
    Status.MISSING: ("ไม่พบ", "missing"),
    Status.UNVERIFIABLE: ("อ่านไม่ได้", "unverifiable"),
}


@dataclass(frozen=True)
class ElementFinding:
    id: str
    th: str
    en: str
    found: bool
    evidence_url: str | None = None  # the document where it was found
    detail_th: str = ""  # e.g. which executives have no photo
    detail_en: str = ""
    snippet: str = ""  # the words that proved it, as read
    where: str = ""  # body | title | table | image | form | link | site


@dataclass(frozen=True)
class EvidenceSource:
    """One URL judged for an item and why it was judged."""

    url: str
    source: str  # ita_row | declared_file | discovered | linked_file
    row_label: str = ""  # ita_row: the row's label as printed
    page: str = ""  # ita_row: the ITA page; declared_file: the CSV
    why: str = ""  # discovered / linked_file: what made it a candidate

    def to_json(self) -> dict[str, str]:
        data = {"url": self.url, "source": self.source}
        for key in ("row_label", "page", "why"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        return data


@dataclass
class ItemResult:
    id: str
    status: Status
    url: str | None
    heading_th: str = ""
    gloss_en: str = ""
    elements: list[ElementFinding] = field(default_factory=list)
    years_found: list[int] = field(default_factory=list)
    evidence_urls: list[str] = field(default_factory=list)
    declared: bool = False  # judged from links the site's ITA page (or --declared) gave
    ocr: bool = False  # the verdict rests on text read from scans by OCR
    screenshot: str | None = None  # PNG of the evidence page as the checker saw it
    reason_th: str = ""
    reason_en: str = ""
    fix_th: str = ""
    fix_en: str = ""
    score: int = 0
    sources: list[EvidenceSource] = field(default_factory=list)
    period_read: str = ""  # e.g. "2568 (body: fiscal-year phrase)"
    notes: list[str] = field(default_factory=list)  # e.g. how many declared links were judged

    def evidence(self) -> dict[str, object]:
        """The reasoning behind the verdict: what was opened, the period read, what proved what."""
        return {
            "sources": [s.to_json() for s in self.sources],
            "period": self.period_read,
            "elements": [
                {
                    "id": e.id,
                    "found": e.found,
                    **({"url": e.evidence_url} if e.evidence_url else {}),
                    **({"where": e.where} if e.where else {}),
                    **({"snippet": e.snippet} if e.snippet else {}),
                }
                for e in self.elements
            ],
            "notes": self.notes,
        }

    @property
    def missing_elements(self) -> list[str]:
        return [e.id for e in self.elements if not e.found]

    @property
    def found_elements(self) -> list[str]:
        return [e.id for e in self.elements if e.found]
