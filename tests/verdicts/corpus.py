"""Load the verdict corpus: each folder under ``sites/`` becomes the route table of a fixture
website (its pages, its generated documents, its failures) plus the assessor's labels.

The corpus itself is data (HTML, TOML); this module only turns it into servable routes. See
README.md for the format."""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from tests.fixtures.documents import docx, pdf, scanned_pdf, scanned_png, xlsx
from tests.support.server import Route, Routes

ROOT = Path(__file__).resolve().parent
SITES = ROOT / "sites"
EXTERNAL_IP = "127.0.1.200"  # the Drive / Facebook / forms-host stand-in, shared by all sites
STATUSES = ("pass", "partial", "outdated", "off_site", "broken", "missing", "unverifiable")
CLASSES = (
    *(f"A{n}" for n in range(1, 7)),
    *(f"B{n}" for n in range(7, 14)),
    *(f"C{n}" for n in range(14, 22)),
    "D22",
    "D23",
    "E24",
    "E25",
    "E26",
)
LAYOUTS = tuple(f"L{n}" for n in range(1, 7))

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "scan": "application/pdf",
    "locked": "application/pdf",
    "corrupt": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "png": "image/png",
    "scan_png": "image/png",
}
# A 1x1 white PNG: a photo or a chart whose pixels do not matter, only its markup.
_TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de"
    "0000000c4944415408d763f8ffff3f0005fe02fea7d6a1d70000000049454e44ae426082"
)


@dataclass(frozen=True)
class Label:
    site: str
    item: str
    status: str
    urls: tuple[str, ...]
    why: str
    classes: tuple[str, ...]
    declared: bool  # the site's ITA page declares this item's evidence for the assessed year


@dataclass
class CorpusSite:
    name: str
    folder: Path
    config: dict[str, Any]
    labels: dict[str, Label] = field(default_factory=dict)

    @property
    def year(self) -> int:
        return int(self.config.get("year", 2568))

    @property
    def ip(self) -> str:
        return str(self.config["ip"])

    @property
    def needs_chromium(self) -> bool:
        return bool(self.config.get("spa", False))

    @property
    def description(self) -> str:
        return str(self.config.get("description", ""))


def load_labels(name: str, folder: Path) -> dict[str, Label]:
    data = tomllib.loads((folder / "labels.toml").read_text(encoding="utf-8"))
    labels: dict[str, Label] = {}
    for item, raw in data.items():
        labels[item] = Label(
            site=name,
            item=item,
            status=raw["status"],
            urls=tuple(raw.get("urls", [])),
            why=raw["why"],
            classes=tuple(raw.get("classes", [])),
            declared=bool(raw.get("declared", False)),
        )
    return labels


def load_site(name: str) -> CorpusSite:
    folder = SITES / name
    config = tomllib.loads((folder / "site.toml").read_text(encoding="utf-8"))
    return CorpusSite(name, folder, config, load_labels(name, folder))


def site_names() -> list[str]:
    return sorted(p.name for p in SITES.iterdir() if (p / "site.toml").exists())


def load_corpus(only: str | None = None) -> list[CorpusSite]:
    names = site_names()
    if only is not None:
        if only not in names:
            raise SystemExit(f"no corpus site {only!r}; sites: {', '.join(names)}")
        names = [only]
    return [load_site(n) for n in names]


# -- pages -------------------------------------------------------------------------------


def _fill(text: str, site_url: str, external_url: str) -> str:
    return text.replace("{{SITE}}", site_url).replace("{{EXTERNAL}}", external_url)


def _page_text(site: CorpusSite, file: Path) -> str:
    """A page file is either a whole document, or a CMS article that the site's layout wraps:
    its first line ``<!-- title: ... -->`` gives the title, the rest is the content."""
    text = file.read_text(encoding="utf-8")
    first, _, rest = text.partition("\n")
    if not first.startswith("<!-- title:"):
        return text
    title = first.removeprefix("<!-- title:").removesuffix("-->").strip()
    layout = (site.folder / "pages" / site.config.get("layout", "_layout.html")).read_text(
        encoding="utf-8"
    )
    return layout.replace("{{TITLE}}", title).replace("{{CONTENT}}", rest)


def _spa_shell(site: CorpusSite, texts: dict[str, str]) -> bytes:
    """One shell for every route: the script picks the view for location.pathname, as
    single-page templates do; unknown routes get the app's own "not found" view."""
    shell = (site.folder / "pages" / site.config.get("layout", "_layout.html")).read_text(
        encoding="utf-8"
    )
    views = {}
    for path, text in texts.items():
        first, _, rest = text.partition("\n")
        title = first.removeprefix("<!-- title:").removesuffix("-->").strip()
        views[path] = {"title": title, "html": rest}
    table = json.dumps(views, ensure_ascii=False).replace("</", "<\\/")
    return shell.replace("{{ROUTES}}", table).encode("utf-8")


def _encode(site: CorpusSite, text: str) -> Route:
    charset = str(site.config.get("charset", "utf-8")).lower()
    if charset in ("tis-620", "windows-874"):
        return Route(text.encode("cp874"), content_type=f"text/html; charset={charset}")
    return Route(text.encode("utf-8"))


