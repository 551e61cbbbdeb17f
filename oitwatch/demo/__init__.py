"""``oitwatch demo``: a small Thai sample agency website, bundled, served on loopback.

The site (``site/main``, built by scripts/build_demo.py) is laid out for the FY2569 form so
that its report shows every status; ``site/external`` stands in for a file-sharing host on a
second loopback address, so "off-site" is real. Nothing leaves the machine.
"""

from __future__ import annotations

import mimetypes
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from urllib.parse import unquote, urlsplit

DEMO_YEAR = 2569  # the form the demo site is laid out for
EXTERNAL_MARK = b"{{EXTERNAL}}"
_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".png": "image/png",
}


def site_dir() -> Path:
    return Path(str(resources.files("oitwatch.demo") / "site"))


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], root: Path) -> None:
        super().__init__(address, _Handler)
        self.root = root
        self.external = ""  # the off-site stand-in's base URL, written into the pages
        self.name = address[0]

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that hangs up is not the demo's problem


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        path = unquote(urlsplit(self.path).path)
        if path.endswith("/"):
            path += "index.html"
        root = self.server.root.resolve()
        target = (root / path.lstrip("/")).resolve()
        if root not in target.parents or not target.is_file():
            self._send(404, b"<html><body><h1>404 Not Found</h1></body></html>", ".html")
            return
        body = target.read_bytes()
        if target.suffix == ".html":
            body = body.replace(EXTERNAL_MARK, self.server.external.encode())
        self._send(200, body, target.suffix)

    def _send(self, status: int, body: bytes, suffix: str) -> None:
        kind = _TYPES.get(suffix) or mimetypes.guess_type(f"x{suffix}")[0] or "text/plain"
        try:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass


@dataclass(frozen=True)
class DemoSites:
    url: str  # the agency's main website
    external: str  # the file-sharing host it links to


def _listen(hosts: tuple[str, ...], root: Path) -> _Server:
    error: OSError | None = None
    for host in hosts:
        try:
            server = _Server((host, 0), root)
            server.name = host  # "localhost" must stay a name: another host than 127.0.0.1
            return server
        except OSError as exc:  # e.g. 127.0.0.2 outside Linux
            error = exc
    assert error is not None
    raise error


@contextmanager
def serve_demo() -> Iterator[DemoSites]:
    """The demo site on 127.0.0.1 and its off-site host on 127.0.0.2 (or localhost), until exit."""
    root = site_dir()
    main = _listen(("127.0.0.1",), root / "main")
    external = _listen(("127.0.0.2", "localhost"), root / "external")
    main.external = f"http://{external.name}:{external.server_address[1]}"
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in (main, external)]
    for thread in threads:
        thread.start()
    try:
        yield DemoSites(f"http://{main.name}:{main.server_address[1]}/", main.external)
    finally:
        for server in (main, external):
            server.shutdown()
            server.server_close()
