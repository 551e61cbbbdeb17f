"""The checklist is data: validated at load, every rule traceable to its source text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from oitwatch.checklist import ChecklistError, available_years, load_checklist
from oitwatch.checklist.loader import _data_dir, parse_checklist
from tests.conftest import SHARED

THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


def test_2568_has_o1_to_o28() -> None:
    checklist = load_checklist(2568)
    assert [i.id for i in checklist.items] == [f"O{n}" for n in range(1, 29)]
    assert 2568 in available_years()


@pytest.mark.parametrize("year", [2568, 2569])
def test_every_rule_cites_a_seed_line_about_its_item(year: int) -> None:
    """'001:142' must point at the seed-001 row of that item (labelled ๐๑, ๐๑๐ ... in the seed).
    Where the seed's label differs, the citation must say which label the seed uses; a 2569
    rule says which 2568 item it comes from ("O14 of 2568 is O13")."""
    checklist = load_checklist(year)
    seeds = {
        key: next((SHARED / "seeds").glob(f"{key}_*.txt")).read_text(encoding="utf-8").splitlines()
        for key in ("001", "002")
    }
    for item in checklist.items:
        citations = [item.source, item.period.source, *(e.source for e in item.elements)]
        for citation in citations:
            assert re.search(r"\b00[12]:\d+|notes", citation), (item.id, citation)
            for key, line in re.findall(r"\b(00[12]):(\d+)", citation):
                text = seeds[key][int(line) - 1]
                assert text.strip(), (item.id, citation)
                if key != "001":
                    continue
                explained = re.search(r"seed labels it (\S+?):", citation)
                moved = re.search(r"O(\d+) of 2568 is", citation)
                number = int(moved.group(1)) if moved else item.number
                label = (
                    explained.group(1) if explained else "๐" + str(number).translate(THAI_DIGITS)
                )
                assert text.startswith(label + "\t"), (item.id, citation, text[:40])


def _broken_file(tmp_path: Path, old: str, new: str) -> str:
    text = (_data_dir() / "ita-2568.toml").read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new, 1)


def test_malformed_file_names_item_and_field(tmp_path: Path) -> None:
    text = _broken_file(
        tmp_path,
        'period = { kind = "covering", source = "001:149" }',
        'period = { kind = "sometimes", source = "001:149" }',
    )
    with pytest.raises(ChecklistError, match=r"item O5, field period\.kind"):
        parse_checklist(text, "ita-test.toml")


def test_bad_regex_is_caught(tmp_path: Path) -> None:
    text = _broken_file(
        tmp_path,
        "pattern = '[\\w.+-]+@[\\w-]+\\.[\\w.]+', source = \"001:144\"",
        "pattern = '([unclosed', source = \"001:144\"",
    )
    with pytest.raises(ChecklistError, match=r"item O3, field elements\[3\]\.pattern"):
        parse_checklist(text, "ita-test.toml")


def test_items_out_of_order_are_refused(tmp_path: Path) -> None:
    text = _broken_file(tmp_path, 'id = "O2"', 'id = "O22"')
    with pytest.raises(ChecklistError, match=r"numbered O1\.\.O28"):
        parse_checklist(text, "ita-test.toml")


def test_unknown_year_is_a_clear_error() -> None:
    with pytest.raises(ChecklistError, match="no checklist for fiscal year 2550"):
        load_checklist(2550)


def test_2569_is_data_only_and_matched_by_meaning() -> None:
    from oitwatch.checklist.locate import classify
    from oitwatch.documents.model import Document, DocumentKind

    checklist = load_checklist(2569)
    assert checklist.id == "ita-2569" and len(checklist.items) == 26
    for item in checklist.items:
        for citation in [item.source, item.period.source, *(e.source for e in item.elements)]:
            assert "notes FY2569" in citation, (item.id, citation)
    seed = next((SHARED / "seeds").glob("002_*.txt")).read_text(encoding="utf-8")
    document = Document(url="seed-002", kind=DocumentKind.PDF, text=seed)
    # The same document is O27 in the 2568 form and O25 in the 2569 form: meaning, not number.
    assert classify(document, load_checklist(2568)) == ["O27"]
    assert classify(document, checklist) == ["O25"]


def test_checklist_show_both_years() -> None:
    from tests.conftest import run_cli

    shown = run_cli("checklist", "show", "--year", "2569")
    assert shown.code == 0
    assert "O26" in shown.stdout and "O27" not in shown.stdout
    assert "การนำผลการประเมิน ITA ไปสู่การพัฒนาองค์กร" in shown.stdout
    assert run_cli("checklist", "show", "--year", "2550").code == 2
