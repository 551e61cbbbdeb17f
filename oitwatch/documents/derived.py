"""What a check derived from a document's bytes, kept so the next check need not derive it again.

An unchanged page or file (a 304, or the same content hash) is judged from what the last run
read from it: its text, links, cues, ITA rows and people. The key covers the bytes, the URL
they were read at (relative links resolve against it) and the parsers' own source, so any
change to a parser re-reads everything once instead of trusting a stale reading.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from functools import cache
from pathlib import Path
from typing import Any

from oitwatch.documents.errors import UnreadableReason
from oitwatch.documents.model import Cue, Document, DocumentKind, ItemRow, Link, Person

# The modules whose output is stored: a change to any of them invalidates every stored reading.
_PARSERS = ("html.py", "item_table.py", "pdf.py", "office.py", "extract.py", "model.py")
_FORMAT = 3
HEAD = 300  # compact characters of a file's opening that locating labels it by (locate.py)


def head(document: Document) -> str:
    """A file's opening in matching form; HTML pages are labelled by title and headings."""
    return "" if document.kind is DocumentKind.HTML else document.compact_text[:HEAD]


@cache
def parser_version() -> str:
    here = Path(__file__).resolve().parent
    digest = hashlib.sha256(str(_FORMAT).encode())
    for name in (*_PARSERS, "../crawler/charset.py", "../text/urls.py"):
        try:
            digest.update((here / name).read_bytes())
        except OSError:
            digest.update(name.encode())
    return digest.hexdigest()[:16]


def reading_url(kind: DocumentKind, url: str) -> str:
    """The URL a reading depends on: a page's links resolve against it; a file's text does
    not, so the same file under two URLs (or on two nights) is read once."""
    return url if kind is DocumentKind.HTML else ""


def derived_key(content_hash: str, url: str) -> str:
    return hashlib.sha256(f"{parser_version()} {content_hash} {url}".encode()).hexdigest()


def dump(
    document: Document | None,
    unreadable: UnreadableReason | None = None,
    error: str = "",
    kind: DocumentKind = DocumentKind.OTHER,
) -> bytes:
    """A compact, compressed record of a reading: a Document, or why there was none."""
    if document is None:
        record: dict[str, Any] = {"unreadable": unreadable, "error": error, "kind": kind.value}
    else:
        record = {
            "url": document.url,
            "kind": document.kind.value,
            "title": document.title,
            "text": document.text,
            "headings": document.headings,
            "links": [(link.url, link.text) for link in document.links],
            "cues": sorted(c.value for c in document.cues),
            "frames": document.frames,
            "images": document.images,
            "content_urls": None
            if document.content_urls is None
            else sorted(document.content_urls),
            "scripts": document.scripts,
            "noscript": document.noscript,
            "empty_app_root": document.empty_app_root,
            "rendered": document.rendered,
            "pages": document.pages,
            "item_rows": [
                (
                    row.number,
                    row.year,
                    [(link.url, link.text) for link in row.links],
                    row.label,
                    row.by_number,
                )
                for row in document.item_rows
            ],
            "people": [(p.name, p.position, p.photo, p.contact) for p in document.people],
            "ocr": document.ocr,
            "tables": document.tables,
            "image_labels": document.image_labels,
            "head": head(document),
        }
    return zlib.compress(json.dumps(record, ensure_ascii=False).encode(), 1)


def load(blob: bytes) -> tuple[Document | None, UnreadableReason | None, str, DocumentKind, str]:
    """(document, unreadable reason, error, kind, head) as ``dump`` recorded them."""
    record = json.loads(zlib.decompress(blob))
    if "unreadable" in record:
        reason = record["unreadable"]
        return (
            None,
            None if reason is None else UnreadableReason(reason),
            record["error"],
            DocumentKind(record["kind"]),
            "",
        )
    content_urls = record["content_urls"]
    document = Document(
        url=record["url"],
        kind=DocumentKind(record["kind"]),
        title=record["title"],
        text=record["text"],
        headings=tuple(record["headings"]),
        links=tuple(Link(u, t) for u, t in record["links"]),
        cues=frozenset(Cue(c) for c in record["cues"]),
        frames=tuple(record["frames"]),
        images=tuple(record["images"]),
        content_urls=None if content_urls is None else frozenset(content_urls),
        scripts=record["scripts"],
        noscript=record["noscript"],
        empty_app_root=record["empty_app_root"],
        rendered=record["rendered"],
        pages=record["pages"],
        item_rows=tuple(
            ItemRow(number, year, tuple(Link(u, t) for u, t in links), label, by_number)
            for number, year, links, label, by_number in record["item_rows"]
        ),
        people=tuple(Person(*p) for p in record["people"]),
        ocr=record["ocr"],
        tables=tuple(tuple(tuple(row) for row in table) for table in record["tables"]),
        image_labels=tuple(record["image_labels"]),
    )
    return document, None, "", document.kind, record["head"]
