"""One async HTTP client per run, bounded globally and per host, polite, and never raising.

httpx has no per-host limit, so each host gets a slot: a semaphore for requests in flight and
a clock for the delay between request starts (the larger of our delay and robots Crawl-delay).

Every byte and second is bounded: bodies are decoded under the byte cap as they arrive (see
decoding.py), each resource has a time limit that covers its retries and redirects, and a
caller's deadline (the site's) is never waited past: a host whose Crawl-delay would make the
next request start after it answers ``not_reached`` at once instead of sleeping for hours.
"""

from __future__ import annotations

import asyncio
import email.utils
import random
import socket
import ssl
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from urllib.parse import SplitResult, urlsplit

import httpx

from oitwatch.config.settings import CrawlSettings
from oitwatch.crawler.decoding import ACCEPT_ENCODING, BadEncoding, TooLarge, decoder_for
from oitwatch.crawler.outcomes import FetchResult, Outcome
from oitwatch.crawler.robots import RobotsRules
from oitwatch.crawler.transport import PerHostTransport
from oitwatch.errors import OitwatchError
from oitwatch.text.urls import normalise_url

_TRANSIENT_STATUS = frozenset({429, 500, 502, 503, 504})
_RETRYABLE = frozenset({Outcome.TIMEOUT, Outcome.CONNECTION})
_MAX_RETRY_AFTER = 30.0
Validators = tuple[str | None, str | None]  # (ETag, Last-Modified) stored by the last run


class _NoTime(OitwatchError):
    """The request could not start before the deadline."""


@dataclass
class _HostSlot:
    in_flight: asyncio.Semaphore
    delay: float
    next_start: float = 0.0
    clock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def wait_turn(self, deadline: float) -> None:
        async with self.clock:
            now = time.monotonic()
            if self.next_start > deadline:
                raise _NoTime
            if self.next_start > now:
                await asyncio.sleep(self.next_start - now)
                now = time.monotonic()
            self.next_start = now + self.delay

    def started(self) -> None:
        """The request really starts now (it may have waited for a global or per-IP slot
        after its turn): the next one waits the full delay from here."""
        self.next_start = max(self.next_start, time.monotonic() + self.delay)


