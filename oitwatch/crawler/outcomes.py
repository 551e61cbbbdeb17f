"""Every fetch ends in a typed outcome, never None."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Outcome(StrEnum):
    OK = "ok"
    HTTP_ERROR = "http_status"  # a 4xx/5xx answer; the status is in FetchResult.status
    TIMEOUT = "timeout"
    DNS = "dns"
    REFUSED = "refused"
    TLS = "tls"
    CONNECTION = "connection_error"  # reset, closed mid-answer, protocol error
    TOO_LARGE = "too_large"
    BAD_ENCODING = "bad_encoding"  # stacked or unknown Content-Encoding: never decoded unbounded
    BLOCKED_BY_ROBOTS = "blocked_by_robots"
    SOFT_404 = "soft_404"  # HTTP 200 with a "not found" page
    REDIRECT_LOOP = "redirect_loop"
    TOO_MANY_REDIRECTS = "too_many_redirects"
    EMPTY = "empty"  # HTTP 200 with no body
    INVALID_URL = "invalid_url"
    FORBIDDEN = "forbidden_target"  # refused by the address guard (not a public web server)
    SKIPPED = "skipped"  # not fetched: budget spent, trap bound or not a document type
    NOT_REACHED = "not_reached"  # not fetched: the site's time limit came first

    @property
    def failed(self) -> bool:
        return self not in (Outcome.OK, Outcome.SKIPPED, Outcome.NOT_REACHED)


@dataclass
class FetchResult:
    url: str
    outcome: Outcome
    final_url: str = ""
    status: int | None = None
    content_type: str = ""
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None
    error: str = ""
    redirects: list[str] = field(default_factory=list)
    elapsed_ms: int = 0
    not_modified: bool = False  # a 304 to a conditional GET: the body is the stored one
    wire_bytes: int = 0  # bytes as they came over the wire (compressed), for the benchmarks

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.OK

    def describe(self) -> str:
        return describe(self.outcome, self.status) + (f" ({self.error})" if self.error else "")


def describe(outcome: Outcome, status: int | None) -> str:
    return f"HTTP {status}" if outcome is Outcome.HTTP_ERROR else outcome.value


# What OpenSSL says when the "TLS handshake" it reads is a plain-HTTP answer: the server at an
# https:// address speaks only http.
_PLAIN_HTTP_ANSWER = (
    "wrong version number",
    "wrong_version_number",
    "record layer failure",
    "packet length too long",
    "http request",
    "unknown protocol",
)


def answers_plain_http(outcome: Outcome | str, url: str, error: str) -> bool:
    """An https:// URL whose server answered the TLS handshake in plain HTTP: not a bad
    certificate, a site that does not speak HTTPS at all."""
    lowered = error.lower()
    return (
        outcome == Outcome.TLS
        and url.lower().startswith("https://")
        and any(sign in lowered for sign in _PLAIN_HTTP_ANSWER)
    )
