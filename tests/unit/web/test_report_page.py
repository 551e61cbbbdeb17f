"""The report page as a webmaster reads it, in Chromium: on a 375 px phone and a 1280 px
desktop, the "only items to fix" filter with and without script, and Thai first (no internal
word on a Thai page, the forbidden words taken from the code's own ids)."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from oitwatch.checklist.findings import Status
from oitwatch.checklist.loader import available_years, load_checklist
from oitwatch.documents.model import Cue
from oitwatch.pipeline.site import Progress, check_site
from oitwatch.storage import RunStatus, open_database
from oitwatch.web.jobs import Job, JobState
from tests.support.server import FixtureSite
from tests.unit.web.helpers import (
    CHROMIUM,
    CHROMIUM_ARGS,
    Server,
    in_thread,
    settings_for,
    store,
)

LONG_PATH = "index.php?option=com_content&view=article&id=" + "7" * 60
DOCS = Path(__file__).parents[3] / "docs"
# Set to write docs/report-375.png and docs/report-1280.png too (scripts/screenshots.py does).
DOCS_ENV = "OITWATCH_DOCS_SCREENSHOTS"


@dataclass(frozen=True)
class Served:
    base: str
    good: int  # a site with passing and failing items
    down: int  # a site that could not be opened
    long: int  # long URLs with no break in them, in the evidence and inside the fix


@pytest.fixture(scope="module")
def served(
    tmp_path_factory: pytest.TempPathFactory, good: FixtureSite, unreachable_url: str
) -> Iterator[Served]:
    tmp = tmp_path_factory.mktemp("report")
    settings = settings_for(tmp, allow_loopback=True)
    db = open_database(settings.database_url)
    try:
        good_id = in_thread(lambda: check_site(good.url, settings, db)).site_id
        down_id = in_thread(lambda: check_site(unreachable_url, settings, db)).site_id
        long_id = store(
            db,
            f"http://www.{'long' * 12}.go.th/{LONG_PATH}/",
            {"O1": Status.BROKEN, "O2": Status.MISSING},
            fix=f"แก้ลิงก์ในหน้าเอกสารที่ http://www.{'long' * 12}.go.th/{LONG_PATH} ให้เปิดได้",
        )
    finally:
        db.close()
    with Server(settings) as base:
        yield Served(base, good_id, down_id, long_id)


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _page(chromium: Browser, width: int, script: bool = True) -> Page:
    return chromium.new_page(
        viewport={"width": width, "height": 800}, java_script_enabled=script, locale="th-TH"
    )


def _visible_statuses(page: Page) -> list[str]:
    return page.locator("li.card").evaluate_all(
        "cards => cards.filter(c => c.offsetParent !== null).map(c => c.dataset.status)"
    )


@pytest.mark.parametrize("width", [375, 1280])
def test_the_report_fits_the_screen_with_counts_first_and_the_fix_before_the_evidence(
    served: Served, chromium: Browser, width: int, tmp_path: Path
) -> None:
    page = _page(chromium, width)
    page.goto(f"{served.base}/sites/{served.good}")
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth"), width
    # No element is wider than the screen either (an overflow hidden by a wrapper still is one).
    widest = page.evaluate(
        "Math.max(...[...document.querySelectorAll('main *')].map(e => e.getBoundingClientRect().right))"
    )
    assert widest <= width

    statuses = page.locator("li.card").evaluate_all("cs => cs.map(c => c.dataset.status)")
    assert len(statuses) == 28
    counts = {
        li.get_attribute("data-status"): int(li.locator(".n").inner_text())
        for li in page.locator(".counts li").all()
    }
    assert counts == {s: statuses.count(s) for s in set(statuses)}
    assert len(counts) >= 2  # the fixture site has passing and failing items
    to_fix = sum(n for s, n in counts.items() if s != Status.PASS.value)
    assert page.locator(".tofix").inner_text() == f"ต้องแก้ {to_fix} ข้อ จากทั้งหมด 28 ข้อ"
    # The summary comes before the first card; in a card to fix, the fix before the evidence.
    assert page.evaluate(
        "document.querySelector('.summary').compareDocumentPosition(document.querySelector('li.card')) & 4"
    )
    first_fix = page.locator('li.card:not([data-status="pass"])').first
    order = first_fix.evaluate(
        "c => [...c.children].map(e => e.className.split(' ')[0]).filter(n => n)"
    )
    assert order.index("fix") < order.index("evidence"), order

    # Thai is broken between words by the browser: no rule may cut or glue its words.
    breaks = page.evaluate(
        "[...document.querySelectorAll('body *')].map(e => getComputedStyle(e).wordBreak)"
    )
    assert not {"keep-all", "break-all"} & set(breaks)
    assert page.locator("li.card .fix").first.evaluate("e => getComputedStyle(e).overflowWrap") == (
        "normal"
    )
    assert page.locator("a.url").first.evaluate("e => getComputedStyle(e).overflowWrap") == (
        "anywhere"
    )

    shot = tmp_path / f"report-{width}.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    if os.environ.get(DOCS_ENV):
        shutil.copy(shot, DOCS / shot.name)

    # Long URLs with no break in them, in the evidence and inside a Thai fix, still fit.
    page.goto(f"{served.base}/sites/{served.long}")
    assert "id=777" in page.locator("li.card .fix").first.inner_text()
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth"), width
    page.close()


def test_the_filter_hides_passing_items_without_a_round_trip(
    served: Served, chromium: Browser
) -> None:
    page = _page(chromium, 375)
    page.goto(f"{served.base}/sites/{served.good}")
    everything = _visible_statuses(page)
    assert Status.PASS.value in everything
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.get_by_role("button", name="แสดงเฉพาะรายการที่ต้องแก้").click()
    shown = _visible_statuses(page)
    assert shown and Status.PASS.value not in shown
    assert len(shown) == len([s for s in everything if s != Status.PASS.value])
    assert requests == []  # no round trip
    assert page.url.endswith("?only=fix")  # the address says it: a reload keeps the filter
    page.get_by_role("button", name="แสดงทุกข้อ").click()
    assert _visible_statuses(page) == everything
    page.close()


def test_the_filter_works_as_a_link_without_script(served: Served, chromium: Browser) -> None:
    page = _page(chromium, 375, script=False)
    page.goto(f"{served.base}/sites/{served.good}")
    page.get_by_role("link", name="แสดงเฉพาะรายการที่ต้องแก้").click()
    page.wait_for_url("**?only=fix")
    shown = _visible_statuses(page)
    assert shown and Status.PASS.value not in shown
    page.get_by_role("link", name="แสดงทุกข้อ").click()
    assert Status.PASS.value in _visible_statuses(page)
    page.close()


def test_an_unreachable_site_is_said_once(served: Served, chromium: Browser) -> None:
    page = _page(chromium, 375)
    page.goto(f"{served.base}/sites/{served.down}")
    assert page.locator("li.card").count() == 0  # not 28 identical cards
    block = page.locator(".down")
    assert block.count() == 1
    text = block.inner_text()
    assert "เปิดเว็บไซต์หลักไม่ได้" in text and "วิธีแก้" in text and "ทั้ง 28 ข้อ" in text
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")
    page.close()


# -- Thai first ---------------------------------------------------------------------------------


_LATIN_WORD = re.compile(r"[A-Za-z_][A-Za-z_-]*")


def _thai_texts() -> list[str]:
    """What the checklists themselves say in Thai: headings, element names, fixes."""
    return [
        text
        for year in available_years()
        for item in load_checklist(year).items
        for text in [item.heading_th, item.fix_th, *(e.th for e in item.elements)]
    ]


def _forbidden() -> set[str]:
    """Internal words a Thai page must not show, from the code itself: every element id of
    every checklist, every item status, run status, job state, check phase and structure cue;
    less the few the checklists' own Thai uses ("QR code", "E-Service")."""
    checklists = [load_checklist(year) for year in available_years()]
    words = {element.id for c in checklists for item in c.items for element in item.elements}
    words |= {s.value for s in Status} | {s.value for s in RunStatus} | {s.value for s in JobState}
    words |= {Progress().phase, Job(0, "").phase} | {c.value for c in Cue}
    words |= set(re.findall(r'phase = "(\w+)"', Path(check_site.__code__.co_filename).read_text()))
    thai_usage = {word for text in _thai_texts() for word in _LATIN_WORD.findall(text)}
    return {w.lower() for w in words} - {w.lower() for w in thai_usage}


