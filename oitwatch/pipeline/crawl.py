"""Crawl one agency website: breadth-first within a page budget, disclosure-looking links first."""

from __future__ import annotations

import asyncio
import hashlib
import heapq
import itertools
import logging
import re
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import urlsplit

from oitwatch.config.settings import RenderMode
from oitwatch.crawler.fetcher import Fetcher
from oitwatch.crawler.outcomes import FetchResult, Outcome
from oitwatch.crawler.render import Renderer, RenderUnavailable
from oitwatch.documents import Document, DocumentKind, UnreadableDocument, extract_document
from oitwatch.documents import derived as derived_store
from oitwatch.documents.errors import UnreadableReason
from oitwatch.documents.extract import ISOLATED, document_kind
from oitwatch.documents.html import parse_html
from oitwatch.documents.resource import Prior, Resource
from oitwatch.documents.shell import holds_content, needs_rendering
from oitwatch.text.thai import compact, compact_label, thai_digits_to_arabic
from oitwatch.text.urls import (
    host_of,
    is_trap,
    normalise_url,
    path_without_query,
    same_page_key,
    same_site,
)

# Never worth a request: the evidence is never a photo gallery, an archive or a video.
_SKIP_EXTENSIONS = frozenset(
    [
        ".jpg",
        ".jpeg",
        ".png",
        ".gif",
        ".bmp",
        ".webp",
        ".svg",
        ".ico",
        ".zip",
        ".rar",
        ".7z",
        ".gz",
        ".tar",
        ".mp3",
        ".mp4",
        ".avi",
        ".mov",
        ".wmv",
        ".flv",
        ".exe",
        ".apk",
        ".iso",
        ".css",
        ".js",
        ".woff",
        ".woff2",
        ".ttf",
    ]
)
_SOFT_404_WORDS = tuple(
    compact(w)
    for w in (
        "404",
        "ไม่พบหน้า",
        "ไม่พบหน้าที่",
        "ไม่พบข้อมูลที่ท่านต้องการ",
        "page not found",
        "not found",
        "หน้าที่คุณร้องขอไม่มีอยู่",
        "ไม่มีหน้านี้",
    )
)
_SOFT_404_MAX_CHARS = 3000
# Files are fetched when judged; pages an ITA row links to are fetched after the crawl.
_FILE_EXTENSIONS = frozenset([".pdf", ".doc", ".docx", ".xls", ".xlsx", ".csv", ".ppt", ".pptx"])
MAX_ROW_TARGETS = 200
_SITEMAP_LOC = re.compile(rb"<loc>\s*([^<\s]+)\s*</loc>", re.IGNORECASE)
MAX_SITEMAP_URLS = 5000
log = logging.getLogger(__name__)


@dataclass
class CrawlStats:
    pages: int = 0
    failures: int = 0
    queued: int = 0
    rendered: int = 0
    needed_rendering: int = 0  # pages that looked like script shells (rendered or not)
    not_reached: int = 0  # URLs left unfetched because the site's time limit came first


@dataclass
class SiteCrawl:
    """Everything a check learns from crawling a site."""

    start_url: str
    hosts: set[str] = field(default_factory=set)
    resources: dict[str, Resource] = field(default_factory=dict)
    # Every link seen, on-site or not: target -> {anchor text: the first page it was seen on}.
    # Menus repeat the same links on every page, so texts are kept once per target.
    anchors: dict[str, dict[str, str]] = field(default_factory=dict)
    start: Resource | None = None
    stats: CrawlStats = field(default_factory=CrawlStats)
    # The site's time limit ended the crawl (or the judging) before everything was fetched.
    out_of_time: bool = False

    def is_main_site(self, url: str) -> bool:
        return any(same_site(url, host) for host in self.hosts)

    @property
    def reachable(self) -> bool:
        return self.start is not None and self.start.ok

    def documents(self) -> Iterable[Resource]:
        return (r for r in self.resources.values() if r.document is not None)


_YEAR = re.compile(r"(?<!\d)(25[6-9]\d)(?!\d)")


