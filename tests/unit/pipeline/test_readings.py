"""Which fetched bytes the crawler asks storage for a reading of (pipeline/crawl.py): a page only
when the last check saw the same bytes at the same URL, a file always."""

from __future__ import annotations

import hashlib

from oitwatch.crawler.outcomes import FetchResult, Outcome
from oitwatch.documents import derived
from oitwatch.documents.model import Document, DocumentKind
from oitwatch.documents.resource import Prior
from oitwatch.pipeline.crawl import to_resource

URL = "http://agency.example/news.html"
PAGE = "<html><head><title>ข่าว</title></head><body><p>ประกาศ</p></body></html>".encode()
FILE = b"%PDF-1.4 a report"


class _Memory:
    """Counts the readings asked for; has one for every key."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def prior(self, url: str) -> Prior | None:
        return None

    def derived(self, sha256: str, url: str) -> bytes | None:
        self.asked.append(sha256)
        kind = DocumentKind.HTML if url else DocumentKind.PDF
        return derived.dump(Document(url=url, kind=kind, title="stored", text="อ่านแล้ว"), kind=kind)

    def stored(self, sha256: str, url: str) -> bytes | None:
        return self.derived(sha256, url)

    def take(self, url: str) -> FetchResult | None:
        return None


def _result(body: bytes, content_type: str, url: str = URL) -> FetchResult:
    return FetchResult(url, Outcome.OK, url, 200, content_type, body)


def test_a_new_page_is_read_without_asking_storage() -> None:
    memory = _Memory()
    resource = to_resource(_result(PAGE, "text/html"), 0, None, memory, None)
    assert memory.asked == []
    assert resource.document is not None and resource.document.title == "ข่าว"
    assert resource.derived is not None  # stored for the next check


def test_a_changed_page_is_read_without_asking_storage() -> None:
    memory = _Memory()
    prior = Prior(URL, "another-hash", '"v1"', None, DocumentKind.HTML)
    resource = to_resource(_result(PAGE, "text/html"), 0, None, memory, prior)
    assert memory.asked == []
    assert resource.document is not None and resource.document.title == "ข่าว"


def test_the_same_page_as_last_time_is_taken_from_storage() -> None:
    memory = _Memory()
    sha = hashlib.sha256(PAGE).hexdigest()
    prior = Prior(URL, sha, '"v1"', None, DocumentKind.HTML)
    resource = to_resource(_result(PAGE, "text/html"), 0, None, memory, prior)
    assert memory.asked == [sha]
    assert resource.document is not None and resource.document.title == "stored"


def test_a_file_is_always_asked_for() -> None:
    """The same file may have been read on another site or under another URL."""
    memory = _Memory()
    url = "http://agency.example/report.pdf"
    resource = to_resource(_result(FILE, "application/pdf", url), 0, None, memory, None)
    assert memory.asked == [hashlib.sha256(FILE).hexdigest()]
    assert resource.document is not None and resource.document.title == "stored"
