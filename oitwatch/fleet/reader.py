"""Scans in a fleet: read once, by whichever OCR worker takes them, for every site.

A crawl worker never runs Tesseract. A scan it has not seen read is handed to the OCR queue
(with its bytes, so the agency's server is not asked twice) and the site waits, parked, for
its scans; it is judged again once they are read. A slow OCR queue costs the crawl workers
nothing but a second, cheap look at the few sites that had scans.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from oitwatch.documents.errors import UnreadableDocument, UnreadableReason
from oitwatch.documents.model import Document, DocumentKind
from oitwatch.documents.ocr import OcrEngine, ScanReader
from oitwatch.fleet.store import FleetStore
from oitwatch.storage import Database

WAITING = "waiting for OCR on the fleet's OCR queue"


class FleetScanReader(ScanReader):
    def __init__(self, engine: OcrEngine, db: Database, store: FleetStore, *, defer: bool):
        super().__init__(engine, db)
        self.store = store
        self.defer = defer  # False on the last try: judge without what is not read yet
        self.asked: set[str] = set()  # scans this check waits for
        self.created: set[str] = set()  # requests this check made: their jobs are ours to queue

    async def read(
        self, content_hash: str, kind: DocumentKind, url: str, load: Callable[[], Awaitable[bytes]]
    ) -> Document:
        if self.cache is not None and self.cache.get_ocr(content_hash, self.engine.name):
            return await super().read(content_hash, kind, url, load)
        failed = self.store.ocr_failed_before(content_hash, self.engine.name)
        if failed is not None:
            raise UnreadableDocument(UnreadableReason.NO_TEXT, failed)
        if not self.defer:
            raise UnreadableDocument(UnreadableReason.NO_TEXT, "OCR is still pending on the fleet")
        if content_hash not in self.asked:
            self.asked.add(content_hash)  # before the await: items share evidence
            data = await load()
            if self.store.request_ocr(content_hash, self.engine.name, kind.value, url, data):
                self.created.add(content_hash)
        raise UnreadableDocument(UnreadableReason.NO_TEXT, WAITING)


def engine_from_name(name: str, page_timeout: float, max_pages: int) -> OcrEngine:
    """The engine a request was made for ("tesseract:tha+eng:300"), so every OCR worker
    reads it the same way whatever its own settings say."""
    _, languages, dpi = name.split(":")
    return OcrEngine(languages, dpi=int(dpi), page_timeout=page_timeout, max_pages=max_pages)
