"""Hosting rules: what counts as on the main website."""

from __future__ import annotations

from oitwatch.checklist import load_checklist
from oitwatch.checklist.locate import linked_documents, off_site_evidence
from oitwatch.crawler.outcomes import Outcome
from oitwatch.documents.html import parse_html
from oitwatch.documents.model import Document
from oitwatch.documents.resource import Resource
from oitwatch.text.urls import same_site


def _page(body: str) -> Resource:
    url = "https://www.tambon.go.th/ita/o21"
    return Resource(
        url=url,
        outcome=Outcome.OK,
        final_url=url,
        document=parse_html(f"<html><body>{body}</body></html>", url),
    )


def on_site(url: str) -> bool:
    return same_site(url, "tambon.go.th")


def test_viewer_iframe_counts_when_the_file_is_on_the_main_site() -> None:
    page = _page(
        "<iframe src='https://docs.google.com/viewer?url=https://tambon.go.th/files/nogift.pdf&embedded=true'></iframe>"
    )
    assert linked_documents(page, on_site) == ["https://tambon.go.th/files/nogift.pdf"]
    assert off_site_evidence(load_checklist().item("O21"), page, on_site) == []


def test_viewer_iframe_of_an_off_site_file_is_off_site() -> None:
    page = _page(
        "<iframe src='https://drive.google.com/file/d/abc/preview'></iframe>"
        "<a href='https://drive.google.com/file/d/abc/view'>ประกาศ No Gift Policy</a>"
    )
    assert linked_documents(page, on_site) == []
    assert off_site_evidence(load_checklist().item("O21"), page, on_site) == [
        "https://drive.google.com/file/d/abc/view",
        "https://drive.google.com/file/d/abc/preview",
    ]


def test_www_and_scheme_variants_are_the_main_site() -> None:
    assert on_site("http://tambon.go.th/a") and on_site("https://www.tambon.go.th/b")
    assert not on_site("https://tambon.in.th/a")


# -- ITA pages of real CMS layouts, crawled from loopback fixture sites (issue 15) ----------

import asyncio  # noqa: E402
from collections.abc import Iterator  # noqa: E402

import pytest  # noqa: E402

from oitwatch.checklist.locate import CandidateIndex, declared_from_ita_pages  # noqa: E402
from oitwatch.config import CrawlSettings  # noqa: E402
from oitwatch.crawler.fetcher import Fetcher  # noqa: E402
from oitwatch.pipeline.crawl import SiteCrawl, SiteCrawler  # noqa: E402
from oitwatch.pipeline.site import _priority_words  # noqa: E402
from tests.fixtures.ita_layouts import LAYOUTS, Expected  # noqa: E402
from tests.support.server import FixtureSite  # noqa: E402

CHECKLIST = load_checklist(2568)
FAST = CrawlSettings(delay=0, per_host=4, retries=0, read_timeout=5, total_timeout=10)


def crawl_site(url: str) -> SiteCrawl:
    async def run() -> SiteCrawl:
        async with Fetcher(FAST) as fetcher:
            crawler = SiteCrawler(
                fetcher,
                url,
                _priority_words(CHECKLIST),
                render_mode="never",
                fiscal_year=CHECKLIST.fiscal_year,
            )
            return await crawler.crawl()

    return asyncio.run(run())


@pytest.fixture(scope="module", params=sorted(LAYOUTS))
def layout(request: pytest.FixtureRequest) -> Iterator[tuple[str, FixtureSite, Expected]]:
    site = FixtureSite("127.0.0.1", {}).start()
    routes, expected = LAYOUTS[request.param](site.url)
    site.routes.update(routes)
    absolute = {
        item: [u if u.startswith("http") else site.url + u for u in urls]
        for item, urls in expected.items()
    }
    yield request.param, site, absolute
    site.stop()


