"""The real seed documents as inputs (read from ../shared, never copied into the project)."""

from __future__ import annotations

from oitwatch.checklist import load_checklist
from oitwatch.checklist.judge import assess, judge
from oitwatch.checklist.locate import classify
from oitwatch.documents.model import Document, DocumentKind
from tests.support.shared import SHARED, needs_shared

CHECKLIST = load_checklist(2568)
pytestmark = needs_shared


def _seed(prefix: str) -> Document:
    path = next((SHARED / "seeds").glob(f"{prefix}_*.txt"))
    return Document(url=path.as_uri(), kind=DocumentKind.PDF, text=path.read_text(encoding="utf-8"))


def test_seed_001_is_an_o28_report_with_every_report_element() -> None:
    document = _seed("001")
    item = CHECKLIST.item("O28")
    assessed = assess(item, judge(item, [document], 2568), 2568)
    # Everything but the QR code, which belongs on the website, not in the report's text.
    assert [e.id for e in assessed.elements if not e.found] == ["qr_code"]
    assert 2568 in assessed.years


def test_seed_002_is_o27_content() -> None:
    document = _seed("002")
    assert classify(document, CHECKLIST) == ["O27"]
    item = CHECKLIST.item("O27")
    assessed = assess(item, judge(item, [document], 2568), 2568)
    assert assessed.status.value == "pass", [e.id for e in assessed.elements if not e.found]
