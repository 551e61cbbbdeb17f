"""Who may do what, as middleware: the route table says which gate a group of routes sits
behind (app.py), no handler checks a token itself.

- Reading (every page, the downloads, the job view): open, unless ``web.private``; then the
  read token, from ``?token=`` or the ``oitwatch_token`` cookie.
- Writing (``/admin/...``; forgetting a site): the admin token, as ``Authorization: Bearer``
  or, from the page's own form, a form field. A browser never sends either by itself to
  another site's request, so neither can be forged across sites (no CSRF): the token is the
  proof. A cross-site form post is refused besides, by its Origin / Sec-Fetch-Site.
"""

from __future__ import annotations

import hmac
import ipaddress
from dataclasses import dataclass
from typing import Literal

from pydantic import SecretStr
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from oitwatch.config.settings import WebSettings


def token_ok(given: str | None, secret: SecretStr | None) -> bool:
    return (
        secret is not None
        and given is not None
        and hmac.compare_digest(given.encode(), secret.get_secret_value().encode())
    )


def bearer(request: Request) -> str | None:
    return request.headers.get("authorization", "").removeprefix("Bearer ").strip() or None


def may_read(request: Request, web: WebSettings) -> bool:
    if not web.private:
        return True
    given = request.query_params.get("token") or request.cookies.get("oitwatch_token")
    return token_ok(given, web.read_token)


def is_admin(request: Request, web: WebSettings, form_token: str | None = None) -> bool:
    return token_ok(bearer(request) or form_token or None, web.admin_token)


def same_origin(request: Request) -> bool:
    """A form post from our own page. Browsers say where a request comes from: Sec-Fetch-Site,
    else Origin. A client that says neither (curl with the token) is judged by the token."""
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site in ("same-origin", "none")
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return origin is None
    return origin == f"{request.url.scheme}://{request.url.netloc}"


@dataclass(frozen=True)
class Gate:
    """Middleware in front of a group of routes: 401 or 403 before the handler runs, shown as
    the error page by the app's HTTPException handler."""

    app: ASGIApp
    web: WebSettings
    need: Literal["read", "admin"]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            request = Request(scope)
            if self.need == "read" and not may_read(request, self.web):
                raise HTTPException(401)
            if self.need == "admin" and not is_admin(request, self.web):
                raise HTTPException(403)
        await self.app(scope, receive, send)


def _in_networks(address: str, networks: list[str]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    for entry in networks:
        try:
            if ip in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


def client_address(request: Request, trusted_proxies: list[str]) -> str:
    """Who is asking, for the rate limit. X-Forwarded-For is anyone's to write: it counts only
    when the connection comes from a trusted proxy, and then its last untrusted hop."""
    peer = request.client.host if request.client else "unknown"
    if not trusted_proxies or not _in_networks(peer, trusted_proxies):
        return peer
    hops = [h.strip() for h in request.headers.get("x-forwarded-for", "").split(",") if h.strip()]
    for hop in reversed(hops):
        if not _in_networks(hop, trusted_proxies):
            return hop
    return peer
