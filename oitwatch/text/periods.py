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
# "พ.ศ.2567" has no space after the era: a dot before the year is fine, a digit-dot (1.2568, an
# amount or a section number) is not. Nor is an amount: digits in a group of thousands
# (2,568,000), before decimals (2568.50) or before the word baht (2568 บาท).
_BE_YEAR = re.compile(r"(?<![\d,])(?<!\d\.)(25[4-9]\d)(?![\d,]|\.\d|\s*บาท)")
_CE_MARKED = re.compile(r"ค\.ศ\.\s*((?:19|20)\d\d)(?!\d)")
_CE_IN_DATE = re.compile(r"(?<!\d)\d{1,2}/\d{1,2}/((?:19|20)\d\d)(?!\d)")
_SHORT_AFTER_MONTH = re.compile(rf"{_MONTH}\s*(?:พ\.ศ\.\s*)?(\d\d)(?!\d)")
# "1/10/67": a two-digit BE year inside a numeric date; "ปี 68", "พ.ศ. 68": after the word year.
_SHORT_IN_DATE = re.compile(r"(?<![\d/])\d{1,2}/\d{1,2}/(\d\d)(?![\d/])")
_SHORT_AFTER_YEAR_WORD = re.compile(r"(?:ปี|พ\.ศ\.)\s*(\d\d)(?![\d./,:])")
# Years of laws, regulations and national plans are citations, not the period of the document
# that cites them: "ระเบียบกระทรวงมหาดไทย ... พ.ศ. 2548", "ยุทธศาสตร์ชาติ (พ.ศ. 2561–2580)".
# The span stops at a fiscal-year phrase, which is the citing document's own.
_CITATION = re.compile(
    r"(?:ระเบียบ|พระราชบัญญัติ|พ\.ร\.บ\.|พระราชกฤษฎีกา|พ\.ร\.ฎ\.|กฎกระทรวง|รัฐธรรมนูญ"
    r"|ยุทธศาสตร์ชาติ|แผนแม่บท|แผนพัฒนาเศรษฐกิจและสังคมแห่งชาติ|ประมวลกฎหมาย|ข้อบังคับ"
    r"|ประกาศคณะกรรมการ|นโยบายและแผนระดับชาติ|แผนระดับชาติ)"
    r"(?:(?!ปีงบประมาณ|ประจำปี|\n)[^\n]){0,120}?พ\.ศ\.\s*25\d\d(?:\s*(?:-|–|—|ถึง)\s*25\d\d)?\)?"
)
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


def mask_citations(text: str) -> str:
    """The text with the years of cited laws and national plans blanked out (text normalised)."""
    return _CITATION.sub(lambda m: " " * len(m.group(0)), text)


def find_periods(text: str) -> Periods:
    text = mask_citations(normalise(text))
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
    years.update(_short_year(m.group(1)) for m in _SHORT_IN_DATE.finditer(text))
    years.update(_short_year(m.group(1)) for m in _SHORT_AFTER_YEAR_WORD.finditer(text))
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


def fiscal_phrase_years(text: str) -> list[int]:
    """Every year named by a fiscal-year phrase ("ปีงบประมาณ พ.ศ. 2568", "ปีงบประมาณ 68"), in order
    and with repeats: how often a document names a fiscal year says which one it is about."""
    text = mask_citations(normalise(text))
    years = []
    for m in _FISCAL.finditer(text):
        value = m.group(1)
        year = int(value) if len(value) == 4 else _short_year(value)
        if MIN_YEAR <= year <= MAX_YEAR:
            years.append(year)
    return years


# -- dated activities ----------------------------------------------------------------------

_DAY_MONTH_YEAR = re.compile(
    rf"(?<!\d)([0-3]?\d)\s*({_MONTH})\s*(?:พ\.ศ\.\s*)?(25[4-9]\d|\d\d)(?!\d)"
)
_NUMERIC_DATE = re.compile(r"(?<![\d/])([0-3]?\d)/([01]?\d)/((?:25|19|20)\d\d|\d\d)(?![\d/])")


def _be(year: str) -> int:
    value = int(year)
    if value < 100:
        return 2500 + value
    return value + CE_OFFSET if value < 2400 else value