def row_targets(
    document: Document, fiscal_year: int | None = None, page_years: Iterable[str] = ()
) -> list[str]:
    """The URLs the labelled rows of an ITA page declare: for rows of the fiscal year (or
    the years around it) when it is known. A row's year is its own, or else the one the
    links to the page name (``page_years``: their anchor texts)."""
    wanted = None if fiscal_year is None else {fiscal_year - 1, fiscal_year, fiscal_year + 1}
    linked = {int(y) for text in page_years for y in _YEAR.findall(thai_digits_to_arabic(text))}
    page_year = linked.pop() if len(linked) == 1 else None
    urls: dict[str, None] = {}
    for row in document.item_rows:
        year = row.year if row.year is not None else page_year
        if wanted is None or year is None or year in wanted:
            urls.update(dict.fromkeys(link.url for link in row.links))
    return list(urls)


class CrawlMemory(Protocol):
    """The previous check of the same site (storage implements it)."""

    def prior(self, url: str) -> Prior | None: ...

    def derived(self, sha256: str, url: str) -> bytes | None:
        """A reading to reuse instead of parsing (None: parse, e.g. with --full)."""

    def stored(self, sha256: str, url: str) -> bytes | None:
        """A reading stored by this check or an earlier one, whatever the mode."""

    def take(self, url: str) -> FetchResult | None:
        """An answer for the URL already fetched this check (before the crawl), once."""


def _extension(url: str) -> str:
    last = urlsplit(url).path.rsplit("/", 1)[-1].lower()
    return last[last.rfind(".") :] if "." in last else ""


