"""Document reading benchmark: text PDFs per second, OCR pages per second, and the OCR cache's
hit rate on a second run over the same documents (must be 100 %).

    python3 benchmarks/documents_benchmark.py [--pdfs 200] [--scans 6]

Documents are generated here (Thai text PDFs with reportlab, scans rendered with Pillow), so
the script needs the test extras and Debian's fonts-tlwg-garuda-ttf and tesseract-ocr-tha.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from oitwatch.documents import extract_document
from oitwatch.documents.model import DocumentKind
from oitwatch.documents.ocr import OcrEngine, ScanReader
from oitwatch.storage import open_database
from tests.fixtures.documents import pdf, scanned_pdf

LINES = [
    "รายงานผลการดำเนินงานประจำปีงบประมาณ พ.ศ. ๒๕๖๘ องค์การบริหารส่วนตำบลตัวอย่าง",
    "ผลการดำเนินงานตามแผน โครงการก่อสร้างถนนคอนกรีตเสริมเหล็ก งบประมาณ 450,000 บาท",
    "ปัญหาอุปสรรค ฝนตกหนักทำให้การก่อสร้างล่าช้า ข้อเสนอแนะ วางแผนล่วงหน้า",
]


def text_pdfs(count: int) -> list[bytes]:
    # Three pages each: about what a municipal report's first pages hold.
    return [pdf([f"{line} ({n})" for line in LINES] * 40) for n in range(count)]


async def ocr_run(reader: ScanReader, scans: list[bytes]) -> float:
    started = time.monotonic()

    async def one(data: bytes) -> None:
        async def load() -> bytes:
            return data

        await reader.read(hashlib.sha256(data).hexdigest(), DocumentKind.PDF, "bench.pdf", load)

    await asyncio.gather(*(one(data) for data in scans))
    return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pdfs", type=int, default=200)
    parser.add_argument("--scans", type=int, default=6)
    args = parser.parse_args()

    documents = text_pdfs(args.pdfs)
    started = time.monotonic()
    pages = sum(
        extract_document(data, f"http://bench/{n}.pdf").pages for n, data in enumerate(documents)
    )
    elapsed = time.monotonic() - started
    print(
        f"text PDFs: {args.pdfs} documents ({pages} pages) in {elapsed:.2f} s = "
        f"{args.pdfs / elapsed:.1f} documents/s, {pages / elapsed:.1f} pages/s"
    )

    engine = OcrEngine()
    if not engine.available():
        print("OCR: tesseract with the Thai model is not installed; skipped")
        return
    scans = [scanned_pdf([f"{line} ({n})" for line in LINES]) for n in range(args.scans)]
    with tempfile.TemporaryDirectory() as folder:
        db = open_database(f"sqlite:///{Path(folder) / 'ocr.db'}")
        first = ScanReader(engine, db)
        first_seconds = asyncio.run(ocr_run(first, scans))
        second = ScanReader(OcrEngine(), db)
        second_seconds = asyncio.run(ocr_run(second, scans))
        db.close()
    print(
        f"OCR (tesseract tha+eng, 300 dpi, 2 in parallel): {engine.pages_read} pages in "
        f"{first_seconds:.2f} s = {engine.pages_read / first_seconds:.2f} pages/s"
    )
    rate = 100 * second.hits / max(1, second.hits + second.misses)
    print(
        f"OCR cache, second run over the same {args.scans} scans: {second.hits} hits, "
        f"{second.misses} misses = {rate:.0f} % hit rate, {second_seconds * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
