"""PDF text with pdfium (pypdfium2: Apache-2.0/BSD, C speed, keeps Thai combining marks in order
better than the pure-Python extractors we tried).

pdfium is imported by parse_pdf, not here: PDFs are read in the worker process (isolate.py), and
the main process of a run, which only imports this module, need not carry the library's memory.
"""

from __future__ import annotations

from oitwatch.documents.errors import UnreadableDocument, UnreadableReason
from oitwatch.documents.model import Document, DocumentKind

MAX_PDF_PAGES = 80
# Enough for any report's first 80 pages; a page of gigabytes of text is a bomb, not evidence.
MAX_PDF_CHARS = 2_000_000
# Titles PDF writers put in by default, which say nothing about the document.
_JUNK_TITLES = frozenset({"untitled", "anonymous", "(anonymous)", "document", ""})


def parse_pdf(data: bytes, url: str, max_pages: int = MAX_PDF_PAGES) -> Document:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        message = str(exc)
        reason = (
            UnreadableReason.PASSWORD if "password" in message.lower() else UnreadableReason.CORRUPT
        )
        raise UnreadableDocument(reason, f"PDF cannot be opened: {message}") from exc
    try:
        texts: list[str] = []
        count = min(len(pdf), max_pages)
        chars = 0
        for index in range(count):
            try:
                page = pdf[index]
            except pdfium.PdfiumError:
                continue  # one broken page costs that page; the others may hold the evidence
            try:
                textpage = page.get_textpage()
                text = textpage.get_text_range()
                textpage.close()
            except pdfium.PdfiumError:
                text = ""
            finally:
                page.close()
            texts.append(text[: MAX_PDF_CHARS - chars])
            chars += len(texts[-1])
            if chars >= MAX_PDF_CHARS:
                break
        title = ""
        try:
            title = (pdf.get_metadata_dict().get("Title") or "").strip()
            if title.lower() in _JUNK_TITLES:
                title = ""
        except pdfium.PdfiumError:
            title = ""
    finally:
        pdf.close()
    text = "\n".join(texts).replace("\r\n", "\n").replace("\r", "\n")
    first_line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return Document(
        url=url,
        kind=DocumentKind.PDF,
        title=title,
        text=text,
        headings=(first_line,) if first_line else (),
        pages=count,
    )
