"""The web app (``oitwatch serve``'s) under uvicorn on a thread, on 127.0.0.1."""

from __future__ import annotations

import threading
import time
from typing import Any

import uvicorn

from tests.support.server import free_port


class Server:
    """``with Server(settings) as base:`` serves the app at ``base`` until the block ends."""

    def __init__(self, settings: Any) -> None:
        from oitwatch.web.app import create_app

        self.port = free_port()
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
