"""Shared by the web tests: a real uvicorn server in a thread, fast settings, Chromium."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import uvicorn

from oitwatch.config import load_settings
from oitwatch.crawler.render import CHROMIUM_ARGS
from oitwatch.web.app import create_app

CHROMIUM = "/usr/bin/chromium"
__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "Server", "in_thread", "settings_for"]


def in_thread(make: Callable[[], Coroutine[Any, Any, Any]]) -> Any:
    """asyncio.run where sync Playwright already holds this thread's event loop."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(make())).result()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    def __init__(self, settings: Any) -> None:
        self.port = _free_port()
        config = uvicorn.Config(
            create_app(settings),
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            proxy_headers=False,  # as `oitwatch serve` runs it: the app reads X-Forwarded-For
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=20)


def settings_for(tmp: Path, allow_loopback: bool, **web: Any) -> Any:
    return load_settings(
        database=str(tmp / "web.db"),
        crawl={"delay": 0, "read_timeout": 1, "total_timeout": 2, "retries": 1, "backoff": 0.01},
        web={"allow_loopback": allow_loopback, "checks_per_client": 50, **web},
        ocr={"enabled": False},
        render={"screenshots_dir": str(tmp / "screenshots")},
    )
