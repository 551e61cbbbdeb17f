"""Every year's checklist file, merged and rendered, holds rules a person can read and check.

The years are discovered from the package's data folder, not listed: a new ita-<year>.toml is
checked as soon as it is added (and fails until its item count is written down below).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from oitwatch.checklist.checks import CHECKS
from oitwatch.checklist.loader import _data_dir, available_years, load_checklist_file
from oitwatch.present.table import render_checklist
from tests.support.cli import invoke

DATA_FILES = sorted(_data_dir().glob("*.toml"))

# How many items each year's form has, as the official form (or, for 2569, the public notes)
# numbers them. A new year's file must say its count here.
ITEM_COUNTS = {2568: 28, 2569: 26}

# Item headings that are not Thai script although they are the Thai form's own heading.
NOT_THAI_HEADINGS = {("ita-2568", "O10"): "the FY2568 form heads O10 'E-Service' (001:157)"}

THAI = re.compile(r"[\u0e01-\u0e4e]")

# The layout rule: no line longer than MAX_LINE characters (code points), unless the line holds
# one string and nothing else (`key = '...'`, `key = "..."`, or a lone list entry). Such a
# string is one that cannot be broken: a regular expression (a TOML literal string has no line
# continuation) or a Thai phrase with no space to break at. Every other long text is written
# as a multi-line string whose lines end with a backslash.
MAX_LINE = 100
ONE_STRING = re.compile(r"""^\s*(?:[\w"-]+ = )?(?:'[^']*'|"(?:[^"\\]|\\.)*"),?$""")


def _year(path: Path) -> int:
    found = re.fullmatch(r"ita-(\d{4})\.toml", path.name)
    assert found, f"{path.name}: checklist files are named ita-<fiscal year>.toml"
    return int(found.group(1))


def test_the_data_files_are_found() -> None:
    """The discovery below must see files, and the loader's list of years must be the same."""
    assert len(DATA_FILES) >= 2
    assert [_year(p) for p in DATA_FILES] == available_years()


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: p.name)
def test_item_counts(path: Path) -> None:
    checklist = load_checklist_file(path)
    year = _year(path)
    assert checklist.fiscal_year == year and checklist.id == path.stem
    assert year in ITEM_COUNTS, f"{path.name}: write the form's item count in ITEM_COUNTS"
    assert [i.id for i in checklist.items] == [f"O{n}" for n in range(1, ITEM_COUNTS[year] + 1)]


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: p.name)
def test_every_merged_rule_is_complete(path: Path) -> None:
    """Each item: a Thai heading, at least one element, a period rule; each rule (item, period,
    element) with its source citation; element ids unique in the item; checks the engine has."""
    checklist = load_checklist_file(path)
    assert CHECKS, "the engine's registry of checks is empty: checks.py was not imported"
    for item in checklist.items:
        if (checklist.id, item.id) not in NOT_THAI_HEADINGS:
            assert THAI.search(item.heading_th), (item.id, item.heading_th)
        assert THAI.search(item.fix_th), item.id
        assert item.elements, item.id
        assert item.period.source.strip(), (item.id, "period source")
        assert item.source.strip(), item.id
        ids = [e.id for e in item.elements]
        assert len(ids) == len(set(ids)), (item.id, ids)
        for element in item.elements:
            assert THAI.search(element.th), (item.id, element.id, element.th)
            assert element.source.strip(), (item.id, element.id)
            assert element.check in CHECKS, (item.id, element.id, element.check, sorted(CHECKS))


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: p.name)
def test_file_layout(path: Path) -> None:
    """One element per [[items.elements]] table (no inline element lists) and lines that fit."""
    text = path.read_text(encoding="utf-8")
    raw = tomllib.loads(text)
    elements = sum(len(item.get("elements", [])) for item in raw["items"])
    assert text.count("\n[[items.elements]]\n") == elements
    too_long = [
        (number, len(line))
        for number, line in enumerate(text.splitlines(), 1)
        if len(line) > MAX_LINE and not ONE_STRING.match(line)
    ]
    assert not too_long, f"{path.name}: lines over {MAX_LINE} characters: {too_long}"


def test_the_layout_rule_can_fail() -> None:
    """The rule refuses what the files used to hold: a whole element on one line."""
    inline = (
        '  { id = "fax", th = "หมายเลขโทรสาร", en = "fax number", any_of = ["โทรสาร", "แฟกซ์"],'
        ' source = "001:144" },'
    )
    assert len(inline) > MAX_LINE and not ONE_STRING.match(inline)
    assert ONE_STRING.match("pattern = '" + "ก" * MAX_LINE + "'")


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: p.name)
def test_merged_rules_render(path: Path) -> None:
    """What `checklist show` prints for each form holds every item, element and inference."""
    checklist = load_checklist_file(path)
    shown = render_checklist(checklist)
    for item in checklist.items:
        assert f"{item.id} " in shown and item.heading_th in shown, item.id
        for element in item.elements:
            assert f"{element.th} / {element.en}" in shown, (item.id, element.id)
    inferred = sum(i.inferred for i in checklist.items)
    assert shown.count("rule inferred from public agency pages") == inferred


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: p.name)
def test_checklist_show_lists_every_item(path: Path) -> None:
    checklist = load_checklist_file(path)
    shown = invoke("checklist", "show", "--year", str(_year(path)))
    assert shown.code == 0, shown.stderr
    assert re.findall(r"^(O\d+) ", shown.stdout, re.M) == [i.id for i in checklist.items]
    for item in checklist.items:
        assert item.heading_th in shown.stdout, item.id


def test_checklist_show_refuses_an_unknown_year() -> None:
    shown = invoke("checklist", "show", "--year", "2550")
    assert shown.code == 2 and "2550" in shown.stderr
