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


@dataclass(frozen=True)
class ElementFinding:
    id: str
    th: str
    en: str
    found: bool
    evidence_url: str | None = None  # the document where it was found
    detail_th: str = ""  # e.g. which executives have no photo
    detail_en: str = ""


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

    @property
    def missing_elements(self) -> list[str]:
        return [e.id for e in self.elements if not e.found]

    @property
    def found_elements(self) -> list[str]:
        return [e.id for e in self.elements if e.found]
