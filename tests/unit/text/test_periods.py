"""Years in Thai documents, over digit systems and formats (property-based)."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from oitwatch.text.periods import find_periods
from oitwatch.text.thai import compact, normalise

THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
MONTHS = [
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
    "มกราคม",
    "กันยายน",
    "ตุลาคม",
]

years = st.integers(min_value=2555, max_value=2590)
thai_digits = st.booleans()


def digits(text: str, thai: bool) -> str:
    return text.translate(THAI) if thai else text


@given(
    years, thai_digits, st.sampled_from(["พ.ศ. {y}", "ปีงบประมาณ พ.ศ. {y}", "ประจำปี {y}", "ปี {y}"])
)
def test_buddhist_year(year: int, thai: bool, template: str) -> None:
    assert year in find_periods(digits(template.format(y=year), thai)).years


@given(years, thai_digits)
def test_fiscal_year_phrase(year: int, thai: bool) -> None:
    assert find_periods(digits(f"ปีงบประมาณ พ.ศ.{year}", thai)).fiscal_years == {year}


@given(years, thai_digits, st.sampled_from(MONTHS))
def test_two_digit_year_after_month(year: int, thai: bool, month: str) -> None:
    text = digits(f"1 {month} {year % 100:02d}", thai)
    assert year in find_periods(text).years


@given(st.integers(min_value=2012, max_value=2047), thai_digits)
def test_christian_year_in_date(ce: int, thai: bool) -> None:
    assert ce + 543 in find_periods(digits(f"วันที่ 15/03/{ce}", thai)).years
    assert ce + 543 in find_periods(digits(f"ค.ศ. {ce}", thai)).years


@given(
    years,
    st.integers(min_value=1, max_value=5),
    thai_digits,
    st.sampled_from([" - ", "–", " ถึง ", "-"]),
)
def test_range_covers_years_inside(start: int, span: int, thai: bool, dash: str) -> None:
    periods = find_periods(digits(f"แผนพัฒนาท้องถิ่น (พ.ศ. {start}{dash}{start + span})", thai))
    for year in range(start, start + span + 1):
        assert periods.covers(year)
    assert not periods.covers(start + span + 1)


# Amounts whose digits could read as a year (2568, 2,568,000, 12,568) and any others.
amounts = st.one_of(
    years, years.map(lambda y: y * 1000), years.map(lambda y: 10_000 + y), st.integers(0, 9_999_999)
)


@given(
    amounts,
    thai_digits,
    st.sampled_from(["{a:,}", "{a}", "{a:,}.00", "{a}.50"]),
    st.sampled_from(["งบประมาณ {m} บาท", "เป็นเงิน {m}บาท", "ราคากลาง {m} บาท ประจำเดือน"]),
)
def test_money_is_not_a_year(amount: int, thai: bool, number: str, template: str) -> None:
    # Written with or without thousands separators, with or without satang: still money.
    text = digits(template.format(m=number.format(a=amount)), thai)
    assert find_periods(text).years == frozenset(), text
    assert not find_periods("งบประมาณ 2,568,000 บาท").years


def test_a_year_beside_an_amount_is_still_a_year() -> None:
    text = "โครงการซ่อมถนน ปี 2568 งบประมาณ 250,000 บาท ดำเนินการ พ.ศ. 2568"
    assert find_periods(text).years == {2568}
    assert find_periods("แผนการจัดซื้อจัดจ้าง พ.ศ. 2568.").years == {2568}


def test_implausible_years_are_ignored() -> None:
    # 2525 is outside the plausible range (2540-2600) for a disclosure; 9999 is no year at all.
    assert find_periods("หน้า 2525 ของ 9999").years == frozenset()
    assert find_periods("ปี 2700").years == frozenset()


def test_normalise_pdf_artefacts() -> None:
    # decomposed sara am, zero-width space, Thai digits
    assert normalise("ทํา\u200bงาน ๒๕๖๘") == "ทำงาน 2568"
    assert compact("ปัญหา / อุปสรรค") == compact("ปัญหา/อุปสรรค")


_THAI_TEXT = st.text(
    alphabet=st.sampled_from(list("กขคงจนมยรลวสหอฤะัาำๅิีึืฺุู์ํ๎็่้๊๋เแโใไ๐๑๒๕๘ \u200b.-/0123456789\t")),
    max_size=40,
)


@given(_THAI_TEXT)
def test_fast_normalisation_equals_the_full_pass(text: str) -> None:
    """normalise() skips pythainlp's pass for text with nothing to repair: same result."""
    import unicodedata

    from pythainlp.util import normalize as full

    from oitwatch.text import thai

    # The full pass spelled out on its own (the module's fast path no longer uses these).
    invisible = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
    slow = unicodedata.normalize("NFC", text).translate(invisible)
    slow = thai._SARA_AM.sub(lambda m: m.group(1) + "\u0e33", slow)
    slow = re.sub(r"\s+", " ", full(thai.thai_digits_to_arabic(slow))).strip()
    assert normalise(text) == slow


