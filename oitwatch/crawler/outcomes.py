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
    BLOCKED_BY_ROBOTS = "blocked_by_robots"
    SOFT_404 = "soft_404"  # HTTP 200 with a "not found" page
    REDIRECT_LOOP = "redirect_loop"
    TOO_MANY_REDIRECTS = "too_many_redirects"
    EMPTY = "empty"  # HTTP 200 with no body
    INVALID_URL = "invalid_url"
    FORBIDDEN = "forbidden_target"  # refused by the address guard (not a public web server)
    SKIPPED = "skipped"  # not fetched: budget spent, trap bound or not a document type

    @property
    def failed(self) -> bool:
        return self not in (Outcome.OK, Outcome.SKIPPED)


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

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.OK

    def describe(self) -> str:
        return describe(self.outcome, self.status) + (f" ({self.error})" if self.error else "")


def describe(outcome: Outcome, status: int | None) -> str:
    return f"HTTP {status}" if outcome is Outcome.HTTP_ERROR else outcome.value
