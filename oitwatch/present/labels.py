"""Words and times as a reader sees them: Thai first, English on request.

Every screen (terminal, web page, e-mail) takes its status labels, dates and note texts from
here, so a Thai reader never meets an internal word (``off_site``, ``running``) or a UTC time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from oitwatch.checklist.findings import SITE_STATUS_LABELS, STATUS_LABELS, SiteStatus, Status
from oitwatch.text.periods import FISCAL_MONTH_NAMES_TH

BANGKOK = ZoneInfo("Asia/Bangkok")
BUDDHIST_ERA = 543  # พ.ศ. = ค.ศ. + 543


class Lang(StrEnum):
    TH = "th"
    EN = "en"


@dataclass(frozen=True, slots=True)
class Bilingual:
    """One text in both languages; ``pick`` gives the reader's."""

    th: str
    en: str

    def pick(self, lang: Lang | str) -> str:
        return self.en if lang == Lang.EN else self.th


def status_label(status: Status) -> Bilingual:
    th, en = STATUS_LABELS[status]
    return Bilingual(th, en)


def site_status_label(site_status: SiteStatus | str) -> Bilingual:
    """The site as a whole: reachable or not (an empty stored value is reachable)."""
    th, en = SITE_STATUS_LABELS[SiteStatus(site_status or SiteStatus.OK)]
    return Bilingual(th, en)


# Calendar order (January first) of the fiscal-year month names the period reader uses.
_MONTHS_TH = FISCAL_MONTH_NAMES_TH[3:] + FISCAL_MONTH_NAMES_TH[:3]
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def bangkok(when: datetime) -> datetime:
    """A stored time (naive UTC, as the database keeps it) in Asia/Bangkok."""
    aware = when if when.tzinfo is not None else when.replace(tzinfo=UTC)
    return aware.astimezone(BANGKOK)


def format_date(when: datetime, lang: Lang | str = Lang.TH) -> str:
    """``1 ธ.ค. 2569`` (Buddhist era) or ``1 Dec 2026``, the day in Bangkok."""
    local = bangkok(when)
    if lang == Lang.EN:
        return f"{local.day} {_MONTHS_EN[local.month - 1]} {local.year}"
    return f"{local.day} {_MONTHS_TH[local.month - 1]} {local.year + BUDDHIST_ERA}"


def format_when(when: datetime, lang: Lang | str = Lang.TH) -> str:
    """``1 ธ.ค. 2569 18:10`` or ``1 Dec 2026 18:10``: Bangkok time, to the minute."""
    return f"{format_date(when, lang)} {bangkok(when):%H:%M}"


_THAI = re.compile("[\u0e00-\u0e7f]")
# Bilingual notes are written "Thai / English" (or, in older runs, "English; Thai").
_NOTE_PARTS = re.compile(r" / |; ")


def split_note(note: str) -> Bilingual:
    """A stored bilingual note as its Thai and English halves. A note with no Thai part
    (older runs) keeps its whole text on both sides rather than vanish."""
    parts = [p.strip() for p in _NOTE_PARTS.split(note) if p.strip()]
    th = [p for p in parts if _THAI.search(p)]
    en = [p for p in parts if not _THAI.search(p)]
    if not th or not en:
        return Bilingual(note, note)
    return Bilingual(" ".join(th), "; ".join(en))
