"""Hostile servers on loopback: compression bombs, silence, a slow drip and a huge Crawl-delay.
Every byte and second of a fetch is bounded: each check ends within its time limit, small,
with a valid JSON report and no traceback. Payloads are generated here, never committed."""

from __future__ import annotations

import asyncio
import contextlib
import json
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Callable, Iterator

import brotli
import pytest
import zstandard

from oitwatch.config import CrawlSettings
from oitwatch.crawler.fetcher import Fetcher
from oitwatch.crawler.outcomes import Outcome
from oitwatch.pipeline.crawl import MAX_ROW_TARGETS
from tests.support.cli import command, process_env
from tests.support.server import LoopbackServer, QuietHandler

_ZEROS = bytes(1 << 20)
BOMB_MB = 512  # decoded size of each bomb; the cap is far smaller


def _gzip(chunks: Iterator[bytes], level: int = 9) -> bytes:
    packer = zlib.compressobj(level, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    return b"".join(packer.compress(c) for c in chunks) + packer.flush()


def _zeros(megabytes: int) -> Iterator[bytes]:
    return (_ZEROS for _ in range(megabytes))


@pytest.fixture(scope="module")
def bombs() -> dict[str, tuple[bytes, str]]:
    """path -> (body, Content-Encoding)."""
    gzip_bomb = _gzip(_zeros(BOMB_MB))
    packer = brotli.Compressor(quality=5)
    br_bomb = b"".join(packer.process(c) for c in _zeros(BOMB_MB)) + packer.finish()
    zpacker = zstandard.ZstdCompressor(level=3).compressobj()
    zstd_bomb = b"".join(zpacker.compress(c) for c in _zeros(BOMB_MB)) + zpacker.flush()
    page = "<html><body><h1>ข่าว</h1><p>ประกาศ ๒๕๖๘</p></body></html>".encode()
    return {
        "/gzip-gzip.pdf": (_gzip(iter([gzip_bomb])), "gzip, gzip"),
        "/deflate-in-gzip.pdf": (_gzip(iter([zlib.compress(page)])), "deflate, gzip"),
        "/gzip.pdf": (gzip_bomb, "gzip"),
        "/br.pdf": (br_bomb, "br"),
        "/zstd.pdf": (zstd_bomb, "zstd"),
        "/compress.pdf": (page, "compress"),
        "/ok-br.html": (brotli.compress(page), "br"),
        "/ok-zstd.html": (zstandard.ZstdCompressor().compress(page), "zstd"),
        "/ok-deflate.html": (zlib.compress(page), "deflate"),
        "/ok-raw-deflate.html": (zlib.compress(page)[2:-4], "deflate"),
        "/ok-gzip.html": (_gzip(iter([page])), "gzip"),
    }


class _Hostile(QuietHandler):
    server: _HostileServer

    def _send(self, body: bytes, headers: dict[str, str], status: int = 200) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.server.handle_path(self)


class _HostileServer(LoopbackServer):
    """Answers each request with a test's own code: silence, a drip, a bomb."""

    def __init__(self, ip: str, handle_path: Callable[[_Hostile], None]) -> None:
        super().__init__(ip, _Hostile)
        self.handle_path = handle_path
        self.stopped = threading.Event()


def _serve(ip: str, handle_path: Callable[[_Hostile], None]) -> Iterator[_HostileServer]:
    server = _HostileServer(ip, handle_path)
    server.start()
    yield server
    server.stopped.set()
    server.stop()


def _home(links: list[str]) -> bytes:
    anchors = "".join(f"<li><a href='{u}'>รายงานผลการดำเนินงาน {u}</a></li>" for u in links)
    return (
        "<html><head><title>อบต.ทดสอบ</title></head><body><h1>หน้าแรก</h1>"
        f"<ul>{anchors}</ul></body></html>"
    ).encode()


@pytest.fixture(scope="module")
def hostile(bombs: dict[str, tuple[bytes, str]]) -> Iterator[_HostileServer]:
    html = {"Content-Type": "text/html; charset=utf-8"}

    def handle(h: _Hostile) -> None:
        if h.path == "/":
            h._send(_home([*bombs, "/silent", "/drip"]), html)
        elif h.path in bombs:
            body, encoding = bombs[h.path]
            kind = "text/html" if h.path.endswith(".html") else "application/pdf"
            h._send(body, {"Content-Type": kind, "Content-Encoding": encoding})
        elif h.path == "/silent":
            h.server.stopped.wait(60)  # accept, read the request, never answer
        elif h.path == "/drip":
            h.send_response(200)
            h.send_header("Content-Type", "text/html")
            h.send_header("Content-Length", "1000000")
            h.end_headers()
            while not h.server.stopped.wait(0.2):
                h.wfile.write(b"x")  # one byte at a time: no read ever times out
                h.wfile.flush()
        else:
            h._send(b"<h1>404</h1>", html, 404)

    yield from _serve("127.0.0.31", handle)


@pytest.fixture(scope="module")
def slow_robots() -> Iterator[_HostileServer]:
    """robots.txt asks for an hour between requests."""
    html = {"Content-Type": "text/html; charset=utf-8"}
    ita = (
        "<html><body><h1>ITA 2568</h1><table>"
        + "".join(
            f"<tr><td>O{n}</td><td><a href='/doc/{n}.html'>ข้อ {n}</a></td></tr>"
            for n in range(1, 29)
        )
        + "</table></body></html>"
    ).encode()

    def handle(h: _Hostile) -> None:
        h.server.requests.append(h.path)
        if h.path == "/robots.txt":
            h._send(b"User-agent: *\nCrawl-delay: 3600\n", {"Content-Type": "text/plain"})
        elif h.path == "/":
            h._send(_home(["/ita.html", *(f"/page/{n}.html" for n in range(50))]), html)
        elif h.path == "/ita.html":
            h._send(ita, html)
        else:
            h._send(b"<html><body><h1>page</h1></body></html>", html)

    yield from _serve("127.0.0.32", handle)


FAST = {"delay": 0.0, "read_timeout": 1, "connect_timeout": 1, "total_timeout": 2, "backoff": 0.01}


def _fetch(
    settings: CrawlSettings, url: str, deadline: float | None = None
) -> tuple[Outcome, bytes]:
    async def main() -> tuple[Outcome, bytes]:
        async with Fetcher(settings) as fetcher:
            result = await fetcher.fetch(url, deadline=deadline)
        return result.outcome, result.body

    return asyncio.run(main())


@pytest.mark.parametrize(
    ("path", "outcome"),
    [
        ("/gzip-gzip.pdf", Outcome.BAD_ENCODING),
        ("/deflate-in-gzip.pdf", Outcome.BAD_ENCODING),
        ("/compress.pdf", Outcome.BAD_ENCODING),
        ("/gzip.pdf", Outcome.TOO_LARGE),
        ("/br.pdf", Outcome.TOO_LARGE),
        ("/zstd.pdf", Outcome.TOO_LARGE),
    ],
)
def test_bombs_and_unknown_encodings_are_refused(
    hostile: _HostileServer, path: str, outcome: Outcome
) -> None:
    assert _fetch(CrawlSettings(**FAST), hostile.url + path)[0] is outcome


@pytest.mark.parametrize(
    "path",
    ["/ok-br.html", "/ok-zstd.html", "/ok-deflate.html", "/ok-raw-deflate.html", "/ok-gzip.html"],
)
def test_every_accepted_encoding_decodes(hostile: _HostileServer, path: str) -> None:
    outcome, body = _fetch(CrawlSettings(**FAST), hostile.url + path)
    assert outcome is Outcome.OK and "ประกาศ ๒๕๖๘".encode() in body


@pytest.mark.parametrize("path", ["/silent", "/drip"])
def test_a_resource_has_a_time_limit_retries_included(hostile: _HostileServer, path: str) -> None:
    # Each attempt may take total_timeout (2 s); the resource as a whole gets 3 s.
    settings = CrawlSettings(**{**FAST, "retries": 5}, resource_deadline=3)
    started = time.monotonic()
    assert _fetch(settings, hostile.url + path)[0] is Outcome.TIMEOUT
    assert time.monotonic() - started < 4.5


def test_a_huge_crawl_delay_is_never_waited_for(slow_robots: _HostileServer) -> None:
    async def main() -> list[Outcome]:
        async with Fetcher(CrawlSettings(**FAST)) as fetcher:
            deadline = time.monotonic() + 5
            first = await fetcher.fetch(slow_robots.url + "/", deadline=deadline)
            second = await fetcher.fetch(slow_robots.url + "/ita.html", deadline=deadline)
        return [first.outcome, second.outcome]

    started = time.monotonic()
    assert asyncio.run(main()) == [Outcome.OK, Outcome.NOT_REACHED]
    assert time.monotonic() - started < 3


_MEASURE = (
    "import resource, subprocess, sys\n"
    "p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
    "sys.stdout.write(p.stdout)\n"
    "sys.stderr.write(p.stderr)\n"
    "sys.stderr.write('\\nPEAK_RSS_KB=%d\\n' % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    "sys.exit(p.returncode)\n"
)


def _check(url: str, tmp: str, deadline: float) -> tuple[dict[str, object], float, float, str]:
    """Run `oitwatch check` in a process of its own: (report, seconds, peak RSS MB, stderr)."""
    env = {
        "OITWATCH_CRAWL__SITE_DEADLINE": str(deadline),
        "OITWATCH_CRAWL__RESOURCE_DEADLINE": "3",
        "OITWATCH_RENDER__MODE": "never",
    }
    started = time.monotonic()
    check = command("check", url, "--format", "json", "--db", f"{tmp}/hostile.db")
    proc = subprocess.run(
        [sys.executable, "-c", _MEASURE, *check],
        capture_output=True,
        text=True,
        env=process_env(env),
        timeout=deadline + 60,
        check=False,
    )
    seconds = time.monotonic() - started
    stderr, _, peak = proc.stderr.rpartition("PEAK_RSS_KB=")
    return json.loads(proc.stdout), seconds, int(peak) / 1024, stderr


def test_a_check_of_a_hostile_site_is_bounded(hostile: _HostileServer, tmp_path: object) -> None:
    report, seconds, peak_mb, stderr = _check(hostile.url + "/", str(tmp_path), deadline=30)
    assert "Traceback" not in stderr
    assert report["site_status"] == "ok"
    assert seconds < 30 + 15  # the time limit, plus starting Python and writing the report
    assert peak_mb < 500, peak_mb


def test_a_huge_crawl_delay_costs_pages_not_hours(
    slow_robots: _HostileServer, tmp_path: object
) -> None:
    slow_robots.requests.clear()
    report, seconds, peak_mb, stderr = _check(slow_robots.url + "/", str(tmp_path), deadline=10)
    assert "Traceback" not in stderr
    assert seconds < 10 + 15 and peak_mb < 500
    statuses = {item["status"] for item in report["items"]}  # type: ignore[attr-defined]
    assert "missing" not in statuses  # not looked for is not absent
    assert any("time limit" in note for note in report["notes"])  # type: ignore[attr-defined]
    assert report["pages_fetched"] == 1  # type: ignore[operator]
    assert slow_robots.requests == ["/robots.txt", "/"]  # one request an hour, as asked


@pytest.fixture(scope="module")
def crowded_ita() -> Iterator[_HostileServer]:
    """An ITA page whose O5 row links to 10,000 files."""
    html = {"Content-Type": "text/html; charset=utf-8"}
    links = "".join(f"<a href='/o5/{n}.html'>แผน {n}</a> " for n in range(10_000))
    ita = (
        "<html><body><h1>ITA ปี 2568</h1><table>"
        + "".join(
            f"<tr><td>O{n}</td><td><a href='/o{n}.html'>ข้อ {n}</a></td></tr>" for n in range(1, 5)
        )
        + f"<tr><td>O5</td><td>แผนพัฒนาท้องถิ่น {links}</td></tr>"
        "<tr><td>O6</td><td><a href='/o6.html'>แผนดำเนินงาน</a></td></tr>"
        "</table></body></html>"
    ).encode()

    def handle(h: _Hostile) -> None:
        h.server.requests.append(h.path)
        if h.path == "/":
            h._send(_home(["/ita.html"]), html)
        elif h.path == "/ita.html":
            h._send(ita, html)
        elif h.path.startswith("/o"):
            h._send(b"<html><body><h1>plan</h1><p>2568</p></body></html>", html)
        else:
            h._send(b"<h1>404</h1>", html, 404)

    yield from _serve("127.0.0.33", handle)


def test_an_item_with_ten_thousand_links_is_judged_on_a_few(
    crowded_ita: _HostileServer, tmp_path: object
) -> None:
    report, _, peak_mb, stderr = _check(crowded_ita.url + "/", str(tmp_path), deadline=60)
    assert "Traceback" not in stderr
    assert peak_mb < 500
    o5 = next(i for i in report["items"] if i["id"] == "O5")  # type: ignore[attr-defined]
    assert "of 10000" in o5["reason_en"], o5  # judged on the first few, and it says so
    fetched = [p for p in crowded_ita.requests if p.startswith("/o5/")]
    # The page budget and the ITA rows' own allowance, not ten thousand requests.
    assert 20 <= len(fetched) <= 400 + MAX_ROW_TARGETS
