"""Hostile files are parsed in a child process with a memory and a time limit.

pdfium and openpyxl are fast on ordinary files but have no budget of their own: a PDF whose
content stream inflates to gigabytes, a page tree that contains itself, or a spreadsheet whose
XML unzips to gigabytes would take the whole check (and a nightly run) with it. A long-lived
worker keeps ordinary files fast (one pipe round trip each, no start-up per file); the child's
address space is capped with RLIMIT_AS, and a request past its deadline kills the child, which
is started again for the next file. Whatever goes wrong costs that one file.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import resource
import selectors
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from oitwatch.documents.errors import UnreadableDocument, UnreadableReason

DEFAULT_MEMORY_MB = 384
DEFAULT_SECONDS = 30.0
_HEADER = struct.Struct("!Q")
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])


def _write(stream: IO[bytes], value: object) -> None:
    payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(payload)) + payload)
    stream.flush()


def _read_exact(stream: IO[bytes], size: int) -> bytes:
    parts: list[bytes] = []
    while size:
        chunk = stream.read(size)
        if not chunk:
            raise EOFError
        parts.append(chunk)
        size -= len(chunk)
    return b"".join(parts)


class DocumentWorker:
    """One child process doing the parsing; calls are serialised (one file at a time)."""

    def __init__(
        self, memory_mb: int = DEFAULT_MEMORY_MB, seconds: float = DEFAULT_SECONDS
    ) -> None:
        self.memory_mb = memory_mb
        self.seconds = seconds
        self._process: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        self.restarts = 0

    def _start(self) -> subprocess.Popen[bytes]:
        if self._process is not None and self._process.poll() is None:
            return self._process
        env = dict(os.environ)
        # The child must run this very code, not another installed copy of oitwatch.
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (_PACKAGE_ROOT, env.get("PYTHONPATH", "")) if p
        )
        self._process = subprocess.Popen(
            [sys.executable, "-m", "oitwatch.documents.isolate", str(self.memory_mb)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,  # pdfium's complaints about broken files are not news
            env=env,
        )
        return self._process

    def _kill(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        with contextlib.suppress(OSError):
            process.kill()
        process.wait()
        for stream in (process.stdin, process.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
        self.restarts += 1

    def _receive(self, stdout: IO[bytes], deadline: float) -> Any:
        with selectors.DefaultSelector() as selector:
            selector.register(stdout, selectors.EVENT_READ)
            if not selector.select(max(0.0, deadline - time.monotonic())):
                raise TimeoutError
        header = _read_exact(stdout, _HEADER.size)
        return pickle.loads(_read_exact(stdout, _HEADER.unpack(header)[0]))

    def call(self, name: str, *args: Any) -> Any:
        """Run ``name`` (a function of this module's table) in the child; UnreadableDocument
        when the file cannot be read, took too long, or needed too much memory."""
        with self._lock:
            process = self._start()
            assert process.stdin is not None and process.stdout is not None
            try:
                _write(process.stdin, (name, args))
                reply = self._receive(process.stdout, time.monotonic() + self.seconds)
            except TimeoutError:
                self._kill()
                raise UnreadableDocument(
                    UnreadableReason.CORRUPT,
                    f"reading the file took longer than {self.seconds:.0f} s",
                ) from None
            except (OSError, EOFError, pickle.UnpicklingError):
                code = process.poll()
                self._kill()
                raise UnreadableDocument(
                    UnreadableReason.CORRUPT,
                    f"the file needs more than {self.memory_mb} MB to read, or broke the reader"
                    f" (exit {code})",
                ) from None
        kind, value = reply
        if kind == "ok":
            return value
        if kind == "unreadable":
            reason, message = value
            raise UnreadableDocument(UnreadableReason(reason), message)
        raise UnreadableDocument(UnreadableReason.CORRUPT, str(value))

    def close(self) -> None:
        with self._lock:
            self._kill()


_workers: dict[str, DocumentWorker] = {}
_workers_lock = threading.Lock()
_limits = {"memory_mb": DEFAULT_MEMORY_MB, "seconds": DEFAULT_SECONDS}


def configure(memory_mb: int, seconds: float) -> None:
    """Set the limits from settings; running workers take them on their next start."""
    _limits["memory_mb"], _limits["seconds"] = memory_mb, seconds
    with _workers_lock:
        for worker in _workers.values():
            if (worker.memory_mb, worker.seconds) != (memory_mb, seconds):
                worker.memory_mb, worker.seconds = memory_mb, seconds
                worker.close()


def close_workers() -> None:
    """Stop (and reap) every worker: at the end of a run, so that no reading process outlives
    it and its CPU is counted where the run's is (a benchmark's rusage of children, `time`)."""
    with _workers_lock:
        for found in _workers.values():
            found.close()


def worker(purpose: str) -> DocumentWorker:
    """The shared worker for one purpose ("parse", "ocr"), so OCR never waits behind parsing."""
    with _workers_lock:
        found = _workers.get(purpose)
        if found is None:
            found = _workers[purpose] = DocumentWorker(
                int(_limits["memory_mb"]), float(_limits["seconds"])
            )
        return found


def _table() -> dict[str, Callable[..., Any]]:
    from oitwatch.documents.extract import extract_inline
    from oitwatch.documents.model import Document

    def extract(*args: Any) -> Document:
        document = extract_inline(*args)
        # Matching reads a file's whole text in compact form (Thai repaired, no spaces):
        # computed here, on the worker's core, and sent back with the document.
        _ = document.compact_text
        return document

    def render_pdf(data: bytes, max_pages: int, dpi: int) -> list[bytes]:
        # Imported on the first call: ocr.py brings asyncio (and ssl), which the parsing
        # worker, never asked for page images, need not carry.
        from oitwatch.documents.ocr import render_pdf_pages

        return render_pdf_pages(data, max_pages, dpi)

    return {"extract": extract, "render_pdf": render_pdf}


def _serve(memory_mb: int) -> None:
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    # pdfium aborts when memory runs out: no core file of hundreds of MB in the working folder.
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    # Replies go through a private copy of stdout; anything a library prints goes to stderr.
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    requests = sys.stdin.buffer
    table = _table()
    while True:
        try:
            header = _read_exact(requests, _HEADER.size)
        except EOFError:
            return
        name, args = pickle.loads(_read_exact(requests, _HEADER.unpack(header)[0]))
        reply: tuple[str, Any]
        try:
            reply = ("ok", table[name](*args))
        except UnreadableDocument as exc:
            reply = ("unreadable", (exc.reason, str(exc)))
        except MemoryError:
            reply = (
                "unreadable",
                (UnreadableReason.CORRUPT, f"the file needs more than {memory_mb} MB to read"),
            )
        except Exception as exc:  # a broken file may raise anything; it costs that file only
            reply = ("error", f"cannot read the file: {type(exc).__name__}: {exc}")
        try:
            _write(replies, reply)
        except MemoryError:
            _write(
                replies, ("unreadable", (UnreadableReason.CORRUPT, "the file's text is too large"))
            )


if __name__ == "__main__":
    _serve(int(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_MEMORY_MB)
