"""One small connection pool per origin behind the run's single HTTP client.

httpcore's pool does work proportional to connections squared (perf-notes: 26 M ``is_idle``
calls for 6,400 requests in one 64-connection pool); per-origin pools of a few connections
scale linearly with the number of sites. An origin allowed many connections gets several
pools of at most ``POOL_WIDTH``, used in turn, so that no request scans more than a few
connections. All pools share one SSL context (each would otherwise build its own, ~18 ms and
~0.9 MB apiece).

With an address policy (crawler/guard.py), every connection is opened to an address resolved and
vetted at that moment, by the guard's own resolver: the TCP connection goes to that IP while
the URL, the Host header and the TLS server name stay the site's name. A name that answers a
public address to the guard and a private one to the connection (DNS rebinding) gets nothing,
on any hop: pages, redirects, robots.txt, sitemaps, documents.
"""

from __future__ import annotations

import ssl
import typing
from collections import OrderedDict

import httpcore
import httpx

from oitwatch.crawler.guard import AddressPolicy, vetted_addresses
from oitwatch.crawler.network import AsyncioBackend, TcpOnlyBackend
from oitwatch.errors import NameNotResolved, TargetRefused

MAX_POOLS = 512
POOL_WIDTH = 4  # connections per pool: httpcore's per-request scan stays short


class PinnedBackend(TcpOnlyBackend):
    """Opens TCP connections only to vetted addresses; TLS still names the host."""

    def __init__(self, policy: AddressPolicy) -> None:
        self.policy = policy
        self._backend = AsyncioBackend()
        self.connected: list[tuple[str, str]] = []  # (name, address): what was reached

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            addresses = await vetted_addresses(host, port, self.policy)
        except NameNotResolved as exc:
            raise httpcore.ConnectError(str(exc)) from exc  # reported as a DNS failure
        except TargetRefused as exc:
            # "refused" makes the fetcher report it as a refusal, never retried.
            raise httpcore.ConnectError(f"refused: {exc}") from exc
        # Each vetted address in turn (an AAAA answer may have no route from here).
        for position, address in enumerate(addresses):
            try:
                stream = await self._backend.connect_tcp(
                    str(address), port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout, OSError):
                if position == len(addresses) - 1:
                    raise
                continue
            self.connected.append((host, str(address)))
            del self.connected[:-100]
            return stream
        raise httpcore.ConnectError(f"no address to connect to for {host}")

    async def sleep(self, seconds: float) -> None:
        await self._backend.sleep(seconds)


class PerHostTransport(httpx.AsyncBaseTransport):
    def __init__(
        self,
        per_host: int,
        max_pools: int = MAX_POOLS,
        policy: AddressPolicy | None = None,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        """``ssl_context``: the certificates to trust (tests); the system's by default."""
        self._lanes = -(-per_host // POOL_WIDTH)  # pools per origin
        self._per_host = -(-per_host // self._lanes)  # connections per pool
        self._max_pools = max_pools * self._lanes
        self._turn = 0
        self.backend = PinnedBackend(policy) if policy is not None else None
        self._network = self.backend or AsyncioBackend()
        self._ssl = ssl_context or ssl.create_default_context()
        self._pools: OrderedDict[tuple[str, str, int | None, int], httpx.AsyncHTTPTransport] = (
            OrderedDict()
        )
        self._busy: dict[tuple[str, str, int | None, int], int] = {}

    def _pool(self, key: tuple[str, str, int | None, int]) -> httpx.AsyncHTTPTransport:
        pool = self._pools.get(key)
        if pool is None:
            pool = httpx.AsyncHTTPTransport(
                verify=self._ssl,
                limits=httpx.Limits(
                    max_connections=self._per_host, max_keepalive_connections=self._per_host
                ),
            )
            # httpx has no option for the network backend: the pool is built the same way,
            # around asyncio's own transports (crawler/network.py), pinned when guarded.
            pool._pool = httpcore.AsyncConnectionPool(
                ssl_context=self._ssl,
                max_connections=self._per_host,
                max_keepalive_connections=self._per_host,
                keepalive_expiry=5.0,
                network_backend=self._network,
            )
            self._pools[key] = pool
        self._pools.move_to_end(key)
        return pool

    async def _evict(self) -> None:
        """Close the least recently used pools that nothing is using, past the limit."""
        for key in list(self._pools):
            if len(self._pools) <= self._max_pools:
                return
            if not self._busy.get(key):
                await self._pools.pop(key).aclose()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        lane = 0
        if self._lanes > 1:
            self._turn += 1
            lane = self._turn % self._lanes
        key = (request.url.scheme, request.url.host, request.url.port, lane)
        pool = self._pool(key)
        self._busy[key] = self._busy.get(key, 0) + 1
        try:
            return await pool.handle_async_request(request)
        finally:
            self._busy[key] -= 1
            if len(self._pools) > self._max_pools:
                await self._evict()

    async def aclose(self) -> None:
        for pool in self._pools.values():
            await pool.aclose()
        self._pools.clear()
