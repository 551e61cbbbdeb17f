"""httpcore's network streams on asyncio's own transports, without anyio in between.

httpcore's default backend goes through anyio, which per request: yields to the loop an extra
time on every send and receive (a cancellation checkpoint), resumes and pauses reading around
every receive (two epoll_ctl system calls each), builds a dict of socket attributes with a
getpeername() call each time the pool asks whether an idle connection is still usable, and
opens a cancel scope for every timeout. On a nightly run that was a fifth of the crawler's
CPU. Here a protocol buffers what arrives (reading pauses only past a high-water mark, so
memory stays bounded) and a read that finds data waiting returns it at once.

The behaviour httpcore relies on is kept: a read returns ``b""`` at the end of the stream and
raises ReadError once the connection broke; timeouts raise httpcore's timeout errors; TLS is
asyncio's (``loop.start_tls``), which, like anyio's non-standard-compatible mode, takes a TCP
close without TLS close_notify as the end of the stream.
"""

from __future__ import annotations

import asyncio
import collections
import select
import socket
import ssl
import typing

import httpcore

# Reading pauses while more than this is buffered and unread (one stream's whole budget of
# memory, plus at most the one chunk the transport read past it).
HIGH_WATER = 64 * 1024


class _Protocol(asyncio.Protocol):
    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.chunks: collections.deque[bytes] = collections.deque()
        self.buffered = 0
        self.eof = False
        self.error: BaseException | None = None
        self.reading_paused = False
        self.writing_paused = False
        self._readable: asyncio.Future[None] | None = None
        self._writable: asyncio.Future[None] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = typing.cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        self.chunks.append(data)
        self.buffered += len(data)
        if self.buffered > HIGH_WATER and not self.reading_paused and self.transport is not None:
            self.transport.pause_reading()
            self.reading_paused = True
        self._wake_reader()

    def eof_received(self) -> None:
        self.eof = True
        self._wake_reader()
        # None: the transport closes itself; an HTTP/1.1 client has nothing more to say.

    def connection_lost(self, exc: Exception | None) -> None:
        self.eof = True
        if exc is not None:
            self.error = exc
        self._wake_reader()
        self._wake_writer()

    def pause_writing(self) -> None:
        self.writing_paused = True

    def resume_writing(self) -> None:
        self.writing_paused = False
        self._wake_writer()

    def _wake_reader(self) -> None:
        waiter, self._readable = self._readable, None
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def _wake_writer(self) -> None:
        waiter, self._writable = self._writable, None
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def readable(self) -> asyncio.Future[None]:
        self._readable = asyncio.get_running_loop().create_future()
        return self._readable

    def writable(self) -> asyncio.Future[None]:
        self._writable = asyncio.get_running_loop().create_future()
        return self._writable


class AsyncioStream(httpcore.AsyncNetworkStream):
    def __init__(self, transport: asyncio.Transport, protocol: _Protocol) -> None:
        self._transport = transport
        self._protocol = protocol
        protocol.transport = transport  # after start_tls: the TLS transport
        self._socket: socket.socket | None = transport.get_extra_info("socket")
        self._poll: select.poll | None = None
        self._closed = False

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        protocol = self._protocol
        if self._closed:
            raise httpcore.ReadError("the connection is closed")
        if not protocol.chunks and not protocol.eof:
            try:
                async with asyncio.timeout(timeout):
                    await protocol.readable()
            except TimeoutError:
                raise httpcore.ReadTimeout("timed out reading") from None
        if protocol.chunks:
            chunk = protocol.chunks.popleft()
            if len(chunk) > max_bytes:
                protocol.chunks.appendleft(chunk[max_bytes:])
                chunk = chunk[:max_bytes]
            protocol.buffered -= len(chunk)
            if protocol.reading_paused and protocol.buffered <= HIGH_WATER // 2:
                protocol.reading_paused = False
                self._transport.resume_reading()
            return chunk
        if protocol.error is not None:
            raise httpcore.ReadError(str(protocol.error) or type(protocol.error).__name__) from (
                protocol.error
            )
        return b""

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        protocol = self._protocol
        if self._closed or self._transport.is_closing():
            error = protocol.error
            raise httpcore.WriteError(str(error) if error else "the connection is closed") from (
                error
            )
        self._transport.write(buffer)
        if protocol.writing_paused:
            try:
                async with asyncio.timeout(timeout):
                    while protocol.writing_paused and not self._transport.is_closing():
                        await protocol.writable()
            except TimeoutError:
                raise httpcore.WriteTimeout("timed out writing") from None
            if protocol.error is not None:
                raise httpcore.WriteError(str(protocol.error)) from protocol.error

    async def aclose(self) -> None:
        if not self._closed:
            self._closed = True
            self._transport.close()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(timeout):
                transport = await loop.start_tls(
                    self._transport, self._protocol, ssl_context, server_hostname=server_hostname
                )
        except TimeoutError:
            await self.aclose()
            raise httpcore.ConnectTimeout("timed out in the TLS handshake") from None
        except OSError as exc:  # ssl.SSLError and certificate errors included
            await self.aclose()
            raise httpcore.ConnectError(str(exc)) from exc
        if transport is None:  # the loop returns None only when the connection went away
            await self.aclose()
            raise httpcore.ConnectError("the connection closed during the TLS handshake")
        return AsyncioStream(transport, self._protocol)

    def get_extra_info(self, info: str) -> typing.Any:
        if info == "is_readable":
            # An idle connection with anything to read (the server's close, most likely) is
            # not reusable: what the loop already took, or what the socket still holds (the
            # pool asks before every request: one poll() set up once per connection).
            protocol = self._protocol
            if protocol.chunks or protocol.eof or self._closed:
                return True
            if self._poll is None:
                if self._socket is None or self._socket.fileno() < 0:
                    return True
                self._poll = select.poll()
                self._poll.register(self._socket.fileno(), select.POLLIN)
            return bool(self._poll.poll(0))
        if info == "ssl_object":
            return self._transport.get_extra_info("ssl_object")
        if info == "client_addr":
            return self._transport.get_extra_info("sockname")
        if info == "server_addr":
            return self._transport.get_extra_info("peername")
        if info == "socket":
            return self._socket
        return None


class TcpOnlyBackend(httpcore.AsyncNetworkBackend):
    """A network backend that reaches TCP addresses only: every backend of the crawler, the
    address-pinning one included, refuses unix sockets here, whatever backend it wraps."""

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("refused: unix sockets are never reached")


class AsyncioBackend(TcpOnlyBackend):
    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(timeout):
                transport, protocol = await loop.create_connection(
                    _Protocol,
                    host,
                    port,
                    local_addr=(local_address, 0) if local_address else None,
                    happy_eyeballs_delay=0.25,  # as anyio's connect_tcp
                )
        except TimeoutError:
            raise httpcore.ConnectTimeout(f"timed out connecting to {host}:{port}") from None
        except OSError as exc:
            raise httpcore.ConnectError(str(exc)) from exc
        stream = AsyncioStream(transport, protocol)
        raw = stream.get_extra_info("socket")
        for option in socket_options or ():
            raw.setsockopt(*option)  # asyncio already sets TCP_NODELAY
        return stream

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)
