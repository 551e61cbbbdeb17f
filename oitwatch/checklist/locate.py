"""Where each item's evidence is: links declared on the site's ITA page, or candidates found by
the checklist's synonyms in anchor texts, titles and headings. Pure functions over a crawl."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from oitwatch.checklist.model import Checklist, Item
from oitwatch.crawler.site import Resource
from oitwatch.crawler.urls import normalise_url
from oitwatch.documents.item_table import declared_links
from oitwatch.documents.model import Document, DocumentKind
from oitwatch.text.thai import compact_label

THIN_PAGE_CHARS = 300
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


Declared = dict[str, list[DeclaredLink]]


@dataclass(frozen=True)
class Candidate:
    url: str
    strength: int  # length of the longest synonym matched: longer is more specific
    on_site: bool


def declared_from_ita_pages(resources: Iterable[Resource], checklist: Checklist) -> Declared:
    """Item id -> URLs declared for the checklist's fiscal year on any ITA page of the site."""
    declared: Declared = {}
    seen_pages: set[int] = set()
    for resource in resources:
        document = resource.document
        if document is None or not document.item_rows or id(document) in seen_pages:
            continue
        seen_pages.add(id(document))
        links = declared_links(document.item_rows, checklist.fiscal_year, document.periods.years)
        for number, item_links in links.items():
            if 1 <= number <= len(checklist.items):
                links_for_item = declared.setdefault(f"O{number}", [])
                known = {d.url for d in links_for_item}
                for link in item_links:
                    if link.url not in known:
                        known.add(link.url)
                        links_for_item.append(
                            DeclaredLink(
                                link.url,
                                "ita_row",
                                f"O{number}",
                                resource.final_url or resource.url,
                            )
                        )
    return declared


def _best_synonym(item: Item, text: str) -> int:
    return max((len(s) for s in _synonyms(item) if s and s in text), default=0)


def _synonyms(item: Item) -> tuple[str, ...]:
    return tuple(compact_label(s) for s in (item.heading_th, *item.synonyms))


def _document_labels(document: Document) -> list[str]:
    """Where a document says what it is: title and headings; a file's opening lines too."""
    labels = [document.compact_heads]
    if document.kind is not DocumentKind.HTML:
        labels.append(document.compact_text[:300])
    return labels


def _labels(anchor_texts: Iterable[str], resource: Resource | None) -> list[str]:
    """What says what a URL is: its anchor texts and, if fetched, its title and headings."""
    labels = [compact_label(text) for text in anchor_texts if text]
    if resource is not None and resource.document is not None:
        labels.extend(_document_labels(resource.document))
    return labels


def _scores(synonyms: Mapping[str, tuple[str, ...]], labels: list[str]) -> dict[str, int]:
    return {
        item_id: max(
            (len(word) for word in words for label in labels if word and word in label), default=0
        )
        for item_id, words in synonyms.items()
    }


def classify(document: Document, checklist: Checklist) -> list[str]:
    """The item(s) a document most specifically presents itself as, by meaning, not number."""
    scores = _scores({i.id: _synonyms(i) for i in checklist.items}, _document_labels(document))
    best = max(scores.values())
    return [item_id for item_id, score in scores.items() if best and score == best]


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
        for url in set(resources) | set(anchors):
            texts = anchors.get(url, {})
            labels = list(dict.fromkeys(_labels(texts, resources.get(url))))
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
        for candidates in self._by_item.values():
            candidates.sort(key=lambda c: (-c.strength, not c.on_site, len(c.url), c.url))

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
