"""HTML pages: visible text, headings, links with their anchor text, and structural cues."""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

from oitwatch.documents.errors import UnreadableDocument, UnreadableReason
from oitwatch.documents.item_table import extract_item_rows, might_have_item_table
from oitwatch.documents.model import Cue, Document, DocumentKind, Link, Person
from oitwatch.text.urls import normalise_url, resolve

_MAP_HINTS = ("google.com/maps", "maps.google", "openstreetmap", "/maps/embed", "map")
_INVISIBLE_TAGS = ["script", "style", "noscript", "template", "svg"]
# Site-wide chrome: menus and footers repeat on every page and must not count as evidence.
_CHROME_TAGS = ["nav", "header", "footer", "aside"]

# A Thai name with its title; "นายก..." and "นายอำเภอ" are positions, not names.
_NAME = re.compile(
    r"(?:นางสาว|น\.ส\.|นาง|นาย(?!ก(?:องค์|เทศ|ฯ)|อำเภอ)|ว่าที่\s*(?:ร\.ต\.|ร้อยตรี)|ดร\.|ร\.ต\.|จ\.ส\.อ\.)"
    r"\s*([ก-๙]{2,}\s+[ก-๙]{2,})"
)
_POSITION = re.compile(r"นายก|ปลัด|ผู้อำนวยการ|หัวหน้า|เลขานุการ|ประธาน|สมาชิก|ผอ\.|ผู้บริหาร")
_CONTACT = re.compile(r"0\d{1,2}[- ]?\d{3}[- ]?\d{3,4}|[\w.+-]+@[\w-]+\.[\w.]+|โทร")
# An EIT survey QR code says so in its alt text, file name, caption or the words beside it
# ("eit" as a word: not inside "height" or "weight").
_QR_HINT = re.compile(r"(?<![a-z])(?:qr|eit)(?![a-z])|คิวอาร์|แบบวัดการรับรู้|สแกน")
_PAGE_SECTIONS = frozenset({"body", "main", "article", "section", "html"})
_SEARCH_FORM = re.compile(r"search|ค้นหา|keyword|^q$|^s$", re.IGNORECASE)
# Mount points of single-page applications, empty until their scripts run.
_APP_ROOTS = "#root, #app, #__next, #__nuxt, [ng-app], [data-reactroot], app-root"


_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*?(/?)>")
_VOID = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
        "p",
        "li",
        "td",
        "tr",
        "th",
        "option",
    ]
)
MAX_NESTING = 5000
_CHECK_NESTING_ABOVE = 200_000  # characters; smaller pages cannot nest deep enough to hurt


def _too_deep(html: str) -> bool:
    """HTML parsers slow down quadratically on absurd nesting: refuse it before parsing.
    Elements often left unclosed (p, li, td...) are not counted."""
    depth = 0
    for match in _TAG.finditer(html):
        closing, name, self_closing = match.groups()
        if self_closing or name.lower() in _VOID:
            continue
        depth += -1 if closing else 1
        if depth > MAX_NESTING:
            return True
    return False


