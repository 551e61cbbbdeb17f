"""Decide each item's status from the crawl, the way an assessor would.

Where the site (or --declared) declares links for an item, those links are judged; otherwise
the crawl's best candidates are. Resources are obtained through ``fetch`` so that every
network access stays in the crawler and this module can be driven without a network.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from oitwatch.checklist.findings import ItemResult, Status
from oitwatch.checklist.judge import assess, judge
from oitwatch.checklist.locate import (
    CandidateIndex,
    Declared,
    companions,
    linked_documents,
    off_site_evidence,
)
from oitwatch.checklist.messages import describe_failure, explain
from oitwatch.checklist.model import Checklist, Cue, Hosting, Item
from oitwatch.checklist.score import item_score
from oitwatch.crawler.outcomes import Outcome
from oitwatch.crawler.site import Resource
from oitwatch.documents.model import Document

Fetch = Callable[[str], Awaitable[Resource]]


def _broken(resource: Resource) -> bool:
    # robots.txt keeps oitwatch out, not the assessor: that is unverifiable, not broken.
    return resource.outcome.failed and resource.outcome is not Outcome.BLOCKED_BY_ROBOTS


def _unreadable_reason(resource: Resource) -> str | None:
    if resource.outcome is Outcome.BLOCKED_BY_ROBOTS:
        return "robots"
    return resource.unreadable


MAX_CANDIDATES = 3

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


_PERIOD_ELEMENTS = frozenset({"period", "period_unconfirmed", "coverage"})


Context = dict[str, object]


def _failure(resource: Resource) -> tuple[str, str]:
    return describe_failure(resource.outcome.value, resource.status)


def _finish(item: Item, result: ItemResult, fiscal_year: int, **context: object) -> ItemResult:
    failure = context.get("failure")
    text = explain(
        item,
        result,
        fiscal_year,
        failure=failure if isinstance(failure, tuple) else ("", ""),
        alternative=str(context["alternative"]) if context.get("alternative") else None,
        unreadable=str(context.get("unreadable") or ""),
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

    async def evaluate(self, item: Item) -> ItemResult:
        declared = self.view.declared.get(item.id)
        if declared:
            self._together.update(companions(declared))  # items run concurrently: by URL
            result = await self._declared(item, [d.url for d in declared])
            result.declared = True
            return result
        return await self._discovered(item)

    # -- evidence -------------------------------------------------------------------------

    async def _evidence(self, resource: Resource) -> tuple[list[Resource], list[Resource]]:
        """The page and the on-site files it links to: (readable, failed)."""
        readable = [resource] if resource.document is not None else []
        failed: list[Resource] = []
        for url in linked_documents(resource, self.view.on_site):
            linked = await self.view.fetch(url)
            if linked.ok and linked.document is not None:
                readable.append(linked)
            elif _broken(linked):
                failed.append(linked)
        return readable, failed

    async def _judge_resource(self, item: Item, resource: Resource) -> tuple[ItemResult, Context]:
        readable, failed = await self._evidence(resource)
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
        )
        if assessed.status is not Status.PARTIAL:
            return result, {}
        if failed:
            # The file meant to carry the missing elements does not open.
            result.status = Status.BROKEN
            result.url = failed[0].url
            return result, {"failure": _failure(failed[0])}
        elsewhere = off_site_evidence(item, resource, self.view.on_site)
        if elsewhere and len(documents) <= 1:
            # The page only points to a file kept elsewhere (Google Drive, Facebook...).
            result.status = Status.OFF_SITE
            result.url = elsewhere[0]
        return result, {}

    async def _judge_external(self, item: Item, url: str) -> tuple[ItemResult, Context]:
        """O10/O18 may live elsewhere when the main site links to them: it must open."""
        resource = await self.view.fetch(url)
        result = ItemResult(
            item.id, Status.PASS, url, item.heading_th, item.gloss_en, evidence_urls=[url]
        )
        if resource.outcome.failed:
            result.status = Status.BROKEN
            return result, {"failure": _failure(resource)}
        documents = [resource.document] if resource.document is not None else []
        assessed = assess(item, judge(item, documents, self.fiscal_year), self.fiscal_year)
        result.elements, result.years_found = assessed.elements, assessed.years
        # Hosted elsewhere, the year is the host's business: only the elements count.
        if not all(e.found for e in assessed.elements if e.id not in _PERIOD_ELEMENTS):
            result.status = Status.PARTIAL
        return result, {}

    # -- declared links -------------------------------------------------------------------

    async def _declared(self, item: Item, urls: list[str]) -> ItemResult:
        on_site = [u for u in urls if self.view.on_site(u)]
        off_site = [u for u in urls if not self.view.on_site(u)]
        resources = [await self.view.fetch(u) for u in on_site]
        failed = [r for r in resources if _broken(r)]
        if failed:
            alternative = await self._alternative(item, exclude={r.url for r in failed})
            result = ItemResult(
                item.id, Status.BROKEN, failed[0].url, item.heading_th, item.gloss_en
            )
            return _finish(
                item, result, self.fiscal_year, failure=_failure(failed[0]), alternative=alternative
            )
        readable = [r for r in resources if r.document is not None]
        if readable:
            best = await self._best_of(item, readable)
            if best is not None:
                return best
        unverifiable = self._unverifiable(item, resources)
        if unverifiable is not None:
            return unverifiable
        if off_site:
            return await self._off_site(item, off_site[0])
        result = ItemResult(item.id, Status.MISSING, None, item.heading_th, item.gloss_en)
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

    async def _off_site(self, item: Item, url: str) -> ItemResult:
        if item.hosting is Hosting.LINKED_ELSEWHERE:
            result, context = await self._judge_external(item, url)
            return _finish(item, result, self.fiscal_year, **context)
        result = ItemResult(item.id, Status.OFF_SITE, url, item.heading_th, item.gloss_en)
        return _finish(item, result, self.fiscal_year)

    async def _best_of(self, item: Item, resources: list[Resource]) -> ItemResult | None:
        best: tuple[ItemResult, Context] | None = None
        for resource in resources:
            judged = await self._judge_resource(item, resource)
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
        resources = [await self.view.fetch(c.url) for c in on_site]
        readable = [r for r in resources if r.ok and r.document is not None][:MAX_CANDIDATES]
        if readable:
            best = await self._best_of(item, readable)
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
            return await self._off_site(item, off_site[0].url)
        result = ItemResult(item.id, Status.MISSING, None, item.heading_th, item.gloss_en)
        return _finish(item, result, self.fiscal_year)


def unreachable_results(checklist: Checklist, start: Resource | None) -> list[ItemResult]:
    """An assessor who cannot open the site finds nothing: every item is broken."""
    failure = _failure(start) if start is not None else ("ไม่มีการตอบกลับ", "no answer")
    results = []
    for item in checklist.items:
        result = ItemResult(item.id, Status.BROKEN, None, item.heading_th, item.gloss_en)
        _finish(item, result, checklist.fiscal_year)
        result.reason_th = f"เปิดเว็บไซต์หลักไม่ได้: {failure[0]}"
        result.reason_en = f"The main website cannot be opened: {failure[1]}"
        result.fix_th = "ตรวจสอบว่าเว็บไซต์หลักเปิดได้ตลอดเวลา (โดเมน เซิร์ฟเวอร์ ใบรับรอง SSL)"
        result.fix_en = (
            "Make sure the main website is reachable at all times (domain, server, TLS certificate)"
        )
        results.append(result)
    return results
