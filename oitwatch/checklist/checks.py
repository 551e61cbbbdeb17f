"""Element checks: pure functions ``(reading, element) -> ElementCheck``, registered by name.

The checklist data names a check per element (``check = "signature"``); ``keywords`` is the
default. Adding a synonym or an element needs no code; a new kind of evidence needs a function
here and its name in the data, so a later checklist that ``extends`` this one inherits it.

Every check reads a ``Reading``: the document with its *body* set apart, i.e. the text without
the document's title, without the item's own name and without the fiscal-year phrase. The word
"ความก้าวหน้า" in the title of a procurement table, or "งบประมาณ" in "ประจำปีงบประมาณ", proves
nothing about what the document contains (issue 9, B7).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

from oitwatch.checklist.model import Element, Item
from oitwatch.documents.model import Cue, Document, DocumentKind
from oitwatch.text.thai import compact, compact_label, normalise, without_tone_marks


@dataclass(frozen=True)
class ElementCheck:
    found: bool
    detail_th: str = ""  # who or what is missing, when the check can say
    detail_en: str = ""
    snippet: str = ""  # the words that proved it
    where: str = ""  # body | title | table | image | form | link


@dataclass(frozen=True)
class Reading:
    """A document as an assessor reads it for one item."""

    document: Document
    body: str  # normalised, without title, item name and fiscal-year phrase
    body_match: str  # compact form of ``body`` (tone marks dropped for OCR text)
    full: str  # normalised title and text
    full_match: str


CheckFn = Callable[[Reading, Element], ElementCheck]
CHECKS: dict[str, CheckFn] = {}

NOT_FOUND = ElementCheck(False)
SNIPPET_CHARS = 50


def register(name: str) -> Callable[[CheckFn], CheckFn]:
    def add(function: CheckFn) -> CheckFn:
        CHECKS[name] = function
        return function

    return add


# -- reading a document for an item -------------------------------------------------------------

_FISCAL_PHRASE = re.compile(r"(?:ประจำ)?ปีงบประมาณ")


@cache
def _loose(text: str) -> re.Pattern[str]:
    """A compact phrase as a pattern over normalised text, spaces allowed between letters."""
    return re.compile(r"\s*".join(re.escape(c) for c in text), re.IGNORECASE)


@cache
def _item_phrases(item: Item) -> tuple[re.Pattern[str], ...]:
    """The item's official name, wherever the body repeats it. (Shorter synonyms in the body
    are content: "ผลการดำเนินงาน ประจำปี..." opening a results section is a result.)"""
    return (_loose(compact_label(item.heading_th)),)


def _match_form(text: str, ocr: bool) -> str:
    value = compact(text)
    return without_tone_marks(value) if ocr else value


def read(document: Document, item: Item) -> Reading:
    full = document.normalised_text  # cached on the document: normalising a long PDF costs
    body = full
    heads = [document.title] if document.title else []
    if document.headings and "\t" not in document.headings[0]:
        heads.append(document.headings[0])
    for head in heads:
        head = normalise(head)
        if len(head) >= 4:
            body = body.replace(head, " ", 1)
    for phrase in _item_phrases(item):
        body = phrase.sub(" ", body)
    body = _FISCAL_PHRASE.sub(" ", body)
    return Reading(
        document,
        body,
        _match_form(body, document.ocr),
        full,
        document.match_text,
    )


# -- helpers --------------------------------------------------------------------------------------


@cache
def _keywords(words: tuple[str, ...], loose: bool = False) -> tuple[str, ...]:
    keys = (compact_label(w) for w in words)
    return tuple(k for k in ((without_tone_marks(k) if loose else k) for k in keys) if k)


@cache
def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


def _snippet(text: str, start: int, end: int) -> str:
    lo = max(0, start - SNIPPET_CHARS // 2)
    hi = min(len(text), end + SNIPPET_CHARS)
    return ("…" if lo else "") + text[lo:hi].strip() + ("…" if hi < len(text) else "")


def _next_word(text: str) -> str:
    from pythainlp.tokenize import word_tokenize

    words = [w for w in word_tokenize(text[:30], engine="newmm") if w.strip()]
    return words[0] if words else ""


def _find_keyword(
    text: str, keyword: str, not_followed_by: tuple[str, ...] = ()
) -> tuple[int, int] | None:
    """Where a compact keyword occurs in normalised text, as a word (see ``not_followed_by``)."""
    for match in _loose(keyword).finditer(text):
        if not_followed_by and _next_word(text[match.end() :]) in not_followed_by:
            continue
        return match.start(), match.end()
    return None


def _search(
    text: str, match_text: str, element: Element, ocr: bool, where: str
) -> ElementCheck | None:
    for keyword in _keywords(element.any_of, ocr):
        if keyword not in match_text:
            continue
        span = _find_keyword(
            without_tone_marks(text) if ocr else text, keyword, element.not_followed_by
        )
        if span is None and element.not_followed_by:
            continue
        snippet = _snippet(text, *span) if span else keyword
        return ElementCheck(True, snippet=snippet, where=where)
    if element.pattern is not None:
        # OCR drops and misplaces tone marks: the pattern is matched without them there too.
        pattern = without_tone_marks(element.pattern) if ocr else element.pattern
        text = without_tone_marks(text) if ocr else text
        found = _regex(pattern).search(text)
        if found:
            return ElementCheck(
                True, snippet=_snippet(text, found.start(), found.end()), where=where
            )
    return None


def _in_columns(reading: Reading, element: Element) -> ElementCheck | None:
    headers = reading.document.column_headers
    for header in headers:
        key = _match_form(header, reading.document.ocr)
        if any(k in key for k in _keywords(element.any_of, reading.document.ocr)):
            return ElementCheck(True, snippet=f"[คอลัมน์] {normalise(header)}", where="table")
    return None


# -- checks ----------------------------------------------------------------------------------------


@register("keywords")
def keywords(reading: Reading, element: Element) -> ElementCheck:
    """Any keyword (spaces ignored) or the pattern in the body; any structural cue. Tabular
    elements must be a column header where the document has tables."""
    document = reading.document
    for cue in element.cues:
        if cue in document.cues:
            return ElementCheck(True, snippet=f"[{cue.value}]", where=cue.value)
    if element.columns and document.column_headers:
        return _in_columns(reading, element) or NOT_FOUND
    found = _search(reading.body, reading.body_match, element, document.ocr, "body")
    if found is None and document.image_labels and element.any_of:
        # What an image says it is (alt, caption) is what the assessor sees on the page.
        for label in document.image_labels:
            if any(k in compact_label(label) for k in _keywords(element.any_of)):
                return ElementCheck(True, snippet=f"[ภาพ] {label[:80]}", where="image")
    if found is None and element.title_ok:
        found = _search(reading.full, reading.full_match, element, document.ocr, "title")
    return found or NOT_FOUND


_FIGURE_AFTER = re.compile(r"[^\d\n]{0,30}?(?<![\d.])(\d[\d,]*)(?![\d/])")


def _is_year(figure: str) -> bool:
    digits = figure.replace(",", "")
    return len(digits) == 4 and 2400 <= int(digits) <= 2600


@register("labelled_number")
def labelled_number(reading: Reading, element: Element) -> ElementCheck:
    """A label with its figure: "เรื่องร้องเรียนทั้งหมด 3 เรื่อง", or a column headed by the label
    with a figure below it (Thai digits too). A year after the label is not its figure."""
    document = reading.document
    keys = _keywords(element.any_of, document.ocr)
    for table in document.table_rows:
        for r, row in enumerate(table[:6]):
            for c, cell in enumerate(row):
                if not any(k in _match_form(cell, document.ocr) for k in keys):
                    continue
                for below in table[r + 1 :]:
                    value = normalise(below[c]) if c < len(below) else ""
                    if re.fullmatch(r"\d[\d,]*(?:\s*เรื่อง)?", value):
                        snippet = f"[คอลัมน์] {normalise(cell)}: {value}"
                        return ElementCheck(True, snippet=snippet, where="table")
    text = without_tone_marks(reading.body) if document.ocr else reading.body
    for keyword in keys:
        for match in _loose(keyword).finditer(text):
            figure = _FIGURE_AFTER.match(text, match.end())
            if figure and not _is_year(figure.group(1)):
                return ElementCheck(
                    True, snippet=_snippet(text, match.start(), figure.end()), where="body"
                )
    return NOT_FOUND


_PERSON_PARTS = {
    "position": ("ตำแหน่ง", "position"),
    "photo": ("รูปถ่าย", "photo"),
    "contact": ("ช่องทางการติดต่อ", "contact channel"),
}


@register("per_person")
def per_person(reading: Reading, element: Element) -> ElementCheck:
    """Every person listed must have the part named by ``param`` (position, photo, contact)."""
    part = element.param or ""
    if part not in _PERSON_PARTS:
        return NOT_FOUND
    people = reading.document.people
    if not people:
        # No list of people could be read (a PDF, a scan): fall back to the whole text.
        return keywords(reading, element) if (element.any_of or element.cues) else NOT_FOUND
    lacking = [person.name for person in people if not getattr(person, part)]
    if not lacking:
        names = ", ".join(p.name for p in people[:3])
        return ElementCheck(True, snippet=names, where="body")
    th, en = _PERSON_PARTS[part]
    names = ", ".join(lacking[:10]) + (" …" if len(lacking) > 10 else "")
    return ElementCheck(False, f"ไม่มี{th}: {names}", f"no {en}: {names}")


# A Thai name with its title, as signed under an announcement: "(นายสมชาย ใจดี)".
_SIGNED_NAME = re.compile(
    r"(?:นางสาว|น\.ส\.|นาง|นาย(?!ก(?:องค์|เทศ|ฯ)|อำเภอ)|ว่าที่\s*(?:ร\.ต\.|ร้อยตรี)\s*|ดร\.|ร้อยโท|ร\.ท\.|ร\.ต\.)"
    r"\s*[ก-๙]{2,}\s+[ก-๙]{2,}"
)
_BLANK = re.compile(r"[.…_]{4,}")


@register("signature")
def signature(reading: Reading, element: Element) -> ElementCheck:
    """A signature block near the end: a person's name followed closely by an executive's
    position (the keywords). A block of dots ("ลงชื่อ ......") or a position alone is not one."""
    text = reading.full
    tail_start = max(0, len(text) - max(800, len(text) // 3))
    tail = text[tail_start:]
    positions = tuple(normalise(k) for k in element.any_of)
    for name in _SIGNED_NAME.finditer(tail):
        after = tail[name.end() : name.end() + 120]
        for position in positions:
            at = compact(after).find(compact(position))
            if at >= 0:
                snippet = _snippet(tail, name.start(), name.end() + min(len(after), 60))
                return ElementCheck(True, snippet=snippet, where="body")
    blank = "ลงชื่อ" in tail and _BLANK.search(tail)
    return ElementCheck(
        False,
        "ช่องลงนามว่างเปล่า ไม่มีชื่อผู้ลงนาม" if blank else "",
        "the signature block is blank (no name)" if blank else "",
    )


_ENUMERATION = re.compile(
    r"(?:^|[\s(])(?:ขั้นตอนที่\s*)?1\s*[.)]\s*\S.{0,300}?(?:^|[\s(])(?:ขั้นตอนที่\s*)?2\s*[.)]\s*\S",
    re.DOTALL | re.MULTILINE,
)
_STEP_NUMBERED = re.compile(r"ขั้นตอนที่\s*1\D.{0,400}?ขั้นตอนที่\s*2\D", re.DOTALL)


def _enumerated_after(text: str, start: int, reach: int = 800) -> re.Match[str] | None:
    window = text[start : start + reach]
    return _STEP_NUMBERED.search(window) or _ENUMERATION.search(window)


@register("steps")
def steps(reading: Reading, element: Element) -> ElementCheck:
    """A sequence, not a word: a keyword (ขั้นตอน, วิธีการ) followed by numbered steps (1. 2.,
    ขั้นตอนที่ 1 ...), or a table with such a column and at least two rows."""
    document = reading.document
    keys = _keywords(element.any_of, document.ocr)
    for table in document.table_rows:
        header = next((r for r in table[:6] if len([c for c in r if c.strip()]) >= 2), None)
        named = header and any(k in _match_form(c, document.ocr) for c in header for k in keys)
        if named and header and len(table) - table.index(header) - 1 >= 2:
            return ElementCheck(True, snippet=f"[ตาราง] {' | '.join(header)}", where="table")
    text = reading.full
    for keyword in keys:
        for match in _loose(keyword).finditer(text):
            found = _enumerated_after(text, match.start())
            if found:
                end = match.start() + found.end()
                return ElementCheck(True, snippet=_snippet(text, match.start(), end), where="body")
    return NOT_FOUND


_ENTRY_LABEL = re.compile(r"\s*[:：]\s*[^\s:][^\n:]{5,}")
_ENTRY_FIGURE = re.compile(r"[^\n]{2,120}?(?:\d{1,3}(?:,\d{3})+(?:\.\d\d)?|\d+\s*บาท)")


# Words that open another label: "เหตุการณ์ความเสี่ยง ระดับความเสี่ยง มาตรการ" is a row of
# headings with nothing under them, not an event.
_LABEL_WORDS = re.compile(
    r"\s*(?:ระดับ|มาตรการ|ผลการ|หมายเหตุ|ลำดับ|ปัญหา|ข้อเสนอแนะ|งบประมาณ|ระยะเวลา|ผู้รับผิดชอบ|โอกาส|ผลกระทบ)"
)
_NAMED = re.compile(r"\s*[:：]?\s*([ก-๙A-Za-z][^\n:]{7,})")


def _label_end(text: str, match: re.Match[str], keys: tuple[str, ...]) -> int:
    """Where the longest of the element's labels starting at a match ends: after "เหตุการณ์"
    in "เหตุการณ์ความเสี่ยง" comes the rest of the label, not the event it names."""
    ends = [m.end() for k in keys if (m := _loose(k).match(text, match.start())) is not None]
    return max(ends, default=match.end())


def _names_something(text: str, end: int) -> bool:
    """After a label (param = "labelled"), the thing it names: eight characters or more of
    words that do not open another label."""
    if _LABEL_WORDS.match(text, end):
        return False
    named = _NAMED.match(text, end)
    if named is None:
        return False
    head = _LABEL_WORDS.split(named.group(1), maxsplit=1)[0]
    return len(re.sub(r"[^ก-๙A-Za-z]", "", head)) >= 8


@register("listed")
def listed(reading: Reading, element: Element) -> ElementCheck:
    """Things listed, not named once in a foreword: a column headed by the keyword with rows
    below it, the keyword at least twice in the body (two projects, two risk events), an entry
    (the keyword with an amount on its line, or "keyword: what it names"), or the keyword
    followed by a numbered list."""
    document = reading.document
    keys = _keywords(element.any_of, document.ocr)
    for table in document.table_rows:
        for r, row in enumerate(table[:6]):
            for cell in row:
                if any(k in _match_form(cell, document.ocr) for k in keys) and len(table) > r + 1:
                    below = table[r + 1]
                    snippet = f"[คอลัมน์] {normalise(cell)}: {' | '.join(below)[:60]}"
                    return ElementCheck(True, snippet=snippet, where="table")
    text = without_tone_marks(reading.body) if document.ocr else reading.body
    for keyword in keys:
        matches = list(_loose(keyword).finditer(text))
        if len(matches) >= 2:
            first, second = matches[0], matches[1]
            return ElementCheck(
                True, snippet=_snippet(text, first.start(), second.end())[:160], where="body"
            )
        labelled = next((m for m in matches if _ENTRY_LABEL.match(text, m.end())), None)
        if labelled is None and element.param == "labelled":
            labelled = next(
                (m for m in matches if _names_something(text, _label_end(text, m, keys))), None
            )
        if labelled is not None:
            # "เหตุการณ์ความเสี่ยง: การเรียกรับเงิน...": the label with the thing it names.
            end = _ENTRY_LABEL.match(text, labelled.end())
            stop = end.end() if end else labelled.end()
            return ElementCheck(True, snippet=_snippet(text, labelled.start(), stop), where="body")
        entry = next((m for m in matches if _ENTRY_FIGURE.match(text, m.end())), None)
        if entry is not None:
            # An entry, not a foreword: the project named with its budget on the same line.
            end = _ENTRY_FIGURE.match(text, entry.end())
            stop = end.end() if end else entry.end()
            return ElementCheck(True, snippet=_snippet(text, entry.start(), stop), where="body")
        if matches and _enumerated_after(text, matches[0].start(), 600):
            return ElementCheck(
                True, snippet=_snippet(text, matches[0].start(), matches[0].end()), where="body"
            )
    return NOT_FOUND


@register("distinct")
def distinct(reading: Reading, element: Element) -> ElementCheck:
    """At least ``param`` (default 2) different matches of the pattern, in the body or the
    labels of its images: "internal units" are several divisions, not one word."""
    needed = int(element.param or "2")
    if element.pattern is None:
        return NOT_FOUND
    text = " ".join((reading.body, *reading.document.image_labels))
    found = list(dict.fromkeys(m.group(0) for m in _regex(element.pattern).finditer(text)))
    if len(found) >= needed:
        return ElementCheck(True, snippet=", ".join(found[:6]), where="body")
    return NOT_FOUND


_UNITS = re.compile(r"สำนักปลัด|สำนักงานปลัด|กอง(?!ทุน|ทัพ|กำลัง)[ก-๙]{3,}|ฝ่าย(?!บริหาร|นิติบัญญัติ)[ก-๙]{3,}")


@register("chart")
def chart(reading: Reading, element: Element) -> ElementCheck:
    """An organisation chart: an image that says it is one (alt, title, file name, caption), a
    file whose own words (PDF text, OCR of a scan) lay out several units, or the pattern (the
    words that name a chart) in the body."""
    document = reading.document
    keys = _keywords(element.any_of)
    for label in document.image_labels:
        if any(k in compact_label(label) for k in keys):
            return ElementCheck(True, snippet=f"[ภาพ] {label[:80]}", where="image")
    if document.kind is not DocumentKind.HTML or document.ocr:
        units = list(dict.fromkeys(m.group(0) for m in _UNITS.finditer(reading.full)))
        if len(units) >= 2:
            return ElementCheck(True, snippet=", ".join(units[:5]), where="body")
    if element.pattern is not None:
        # In the page's own words only the names of a chart count ("แผนผัง"), not "โครงสร้าง",
        # which is as often "โครงสร้างพื้นฐาน" (infrastructure).
        found = _regex(element.pattern).search(reading.body)
        if found:
            snippet = _snippet(reading.body, found.start(), found.end())
            return ElementCheck(True, snippet=snippet, where="body")
    return NOT_FOUND


# Hosts and paths of online forms and e-service systems.
_ONLINE_HOSTS = ("docs.google.com/forms", "forms.gle", "forms.office.com", "jotform", "typeform")
_ONLINE_PATH = re.compile(r"e-?service|eservice|online", re.IGNORECASE)
_ONLINE_WORDS = re.compile(r"ออนไลน์|online|e\s*[-–]?\s*service|กรอกแบบฟอร์ม", re.IGNORECASE)
_DOWNLOAD = (".pdf", ".doc", ".docx", ".xls", ".xlsx")


def _download(url: str) -> bool:
    return urlsplit(url.lower()).path.endswith(_DOWNLOAD)


def _online_target(url: str) -> bool:
    lowered = url.lower()
    path = urlsplit(lowered).path
    if path.endswith(_DOWNLOAD):
        return False  # a form to download, print and bring is not an online service
    return any(h in lowered for h in _ONLINE_HOSTS) or bool(_ONLINE_PATH.search(path))


@register("online_service")
def online_service(reading: Reading, element: Element) -> ElementCheck:
    """An online channel: a form to fill in on the page, a link to an online form or e-service
    system, or being such a system. A form to download, print and bring is not (issue 9, B9)."""
    document = reading.document
    if Cue.FORM in document.cues:
        return ElementCheck(True, snippet="[แบบฟอร์มออนไลน์บนหน้าเว็บ]", where="form")
    if any(h in document.url.lower() for h in _ONLINE_HOSTS):
        # Being an online form host's page (a form hosted elsewhere and linked from the site).
        return ElementCheck(True, snippet=document.url, where="link")
    here = urlsplit(document.url).hostname
    content = document.content_urls
    for link in document.links:
        if (content is not None and link.url not in content) or link.url == document.url:
            continue
        if any(h in link.url.lower() for h in _ONLINE_HOSTS):
            return ElementCheck(True, snippet=f"{link.text} → {link.url}"[:120], where="link")
        # A system elsewhere (a province's e-service, a forms host) linked from the page. A
        # link within the site named "E-Service" is most often the menu's page about it.
        if urlsplit(link.url).hostname != here and (
            _online_target(link.url)
            or (_ONLINE_WORDS.search(link.text) and not _download(link.url))
        ):
            return ElementCheck(True, snippet=f"{link.text} → {link.url}"[:120], where="link")
    for url in re.findall(r"https?://[^\s<>\"']+", reading.full):
        if urlsplit(url).hostname != here and _online_target(url):
            return ElementCheck(True, snippet=url[:120], where="body")
    return NOT_FOUND


@register("dated_list")
def dated_list(reading: Reading, element: Element) -> ElementCheck:
    """News and activities: the keywords in the body, or a list of dated entries (a news list
    that never says ข่าว)."""
    from oitwatch.text.periods import activity_dates

    found = keywords(reading, element)
    if found.found:
        return found
    if len(activity_dates(reading.body)) >= 2:
        return ElementCheck(True, snippet=reading.body[:80], where="body")
    return NOT_FOUND
