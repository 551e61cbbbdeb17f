"""Text read from scans, by content hash and OCR engine: a document is OCR'd once across runs."""

from __future__ import annotations

from oitwatch.documents.ocr import OcrText
from oitwatch.storage.schema import OcrCacheRow
from oitwatch.storage.session import Store


def ocr_row(content_hash: str, engine: str, result: OcrText) -> OcrCacheRow:
    """What OCR read, as its cache row (the fleet's OCR workers write the same cache)."""
    return OcrCacheRow(
        content_hash=content_hash, engine=engine, text=result.text, pages=result.pages
    )


class OcrCacheStore(Store):
    def get_ocr(self, content_hash: str, engine: str) -> OcrText | None:
        with self.session() as session:
            row = session.get(OcrCacheRow, (content_hash, engine))
            return OcrText(row.text, row.pages) if row is not None else None

    def put_ocr(self, content_hash: str, engine: str, result: OcrText) -> None:
        with self.session() as session:
            session.merge(ocr_row(content_hash, engine, result))
