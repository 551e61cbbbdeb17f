"""One check of one website, end to end: crawl, locate, judge, store. Shared by the CLI and
(later) the scheduler and the web UI."""

from __future__ import annotations

import asyncio
import csv
import dataclasses
import io
import logging
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from oitwatch.checklist import Checklist, Item, load_checklist
from oitwatch.checklist.evaluate import ItemEvaluator, SiteView, unreachable_results
from oitwatch.checklist.findings import ItemResult, SiteStatus, Status
from oitwatch.checklist.loader import form_for
from oitwatch.checklist.locate import (
    CandidateIndex,
    Declared,
    DeclaredLink,
    declared_from_ita_pages,
)
from oitwatch.checklist.score import ScoreEstimate, estimate
from oitwatch.config import Settings
from oitwatch.config.registry import SiteEntry
from oitwatch.config.settings import OcrSettings, RenderMode
from oitwatch.crawler.fetcher import Fetcher
from oitwatch.crawler.outcomes import Outcome
from oitwatch.crawler.render import Renderer
from oitwatch.documents.errors import UnreadableDocument, UnreadableReason
from oitwatch.documents.isolate import configure as configure_documents
from oitwatch.documents.model import DocumentKind
from oitwatch.documents.ocr import OcrEngine, ScanReader
from oitwatch.documents.resource import Resource
from oitwatch.errors import CheckAborted, ConfigError
from oitwatch.pipeline import capabilities
from oitwatch.pipeline.crawl import CrawlStats, SiteCrawler
from oitwatch.pipeline.incremental import (
    ItemMemo,
    StoredMemory,
    revisit,
    revisit_context,
    revisit_record,
)
from oitwatch.storage import Database, RunStatus
from oitwatch.text.thai import thai_digits_to_arabic
from oitwatch.text.urls import normalise_url

RESOURCE_BATCH = 200
log = logging.getLogger(__name__)
INTERNAL_ERROR_TH = "เกิดข้อผิดพลาดภายในโปรแกรมขณะตรวจข้อนี้ โปรดแจ้งผู้พัฒนา"
INTERNAL_ERROR_EN = "internal error, please report"
T = TypeVar("T")
_ITEM_LABEL = re.compile(r"^\s*(?:ข้อ\s*)?[oO]?\s*0*(\d{1,2})\s*$")


@dataclass
class Progress:
    pages: int = 0
    failures: int = 0
    last_url: str = ""
    phase: str = "crawl"


@dataclass
class CheckReport:
    """What one check found, as the pipeline hands it on. How it is shown (JSON, tables, CSV)
    is the present layer's: present.model.view_from_check."""

    site: str
    checklist: Checklist
    site_status: SiteStatus
    pages_fetched: int
    items: list[ItemResult]
    estimate: ScoreEstimate
    run_id: int
    notes: list[str] = field(default_factory=list)
    site_id: int = 0
    pages_rendered: int = 0
    form_note: str = ""  # which form was used and why (the year in force, or pinned)
    weakened: dict[str, list[str]] = field(default_factory=dict)  # item -> capabilities missing

    @property
    def all_pass(self) -> bool:
        return all(item.status is Status.PASS for item in self.items)


def normalise_site_url(raw: str) -> str:
    """Accept what people type (no scheme, trailing spaces); refuse what is not a web address."""
    text = raw.strip()
    if not text:
        raise CheckAborted("no website address given")
    if "://" not in text:
        text = "http://" + text
    url = normalise_url(text)
    if url is None or ("." not in (url.split("/")[2]) and not url.split("/")[2].startswith("[")):
        raise CheckAborted(
            f"not a website address: {raw!r} (expected e.g. https://www.example.go.th)"
        )
    return url


