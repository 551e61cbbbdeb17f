"""What oitwatch knows of one fetched document, whatever its format."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property

from oitwatch.text.periods import Periods, covered_months, find_periods
from oitwatch.text.thai import compact, normalise, without_tone_marks

_THAI_DIGIT_RUN = re.compile("[๐-๙]+")
_FIGURE = re.compile(r"[\d๐-๙.,\s%-]+")


class Cue(StrEnum):
    """Structure seen in a document, for elements that are not words (a photo, a map, a table)."""

    IMAGE = "image"
    MAP = "map"
    TABLE = "table"
    FORM = "form"
    QR = "qr"  # an image whose name or alt text says it is a QR code


class DocumentKind(StrEnum):
    HTML = "html"
    PDF = "pdf"
    DOCX = "docx"
    XLSX = "xlsx"
    CSV = "csv"
    IMAGE = "image"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Link:
    url: str  # absolute, normalised
    text: str  # anchor text (or the title/alt of an image link)


@dataclass(frozen=True, slots=True)
class ItemRow:
    """A labelled row of an ITA page: item number, the year of its section, its links."""

    number: int
    year: int | None
    links: tuple[Link, ...]
    label: str = ""  # the row's label and title as printed ("O7 แผนดำเนินงาน...")
    # False when the number is the list's own numbering ("17. E-Service"), not the form's
    # item number: such a row is mapped to an item by what its title says.
    by_number: bool = True


@dataclass(frozen=True, slots=True)
class Person:
    """One person listed on a page (executives, O2) and what their entry shows."""

    name: str
    position: bool
    photo: bool
    contact: bool


@dataclass(eq=False)
class Document:
    url: str
    kind: DocumentKind
    title: str = ""
    text: str = ""
    headings: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()
    cues: frozenset[Cue] = field(default_factory=frozenset)
    # HTML only: frames and embeds, whose targets may hold the evidence (PDF viewers).
    frames: tuple[str, ...] = ()
    images: tuple[str, ...] = ()  # HTML only: on-page image URLs (a scanned announcement)
    # HTML only: targets of links in the page's content, not its menus, header or footer.
    # None where the format has no such distinction.
    content_urls: frozenset[str] | None = None
    # HTML only: what says the page is built by JavaScript (see crawler/render.py).
    scripts: int = 0
    noscript: str = ""
    empty_app_root: bool = False
    rendered: bool = False  # this text is what a browser showed after running the scripts
    pages: int = 0  # PDF pages read
    # HTML only: labelled rows of an ITA/OIT page (see item_table.py).
    item_rows: tuple[ItemRow, ...] = ()
    people: tuple[Person, ...] = ()
    ocr: bool = False  # the text was read from images by OCR
    # HTML only: the content's tables as rows of cell texts (spreadsheets: see ``table_rows``).
    tables: tuple[tuple[tuple[str, ...], ...], ...] = ()
    # HTML only: what each content image says it is (alt, title, file name, caption).
    image_labels: tuple[str, ...] = ()

    @cached_property
    def table_rows(self) -> tuple[tuple[tuple[str, ...], ...], ...]:
        """Tables as rows of cells: HTML tables, or a spreadsheet's tab-separated lines."""
        if self.tables:
            return self.tables
        if self.kind in (DocumentKind.XLSX, DocumentKind.CSV):
            rows = tuple(tuple(line.split("\t")) for line in self.text.splitlines() if line)
            return (rows,) if rows else ()
        return ()

    @cached_property
    def column_headers(self) -> tuple[str, ...]:
        """The header cells of each table: its first row of two or more cells, not all figures."""
        headers: list[str] = []
        for table in self.table_rows:
            for row in table[:6]:
                cells = [c for c in row if c.strip()]
                if len(cells) >= 2 and not all(_FIGURE.fullmatch(c.strip()) for c in cells):
                    headers.extend(cells)
                    break
        return tuple(headers)

    @cached_property
    def normalised_text(self) -> str:
        return normalise(f"{self.title}\n{self.text}")

    @cached_property
    def compact_text(self) -> str:
        return compact(f"{self.title}\n{self.text}")

    @cached_property
    def match_text(self) -> str:
        """What keywords are looked for in: looser for OCR text, which loses tone marks."""
        return without_tone_marks(self.compact_text) if self.ocr else self.compact_text

    @cached_property
    def compact_heads(self) -> str:
        """Title and headings: where a document says what it is."""
        return compact(" ".join((self.title, *self.headings)))

    @cached_property
    def periods(self) -> Periods:
        text = f"{self.title}\n{self.text}"
        if self.ocr:
            # OCR misreads Thai digits (๒๕๖๘ -> ๒๕๒๕): a year read from them is no evidence.
            # Arabic digits come back reliably and still count.
            text = _THAI_DIGIT_RUN.sub(" ", text)
        return find_periods(text)

    @cached_property
    def months(self) -> frozenset[int]:
        return covered_months(f"{self.title}\n{self.text}")

    @property
    def is_empty(self) -> bool:
        return not self.text.strip() and not self.title.strip() and not self.cues
