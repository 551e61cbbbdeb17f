"""Rows of a site's ITA/OIT page: "ข้อ | URL | คำอธิบาย" tables that mirror what the agency declared.

Labels vary (o1, O1, O01, ๐๑, ข้อ 1); several years often share one page, as separate tables
under year headings, as section rows inside one table, or as one column per year.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

from oitwatch.crawler.urls import resolve
from oitwatch.documents.model import ItemRow, Link
from oitwatch.text.thai import normalise

_LABEL = re.compile(
    r"^\s*(?:ข้อ\s*(?:ที่)?\s*)?[oO]\s*-?\s*0*(\d{1,2})(?!\d)|^\s*ข้อ\s*(?:ที่)?\s*0*(\d{1,2})(?!\d)|^\s*0(\d{1,2})(?!\d)"
)
_BARE_NUMBER = re.compile(r"^\s*(\d{1,2})\s*\.?\s*$")
_YEAR = re.compile(r"(?<!\d)(25[6-9]\d)(?!\d)")
# Labels start an element's text: anchoring on ">" lets the regex engine skip ahead fast.
_HINT = re.compile(r">\s*(?:[oO]\s*0?\d{1,2}|ข้อ\s*[\d๐-๙]|[๐0][๐-๙0-9])[\s<.]")
_YEAR_TAGS = frozenset(
    {"h1", "h2", "h3", "h4", "h5", "h6", "caption", "legend", "summary", "strong", "b"}
)
MIN_ROWS = 5


_BARE_CELL = re.compile(r"<td[^>]*>\s*\d{1,2}\s*<")


def might_have_item_table(html: str) -> bool:
    """A cheap look before walking the tree: labels, or numbered cells under a "ข้อ" header."""
    head = html[:400_000]
    if len(_HINT.findall(head)) >= MIN_ROWS:
        return True
    return "ข้อ" in head and len(_BARE_CELL.findall(head)) >= MIN_ROWS


def _label_number(text: str, allow_bare: bool) -> int | None:
    text = normalise(text)
    match = _LABEL.match(text)
    if match:
        return int(next(g for g in match.groups() if g))
    if allow_bare:
        bare = _BARE_NUMBER.match(text)
        if bare:
            return int(bare.group(1))
    return None


def _years_in(text: str) -> list[int]:
    return [int(y) for y in _YEAR.findall(normalise(text))]


def _links(node: LexborNode, base: str) -> list[Link]:
    links = []
    for anchor in node.css("a[href]"):
        url = resolve(base, anchor.attributes.get("href") or "")
        if url is not None:
            links.append(Link(url, anchor.text(deep=True, separator=" ", strip=True)))
    return links


def _table_rows(table: LexborNode, base: str, context_year: int | None) -> list[ItemRow]:
    rows: list[ItemRow] = []
    year = context_year
    column_years: dict[int, int] = {}
    header_says_item = False
    for tr in table.css("tr"):
        cells = tr.css("th, td")
        if not cells:
            continue
        texts = [c.text(deep=True, separator=" ", strip=True) for c in cells]
        first = texts[0]
        header_says_item = header_says_item or any(normalise(t).startswith("ข้อ") for t in texts[:1])
        number = _label_number(first, allow_bare=header_says_item)
        if number is None and len(cells) > 1:
            number = _label_number(texts[1], allow_bare=False)
        if number is None:
            years = [_years_in(t) for t in texts]
            if sum(1 for y in years if y) >= 2:
                # A header row with a year per column: links in column i belong to that year.
                column_years = {i: y[0] for i, y in enumerate(years) if y}
            elif any(years) and not tr.css_first("a[href]"):
                year = next(y[0] for y in years if y)  # a section row: "ปีงบประมาณ 2568"
            continue
        if column_years:
            for index, cell in enumerate(cells):
                if index in column_years:
                    rows.append(ItemRow(number, column_years[index], tuple(_links(cell, base))))
        else:
            rows.append(ItemRow(number, year, tuple(_links(tr, base))))
    return rows


def extract_item_rows(tree: LexborHTMLParser, base: str) -> tuple[ItemRow, ...]:
    """Labelled rows in document order, each with the fiscal year of the section it sits in."""
    root = tree.body
    if root is None:
        return ()
    rows: list[ItemRow] = []
    year: int | None = None
    inside_table = 0
    for node in root.traverse(include_text=False):
        tag = node.tag
        if tag == "table":
            if node.parent is not None and _inside(node, "table"):
                continue
            caption = node.css_first("caption")
            table_year = year
            if caption is not None:
                caption_years = _years_in(caption.text(deep=True))
                table_year = caption_years[0] if caption_years else year
            rows.extend(_table_rows(node, base, table_year))
            inside_table += 1
        elif tag in _YEAR_TAGS and not _inside(node, "table"):
            found = _years_in(node.text(deep=True))
            if found:
                year = found[0]
        elif tag in ("li", "p") and not _inside(node, "table"):
            text = node.text(deep=True, separator=" ", strip=True)
            number = _label_number(text, allow_bare=False)
            if number is not None:
                rows.append(ItemRow(number, year, tuple(_links(node, base))))
    return tuple(rows) if len(rows) >= MIN_ROWS else ()


def _inside(node: LexborNode, tag: str) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.tag == tag:
            return True
        parent = parent.parent
    return False


def declared_links(
    rows: tuple[ItemRow, ...], fiscal_year: int, page_years: frozenset[int]
) -> dict[int, tuple[Link, ...]]:
    """Links per item number for the fiscal year. Rows with no year count when the page names
    no other year. An item whose rows have no link declares nothing and is left out."""
    chosen = [r for r in rows if r.year == fiscal_year]
    if not chosen and (not page_years or fiscal_year in page_years):
        chosen = [r for r in rows if r.year is None]
    result: dict[int, list[Link]] = {}
    for row in chosen:
        if row.links:
            result.setdefault(row.number, []).extend(row.links)
    return {number: tuple(links) for number, links in result.items()}