def read_declared(path: Path, checklist: Checklist) -> Declared:
    """A CSV of item,url rows, as submitted to the assessment system."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read declared-URL file {path}: {exc}") from exc
    declared: Declared = {}
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:  # e.g. a cell past the csv module's 128 kB limit
        raise ConfigError(f"declared-URL file {path}: {exc}") from None
    for line_no, row in enumerate(rows, start=1):
        if not row or not "".join(row).strip():
            continue
        if len(row) < 2:
            raise ConfigError(f"{path}:{line_no}: expected 'item,url', got {row!r}")
        label, raw_url = row[0].strip(), row[1].strip()
        match = _ITEM_LABEL.match(thai_digits_to_arabic(label))
        if match is None:
            if line_no == 1:
                continue  # a header row
            raise ConfigError(f"{path}:{line_no}: {label!r} is not an item label such as O5")
        number = int(match.group(1))
        if not 1 <= number <= len(checklist.items):
            raise ConfigError(f"{path}:{line_no}: no item O{number} in {checklist.id}")
        url = normalise_url(raw_url)
        if url is None:
            raise ConfigError(f"{path}:{line_no}: {raw_url!r} is not an http(s) URL")
        declared.setdefault(f"O{number}", []).append(
            DeclaredLink(url, "declared_file", label, str(path))
        )
    return declared


@asynccontextmanager
async def _nothing(value: T) -> AsyncIterator[T]:
    """A shared resource in the place of one the check would own: not closed here."""
    yield value


def _rendering_notes(stats: CrawlStats, renderer: Renderer, mode: RenderMode) -> list[str]:
    if not stats.needed_rendering or stats.rendered:
        return []
    why_th, why_en = (
        ("ปิดการแสดงผลหน้าเว็บไว้", "rendering is off (--render never)")
        if mode is RenderMode.NEVER
        else (
            "ไม่มีเบราว์เซอร์ Chromium",
            f"no browser: {renderer.unavailable or 'Chromium is not installed'}",
        )
    )
    # "Thai / English", as every note: screens show the reader's half (present/labels.py).
    return [
        f"มี {stats.needed_rendering} หน้าที่สร้างด้วย JavaScript ซึ่งไม่ได้แสดงผล ({why_th})"
        " ข้อที่อยู่บนหน้าเหล่านั้นอาจถูกรายงานว่าไม่พบ /"
        f" {stats.needed_rendering} page(s) are built by JavaScript and were not rendered ({why_en}):"
        " items on them may be reported missing"
    ]


async def _screenshots(
    results: list[ItemResult],
    renderer: Renderer,
    on_site: Callable[[str], bool],
    settings: Settings,
    run_id: int,
) -> None:
    """A PNG of each item's evidence page, beside the run, so a webmaster sees what was seen."""
    folder = Path(settings.render.screenshots_dir) / f"run-{run_id}"
    for result in results:
        url = result.url
        if url is None or not on_site(url) or url.lower().endswith(_NOT_PAGES):
            continue
        path = folder / f"{result.id}.png"
        if await renderer.screenshot(url, path, on_site):
            result.screenshot = str(path)


_NOT_PAGES = (".pdf", ".docx", ".xlsx", ".csv", ".doc", ".xls", ".png", ".jpg", ".jpeg")


def ocr_engine(ocr: OcrSettings) -> OcrEngine:
    """Tesseract as the settings configure it (a check's reader and a fleet worker's)."""
    return OcrEngine(
        ocr.languages, max_pages=ocr.max_pages, page_timeout=ocr.page_timeout, dpi=ocr.dpi
    )


def _scan_reader(settings: Settings, db: Database) -> ScanReader | None:
    if not settings.ocr.enabled:
        return None
    engine = ocr_engine(settings.ocr)
    return ScanReader(engine, db) if engine.available() else None


def _evidence_fetcher(
    crawler: SiteCrawler, fetcher: Fetcher, reader: ScanReader | None
) -> Callable[[str], Awaitable[Resource]]:
    """Resources for the evaluator: from the crawl, with scans read by OCR when they are evidence."""

    async def fetch(url: str) -> Resource:
        resource = await crawler.fetch_resource(url)
        if reader is None and resource.unreadable is UnreadableReason.NO_TEXT:
            capabilities.note_loss("ocr")
        if (
            reader is None
            or resource.unreadable is not UnreadableReason.NO_TEXT
            or resource.sha256 is None
        ):
            return resource
        if time.monotonic() >= crawler.deadline:
            crawler.result.out_of_time = True  # OCR takes minutes: not past the time limit
            return resource
        location = resource.final_url or resource.url

        async def load() -> bytes:
            return (await fetcher.fetch(location)).body

        try:
            document = await reader.read(resource.sha256, resource.kind, location, load)
        except UnreadableDocument:
            return resource
        resource.document, resource.unreadable = document, None
        return resource

    return fetch