def activity_dates(text: str) -> list[tuple[int, int]]:
    """Full dates (day, month, year) a text gives, as (BE year, calendar month): the dates of
    activities and news, which a plan's year range ("พ.ศ. 2566-2570") is not."""
    text = mask_citations(normalise(text))
    dates: list[tuple[int, int]] = []
    for m in _DAY_MONTH_YEAR.finditer(text):
        if 1 <= int(m.group(1)) <= 31:
            dates.append((_be(m.group(3)), _MONTH_NUMBERS[m.group(2)]))
    for m in _NUMERIC_DATE.finditer(text):
        day, month = int(m.group(1)), int(m.group(2))
        if 1 <= day <= 31 and 1 <= month <= 12:
            dates.append((_be(m.group(3)), month))
    return [(y, mo) for y, mo in dates if MIN_YEAR <= y <= MAX_YEAR]


_MONTH_YEAR = re.compile(rf"({_MONTH})\s*(?:พ\.ศ\.\s*)?(25[4-9]\d|\d\d)(?!\d)")


def month_years(text: str) -> list[tuple[int, int]]:
    """Months named with their year ("ต.ค. 67", "มีนาคม 2568"), as (BE year, calendar month):
    the months a table of figures reports on."""
    text = mask_citations(normalise(text))
    found = [(_be(m.group(2)), _MONTH_NUMBERS[m.group(1)]) for m in _MONTH_YEAR.finditer(text)]
    return [(y, mo) for y, mo in found if MIN_YEAR <= y <= MAX_YEAR]


def fiscal_year_of(year: int, month: int) -> int:
    """The Thai fiscal year a calendar month of a BE year falls in (October starts the next)."""
    return year + 1 if month >= 10 else year


# -- which months of a fiscal year a document covers --------------------------------------

_MONTH_NUMBERS: dict[str, int] = {}
for _number, (_full, _abbr) in enumerate(
    zip(_THAI_MONTHS.split("|"), _THAI_MONTH_ABBR.replace("\\", "").split("|"), strict=True),
    start=1,
):
    _MONTH_NUMBERS[_full] = _number
    _MONTH_NUMBERS[_abbr] = _number
_ANY_MONTH = re.compile(_MONTH)
_MONTH_RANGE = re.compile(rf"({_MONTH})\s*(?:พ\.ศ\.\s*)?(?:\d{{2,4}})?\s*(?:-|–|—|ถึง)\s*({_MONTH})")
_QUARTER = re.compile(r"ไตรมาส\s*(?:ที่)?\s*([1-4])")
_FIRST_HALF = re.compile(r"6\s*เดือนแรก|ครึ่งปีแรก|ครึ่งปีงบประมาณแรก|รอบ(?:ที่)?\s*(?:1|แรก)(?!\d)")
_SECOND_HALF = re.compile(r"6\s*เดือนหลัง|ครึ่งปีหลัง|รอบ(?:ที่)?\s*(?:2|หลัง)(?!\d)")
_WHOLE_YEAR = re.compile(r"รอบ\s*12\s*เดือน|12\s*เดือน|ทั้งปีงบประมาณ")

FIRST_HALF = frozenset(range(1, 7))  # ต.ค. - มี.ค.
WHOLE_YEAR = frozenset(range(1, 13))  # ต.ค. - ก.ย.
FISCAL_MONTH_NAMES_TH = (
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
)
FISCAL_MONTH_NAMES_EN = (
    "Oct",
    "Nov",
    "Dec",
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
)


def fiscal_month(calendar_month: int) -> int:
    """1 for October (the first month of a Thai fiscal year) to 12 for September."""
    return (calendar_month - 10) % 12 + 1


def covered_months(text: str) -> frozenset[int]:
    """Fiscal months (1 = ต.ค. ... 12 = ก.ย.) a text reports on: month names, month ranges,
    quarters and half-year phrases ("6 เดือนแรก", "รอบที่ 2")."""
    text = normalise(text)
    months: set[int] = set()
    for match in _ANY_MONTH.finditer(text):
        months.add(fiscal_month(_MONTH_NUMBERS[match.group(0)]))
    for match in _MONTH_RANGE.finditer(text):
        start = fiscal_month(_MONTH_NUMBERS[match.group(1)])
        end = fiscal_month(_MONTH_NUMBERS[match.group(2)])
        if start <= end:
            months.update(range(start, end + 1))
    for match in _QUARTER.finditer(text):
        quarter = int(match.group(1))
        months.update(range(3 * quarter - 2, 3 * quarter + 1))
    if _FIRST_HALF.search(text):
        months |= FIRST_HALF
    if _SECOND_HALF.search(text):
        months |= WHOLE_YEAR - FIRST_HALF
    if _WHOLE_YEAR.search(text):
        months |= WHOLE_YEAR
    return frozenset(months)
