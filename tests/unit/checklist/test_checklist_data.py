"""The checklist is data: validated at load, every rule traceable to its source text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from oitwatch.checklist import ChecklistError, Item, available_years, load_checklist
from oitwatch.checklist.loader import _data_dir, load_checklist_file, parse_checklist
from oitwatch.checklist.model import Confidence, PeriodKind
from tests.support.shared import SHARED, needs_shared

THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


def test_2568_has_o1_to_o28() -> None:
    checklist = load_checklist(2568)
    assert [i.id for i in checklist.items] == [f"O{n}" for n in range(1, 29)]
    assert 2568 in available_years()


def _citations(item: Item) -> list[str]:
    return [item.source, item.period.source, *(e.source for e in item.elements)]


@pytest.mark.parametrize("year", available_years())
def test_every_rule_cites_a_known_source(year: int) -> None:
    """Every part of every citation ("001:142 (...)", "R-map", "notes-2569: O3") starts with a
    key of the form's [sources] (an extending form's sources include its parent's)."""
    checklist = load_checklist(year)
    keys = sorted(checklist.sources, key=len, reverse=True)
    for item in checklist.items:
        for citation in _citations(item):
            for part in filter(None, (p.strip() for p in citation.split(";"))):
                assert any(re.match(rf"{re.escape(k)}(?![\w-])", part) for k in keys), (
                    item.id,
                    part,
                )


@needs_shared
@pytest.mark.parametrize("year", available_years())
def test_every_seed_citation_points_at_its_item(year: int) -> None:
    """'001:142' must point at the seed-001 row of that item (labelled ๐๑, ๐๑๐ ... in the seed).
    Where the seed's label differs, the citation must say which label the seed uses. An item of
    a later form is checked against the earlier items it continues (its 2568 rows)."""
    checklist = load_checklist(year)
    seeds = {
        key: next((SHARED / "seeds").glob(f"{key}_*.txt")).read_text(encoding="utf-8").splitlines()
        for key in ("001", "002")
    }
    for item in checklist.items:
        origins = [int(o[1:]) for o in item.continues] or [item.number]
        for citation in _citations(item):
            for key, line in re.findall(r"\b(00[12]):(\d+)", citation):
                text = seeds[key][int(line) - 1]
                assert text.strip(), (item.id, citation)
                if key != "001":
                    continue
                explained = re.search(r"seed labels it (\S+?):", citation)
                labels = (
                    [explained.group(1)]
                    if explained
                    else ["๐" + str(n).translate(THAI_DIGITS) for n in origins]
                )
                assert any(text.startswith(label + "\t") for label in labels), (
                    item.id,
                    citation,
                    text[:40],
                )


def _broken_file(tmp_path: Path, old: str, new: str) -> str:
    text = (_data_dir() / "ita-2568.toml").read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new, 1)


def test_malformed_file_names_item_and_field(tmp_path: Path) -> None:
    text = _broken_file(
        tmp_path,
        'kind = "covering"\nsource = "001:149"',
        'kind = "sometimes"\nsource = "001:149"',
    )
    with pytest.raises(ChecklistError, match=r"item O5, field period\.kind"):
        parse_checklist(text, "ita-test.toml")


