"""The terminal table and history, Thai first: no internal word reaches a Thai reader. The
forbidden words are the code's own ids, not a hand-written list: a new element id, job state
or status value is forbidden the day it is added."""

from __future__ import annotations

import dataclasses
import re
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from oitwatch.checklist import available_years, load_checklist
from oitwatch.checklist.findings import Status
from oitwatch.checklist.model import Confidence
from oitwatch.cli import main
from oitwatch.crawler.outcomes import Outcome
from oitwatch.pipeline import capabilities
from oitwatch.pipeline.site import Progress
from oitwatch.present.history import render_history
from oitwatch.present.labels import Lang, format_when
from oitwatch.present.model import ItemHistory, ReportView, StatusChange
from oitwatch.present.table import display_width, render_table, wrap
from oitwatch.storage import RunStatus
from oitwatch.web.jobs import JobState
from tests.support.cli import FAST_ENV, stored_view
from tests.support.server import FixtureSite


def forbidden_words() -> set[str]:
    """Every internal value a Thai screen must not show, from the code itself."""
    words = {
        e.id for year in available_years() for i in load_checklist(year).items for e in i.elements
    }
    words |= {s.value for s in Status}
    words |= {s.value for s in RunStatus} | {s.value for s in JobState}
    words |= {Progress().phase, "judge"}  # the check's phases (Progress.phase)
    words |= {o.value for o in Outcome} | {c.value for c in Confidence}
    return words


_URL = re.compile(r"\S+://\S+|\S+\.(?:pdf|html|docx|xlsx)\b")
# Four or more English words in a row: a sentence, not a name ("No Gift Policy", "E-Service").
_ENGLISH_RUN = re.compile(r"\b[A-Za-z][a-z]*(?:[ ,:;()/-]+[A-Za-z][a-z]*){3,}\b")


def internal_words(text: str) -> tuple[set[str], list[str]]:
    """(forbidden words found, English sentences found) in ``text``, URLs and the commands a
    reader is told to type aside."""
    plain = _URL.sub(" ", text)
    for command in (capabilities.APT_OCR, capabilities.APT_CHROMIUM):
        plain = plain.replace(command, " ")
    words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", plain)) & forbidden_words()
    return words, _ENGLISH_RUN.findall(plain)


def test_the_detector_finds_what_it_is_for() -> None:
    words, sentences = internal_words(
        "O5 missing: coverage judged 23 items from the links on the site's ITA page"
    )
    assert {"missing"} <= words and sentences
    assert internal_words("การขับเคลื่อนนโยบาย No Gift Policy ที่ https://x.go.th/missing/a.pdf") == (
        set(),
        [],
    )


@pytest.fixture(scope="module")
def thai_check(good: FixtureSite, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    db = tmp_path_factory.mktemp("table") / "t.db"
    result = CliRunner().invoke(main, ["check", good.url, "--db", str(db)], env=FAST_ENV)
    assert result.exit_code == 1, result.output
    return result.stdout, db


def test_thai_table_has_no_internal_word(thai_check: tuple[str, Path]) -> None:
    table, _ = thai_check
    assert "ลิงก์เสีย" in table and "ไม่ครบ" in table and "วิธีแก้" in table
    assert internal_words(table) == (set(), [])


def test_thai_history_has_no_internal_word(thai_check: tuple[str, Path], good: FixtureSite) -> None:
    _, db = thai_check
    result = CliRunner().invoke(main, ["history", good.url, "--db", str(db)], env=FAST_ENV)
    assert result.exit_code == 0, result.output
    assert "ลิงก์เสีย" in result.stdout
    assert re.search(r"\d{1,2} [ก-ฮ.]+ 25\d\d \d\d:\d\d ผ่าน", result.stdout)  # B.E., Bangkok
    assert internal_words(result.stdout) == (set(), [])
    english = CliRunner().invoke(
        main, ["history", good.url, "--db", str(db), "--lang", "en"], env=FAST_ENV
    )
    assert "broken" in english.stdout


def test_unreachable_site_is_said_once(unreachable_url: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["check", unreachable_url, "--db", str(tmp_path / "u.db"), "-q"], env=FAST_ENV
    )
    assert result.exit_code == 2
    table = result.stdout
    assert table.count("เปิดเว็บไซต์หลักไม่ได้") == 1 and "วิธีแก้" in table
    assert "O1 " not in table and "O28" not in table  # no row per item
    assert internal_words(table) == (set(), [])
    assert result.stderr == ""  # --quiet: no progress line


def test_warnings_and_notes_are_thai_on_a_thai_table(thai_check: tuple[str, Path]) -> None:
    _, db_file = thai_check
    view = stored_view(db_file)
    notes = (
        *view.notes,
        capabilities.weakened_warning("ocr"),
        capabilities.weakened_warning("chromium"),
        "หมดเวลาตรวจ (600 วินาที) ก่อนครบทุกหน้า: 3 ลิงก์ไม่ได้เปิด 2 ข้อตรวจไม่ถึง /"
        " time limit (600 s) reached: 3 URL(s) not fetched, 2 item(s) not reached",
    )
    from oitwatch.present.model import _warnings

    weakened = dataclasses.replace(view, notes=notes, warnings=_warnings([("ocr", "chromium")]))
    thai = render_table(weakened, Lang.TH, 80)
    assert "tesseract-ocr-tha" in thai and "หมดเวลาตรวจ" in thai
    assert internal_words(thai) == (set(), [])
    english = render_table(weakened, Lang.EN, 80)
    assert "time limit (600 s) reached" in english and "verdicts weakened" in english


@pytest.mark.parametrize("width", [80, 100, 160])
def test_table_fits_the_terminal(thai_check: tuple[str, Path], width: int) -> None:
    _, db_file = thai_check
    view = stored_view(db_file)
    assert isinstance(view, ReportView)
    for lang in Lang:
        table = render_table(view, lang, width)
        too_wide = [
            line
            for line in table.splitlines()
            if display_width(line) > width and not _URL.search(line)
        ]
        assert not too_wide, too_wide[:3]
        if width < 120:  # reason and fix under the item, each on its own lines
            assert any(
                line.startswith("     วิธีแก้: ") or line.startswith("     Fix: ")
                for line in table.splitlines()
            )


def test_wrap_breaks_thai_between_words_not_inside_them() -> None:
    text = "เผยแพร่แผนดำเนินงานประจำปีงบประมาณพร้อมโครงการงบประมาณและระยะเวลาดำเนินการของหน่วยงาน"
    lines = wrap(text, 30, "", "")
    assert len(lines) > 1 and "".join(lines) == text
    assert all(display_width(line) <= 30 for line in lines)
    # no line starts with a mark that belongs to the previous letter
    assert all(not line or display_width(line[0]) for line in lines)


def test_history_lines_are_thai_with_buddhist_era_bangkok_times() -> None:
    when = datetime(2026, 12, 1, 11, 10)  # UTC, as stored
    assert format_when(when) == "1 ธ.ค. 2569 18:10"
    assert format_when(when, Lang.EN) == "1 Dec 2026 18:10"
    history = {
        "O4": ItemHistory(
            "O4",
            (
                StatusChange(1, datetime(2026, 11, 30, 18, 0), Status.PASS, "https://x/news"),
                StatusChange(2, when, Status.BROKEN, None),
            ),
        )
    }
    text = render_history("https://x/", history)
    assert "1 ธ.ค. 2569 01:00 ผ่าน (https://x/news) → 1 ธ.ค. 2569 18:10 ลิงก์เสีย" in text
    assert internal_words(text) == (set(), [])
