"""The golden set: every item judged on real files, compared with an assessor's verdict."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from oitwatch.checklist import load_checklist
from oitwatch.checklist.judge import assess, judge
from oitwatch.documents import Document, extract_document
from oitwatch.documents.model import Cue, DocumentKind
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


# -- evaluations: where the evidence is and whether it opens -----------------------------------

from urllib.parse import urlsplit  # noqa: E402

from oitwatch.checklist.evaluate import MAX_LINKS_PER_ITEM, ItemEvaluator, SiteView  # noqa: E402
from oitwatch.checklist.locate import CandidateIndex, DeclaredLink  # noqa: E402
from oitwatch.crawler.outcomes import Outcome  # noqa: E402
from oitwatch.documents.errors import UnreadableDocument  # noqa: E402
from oitwatch.documents.resource import Resource  # noqa: E402
from tests.golden.sites import MAIN, SITE_CASES, Served, SiteCase  # noqa: E402


def _resource(url: str, served: Served | None) -> Resource:
    if served is None or served.status != 200:
        status = served.status if served else 404
        return Resource(url, Outcome.HTTP_ERROR, status=status)
    try:
        document = extract_document(served.body, url, served.content_type)
    except UnreadableDocument as exc:
        return Resource(url, Outcome.OK, status=200, unreadable=exc.reason)
    return Resource(url, Outcome.OK, status=200, kind=document.kind, document=document)


def _evaluate(case: SiteCase) -> object:
    resources = {url: _resource(url, served) for url, served in case.pages.items()}

    async def fetch(url: str) -> Resource:
        return resources.get(url) or _resource(url, None)

    def on_site(url: str) -> bool:
        return urlsplit(url).hostname == urlsplit(MAIN).hostname

    anchors = {url: {MAIN + "/": text} for url, text in case.anchors.items()}
    index = CandidateIndex(CHECKLIST, resources, anchors, on_site)
    declared = {
        case.item: [DeclaredLink(u, "ita_row", case.item, MAIN + "/ita") for u in case.declared]
    }
    view = SiteView(CHECKLIST, fetch, on_site, index, declared)
    return asyncio.run(ItemEvaluator(view).evaluate(CHECKLIST.item(case.item)))


@pytest.mark.parametrize("case", SITE_CASES, ids=lambda c: f"{c.klass}-{c.item}-{c.name}")
def test_golden_site(case: SiteCase) -> None:
    result = _evaluate(case)
    assert (result.status.value, result.url) == (case.status, case.url), result.reason_en  # type: ignore[attr-defined]
    if case.fix_names:
        assert case.fix_names in result.fix_en  # type: ignore[attr-defined]
    evidence = result.evidence()  # type: ignore[attr-defined]
    if case.declared:
        assert evidence["sources"][0]["source"] == "ita_row"
        assert evidence["sources"][0]["page"] == MAIN + "/ita"
    else:
        assert evidence["sources"][0]["source"] == "discovered"
        assert "names the item" in evidence["sources"][0]["why"]


def test_declared_links_are_capped_and_the_report_says_so() -> None:
    links = [f"{MAIN}/ita/o6-{n}.pdf" for n in range(MAX_LINKS_PER_ITEM + 5)]
    pages = {url: Served(b"", status=404) for url in links[:MAX_LINKS_PER_ITEM]}
    case = SiteCase("O6", "many links", "issue 11", pages, "broken", links[0], declared=links)
    result = _evaluate(case)
    assert result.status.value == "broken"  # type: ignore[attr-defined]
    assert f"{MAX_LINKS_PER_ITEM} of {len(links)}" in " ".join(result.notes)  # type: ignore[attr-defined]
    assert len(result.evidence()["sources"]) == MAX_LINKS_PER_ITEM  # type: ignore[attr-defined]


def test_every_class_has_a_compliant_and_a_deficient_case() -> None:
    by_class: dict[str, set[str]] = {}
    for case in CASES:
        if case.klass:
            by_class.setdefault(case.klass, set()).add(case.status)
    for site in SITE_CASES:
        by_class.setdefault(site.klass, set()).add(site.status)
    for klass, statuses in by_class.items():
        assert "pass" in statuses and statuses - {"pass"}, klass


def test_the_reasoning_is_stored_and_shown(tmp_path: Path) -> None:
    """A webmaster who disagrees sees why: the reasoning lands in the database (SQLite, migrated)
    and on the web report, with element names in Thai, never their ids."""
    from oitwatch.present.json_report import report_json
    from oitwatch.present.model import report_view
    from oitwatch.storage import open_database

    case = next(c for c in SITE_CASES if c.klass == "A2" and c.status == "pass")
    result = _evaluate(case)
    db = open_database(f"sqlite:///{tmp_path / 'r.db'}")
    site = db.site(MAIN + "/")
    run_id = db.start_run(site.id, CHECKLIST.id, CHECKLIST.fiscal_year)
    db.finish_run(
        run_id,
        site_status="ok",
        pages_fetched=1,
        results=[result],
        oit_estimate=None,  # type: ignore[list-item]
    )
    view = report_view(db, site.id)
    assert view is not None
    stored = report_json(view)["items"][0]["evidence"]
    assert stored["sources"][0] == {
        "url": case.url,
        "source": "ita_row",
        "row_label": "O6",
        "page": MAIN + "/ita",
    }
    assert stored["period"].startswith("2568 (")
    budget = next(e for e in stored["elements"] if e["id"] == "budget")
    assert budget["found"] and "450,000" in budget["snippet"]
    shown = next(e for e in view.items[0].found if e.id == "budget")  # the page reads names
    assert shown.name.th == CHECKLIST.item("O6").elements[1].th