def _not_reached(results: list[ItemResult], seconds: float) -> int:
    """Past the site's time limit an item found nowhere was not looked for everywhere: say so
    rather than call it missing. (A local hook; evaluate.py knows nothing of time limits.)"""
    count = 0
    for result in results:
        if result.status is Status.MISSING:
            count += 1
            result.status, result.score = Status.UNVERIFIABLE, 0
            result.reason_th = (
                f"ตรวจไม่ถึง: หมดเวลาตรวจเว็บไซต์นี้ ({seconds:.0f} วินาที) ก่อนพบหลักฐานของข้อนี้"
            )
            result.reason_en = (
                f"Not reached: the site's time limit ({seconds:.0f} s) ran out before this "
                "item's evidence was found"
            )
            result.fix_th = (
                "เว็บไซต์ตอบช้าหรือกำหนด Crawl-delay สูง: ตรวจใหม่อีกครั้ง หรือระบุลิงก์หลักฐานในหน้า ITA"
            )
            result.fix_en = (
                "The site answers slowly or asks for a long Crawl-delay: check again, or link "
                "the evidence from the site's ITA page"
            )
    return count


def _priority_words(checklist: Checklist) -> list[str]:
    words = list(checklist.ita_page_synonyms)
    for item in checklist.items:
        words.extend(item.synonyms)
    return words


def _mark_weakened(
    results: list[ItemResult], weakened: dict[str, list[str]], notes: list[str]
) -> None:
    """Say on each item, and once for the report, which verdicts a missing capability weakened."""
    for result in results:
        for capability in weakened.get(result.id, []):
            th, en = capabilities.WEAKENED[capability]
            result.reason_th = f"{result.reason_th} (ตรวจได้ไม่เต็มที่: {th})".strip()
            result.reason_en = f"{result.reason_en} (verdict weakened: {en})".strip()
    for capability in sorted({c for lost in weakened.values() for c in lost}):
        notes.append(capabilities.weakened_warning(capability))


async def _evaluate_item(
    evaluator: ItemEvaluator, item: Item, site: str, weakened: dict[str, list[str]]
) -> ItemResult:
    """One item's verdict. A bug met while judging one item (or one of its resources) costs
    that item, reported as unverifiable with the traceback in the log, not the whole check.
    Capabilities missing while judging it are recorded in ``weakened``."""
    losses: set[str] = set()
    capabilities.current_losses.set(losses)  # this task's own context: the item's losses
    try:
        result = await evaluator.evaluate(item)
        if losses and result.status is not Status.PASS:  # a pass was not weakened
            weakened[item.id] = sorted(losses)
        return result
    except Exception:
        log.exception("internal error while checking %s of %s", item.id, site)
        return ItemResult(
            item.id,
            Status.UNVERIFIABLE,
            None,
            item.heading_th,
            item.gloss_en,
            reason_th=INTERNAL_ERROR_TH,
            reason_en=f"{INTERNAL_ERROR_EN}: the checker failed on this item, not the site",
            fix_th=item.fix_th,
            fix_en=item.fix_en,
        )