@given(years, thai_digits, st.sampled_from(["พ.ศ.{y}", "ปีงบประมาณ{y}", "ประจำปี พ.ศ.{y}"]))
def test_year_without_a_space_after_the_era(year: int, thai: bool, template: str) -> None:
    assert year in find_periods(digits(template.format(y=year), thai)).years


@given(st.integers(min_value=2550, max_value=2589), thai_digits)
def test_two_digit_years_in_dates_and_after_the_word_year(year: int, thai: bool) -> None:
    short = f"{year % 100:02d}"
    assert year in find_periods(digits(f"ลงวันที่ 1/10/{short}", thai)).years
    assert year in find_periods(digits(f"แผนปี {short}", thai)).years


def test_an_amount_or_a_section_number_is_not_a_year() -> None:
    assert not find_periods("งบประมาณ 1.2568 ล้านบาท ข้อ 3.2567").years
    assert not find_periods("อายุ 10 ปี 5 เดือน").years


@given(
    years,
    thai_digits,
    st.sampled_from(
        [
            "ระเบียบกระทรวงมหาดไทยว่าด้วยการจัดทำแผนพัฒนา พ.ศ. {y}",
            "พระราชบัญญัติข้อมูลข่าวสารของราชการ พ.ศ. {y} มาตรา 7",
            "รัฐธรรมนูญแห่งราชอาณาจักรไทย พ.ศ. {y}",
            "พ.ร.บ.การจัดซื้อจัดจ้างและการบริหารพัสดุภาครัฐ พ.ศ.{y}",
        ]
    ),
)
def test_years_of_cited_laws_are_not_the_period(year: int, thai: bool, template: str) -> None:
    text = digits(template.format(y=year), thai) + " ประจำปีงบประมาณ พ.ศ. 2568"
    assert find_periods(text).years == {2568}


def test_the_national_strategy_range_is_a_citation() -> None:
    periods = find_periods("สอดคล้องกับยุทธศาสตร์ชาติ (พ.ศ. 2561–2580) แผนพัฒนาท้องถิ่น (พ.ศ. 2566-2570)")
    assert periods.ranges == ((2566, 2570),)
    assert not periods.covers(2575)


@given(st.integers(min_value=1, max_value=28), st.sampled_from(MONTHS), years, thai_digits)
def test_activity_dates_are_read_with_their_month(
    day: int, month: str, year: int, thai: bool
) -> None:
    from oitwatch.text.periods import activity_dates

    text = digits(f"วันที่ {day} {month} {year} จัดประชุมประชาคม", thai)
    assert [y for y, _ in activity_dates(text)] == [year]
    # A plan's range is not an activity's date.
    assert activity_dates(digits(f"แผนพัฒนาท้องถิ่น (พ.ศ. {year}-{year + 4})", thai)) == []


def test_fiscal_year_of_a_month() -> None:
    from oitwatch.text.periods import fiscal_year_of

    assert fiscal_year_of(2567, 10) == 2568 and fiscal_year_of(2568, 9) == 2568
