"""The golden set: every item judged on real files, compared with an assessor's verdict."""

from __future__ import annotations

import asyncio

import pytest

from oitwatch.checklist import load_checklist
from oitwatch.checklist.judge import assess, judge
from oitwatch.checklist.model import Cue
from oitwatch.documents import Document, extract_document
from oitwatch.documents.model import DocumentKind
from oitwatch.documents.ocr import OcrEngine, ScanReader
from tests.fixtures.documents import docx, pdf, scanned_pdf, xlsx
from tests.golden.cases import CASES, Case

CHECKLIST = load_checklist(2568)


def _document(case: Case) -> Document:
    url = f"http://golden.test/{case.item}/{case.name.replace(' ', '-')}"
    if case.format == "html":
        return extract_document(
            str(case.content).encode(), url + ".html", "text/html; charset=utf-8"
        )
    if case.format == "pdf":
        return extract_document(pdf(list(case.content)), url + ".pdf")  # type: ignore[arg-type]
    if case.format == "docx":
        return extract_document(docx(list(case.content)), url + ".docx")  # type: ignore[arg-type]
    if case.format == "xlsx":
        return extract_document(xlsx(list(case.content)), url + ".xlsx")  # type: ignore[arg-type]
    if case.format == "scan":
        data = scanned_pdf(list(case.content))  # type: ignore[arg-type]

        async def load() -> bytes:
            return data

        reader = ScanReader(OcrEngine())
        return asyncio.run(reader.read("golden-" + url, DocumentKind.PDF, url + ".pdf", load))
    raise ValueError(case.format)


def test_every_item_has_a_compliant_and_a_deficient_case() -> None:
    for item in CHECKLIST.items:
        verdicts = {c.status for c in CASES if c.item == item.id}
        assert "pass" in verdicts and verdicts - {"pass"}, item.id
    assert {c.format for c in CASES} == {"html", "pdf", "scan", "xlsx", "docx"}


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.item}-{c.name}")
def test_golden(case: Case) -> None:
    item = CHECKLIST.item(case.item)
    document = _document(case)
    site_cues = frozenset({Cue.QR}) if case.site_qr else frozenset()
    if case.site_html is not None:
        home = extract_document(case.site_html.encode(), "http://golden.test/", "text/html")
        site_cues = home.cues
    assessed = assess(item, judge(item, [document], CHECKLIST.fiscal_year, site_cues), 2568)
    missing = [e.id for e in assessed.elements if not e.found]
    assert (assessed.status.value, missing) == (case.status, case.missing), document.text[:300]
    assert assessed.ocr == (case.format == "scan")
