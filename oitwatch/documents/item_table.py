"""Rows of a site's ITA/OIT page: what the agency declared for each item, with its links.

Real pages print the rows in many ways: "ข้อ | URL | คำอธิบาย" tables (several years as separate
tables under year headings, as section rows inside one table, or as one column per year), and
the layouts of vendor CMS templates, where a bare inline element holds the label and title
("O1 โครงสร้าง...") and a *separate* block after it holds the word "ลิงค์", the URL as text and
an anchor ("เปิด", "ดาวน์โหลด"), or where each list entry's title is the label and links to a
detail page. Outside tables a row therefore runs from one label to the next, whatever the
elements in between, and links belong to the label before them.

Labels vary (o1, O1, O01, ๐๑, OIT 5, ข้อ 1, ข้อ 5.); lists numbered with their own numbers
("2. ผู้บริหาร", "17. E-Service") are read too, but their numbers are not item numbers: such rows
say ``by_number=False`` and are mapped by meaning (checklist/locate.py). Topic lines
("ตัวชี้วัดย่อยที่ 9.1 ข้อมูลพื้นฐาน") are not items, and other forms' codes (MOIT 5) are not labels.

The year of a row is, in order: the year of its section (a heading or a short year line before
it), the page's breadcrumb, the page's title. On pages that list several years' entries side by
side without headings ("O1 ... 2568", "O1 ... 2567"), each entry's own title gives its year.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from selectolax.lexbor import LexborHTMLParser, LexborNode

from oitwatch.documents.model import ItemRow, Link
from oitwatch.text.thai import normalise
from oitwatch.text.urls import resolve

# The NACC form's labels: O1, o 01, O-1, OIT 5, ๐๑, ข้อ 1, ข้อที่ 1, ข้อ 5. (after normalise).
_LABEL = re.compile(
    r"^\s*(?:ข้อ\s*(?:ที่)?\s*)?(?:oit\s*-?\s*|o\s*[-.]?\s*)0*(\d{1,2})(?!\d)(?![.]\d)"
    r"|^\s*ข้อ\s*(?:ที่)?\s*0*(\d{1,2})(?!\d)(?![.]\d)"
    r"|^\s*0(\d{1,2})(?!\d)(?![.]\d)",
    re.IGNORECASE,
)
_FORM_LABEL = re.compile(r"^\s*(?:ข้อ\s*(?:ที่)?\s*)?(?:oit|o)\s*[-.]?\s*\d", re.IGNORECASE)
# A list's own numbering: "2. ผู้บริหาร", "17) E-Service"; never "9.2 การบริหารงาน".
_OWN_NUMBER = re.compile(r"^\s*(\d{1,2})(?!\d)\s*[.)](?!\d)\s*(\S.*)$", re.DOTALL)
_BARE_NUMBER = re.compile(r"^\s*(\d{1,2})\s*\.?\s*$")
# Link lines of a row, not rows: "1. ลิงค์ - https://...", "2. ดาวน์โหลด".
_LINK_WORDS = re.compile(r"^(?:ลิงค์|ลิงก์|ลิ้งค์|link|url|เปิด|ดาวน์โหลด|download|คลิก|https?:|www\.)", re.I)
_YEAR = re.compile(r"(?<!\d)(25[6-9]\d)(?!\d)")
_YEAR_RANGE = re.compile(r"(?<!\d)25[5-9]\d\s*[-–—ถึง]+\s*(?:25)?\d\d(?!\d)")
# A short line that announces a section's year: "ปีงบประมาณ 2568", "ITA ประจำปี 2568", "ปี 2567".
_YEAR_LINE = re.compile(
    r"^(?:.{0,30}(?:ปีงบประมาณ|ประจำปี|ITA|OIT|การประเมิน)[^\d]{0,30}|ปี\s*(?:พ\.ศ\.)?\s*)"
    r"(25[6-9]\d)\s*$",
    re.IGNORECASE,
)
_TOPIC = re.compile(r"^\s*ตัวชี้วัด")
_URL_TEXT = re.compile(r"(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)
# Pages whose own numbering may be read: ITA pages only, never an ordinary numbered list.
_ITA_CONTEXT = re.compile(
    r"(?<![A-Za-z])(?:ITA|OIT)(?![A-Za-z])|คุณธรรมและความโปร่งใส|เปิดเผยข้อมูลสาธารณะ"
)
# Labels start an element's text: anchoring on ">" lets the regex engine skip ahead fast.
_HINT = re.compile(r">\s*(?:(?:OIT|[oO])\s*-?\s*0?\d{1,2}|ข้อ\s*[\d๐-๙]|[๐0][๐-๙0-9])[\s<.]")
_OWN_NUMBER_HINT = re.compile(r">\s*\d{1,2}\s*[.)]\s*[ก-๙A-Za-z]")
_YEAR_TAGS = frozenset(
    {"h1", "h2", "h3", "h4", "h5", "h6", "caption", "legend", "summary", "strong", "b"}
)
# Never rows: invisible parts, and the chrome every page repeats (menus, header, footer).
_SKIP_TAGS = frozenset(
    {"script", "style", "noscript", "template", "svg", "nav", "header", "footer", "aside", "select"}
)
_BREADCRUMBS = "[class*=breadcrumb], [id*=breadcrumb], [aria-label*=breadcrumb], [class*=path]"
MIN_ROWS = 5
MAX_TITLE = 200

_BARE_CELL = re.compile(r"<td[^>]*>\s*\d{1,2}\s*<")
# A column headed "ข้อ" or "ข้อที่" numbers items; "ข้อมูล" (data), "ข้อความ" (message) and every
# other word that starts with the same letters do not: the word ends where no Thai letter follows.
_ITEM_HEADER = re.compile(r"^ข้อ(?:\s*ที่)?(?![ก-๛])")
_ITEM_HEADER_IN_HTML = re.compile(r">[\s\u200b\ufeff]*ข้อ(?:\s*ที่)?(?![ก-๛])")


def might_have_item_table(html: str) -> bool:
    """A cheap look before walking the tree: labels, or numbered cells under a "ข้อ" header,
    or a numbered list on a page that says it is about the ITA."""
    head = html[:400_000]
    if len(_HINT.findall(head)) >= MIN_ROWS:
        return True
    if _ITEM_HEADER_IN_HTML.search(head) and len(_BARE_CELL.findall(head)) >= MIN_ROWS:
        return True
    return len(_OWN_NUMBER_HINT.findall(head)) >= MIN_ROWS and bool(_ITA_CONTEXT.search(head))


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


def _own_number(text: str) -> int | None:
    """The list's own number of an entry ("17. E-Service"), unless the entry is a link line."""
    match = _OWN_NUMBER.match(text)
    if match is None or _LINK_WORDS.match(match.group(2).strip()):
        return None
    return int(match.group(1))


