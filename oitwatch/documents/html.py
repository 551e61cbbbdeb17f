"""HTML pages: visible text, headings, links with their anchor text, and structural cues."""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser

from oitwatch.checklist.model import Cue
from oitwatch.crawler.urls import resolve
from oitwatch.documents.errors import UnreadableDocument
from oitwatch.documents.item_table import extract_item_rows, might_have_item_table
from oitwatch.documents.model import Document, DocumentKind, Link

_MAP_HINTS = ("google.com/maps", "maps.google", "openstreetmap", "/maps/embed", "map")
_INVISIBLE_TAGS = ["script", "style", "noscript", "template", "svg"]


_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*?(/?)>")
_VOID = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
        "p",
        "li",
        "td",
        "tr",
        "th",
        "option",
    ]
)
MAX_NESTING = 5000
_CHECK_NESTING_ABOVE = 200_000  # characters; smaller pages cannot nest deep enough to hurt


def _too_deep(html: str) -> bool:
    """HTML parsers slow down quadratically on absurd nesting: refuse it before parsing.
    Elements often left unclosed (p, li, td...) are not counted."""
    depth = 0
    for match in _TAG.finditer(html):
        closing, name, self_closing = match.groups()
        if self_closing or name.lower() in _VOID:
            continue
        depth += -1 if closing else 1
        if depth > MAX_NESTING:
            return True
    return False


def parse_html(html: str, url: str) -> Document:
    if len(html) > _CHECK_NESTING_ABOVE and _too_deep(html):
        raise UnreadableDocument("corrupt", f"HTML nested more than {MAX_NESTING} levels deep")
    tree = LexborHTMLParser(html)
    title_node = tree.css_first("title")
    title = title_node.text(strip=True) if title_node else ""
    base_node = tree.css_first("base[href]")
    base = resolve(url, base_node.attributes.get("href") or "") if base_node else url
    base = base or url

    links: list[Link] = []
    seen: set[tuple[str, str]] = set()
    for node in tree.css("a[href], area[href]"):
        target = resolve(base, node.attributes.get("href") or "")
        if target is None:
            continue
        text = node.text(deep=True, separator=" ", strip=True)
        if not text:
            img = node.css_first("img")
            text = (
                (img.attributes.get("alt") or img.attributes.get("title") or "")
                if img
                else (node.attributes.get("title") or "")
            )
        key = (target, text)
        if key not in seen:
            seen.add(key)
            links.append(Link(target, " ".join(text.split())))

    frames: list[str] = []
    cues: set[Cue] = set()
    for node in tree.css("iframe[src], embed[src], object[data], frame[src]"):
        raw = node.attributes.get("src") or node.attributes.get("data") or ""
        target = resolve(base, raw)
        if target is None:
            continue
        frames.append(target)
        if any(hint in target.lower() for hint in _MAP_HINTS):
            cues.add(Cue.MAP)
    images = tree.css("img[src]")
    if images:
        cues.add(Cue.IMAGE)
        for img in images:
            label = " ".join(
                (img.attributes.get("alt") or "", img.attributes.get("src") or "")
            ).lower()
            if "แผนที่" in label or "map" in label:
                cues.add(Cue.MAP)
    if tree.css_first("table td"):
        cues.add(Cue.TABLE)
    if tree.css_first("form"):
        cues.add(Cue.FORM)

    item_rows = extract_item_rows(tree, base) if might_have_item_table(html) else ()
    headings = tuple(
        h.text(deep=True, separator=" ", strip=True)
        for h in tree.css("h1, h2, h3, h4, caption, legend")
    )
    tree.strip_tags(_INVISIBLE_TAGS)
    body = tree.body
    text = body.text(deep=True, separator=" ", strip=True) if body else ""
    return Document(
        url=url,
        kind=DocumentKind.HTML,
        title=title,
        text=text,
        headings=tuple(h for h in headings if h),
        links=tuple(links),
        cues=frozenset(cues),
        frames=tuple(frames),
        item_rows=item_rows,
    )