def _document(spec: dict[str, Any]) -> bytes:
    kind = spec["kind"]
    lines = [str(x) for x in spec.get("lines", [])]
    if kind == "pdf":
        return pdf(lines)
    if kind == "locked":
        return pdf(lines, password="ita2568")
    if kind == "scan":
        return scanned_pdf(lines)
    if kind == "scan_png":
        return scanned_png(lines)
    if kind == "xlsx":
        return xlsx(spec["rows"], title=spec.get("sheet", "Sheet1"))
    if kind == "docx":
        return docx(lines, heading=spec.get("heading"))
    if kind == "corrupt":
        return b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog" + b"\x00\x17" * 64
    if kind == "png":
        return _TINY_PNG
    raise ValueError(f"unknown document kind {kind!r}")


@cache
def _document_cached(spec_json: str) -> bytes:
    return _document(json.loads(spec_json))


ASSET_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".ico": "image/x-icon",
    ".svg": "image/svg+xml",
    ".css": "text/css",
    ".js": "application/javascript",
}
_ASSET_REF = re.compile(r"""(?:src|href)\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)


def _assets(texts: dict[str, str], site_url: str) -> dict[str, str]:
    """Template assets the pages reference (logos, photos, CSS, scripts) and no spec describes.
    A real site serves them; a fixture that answered 404 for its own logo would test nothing
    but the fixture. Returns path -> content type."""
    found: dict[str, str] = {}
    for page_path, text in texts.items():
        for ref in _ASSET_REF.findall(text):
            absolute = urljoin(site_url + page_path, ref.replace("&amp;", "&"))
            if not absolute.startswith(site_url + "/"):
                continue
            parts = urlsplit(absolute)
            suffix = Path(parts.path).suffix.lower()
            if suffix in ASSET_TYPES:
                path = parts.path + (f"?{parts.query}" if parts.query else "")
                found[path] = ASSET_TYPES[suffix]
    return found


@dataclass
class Served:
    routes: Routes
    fallback: Callable[[str], Route]
    external: Routes


def _not_found(_path: str) -> Route:
    return Route(
        b"<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>",
        status=404,
    )


def build(site: CorpusSite, site_url: str, external_url: str) -> Served:
    """The routes of one site (and its part of the external host), with absolute URLs filled in.
    ``external_url`` is the external host's base for this site (``http://ip:port/<site>``)."""
    pages_dir = site.folder / "pages"
    layout_name = site.config.get("layout", "_layout.html")
    texts: dict[str, str] = {}
    for file in sorted(pages_dir.rglob("*")):
        if file.is_dir() or file.name == layout_name:
            continue
        raw = file.read_text("utf-8") if site.needs_chromium else _page_text(site, file)
        texts["/" + file.relative_to(pages_dir).as_posix()] = _fill(raw, site_url, external_url)
    for path, file_name in site.config.get("routes", {}).items():
        texts[path] = texts["/" + file_name]

    routes: Routes = {}
    if site.needs_chromium:
        shell = _spa_shell(site, texts)
        for path in texts:
            routes[path] = Route(shell)
    else:
        for path, text in texts.items():
            routes[path] = _encode(site, text)

    external: Routes = {}
    docs_file = site.folder / "docs.toml"
    if docs_file.exists():
        for spec in tomllib.loads(docs_file.read_text(encoding="utf-8")).get("doc", []):
            body = _document_cached(json.dumps(spec, ensure_ascii=False, sort_keys=True))
            route = Route(body, content_type=CONTENT_TYPES[spec["kind"]])
            target = external if spec.get("host") == "external" else routes
            target[spec["path"]] = route

    for special in site.config.get("special", []):
        target = external if special.get("host") == "external" else routes
        headers = {"Location": special["redirect"]} if "redirect" in special else {}
        body = _fill(special.get("body", ""), site_url, external_url).encode("utf-8")
        target[special["path"]] = Route(
            body,
            status=int(special.get("status", 302 if headers else 200)),
            headers=headers,
            delay=float(special.get("delay", 0)),
            content_type=special.get("content_type", "text/html; charset=utf-8"),
        )

    for path, content_type in _assets(texts, site_url).items():
        if path not in routes:
            body = _TINY_PNG if content_type.startswith("image/") else b""
            routes[path] = Route(body, content_type=content_type)

    fallback_kind = site.config.get("fallback", "404")
    if site.needs_chromium:
        shell_route = Route(_spa_shell(site, texts))

        def fallback(_path: str) -> Route:
            return shell_route

    elif fallback_kind == "home":
        home = routes["/"]

        def fallback(_path: str) -> Route:
            return Route(home.body, content_type=home.content_type)

    else:
        fallback = _not_found
    return Served(routes, fallback, external)


def labelled_paths(site: CorpusSite) -> set[str]:
    """Every URL path a label names, for checking the labels against the site's routes."""
    return {u for label in site.labels.values() for u in label.urls}