def _years_in(text: str) -> list[int]:
    return [int(y) for y in _YEAR.findall(normalise(text))]


def _title_years(text: str) -> list[int]:
    """Years a row's title names, leaving out ranges ("2566-2570" is a plan's span)."""
    return [int(y) for y in _YEAR.findall(_YEAR_RANGE.sub(" ", normalise(text)))]


def _text_urls(text: str, base: str) -> list[tuple[str, str]]:
    """URLs printed as text, as (printed, resolved); sentence punctuation is not part of them."""
    found = []
    for raw in _URL_TEXT.findall(text):
        raw = raw.rstrip(".,;:")
        if raw.endswith(")") and "(" not in raw:
            raw = raw[:-1]
        url = resolve(base, raw if "://" in raw else "http://" + raw)
        if url is not None:
            found.append((raw, url))
    return found


def _links(node: LexborNode, base: str) -> list[Link]:
    """Anchors, and URLs printed as text ("ลิงค์ https://..."), each once."""
    links = []
    for anchor in node.css("a[href]"):
        url = resolve(base, anchor.attributes.get("href") or "")
        if url is not None:
            links.append(Link(url, anchor.text(deep=True, separator=" ", strip=True)))
    known = {link.url for link in links}
    for raw, url in _text_urls(node.text(deep=True, separator=" "), base):
        if url not in known:
            known.add(url)
            links.append(Link(url, raw))
    return links