def parse_html(html: str, url: str) -> Document:
    if len(html) > _CHECK_NESTING_ABOVE and _too_deep(html):
        raise UnreadableDocument(
            UnreadableReason.CORRUPT, f"HTML nested more than {MAX_NESTING} levels deep"
        )
    tree = LexborHTMLParser(html)
    title_node = tree.css_first("title")
    title = title_node.text(strip=True) if title_node else ""
    base_node = tree.css_first("base[href]")
    base = resolve(url, base_node.attrs.get("href") or "") if base_node else url
    base = base or url

    # One pass over the links; ``attrs`` and the one-text-child case avoid selectolax's
    # costly attribute dict and separator join (most of the time of a page with a menu).
    links: list[Link] = []
    seen: set[tuple[str, str]] = set()
    resolved: dict[str, str | None] = {}
    # Root-relative links (a menu's) depend on the origin alone: joined to it here, once per
    # page, and normalised through normalise_url's cache, shared by every page of the site.
    origin = base[: base.find("/", base.find("//") + 2)] if base.count("/") >= 3 else ""
    for node in tree.css("a[href], area[href]"):
        href = node.attrs.get("href") or ""
        target = resolved.get(href, "")
        if target == "":
            if origin and href[:1] == "/" and href[1:2] not in ("/", "\\") and href == href.strip():
                target = normalise_url(origin + href)
            else:
                target = resolve(base, href)
            resolved[href] = target
        if target is None:
            continue
        child = node.child
        if child is not None and child.next is None and child.tag == "-text":
            text = (child.text_content or "").strip()
        else:
            text = node.text(deep=True, separator=" ", strip=True)
        if not text:
            img = node.css_first("img")
            text = (
                (img.attrs.get("alt") or img.attrs.get("title") or "")
                if img
                else (node.attrs.get("title") or "")
            )
        key = (target, text)
        if key not in seen:
            seen.add(key)
            links.append(_link(key))

    frames: list[str] = []
    cues: set[Cue] = set()
    for node in tree.css("iframe[src], embed[src], object[data], frame[src]"):
        raw = node.attrs.get("src") or node.attrs.get("data") or ""
        target = resolve(base, raw)
        if target is None:
            continue
        frames.append(target)
        if any(hint in target.lower() for hint in _MAP_HINTS):
            cues.add(Cue.MAP)
    images = tree.css("img[src]")
    # Most pages have no caption: then no image's surroundings are searched for one.
    captions = tree.css_first("figcaption") is not None
    if images:
        cues.add(Cue.IMAGE)
        texts: dict[int, str] = {}  # sibling images share their surroundings: read once
        for img in images:
            label = _image_label(img, captions, texts).lower()
            if "แผนที่" in label or "map" in label:
                cues.add(Cue.MAP)
            if _QR_HINT.search(label):
                cues.add(Cue.QR)
    if tree.css_first("table td"):
        cues.add(Cue.TABLE)

    item_rows = extract_item_rows(tree, base) if might_have_item_table(html) else ()
    scripts = len(tree.css("script"))
    noscript = " ".join(n.text(deep=True, separator=" ", strip=True) for n in tree.css("noscript"))[
        :500
    ]
    empty_app_root = any(
        not node.text(deep=True, strip=True) and node.child is None for node in tree.css(_APP_ROOTS)
    )
    headings = tuple(
        h.text(deep=True, separator=" ", strip=True)
        for h in tree.css("h1, h2, h3, h4, caption, legend")
    )
    tree.strip_tags(_INVISIBLE_TAGS)
    tree.strip_tags(_CHROME_TAGS)
    body = tree.body
    text = body.text(deep=True, separator=" ", strip=True) if body else ""
    if not text:
        text = _whole_text(html)  # a page that is all menu: its menu is its text
    # A form in the content that is more than a site search: an online service or complaint form.
    if any(not _is_incidental_form(form) for form in tree.css("form")):
        cues.add(Cue.FORM)
    tables = _tables(tree)
    # Queried again, not ``images``: strip_tags freed the chrome's nodes, so an image that sat in a
    # menu or sidebar would now point at freed memory (and its photo is not the content's).
    remaining_images = tree.css("img[src]")
    content_images = remaining_images[:50]  # logos and banners sit in the chrome
    read: dict[int, str] = {}  # not ``texts``: the tree has lost its chrome since
    image_labels = tuple(
        label for label in (_image_label(i, captions, read) for i in content_images) if label
    )
    content_urls = frozenset(
        u for u in (resolved.get(a.attrs.get("href") or "") for a in tree.css("a[href]")) if u
    )
    image_urls = tuple(
        u for u in (resolve(base, i.attrs.get("src") or "") for i in content_images) if u
    )
    people = _people(text, remaining_images) if _NAME.search(text) else ()
    return Document(
        url=url,
        kind=DocumentKind.HTML,
        title=title,
        text=text,
        headings=tuple(h for h in headings if h),
        links=tuple(links),
        cues=frozenset(cues),
        frames=tuple(frames),
        images=image_urls,
        content_urls=content_urls,
        scripts=scripts,
        noscript=noscript,
        empty_app_root=empty_app_root,
        item_rows=item_rows,
        people=people,
        tables=tables,
        image_labels=image_labels,
    )


# Menus repeat the same links on every page of a site: one Link per (target, anchor text),
# shared by every page that has it (Links are immutable). Emptied when full: 5,000 (~2.5 MB)
# hold the menus of the few dozen sites a process crawls at once.
_LINKS: dict[tuple[str, str], Link] = {}
MAX_SHARED_LINKS = 5_000