async def check_site(
    raw_url: str,
    settings: Settings,
    db: Database,
    *,
    declared_file: Path | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    fetcher: Fetcher | None = None,
    renderer: Renderer | None = None,
    batch_id: int | None = None,
    entry: SiteEntry | None = None,
    scan_reader: ScanReader | None = None,
) -> CheckReport:
    """Check one site and store the run. ``fetcher`` and ``renderer`` are shared when many
    sites are checked in one run (one HTTP client, one browser); otherwise the check makes
    its own. The browser starts only if a page needs it."""
    if fetcher is None or renderer is None:
        async with (
            Fetcher(settings.crawl) if fetcher is None else _nothing(fetcher) as own_fetcher,
            Renderer(settings.render, settings.crawl.user_agent)
            if renderer is None
            else _nothing(renderer) as own_renderer,
        ):
            return await check_site(
                raw_url,
                settings,
                db,
                declared_file=declared_file,
                on_progress=on_progress,
                fetcher=own_fetcher,
                renderer=own_renderer,
                batch_id=batch_id,
                entry=entry,
                scan_reader=scan_reader,
            )
    url = normalise_site_url(raw_url)
    configure_documents(settings.documents.memory_mb, settings.documents.seconds)
    form = form_for(settings)
    checklist = load_checklist(form.year)
    declared_override = read_declared(declared_file, checklist) if declared_file else None
    site = db.site(url, entry)
    run_id = db.start_run(site.id, checklist.id, checklist.fiscal_year, batch_id)
    memory = StoredMemory(db, site.id, run_id, settings.crawl.incremental)
    memo = ItemMemo(db, site.id, run_id, settings.crawl.incremental)
    context = revisit_context(settings, checklist, declared_file)
    progress = Progress()
    pending: list[Resource] = []

    def record(resource: Resource) -> None:
        pending.append(resource)
        progress.pages += resource.outcome is not Outcome.NOT_REACHED
        progress.failures += resource.outcome.failed
        progress.last_url = resource.url
        if len(pending) >= RESOURCE_BATCH:
            flush()
        if on_progress is not None:
            on_progress(progress)

    def flush() -> None:
        db.add_resources(run_id, pending)
        memory.save(pending)
        pending.clear()

    try:
        # A site remembered as built by scripts is crawled and rendered: a revisit only asks
        # "changed since?" of static answers, never renders.
        revisitable = memory.reuse and not site.needs_render
        previous = db.previous_run(site.id, run_id) if revisitable else None
        again = await revisit(fetcher, memory, memo, previous, checklist, context, settings)
        if again is not None:  # nothing the last verdicts rest on changed: they stand
            score = again.stand(db, run_id, checklist)
            progress.pages = again.fetched  # what was fetched tonight: the revalidated URLs
            if on_progress is not None:
                on_progress(progress)
            return CheckReport(
                url,
                checklist,
                again.site_status,
                again.previous.pages_fetched,
                again.results,
                score,
                run_id,
                again.notes,
                site.id,
                form_note=form.note,
            )
        crawler = SiteCrawler(
            fetcher,
            url,
            _priority_words(checklist),
            on_resource=record,
            renderer=renderer,
            render_mode=settings.render.mode,
            js_site=site.needs_render,
            fiscal_year=checklist.fiscal_year,
            memory=memory,
        )
        crawl = await crawler.crawl()
        weakened: dict[str, list[str]] = {}
        notes: list[str] = _rendering_notes(crawl.stats, renderer, settings.render.mode)
        if crawl.reachable and not site.name and crawl.start and crawl.start.document:
            db.name_site(site.id, crawl.start.document.title)  # untrusted text: escaped on display
        # Remember what this crawl saw: script shells, or none (a site that stopped needing it).
        needs_render = crawl.stats.needed_rendering > 0
        if crawl.reachable and needs_render != site.needs_render:
            db.remember_rendering(site.id, needs_render)
        if not crawl.reachable:
            results = unreachable_results(checklist, crawl.start)
            site_status = SiteStatus.UNREACHABLE
        else:
            site_status = SiteStatus.OK
            progress.phase = "judge"
            declared = declared_override
            if declared is None:
                declared = declared_from_ita_pages(
                    crawl.resources.values(), checklist, crawl.anchors
                )
                if declared:
                    notes.append(
                        f"ตรวจ {len(declared)} ข้อจากลิงก์ในหน้า ITA ของเว็บไซต์ /"
                        f" judged {len(declared)} items from the links on the site's ITA page"
                    )
            else:
                notes.append(
                    f"ตรวจ {len(declared)} ข้อจากลิงก์ในไฟล์ {declared_file} /"
                    f" judged {len(declared)} items from {declared_file}"
                )
            # A fleet worker brings its own reader, which hands scans to the OCR queue.
            reader = scan_reader or _scan_reader(settings, db)
            evidence = _evidence_fetcher(crawler, fetcher, reader)
            view = SiteView(
                checklist=checklist,
                fetch=evidence,
                on_site=crawl.is_main_site,
                index=CandidateIndex(checklist, crawl.resources, crawl.anchors, crawl.is_main_site),
                declared=declared,
                site_cues=frozenset().union(
                    *(
                        r.document.cues
                        for r in crawl.documents()
                        if r.document is not None
                        and r.document.kind is DocumentKind.HTML
                        and crawl.is_main_site(r.final_url or r.url)
                    )
                ),
            )
            hosts = sorted(crawl.hosts)

            async def judge_item(item: Item) -> ItemResult:
                held: list[Resource] = []

                async def fetch(url: str) -> Resource:
                    resource = await evidence(url)
                    crawler.hold(resource)  # whole while this item reads it
                    held.append(resource)
                    return resource

                async def judge(item_view: SiteView) -> ItemResult:
                    return await _evaluate_item(ItemEvaluator(item_view), item, url, weakened)

                def reusable(result: ItemResult) -> bool:
                    # A verdict weakened by a missing capability, or cut short by a bug, is
                    # judged again next time, never reused.
                    return item.id not in weakened and not result.reason_th.startswith(
                        INTERNAL_ERROR_TH
                    )

                try:
                    item_view = dataclasses.replace(view, fetch=fetch)
                    return await memo.evaluate(item, item_view, hosts, judge, reusable)
                finally:
                    crawler.release(held)

            results = list(await asyncio.gather(*(judge_item(i) for i in checklist.items)))
            if (
                crawl.stats.needed_rendering
                and not crawl.stats.rendered
                and not renderer.available()
            ):
                for result in results:  # they may be on the pages that could not be read
                    if result.status is Status.MISSING:
                        weakened.setdefault(result.id, []).append("chromium")
            if crawl.out_of_time:
                skipped = _not_reached(results, settings.crawl.site_deadline)
                notes.append(
                    f"หมดเวลาตรวจ ({settings.crawl.site_deadline:.0f} วินาที) ก่อนครบทุกหน้า:"
                    f" {crawl.stats.not_reached} ลิงก์ไม่ได้เปิด {skipped} ข้อตรวจไม่ถึง /"
                    f" time limit ({settings.crawl.site_deadline:.0f} s) reached: "
                    f"{crawl.stats.not_reached} URL(s) not fetched, {skipped} item(s) not reached"
                )
            _mark_weakened(results, weakened, notes)
            if settings.render.screenshots and renderer.available():
                await _screenshots(results, renderer, crawl.is_main_site, settings, run_id)
        notes.append(form.note)  # which form, and why: on every report
        flush()
        score = estimate(checklist, results)
        # Verdicts the next night may let stand if nothing they rest on changes.
        standing = (
            crawl.reachable
            and not crawl.out_of_time
            and not weakened
            and not crawl.stats.needed_rendering
            and len(memo.memos) == len(checklist.items)
        )
        db.finish_run(
            run_id,
            site_status=site_status,
            pages_fetched=progress.pages,
            results=results,
            oit_estimate=score.oit,
            notes=notes,
            memos=memo.memos,
            revisit=revisit_record(crawl, crawler.sentinels(), memo, context) if standing else None,
            weakened=weakened,
            pages_rendered=crawl.stats.rendered,
        )
    except (KeyboardInterrupt, asyncio.CancelledError):
        flush()
        db.end_run(run_id, RunStatus.INTERRUPTED, "interrupted by the user", progress.pages)
        raise
    except Exception as exc:
        flush()
        db.end_run(run_id, RunStatus.FAILED, f"{type(exc).__name__}: {exc}", progress.pages)
        raise
    return CheckReport(
        url,
        checklist,
        site_status,
        progress.pages,
        results,
        score,
        run_id,
        notes,
        site.id,
        crawl.stats.rendered,
        form_note=form.note,
        weakened=weakened,
    )