def _words_on(page: Page) -> str:
    """The page's text as read, without what it quotes from the site (URLs, host names, the
    snippets in <q>): those are the site's words, not the page's."""
    page.locator("q").evaluate_all("qs => qs.forEach(q => q.remove())")
    text = page.locator("body").inner_text()
    return re.sub(r"(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)+\b", " ", text)


_ENGLISH_SENTENCE = re.compile(r"[A-Za-z][a-z']+(?:[ ,]+[A-Za-z][a-z']+){2,}")


def test_thai_pages_show_no_internal_word_and_no_english_sentence(
    served: Served, chromium: Browser
) -> None:
    forbidden, thai_texts = _forbidden(), _thai_texts()
    assert {"running", "crawl", "judge", "map", "off_site", "completed", "queued"} <= forbidden
    page = _page(chromium, 1280)
    pages = [
        f"/sites/{served.good}",
        f"/sites/{served.good}?only=fix",
        f"/sites/{served.down}",
        "/dashboard",
        "/",
        f"/sites/{served.good}/forget",
        "/sites/999999",  # an error page
    ]
    for path in pages:
        page.goto(served.base + path)
        page.locator("details").evaluate_all("ds => ds.forEach(d => d.open = true)")
        text = _words_on(page)
        latin = {w.lower() for w in _LATIN_WORD.findall(text)}
        assert not latin & forbidden, (path, latin & forbidden)
        english = [
            found
            for found in _ENGLISH_SENTENCE.findall(text)
            if not any(found in thai for thai in thai_texts)  # "No Gift Policy" is Thai usage
        ]
        assert not english, (path, english)
        assert re.search("[ก-๙]{20}", text), path  # and it is in Thai

    # The same pages in English do say things in English: the check above can fail.
    page.goto(f"{served.base}/sites/{served.good}?lang=en")
    assert _ENGLISH_SENTENCE.findall(_words_on(page))
    page.close()


def test_a_jobs_state_is_said_in_words(served: Served, good: FixtureSite) -> None:
    with httpx.Client(base_url=served.base) as client:
        job = client.post("/check", data={"url": good.url}).headers["location"]
        thai = client.get(job + ".json").json()
        assert thai["state_label"] in ("รอคิว", "กำลังตรวจ", "ตรวจเสร็จแล้ว")
        assert not re.search("[A-Za-z]", thai["state_label"] + thai["phase_label"])
        english = client.get(job + ".json?lang=en").json()
        assert english["state"] in {s.value for s in JobState}  # programs keep the raw value
        assert re.fullmatch("[a-z ]+", english["state_label"])
