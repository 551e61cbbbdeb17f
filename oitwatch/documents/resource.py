"""One fetched URL of a check and what was read from it; and what the last check fetched there
(Prior), to ask the server "changed since?". Shared by crawling, judging and storage."""

from __future__ import annotations

from dataclasses import dataclass

from oitwatch.crawler.outcomes import Outcome, describe
from oitwatch.documents.errors import UnreadableReason
from oitwatch.documents.model import Document, DocumentKind


@dataclass(eq=False)
class Resource:
    """One fetched URL of a check: the outcome of the fetch and, when readable, its document."""

    url: str
    outcome: Outcome
    final_url: str = ""
    status: int | None = None
    content_type: str = ""
    kind: DocumentKind = DocumentKind.OTHER
    sha256: str | None = None
    size: int = 0
    etag: str | None = None
    last_modified: str | None = None
    depth: int = 0
    error: str = ""
    document: Document | None = None
    unreadable: UnreadableReason | None = None  # when bytes came but no text could be read
    # What was read from the bytes, to store for the next check (documents/derived.py); None
    # when this reading was itself taken from a previous check.
    derived: bytes | None = None
    not_modified: bool = False  # the server answered 304 to a conditional GET
    # Only what locating needs is kept of this document until judging asks for it (see
    # SiteCrawler._slim): hundreds of sites in flight must not hold every page's text.
    slim: bool = False
    head: str | None = None  # derived.head() of the document, when read from storage

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.OK

    def describe(self) -> str:
        return describe(self.outcome, self.status)


@dataclass(frozen=True, slots=True)
class Prior:
    """What the last check fetched at a URL: enough to ask "changed since?" and to reuse."""

    final_url: str
    sha256: str
    etag: str | None
    last_modified: str | None
    kind: DocumentKind = DocumentKind.OTHER
