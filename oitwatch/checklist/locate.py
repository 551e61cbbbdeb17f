"""Where each item's evidence is: links declared on the site's ITA page, or candidates found by
the checklist's synonyms in anchor texts, titles and headings. Pure functions over a crawl."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from urllib.parse import parse_qs, unquote, urlsplit

from oitwatch.checklist.model import Checklist, Item
from oitwatch.documents.item_table import rows_for_year
from oitwatch.documents.model import Document, DocumentKind, ItemRow
from oitwatch.documents.resource import Resource
from oitwatch.text.thai import compact_label, normalise
from oitwatch.text.urls import normalise_url

THIN_PAGE_CHARS = 300
# A per-item detail page: a title and one to five links (vendor templates), inside the
# template's chrome. A page with more words of its own than this (outside its links) is
# evidence in its own right (executives, contact, news) and is judged as a page.
DETAIL_PAGE_OWN_CHARS = 800
MAX_DETAIL_FILES = 5
_YEAR = re.compile(r"(?<!\d)(25[6-9]\d)(?!\d)")
# Anchor texts of a detail page's links to the evidence: "ลิงค์", "เปิด", "ดาวน์โหลด", the URL.
_OPEN_WORDS = re.compile(
    r"^(?:\d{1,2}\s*[.)]\s*)?(?:ลิงค์|ลิงก์|ลิ้งค์|link|เปิด(?![ก-๙])|ดาวน์โหลด|download|คลิก|click|https?://|www\.)",
    re.IGNORECASE,
)
_LEADING_LABEL = re.compile(r"^\s*(?:ข้อ\s*(?:ที่)?\s*)?(?:oit|o)?\s*[-.]?\s*\d{1,2}\s*[.)]?\s*", re.I)
DOCUMENT_EXTENSIONS = (".pdf", ".docx", ".xlsx", ".csv", ".doc", ".xls")
# Hosts where agencies park files instead of their main website.
FILE_HOSTS = (
    "drive.google.com",
    "docs.google.com",
    "facebook.com",
    "fb.com",
    "onedrive.live.com",
    "1drv.ms",
    "dropbox.com",
    "sites.google.com",
    "anyflip.com",
    "fliphtml5.com",
)


@dataclass(frozen=True)
class DeclaredLink:
    """A link the agency declared for an item, and where it was declared: the evidence an
    assessor opens. ``source`` is ``ita_row`` (a row of the site's ITA page) or
    ``declared_file`` (--declared / the registry's CSV)."""

    url: str
    source: str = "ita_row"
    row_label: str = ""  # the row's label as printed ("O7 แผนดำเนินงาน...")
    page: str = ""  # the ITA (or detail) page the row is on; the CSV's path for declared_file
    # One of the files a per-item detail page (``page``) holds: judged together with the
    # others of that page, as the one piece of evidence the assessor opens.
    from_detail_page: bool = False


Declared = dict[str, list[DeclaredLink]]


@dataclass(frozen=True)
class Candidate:
    url: str
    # Length of the synonym matched (longer is more specific), plus FIRST_NAMED_BONUS when
    # it is the first thing its label names (what the page is about).
    strength: int
    on_site: bool


def declared_from_ita_pages(
    resources: Iterable[Resource],
    checklist: Checklist,
    anchors: Mapping[str, Mapping[str, str]] | None = None,
) -> Declared:
    """Item id -> links declared for the checklist's fiscal year on any ITA page of the site.

    A row's year is its section's on the page or, when the page prints none, the year of the
    link that led to the page ("ITA ประจำปี 2568" -> .../ita_year_detail/7). A row that links to
    a per-item detail page declares the files that detail page links to, never the detail
    page's own text. Rows numbered with the list's own numbers, and pages of another form
    (MOIT, school ITA) whose numbers disagree with what their titles say, are mapped by meaning."""
    by_url: dict[str, Resource] = {}
    for resource in resources:
        by_url.setdefault(resource.url, resource)
        if resource.final_url:
            by_url.setdefault(resource.final_url, resource)
    declared: Declared = {}
    seen_pages: set[int] = set()
    site_files = _site_template_files(by_url)
    for resource in list(by_url.values()):
        document = resource.document
        if document is None or not document.item_rows or id(document) in seen_pages:
            continue
        seen_pages.add(id(document))
        page = resource.final_url or resource.url
        rows = _with_link_year(document.item_rows, _anchor_year(anchors, resource))
        chosen = rows_for_year(rows, checklist.fiscal_year, document.periods.years)
        trust_numbers = _numbers_agree(chosen, checklist)
        shared = _template_files(chosen, by_url) | site_files
        for row in chosen:
            item_id = _row_item(row, checklist, trust_numbers)
            if item_id is None:
                continue
            links_for_item = declared.setdefault(item_id, [])
            known = {d.url for d in links_for_item}
            label = row.label or item_id
            for link in row.links:
                for found in _row_evidence(link.url, label, page, by_url, shared):
                    if found.url not in known:
                        known.add(found.url)
                        links_for_item.append(found)
            if not links_for_item:
                del declared[item_id]
    return declared


def companions(declared: Iterable[DeclaredLink]) -> dict[str, tuple[str, ...]]:
    """For each file of a detail page, the other files of that page (judged together)."""
    groups: dict[str, list[str]] = {}
    for link in declared:
        if link.from_detail_page:
            groups.setdefault(link.page, []).append(link.url)
    return {
        url: tuple(u for u in urls if u != url)
        for urls in groups.values()
        if len(urls) > 1
        for url in urls
    }


def _anchor_year(anchors: Mapping[str, Mapping[str, str]] | None, resource: Resource) -> int | None:
    """The one year the links to a page name, if they agree ("ITA ประจำปี 2568")."""
    if anchors is None:
        return None
    years: set[int] = set()
    for url in {resource.url, resource.final_url}:
        for text in anchors.get(url, {}):
            years.update(int(y) for y in _YEAR.findall(normalise(text)))
    return years.pop() if len(years) == 1 else None


def _with_link_year(rows: tuple[ItemRow, ...], year: int | None) -> tuple[ItemRow, ...]:
    if year is None or all(row.year is not None for row in rows):
        return rows
    return tuple(row if row.year is not None else replace(row, year=year) for row in rows)


def _title_items(title: str, checklist: Checklist) -> set[str]:
    """The items a row's title names most specifically (none when it names none)."""
    label = compact_label(_LEADING_LABEL.sub("", normalise(title)))
    scores = _scores({i.id: _synonyms(i) for i in checklist.items}, [label] if label else [])
    best = max(scores.values(), default=0)
    return {item_id for item_id, score in scores.items() if best and score == best}


def _numbers_agree(rows: list[ItemRow], checklist: Checklist) -> bool:
    """Does this page number its rows as the checklist does? A page of another form (MOIT,
    a school ITA) uses the same O-numbers for other things: its titles disagree."""
    agree = disagree = 0
    for row in rows:
        if not row.by_number or not 1 <= row.number <= len(checklist.items):
            continue
        named = _title_items(row.label, checklist)
        if not named:
            continue
        if f"O{row.number}" in named:
            agree += 1
        else:
            disagree += 1
    return agree >= disagree


def _row_item(row: ItemRow, checklist: Checklist, trust_numbers: bool) -> str | None:
    if row.by_number and trust_numbers:
        return f"O{row.number}" if 1 <= row.number <= len(checklist.items) else None
    named = _title_items(row.label, checklist)
    return named.pop() if len(named) == 1 else None


def _template_files(rows: list[ItemRow], by_url: Mapping[str, Resource]) -> frozenset[str]:
    """Files that most detail pages of one ITA page link to: a widget of the template
    ("downloads" box), not any item's evidence."""
    pages = {id(r): r for row in rows for link in row.links if (r := by_url.get(link.url))}
    counts: dict[str, int] = {}
    for resource in pages.values():
        for url in set(detail_page_files(resource, limit=None)):
            counts[url] = counts.get(url, 0) + 1
    return frozenset(u for u, n in counts.items() if n >= 3 and n * 2 >= len(pages))


def _site_template_files(by_url: Mapping[str, Resource]) -> frozenset[str]:
    """Links in the content of most of the site's pages (a widget of its template: a downloads
    box, "related agencies"): no item's evidence, whatever they target."""
    documents = _html_documents(by_url)
    counts: dict[str, int] = {}
    for document in documents:
        for url in set(document.content_urls or ()):
            counts[url] = counts.get(url, 0) + 1
    return frozenset(u for u, n in counts.items() if n >= CHROME_PAGES and n * 2 >= len(documents))


def _row_evidence(
    url: str,
    label: str,
    page: str,
    by_url: Mapping[str, Resource],
    shared: frozenset[str] = frozenset(),
) -> list[DeclaredLink]:
    """What a row's link declares: the files of a per-item detail page, or the link itself."""
    detail = by_url.get(url)
    files = (
        detail_page_files(detail, shared, exclude=frozenset({page})) if detail is not None else []
    )
    if files:
        assert detail is not None
        where = detail.final_url or detail.url
        return [DeclaredLink(f, "ita_row", label, where, from_detail_page=True) for f in files]
    return [DeclaredLink(url, "ita_row", label, page)]


def _own_text_length(document: Document) -> int:
    """How much a page says beyond the texts of its links."""
    return len(document.text) - sum(len(link.text) + 1 for link in document.links)


_NAVIGATION_WORDS = re.compile(
    r"^(?:ย้อนกลับ|กลับ|หน้าแรก|หน้าหลัก|ก่อนหน้า|ถัดไป|back|home|previous|next)", re.IGNORECASE
)


def _names_a_target(text: str, url: str, here: str) -> bool:
    """A link of a bare detail page that names what it opens, not "back"/"home" or the site root."""
    words = normalise(text).strip()
    if not words or _NAVIGATION_WORDS.match(words):
        return False
    target = urlsplit(url)
    return not (target.netloc == urlsplit(here).netloc and target.path in ("", "/"))


# How a per-item detail page says what it is: the item's label in its title or headings
# ("o1 โครงสร้าง", "OIT 5", "ข้อ 5"), or an ITA path. An ordinary page a row links to (an
# e-service page offering forms) is the evidence itself, however short.
_ITEM_LABEL = re.compile(r"(?<![a-z])(?:oit|o)\s*-?\s*0?\d{1,2}(?!\d)|ข้อ\s*(?:ที่)?\s*\d", re.I)
_ITA_PATH = re.compile(r"(?<![a-z])(?:ita|oit)(?![a-z])|detail", re.I)  # not "capital"


def _about_an_item(document: Document, url: str) -> bool:
    heads = normalise(" ".join((document.title, *document.headings)))
    return bool(_ITEM_LABEL.search(heads) or _ITA_PATH.search(urlsplit(url).path))


def detail_page_files(
    resource: Resource,
    shared: frozenset[str] = frozenset(),
    limit: int | None = MAX_DETAIL_FILES,
    exclude: frozenset[str] = frozenset(),
) -> list[str]:
    """The files a per-item detail page holds (vendor templates: 1-5 links, "ลิงค์", "เปิด"),
    or [] when the page is evidence in its own right (an HTML page of executives, news...).
    A link whose text says "open"/"download" or is the URL itself counts whatever it targets."""
    document = resource.document
    if (
        document is None
        or not resource.ok
        or document.kind is not DocumentKind.HTML
        or document.item_rows
    ):
        return []
    here = resource.final_url or resource.url
    own_text = _own_text_length(document)
    if own_text > DETAIL_PAGE_OWN_CHARS or not _about_an_item(document, here):
        return []
    # A detail page that says nothing but its title (vendor templates: "o1 โครงสร้าง ปี 2568"
    # and a list of links) points to its evidence whatever the link targets: a file, a page of
    # the site (the structure page, a news post) or a post elsewhere (Facebook).
    bare = own_text < THIN_PAGE_CHARS and document.content_urls is not None
    files: list[str] = []
    for link in document.links:
        if document.content_urls is not None and link.url not in document.content_urls:
            continue  # menus and footers link to other items' pages
        if link.url == here or link.url in shared or link.url in exclude:
            continue
        path = urlsplit(link.url).path.lower()
        if (
            path.endswith(DOCUMENT_EXTENSIONS)
            or is_file_host(link.url)
            or viewer_target(link.url) is not None
            or _OPEN_WORDS.match(normalise(link.text))
            or (bare and _names_a_target(link.text, link.url, here))
        ):
            files.append(link.url)
    for frame in document.frames:
        inner = viewer_target(frame) or frame
        if urlsplit(inner).path.lower().endswith(DOCUMENT_EXTENSIONS) or is_file_host(inner):
            files.append(inner)
    unique = [u for u in dict.fromkeys(files) if u not in shared]
    return unique if unique and (limit is None or len(unique) <= limit) else []


def _best_synonym(item: Item, text: str) -> int:
    return max((len(s) for s in _synonyms(item) if s and s in text), default=0)


def _synonyms(item: Item) -> tuple[str, ...]:
    return tuple(compact_label(s) for s in (item.heading_th, *item.synonyms))


def _document_labels(document: Document, chrome: Chrome | None = None) -> list[str]:
    """Where a document says what it is: title and headings; a file's opening lines too.
    Titles and headings the site repeats on many pages (``chrome``: sidebar boxes, the site's
    name) say nothing about this page."""
    titles, headings = chrome if chrome is not None else (frozenset(), frozenset())
    labels = [t for t in (compact_label(document.title),) if t and t not in titles]
    own = [h for h in map(compact_label, document.headings) if h and h not in headings]
    labels.extend(own[:LABEL_HEADINGS])
    if document.kind is not DocumentKind.HTML:
        labels.append(document.compact_text[:300])
    return labels


def _labels(
    anchor_texts: Iterable[str], resource: Resource | None, chrome: Chrome | None = None
) -> list[str]:
    """What says what a URL is: its anchor texts and, if fetched, its title and headings."""
    labels = [compact_label(text) for text in anchor_texts if text]
    if resource is not None and resource.document is not None:
        labels.extend(_document_labels(resource.document, chrome))
    return labels


# What a label names first is what it is about: "รายงานผล...ตามแผนพัฒนา" is a report,
# "จัดประชุมประชาคม...เพื่อจัดทำแผนพัฒนา" a participation activity, not the plan.
FIRST_NAMED_BONUS = 100


def _label_scores(
    synonyms: Mapping[str, tuple[str, ...]], label: str
) -> tuple[tuple[str, int], ...]:
    """(item, score) for each item one label names: a pure function of the label."""
    found: dict[str, tuple[int, int]] = {}  # item -> (position, length) of its best match
    for item_id, words in synonyms.items():
        for word in words:
            at = label.find(word) if word else -1
            if at >= 0:
                best = found.get(item_id)
                if best is None or (at, -len(word)) < (best[0], -best[1]):
                    found[item_id] = (at, len(word))
    if not found:
        return ()
    first = min(at for at, _ in found.values())
    return tuple(
        (item_id, length + (FIRST_NAMED_BONUS if at == first else 0))
        for item_id, (at, length) in found.items()
    )


# Menus print the same labels on every page of a site, and agencies' templates on many
# sites: each label is scanned for every synonym once per run, not once per URL.
_LABEL_MEMO: dict[tuple[int, str], tuple[tuple[str, int], ...]] = {}
_LABEL_MEMO_SIZE = 50_000
_SYNONYM_SETS: dict[tuple[tuple[str, tuple[str, ...]], ...], int] = {}


def _scores(synonyms: Mapping[str, tuple[str, ...]], labels: list[str]) -> dict[str, int]:
    scores = dict.fromkeys(synonyms, 0)
    key = tuple(synonyms.items())
    token = _SYNONYM_SETS.setdefault(key, len(_SYNONYM_SETS))
    for label in labels:
        memo_key = (token, label)
        matched = _LABEL_MEMO.get(memo_key)
        if matched is None:
            matched = _label_scores(synonyms, label)
            if len(_LABEL_MEMO) >= _LABEL_MEMO_SIZE:
                _LABEL_MEMO.clear()  # bounded: a long run's odd labels are not kept forever
            _LABEL_MEMO[memo_key] = matched
        for item_id, score in matched:
            if score > scores[item_id]:
                scores[item_id] = score
    return scores


def classify(document: Document, checklist: Checklist) -> list[str]:
    """The item(s) a document most specifically presents itself as, by meaning, not number."""
    scores = _scores({i.id: _synonyms(i) for i in checklist.items}, _document_labels(document))
    best = max(scores.values())
    return [item_id for item_id, score in scores.items() if best and score == best]


Chrome = tuple[frozenset[str], frozenset[str]]  # titles, headings


def _file_name(url: str) -> str:
    """A document's file name says what it is too ("แผนพัฒนาท้องถิ่น_2568.pdf")."""
    last = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
    if not last.lower().endswith(DOCUMENT_EXTENSIONS):
        return ""
    return compact_label(last.rsplit(".", 1)[0].replace("_", " ").replace("-", " "))


def _chrome_labels(resources: Mapping[str, Resource]) -> Chrome:
    """Titles and headings printed on many pages of the site: its template, not its content."""
    titles: dict[str, int] = {}
    headings: dict[str, int] = {}
    for document in _html_documents(resources):
        title = compact_label(document.title)
        titles[title] = titles.get(title, 0) + 1
        for text in {compact_label(h) for h in document.headings}:
            headings[text] = headings.get(text, 0) + 1
    return (
        frozenset(t for t, n in titles.items() if n >= CHROME_PAGES),
        frozenset(h for h, n in headings.items() if n >= CHROME_PAGES),
    )


def _html_documents(resources: Mapping[str, Resource]) -> list[Document]:
    seen: dict[int, Document] = {}
    for resource in resources.values():
        document = resource.document
        if document is not None and document.kind is DocumentKind.HTML:
            seen.setdefault(id(document), document)
    return list(seen.values())


CHROME_PAGES = 3
LABEL_HEADINGS = 3  # a page says what it is in its title and first headings, not in a list


def _year_rank(labels: list[str], item: Item, fiscal_year: int) -> int:
    """Between equally specific candidates the assessed year's wins: 0 for the fiscal year
    (or a range covering it), 1 for another year the item accepts, 2 for no year, 3 for
    other years only."""
    years = {int(y) for label in labels for y in _YEAR.findall(label)}
    if not years:
        return 2
    if fiscal_year in years or (len(years) >= 2 and min(years) <= fiscal_year <= max(years)):
        return 0
    if years & item.period.accepted_years(fiscal_year):
        return 1
    return 3


class CandidateIndex:
    """For every URL seen, the item(s) it most specifically looks like."""

    def __init__(
        self,
        checklist: Checklist,
        resources: Mapping[str, Resource],
        anchors: Mapping[str, Mapping[str, str]],
        is_main_site: Callable[[str], bool],
    ) -> None:
        self._by_item: dict[str, list[Candidate]] = {item.id: [] for item in checklist.items}
        synonyms = {item.id: _synonyms(item) for item in checklist.items}
        chrome = _chrome_labels(resources)
        ranks: dict[tuple[str, str], int] = {}
        for url in set(resources) | set(anchors):
            texts = anchors.get(url, {})
            labels = list(dict.fromkeys(_labels(texts, resources.get(url), chrome)))
            name = _file_name(url)
            if name:
                labels.append(name)
            if not labels:
                continue
            scores = _scores(synonyms, labels)
            best = max(scores.values())
            if best == 0:
                continue
            for item_id, score in scores.items():
                # A URL counts only for the item(s) it matches most specifically: a report on
                # the plan mentions the plan, but it is the report.
                if score == best:
                    self._by_item[item_id].append(Candidate(url, score, is_main_site(url)))
                    item = checklist.item(item_id)
                    ranks[(item_id, url)] = _year_rank(labels, item, checklist.fiscal_year)
        for item_id, candidates in self._by_item.items():
            candidates.sort(
                key=lambda c: (
                    -c.strength,
                    ranks.get((item_id, c.url), 2),
                    not c.on_site,
                    len(c.url),
                    c.url,
                )
            )

    def candidates(self, item_id: str) -> list[Candidate]:
        return self._by_item.get(item_id, [])


def linked_documents(
    resource: Resource, on_site: Callable[[str], bool], limit: int = 8
) -> list[str]:
    """On-site files a page links to or embeds: what an assessor opens from that page."""
    document = resource.document
    if document is None or document.kind is not DocumentKind.HTML:
        return []
    targets: list[str] = []
    for frame in document.frames:
        inner = viewer_target(frame)
        if inner is not None and on_site(inner):
            targets.append(inner)
        elif on_site(frame) and frame.lower().endswith(DOCUMENT_EXTENSIONS):
            targets.append(frame)
    for link in document.links:
        if document.content_urls is not None and link.url not in document.content_urls:
            continue  # a menu's link to another item's file is not this page's evidence
        path = urlsplit(link.url).path.lower()
        if on_site(link.url) and path.endswith(DOCUMENT_EXTENSIONS):
            targets.append(link.url)
    if len(document.text) < THIN_PAGE_CHARS:
        # A page that is little more than a picture: the picture is the announcement.
        targets.extend(u for u in document.images[:3] if on_site(u))
    unique = list(dict.fromkeys(t for t in targets if t != resource.url))
    return unique[:limit]


def off_site_evidence(item: Item, resource: Resource, on_site: Callable[[str], bool]) -> list[str]:
    """Links from a page to files kept off the main website: on file-parking hosts (Google
    Drive, Facebook...), to document files, or labelled with the item's name."""
    document = resource.document
    if document is None:
        return []
    found: list[str] = []
    for link in document.links:
        url = link.url
        if on_site(url) or viewer_target(url) is not None:
            continue
        if (
            is_file_host(url)
            or urlsplit(url).path.lower().endswith(DOCUMENT_EXTENSIONS)
            or _best_synonym(item, compact_label(link.text)) > 0
        ):
            found.append(url)
    found.extend(f for f in document.frames if not on_site(f) and viewer_target(f) is None)
    return list(dict.fromkeys(found))


def is_file_host(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return any(host == h or host.endswith("." + h) for h in FILE_HOSTS)


def viewer_target(url: str) -> str | None:
    """The file behind an external viewer (docs.google.com/viewer?url=...), if there is one."""
    query = parse_qs(urlsplit(url).query)
    for key in ("url", "file", "src"):
        for value in query.get(key, []):
            target = normalise_url(value)
            if target is not None:
                return target
    return None