def _owning_table(node: LexborNode) -> int | None:
    parent = node.parent
    while parent is not None and parent.tag != "table":
        parent = parent.parent
    return parent.mem_id if parent is not None else None


# A cell holding only a list's own number: "6)", "6.", "6".
_OWN_NUMBER_CELL = re.compile(r"^\s*(\d{1,2})\s*[.)]?\s*$")
# "17) แนวปฏิบัติ...": a closing parenthesis is a list's numbering, never a link line or a
# clause, so it is read on any ITA page (mapped by its title), form labels or not.
_PAREN_NUMBER = re.compile(r"^\s*\d{1,2}\s*\)\s*\S")


def _table_rows(
    table: LexborNode, base: str, context_year: int | None, own_numbers: bool = False
) -> list[ItemRow]:
    rows: list[ItemRow] = []
    year = context_year
    column_years: dict[int, int] = {}
    header_says_item = False
    for tr in table.css("tr"):
        if _owning_table(tr) != table.mem_id:
            continue  # a row of a table nested inside this one (table-layout sites): read on its own
        cells = tr.css("th, td")
        if not cells:
            continue
        texts = [c.text(deep=True, separator=" ", strip=True) for c in cells]
        first = texts[0]
        header_says_item = header_says_item or bool(_ITEM_HEADER.match(normalise(first)))
        number = _label_number(first, allow_bare=header_says_item)
        label = " ".join(texts[:2])[:MAX_TITLE]
        if number is None and len(cells) > 1:
            number = _label_number(texts[1], allow_bare=False)
        by_number = True
        if number is None and own_numbers and len(cells) > 1:
            # An ITA page's table numbered by its own list ("6) | แผนดำเนินงาน... | ดาวน์โหลด"):
            # the row is the item its title names (checklist/locate.py).
            own = _OWN_NUMBER_CELL.match(normalise(first))
            if own is not None:
                number, by_number = int(own.group(1)), False
        if number is None:
            years = [_years_in(t) for t in texts]
            links = _links(tr, base)
            if sum(1 for y in years if y) >= 2:
                # A header row with a year per column: links in column i belong to that year.
                column_years = {i: y[0] for i, y in enumerate(years) if y}
            elif any(years) and not links:
                year = next(y[0] for y in years if y)  # a section row: "ปีงบประมาณ 2568"
            elif links and rows and not column_years and rows[-1].year == year:
                # The label's row, then a row of its links ("ลิงค์ | URL | เปิด"): one item.
                last = rows[-1]
                rows[-1] = ItemRow(last.number, last.year, (*last.links, *links), last.label)
            continue
        if column_years:
            for index, cell in enumerate(cells):
                if index in column_years:
                    rows.append(
                        ItemRow(
                            number, column_years[index], tuple(_links(cell, base)), label, by_number
                        )
                    )
        else:
            rows.append(ItemRow(number, year, tuple(_links(tr, base)), label, by_number))
    return rows


@dataclass
class _FlowRow:
    """A row outside tables while it is being read: label, then whatever follows it."""

    number: int
    by_number: bool
    section_year: int | None
    title: str
    links: list[tuple[Link, list[int]]] = field(default_factory=list)  # link, its ancestors

    def add_title(self, text: str) -> None:
        """The rest of the label's title, up to the first link ("ลิงค์" is no title)."""
        if not self.links and len(self.title) < MAX_TITLE and not _LINK_WORDS.match(text):
            self.title = f"{self.title} {text}"[:MAX_TITLE]


