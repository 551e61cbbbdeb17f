"""Element checks: pure functions ``(document, element) -> ElementCheck``, registered by name.

The checklist data names a check per element (``check = "per_person"``); ``keywords`` is the
default. Adding a synonym or an element needs no code; a new kind of evidence needs a function
here and its name in the data.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from oitwatch.checklist.model import Element
from oitwatch.documents.model import Document
from oitwatch.text.thai import compact_label, without_tone_marks


@dataclass(frozen=True)
class ElementCheck:
    found: bool
    detail_th: str = ""  # who or what is missing, when the check can say
    detail_en: str = ""


CheckFn = Callable[[Document, Element], ElementCheck]
CHECKS: dict[str, CheckFn] = {}

FOUND = ElementCheck(True)
NOT_FOUND = ElementCheck(False)


def register(name: str) -> Callable[[CheckFn], CheckFn]:
    def add(function: CheckFn) -> CheckFn:
        CHECKS[name] = function
        return function

    return add


@cache
def _keywords(words: tuple[str, ...], loose: bool = False) -> tuple[str, ...]:
    keys = (compact_label(w) for w in words)
    return tuple(k for k in ((without_tone_marks(k) if loose else k) for k in keys) if k)


@cache
def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


@register("keywords")
def keywords(document: Document, element: Element) -> ElementCheck:
    """Any keyword (spaces ignored), the pattern, or any structural cue."""
    if any(cue in document.cues for cue in element.cues):
        return FOUND
    text = document.match_text
    if any(k in text for k in _keywords(element.any_of, document.ocr)):
        return FOUND
    if element.pattern is not None and _regex(element.pattern).search(document.normalised_text):
        return FOUND
    return NOT_FOUND


@register("labelled_number")
def labelled_number(document: Document, element: Element) -> ElementCheck:
    """A keyword followed closely by a figure: "เรื่องร้องเรียนทั้งหมด 3 เรื่อง"."""
    text = document.match_text
    for keyword in _keywords(element.any_of, document.ocr):
        start = text.find(keyword)
        while start >= 0:
            window = text[start + len(keyword) : start + len(keyword) + 40]
            if re.search(r"\d", window):
                return FOUND
            start = text.find(keyword, start + 1)
    return NOT_FOUND


_PERSON_PARTS = {
    "position": ("ตำแหน่ง", "position"),
    "photo": ("รูปถ่าย", "photo"),
    "contact": ("ช่องทางการติดต่อ", "contact channel"),
}


@register("per_person")
def per_person(document: Document, element: Element) -> ElementCheck:
    """Every person listed must have the part named by ``param`` (position, photo, contact)."""
    part = element.param or ""
    if part not in _PERSON_PARTS:
        return NOT_FOUND
    people = document.people
    if not people:
        # No list of people could be read (a PDF, a scan): fall back to the whole text.
        return keywords(document, element) if (element.any_of or element.cues) else NOT_FOUND
    lacking = [person.name for person in people if not getattr(person, part)]
    if not lacking:
        return FOUND
    th, en = _PERSON_PARTS[part]
    names = ", ".join(lacking[:10]) + (" …" if len(lacking) > 10 else "")
    return ElementCheck(False, f"ไม่มี{th}: {names}", f"no {en}: {names}")
