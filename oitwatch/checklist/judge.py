"""Pure checks of evidence against an item's rule: which elements are there, for which period,
and what status that makes. No I/O: the evaluator gathers the documents, this decides."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from weakref import WeakKeyDictionary

from oitwatch.checklist.checks import CHECKS, Reading, read
from oitwatch.checklist.findings import ElementFinding, Status
from oitwatch.checklist.model import Coverage, Element, Item, PeriodKind, Scope
from oitwatch.documents.model import Cue, Document, DocumentKind
from oitwatch.text.periods import (
    FIRST_HALF,
    FISCAL_MONTH_NAMES_EN,
    FISCAL_MONTH_NAMES_TH,
    WHOLE_YEAR,
    Periods,
    activity_dates,
    find_periods,
    fiscal_phrase_years,
    fiscal_year_of,
    month_years,
)
from oitwatch.text.thai import compact_label, normalise

_THAI_DIGIT_RUN = re.compile("[๐-๙]+")


class PeriodVerdict(StrEnum):
    OK = "ok"
    WRONG = "wrong"  # years are stated and none is acceptable
    UNSTATED = "unstated"  # no year at all where one is required


@dataclass(frozen=True)
class Judgement:
    elements: tuple[ElementFinding, ...]
    period: PeriodVerdict
    years: tuple[int, ...]
    missing_months: tuple[int, ...] = ()  # fiscal months required but not covered
    ocr: bool = False  # every document was read by OCR
    period_read: str = ""  # the period and where it was read, for the reasoning


@dataclass(frozen=True)
class Assessment:
    status: Status  # PASS, PARTIAL or OUTDATED: the evidence was readable
    elements: list[ElementFinding] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    ocr: bool = False
    period_read: str = ""


@dataclass(frozen=True)
class DocumentPeriod:
    """The period a document is *for*, and where that was read (title, body, dates)."""

    periods: Periods
    source: str  # title | body: fiscal-year phrase | body | activity dates | ""

    @property
    def stated(self) -> bool:
        return self.periods.any


def _periods(years: set[int], ranges: tuple[tuple[int, int], ...] = ()) -> Periods:
    return Periods(frozenset(years), ranges, frozenset())


_PERIOD_CACHE: WeakKeyDictionary[Document, dict[bool, DocumentPeriod]] = WeakKeyDictionary()


def document_period(document: Document, activity: bool = False) -> DocumentPeriod:
    """``_document_period``, once per document: every item judged on it asks."""
    known = _PERIOD_CACHE.setdefault(document, {})
    if activity not in known:
        known[activity] = _document_period(document, activity)
    return known[activity]


def _document_period(document: Document, activity: bool) -> DocumentPeriod:
    """Decide what period a document is for, before anything else (issue 9, C14-C21).

    Activities are dated by their own full dates. Otherwise the body's fiscal-year phrases vote;
    where the title agrees with some of them that agreement is the period, where it contradicts
    them the body governs; without such phrases the title's years, then any year of the body.
    Years of cited laws and national plans never count (see periods.mask_citations)."""
    if document.ocr:
        text = _THAI_DIGIT_RUN.sub(" ", document.text)
        head_text = _THAI_DIGIT_RUN.sub(" ", _head(document))
    else:
        text, head_text = document.text, _head(document)
    if activity:
        dates = activity_dates(f"{document.title}\n{text}")
        if dates:
            years = {fiscal_year_of(y, m) for y, m in dates}
            return DocumentPeriod(_periods(years), "activity dates")
        return DocumentPeriod(find_periods(f"{document.title}\n{text}"), "no activity date")
    body = normalise(text)
    head = normalise(head_text)
    if head and len(head) >= 4:
        body = body.replace(head, " ", 1)
    votes = Counter(fiscal_phrase_years(body))
    source = "body: fiscal-year phrase"
    if not votes:
        # No fiscal-year phrase in the body: the months its tables report on say the year.
        votes = Counter(fiscal_year_of(y, m) for y, m in month_years(body))
        source = "body: months reported"
    head_periods = find_periods(head)
    if votes:
        agreed = set(votes) & set(head_periods.years)
        if agreed:
            return DocumentPeriod(_periods(agreed, head_periods.ranges), "title and body")
        if head_periods.any and sum(votes.values()) < 2:
            # One passing mention ("...in the plan for 2569") does not outvote the title.
            return DocumentPeriod(head_periods, "title")
        top = max(votes.values())
        body_years = {y for y, n in votes.items() if n == top}
        body_ranges = find_periods(body).ranges
        return DocumentPeriod(_periods(body_years, body_ranges), source)
    if head_periods.any:
        return DocumentPeriod(head_periods, "title")
    body_periods = find_periods(body)
    return DocumentPeriod(body_periods, "body" if body_periods.any else "")


def _head(document: Document) -> str:
    parts = [document.title]
    if document.headings and "\t" not in document.headings[0]:
        parts.append(document.headings[0])
    return "\n".join(p for p in parts if p)


def _verdict(item: Item, period: DocumentPeriod, fiscal_year: int) -> PeriodVerdict:
    rule = item.period
    if rule.kind in (PeriodKind.CURRENT, PeriodKind.ANY):
        return PeriodVerdict.OK
    periods = period.periods
    if rule.activity and period.source != "activity dates":
        # No date of the activity itself: a year in the text may be a plan's, so the period is
        # unconfirmed unless every year stated is wrong.
        accepted = rule.accepted_years(fiscal_year)
        if (
            periods.any
            and not (accepted & periods.years)
            and not any(periods.covers(y) for y in accepted)
        ):
            return PeriodVerdict.WRONG
        return PeriodVerdict.UNSTATED
    return judge_period(item, periods, fiscal_year)


def judge_period(item: Item, periods: Periods, fiscal_year: int) -> PeriodVerdict:
    rule = item.period
    if rule.kind in (PeriodKind.CURRENT, PeriodKind.ANY):
        return PeriodVerdict.OK
    accepted = rule.accepted_years(fiscal_year)
    if rule.kind is PeriodKind.COVERING:
        if periods.covers(fiscal_year):
            return PeriodVerdict.OK
    elif accepted & periods.years or (
        not periods.years and any(periods.covers(y) for y in accepted)
    ):
        return PeriodVerdict.OK
    return PeriodVerdict.WRONG if periods.any else PeriodVerdict.UNSTATED


_REQUIRED_MONTHS = {Coverage.FIRST_HALF: FIRST_HALF, Coverage.WHOLE_YEAR: WHOLE_YEAR}
_VERDICT_RANK = {PeriodVerdict.OK: 0, PeriodVerdict.WRONG: 1, PeriodVerdict.UNSTATED: 2}


def _find(
    element: Element, readings: Sequence[Reading], site_cues: frozenset[Cue]
) -> ElementFinding:
    if element.scope is Scope.SITE:
        found = any(cue in site_cues for cue in element.cues)
        where = "site" if found else ""
        return ElementFinding(element.id, element.th, element.en, found, where=where)
    check = CHECKS[element.check]
    first_miss = None
    for reading in readings:
        result = check(reading, element)
        if result.found:
            return ElementFinding(
                element.id,
                element.th,
                element.en,
                True,
                reading.document.url,
                snippet=result.snippet,
                where=result.where,
            )
        if first_miss is None and (result.detail_th or result.detail_en):
            first_miss = result
    return ElementFinding(
        element.id,
        element.th,
        element.en,
        False,
        None,
        first_miss.detail_th if first_miss else "",
        first_miss.detail_en if first_miss else "",
    )


def _about(item: Item, document: Document) -> bool:
    """Whether a file says it is the item's document (its title or opening lines name the item):
    a file the page links from a menu is not the page's evidence for the period."""
    heads = document.compact_heads + document.compact_text[:300]
    return any(compact_label(s) in heads for s in (item.heading_th, *item.synonyms))


