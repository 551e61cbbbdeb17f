"""The second night for free: what a check reuses from the site's last completed run.

* ``revisit`` skips the crawl of a site whose last run was a recent full crawl: it
  revalidates only the URLs that run's verdicts rest on (the home page, the ITA pages, the
  pages their rows declare and everything judging opened) and, when every one is unchanged,
  the last verdicts stand; a page whose new bytes read exactly as before (a nonce, a form
  token) is unchanged. Anything changed, gone or unreachable: the site is crawled. A full
  crawl comes every ``crawl.full_every_days`` (or with ``--full``), to see pages no verdict
  rested on yet.
* ``StoredMemory`` gives the crawler the last run's validators (for conditional GETs) and the
  stored readings of unchanged bytes (documents/derived.py), so nothing unchanged is parsed.
* ``ItemMemo`` re-judges an item only when one of its inputs changed: the links declared for
  it, its candidates, the site's cues, the code that judges, and every resource judging
  opened (URL, outcome, content hash). Each item's inputs are stored beside its result.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import json
import time
from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from oitwatch.checklist.evaluate import ItemEvaluator, SiteView
from oitwatch.checklist.findings import (
    ElementFinding,
    EvidenceSource,
    ItemResult,
    SiteStatus,
    Status,
)
from oitwatch.checklist.model import Checklist, Item
from oitwatch.checklist.score import ScoreEstimate, estimate
from oitwatch.config import Settings
from oitwatch.crawler.fetcher import Fetcher
from oitwatch.crawler.outcomes import FetchResult, Outcome
from oitwatch.documents.derived import derived_key, parser_version, reading_url
from oitwatch.documents.model import DocumentKind
from oitwatch.documents.resource import Prior, Resource
from oitwatch.pipeline.crawl import SiteCrawl, page_reading
from oitwatch.storage import Database
from oitwatch.storage.schema import Run


class StoredMemory:
    """The site's last completed run, for conditional GETs and reuse (see pipeline/crawl.py).
    With ``reuse`` off (``--full``) nothing is reused, but what is read is still stored."""

    def __init__(self, db: Database, site_id: int, run_id: int, reuse: bool) -> None:
        self._db = db
        self.reuse = reuse
        self._site_id, self._run_id = site_id, run_id
        self._prior: dict[str, Prior] | None = None if reuse else {}
        self._last: tuple[str, bytes | None] = ("", None)
        # Answers ``revisit`` already had for URLs, handed to the crawl when the site changed.
        self.prefetched: dict[str, FetchResult] = {}

    def prior(self, url: str) -> Prior | None:
        if self._prior is None:  # loaded on first need: a revisited site never needs it
            self._prior = self._db.previous_resources(self._site_id, self._run_id)
        return self._prior.get(url)

    def take(self, url: str) -> FetchResult | None:
        """The answer ``revisit`` already fetched for a URL, once."""
        return self.prefetched.pop(url, None)

    def derived(self, sha256: str, url: str) -> bytes | None:
        return self.stored(sha256, url) if self.reuse else None

    def stored(self, sha256: str, url: str) -> bytes | None:
        key = derived_key(sha256, url)
        if self._last[0] != key:  # a 304 asks twice for the same reading
            self._last = (key, self._db.derived(key))
        return self._last[1]

    def save(self, resources: list[Resource]) -> None:
        rows = {}
        for r in resources:
            if r.derived is not None and r.sha256 is not None:
                url = reading_url(r.kind, r.final_url or r.url)
                rows[derived_key(r.sha256, url)] = (r.sha256, r.derived)
                r.derived = None  # stored: not kept in memory until judging
        self._db.save_derived([(key, sha, data) for key, (sha, data) in rows.items()])


@cache
def judging_version() -> str:
    """The judging code and checklist data: a change to either re-judges every item."""
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256(parser_version().encode())
    for folder, pattern in (("checklist", "*.py"), ("checklist/data", "*.toml"), ("text", "*.py")):
        for path in sorted((root / folder).glob(pattern)):
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _fingerprint(resource: Resource) -> list[Any]:
    return [
        resource.outcome.value,
        # A 304 and a 200 with the same bytes are the same evidence; an error's code is not.
        resource.status if resource.outcome is Outcome.HTTP_ERROR else None,
        resource.sha256,
        resource.unreadable,
        resource.final_url,
    ]


def _result_to_json(result: ItemResult) -> dict[str, Any]:
    data = dataclasses.asdict(result)
    data["status"] = result.status.value
    data["screenshot"] = None  # taken after judging, per run
    return data


def _result_from_json(data: dict[str, Any]) -> ItemResult:
    fields = dict(data)
    fields["status"] = Status(fields["status"])
    fields["elements"] = [ElementFinding(**e) for e in fields["elements"]]
    fields["sources"] = [EvidenceSource(**e) for e in fields.get("sources", [])]
    return ItemResult(**fields)


class ItemMemo:
    """Judge each item, or reuse last run's verdict when none of its inputs changed."""

    def __init__(self, db: Database, site_id: int, run_id: int, reuse: bool) -> None:
        self._previous = db.previous_memos(site_id, run_id) if reuse else {}
        self.memos: dict[str, str] = {}  # item id -> this run's record, stored with the result
        self.reused = 0
        self.traced: dict[str, None] = {}  # every URL a verdict rests on, in order

    def previous(self, item_id: str) -> dict[str, Any] | None:
        return self._previous.get(item_id)

    def _inputs(self, item: Item, view: SiteView, hosts: list[str]) -> str:
        declared = [link.url for link in view.declared.get(item.id, [])]
        candidates = [(c.url, c.strength, c.on_site) for c in view.index.candidates(item.id)]
        inputs = [
            judging_version(),
            view.checklist.id,
            view.checklist.fiscal_year,
            item.id,
            declared,
            candidates,
            sorted(c.value for c in view.site_cues),
            hosts,
        ]
        return hashlib.sha256(json.dumps(inputs, ensure_ascii=False).encode()).hexdigest()

    async def evaluate(
        self,
        item: Item,
        view: SiteView,
        hosts: list[str],
        judge: Callable[[SiteView], Awaitable[ItemResult]] | None = None,
        reusable: Callable[[ItemResult], bool] = lambda result: True,
    ) -> ItemResult:
        """``judge`` judges the item on a view (default: ItemEvaluator); a result it finds
        not ``reusable`` is not remembered for the next check."""
        inputs = self._inputs(item, view, hosts)
        previous = self._previous.get(item.id)
        if previous is not None and previous["inputs"] == inputs:
            # Same inputs so far: open what judging opened last time, in the same order.
            for url, fingerprint in previous["trace"]:
                if _fingerprint(await view.fetch(url)) != fingerprint:
                    break
            else:
                self.reused += 1
                self.traced.update(dict.fromkeys(url for url, _ in previous["trace"]))
                self.memos[item.id] = json.dumps(previous, ensure_ascii=False)
                return _result_from_json(previous["result"])
        trace: list[tuple[str, list[Any]]] = []
        complete = True

        async def recording(url: str) -> Resource:
            nonlocal complete
            resource = await view.fetch(url)
            trace.append((url, _fingerprint(resource)))
            complete = complete and resource.outcome is not Outcome.NOT_REACHED
            return resource

        recorded = dataclasses.replace(view, fetch=recording)
        if judge is None:
            result = await ItemEvaluator(recorded).evaluate(item)
        else:
            result = await judge(recorded)
        if complete and reusable(result):
            record = {"inputs": inputs, "trace": trace, "result": _result_to_json(result)}
            self.memos[item.id] = json.dumps(record, ensure_ascii=False)
            self.traced.update(dict.fromkeys(url for url, _ in trace))
        return result


