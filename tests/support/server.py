"""Real HTTP servers on loopback addresses (127.0.0.x): a fixture website from a route table
(FixtureSite), or any handler of a test's own (LoopbackServer), each on a thread."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering: a slow link
    fail_first: int = 0  # answer 503 this many times first: a blip


Routes = dict[str, Route]


def free_port(ip: str = "127.0.0.1") -> int:
    """A port nothing listens on now: for a server that keeps its port across a restart, or
    one (uvicorn, aiosmtpd) that wants its port before it starts."""
    with socket.socket() as sock:
        sock.bind((ip, 0))
        return int(sock.getsockname()[1])


class QuietHandler(BaseHTTPRequestHandler):
    """HTTP/1.1 (keep-alive, as real sites), and no access log on the test's stderr."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass


class LoopbackServer(ThreadingHTTPServer):
    """A threaded server on ``ip`` that serves until stopped; ``requests`` logs the paths
    asked for (handlers append to it)."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, ip: str, handler: type[BaseHTTPRequestHandler], port: int = 0) -> None:
        super().__init__((ip, port), handler)
        self.ip = ip
        self.port = int(self.server_address[1])
        self.requests: list[str] = []
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that hangs up (timeouts, cancelled checks, killed workers) is expected

    @property
    def url(self) -> str:
        return f"http://{self.ip}:{self.port}"

    def start(self) -> LoopbackServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


class Meter:
    """Requests in progress per server address, and the most ever seen at once: politeness
    across several sites (or a fleet of workers) measured where it lands."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.now: dict[str, int] = {}
        self.peak: dict[str, int] = {}

    def enter(self, ip: str) -> None:
        with self.lock:
            self.now[ip] = self.now.get(ip, 0) + 1
            self.peak[ip] = max(self.peak.get(ip, 0), self.now[ip])

    def leave(self, ip: str) -> None:
        with self.lock:
            self.now[ip] -= 1


class _RouteHandler(QuietHandler):
    server: _RouteServer

    def do_GET(self) -> None:
        meter = self.server.meter
        if meter is not None:
            meter.enter(self.server.ip)
        try:
            self._answer()
        finally:
            if meter is not None:
                meter.leave(self.server.ip)

    def _answer(self) -> None:
        self.server.requests.append(self.path)
        route = self.server.routes.get(self.path) or self.server.fallback(self.path)
        if route.fail_first > 0:
            route.fail_first -= 1
            route = Route(b"busy", status=503)
        if route.delay:
            time.sleep(route.delay)
        if self._unchanged(route):
            self.server.not_modified.append(self.path)
            self.send_response(304)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        try:
            self.send_response(route.status)
            self.send_header("Content-Type", route.content_type)
            self.send_header("Content-Length", str(len(route.body)))
            for name, value in route.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(route.body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _unchanged(self, route: Route) -> bool:
        """A conditional GET a route's own ETag or Last-Modified header answers with 304."""
        etag = route.headers.get("ETag")
        if etag and self.headers.get("If-None-Match") == etag:
            return True
        modified = route.headers.get("Last-Modified")
        return bool(modified) and self.headers.get("If-Modified-Since") == modified


class _RouteServer(LoopbackServer):
    def __init__(
        self,
        ip: str,
        routes: Routes,
        fallback: Callable[[str], Route],
        port: int,
        meter: Meter | None,
    ) -> None:
        super().__init__(ip, _RouteHandler, port)
        self.routes = routes
        self.fallback = fallback
        self.meter = meter
        self.not_modified: list[str] = []  # paths answered 304


def not_found(_path: str) -> Route:
    return Route(b"<html><body><h1>404 Not Found</h1></body></html>", status=404)


class FixtureSite:
    """Serve routes on ``ip`` (a 127.0.0.x address) until stopped. Routes may be changed
    while it serves (a page disappears, a file comes back); ``meter`` counts requests in
    progress on this address."""

    def __init__(
        self,
        ip: str,
        routes: Routes,
        fallback: Callable[[str], Route] = not_found,
        port: int = 0,
        meter: Meter | None = None,
    ) -> None:
        self._server = _RouteServer(ip, routes, fallback, port, meter)
        self.ip = ip
        self.port = self._server.port

    @property
    def url(self) -> str:
        return self._server.url

    @property
    def routes(self) -> Routes:
        return self._server.routes

    @property
    def requests(self) -> list[str]:
        return self._server.requests

    @property
    def not_modified(self) -> list[str]:
        return self._server.not_modified

    def start(self) -> FixtureSite:
        self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()
