"""URL normalisation, same-site tests and crawler-trap bounds. Pure functions."""

from __future__ import annotations

import posixpath
from functools import lru_cache
from urllib.parse import quote, unquote, urljoin, urlsplit, urlunsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}
_SAFE_PATH = "/%:@!$&'()*+,;=-._~"
_SAFE_QUERY = _SAFE_PATH + "?"
MAX_URL_LENGTH = 400


def _fix_percent(part: str, safe: str) -> str:
    # Decode then re-encode: the same Thai file name arrives raw, and encoded in either case.
    return quote(unquote(part), safe=safe)


# A page's links repeat across a site's pages (menus), rarely across sites: the sites in flight
# need a few thousand entries; more only holds finished sites' URLs.
@lru_cache(maxsize=8192)
def normalise_url(url: str) -> str | None:
    """Canonical form for de-duplication, or None when it is not an http(s) URL."""
    try:
        parts = urlsplit(url.strip())
        scheme = parts.scheme.lower()
        if scheme not in _DEFAULT_PORTS or not parts.hostname:
            return None
        host = parts.hostname.lower().rstrip(".")
        port = parts.port
    except ValueError:
        return None
    try:
        host = host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError:
        return None
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    if ":" in host and not host.startswith("["):
        netloc = f"[{host}]" if port in (None, _DEFAULT_PORTS[scheme]) else f"[{host}]:{port}"
    path = parts.path or "/"
    if "/." in path:
        trailing = path.endswith("/")
        path = posixpath.normpath(path)
        if trailing and not path.endswith("/"):
            path += "/"
        if path.startswith("//"):
            path = "/" + path.lstrip("/")
    query = _fix_percent(parts.query, _SAFE_QUERY)
    return urlunsplit((scheme, netloc, _fix_percent(path, _SAFE_PATH), query, ""))


def same_page_key(url: str) -> str:
    """A normalised URL with its query parameters sorted: ?print=1&lang=th and
    ?lang=th&print=1 are one page, fetched once. Only for de-duplication: the URL requested
    is the one the site wrote (a router may match the query string as written)."""
    head, _, query = url.partition("?")
    if "&" not in query:
        return url
    return f"{head}?{'&'.join(sorted(query.split('&')))}"


# Small: keyed by the page's own URL, it only helps within a page and for repeated bases;
# 65,536 entries held ~16 MB for nothing (parse_html resolves each href once per page).
@lru_cache(maxsize=4096)
def resolve(base: str, href: str) -> str | None:
    """Absolute, normalised URL of a link, or None for mailto:, javascript:, fragments and junk."""
    href = href.strip()
    if not href or href.startswith("#"):
        return None
    lowered = href[:11].lower()
    if lowered.startswith(("mailto:", "javascript", "tel:", "data:", "line:", "fb:")):
        return None
    if href.startswith("/") and not href.startswith("//"):
        # Root-relative links (most of a menu) depend only on the origin: skip urljoin.
        parts = urlsplit(base)
        return normalise_url(f"{parts.scheme}://{parts.netloc}{href}")
    try:
        return normalise_url(urljoin(base, href))
    except ValueError:
        return None


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def site_key(host: str) -> str:
    """The main website is the registered host and its www. variant."""
    return host.removeprefix("www.")


def same_site(url: str, main_host: str) -> bool:
    return site_key(host_of(url)) == site_key(main_host)


def is_trap(url: str, max_repeats: int = 2) -> bool:
    """Endless calendars and path loops (/a/b/a/b/a/b/...) look like this."""
    if len(url) > MAX_URL_LENGTH:
        return True
    segments = [s for s in urlsplit(url).path.split("/") if s]
    counts: dict[str, int] = {}
    for segment in segments:
        counts[segment] = counts.get(segment, 0) + 1
        if counts[segment] > max_repeats:
            return True
    return False


def path_without_query(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