# -- unchanged nights ---------------------------------------------------------------------------

REVISIT_FORMAT = 1


def revisit_context(settings: Settings, checklist: Checklist, declared: Path | None) -> str | None:
    """What decides a check's verdicts besides the site: the judging code and checklist, the
    crawl's reach, rendering, OCR, a declared-URL file. Any change means a crawl. None when
    the declared-URL file cannot be read (the check itself will say why)."""
    crawl = settings.crawl
    parts: list[Any] = [
        REVISIT_FORMAT,
        judging_version(),
        checklist.id,
        checklist.fiscal_year,
        crawl.max_pages,
        crawl.max_depth,
        crawl.max_query_variants,
        crawl.max_bytes,
        crawl.respect_robots,
        settings.render.mode,
        settings.ocr.enabled,
    ]
    if declared is not None:
        try:
            parts.append(hashlib.sha256(declared.read_bytes()).hexdigest())
        except OSError:
            return None
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:16]


def _sentinel(url: str, resource: Resource) -> list[Any]:
    return [
        url,
        resource.outcome.value,
        resource.status,
        resource.final_url or resource.url,
        resource.sha256,
        resource.etag,
        resource.last_modified,
    ]


def revisit_record(
    crawl: SiteCrawl, urls: Iterable[str], memo: ItemMemo, context: str | None
) -> dict[str, Any] | None:
    """What the next night revalidates to know this site unchanged: ``urls`` (the crawl's
    home page, ITA pages and their declared pages) and every URL a verdict rests on. The
    caller records it only for a run whose verdicts may stand for the next night's (every
    item judged completely, nothing weakened or rendered, in time)."""
    if context is None:
        return None
    sentinels = []
    for url in dict.fromkeys([*urls, *memo.traced]):
        resource = crawl.resources.get(url)
        if resource is None or resource.outcome is Outcome.NOT_REACHED:
            return None  # a verdict rests on something never fetched: crawl next time
        sentinels.append(_sentinel(url, resource))
    return {
        "format": REVISIT_FORMAT,
        "context": context,
        "crawled_at": datetime.now(UTC).isoformat(),
        "sentinels": sentinels,
    }


