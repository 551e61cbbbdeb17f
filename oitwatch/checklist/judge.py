"""Pure checks of evidence against an item's rule: which elements are there, and for which period."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from oitwatch.checklist.findings import ElementFinding
from oitwatch.checklist.model import Element, Item, PeriodKind
from oitwatch.documents.model import Document
from oitwatch.text.periods import Periods
from oitwatch.text.thai import compact


class PeriodVerdict(StrEnum):
    OK = "ok"
    WRONG = "wrong"  # years are stated and none is acceptable
    UNSTATED = "unstated"  # no year at all where one is required


@dataclass(frozen=True)
class Judgement:
    elements: tuple[ElementFinding, ...]
    period: PeriodVerdict
    years: tuple[int, ...]

    @property
    def complete(self) -> bool:
        return all(e.found for e in self.elements)


@cache
def _compact_keywords(keywords: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(compact(k) for k in keywords)


@cache
def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


def element_present(element: Element, document: Document) -> bool:
    if any(cue in document.cues for cue in element.cues):
        return True
    text = document.compact_text
    if any(k and k in text for k in _compact_keywords(element.any_of)):
        return True
    return element.pattern is not None and bool(
        _regex(element.pattern).search(document.normalised_text)
    )


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


def judge(item: Item, documents: Sequence[Document], fiscal_year: int) -> Judgement:
    """Evidence is every document an assessor would open for the item, taken together."""
    findings = []
    for element in item.elements:
        where = next((d.url for d in documents if element_present(element, d)), None)
        findings.append(
            ElementFinding(element.id, element.th, element.en, where is not None, where)
        )
    periods = merged_periods(documents)
    return Judgement(
        tuple(findings), judge_period(item, periods, fiscal_year), tuple(sorted(periods.years))
    )