def _link(key: tuple[str, str]) -> Link:
    link = _LINKS.get(key)
    if link is None:
        if len(_LINKS) >= MAX_SHARED_LINKS:
            _LINKS.clear()
        target, text = key
        link = _LINKS[key] = Link(target, " ".join(text.split()))
    return link


def _image_label(
    img: LexborNode, captions: bool = True, texts: dict[int, str] | None = None
) -> str:
    """What an image says it is: alt, title, file name, its figure caption, the words beside it.
    ``captions``: the page has a figcaption; ``texts``: the text of elements already read."""
    attrs = img.attrs
    parts = [attrs.get("alt") or "", attrs.get("title") or ""]
    parts.append((attrs.get("src") or "").rsplit("/", 1)[-1].split("?", 1)[0])
    node = img.parent
    for _ in range(3):
        if node is None or node.tag in _PAGE_SECTIONS:
            break  # a whole page section is not "the words beside" the image
        caption = node.css_first("figcaption") if captions else None
        if caption is not None:
            parts.append(caption.text(deep=True, separator=" ", strip=True))
            break
        nearby = texts.get(node.mem_id) if texts is not None else None
        if nearby is None:
            nearby = node.text(deep=True, separator=" ", strip=True)
            if texts is not None:
                texts[node.mem_id] = nearby
        if nearby:
            if len(nearby) <= 200:
                parts.append(nearby)
            break
        node = node.parent
    return " ".join(p for p in parts if p).strip()


def _is_incidental_form(form: LexborNode) -> bool:
    """A site search or a blog's comment box: on every page, no online service."""
    marks = " ".join(form.attrs.get(a) or "" for a in ("id", "class", "action")).lower()
    if "comment" in marks:
        return True
    return _is_search_form(form)


def _is_search_form(form: LexborNode) -> bool:
    fields = [
        f
        for f in form.css("input, textarea, select")
        if (f.attrs.get("type") or "text").lower() not in ("hidden", "submit", "button", "image")
    ]
    if any(f.tag in ("textarea", "select") for f in fields) or len(fields) != 1:
        return False
    field = fields[0]
    hints = (
        " ".join(field.attrs.get(a) or "" for a in ("type", "name", "placeholder", "id"))
        + " "
        + (form.attrs.get("action") or "")
    )
    return any(_SEARCH_FORM.search(word) for word in hints.split()) or "ค้นหา" in hints


def _tables(tree: LexborHTMLParser) -> tuple[tuple[tuple[str, ...], ...], ...]:
    """Content tables as rows of cell texts (the first 200 rows of the first 20 tables)."""
    tables = []
    for table in tree.css("table")[:20]:
        rows = []
        for row in table.css("tr")[:200]:
            cells = tuple(
                cell.text(deep=True, separator=" ", strip=True) for cell in row.css("th, td")
            )
            if any(cells):
                rows.append(cells)
        if rows:
            tables.append(tuple(rows))
    return tuple(tables)


def _whole_text(html: str) -> str:
    tree = LexborHTMLParser(html)
    tree.strip_tags(_INVISIBLE_TAGS)
    body = tree.body
    return body.text(deep=True, separator=" ", strip=True) if body else ""


def _people(text: str, images: list[LexborNode]) -> tuple[Person, ...]:
    """Who the page lists, and for each: a position, a photo, a contact channel nearby."""
    matches = list(_NAME.finditer(text))
    with_photo: set[str] = set()
    for img in images:
        alt = img.attrs.get("alt") or ""
        node = img.parent
        for _ in range(6):
            if node is None:
                break
            names = {m.group(1) for m in _NAME.finditer(node.text(deep=True, separator=" "))}
            if len(names) == 1:
                with_photo |= names
                break
            if len(names) > 1:
                break
            node = node.parent
        with_photo.update(m.group(1) for m in _NAME.finditer(alt))
    people: dict[str, Person] = {}
    for index, match in enumerate(matches):
        previous_end = matches[index - 1].end() if index else 0
        following = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        after = text[match.end() : min(following, match.end() + 300)]
        # Positions are written before a name as often as after it ("นายก อบต. นายสมชาย ...").
        before = text[max(previous_end, match.start() - 40) : match.start()]
        name = " ".join(match.group(1).split())
        if name in people:
            continue
        people[name] = Person(
            name=name,
            position=bool(_POSITION.search(before) or _POSITION.search(after)),
            photo=match.group(1) in with_photo,
            contact=bool(_CONTACT.search(after)),
        )
    return tuple(people.values())
