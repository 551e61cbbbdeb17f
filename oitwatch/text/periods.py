"""Years and periods in Thai documents.

Years are returned in the Buddhist era (พ.ศ.). Recognised forms, after Thai digits have been
turned into Arabic ones: four-digit BE years (2568), CE years only where marked as such (ค.ศ.
2025) or inside a numeric date (1/10/2024), two-digit years after a Thai month name or
abbreviation (ต.ค. 67, กันยายน 68), and ranges (2566-2570, 2566 ถึง 2570).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from oitwatch.text.thai import normalise

# A plausible BE year for a disclosure: far outside this is a page number, an amount or OCR noise.
MIN_YEAR = 2540
MAX_YEAR = 2600
CE_OFFSET = 543

_THAI_MONTHS = (
    "มกราคม|กุมภาพันธ์|มีนาคม|เมษายน|พฤษภาคม|มิถุนายน|กรกฎาคม|สิงหาคม|กันยายน|ตุลาคม|พฤศจิกายน|ธันวาคม"
)
_THAI_MONTH_ABBR = (
    r"ม\.ค\.|ก\.พ\.|มี\.ค\.|เม\.ย\.|พ\.ค\.|มิ\.ย\.|ก\.ค\.|ส\.ค\.|ก\.ย\.|ต\.ค\.|พ\.ย\.|ธ\.ค\."
)
_MONTH = rf"(?:{_THAI_MONTHS}|{_THAI_MONTH_ABBR})"

_RANGE = re.compile(r"(?<!\d)(25[4-9]\d)\s*(?:-|–|—|ถึง|ถึงปี|ถึง พ\.ศ\.)\s*(25[4-9]\d)(?!\d)")
_BE_YEAR = re.compile(r"(?<![\d,.])(25[4-9]\d)(?![\d,])")
_CE_MARKED = re.compile(r"ค\.ศ\.\s*((?:19|20)\d\d)(?!\d)")
_CE_IN_DATE = re.compile(r"(?<!\d)\d{1,2}/\d{1,2}/((?:19|20)\d\d)(?!\d)")
_SHORT_AFTER_MONTH = re.compile(rf"{_MONTH}\s*(?:พ\.ศ\.\s*)?(\d\d)(?!\d)")
_FISCAL = re.compile(r"ปีงบประมาณ\s*(?:พ\.ศ\.)?\s*(25[4-9]\d|\d\d)(?!\d)")


@dataclass(frozen=True)
class Periods:
    """The years a text speaks of."""

    years: frozenset[int] = field(default_factory=frozenset)
    ranges: tuple[tuple[int, int], ...] = ()
    fiscal_years: frozenset[int] = field(default_factory=frozenset)

    @property
    def any(self) -> bool:
        return bool(self.years or self.ranges)

    def covers(self, year: int) -> bool:
        return year in self.years or any(lo <= year <= hi for lo, hi in self.ranges)


def _short_year(two_digits: str) -> int:
    return 2500 + int(two_digits)


def find_periods(text: str) -> Periods:
    text = normalise(text)
    years: set[int] = set()
    ranges: list[tuple[int, int]] = []
    for match in _RANGE.finditer(text):
        lo, hi = int(match.group(1)), int(match.group(2))
        # A plan runs a few years; a longer "range" is two unrelated numbers.
        if lo < hi <= lo + 10:
            ranges.append((lo, hi))
    years.update(int(m.group(1)) for m in _BE_YEAR.finditer(text))
    years.update(int(m.group(1)) + CE_OFFSET for m in _CE_MARKED.finditer(text))
    years.update(int(m.group(1)) + CE_OFFSET for m in _CE_IN_DATE.finditer(text))
    years.update(_short_year(m.group(1)) for m in _SHORT_AFTER_MONTH.finditer(text))
    fiscal: set[int] = set()
    for m in _FISCAL.finditer(text):
        value = m.group(1)
        fiscal.add(int(value) if len(value) == 4 else _short_year(value))
    years |= fiscal
    plausible = frozenset(y for y in years if MIN_YEAR <= y <= MAX_YEAR)
    return Periods(
        years=plausible,
        ranges=tuple(sorted(set(ranges))),
        fiscal_years=frozenset(y for y in fiscal if MIN_YEAR <= y <= MAX_YEAR),
    )
