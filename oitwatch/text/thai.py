"""Normalise Thai text so that keywords match what PDFs and old web pages really contain.

PDF extraction of Thai yields zero-width spaces, a decomposed sara am (nikhahit + sara aa),
tone marks before vowels and stray spaces inside words. Matching is therefore done on a
"compact" form with every space removed, on both the text and the keyword.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pythainlp.util import normalize as _pythainlp_normalize

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
# nikhahit + sara aa, in either order with a tone mark between, is sara am.
_SARA_AM = re.compile("\u0e4d([\u0e48-\u0e4b]?)\u0e32")
_WHITESPACE = re.compile(r"\s+")
# Characters PDFs and CMSs leave in text that carry no meaning for matching.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)


def thai_digits_to_arabic(text: str) -> str:
    return text.translate(_THAI_DIGITS)


# Exactly what pythainlp's normalize() changes (its _REORDER_PAIRS, _NOREPEAT_PAIRS, tone
# runs, spaces before marks, dangling marks, zero-width characters). Text with none of these,
# most HTML, comes out of it unchanged, so the costly pass is skipped for it; a property test
# holds the two paths equal.
_MARKS = "\u0e31\u0e34-\u0e3a\u0e47-\u0e4e"
_NEEDS_REPAIR = re.compile(
    "[\u200b\u200c\u200d\u2060\ufeff\u00ad\u0e4d\u0e45]"  # zero-width, nikhahit, lakkhangyao
    "|\u0e40\u0e40"  # two sara e
    "|[\u0e48-\u0e4c][\u0e31\u0e34-\u0e39\u0e47\u0e4d]"  # tone before a vowel
    "|[\u0e30\u0e32\u0e33\u0e45][\u0e48-\u0e4b]"  # following vowel before a tone
    "|[\u0e48-\u0e4b]{2}"  # a run of tone marks
    f"|(?:^|\\s)[{_MARKS}]"  # a mark after a space or at the start
    "|([\u0e30\u0e32\u0e33\u0e45\u0e40-\u0e44\u0e31\u0e34-\u0e39\u0e3a\u0e47\u0e4c\u0e4d\u0e4e]) *\\1"
)


def normalise(text: str) -> str:
    """Text for display and for pattern matching: digits Arabic, Thai spelling canonical."""
    text = unicodedata.normalize("NFC", text)
    if _NEEDS_REPAIR.search(text):
        text = text.translate(_INVISIBLE)
        text = _SARA_AM.sub(lambda m: m.group(1) + "\u0e33", text)
        text = _pythainlp_normalize(text)
    text = thai_digits_to_arabic(text)
    return _WHITESPACE.sub(" ", text).strip()


# Dashes agencies type for a hyphen ("E–Service" with an en dash): one dash for matching.
_DASHES = str.maketrans("\u2010\u2011\u2012\u2013\u2014\u2212", "------")


def compact(text: str) -> str:
    """Matching form: normalised, lower-cased, dashes unified, without any whitespace."""
    return _WHITESPACE.sub("", normalise(text)).lower().translate(_DASHES)


@lru_cache(maxsize=200_000)
def compact_label(text: str) -> str:
    """compact() for short, endlessly repeated strings: anchor texts, titles, keywords."""
    return compact(text)


# Tone marks and thanthakhat: what OCR of Thai most often drops or misplaces.
_TONE_MARKS = dict.fromkeys(range(0x0E48, 0x0E4D), None)


def without_tone_marks(text: str) -> str:
    """A looser matching form for text read by OCR: "ความเสียง" still finds "ความเสี่ยง"."""
    return text.translate(_TONE_MARKS)
