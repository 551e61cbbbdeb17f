"""What a crawl keeps whole of each document (pipeline/crawl.py, SiteCrawler._slim): the files
an ITA row declares are slimmed like any other file; the detail pages it declares stay whole
for locating; judging keeps whole only what an item being judged holds."""

from __future__ import annotations

import asyncio

from oitwatch.checklist.loader import load_checklist
from oitwatch.checklist.locate import declared_from_ita_pages
from oitwatch.config import CrawlSettings
from oitwatch.crawler.fetcher import Fetcher
from oitwatch.crawler.outcomes import FetchResult
from oitwatch.documents.model import DocumentKind
from oitwatch.documents.resource import Prior
from oitwatch.pipeline.crawl import SiteCrawler
from oitwatch.pipeline.site import _priority_words
from tests.fixtures.ita_layouts import LAYOUTS
from tests.support.server import FixtureSite

CHECKLIST = load_checklist(2568)
FAST = CrawlSettings(delay=0, per_host=4, retries=0, read_timeout=5, total_timeout=10)


class _Readings:
    """Storage's part of a check, in memory: the readings this check stored."""

    def __init__(self) -> None:
        self.readings: dict[tuple[str, str], bytes] = {}

    def prior(self, url: str) -> Prior | None:
        return None

    def derived(self, sha256: str, url: str) -> bytes | None:
        return None  # a first night: everything is read

    def stored(self, sha256: str, url: str) -> bytes | None:
        return self.readings.get((sha256, url))

    def take(self, url: str) -> FetchResult | None:
        return None


def test_declared_files_are_slim_detail_pages_whole_and_judging_restores_both() -> None:
    site = FixtureSite("127.0.0.1", {}).start()
    try:
        routes, expected = LAYOUTS["entry_years"](site.url)
        site.routes.update(routes)

        async def run() -> None:
            async with Fetcher(FAST) as fetcher:
                crawler = SiteCrawler(
                    fetcher,
                    site.url + "/",
                    _priority_words(CHECKLIST),
                    render_mode="never",
                    fiscal_year=CHECKLIST.fiscal_year,
                    memory=_Readings(),
                )
                crawl = await crawler.crawl()
                declared = declared_from_ita_pages(
                    crawl.resources.values(), CHECKLIST, crawl.anchors
                )
                # Locating found every declared file through the whole detail pages.
                assert {k: [d.url for d in v] for k, v in declared.items()} == {
                    k: [u if u.startswith("http") else site.url + u for u in v]
                    for k, v in expected.items()
                }
                targets = crawler._declared_targets
                pages = [r for u, r in crawl.resources.items() if u in targets and r.document]
                files = [
                    r
                    for r in crawl.resources.values()
                    if r.document is not None and r.document.kind is DocumentKind.PDF
                ]
                # Its rows link files directly, and a page.
                assert pages and any(r.url in targets for r in files)
                assert not any(r.slim for r in pages if r.document.kind is DocumentKind.HTML)
                assert all(r.slim and not r.document.text for r in files)

                # Judging: an item holds a file (read again whole); a second item holds it
                # too; it is slimmed once both are judged, and read again when asked.
                file = files[0]
                restored = await crawler.fetch_resource(file.url)
                assert restored is file and not file.slim and file.document.text
                text = file.document.text
                crawler.hold(file)
                crawler.hold(file)
                crawler.release([file])
                assert not file.slim
                crawler.release([file])
                assert file.slim and not file.document.text
                crawler.hold(file)  # one another item released before this one got to it
                assert not file.slim and file.document.text == text
                crawler.release([file])
                # A detail page is slimmed once judged: locating is over.
                page = next(r for r in pages if r.document.kind is DocumentKind.HTML)
                crawler.hold(page)
                crawler.release([page])
                assert page.slim

        asyncio.run(run())
    finally:
        site.stop()
