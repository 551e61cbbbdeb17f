"""The second night for free: what a check reuses from the site's last completed run.

* ``StoredMemory`` gives the crawler the last run's validators (for conditional GETs) and the
  stored readings of unchanged bytes (documents/derived.py), so nothing unchanged is parsed.
* ``ItemMemo`` re-judges an item only when one of its inputs changed: the links declared for
  it, its candidates, the site's cues, the code that judges, and every resource judging
  opened (URL, outcome, content hash). Each item's inputs are stored beside its result.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Awaitable, Callable
from functools import cache
from pathlib import Path
from typing import Any

from oitwatch.checklist.evaluate import ItemEvaluator, SiteView
from oitwatch.checklist.findings import ElementFinding, EvidenceSource, ItemResult, Status
from oitwatch.checklist.model import Item
from oitwatch.crawler.outcomes import Outcome
from oitwatch.documents.derived import derived_key, parser_version, reading_url
from oitwatch.documents.resource import Prior, Resource
from oitwatch.storage import Database


class StoredMemory:
    """The site's last completed run, for conditional GETs and reuse (see pipeline/crawl.py).
    With ``reuse`` off (``--full``) nothing is reused, but what is read is still stored."""

    def __init__(self, db: Database, site_id: int, run_id: int, reuse: bool) -> None:
        self._db = db
        self.reuse = reuse
        self._prior = db.previous_resources(site_id, run_id) if reuse else {}
        self._last: tuple[str, bytes | None] = ("", None)

    def prior(self, url: str) -> Prior | None:
        return self._prior.get(url)

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
        return result
