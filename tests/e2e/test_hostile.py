"""Acceptance: a loopback site serving hostile files (a PDF page tree that contains itself, a
PDF stream inflating to a gigabyte, DOCX/XLSX zip bombs, a 10-gigapixel PNG) is checked to the
end: a valid JSON report, no traceback, and the whole process tree under 500 MB."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from oitwatch.documents import UnreadableDocument, extract_document
from oitwatch.documents.isolate import DocumentWorker
from tests.fixtures import hostile
from tests.fixtures.documents import pdf
from tests.fixtures.sites import html
from tests.support.cli import start_cli
from tests.support.files import write_declared
from tests.support.server import FixtureSite, Route

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILES = {
    "/loop.pdf": (hostile.pdf_page_loop, PDF),
    "/bomb.pdf": (hostile.pdf_stream_bomb, PDF),
    "/bomb.docx": (hostile.docx_bomb, DOCX),
    "/bomb.xlsx": (hostile.xlsx_bomb, XLSX),
    "/bomb.png": (hostile.png_bomb, "image/png"),
}
LIMIT_MB = 500


@pytest.fixture(scope="module")
def hostile_site() -> Iterator[FixtureSite]:
    links = "".join(f"<a href='{path}'>รายงาน {path}</a>" for path in FILES)
    routes = {
        "/": html("อบต.ไฟล์อันตราย", f"<p>เอกสารเผยแพร่</p>{links}"),
        "/good.pdf": Route(
            pdf(
                [
                    "แผนการดำเนินงาน ประจำปีงบประมาณ พ.ศ. 2568",
                    "โครงการ | งบประมาณ (บาท) | ระยะเวลาดำเนินการ",
                    "1. โครงการซ่อมแซมถนน หมู่ที่ 3 | 250,000 | ธันวาคม 2567",
                ]
            ),
            content_type=PDF,
        ),
    }
    for path, (make, content_type) in FILES.items():
        routes[path] = Route(make(), content_type=content_type)
    site = FixtureSite("127.0.3.1", routes).start()
    yield site
    site.stop()


def _tree_rss(process: psutil.Process) -> int:
    total = 0
    for member in [process, *process.children(recursive=True)]:
        try:
            total += member.memory_info().rss
        except psutil.Error:
            continue
    return total


@pytest.mark.timeout(600)
def test_hostile_files_cost_only_themselves(hostile_site: FixtureSite, tmp_path: Path) -> None:
    items = ["/loop.pdf", "/bomb.pdf", "/bomb.docx", "/bomb.xlsx", "/bomb.png", "/good.pdf"]
    declared = write_declared(
        tmp_path / "declared.csv",
        [(f"O{n}", hostile_site.url + path) for n, path in enumerate(items, start=1)],
    )
    started = time.monotonic()
    # A process of its own: the memory of its whole tree is what is measured.
    proc = start_cli(
        "check", hostile_site.url, "--format", "json", "--declared", str(declared),
        "--db", str(tmp_path / "hostile.db"),
        env={"OITWATCH_CRAWL__TOTAL_TIMEOUT": "30"},
    )  # fmt: skip
    watched = psutil.Process(proc.pid)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _tree_rss(watched))
        time.sleep(0.05)
    out, err = proc.communicate()
    seconds = time.monotonic() - started
    assert "Traceback" not in err, err[-3000:]
    report = json.loads(out)
    assert proc.returncode in (0, 1), err[-2000:]
    print(f"hostile check: {seconds:.1f} s, peak RSS of the process tree {peak / 2**20:.0f} MB")
    assert peak < LIMIT_MB * 2**20, f"peak RSS {peak / 2**20:.0f} MB"
    by_id = {item["id"]: item for item in report["items"]}
    assert by_id["O6"]["url"] == f"{hostile_site.url}/good.pdf"
    assert all(hostile_site.url + path in {i["url"] for i in report["items"]} for path in items)


def test_worker_survives_a_bomb_and_reads_the_next_file() -> None:
    worker = DocumentWorker(memory_mb=384, seconds=20)
    try:
        with pytest.raises(UnreadableDocument, match="more than 384 MB"):
            worker.call("extract", hostile.pdf_stream_bomb(), "http://x/bomb.pdf", PDF, None)
        document = worker.call("extract", pdf(["ข้อความปกติ"]), "http://x/ok.pdf", PDF, None)
        assert "ข้อความปกติ" in document.text.replace(" ", "")
        assert worker.restarts == 1
    finally:
        worker.close()


def test_worker_deadline() -> None:
    # Far less time than starting the worker and reading a PDF takes.
    worker = DocumentWorker(memory_mb=384, seconds=0.01)
    try:
        with pytest.raises(UnreadableDocument, match="longer than"):
            worker.call("extract", pdf(["ข้อความ"] * 200), "http://x/a.pdf", PDF, None)
        assert worker.restarts == 1  # the worker past its deadline was killed
    finally:
        worker.close()


def test_zip_and_image_bombs_refused_before_inflating() -> None:
    from oitwatch.documents.ocr import check_image

    for data, name in ((hostile.docx_bomb(), "a.docx"), (hostile.xlsx_bomb(), "a.xlsx")):
        with pytest.raises(UnreadableDocument, match="too large"):
            extract_document(data, f"http://x/{name}")
    with pytest.raises(UnreadableDocument, match="image"):
        check_image(hostile.png_bomb())


def test_csv_with_a_huge_cell_costs_that_file() -> None:
    data = ("O1," + "x" * (200 * 1024) + "\n").encode()
    with pytest.raises(UnreadableDocument, match="CSV"):
        extract_document(data, "http://x/list.csv", "text/csv")
