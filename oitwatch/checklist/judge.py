"""Pure checks of evidence against an item's rule: which elements are there, for which period,
and what status that makes. No I/O: the evaluator gathers the documents, this decides."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from oitwatch.checklist.checks import CHECKS
from oitwatch.checklist.findings import ElementFinding, Status
from oitwatch.checklist.model import Coverage, Cue, Element, Item, PeriodKind, Scope
from oitwatch.documents.model import Document
from oitwatch.text.periods import (
    FIRST_HALF,
    FISCAL_MONTH_NAMES_EN,
    FISCAL_MONTH_NAMES_TH,
    WHOLE_YEAR,
    Periods,
)


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


@dataclass(frozen=True)
class Assessment:
    status: Status  # PASS, PARTIAL or OUTDATED: the evidence was readable
    elements: list[ElementFinding] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    ocr: bool = False


def judge_period(item: Item, periods: Periods, fiscal_year: int) -> PeriodVerdict:
    rule = item.period
    if rule.kind in (PeriodKind.CURRENT, PeriodKind.ANY):
        return PeriodVerdict.OK
    accepted = rule.accepted_years(fiscal_year)
    if rule.kind is PeriodKind.COVERING:
        if periods.covers(fiscal_year):
            return PeriodVerdict.OK
    elif accepted & periods.years or any(periods.covers(y) for y in accepted):
        return PeriodVerdict.OK
    return PeriodVerdict.WRONG if periods.any else PeriodVerdict.UNSTATED


def merged_periods(documents: Sequence[Document]) -> Periods:
    years: set[int] = set()
    ranges: set[tuple[int, int]] = set()
    fiscal: set[int] = set()
    for document in documents:
        years |= document.periods.years
        ranges.update(document.periods.ranges)
        fiscal |= document.periods.fiscal_years
    return Periods(frozenset(years), tuple(sorted(ranges)), frozenset(fiscal))


_REQUIRED_MONTHS = {Coverage.FIRST_HALF: FIRST_HALF, Coverage.WHOLE_YEAR: WHOLE_YEAR}


def _find(
    element: Element, documents: Sequence[Document], site_cues: frozenset[Cue]
) -> ElementFinding:
    if element.scope is Scope.SITE:
        found = any(cue in site_cues for cue in element.cues)
        return ElementFinding(element.id, element.th, element.en, found)
    check = CHECKS[element.check]
    first_miss = None
    for document in documents:
        result = check(document, element)
        if result.found:
            return ElementFinding(element.id, element.th, element.en, True, document.url)
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


def judge(
    item: Item,
    documents: Sequence[Document],
    fiscal_year: int,
    site_cues: frozenset[Cue] = frozenset(),
) -> Judgement:
    """Evidence is every document an assessor would open for the item, taken together."""
    findings = tuple(_find(e, documents, site_cues) for e in item.elements)
    periods = merged_periods(documents)
    verdict = judge_period(item, periods, fiscal_year)
    missing_months: tuple[int, ...] = ()
    required = _REQUIRED_MONTHS.get(item.period.coverage)
    if required is not None and verdict is PeriodVerdict.OK:
        covered = frozenset().union(*(d.months for d in documents)) if documents else frozenset()
        missing_months = tuple(sorted(required - covered))
    return Judgement(
        findings,
        verdict,
        tuple(sorted(periods.years)),
        missing_months,
        ocr=bool(documents) and all(d.ocr for d in documents),
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
        return Assessment(Status.PARTIAL, elements, years, ocr=True)
    if judgement.period is PeriodVerdict.WRONG:
        return Assessment(Status.OUTDATED, elements, years, judgement.ocr)
    if judgement.period is PeriodVerdict.UNSTATED:
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
    return Assessment(status, elements, years, judgement.ocr)
