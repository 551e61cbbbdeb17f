"""Hosting rules: what counts as on the main website."""

from __future__ import annotations

from oitwatch.checklist import load_checklist
from oitwatch.checklist.locate import linked_documents, off_site_evidence
from oitwatch.crawler.outcomes import Outcome
from oitwatch.crawler.site import Resource
from oitwatch.crawler.urls import same_site
from oitwatch.documents.html import parse_html


def _page(body: str) -> Resource:
    url = "https://www.tambon.go.th/ita/o21"
    return Resource(
        url=url,
        outcome=Outcome.OK,
        final_url=url,
        document=parse_html(f"<html><body>{body}</body></html>", url),
    )


def on_site(url: str) -> bool:
    return same_site(url, "tambon.go.th")


def test_viewer_iframe_counts_when_the_file_is_on_the_main_site() -> None:
    page = _page(
        "<iframe src='https://docs.google.com/viewer?url=https://tambon.go.th/files/nogift.pdf&embedded=true'></iframe>"
    )
    assert linked_documents(page, on_site) == ["https://tambon.go.th/files/nogift.pdf"]
    assert off_site_evidence(load_checklist().item("O21"), page, on_site) == []


def test_viewer_iframe_of_an_off_site_file_is_off_site() -> None:
    page = _page(
        "<iframe src='https://drive.google.com/file/d/abc/preview'></iframe>"
        "<a href='https://drive.google.com/file/d/abc/view'>ประกาศ No Gift Policy</a>"
    )
    assert linked_documents(page, on_site) == []
    assert off_site_evidence(load_checklist().item("O21"), page, on_site) == [
        "https://drive.google.com/file/d/abc/view",
        "https://drive.google.com/file/d/abc/preview",
    ]


def test_www_and_scheme_variants_are_the_main_site() -> None:
    assert on_site("http://tambon.go.th/a") and on_site("https://www.tambon.go.th/b")
    assert not on_site("https://tambon.in.th/a")
