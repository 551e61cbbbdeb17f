"""The fetcher's network streams on asyncio's own transports (crawler/network.py), against real
loopback servers: TLS, keep-alive, servers that close idle connections, bodies larger than the
read buffer, timeouts and refusals."""

from __future__ import annotations

import asyncio
import hashlib
import shutil
import ssl
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from oitwatch.config import CrawlSettings
from oitwatch.crawler.fetcher import Fetcher
from oitwatch.crawler.network import HIGH_WATER
from oitwatch.crawler.outcomes import FetchResult, Outcome
from oitwatch.crawler.transport import PerHostTransport
from tests.support.server import LoopbackServer, QuietHandler, free_port

IP = "127.0.0.7"
FAST = {"delay": 0.0, "read_timeout": 1, "connect_timeout": 1, "total_timeout": 3, "retries": 0}
BIG = bytes(range(256)) * (4 * HIGH_WATER // 256 + 3)  # several times the read buffer


class _Handler(QuietHandler):
    server: _Server

    def do_GET(self) -> None:
        self.server.requests.append(self.path)
        self.server.peers.add(self.client_address[1])
        if self.path == "/slow":
            time.sleep(2)
        if self.path in _SPECIAL:
            _SPECIAL[self.path](self)
            return
        body = BIG if self.path == "/big" else f"page {self.path}".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        # A server that drops idle keep-alive connections at once, without saying so.
        self.close_connection = self.server.close_after_each


def _answer(handler: _Handler, status: int, body: bytes, headers: dict[str, str]) -> None:
    handler.send_response(status)
    for name, value in headers.items():
        handler.send_header(name, value)
    if "Connection" not in headers:
        handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)
    handler.close_connection = "Connection" in headers


_SPECIAL = {
    "/set-cookie": lambda h: _answer(h, 200, b"hello", {"Set-Cookie": "session=abc; Path=/"}),
    "/needs-cookie": lambda h: _answer(
        h, 200 if "session=abc" in (h.headers.get("Cookie") or "") else 403, b"in", {}
    ),
    "/moved": lambda h: _answer(h, 302, b"", {"Location": "/a"}),
    "/bad-location": lambda h: _answer(h, 302, b"", {"Location": "http://[::1"}),
    # No length: the body ends when the server closes the connection.
    "/close-delimited": lambda h: _answer(h, 200, BIG, {"Connection": "close"}),
}


class _Server(LoopbackServer):
    def __init__(self, close_after_each: bool = False) -> None:
        super().__init__(IP, _Handler)
        self.peers: set[int] = set()  # client ports: one per connection
        self.close_after_each = close_after_each


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    command = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"]
    command += ["-keyout", str(key), "-out", str(cert), "-subj", "/CN=oitwatch-test"]
    command += ["-addext", f"subjectAltName=IP:{IP}"]
    subprocess.run(command, check=True, capture_output=True)
    return cert, key


@pytest.fixture
def plain() -> Iterator[_Server]:
    server = _Server().start()
    assert isinstance(server, _Server)
    yield server
    server.stop()


@pytest.fixture
def tls(certificate: tuple[Path, Path]) -> Iterator[_Server]:
    cert, key = certificate
    server = _Server()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    server.start()
    yield server
    server.stop()


def _fetch(
    urls: list[str], trust: Path | None = None, pause: float = 0.0, **settings: object
) -> list[FetchResult]:
    async def main() -> list[FetchResult]:
        if trust is not None:
            context = ssl.create_default_context()
            context.load_verify_locations(trust)
            transport = PerHostTransport(1, ssl_context=context)
        else:
            transport = PerHostTransport(1)
        crawl = CrawlSettings(**{**FAST, "respect_robots": False, **settings})  # type: ignore[arg-type]
        results = []
        async with Fetcher(crawl, transport=transport) as fetcher:
            for url in urls:
                results.append(await fetcher.fetch(url))
                await asyncio.sleep(pause)
        return results

    return asyncio.run(main())


def test_https_pages_share_one_connection(tls: _Server, certificate: tuple[Path, Path]) -> None:
    base = f"https://{IP}:{tls.port}"
    results = _fetch([f"{base}/a", f"{base}/b", f"{base}/c"], trust=certificate[0])
    assert [r.outcome for r in results] == [Outcome.OK] * 3, [r.error for r in results]
    assert [r.body for r in results] == [b"page /a", b"page /b", b"page /c"]
    assert len(tls.peers) == 1  # kept alive: one TLS handshake for the three


def test_an_untrusted_certificate_is_a_tls_failure(tls: _Server) -> None:
    (result,) = _fetch([f"https://{IP}:{tls.port}/a"])
    assert result.outcome is Outcome.TLS
    assert tls.requests == []


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_a_body_larger_than_the_read_buffer_arrives_whole(
    scheme: str, plain: _Server, tls: _Server, certificate: tuple[Path, Path]
) -> None:
    server = plain if scheme == "http" else tls
    (result,) = _fetch(
        [f"{scheme}://{IP}:{server.port}/big"], trust=certificate[0], max_bytes=10 * len(BIG)
    )
    assert result.outcome is Outcome.OK, result.error
    assert hashlib.sha256(result.body).digest() == hashlib.sha256(BIG).digest()


def test_a_connection_the_server_dropped_is_not_reused() -> None:
    server = _Server(close_after_each=True).start()
    try:
        base = f"http://{IP}:{server.port}"
        results = _fetch([f"{base}/a", f"{base}/b", f"{base}/c"], pause=0.2)  # no retries
    finally:
        server.stop()
    assert [r.outcome for r in results] == [Outcome.OK] * 3, [r.error for r in results]
    assert len(server.peers) == 3


def test_a_silent_server_times_out(plain: _Server) -> None:
    (result,) = _fetch([f"http://{IP}:{plain.port}/slow"], read_timeout=0.3)
    assert result.outcome is Outcome.TIMEOUT


def test_nothing_listening_is_a_refusal() -> None:
    (result,) = _fetch([f"http://{IP}:{free_port(IP)}/"])
    assert result.outcome is Outcome.REFUSED, result.error


def test_cookies_redirects_and_bodies_without_a_length(plain: _Server) -> None:
    """What httpx's client did for the fetcher, the fetcher does itself: cookies kept across
    requests, a redirect's Location handed over (or refused as the client refused it)."""
    base = f"http://{IP}:{plain.port}"
    paths = ["/needs-cookie", "/set-cookie", "/needs-cookie", "/moved", "/bad-location"]
    results = _fetch([base + p for p in [*paths, "/close-delimited"]], max_bytes=10 * len(BIG))
    outcomes = [(r.outcome, r.status) for r in results]
    assert outcomes[:4] == [
        (Outcome.HTTP_ERROR, 403),  # no cookie yet
        (Outcome.OK, 200),
        (Outcome.OK, 200),  # the cookie went back
        (Outcome.OK, 200),  # followed to /a
    ]
    assert results[3].final_url == f"{base}/a" and results[3].body == b"page /a"
    assert results[4].outcome is Outcome.INVALID_URL  # as with httpx's client
    assert results[5].outcome is Outcome.OK and results[5].body == BIG
