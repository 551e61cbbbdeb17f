"""DOCX, XLSX and CSV. A spreadsheet or CSV is a structured table by nature (O12 asks for one)."""

from __future__ import annotations

import csv
import io
import itertools
import zipfile
from xml.etree import ElementTree

from oitwatch.documents.errors import UnreadableDocument, UnreadableReason
from oitwatch.documents.model import Cue, Document, DocumentKind

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MAX_SHEET_ROWS = 5000
# A DOCX body larger than this once unzipped is a zip bomb, not a report.
MAX_DOCX_XML_BYTES = 30 * 1024 * 1024
# Office files are zip archives: past these, once unzipped, a file is a bomb, not a report.
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
MAX_ZIP_ENTRIES = 10_000
MAX_ZIP_RATIO = 200  # ordinary XML compresses 5-20 times; bombs a thousand times and more


def check_zip(archive: zipfile.ZipFile, what: str) -> None:
    """Refuse a zip bomb from its directory, before anything is inflated. The sizes are the
    archive's own claims, but zipfile never inflates an entry past its claimed size."""
    entries = archive.infolist()
    if len(entries) > MAX_ZIP_ENTRIES:
        raise UnreadableDocument(
            UnreadableReason.CORRUPT, f"{what} holds {len(entries)} files: not a document"
        )
    total = sum(info.file_size for info in entries)
    if total > MAX_UNZIPPED_BYTES:
        raise UnreadableDocument(
            UnreadableReason.CORRUPT,
            f"{what} unzips to {total // (1024 * 1024)} MB: too large to read",
        )
    for info in entries:
        if info.file_size > 1024 * 1024 and info.file_size > MAX_ZIP_RATIO * max(
            1, info.compress_size
        ):
            raise UnreadableDocument(
                UnreadableReason.CORRUPT,
                f"{what} part {info.filename} is a zip bomb (compressed too well)",
            )


def parse_docx(data: bytes, url: str) -> Document:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_zip(archive, "DOCX")
            info = archive.getinfo("word/document.xml")
            if info.file_size > MAX_DOCX_XML_BYTES:
                raise UnreadableDocument(UnreadableReason.CORRUPT, "DOCX body is implausibly large")
            root = ElementTree.fromstring(archive.read(info))
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError) as exc:
        raise UnreadableDocument(UnreadableReason.CORRUPT, f"DOCX cannot be read: {exc}") from exc
    paragraphs: list[str] = []
    headings: list[str] = []
    for para in root.iter(f"{_W}p"):
        parts = [
            node.text or "" if node.tag == f"{_W}t" else "\t"
            for node in para.iter()
            if node.tag in (f"{_W}t", f"{_W}tab")
        ]
        line = "".join(parts).strip()
        if not line:
            continue
        paragraphs.append(line)
        style = para.find(f"{_W}pPr/{_W}pStyle")
        if style is not None and "heading" in (style.get(f"{_W}val") or "").lower():
            headings.append(line)
    cues = {Cue.TABLE} if root.find(f".//{_W}tbl") is not None else set()
    return Document(
        url=url,
        kind=DocumentKind.DOCX,
        text="\n".join(paragraphs),
        headings=tuple(headings or paragraphs[:1]),
        cues=frozenset(cues),
    )


def parse_xlsx(data: bytes, url: str) -> Document:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_zip(archive, "XLSX")
    except zipfile.BadZipFile as exc:
        raise UnreadableDocument(UnreadableReason.CORRUPT, f"XLSX cannot be read: {exc}") from exc
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many unrelated types for a bad file
        raise UnreadableDocument(UnreadableReason.CORRUPT, f"XLSX cannot be read: {exc}") from exc
    lines: list[str] = []
    try:
        for sheet in workbook.worksheets:
            lines.append(str(sheet.title))
            for index, row in enumerate(sheet.iter_rows(values_only=True)):
                if index >= MAX_SHEET_ROWS:
                    break
                cells = [str(value) for value in row if value is not None]
                if cells:
                    lines.append("\t".join(cells))
    finally:
        workbook.close()
    return Document(
        url=url,
        kind=DocumentKind.XLSX,
        text="\n".join(lines),
        headings=tuple(lines[1:2]),
        cues=frozenset({Cue.TABLE}),
    )


def parse_csv(text: str, url: str) -> Document:
    try:
        rows = list(itertools.islice(csv.reader(io.StringIO(text)), MAX_SHEET_ROWS))
    except csv.Error as exc:  # e.g. a cell past the csv module's 128 kB limit
        raise UnreadableDocument(UnreadableReason.CORRUPT, f"CSV cannot be read: {exc}") from exc
    lines = ["\t".join(cell for cell in row if cell) for row in rows]
    return Document(
        url=url,
        kind=DocumentKind.CSV,
        text="\n".join(line for line in lines if line),
        headings=tuple(lines[:1]),
        cues=frozenset({Cue.TABLE}),
    )