def test_bad_regex_is_caught(tmp_path: Path) -> None:
    text = _broken_file(
        tmp_path,
        "pattern = '[\\w.+-]+@[\\w-]+\\.[\\w.]+'\nsource = \"001:144\"",
        "pattern = '([unclosed'\nsource = \"001:144\"",
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


@needs_shared
def test_2569_is_data_only_and_matched_by_meaning() -> None:
    from oitwatch.checklist.locate import classify
    from oitwatch.documents.model import Document, DocumentKind

    checklist = load_checklist(2569)
    assert checklist.id == "ita-2569" and len(checklist.items) == 26
    seed = next((SHARED / "seeds").glob("002_*.txt")).read_text(encoding="utf-8")
    document = Document(url="seed-002", kind=DocumentKind.PDF, text=seed)
    # The same document is O27 in the 2568 form and O25 in the 2569 form: meaning, not number.
    assert classify(document, load_checklist(2568)) == ["O27"]
    assert classify(document, checklist) == ["O25"]


def test_2569_carries_the_public_notes() -> None:
    """What shared/oit-2569-notes.md says about FY2569, item by item (matched by meaning)."""
    old, new = load_checklist(2568), load_checklist(2569)
    assert new.extends == "ita-2568" and len(new.items) == 26
    by_origin = {o: item for item in new.items for o in item.continues}
    assert set(by_origin) == {i.id for i in old.items}  # every 2568 item accounted for
    # Renamed headings; O11 statistics folded into E-Service; No Gift O21 + O22 merged.
    assert new.item("O1").heading_th == "โครงสร้าง หน้าที่และอำนาจ"
    assert new.item("O3").heading_th == "ข้อมูลการติดต่อและช่องทางการสอบถาม"
    assert new.item("O10").continues == ("O10", "O11")
    assert "statistics" in {e.id for e in new.item("O10").elements}
    assert new.item("O20").continues == ("O21", "O22")
    assert {"announcement", "report", "knowledge"} <= {e.id for e in new.item("O20").elements}
    assert new.item("O25").heading_th == "การนำผลการประเมิน ITA ไปสู่การพัฒนาองค์กร"
    assert "criteria" in {e.id for e in new.item("O13").elements}  # HR criteria are new
    # Monthly procurement summary: the first half of FY2569 at least, machine-readable.
    o11 = new.item("O11")
    assert o11.continues == ("O12",) and o11.period.coverage.value == "first_half"
    assert "structured_table" in {e.id for e in o11.elements}
    # Year pattern: reports look back to 2568; plans are for 2569.
    for report in ("O7", "O12", "O14", "O18", "O22", "O24", "O26"):
        assert 2568 in new.item(report).period.accepted_years(2569), report
    for plan in ("O6", "O11", "O19", "O21"):
        rule = new.item(plan).period
        assert rule.kind is PeriodKind.FISCAL_YEAR and rule.accepted_years(2569) == {2569}, plan
    # No FY2569 manual is public: every rule says how sure it is.
    assert all(item.confidence is not Confidence.OFFICIAL for item in new.items)
    assert all(item.confidence is Confidence.OFFICIAL for item in old.items)
    # No fix text of 2569 asks for 2567 or for the 2568 plans.
    for item in new.items:
        assert "2567" not in item.fix_th, item.id


def test_2569_is_written_as_differences_from_2568() -> None:
    """The 2569 file repeats no 2568 element: what it does not say is inherited."""
    import tomllib

    raw = tomllib.loads((_data_dir() / "ita-2569.toml").read_text(encoding="utf-8"))
    assert raw["extends"] == "ita-2568"
    old = load_checklist(2568)
    for item in raw["items"]:
        base = old.item(item["from"]) if "from" in item else None
        for element in item.get("elements", []):
            if base is None or element["id"] not in {e.id for e in base.elements}:
                continue
            inherited = next(e for e in base.elements if e.id == element["id"])
            changed = {k for k, v in element.items() if getattr(inherited, k) != v}
            assert changed - {"id"}, (item["id"], element["id"], "repeats 2568 unchanged")


def test_an_edit_to_2568_reaches_2569(tmp_path: Path) -> None:
    """2569 inherits what it does not override: a new 2568 element or synonym reaches it."""
    original = (_data_dir() / "ita-2568.toml").read_text(encoding="utf-8")
    anchor = 'synonyms = [\n  "ประมวลจริยธรรม", '
    element = '[[items.elements]]\nid = "training"\n'
    assert anchor in original and element in original
    edited = original.replace(anchor, 'synonyms = [\n  "คำมั่นสัญญาจริยธรรม", "ประมวลจริยธรรม", ', 1)
    pledge = (
        '[[items.elements]]\nid = "pledge"\nth = "การลงนามคำมั่น"\nen = "integrity pledge"\n'
        'any_of = ["คำมั่น"]\nsource = "001:172"\n\n'
    )
    edited = edited.replace(element, pledge + element, 1)
    (tmp_path / "ita-2568.toml").write_text(edited, encoding="utf-8")
    (tmp_path / "ita-2569.toml").write_text(
        (_data_dir() / "ita-2569.toml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    merged = load_checklist_file(tmp_path / "ita-2569.toml")
    ethics = next(i for i in merged.items if i.continues == ("O16",))
    assert ethics.id == "O15"
    assert "pledge" in {e.id for e in ethics.elements}
    assert "คำมั่นสัญญาจริยธรรม" in ethics.synonyms


def test_every_2568_item_must_be_accounted_for(tmp_path: Path) -> None:
    text = (_data_dir() / "ita-2569.toml").read_text(encoding="utf-8")
    last = text.index('[[items]]\nid = "O26"')
    (tmp_path / "ita-2568.toml").write_text(
        (_data_dir() / "ita-2568.toml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (tmp_path / "ita-2569.toml").write_text(text[:last], encoding="utf-8")
    with pytest.raises(ChecklistError, match=r"items O28 of ita-2568 are neither continued"):
        load_checklist_file(tmp_path / "ita-2569.toml")
    # Removing it, with a reason and a source, is fine.
    removal = '[[removed]]\nid = "O28"\nreason = "test"\nsource = "notes-2569: test"\n\n'
    (tmp_path / "ita-2569.toml").write_text(
        text[:last].replace("\n[[items]]\n", "\n" + removal + "[[items]]\n", 1), encoding="utf-8"
    )
    assert len(load_checklist_file(tmp_path / "ita-2569.toml").items) == 25