@dataclasses.dataclass
class Revisited:
    """The last run's verdicts, standing for tonight's: nothing they rest on changed."""

    previous: Run
    results: list[ItemResult]
    memos: dict[str, str]
    record: dict[str, Any]
    fetched: int  # URLs revalidated

    @property
    def site_status(self) -> SiteStatus:
        return SiteStatus(self.previous.site_status or SiteStatus.OK)

    @property
    def notes(self) -> list[str]:
        return list(self.previous.notes or [])

    def stand(self, db: Database, run_id: int, checklist: Checklist) -> ScoreEstimate:
        """Store tonight's run as a repeat of the last one: its crawl, verdicts and memos,
        and this record (the full crawl's date kept: the next one stays due)."""
        db.repeat_run(self.previous, run_id, self.record)
        return estimate(checklist, self.results)


def _due(record: dict[str, Any], every_days: float) -> bool:
    """A full crawl is due: the last one is ``every_days`` old (or its date unreadable)."""
    try:
        crawled = datetime.fromisoformat(record["crawled_at"])
    except (KeyError, TypeError, ValueError):
        return True
    return datetime.now(UTC) - crawled >= timedelta(days=every_days)


def _unchanged(sentinel: list[Any], result: FetchResult) -> bool:
    """The same answer as the last full crawl's: the same bytes at the same address, or the
    same failure."""
    _, outcome, status, final_url, sha256, _, _ = sentinel
    if (result.final_url or result.url) != final_url:
        return False
    if sha256 is not None:
        return result.ok and (
            result.not_modified or hashlib.sha256(result.body).hexdigest() == sha256
        )
    return bool(
        result.outcome.value == outcome
        and (result.outcome is not Outcome.HTTP_ERROR or result.status == status)
    )


def _reads_the_same(sentinel: list[Any], result: FetchResult, memory: StoredMemory) -> bool:
    """New bytes that read exactly as the last full crawl's: a page whose script nonce, form
    token, cache-busting query or "generated in 0.12 s" comment changes on every request is
    the same page to every judgement, and must not cost a full crawl each night. Pages only;
    any difference in what they read as (a word, a link, a visitor counter) is a change."""
    _, _, _, final_url, sha256, _, _ = sentinel
    if sha256 is None or (result.final_url or result.url) != final_url:
        return False
    reading = page_reading(result)
    return reading is not None and reading == memory.stored(
        sha256, reading_url(DocumentKind.HTML, final_url)
    )


async def revisit(
    fetcher: Fetcher,
    memory: StoredMemory,
    memo: ItemMemo,
    previous: Run | None,
    checklist: Checklist,
    context: str | None,
    settings: Settings,
) -> Revisited | None:
    """The last run's verdicts, when its site can be revisited and nothing they rest on
    changed; None means: crawl. What was fetched is kept in ``memory`` for that crawl."""
    record = previous.revisit if previous is not None else None
    every = settings.crawl.full_every_days
    if (
        previous is None
        or not memory.reuse
        or every <= 0
        or context is None
        or settings.render.screenshots  # taken per run, of tonight's pages
        or not isinstance(record, dict)
        or record.get("format") != REVISIT_FORMAT
        or record.get("context") != context
        or previous.site_status != SiteStatus.OK
        or _due(record, every)
    ):
        return None
    memos = {item.id: memo.previous(item.id) for item in checklist.items}
    standing = {item_id: m for item_id, m in memos.items() if m is not None and "result" in m}
    if len(standing) != len(checklist.items):
        return None  # an item judged incompletely last time is judged again
    sentinels: list[list[Any]] = record.get("sentinels") or []
    if not sentinels:
        return None
    deadline = time.monotonic() + settings.crawl.site_deadline

    async def same(sentinel: list[Any]) -> bool:
        url, _, _, final_url, sha256, etag, modified = sentinel
        conditional = sha256 is not None and final_url == url and bool(etag or modified)
        result = await fetcher.fetch(
            url, deadline=deadline, validators=(etag, modified) if conditional else None
        )
        memory.prefetched[url] = result
        return _unchanged(sentinel, result) or _reads_the_same(sentinel, result, memory)

    if not all(await asyncio.gather(*(same(s) for s in sentinels))):
        return None
    return Revisited(
        previous,
        [_result_from_json(m["result"]) for m in standing.values()],
        {item_id: json.dumps(m, ensure_ascii=False) for item_id, m in standing.items()},
        record,
        len(sentinels),
    )
