"""Reading scans: image-only PDFs and images, through Tesseract's Thai model.

OCR is slow (seconds a page), so it runs only for evidence, never for every scan a crawl meets;
results are cached by content hash, so an unchanged document is read once across runs.
Tesseract runs as a subprocess (Debian's ``tesseract-ocr`` + ``tesseract-ocr-tha``); pages
are rendered with pdfium in a worker thread so the event loop keeps crawling.

pdfium and Pillow are imported where a page or an image is read, not here: the main process of
a run imports this module for every site but hands PDFs to the worker process (isolate.py).
"""

from __future__ import annotations

import asyncio
import io
import logging
import resource
import shutil
import subprocess
import warnings
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import cache
from typing import Protocol

from oitwatch.documents.errors import UnreadableDocument, UnreadableReason
from oitwatch.documents.isolate import worker
from oitwatch.documents.model import Cue, Document, DocumentKind

log = logging.getLogger(__name__)

# An A4 page at 300 dpi is 8.7 M pixels; a scan larger than this is a decompression bomb.
MAX_IMAGE_PIXELS = 60_000_000
# Tesseract's address space: the Thai model needs a few hundred MB, never gigabytes.
TESSERACT_MEMORY = 1024 * 1024 * 1024


def _limit_tesseract() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (TESSERACT_MEMORY, TESSERACT_MEMORY))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _guard_pillow() -> None:
    """Pillow's own guard (a warning past the limit, an error past twice it) on the same figure,
    set before this module's first use of Pillow."""
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS


def check_image(data: bytes) -> None:
    """Refuse an image too large to read before anything decodes it (only the header is read)."""
    from PIL import Image

    _guard_pillow()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
    except (
        OSError,
        ValueError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as exc:
        raise UnreadableDocument(
            UnreadableReason.CORRUPT, f"the image cannot be read: {exc}"
        ) from exc
    if width * height > MAX_IMAGE_PIXELS:
        raise UnreadableDocument(
            UnreadableReason.CORRUPT, f"the image is {width} × {height} pixels: too large to read"
        )


def render_pdf_pages(data: bytes, max_pages: int, dpi: int) -> list[bytes]:
    """PNGs of a PDF's first pages for Tesseract (run in the worker process: isolate.py).
    A page too large for the resolution is rendered smaller, never past MAX_IMAGE_PIXELS."""
    import pypdfium2 as pdfium

    _guard_pillow()  # bitmap.to_pil() below
    pdf = pdfium.PdfDocument(data)
    try:
        images = []
        for index in range(min(len(pdf), max_pages)):
            try:
                page = pdf[index]
            except pdfium.PdfiumError:
                continue
            try:
                width, height = page.get_size()
                scale = dpi / 72
                pixels = width * height * scale * scale
                if pixels > MAX_IMAGE_PIXELS:
                    scale *= (MAX_IMAGE_PIXELS / pixels) ** 0.5
                bitmap = page.render(scale=scale, grayscale=True)
                buffer = io.BytesIO()
                bitmap.to_pil().save(buffer, "PNG")
                images.append(buffer.getvalue())
            except pdfium.PdfiumError:
                continue
            finally:
                page.close()
        return images
    finally:
        pdf.close()


@dataclass(frozen=True)
class OcrText:
    text: str
    pages: int


class OcrCache(Protocol):
    def get_ocr(self, content_hash: str, engine: str) -> OcrText | None: ...

    def put_ocr(self, content_hash: str, engine: str, result: OcrText) -> None: ...


@cache
def tesseract_languages(binary: str = "tesseract") -> frozenset[str]:
    if shutil.which(binary) is None:
        return frozenset()
    try:
        out = subprocess.run(
            [binary, "--list-langs"], capture_output=True, text=True, timeout=20, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return frozenset()
    return frozenset(line.strip() for line in out.stdout.splitlines()[1:] if line.strip())


class OcrEngine:
    def __init__(
        self,
        languages: str = "tha+eng",
        *,
        max_pages: int = 10,
        page_timeout: float = 90,
        dpi: int = 300,
        binary: str = "tesseract",
        parallel: int = 2,
    ) -> None:
        self.languages = languages
        self.max_pages = max_pages
        self.page_timeout = page_timeout
        self.dpi = dpi
        self.binary = binary
        self._slots = asyncio.Semaphore(parallel)
        self.pages_read = 0

    @property
    def name(self) -> str:
        """Cache key part: a different model or resolution may read differently."""
        return f"tesseract:{self.languages}:{self.dpi}"

    def available(self) -> bool:
        wanted = set(self.languages.split("+"))
        return wanted <= tesseract_languages(self.binary)

    async def _tesseract(self, image: bytes) -> str:
        async with self._slots:
            process = await asyncio.create_subprocess_exec(
                self.binary,
                "stdin",
                "stdout",
                "-l",
                self.languages,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.DEVNULL,
                preexec_fn=_limit_tesseract,
            )
            try:
                out, _ = await asyncio.wait_for(process.communicate(image), self.page_timeout)
            except TimeoutError:
                process.kill()
                await process.wait()
                raise
            self.pages_read += 1
            return out.decode("utf-8", errors="replace")

    def _render_pdf(self, data: bytes) -> list[bytes]:
        images: list[bytes] = worker("ocr").call("render_pdf", data, self.max_pages, self.dpi)
        return images

    async def read(self, data: bytes, kind: DocumentKind) -> OcrText:
        """Text of a scan; UnreadableDocument when not even OCR finds any."""
        try:
            if kind is DocumentKind.PDF:
                images = await asyncio.to_thread(self._render_pdf, data)
            else:
                check_image(data)
                images = [data]
            texts = [await self._tesseract(image) for image in images]
        # pdfium runs in the worker process, whose failures come back as UnreadableDocument.
        except (OSError, TimeoutError) as exc:
            raise UnreadableDocument(UnreadableReason.NO_TEXT, f"OCR failed: {exc}") from exc
        text = "\n".join(texts).strip()
        if len(text) < 10:
            raise UnreadableDocument(UnreadableReason.NO_TEXT, "OCR found no text in the scan")
        return OcrText(text, len(images))


class ScanReader:
    """OCR with a cache in front of it, one read per content hash even when asked concurrently."""

    def __init__(self, engine: OcrEngine, cache: OcrCache | None = None) -> None:
        self.engine = engine
        self.cache = cache
        self._pending: dict[str, asyncio.Task[OcrText]] = {}
        self.hits = 0
        self.misses = 0

    async def read(
        self, content_hash: str, kind: DocumentKind, url: str, load: Callable[[], Awaitable[bytes]]
    ) -> Document:
        """The scan's text; ``load`` fetches its bytes, called only when the cache misses."""
        cached = self.cache.get_ocr(content_hash, self.engine.name) if self.cache else None
        if cached is not None:
            self.hits += 1
            result = cached
        else:
            task = self._pending.get(content_hash)
            if task is None:
                self.misses += 1

                async def run() -> OcrText:
                    return await self.engine.read(await load(), kind)

                task = asyncio.ensure_future(run())
                self._pending[content_hash] = task
            try:
                result = await task
            finally:
                self._pending.pop(content_hash, None)
            if self.cache is not None:
                self.cache.put_ocr(content_hash, self.engine.name, result)
        first = next((line.strip() for line in result.text.splitlines() if line.strip()), "")
        cues = frozenset({Cue.IMAGE}) if kind is DocumentKind.IMAGE else frozenset()
        return Document(
            url=url,
            kind=kind,
            text=result.text,
            headings=(first,) if first else (),
            pages=result.pages,
            ocr=True,
            cues=cues,
        )
