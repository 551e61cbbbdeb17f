"""Pick the parser for a fetched resource from its content type, file name and magic bytes."""

from __future__ import annotations

from urllib.parse import urlsplit

from oitwatch.crawler.charset import decode_text
from oitwatch.documents.errors import UnreadableDocument, UnreadableReason
from oitwatch.documents.html import parse_html
from oitwatch.documents.isolate import worker
from oitwatch.documents.model import Document, DocumentKind
from oitwatch.documents.office import parse_csv, parse_docx, parse_xlsx
from oitwatch.documents.pdf import parse_pdf

_BY_EXTENSION = {
    ".pdf": DocumentKind.PDF,
    ".docx": DocumentKind.DOCX,
    ".xlsx": DocumentKind.XLSX,
    ".csv": DocumentKind.CSV,
    ".html": DocumentKind.HTML,
    ".htm": DocumentKind.HTML,
    ".php": DocumentKind.HTML,
    ".png": DocumentKind.IMAGE,
    ".jpg": DocumentKind.IMAGE,
    ".jpeg": DocumentKind.IMAGE,
    ".gif": DocumentKind.IMAGE,
    ".webp": DocumentKind.IMAGE,
    ".tif": DocumentKind.IMAGE,
    ".tiff": DocumentKind.IMAGE,
}
_BY_MIME = {
    "application/pdf": DocumentKind.PDF,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": DocumentKind.DOCX,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": DocumentKind.XLSX,
    "text/csv": DocumentKind.CSV,
    "text/html": DocumentKind.HTML,
    "application/xhtml+xml": DocumentKind.HTML,
}


def document_kind(url: str, content_type: str, head: bytes = b"") -> DocumentKind:
    """Magic bytes beat the header, which beats the file name: servers lie about PDFs."""
    if head.startswith(b"%PDF"):
        return DocumentKind.PDF
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*")):
        return DocumentKind.IMAGE
    mime = content_type.split(";", 1)[0].strip().lower()
    path = urlsplit(url).path.lower()
    extension = path[path.rfind(".") :] if "." in path.rsplit("/", 1)[-1] else ""
    if head.startswith(b"PK\x03\x04"):
        if extension in (".docx", ".xlsx"):
            return _BY_EXTENSION[extension]
        if mime in _BY_MIME:
            return _BY_MIME[mime]
    if mime in _BY_MIME:
        return _BY_MIME[mime]
    if mime.startswith("image/"):
        return DocumentKind.IMAGE
    if extension in _BY_EXTENSION:
        return _BY_EXTENSION[extension]
    if mime.startswith("text/") or (not mime and head.lstrip()[:1] == b"<"):
        return DocumentKind.HTML
    return DocumentKind.OTHER


# Formats whose parsers have no budget of their own: read in the worker process (isolate.py).
ISOLATED = frozenset({DocumentKind.PDF, DocumentKind.DOCX, DocumentKind.XLSX})


def extract_document(
    data: bytes, url: str, content_type: str = "", kind: DocumentKind | None = None
) -> Document:
    """Parse bytes into a Document; raises UnreadableDocument when no text can be had,
    including when the file needs more memory or time than a document may take."""
    kind = kind or document_kind(url, content_type, data[:8])
    if kind in ISOLATED:
        document: Document = worker("parse").call("extract", data, url, content_type, kind)
        return document
    return extract_inline(data, url, content_type, kind)


def extract_inline(
    data: bytes, url: str, content_type: str = "", kind: DocumentKind | None = None
) -> Document:
    """extract_document in this process, without limits: the worker's side of it."""
    kind = kind or document_kind(url, content_type, data[:8])
    if kind is DocumentKind.PDF:
        document = parse_pdf(data, url)
        if not document.text.strip():
            # Image-only (scanned) PDF: readable only through OCR.
            raise UnreadableDocument(
                UnreadableReason.NO_TEXT, "PDF has no text layer (scanned image)"
            )
        return document
    if kind is DocumentKind.IMAGE:
        raise UnreadableDocument(UnreadableReason.NO_TEXT, "an image: readable only through OCR")
    if kind is DocumentKind.DOCX:
        return parse_docx(data, url)
    if kind is DocumentKind.XLSX:
        return parse_xlsx(data, url)
    if kind is DocumentKind.CSV:
        return parse_csv(decode_text(data, content_type), url)
    if kind is DocumentKind.HTML:
        return parse_html(decode_text(data, content_type), url)
    return Document(url=url, kind=DocumentKind.OTHER)