def test_every_declared_row_maps_to_its_item_with_this_years_url(
    layout: tuple[str, FixtureSite, Expected],
) -> None:
    name, site, expected = layout
    crawl = crawl_site(site.url + "/")
    declared = declared_from_ita_pages(crawl.resources.values(), CHECKLIST, crawl.anchors)
    got = {item: [d.url for d in links] for item, links in declared.items()}
    assert got == expected, name
    for links in declared.values():
        for link in links:
            assert link.source == "ita_row" and link.row_label and link.page.startswith(site.url)


def test_discovery_ties_between_years_go_to_the_assessed_year() -> None:
    from tests.fixtures.ita_layouts import YEAR_TIES_FIRST

    site = FixtureSite("127.0.0.1", {}).start()
    try:
        site.routes.update(LAYOUTS["year_ties"](site.url)[0])
        crawl = crawl_site(site.url + "/")
    finally:
        site.stop()
    index = CandidateIndex(CHECKLIST, crawl.resources, crawl.anchors, crawl.is_main_site)
    first = {item: index.candidates(item)[0].url for item in YEAR_TIES_FIRST}
    assert first == {item: site.url + path for item, path in YEAR_TIES_FIRST.items()}


def test_detail_page_files_are_declared_with_the_detail_page_as_where() -> None:
    site = FixtureSite("127.0.0.1", {}).start()
    try:
        routes, _ = LAYOUTS["detail_pages"](site.url)
        site.routes.update(routes)
        crawl = crawl_site(site.url + "/")
    finally:
        site.stop()
    declared = declared_from_ita_pages(crawl.resources.values(), CHECKLIST, crawl.anchors)
    o5 = declared["O5"]
    assert {d.page for d in o5} == {f"{site.url}/Pages/ita_detail/105"}
    assert all(d.from_detail_page and d.row_label.startswith("O5 แผนพัฒนา") for d in o5)
    # The template's downloads widget is on every detail page: nobody's evidence.
    assert not any("widget" in d.url for links in declared.values() for d in links)


# -- discovery ---------------------------------------------------------------------------


def _resource(url: str, title: str, body: str = "") -> Resource:
    return Resource(
        url=url,
        outcome=Outcome.OK,
        final_url=url,
        document=parse_html(
            f"<html><head><title>{title}</title></head><body>{body}</body></html>", url
        ),
    )


def _index(resources: list[Resource], anchors: dict[str, dict[str, str]]) -> CandidateIndex:
    return CandidateIndex(
        CHECKLIST, {r.url: r for r in resources}, anchors, lambda u: u.startswith("https://t.go.th")
    )


def test_year_tie_goes_to_the_assessed_year() -> None:
    older = "https://t.go.th/a/1"
    newer = "https://t.go.th/download/annual-operating-plan-2568"
    for order in ([older, newer], [newer, older]):
        anchors = {
            url: {f"แผนการดำเนินงานประจำปี {'2567' if url == older else '2568'}": "https://t.go.th/"}
            for url in order
        }
        assert [c.url for c in _index([], anchors).candidates("O6")][:2] == [newer, older]


def test_headings_the_template_repeats_name_no_page() -> None:
    box = "<div class='box'><h3>ข่าวประชาสัมพันธ์</h3></div>"
    pages = [
        _resource(f"https://t.go.th/p/{n}", f"หน้า {n}", f"<h1>เรื่อง {n}</h1>{box}") for n in range(5)
    ]
    news = _resource("https://t.go.th/news", "ข่าวประชาสัมพันธ์", "<h1>ข่าวประชาสัมพันธ์</h1>")
    urls = [c.url for c in _index([*pages, news], {}).candidates("O4")]
    assert urls == ["https://t.go.th/news"]