def _period_of(
    item: Item, documents: Sequence[Document], fiscal_year: int
) -> tuple[PeriodVerdict, list[Document], set[int], str]:
    """The period verdict over the evidence. Where the page links to files that state a
    period, the files decide: the page around them is a wrapper, its menus and dates are not
    the document's period."""
    if item.period.kind in (PeriodKind.CURRENT, PeriodKind.ANY):
        return PeriodVerdict.OK, list(documents), set(), f"not required ({item.period.kind.value})"
    judged = [(d, document_period(d, item.period.activity)) for d in documents]
    files = [
        (d, p)
        for d, p in judged
        if d.kind is not DocumentKind.HTML and p.stated and _about(item, d)
    ]
    considered = files or judged
    best: tuple[PeriodVerdict, Document, DocumentPeriod] | None = None
    for document, period in considered:
        verdict = _verdict(item, period, fiscal_year)
        if best is None or _VERDICT_RANK[verdict] < _VERDICT_RANK[best[0]]:
            best = (verdict, document, period)
    if best is None:
        return PeriodVerdict.UNSTATED, [], set(), ""
    verdict, document, period = best
    ranges = period.periods.ranges
    years = set(period.periods.years)
    if item.period.kind is PeriodKind.COVERING or not years:
        years |= {y for lo, hi in ranges for y in (lo, hi)}
    ok_documents = [d for d, p in considered if _verdict(item, p, fiscal_year) is PeriodVerdict.OK]
    shown = ", ".join(
        [*map(str, sorted(period.periods.years)), *(f"{lo}-{hi}" for lo, hi in ranges)]
    )
    shown = shown or "-"
    read = f"{shown} ({period.source or 'no year found'}: {document.url})"
    return verdict, ok_documents, years, read