@dataclass
class _Flow:
    """State of one walk over a page outside its tables."""

    base: str
    self_url: str
    own_numbers: bool  # read "2. ผู้บริหาร" as rows (the page has no form labels)
    ita_context: bool  # the page says it is about the ITA
    year: int | None = None
    rows: list[_FlowRow] = field(default_factory=list)
    table_rows: list[ItemRow] = field(default_factory=list)
    current: _FlowRow | None = None
    label_ancestors: list[list[int]] = field(default_factory=list)

    def start_row(self, text: str, ancestors: list[int]) -> bool:
        clean = normalise(text)
        number = _label_number(clean, allow_bare=False)
        by_number = True
        if number is not None and not self.ita_context and not _FORM_LABEL.match(clean):
            # "ข้อ 1 ระเบียบนี้เรียกว่า...": clauses of a regulation, unless on an ITA page.
            number = None
        if number is None and (
            self.own_numbers or (self.ita_context and _PAREN_NUMBER.match(clean))
        ):
            number = _own_number(clean)
            by_number = False
        if number is None:
            return False
        self.current = _FlowRow(number, by_number, self.year, clean[:MAX_TITLE])
        self.rows.append(self.current)
        self.label_ancestors.append(ancestors)
        return True

    def add_link(self, link: Link, ancestors: list[int]) -> None:
        current = self.current
        if (
            current is not None
            and link.url != self.self_url
            and all(known.url != link.url for known, _ in current.links)
        ):
            current.links.append((link, ancestors))

    def end_row(self) -> None:
        self.current = None

    def section_year(self, year: int) -> bool:
        """A year line starts a new section, unless it is part of the title of the row being
        read ("O1 ... <b>2568</b>" before any link)."""
        if self.current is not None and not self.current.links:
            return False
        self.year = year
        self.end_row()
        return True


def _walk(root: LexborNode, flow: _Flow) -> None:
    """Pre-order walk (iterative: real pages nest deep) that reads rows in document order."""
    stack: list[tuple[LexborNode, list[int]]] = [(root, [])]
    while stack:
        node, ancestors = stack.pop()
        tag = node.tag
        if tag == "-text":
            _text(node.text_content or "", node, ancestors, flow)
            continue
        if tag in _SKIP_TAGS or tag is None or tag.startswith("-"):
            continue
        if tag == "table":
            rows = _table_rows(node, flow.base, flow.year, flow.ita_context)
            if rows:
                flow.end_row()
                flow.table_rows.extend(rows)
                continue
        elif tag == "a":
            _anchor(node, ancestors, flow)
            continue
        elif tag == "br":
            continue
        elif tag in _YEAR_TAGS:
            text = node.text(deep=True, separator=" ", strip=True)
            found = _years_in(text)
            if found and len(text) < 150 and not _starts_row(text, flow):
                flow.section_year(found[0])
        inner = [*ancestors, node.mem_id]
        children = list(node.iter(include_text=True))
        stack.extend((child, inner) for child in reversed(children))


def _starts_row(text: str, flow: _Flow) -> bool:
    clean = normalise(text)
    return _label_number(clean, allow_bare=False) is not None or (
        flow.own_numbers and _own_number(clean) is not None
    )


def _anchor(node: LexborNode, ancestors: list[int], flow: _Flow) -> None:
    url = resolve(flow.base, node.attributes.get("href") or "")
    text = node.text(deep=True, separator=" ", strip=True)
    if url is None:
        # A label that links nowhere ("#"): still the start of a row.
        if text:
            _text(text, node, ancestors, flow)
        return
    # A list entry whose title is the label starts a row and is its first link (to the
    # item's page, or to a per-item detail page); any other link belongs to the open row.
    if text:
        flow.start_row(text, ancestors)
    flow.add_link(Link(url, text), [*ancestors, node.mem_id])


def _text(raw: str, node: LexborNode, ancestors: list[int], flow: _Flow) -> None:
    text = " ".join(raw.split())
    if not text:
        return
    if flow.start_row(text, ancestors):
        return
    if _TOPIC.match(text):
        flow.end_row()  # "ตัวชี้วัดย่อยที่ 9.2 ...": a topic line between rows, not an item
        return
    clean = normalise(text)
    year_line = _YEAR_LINE.match(clean) if len(clean) < 80 else None
    if year_line is not None and flow.section_year(int(year_line.group(1))):
        return
    urls = _URL_TEXT.findall(text)
    if urls and flow.current is not None:
        # "ลิงค์ https://..." printed as text: the URL is the declared link.
        for _, url in _text_urls(text, flow.base):
            flow.add_link(Link(url, text[:100]), [*ancestors, node.mem_id])
        return
    if flow.current is not None:
        flow.current.add_title(text)