@dataclass(frozen=True)
class NotFoundPrint:
    """What this site answers, with HTTP 200, for a page that does not exist."""

    title: str
    length: int
    head: str = ""  # the opening words of its text (see _text_head)
    # Taken from the rendered page: on a JavaScript-built site every route answers the same
    # shell, so only what the browser shows tells a missing page from a real one.
    rendered: bool = False

    def matches(self, document: Document) -> bool:
        if document.rendered != self.rendered or document.title.strip() != self.title:
            return False
        if _text_head(document) != self.head:
            return False  # same title and size, other words: a short page of the same template
        return abs(len(document.text) - self.length) <= max(50, self.length // 10)


_NOT_THAI = re.compile(r"[^\u0e00-\u0e7f]+")


def _text_head(document: Document) -> str:
    """The first Thai words of a page: a 'not found' page prints the same ones for every URL
    (URLs and numbers it echoes are left out)."""
    return _NOT_THAI.sub("", document.text[:300])[:40]


def _print(document: Document) -> NotFoundPrint | None:
    title = document.title.strip()
    if not title:
        return None
    return NotFoundPrint(title, len(document.text), _text_head(document), document.rendered)


def looks_soft_404(document: Document, fingerprint: NotFoundPrint | None) -> bool:
    if document.kind is not DocumentKind.HTML:
        return False
    if fingerprint is not None and fingerprint.matches(document):
        return True
    if len(document.text) > _SOFT_404_MAX_CHARS:
        return False
    heads = document.compact_heads
    return any(word in heads for word in _SOFT_404_WORDS) or (
        len(document.text) < 600 and any(word in document.compact_text for word in _SOFT_404_WORDS)
    )


def to_resource(
    result: FetchResult,
    depth: int,
    not_found: NotFoundPrint | None,
    memory: CrawlMemory | None = None,
    prior: Prior | None = None,
) -> Resource:
    """The resource for a fetch. With ``memory``, bytes already read by an earlier check
    (a 304 to ``prior``'s validators, or the same content hash) are not parsed again."""
    resource = Resource(
        url=result.url,
        outcome=result.outcome,
        final_url=result.final_url or result.url,
        status=result.status,
        content_type=result.content_type,
        etag=result.etag,
        last_modified=result.last_modified,
        depth=depth,
        error=result.error,
        size=len(result.body),
    )
    if not result.ok:
        return resource
    if result.not_modified and prior is not None:
        resource.sha256, resource.not_modified = prior.sha256, True
        resource.etag = resource.etag or prior.etag
        resource.last_modified = resource.last_modified or prior.last_modified
        resource.kind = prior.kind
    else:
        resource.sha256 = hashlib.sha256(result.body).hexdigest()
        resource.kind = document_kind(resource.final_url, result.content_type, result.body[:8])
    reading = derived_store.reading_url(resource.kind, resource.final_url)
    blob = (
        memory.derived(resource.sha256, reading)
        if memory is not None and _may_be_stored(resource, prior)
        else None
    )
    if blob is not None:
        document, resource.unreadable, error, resource.kind, resource.head = derived_store.load(
            blob
        )
        resource.error = resource.error or error
        if document is not None:
            document.url = resource.final_url  # a file's reading may come from another URL
    else:
        document = _extract(resource, result)
        if memory is not None:
            resource.derived = derived_store.dump(
                document, resource.unreadable, resource.error, resource.kind
            )
    resource.document = document
    if document is not None and looks_soft_404(document, not_found):
        resource.outcome = Outcome.SOFT_404
    return resource


def _may_be_stored(resource: Resource, prior: Prior | None) -> bool:
    """Whether a stored reading is worth asking the database for. A page's reading is keyed
    by its URL too (its links resolve against it): only a page that answered the same bytes
    at this URL last time can have one, so a new or changed page costs no look-up (a query
    per page on a first night, for nothing). A file's reading is shared by every URL and
    site that serves the same bytes: always asked."""
    if resource.kind is not DocumentKind.HTML:
        return True
    return prior is not None and prior.sha256 == resource.sha256


def _read_elsewhere(result: FetchResult) -> bool:
    """A file that the document worker process reads (documents/isolate.py)."""
    url = result.final_url or result.url
    return document_kind(url, result.content_type, result.body[:8]) in ISOLATED


def page_reading(result: FetchResult) -> bytes | None:
    """What a fetched HTML page reads as, in the stored form of a reading (documents/derived.py):
    two answers with equal readings are the same page to every judgement. None for anything
    but a page (a file's reading may need the document worker, or OCR)."""
    final_url = result.final_url or result.url
    if not result.ok or result.not_modified:
        return None
    kind = document_kind(final_url, result.content_type, result.body[:8])
    if kind is not DocumentKind.HTML:
        return None
    resource = Resource(
        url=result.url, outcome=result.outcome, final_url=final_url, kind=kind, error=result.error
    )
    document = _extract(resource, result)
    return derived_store.dump(document, resource.unreadable, resource.error, kind)


def _extract(resource: Resource, result: FetchResult) -> Document | None:
    try:
        return extract_document(result.body, resource.final_url, result.content_type, resource.kind)
    except UnreadableDocument as exc:
        resource.unreadable = exc.reason
        resource.error = str(exc)
    except (ValueError, LookupError, RecursionError, MemoryError, OSError) as exc:
        # A hostile or broken file must cost one resource, never the whole check.
        log.warning("cannot parse %s: %s", resource.final_url, exc)
        resource.unreadable = UnreadableReason.CORRUPT
        resource.error = f"{type(exc).__name__}: {exc}"
    return None


class SiteCrawler:
    """Crawls one site with a shared Fetcher; ``fetch_resource`` serves later look-ups from cache."""

    def __init__(
        self,
        fetcher: Fetcher,
        start_url: str,
        priority_words: Iterable[str] = (),
        on_resource: Callable[[Resource], None] | None = None,
        renderer: Renderer | None = None,
        render_mode: RenderMode = RenderMode.AUTO,
        js_site: bool = False,
        fiscal_year: int | None = None,
        deadline: float | None = None,
        memory: CrawlMemory | None = None,
    ) -> None:
        self.fetcher = fetcher
        self.memory = memory
        self.settings = fetcher.settings
        started = time.monotonic()
        # time.monotonic() past which nothing more is fetched; the crawl itself stops earlier,
        # leaving a fifth of the time to fetch the evidence judging asks for.
        self.deadline = deadline or started + self.settings.site_deadline
        self.crawl_until = started + (self.deadline - started) * 0.8
        self.result = SiteCrawl(start_url=start_url, hosts={host_of(start_url)})
        self._priority_words = tuple({compact_label(w) for w in priority_words if w.strip()})
        self._on_resource = on_resource
        self._not_found: NotFoundPrint | None = None  # of static pages
        self._not_found_rendered: NotFoundPrint | None = None  # of rendered pages
        self._probe_url: str | None = None  # a script-shell probe, rendered on first need
        self._probe_lock = asyncio.Lock()
        self._queued: set[str] = set()
        self._query_variants: dict[str, int] = {}
        self._heap: list[tuple[int, int, int, str]] = []
        self._seq = itertools.count()
        self._in_flight: dict[str, asyncio.Future[Resource]] = {}
        self._declared_targets: set[str] = set()
        # Resources an item being judged holds (and how many items): their documents stay
        # whole until the last of those items is judged (see ``hold`` and ``release``).
        self._held: dict[Resource, int] = {}
        self._same_pages: set[str] = (
            set()
        )  # same_page_key of queued URLs with a query  # ITA row targets: kept whole (_slim)
        self.renderer = renderer
        self.render_mode = render_mode
        # Known (from an earlier check) or found (this one) to build its pages with scripts.
        self.js_site = js_site
        # The assessed year: its ITA rows' pages are fetched first (and after the budget).
        self.fiscal_year = fiscal_year

    def _priority(self, text: str, url: str) -> int:
        if _extension(url) in (".pdf", ".docx", ".xlsx", ".csv"):
            return 0
        key = compact_label(text)
        return 0 if key and any(word in key for word in self._priority_words) else 1

    def _enqueue(self, url: str, depth: int, priority: int) -> None:
        if url in self._queued or depth > self.settings.max_depth:
            return
        key = same_page_key(url)
        if key != url and key in self._same_pages:
            return
        if not self.result.is_main_site(url) or _extension(url) in _SKIP_EXTENSIONS or is_trap(url):
            return
        if urlsplit(url).query:
            bare = path_without_query(url)
            count = self._query_variants.get(bare, 0)
            if count >= self.settings.max_query_variants:
                return
            self._query_variants[bare] = count + 1
        self._queued.add(url)
        if key != url:
            self._same_pages.add(key)
        self.result.stats.queued += 1
        heapq.heappush(self._heap, (priority, depth, next(self._seq), url))

    def _record(self, resource: Resource) -> None:
        self.result.resources[resource.url] = resource
        if resource.final_url and resource.final_url != resource.url:
            self.result.resources.setdefault(resource.final_url, resource)
        self.result.stats.pages += resource.outcome is not Outcome.NOT_REACHED
        if resource.outcome.failed:
            self.result.stats.failures += 1
        if self._on_resource is not None:
            self._on_resource(resource)

    def _learn_links(self, resource: Resource) -> None:
        document = resource.document
        if document is None or not resource.ok:
            return
        source = resource.final_url
        anchors = self.result.anchors
        for link in document.links:
            texts = anchors.get(link.url)
            if texts is None:
                anchors[link.url] = {link.text: source}
            elif link.text not in texts:
                texts[link.text] = source
            if link.url not in self._queued:
                self._enqueue(link.url, resource.depth + 1, self._priority(link.text, link.url))
        for url in self._row_targets(resource):
            self._declared_targets.add(url)
            # What an ITA page declares (and the detail pages holding its files) comes first,
            # also when the row prints its URL as text rather than as a link; before anything
            # else, so that little time (a huge Crawl-delay) goes to the declared evidence.
            self._enqueue(url, resource.depth + 1, -1)
        for frame in document.frames:
            anchors.setdefault(frame, {}).setdefault(document.title, source)
            self._enqueue(frame, resource.depth + 1, 0)

    async def fetch_resource(
        self, url: str, depth: int = 0, deadline: float | None = None
    ) -> Resource:
        """The resource for a URL, fetched at most once per check. A URL not reached before
        ``deadline`` (the crawl's own) is not recorded, so judging may still fetch it."""
        known = self.result.resources.get(url)
        if known is not None:
            if known.slim:
                self._restore(known)
            return known
        pending = self._in_flight.get(url)
        if pending is not None:
            return await pending
        future: asyncio.Future[Resource] = asyncio.get_running_loop().create_future()
        self._in_flight[url] = future
        try:
            result, prior = await self._fetch(url, deadline or self.deadline)
            # Soft-404 is decided on what a reader sees: after rendering a script shell.
            if result.ok and not result.not_modified and _read_elsewhere(result):
                # The worker process reads the file: the loop crawls other pages meanwhile.
                resource = await asyncio.to_thread(
                    to_resource, result, depth, None, self.memory, prior
                )
            else:
                resource = to_resource(result, depth, None, self.memory, prior)
            if resource.outcome is Outcome.NOT_REACHED:
                self.result.out_of_time = True
                self.result.stats.not_reached += 1
                if deadline is not None:
                    future.set_result(resource)
                    return resource
            shell = await self._render_if_needed(resource)
            document = resource.document
            if (
                document is not None
                and document.rendered
                and (self._probe_url is not None or self._probe_lock.locked())
            ):
                await self._learn_rendered_soft_404()  # waits while another task renders it
            if (
                resource.ok
                and document is not None
                and looks_soft_404(document, self._soft_404_print(document, shell))
            ):
                resource.outcome = Outcome.SOFT_404
            self._record(resource)
            future.set_result(resource)
            return resource
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # mark retrieved: waiters re-raise it themselves
            raise
        finally:
            del self._in_flight[url]

    def hold(self, resource: Resource) -> None:
        """An item being judged reads this resource: it stays whole until ``release``. A
        resource another item released (slimmed) before this one got to it is read again."""
        self._held[resource] = self._held.get(resource, 0) + 1
        if resource.slim:
            self._restore(resource)

    def release(self, resources: Iterable[Resource]) -> None:
        """An item is judged: what no other item being judged holds is slimmed again. The files
        and pages judging fetched otherwise stayed whole, with the texts matching derived
        from them, until the whole site was judged (~50 KB a file: most of a polite run's
        memory, its sites judging at once)."""
        for resource in resources:
            left = self._held[resource] - 1
            if left:
                self._held[resource] = left
                continue
            del self._held[resource]
            self._slim(resource, judging=True)

    def _slim(self, resource: Resource, judging: bool = False) -> None:
        """Keep of a crawled page only what locating reads of every page (kind, title,
        headings, cues, content links, a file's opening); judging re-reads the whole reading,
        from memory or the database, for the few candidates it opens. ITA pages, the pages
        their rows point to (detail pages: until judging) and rendered pages stay whole."""
        document = resource.document
        if (
            self.memory is None
            or document is None
            or resource.sha256 is None
            or document.rendered
            or document.ocr  # read by OCR: its stored reading is the unreadable scan's
            or document.item_rows
            or (not judging and self._detail_page(resource))
        ):
            return
        slim = Document(
            url=document.url,
            kind=document.kind,
            title=document.title,
            headings=document.headings,
            cues=document.cues,
            pages=document.pages,
            content_urls=document.content_urls,
        )
        if document.kind is not DocumentKind.HTML:
            # locate.py labels a file by its opening (compact_text[:300]): kept exactly.
            opening = resource.head if resource.head is not None else derived_store.head(document)
            slim.__dict__["compact_text"] = opening
        resource.document, resource.slim = slim, True

    def _detail_page(self, resource: Resource) -> bool:
        """A page an ITA row declares: locating reads it whole (its links, its own text) before
        judging. A file a row declares is only labelled by its opening, like any other file:
        kept whole, each was ~40 KB (text and compact text) of memory for as long as its site
        was checked, most of a polite run's memory (60-page sites declaring 22 files)."""
        document = resource.document
        return (
            document is not None
            and document.kind is DocumentKind.HTML
            and (
                resource.url in self._declared_targets
                or resource.final_url in self._declared_targets
            )
        )

    def _restore(self, resource: Resource) -> None:
        blob = resource.derived
        if blob is None and self.memory is not None and resource.sha256 is not None:
            reading = derived_store.reading_url(resource.kind, resource.final_url or resource.url)
            blob = self.memory.stored(resource.sha256, reading)
        if blob is None:
            return  # kept slim: judged on what is left (never happens while storage works)
        document = derived_store.load(blob)[0]
        if document is not None:
            document.url = resource.final_url or resource.url
        resource.document, resource.slim = document, False

    async def _fetch(self, url: str, deadline: float) -> tuple[FetchResult, Prior | None]:
        """A conditional GET when the last check stored validators for this URL."""
        prior = self.memory.prior(url) if self.memory is not None else None
        # What a revisit already fetched to learn the site changed (incremental.py).
        result = self.memory.take(url) if self.memory is not None else None
        if prior is None or prior.final_url != url or not (prior.etag or prior.last_modified):
            if result is None or result.not_modified:  # a 304 is no answer without a prior
                result = await self.fetcher.fetch(url, deadline=deadline)
            return result, prior
        if result is None:
            result = await self.fetcher.fetch(
                url, deadline=deadline, validators=(prior.etag, prior.last_modified)
            )
        if result.not_modified and (
            self.memory is None
            or self.memory.derived(prior.sha256, derived_store.reading_url(prior.kind, url)) is None
        ):
            # Unchanged, but what was read from it is gone (a parser changed): read it again.
            result = await self.fetcher.fetch(url, deadline=deadline)
        return result, prior

    async def _render_if_needed(self, resource: Resource) -> bool:
        """Render the page if it needs it; whether its static HTML looked like a script shell
        (asked once a page: it reads every content link)."""
        document = resource.document
        if document is None or document.kind is not DocumentKind.HTML or not resource.ok:
            return False
        shell = needs_rendering(document)
        self.result.stats.needed_rendering += shell
        if self.render_mode is RenderMode.NEVER:
            return shell
        # A site known to build pages with scripts: still, a page whose static HTML already
        # holds its rows, files or text is read as it is (class 7 of issue 15).
        scripted = self.js_site and not holds_content(document)
        if not (self.render_mode is RenderMode.ALWAYS or scripted or shell):
            return shell
        rendered = await self._rendered(resource.final_url)
        if rendered is None:
            return shell
        resource.document = rendered
        self.result.stats.rendered += 1
        if shell:
            self.js_site = True  # render this site's pages from now on, and next time
        return shell

    async def _rendered(self, url: str) -> Document | None:
        if self.renderer is None:
            return None
        try:
            rendered = await self.renderer.render(url, self.result.is_main_site)
        except RenderUnavailable:
            return None
        if rendered is None:
            return None
        document = parse_html(rendered.html, rendered.final_url)
        document.rendered = True
        return document

    async def _learn_soft_404(self, origin: str) -> None:
        """Ask for a page that cannot exist: a 200 answer shows what this site's 'not found' looks like."""
        probe = await self.fetcher.fetch(
            f"{origin}/oitwatch-no-such-page-{secrets.token_hex(6)}", deadline=self.crawl_until
        )
        if not probe.ok or probe.status != 200:
            return
        document = to_resource(probe, 0, None).document
        if document is None:
            return
        if needs_rendering(document) or (self.js_site and not holds_content(document)):
            # A script shell answers every route alike: a print of it would match every page.
            # What the browser shows for the probe is printed instead, when the first page
            # is rendered (a static site never starts the browser for it).
            self._probe_url = probe.final_url or probe.url
        else:
            self._not_found = _print(document)

    async def _learn_rendered_soft_404(self) -> None:
        async with self._probe_lock:
            url, self._probe_url = self._probe_url, None
            if url is not None:
                document = await self._rendered(url)
                self._not_found_rendered = _print(document) if document is not None else None

    def _soft_404_print(self, document: Document, shell: bool) -> NotFoundPrint | None:
        """``shell``: the static page looked like a script shell (``_render_if_needed``)."""
        if document.rendered:
            return self._not_found_rendered
        # An unrendered shell is no page yet: "not found" is for what a reader would see.
        return None if shell else self._not_found

    async def _sitemap_urls(self, origin: str) -> list[str]:
        robots = await self.fetcher.robots_for(origin + "/")
        urls: list[str] = []
        # robots.txt usually names /sitemap.xml itself: fetch each sitemap once.
        sitemaps = dict.fromkeys(
            u for u in map(normalise_url, [*robots.sitemaps, f"{origin}/sitemap.xml"]) if u
        )
        for sitemap in list(sitemaps)[:5]:
            result = await self.fetcher.fetch(
                sitemap, max_bytes=10 * 1024 * 1024, deadline=self.crawl_until
            )
            if result.ok:
                urls.extend(
                    m.group(1).decode("utf-8", "replace")
                    for m in _SITEMAP_LOC.finditer(result.body)
                )
            if len(urls) >= MAX_SITEMAP_URLS:
                break
        return urls[:MAX_SITEMAP_URLS]

    async def crawl(self) -> SiteCrawl:
        start = await self.fetch_resource(self.result.start_url)
        self.result.start = start
        if not start.ok:
            return self.result
        final_host = host_of(start.final_url)
        if final_host:
            self.result.hosts.add(final_host)  # http -> https, or a moved domain
        self._queued.update({start.url, start.final_url})
        parts = urlsplit(start.final_url)
        origin = f"{parts.scheme}://{parts.netloc}"
        await self._learn_soft_404(origin)
        self._learn_links(start)
        for url in await self._sitemap_urls(origin):
            normal = normalise_url(url)
            if normal is not None:
                self._enqueue(normal, 1, 1)
        await self._run_workers()
        await self._fetch_row_targets()
        return self.result

    def sentinels(self) -> list[str]:
        """The URLs whose answers decide what this crawl found: the home page, the ITA pages
        and the pages their rows declare (a later night revalidates them, incremental.py)."""
        urls = [self.result.start_url]
        for url, resource in self.result.resources.items():
            if resource.document is not None and resource.document.item_rows:
                urls.append(url)
                urls.extend(self._row_targets(resource))
        urls.extend(sorted(self._declared_targets))
        return [u for u in dict.fromkeys(urls) if u in self.result.resources]

    def _row_targets(self, resource: Resource) -> list[str]:
        if resource.document is None:
            return []
        texts: set[str] = set()
        for url in (resource.url, resource.final_url):
            texts.update(self.result.anchors.get(url, {}))
        return row_targets(resource.document, self.fiscal_year, texts)

    async def _fetch_row_targets(self) -> None:
        """Pages the ITA rows link to that the page budget left out: which item each row
        declares (a per-item detail page and its files) must be known before judging."""
        wanted: list[str] = []
        for resource in list(self.result.resources.values()):
            if resource.document is None or not resource.document.item_rows:
                continue
            for url in self._row_targets(resource):
                if (
                    url not in self.result.resources
                    and url not in wanted
                    and self.result.is_main_site(url)
                    and _extension(url) not in _SKIP_EXTENSIONS
                    and _extension(url) not in _FILE_EXTENSIONS
                ):
                    wanted.append(url)
        slots = asyncio.Semaphore(
            max(1, min(self.settings.per_host * 2, self.settings.concurrency))
        )

        async def one(url: str) -> None:
            async with slots:
                self._learn_links(await self.fetch_resource(url, self.settings.max_depth))

        await asyncio.gather(*(one(url) for url in wanted[:MAX_ROW_TARGETS]))

    async def _run_workers(self) -> None:
        budget = self.settings.max_pages
        # Set whenever a page is done: its links may be queued, or the crawl may be over.
        # Idle workers wait for it rather than poll (a wake-up every few ms, per worker, per
        # site in flight, was CPU spent on nothing).
        changed = asyncio.Event()
        active = 0

        async def worker() -> None:
            nonlocal active
            while True:
                if self.result.stats.pages >= budget or self.result.out_of_time:
                    return
                if not self._heap:
                    if active == 0:
                        changed.set()  # the crawl is over: the other idle workers end too
                        return
                    changed.clear()
                    await changed.wait()
                    continue
                _, depth, _, url = heapq.heappop(self._heap)
                if url in self.result.resources:
                    continue
                active += 1
                try:
                    resource = await self.fetch_resource(url, depth, self.crawl_until)
                    self._learn_links(resource)
                    self._slim(resource)
                finally:
                    active -= 1
                    changed.set()

        workers = max(1, min(self.settings.per_host * 2, self.settings.concurrency))
        await asyncio.gather(*(worker() for _ in range(workers)))