def test_participation_posts_are_o20_candidates() -> None:
    post = _resource(
        "https://t.go.th/news/88",
        "องค์การบริหารส่วนตำบลตัวอย่างจัดประชุมประชาคมหมู่บ้านเพื่อจัดทำแผนพัฒนาท้องถิ่น 2568",
        "<h1>เวทีรับฟังความคิดเห็นเพื่อทบทวนแผนพัฒนาท้องถิ่น</h1><p>วันที่ 12 มีนาคม 2568</p>",
    )
    plan = _resource("https://t.go.th/plan", "แผนพัฒนาท้องถิ่น (พ.ศ. 2566-2570)")
    index = _index([post, plan], {})
    assert [c.url for c in index.candidates("O20")] == ["https://t.go.th/news/88"]
    assert [c.url for c in index.candidates("O5")] == ["https://t.go.th/plan"]


def test_a_file_name_names_its_item() -> None:
    url = "https://t.go.th/uploads/2568/no_gift_policy_2568.pdf"
    index = _index([], {url: {"ดาวน์โหลด": "https://t.go.th/"}})
    assert [c.url for c in index.candidates("O21")] == [url]
    assert not any(index.candidates(i.id) for i in CHECKLIST.items if i.id != "O21")


def test_a_page_with_words_of_its_own_is_evidence_not_a_detail_page() -> None:
    from oitwatch.checklist.locate import detail_page_files

    people = "".join(
        f"<p>นายสมชาย ใจดี{n} ตำแหน่ง รองนายกองค์การบริหารส่วนตำบล โทร 081-000-{n:04d} "
        "มีหน้าที่กำกับดูแลงานด้านการศึกษาและสวัสดิการสังคม</p>"
        for n in range(12)
    )
    file = "<a href='/uploads/order.pdf'>ดาวน์โหลดคำสั่งแบ่งงาน</a>"
    thick = _resource("https://t.go.th/executives", "คณะผู้บริหาร", people + file)
    thin = _resource("https://t.go.th/detail/2", "อบต.ตัวอย่าง", "<h1>O2 ข้อมูลผู้บริหาร</h1>" + file)
    assert detail_page_files(thick) == []
    assert detail_page_files(thin) == ["https://t.go.th/uploads/order.pdf"]


def test_detail_pages_are_fetched_beyond_the_page_budget() -> None:
    site = FixtureSite("127.0.0.1", {}).start()
    try:
        routes, expected = LAYOUTS["detail_pages"](site.url)
        site.routes.update(routes)

        async def run() -> SiteCrawl:
            async with Fetcher(FAST.model_copy(update={"max_pages": 8})) as fetcher:
                crawler = SiteCrawler(
                    fetcher, site.url + "/", _priority_words(CHECKLIST), render_mode="never"
                )
                return await crawler.crawl()

        crawl = asyncio.run(run())
    finally:
        site.stop()
    declared = declared_from_ita_pages(crawl.resources.values(), CHECKLIST, crawl.anchors)
    assert {k: [d.url for d in v] for k, v in declared.items()} == {
        k: [u if u.startswith("http") else site.url + u for u in v] for k, v in expected.items()
    }
    # The budget went on the crawl; the 28 detail pages were fetched after it.
    assert sum(1 for url in crawl.resources if "/Pages/ita_detail/" in url) == 28


def test_a_detail_page_names_its_item_or_lives_under_an_ita_path() -> None:
    """Only a page that says it is about an item is read as a per-item detail page: an
    ordinary short page (an e-service page offering forms) stays the evidence itself."""
    from oitwatch.checklist.locate import _about_an_item

    def page(title: str) -> Document:
        return parse_html(f"<html><head><title>{title}</title></head><body></body></html>", "x")

    assert _about_an_item(page("o5 แผนพัฒนาท้องถิ่น"), "http://a.go.th/Pages/content/55")
    assert _about_an_item(page("ข้อ 5 แผนพัฒนาท้องถิ่น"), "http://a.go.th/page/55")
    assert _about_an_item(page("แผนพัฒนาท้องถิ่น"), "http://a.go.th/Pages/ita_year_detail/55")
    assert not _about_an_item(page("E-Service"), "http://a.go.th/eservice.php")
    assert not _about_an_item(page("แผนพัฒนา"), "http://a.go.th/capital/plan")