def judge(
    item: Item,
    documents: Sequence[Document],
    fiscal_year: int,
    site_cues: frozenset[Cue] = frozenset(),
) -> Judgement:
    """Evidence is every document an assessor would open for the item, taken together."""
    readings = [read(d, item) for d in documents]
    findings = tuple(_find(e, readings, site_cues) for e in item.elements)
    verdict, ok_documents, years, period_read = _period_of(item, documents, fiscal_year)
    missing_months: tuple[int, ...] = ()
    required = _REQUIRED_MONTHS.get(item.period.coverage)
    if required is not None and verdict is PeriodVerdict.OK:
        # Months of the documents for an accepted year: a 2567 report is judged on 2567's months.
        covered = frozenset().union(*(d.months for d in ok_documents or documents))
        missing_months = tuple(sorted(required - covered))
    return Judgement(
        findings,
        verdict,
        tuple(sorted(years)),
        missing_months,
        ocr=bool(documents) and all(d.ocr for d in documents),
        period_read=period_read,
    )


def _month_span(months: tuple[int, ...], names: tuple[str, ...]) -> str:
    return ", ".join(names[m - 1] for m in months)


def assess(item: Item, judgement: Judgement, fiscal_year: int) -> Assessment:
    """The status readable evidence earns. Wrong year beats missing elements (outdated wins
    over partial); a right-year document covering too few months is partial, not outdated."""
    elements = list(judgement.elements)
    years = list(judgement.years)
    if judgement.ocr and judgement.period is PeriodVerdict.UNSTATED:
        # No year could be read reliably from the scan (Thai digits are not trusted from OCR):
        # the period is unknown, not wrong. Say so instead of calling the document outdated.
        elements.append(
            ElementFinding(
                "period_unconfirmed",
                f"ปี พ.ศ. ของเอกสาร (อ่านจากภาพสแกนไม่ได้ชัดเจน ต้องเป็นปี {fiscal_year})",
                f"the document's year (could not be read from the scan; must be {fiscal_year})",
                False,
            )
        )
        return Assessment(Status.PARTIAL, elements, years, True, judgement.period_read)
    if judgement.period is PeriodVerdict.WRONG:
        return Assessment(Status.OUTDATED, elements, years, judgement.ocr, judgement.period_read)
    if judgement.period is PeriodVerdict.UNSTATED and item.period.activity:
        # A year in the text may be a plan's: without the activity's own date the period is
        # unconfirmed, which is never a pass (issue 9, C20).
        elements.append(
            ElementFinding(
                "activity_date",
                f"วันที่จัดกิจกรรม/ข่าว (ต้องอยู่ในปีงบประมาณ {fiscal_year})",
                f"the date of the activity or news (must fall in FY{fiscal_year})",
                False,
            )
        )
    elif judgement.period is PeriodVerdict.UNSTATED:
        elements.append(
            ElementFinding(
                "period",
                f"ระบุปี พ.ศ. ของข้อมูล (ปี {fiscal_year})",
                f"the year the data is for ({fiscal_year})",
                False,
            )
        )
    if judgement.missing_months:
        months = judgement.missing_months
        elements.append(
            ElementFinding(
                "coverage",
                f"ข้อมูลเดือน {_month_span(months, FISCAL_MONTH_NAMES_TH)} ของปีงบประมาณ {fiscal_year}",
                f"data for {_month_span(months, FISCAL_MONTH_NAMES_EN)} of FY{fiscal_year}",
                False,
            )
        )
    status = Status.PASS if all(e.found for e in elements) else Status.PARTIAL
    return Assessment(status, elements, years, judgement.ocr, judgement.period_read)
