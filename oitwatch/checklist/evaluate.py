"""Decide each item's status from the crawl, the way an assessor would.

Where the site (or --declared) declares links for an item, those links are judged; otherwise
the crawl's best candidates are. Resources are obtained through ``fetch`` so that every
network access stays in the crawler and this module can be driven without a network.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from oitwatch.checklist.checks import read
from oitwatch.checklist.findings import ElementFinding, EvidenceSource, ItemResult, Status
from oitwatch.checklist.judge import assess, judge
from oitwatch.checklist.locate import (
    DOCUMENT_EXTENSIONS,
    CandidateIndex,
    Declared,
    DeclaredLink,
    companions,
    linked_documents,
    off_site_evidence,
)
from oitwatch.checklist.messages import describe_failure, explain, unreachable
from oitwatch.checklist.model import Checklist, Hosting, Item
from oitwatch.checklist.score import item_score
from oitwatch.crawler.outcomes import Outcome
from oitwatch.documents.errors import UnreadableReason
from oitwatch.documents.model import Cue, Document
from oitwatch.documents.resource import Resource

Fetch = Callable[[str], Awaitable[Resource]]


def _broken(resource: Resource) -> bool:
    # robots.txt keeps oitwatch out, not the assessor: that is unverifiable, not broken.
    return resource.outcome.failed and resource.outcome is not Outcome.BLOCKED_BY_ROBOTS


def _unreadable_reason(resource: Resource) -> UnreadableReason | None:
    if resource.outcome is Outcome.BLOCKED_BY_ROBOTS:
        return UnreadableReason.ROBOTS
    return resource.unreadable


MAX_CANDIDATES = 3
# Links judged per item, in declared order: a row with hundreds of links (a whole year's
# procurement notices) must not stall the run; the report says how many were left out.
MAX_LINKS_PER_ITEM = 20
# An embedded map (the contact page's location map) is part of that page, not evidence kept
# elsewhere (issue 9, B11).
_MAP_HOSTS = (
    "google.com/maps",
    "maps.google",
    "goo.gl/maps",
    "maps.app.goo.gl",
    "openstreetmap",
    "longdo.com/map",
)


# A page with fewer words than this around its links is a wrapper: the evidence is what it links.
WRAPPER_CHARS = 150
# Widgets a page embeds for visitors (a Facebook page box, a video) are part of that page too.
_WIDGETS = ("facebook.com/plugins", "youtube.com/embed", "youtube-nocookie.com/embed")
# Where a file kept elsewhere lives: a page of words that links there has parked its evidence.
_FILE_PLACES = (
    "drive.google.com/file",
    "drive.google.com/open",
    "drive.google.com/drive",
    "docs.google.com/document",
    "docs.google.com/spreadsheets",
    "docs.google.com/presentation",
    "onedrive.live.com",
    "1drv.ms",
    "dropbox.com",
    "anyflip.com",
    "fliphtml5.com",
)


EMPTY_BODY_CHARS = 60


def _empty(item: Item, documents: list[Document], elements: list[ElementFinding]) -> bool:
    if any(e.found for e in elements if e.id not in _PERIOD_ELEMENTS):
        return False
    return sum(len(read(d, item).body.strip()) for d in documents) < EMPTY_BODY_CHARS


# A file that will not open is evidence that cannot be read, whatever its name.
_LOCKED_OR_BROKEN = frozenset({UnreadableReason.PASSWORD, UnreadableReason.CORRUPT})


def _is_evidence_file(resource: Resource) -> bool:
    """A locked or broken file is evidence that cannot be read; a picture with no words in it
    (a logo, a banner the page links) is just a picture."""
    path = urlsplit(resource.url.lower()).path
    return resource.unreadable in _LOCKED_OR_BROKEN or path.endswith(DOCUMENT_EXTENSIONS)


def _is_map(url: str) -> bool:
    lowered = url.lower()
    return any(host in lowered for host in (*_MAP_HOSTS, *_WIDGETS))


def _is_parked_file(url: str) -> bool:
    lowered = url.lower()
    path = urlsplit(lowered).path
    return any(p in lowered for p in _FILE_PLACES) or path.endswith(DOCUMENT_EXTENSIONS)


_RANK = {
    Status.PASS: 0,
    Status.PARTIAL: 1,
    Status.OUTDATED: 2,
    Status.OFF_SITE: 3,
    Status.UNVERIFIABLE: 4,
    Status.BROKEN: 5,
    Status.MISSING: 6,
}


@dataclass
class SiteView:
    """What the evaluator needs of a site: its hosts, its crawl index and a way to fetch."""

    checklist: Checklist
    fetch: Fetch
    on_site: Callable[[str], bool]
    index: CandidateIndex
    declared: Declared  # item id -> links the agency declared (ITA page rows or --declared)
    site_cues: frozenset[Cue] = frozenset()  # structure seen anywhere on the main site


_PERIOD_ELEMENTS = frozenset({"period", "period_unconfirmed", "coverage", "activity_date"})


Context = dict[str, object]


def _failure(resource: Resource) -> tuple[str, str]:
    return describe_failure(
        resource.outcome.value, resource.status, resource.final_url or resource.url, resource.error
    )


def _finish(item: Item, result: ItemResult, fiscal_year: int, **context: object) -> ItemResult:
    failure = context.get("failure")
    unreadable = context.get("unreadable")
    text = explain(
        item,
        result,
        fiscal_year,
        failure=failure if isinstance(failure, tuple) else ("", ""),
        alternative=str(context["alternative"]) if context.get("alternative") else None,
        unreadable=unreadable if isinstance(unreadable, UnreadableReason) else None,
        ita_page=str(context.get("ita_page") or "") or None,
    )
    result.reason_th, result.reason_en = text.reason_th, text.reason_en
    result.fix_th, result.fix_en = text.fix_th, text.fix_en
    result.score = item_score(result.status, item.partial_score)
    return result


class ItemEvaluator:
    def __init__(self, view: SiteView) -> None:
        self.view = view
        self.fiscal_year = view.checklist.fiscal_year
        self._together: dict[str, tuple[str, ...]] = {}  # files of one detail page (locate.py)
        # Where a missing item's link belongs: the site's ITA page, when one declared links.
        self._ita_page = next(
            (
                d.page
                for links in view.declared.values()
                for d in links
                if d.source == "ita_row" and not d.from_detail_page
            ),
            None,
        )

    async def evaluate(self, item: Item) -> ItemResult:
        declared = self.view.declared.get(item.id)
        if declared:
            judged = declared[:MAX_LINKS_PER_ITEM]
            self._together.update(companions(judged))  # items run concurrently: by URL
            result = await self._declared(item, judged)
            result.declared = True
            if len(declared) > len(judged):
                result.notes.append(
                    f"judged the first {len(judged)} of {len(declared)} declared links "
                    f"(limit {MAX_LINKS_PER_ITEM} per item)"
                )
                result.reason_th += f" (ตรวจ {len(judged)} ลิงก์แรกจาก {len(declared)} ลิงก์ที่ระบุไว้)"
                result.reason_en += f" (judged the first {len(judged)} of {len(declared)} links)"
            return result
        return await self._discovered(item)

    # -- evidence -------------------------------------------------------------------------

    async def _evidence(
        self, resource: Resource
    ) -> tuple[list[Resource], list[Resource], list[Resource]]:
        """The page and the on-site files it links to: (readable, failed, unreadable)."""
        readable = [resource] if resource.document is not None else []
        failed: list[Resource] = []
        unreadable: list[Resource] = []
        for url in linked_documents(resource, self.view.on_site):
            linked = await self.view.fetch(url)
            if linked.ok and linked.document is not None:
                readable.append(linked)
            elif _broken(linked):
                failed.append(linked)
            elif _unreadable_reason(linked) is not None and _is_evidence_file(linked):
                unreadable.append(linked)
        return readable, failed, unreadable

    async def _judge_resource(
        self, item: Item, resource: Resource, source: EvidenceSource
    ) -> tuple[ItemResult, Context]:
        readable, failed, unreadable = await self._evidence(resource)
        for url in self._together.get(resource.url, ()):
            other = await self.view.fetch(url)
            if other.ok and other.document is not None and other not in readable:
                readable.append(other)
        documents: list[Document] = [r.document for r in readable if r.document is not None]
        judgement = judge(item, documents, self.fiscal_year, self.view.site_cues)
        assessed = assess(item, judgement, self.fiscal_year)
        result = ItemResult(
            item.id,
            assessed.status,
            resource.url,
            item.heading_th,
            item.gloss_en,
            elements=assessed.elements,
            years_found=assessed.years,
            evidence_urls=[r.url for r in readable],
            ocr=assessed.ocr,
            sources=[source]
            + [
                EvidenceSource(r.url, "linked_file", why=f"linked from {resource.url}")
                for r in (*readable[1:], *failed, *unreadable)
            ],
            period_read=assessed.period_read,
        )
        if assessed.status is Status.PASS:
            return result, {}
        if failed:
            # The file meant to carry the evidence does not open: whatever the page around it
            # says, the evidence is broken.
            result.status = Status.BROKEN
            result.url = failed[0].url
            return result, {"failure": _failure(failed[0])}
        if unreadable:
            # A password-protected or corrupt file is the evidence: the page's words do not
            # stand in for it (issue 9, D22).
            result.status = Status.UNVERIFIABLE
            result.url = unreadable[0].url
            return result, {"unreadable": _unreadable_reason(unreadable[0])}
        if item.hosting is Hosting.LINKED_ELSEWHERE:
            return self._nothing_there(item, documents, result), {}
        elsewhere = [
            u for u in off_site_evidence(item, resource, self.view.on_site) if not _is_map(u)
        ]
        thin = resource.document is None or len(resource.document.text) < WRAPPER_CHARS
        if not thin:
            # A page of its own words is the evidence; a link to the agency's Facebook page does
            # not move it elsewhere. Only a file parked on another host does.
            elsewhere = [u for u in elsewhere if _is_parked_file(u)]
        if elsewhere and len(documents) <= 1 and (assessed.status is Status.PARTIAL or thin):
            # The page only points to a file kept elsewhere (Google Drive, Facebook...).
            target = await self.view.fetch(elsewhere[0])
            result.url = elsewhere[0]
            result.sources.append(
                EvidenceSource(
                    elsewhere[0], "linked_file", why=f"off-site, linked from {resource.url}"
                )
            )
            if _broken(target):
                result.status = Status.BROKEN
                return result, {"failure": _failure(target)}
            result.status = Status.OFF_SITE
            return result, {}
        return self._nothing_there(item, documents, result), {}

    @staticmethod
    def _nothing_there(item: Item, documents: list[Document], result: ItemResult) -> ItemResult:
        """A page that names the item and holds nothing (an empty category, "no data yet") is
        no evidence: the item is missing, not partial (issue 9, A3)."""
        if _empty(item, documents, result.elements):
            result.status = Status.MISSING
            # A link the agency declared keeps its URL: the webmaster must see which row
            # points at a page without the item. A discovered page was never evidence.
            if not any(s.source in ("ita_row", "declared_file") for s in result.sources):
                result.url = None
        return result

    async def _judge_external(
        self, item: Item, url: str, source: EvidenceSource
    ) -> tuple[ItemResult, Context]:
        """O10/O18 may live elsewhere when the main site links to them: it must open."""
        resource = await self.view.fetch(url)
        result = ItemResult(
            item.id, Status.PASS, url, item.heading_th, item.gloss_en, evidence_urls=[url]
        )
        result.sources = [source]
        if _broken(resource):
            result.status = Status.BROKEN
            return result, {"failure": _failure(resource)}
        documents = [resource.document] if resource.document is not None else []
        assessed = assess(item, judge(item, documents, self.fiscal_year), self.fiscal_year)
        result.elements, result.years_found = assessed.elements, assessed.years
        result.period_read = assessed.period_read
        # Hosted elsewhere, the year is the host's business: only the elements count.
        if not all(e.found for e in assessed.elements if e.id not in _PERIOD_ELEMENTS):
            result.status = Status.PARTIAL
        return result, {}

    # -- declared links -------------------------------------------------------------------

    async def _declared(self, item: Item, links: list[DeclaredLink]) -> ItemResult:
        """Declared links win: if they fail the item is broken, whatever the crawl found
        elsewhere (that is named in the fix, never judged instead)."""
        sources = {d.url: EvidenceSource(d.url, d.source, d.row_label, d.page) for d in links}
        urls = [d.url for d in links]
        on_site = [u for u in urls if self.view.on_site(u)]
        off_site = [u for u in urls if not self.view.on_site(u)]
        resources = [await self.view.fetch(u) for u in on_site]
        failed = [r for r in resources if _broken(r)]
        if not failed and off_site and not any(r.document is not None for r in resources):
            # Only evidence elsewhere: an off-site link that fails is broken too (issue 9, D23).
            outside = [await self.view.fetch(u) for u in off_site]
            failed = [r for r in outside if _broken(r)]
        readable = [r for r in resources if r.document is not None]
        if failed and readable:
            # Some declared links work: they pass on their own, or the broken one may have held
            # what they lack and the item is broken.
            best = await self._best_of(
                item, [(r, sources.get(r.url, EvidenceSource(r.url, "ita_row"))) for r in readable]
            )
            if best is not None and best.status is Status.PASS:
                best.notes.append(f"declared link does not open: {failed[0].url}")
                return best
        if failed:
            alternative = await self._alternative(item, exclude=set(urls))
            result = ItemResult(
                item.id, Status.BROKEN, failed[0].url, item.heading_th, item.gloss_en
            )
            result.sources = list(sources.values())
            return _finish(
                item, result, self.fiscal_year, failure=_failure(failed[0]), alternative=alternative
            )
        if readable:
            best = await self._best_of(
                item, [(r, sources.get(r.url, EvidenceSource(r.url, "ita_row"))) for r in readable]
            )
            if best is not None:
                return best
        unverifiable = self._unverifiable(item, resources)
        if unverifiable is not None:
            unverifiable.sources = list(sources.values())
            return unverifiable
        if off_site:
            return await self._off_site(item, off_site[0], sources[off_site[0]])
        result = ItemResult(item.id, Status.MISSING, None, item.heading_th, item.gloss_en)
        result.sources = list(sources.values())
        return _finish(item, result, self.fiscal_year)

    def _unverifiable(self, item: Item, resources: list[Resource]) -> ItemResult | None:
        """Found but unreadable: the first such resource, if any, makes the item unverifiable."""
        unreadable = next((r for r in resources if _unreadable_reason(r) is not None), None)
        if unreadable is None:
            return None
        result = ItemResult(
            item.id, Status.UNVERIFIABLE, unreadable.url, item.heading_th, item.gloss_en
        )
        return _finish(item, result, self.fiscal_year, unreadable=_unreadable_reason(unreadable))

    async def _off_site(self, item: Item, url: str, source: EvidenceSource) -> ItemResult:
        if item.hosting is Hosting.LINKED_ELSEWHERE:
            result, context = await self._judge_external(item, url, source)
            return _finish(item, result, self.fiscal_year, **context)
        resource = await self.view.fetch(url)
        result = ItemResult(item.id, Status.OFF_SITE, url, item.heading_th, item.gloss_en)
        result.sources = [source]
        if _broken(resource):
            result.status = Status.BROKEN
            return _finish(item, result, self.fiscal_year, failure=_failure(resource))
        return _finish(item, result, self.fiscal_year)

    async def _best_of(
        self, item: Item, resources: list[tuple[Resource, EvidenceSource]]
    ) -> ItemResult | None:
        best: tuple[ItemResult, Context] | None = None
        for resource, source in resources:
            judged = await self._judge_resource(item, resource, source)
            if best is None or _RANK[judged[0].status] < _RANK[best[0].status]:
                best = judged
            if best[0].status is Status.PASS:
                break
        if best is None:
            return None
        return _finish(item, best[0], self.fiscal_year, **best[1])

    async def _alternative(self, item: Item, exclude: set[str]) -> str | None:
        for candidate in self.view.index.candidates(item.id):
            if candidate.on_site and candidate.url not in exclude:
                resource = await self.view.fetch(candidate.url)
                if resource.ok and resource.document is not None:
                    return resource.final_url or resource.url
        return None

    # -- discovery ------------------------------------------------------------------------

    async def _discovered(self, item: Item) -> ItemResult:
        candidates = self.view.index.candidates(item.id)
        on_site = [c for c in candidates if c.on_site][: MAX_CANDIDATES * 2]
        why = {
            c.url: EvidenceSource(
                c.url,
                "discovered",
                why=f"its title, heading or link text names the item ({c.strength} characters matched)",
            )
            for c in candidates
        }
        resources = [await self.view.fetch(c.url) for c in on_site]
        readable = [r for r in resources if r.ok and r.document is not None][:MAX_CANDIDATES]
        if readable:
            best = await self._best_of(
                item, [(r, why.get(r.url, EvidenceSource(r.url, "discovered"))) for r in readable]
            )
            if best is not None:
                return best
        failed = [r for r in resources if _broken(r)]
        if failed:
            result = ItemResult(
                item.id, Status.BROKEN, failed[0].url, item.heading_th, item.gloss_en
            )
            return _finish(item, result, self.fiscal_year, failure=_failure(failed[0]))
        unverifiable = self._unverifiable(item, resources)
        if unverifiable is not None:
            return unverifiable
        off_site = [c for c in candidates if not c.on_site]
        if off_site:
            return await self._off_site(item, off_site[0].url, why[off_site[0].url])
        result = ItemResult(item.id, Status.MISSING, None, item.heading_th, item.gloss_en)
        return _finish(item, result, self.fiscal_year, ita_page=self._ita_page)


def unreachable_results(checklist: Checklist, start: Resource | None) -> list[ItemResult]:
    """An assessor who cannot open the site finds nothing: every item is broken."""
    text = (
        unreachable(start.outcome.value, start.status, start.final_url or start.url, start.error)
        if start is not None
        else unreachable("", None)
    )
    results = []
    for item in checklist.items:
        result = ItemResult(item.id, Status.BROKEN, None, item.heading_th, item.gloss_en)
        _finish(item, result, checklist.fiscal_year)
        result.reason_th, result.reason_en = text.reason_th, text.reason_en
        result.fix_th, result.fix_en = text.fix_th, text.fix_en
        results.append(result)
    return results
