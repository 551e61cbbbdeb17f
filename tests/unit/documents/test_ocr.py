"""OCR with Tesseract's Thai model on generated scans, and its cache across runs."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from oitwatch.checklist import load_checklist
from oitwatch.checklist.judge import assess, judge
from oitwatch.documents.model import Document, DocumentKind
from oitwatch.documents.ocr import OcrEngine, ScanReader
from oitwatch.storage import open_database
from tests.fixtures.documents import scanned_pdf, scanned_png

LINES = ["ประกาศเจตนารมณ์ No Gift Policy ประจำปี 2568", "ไม่รับของขวัญและของกำนัลทุกชนิด"]


def test_engine_is_installed() -> None:
    assert OcrEngine().available(), "apt-get install tesseract-ocr tesseract-ocr-tha"


def test_scanned_pdf_is_read_once_across_runs(tmp_path: Path) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'ocr.db'}")
    data = scanned_pdf(LINES)
    loads = 0

    async def load() -> bytes:
        nonlocal loads
        loads += 1
        return data

    async def read_twice() -> tuple[Document, Document, ScanReader, ScanReader]:
        first_run = ScanReader(OcrEngine(), db)
        first = await first_run.read("hash-1", DocumentKind.PDF, "http://x/a.pdf", load)
        second_run = ScanReader(OcrEngine(), db)  # a later run: new reader, same database
        second = await second_run.read("hash-1", DocumentKind.PDF, "http://x/a.pdf", load)
        return first, second, first_run, second_run

    first, second, first_run, second_run = asyncio.run(read_twice())
    assert "No Gift Policy" in first.text and first.ocr
    assert second.text == first.text
    assert (first_run.misses, second_run.hits, loads) == (1, 1, 1)
    db.close()


def test_photographed_announcement_png() -> None:
    data = scanned_png(LINES)

    async def load() -> bytes:
        return data

    document = asyncio.run(
        ScanReader(OcrEngine()).read("png", DocumentKind.IMAGE, "http://x/a.png", load)
    )
    item = load_checklist(2568).item("O21")
    assessed = assess(item, judge(item, [document], 2568), 2568)
    assert [e.id for e in assessed.elements if not e.found] == ["signed"]  # no signature in it


@pytest.mark.parametrize("year_text", ["๒๕๒๕", "๒๕๖๘", ""])
def test_unreadable_year_in_a_scan_is_unconfirmed_not_outdated(year_text: str) -> None:
    """OCR reads ๒๕๖๘ as ๒๕๒๕ (shared/oit-notes.md): that is no evidence of a wrong year."""
    document = Document(
        url="http://x/scan.pdf",
        kind=DocumentKind.PDF,
        ocr=True,
        text=f"ประกาศเจตนารมณ์ No Gift Policy ประจำปี {year_text} ไม่รับของขวัญ"
        " ลงชื่อ (นายสมชาย ใจดี) นายกองค์การบริหารส่วนตำบล",
    )
    item = load_checklist(2568).item("O21")
    assessed = assess(item, judge(item, [document], 2568), 2568)
    assert assessed.status.value == "partial"
    assert [e.id for e in assessed.elements if not e.found] == ["period_unconfirmed"]


def test_arabic_year_in_a_scan_still_counts() -> None:
    document = Document(
        url="http://x/scan.pdf",
        kind=DocumentKind.PDF,
        ocr=True,
        text="ประกาศเจตนารมณ์ No Gift Policy ประจำปี 2566 ไม่รับของขวัญ ลงชื่อ นายก",
    )
    item = load_checklist(2568).item("O21")
    assert assess(item, judge(item, [document], 2568), 2568).status.value == "outdated"