def _common_ancestor(chains: list[list[int]]) -> int | None:
    """The innermost element holding every label: the list. Links outside it are the page's."""
    if not chains:
        return None
    common = chains[0]
    for chain in chains[1:]:
        length = 0
        for a, b in zip(common, chain, strict=False):
            if a != b:
                break
            length += 1
        common = common[:length]
    return common[-1] if common else None


def _flow_item_rows(flow: _Flow) -> list[ItemRow]:
    container = _common_ancestor(flow.label_ancestors)
    # Several years' entries side by side without headings: each entry's title gives its year.
    titled: dict[int, set[int]] = defaultdict(set)
    for row in flow.rows:
        years = _title_years(row.title)
        if years:
            titled[row.number].add(max(years))
    repeated = sum(1 for years in titled.values() if len(years) >= 2)
    per_entry_years = repeated >= max(2, len(titled) // 3)
    rows = []
    for row in flow.rows:
        links = tuple(link for link, chain in row.links if container is None or container in chain)
        year = row.section_year
        if per_entry_years:
            years = _title_years(row.title)
            year = max(years) if years else year
        rows.append(ItemRow(row.number, year, links, row.title, row.by_number))
    return rows


def _page_year(tree: LexborHTMLParser) -> int | None:
    """The year a page as a whole is about, from its breadcrumb or else its title."""
    for crumb in tree.css(_BREADCRUMBS):
        text = crumb.text(deep=True, separator=" ", strip=True)
        if len(text) < 200:
            years = set(_title_years(text))
            if len(years) == 1:
                return years.pop()
    title = tree.css_first("title")
    if title is not None:
        years = set(_title_years(title.text(strip=True)))
        if len(years) == 1:
            return years.pop()
    return None


def _has_form_labels(root: LexborNode) -> bool:
    count = 0
    for node in root.traverse(include_text=True):
        if node.tag == "-text" and _LABEL.match(normalise(node.text_content or "")):
            count += 1
            if count >= 2:
                return True
    return False


def extract_item_rows(tree: LexborHTMLParser, base: str) -> tuple[ItemRow, ...]:
    """Labelled rows in document order, each with the fiscal year of the section it sits in."""
    root = tree.body
    if root is None:
        return ()
    title = tree.css_first("title")
    # What the page says it is: its title, headings and breadcrumb, never a menu that links
    # to the ITA page from every page of the site.
    heads = tree.css(f"h1, h2, h3, [class*=head], [class*=title], {_BREADCRUMBS}")[:60]
    texts = (h.text(deep=True, separator=" ", strip=True) for h in heads)
    context = " ".join([title.text() if title else "", *(t for t in texts if len(t) < 100)])
    ita_context = bool(_ITA_CONTEXT.search(context))
    flow = _Flow(base, base, ita_context and not _has_form_labels(root), ita_context)
    _walk(root, flow)
    rows = [*flow.table_rows, *_flow_item_rows(flow)]
    if len(rows) < MIN_ROWS:
        return ()
    page_year = _page_year(tree)
    if page_year is not None:
        rows = [
            row
            if row.year is not None
            else ItemRow(row.number, page_year, row.links, row.label, row.by_number)
            for row in rows
        ]
    return tuple(rows)


def rows_for_year(
    rows: tuple[ItemRow, ...], fiscal_year: int, page_years: frozenset[int]
) -> list[ItemRow]:
    """The rows that declare the fiscal year's evidence. Rows with no year count when the
    page names no other year."""
    chosen = [r for r in rows if r.year == fiscal_year]
    if not chosen and (not page_years or fiscal_year in page_years):
        chosen = [r for r in rows if r.year is None]
    return chosen


def declared_links(
    rows: tuple[ItemRow, ...], fiscal_year: int, page_years: frozenset[int]
) -> dict[int, tuple[Link, ...]]:
    """Links per item number for the fiscal year. An item whose rows have no link declares
    nothing and is left out. Rows numbered by the list's own numbers are left out: only the
    checklist can tell which item they are (checklist/locate.py)."""
    result: dict[int, list[Link]] = {}
    for row in rows_for_year(rows, fiscal_year, page_years):
        if row.links and row.by_number:
            result.setdefault(row.number, []).extend(row.links)
    return {number: tuple(links) for number, links in result.items()}
