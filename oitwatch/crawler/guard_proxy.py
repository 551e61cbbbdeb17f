"""The browser's only way out: a local forward proxy that vets and pins every connection.

Playwright's route interception does not see redirect hops (Chromium follows them itself), so
the browser is pointed at this proxy instead: each request, each redirect hop and each
subresource is a new request here; its host is resolved by the guard's resolver, vetted, and
the connection goes to that very address (HTTPS tunnels too: TLS stays between the browser and
the site). One request per client connection, so a kept-alive connection cannot carry a
second request to another host.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from urllib.parse import urlsplit

from oitwatch.crawler.guard import AddressPolicy, vetted_addresses
from oitwatch.errors import TargetRefused

log = logging.getLogger(__name__)

_HEAD_LIMIT = 64 * 1024
_DROPPED = (b"proxy-connection:", b"connection:", b"keep-alive:", b"proxy-authorization:")
_REFUSED = b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
_BAD = b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while chunk := await reader.read(65536):
            writer.write(chunk)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        with contextlib.suppress(ConnectionError, OSError, RuntimeError):
            if writer.can_write_eof():
                writer.write_eof()


class GuardProxy:
    def __init__(self, policy: AddressPolicy, timeout: float = 30) -> None:
        self.policy = policy
        self.timeout = timeout
        self.refused: list[str] = []  # what the browser asked for and did not get
        self._server: asyncio.Server | None = None

    async def start(self) -> str:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0, limit=_HEAD_LIMIT)
        port = self._server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            async with asyncio.timeout(self.timeout):
                head = await reader.readuntil(b"\r\n\r\n")
            await self._forward(head, reader, writer)
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError, ValueError):
            with contextlib.suppress(ConnectionError, OSError):
                writer.write(_BAD)
        except (ConnectionError, OSError) as exc:
            log.info("browser proxy: %s", exc)
        finally:
            with contextlib.suppress(ConnectionError, OSError):
                writer.close()

    async def _open(
        self, host: str, port: int, shown: str
    ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter] | None:
        try:
            addresses = await vetted_addresses(host, port, self.policy)
        except TargetRefused as exc:
            self.refused.append(shown)
            log.info("browser proxy refused %s: %s", shown, exc)
            return None
        for position, address in enumerate(addresses):
            try:
                async with asyncio.timeout(self.timeout):
                    return await asyncio.open_connection(str(address), port)
            except (OSError, TimeoutError):
                if position == len(addresses) - 1:
                    raise
        return None

    async def _forward(
        self, head: bytes, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        request_line, _, header_block = head.partition(b"\r\n")
        method, target, version = request_line.decode("latin-1").split(" ", 2)
        if method.upper() == "CONNECT":
            host, _, port_text = target.rpartition(":")
            host = host.strip("[]")
            upstream = await self._open(host, int(port_text or 443), f"https://{target}/")
            if upstream is None:
                writer.write(_REFUSED)
                return
            writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        else:
            parts = urlsplit(target)
            if parts.scheme != "http" or not parts.hostname:
                writer.write(_BAD)
                return
            upstream = await self._open(parts.hostname, parts.port or 80, target)
            if upstream is None:
                writer.write(_REFUSED)
                return
            path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            lines = [
                line
                for line in header_block.split(b"\r\n")
                if line and not line.lower().startswith(_DROPPED)
            ]
            upstream[1].write(
                f"{method} {path} {version}\r\n".encode("latin-1")
                + b"\r\n".join([*lines, b"Connection: close"])
                + b"\r\n\r\n"
            )
        up_reader, up_writer = upstream
        sending = asyncio.ensure_future(_pipe(reader, up_writer))
        try:
            # The server's answer ends the exchange; a server that never ends it is cut off
            # (the browser has long given up on the page by then).
            async with asyncio.timeout(self.timeout * 3):
                await _pipe(up_reader, writer)
        finally:
            sending.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sending
            with contextlib.suppress(ConnectionError, OSError):
                up_writer.close()