def _causes(exc: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and len(chain) < 10:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def _classify(exc: Exception) -> tuple[Outcome, str]:
    """Translate whatever the network stack raised into an outcome, looking through wrappers."""
    chain = _causes(exc)
    text = "; ".join(dict.fromkeys(str(e) or type(e).__name__ for e in chain))
    for cause in chain:
        if isinstance(cause, httpx.TimeoutException | TimeoutError):
            return Outcome.TIMEOUT, text
        if isinstance(cause, socket.gaierror):
            return Outcome.DNS, text
        if isinstance(cause, ConnectionRefusedError):
            return Outcome.REFUSED, text
        if isinstance(cause, ssl.SSLError | ssl.CertificateError):
            return Outcome.TLS, text
        if isinstance(cause, httpx.UnsupportedProtocol | httpx.InvalidURL):
            return Outcome.INVALID_URL, text
    lowered = text.lower()
    if "name or service not known" in lowered or "name resolution" in lowered:
        return Outcome.DNS, text
    if "refused" in lowered:
        return Outcome.REFUSED, text
    if "certificate" in lowered or "ssl" in lowered:
        return Outcome.TLS, text
    return Outcome.CONNECTION, text


def _check_location(url: httpx.URL, location: str) -> None:
    """Refuse a redirect whose Location httpx's client would have refused, as it would have
    (the error becomes the outcome of the attempt)."""
    try:
        target = httpx.URL(location)
    except httpx.InvalidURL as exc:
        raise httpx.RemoteProtocolError(f"Invalid URL in location header: {exc}.") from None
    if target.is_relative_url:
        url.join(target)


async def first_address(parts: SplitResult) -> str | None:
    """The server address a URL's requests go to (the first its name resolves to): what the
    per-IP limit is keyed by, here and where a run splits its sites (runs/shards.py). None
    when the name does not resolve: the request itself reports that."""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(
            parts.hostname or "", port, type=socket.SOCK_STREAM
        )
    except OSError:
        return None
    return str(infos[0][4][0]) if infos else None


def _retry_after(response_headers: httpx.Headers) -> float | None:
    value = response_headers.get("retry-after")
    if not value:
        return None
    if value.strip().isdigit():
        return min(float(value), _MAX_RETRY_AFTER)
    parsed = email.utils.parsedate_to_datetime(value) if value else None
    if parsed is None:
        return None
    return max(0.0, min(parsed.timestamp() - time.time(), _MAX_RETRY_AFTER))


class Fetcher:
    """Use as ``async with Fetcher(settings) as fetcher: await fetcher.fetch(url)``."""

    def __init__(
        self,
        settings: CrawlSettings,
        transport: httpx.AsyncBaseTransport | None = None,
        guard: Callable[[str], Awaitable[None]] | None = None,
    ):
        """``guard`` is called with every URL before it is requested, redirect hops included,
        and refuses by raising (the web form's SSRF guard)."""
        self.settings = settings
        self._guard = guard
        self._global = asyncio.Semaphore(settings.concurrency)
        self._slots: dict[str, _HostSlot] = {}
        self._ip_slots: dict[str, asyncio.Semaphore] = {}
        self._host_ips: dict[str, str | None] = {}
        self._robots: dict[str, RobotsRules] = {}
        self._robots_locks: dict[str, asyncio.Lock] = {}
        # Requests go to the transport as httpx's client would send them (its default headers
        # merged with ours, the same timeouts, cookies kept across requests), without the
        # client's per-request layers: we follow redirects ourselves and use no auth or hooks.
        headers = httpx.Headers({"Accept": "*/*", "Connection": "keep-alive"})
        headers.update(
            {
                "User-Agent": settings.user_agent,
                "Accept-Language": "th,en;q=0.8",
                "Accept-Encoding": ACCEPT_ENCODING,
            }
        )
        self._headers = headers.raw
        self._timeout = httpx.Timeout(
            connect=settings.connect_timeout,
            read=settings.read_timeout,
            write=settings.read_timeout,
            pool=settings.total_timeout,
        ).as_dict()
        self._cookies = httpx.Cookies()
        self._transport = transport or PerHostTransport(settings.per_host)
        self.requests_made = 0

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self._transport.aclose()

    def _slot(self, origin: str) -> _HostSlot:
        slot = self._slots.get(origin)
        if slot is None:
            slot = _HostSlot(asyncio.Semaphore(self.settings.per_host), self.settings.delay)
            self._slots[origin] = slot
        return slot

    async def robots_for(self, url: str) -> RobotsRules:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        rules = self._robots.get(origin)
        if rules is not None:
            return rules
        # One lock per origin: a silent robots.txt must not hold up every other site's.
        async with self._robots_locks.setdefault(origin, asyncio.Lock()):
            if origin in self._robots:
                return self._robots[origin]
            text: str | None = None
            if self.settings.respect_robots:
                result = await self._fetch_once(f"{origin}/robots.txt", max_bytes=512 * 1024)
                if result.ok and "html" not in result.content_type:
                    text = result.body.decode("utf-8", errors="replace")
            rules = RobotsRules(text, self.settings.user_agent)
            if rules.crawl_delay is not None:
                # Obeyed in full: deadlines make a huge delay cost pages, never hours.
                slot = self._slot(origin)
                slot.delay = max(slot.delay, rules.crawl_delay)
            self._robots[origin] = rules
            return rules

    async def fetch(
        self,
        url: str,
        *,
        max_bytes: int | None = None,
        deadline: float | None = None,
        validators: Validators | None = None,
    ) -> FetchResult:
        """GET a URL following redirects ourselves, so loops and off-site hops are seen.

        ``deadline`` (time.monotonic()) is the caller's: past it the answer is ``not_reached``.
        The resource's own limit (``resource_deadline``) covers retries and redirects.
        ``validators`` make the first request conditional: a 304 is OK with ``not_modified``.
        """
        start = time.monotonic()
        limit = start + self.settings.resource_deadline
        site_bound = deadline is not None and deadline <= limit
        if deadline is not None:
            limit = min(limit, deadline)
        late = Outcome.NOT_REACHED if site_bound else Outcome.TIMEOUT
        if limit <= start:
            return self._done(url, Outcome.NOT_REACHED, start, [], error="time limit reached")
        try:
            async with asyncio.timeout(limit - start):
                return await self._fetch_chain(url, max_bytes, start, limit, validators)
        except TimeoutError:
            return self._done(url, late, start, [], error="time limit reached")
        except _NoTime:
            return self._done(url, Outcome.NOT_REACHED, start, [], error="time limit reached")

    async def _fetch_chain(
        self,
        url: str,
        max_bytes: int | None,
        start: float,
        limit: float,
        validators: Validators | None,
    ) -> FetchResult:
        current = normalise_url(url)
        if current is None:
            return FetchResult(url=url, outcome=Outcome.INVALID_URL, error="not an http(s) URL")
        chain: list[str] = []
        seen: set[str] = set()
        while True:
            if current in seen:
                return self._done(url, Outcome.REDIRECT_LOOP, start, chain, error=" → ".join(chain))
            if len(chain) > self.settings.max_redirects:
                return self._done(url, Outcome.TOO_MANY_REDIRECTS, start, chain)
            seen.add(current)
            chain.append(current)
            if self._guard is not None:
                try:
                    await self._guard(current)
                except Exception as exc:  # the guard's own refusal type
                    return self._done(url, Outcome.FORBIDDEN, start, chain, error=str(exc))
            if self.settings.respect_robots and not (await self.robots_for(current)).allowed(
                current
            ):
                return self._done(url, Outcome.BLOCKED_BY_ROBOTS, start, chain)
            result = await self._fetch_with_retries(
                current,
                max_bytes or self.settings.max_bytes,
                limit,
                validators if len(chain) == 1 else None,
            )
            if result.outcome is not Outcome.OK or result.status not in (301, 302, 303, 307, 308):
                result.url = url
                result.final_url = current
                result.redirects = chain[:-1]
                result.elapsed_ms = int((time.monotonic() - start) * 1000)
                return result
            location = result.error  # _fetch_once stores Location there for redirects
            target = (
                normalise_url(httpx.URL(current).join(location).__str__()) if location else None
            )
            if target is None:
                return self._done(
                    url, Outcome.INVALID_URL, start, chain, error=f"bad Location {location!r}"
                )
            current = target

    def _done(
        self, url: str, outcome: Outcome, start: float, chain: list[str], error: str = ""
    ) -> FetchResult:
        return FetchResult(
            url=url,
            outcome=outcome,
            final_url=chain[-1] if chain else url,
            redirects=chain[:-1],
            error=error,
            elapsed_ms=int((time.monotonic() - start) * 1000),
        )

    async def _fetch_with_retries(
        self, url: str, max_bytes: int, limit: float, validators: Validators | None
    ) -> FetchResult:
        attempt = 0
        while True:
            result = await self._fetch_once(url, max_bytes, limit, validators)
            transient = result.outcome in _RETRYABLE or (
                result.outcome is Outcome.HTTP_ERROR and result.status in _TRANSIENT_STATUS
            )
            if not transient or attempt >= self.settings.retries:
                return result
            wait = self.settings.backoff * (2**attempt) * (1 + random.random() / 4)
            if result.retry_after is not None:
                wait = max(wait, result.retry_after)
            if time.monotonic() + wait >= limit:
                return result  # no time left for another attempt
            attempt += 1
            await asyncio.sleep(wait)

    async def _ip_slot(self, parts: SplitResult) -> asyncio.Semaphore:
        host = parts.hostname or ""
        if host not in self._host_ips:  # looked up once per run
            self._host_ips[host] = await first_address(parts)
        key = self._host_ips[host] or host
        slot = self._ip_slots.get(key)
        if slot is None:
            slot = self._ip_slots[key] = asyncio.Semaphore(self.settings.per_ip)
        return slot

    async def _fetch_once(
        self,
        url: str,
        max_bytes: int,
        limit: float = float("inf"),
        validators: Validators | None = None,
    ) -> _Attempt:
        parts = urlsplit(url)
        slot = self._slot(f"{parts.scheme}://{parts.netloc}")
        ip_slot = await self._ip_slot(parts)
        # Narrowest first: a request waiting for its busy host, or for its turn after the
        # host's delay, must not hold a per-IP or global slot (politeness would then bound
        # every other site's requests too).
        async with slot.in_flight:
            await slot.wait_turn(limit)
            async with ip_slot, self._global:
                slot.started()
                return await self._attempt(url, max_bytes, validators)

    async def _attempt(self, url: str, max_bytes: int, validators: Validators | None) -> _Attempt:
        self.requests_made += 1
        try:
            async with asyncio.timeout(self.settings.total_timeout):
                return await self._request(url, max_bytes, validators)
        except Exception as exc:  # every failure becomes a typed outcome
            outcome, text = _classify(exc)
            return _Attempt(url=url, outcome=outcome, error=text)

    @asynccontextmanager
    async def _stream(
        self, url: str, conditional: list[tuple[bytes, bytes]]
    ) -> AsyncIterator[httpx.Response]:
        """A GET's response, open for its body, closed (its connection back in the pool) after."""
        request = httpx.Request(
            "GET", url, headers=self._headers + conditional, extensions={"timeout": self._timeout}
        )
        if self._cookies:
            self._cookies.set_cookie_header(request)
        response = await self._transport.handle_async_request(request)
        response.request = request
        try:
            if "set-cookie" in response.headers or "set-cookie2" in response.headers:
                self._cookies.extract_cookies(response)
            if response.has_redirect_location:
                _check_location(request.url, response.headers["location"])
            yield response
        finally:
            await response.aclose()

    async def _request(self, url: str, max_bytes: int, validators: Validators | None) -> _Attempt:
        conditional: list[tuple[bytes, bytes]] = []
        if validators is not None:
            etag, modified = validators
            if etag:
                conditional.append((b"If-None-Match", etag.encode()))
            if modified:
                conditional.append((b"If-Modified-Since", modified.encode()))
        async with self._stream(url, conditional) as response:
            headers = response.headers
            base = _Attempt(
                url=url,
                outcome=Outcome.OK,
                status=response.status_code,
                content_type=headers.get("content-type", ""),
                etag=headers.get("etag"),
                last_modified=headers.get("last-modified"),
            )
            if response.status_code == 304 and validators is not None:
                base.not_modified = True
                await self._drain(response)
                return base
            if response.is_redirect:
                base.error = headers.get("location", "")
                await self._drain(response)
                return base
            if response.status_code >= 400:
                base.outcome = Outcome.HTTP_ERROR
                base.retry_after = _retry_after(headers)
                await self._drain(response)
                return base
            declared = headers.get("content-length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                base.outcome = Outcome.TOO_LARGE
                base.error = f"{declared} bytes"
                return base
            try:
                base.body = await self._read_body(response, max_bytes, base)
            except TooLarge:
                base.outcome = Outcome.TOO_LARGE
                base.error = f"more than {max_bytes} bytes"
                return base
            except BadEncoding as exc:
                base.outcome = Outcome.BAD_ENCODING
                base.error = str(exc)
                return base
            if not base.body:
                base.outcome = Outcome.EMPTY
            return base

    @staticmethod
    async def _drain(response: httpx.Response, limit: int = 64 * 1024) -> None:
        """Read a short unwanted body (a 404 page, a redirect's, a 304's end) so that the
        connection goes back to the pool: closing it unread would cost a new connection
        for every such answer. A long one is left unread and its connection closed."""
        declared = response.headers.get("content-length", "").strip()
        if declared and (not declared.isdigit() or int(declared) > limit):
            return
        size = 0
        async for chunk in response.aiter_raw():
            size += len(chunk)
            if size > limit:
                return

    @staticmethod
    async def _read_body(response: httpx.Response, max_bytes: int, base: FetchResult) -> bytes:
        """The body decoded under the cap: raw bytes and decoded bytes both count."""
        decoder = decoder_for(response.headers.get("content-encoding", ""))
        chunks: list[bytes] = []
        size = 0
        async for raw in response.aiter_raw():
            base.wire_bytes += len(raw)
            if base.wire_bytes > max_bytes:
                raise TooLarge
            out = decoder.feed(raw, max_bytes - size)
            size += len(out)
            if out:
                chunks.append(out)
        out = decoder.finish(max_bytes - size)
        if out:
            chunks.append(out)
        return b"".join(chunks)


@dataclass
class _Attempt(FetchResult):
    retry_after: float | None = None
