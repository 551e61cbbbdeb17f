"""Is a fetched page a shell that scripts fill in? Decided on the static HTML, so that a
page is rendered (crawler/render.py) only when what a check reads is not already there."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from oitwatch.documents.model import Document, DocumentKind

_NOSCRIPT_WARNING = re.compile(r"javascript|จาวาสคริปต์|เปิดใช้งานสคริปต์|enable", re.IGNORECASE)
THIN_TEXT = 200
# Static HTML with this much text (outside menus and footers) is read as it is, however many
# scripts the template loads (vendor CMSes load dozens, and warn in <noscript> for a widget).
RICH_TEXT = 1500
_FILE_EXTENSIONS = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".csv")


def holds_content(document: Document) -> bool:
    """Does the static HTML already carry what a check reads: ITA rows, links to files in the
    page's content, or a body of text? Such a page is never rendered."""
    if document.item_rows or len(document.text) >= RICH_TEXT:
        return True
    content = document.content_urls
    urls = content if content is not None else frozenset(link.url for link in document.links)
    return any(urlsplit(url).path.lower().endswith(_FILE_EXTENSIONS) for url in urls)


def needs_rendering(document: Document) -> bool:
    """Does this fetched page look like a shell that scripts fill in?"""
    if document.kind is not DocumentKind.HTML or document.rendered or not document.scripts:
        return False
    if holds_content(document):
        return False
    if document.empty_app_root:
        return True
    if (
        document.noscript
        and _NOSCRIPT_WARNING.search(document.noscript)
        and len(document.text) < 2000
    ):
        return True
    return len(document.text) < THIN_TEXT and len(document.links) < 5
