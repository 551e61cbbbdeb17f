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

# nikhahit + sara aa, in either order with a tone mark between, is sara am.
_SARA_AM = re.compile("\u0e4d([\u0e48-\u0e4b]?)\u0e32")
# Characters PDFs and CMSs leave in text that carry no meaning for matching.
_INVISIBLE_CHARS = "\u200b\u200c\u200d\u2060\ufeff\u00ad"


def _replace_each(text: str, pairs: tuple[tuple[str, str], ...]) -> str:
    """``str.translate`` for a few single characters: translate looks every character of a
    non-ASCII string up in a dict (0.6 ms for a 10,000-character Thai page, a hundred times
    this), while ``in`` and ``replace`` scan at C speed."""
    for old, new in pairs:
        if old in text:
            text = text.replace(old, new)
    return text


_THAI_DIGIT_PAIRS = tuple(zip("๐๑๒๓๔๕๖๗๘๙", "0123456789", strict=True))
_INVISIBLE_PAIRS = tuple((c, "") for c in _INVISIBLE_CHARS)


def thai_digits_to_arabic(text: str) -> str:
    return _replace_each(text, _THAI_DIGIT_PAIRS)


# Exactly what pythainlp's normalize() changes (its _REORDER_PAIRS, _NOREPEAT_PAIRS, tone
# runs, spaces before marks, dangling marks, zero-width characters). Text with none of these,
# most HTML, comes out of it unchanged, so the costly pass is skipped for it; a property test
# holds the two paths equal.
_MARKS = "\u0e31\u0e34-\u0e3a\u0e47-\u0e4e"
_ZERO_WIDTH = _INVISIBLE_CHARS + "\u0e4d\u0e45"  # and nikhahit, lakkhangyao
_REPEATED = "\u0e30\u0e32\u0e33\u0e45\u0e40-\u0e44\u0e31\u0e34-\u0e39\u0e3a\u0e47\u0e4c\u0e4d\u0e4e"
# Every case starts at one of these characters. The pattern opens with their class, which lets
# the regex engine skip everything else (consonants, spaces, Latin) at C speed; each case then
# looks back at the character just read. Twice as fast on Thai text as the plain alternation:
#   [zero-width] | เเ | [tone][vowel] | [vowel][tone] | [tone]{2} | (^|\s)[mark] | ([v]) *\1
_NEEDS_REPAIR = re.compile(
    f"[{_ZERO_WIDTH}\u0e40\u0e48-\u0e4c\u0e30\u0e32\u0e33{_MARKS}{_REPEATED}]"
    "(?:"
    f"(?<=[{_ZERO_WIDTH}])"  # zero-width, nikhahit, lakkhangyao
    "|(?<=\u0e40)\u0e40"  # two sara e
    "|(?<=[\u0e48-\u0e4c])[\u0e31\u0e34-\u0e39\u0e47\u0e4d]"  # tone before a vowel
    "|(?<=[\u0e30\u0e32\u0e33\u0e45])[\u0e48-\u0e4b]"  # following vowel before a tone
    "|(?<=[\u0e48-\u0e4b])[\u0e48-\u0e4b]"  # a run of tone marks
    f"|(?<=[{_MARKS}])(?<!\\S.)"  # a mark after a space or at the start
    f"|(?<=([{_REPEATED}])) *\\1"  # a vowel or mark written twice
    ")"
)


def normalise(text: str) -> str:
    """Text for display and for pattern matching: digits Arabic, Thai spelling canonical."""
    text = unicodedata.normalize("NFC", text)
    if _NEEDS_REPAIR.search(text):
        text = _replace_each(text, _INVISIBLE_PAIRS)
        text = _SARA_AM.sub(lambda m: m.group(1) + "\u0e33", text)
        text = _pythainlp_normalize(text)
    text = thai_digits_to_arabic(text)
    # split() and \s both take Python's whitespace (str.isspace); the join is 3x the sub's speed.
    return " ".join(text.split())


# Dashes agencies type for a hyphen ("E–Service" with an en dash): one dash for matching.
_DASHES = tuple((dash, "-") for dash in "\u2010\u2011\u2012\u2013\u2014\u2212")


def compact(text: str) -> str:
    """Matching form: normalised, lower-cased, dashes unified, without any whitespace."""
    return _replace_each("".join(normalise(text).split()).lower(), _DASHES)


# The strings that repeat are a site's menus and titles, and a run holds a few dozen sites at
# once: 8,192 covers them. 200,000 entries grew with every site a nightly finished (~400 bytes
# each: a process held ~10 MB more after 500 sites than after 80, for nothing).
@lru_cache(maxsize=8192)
def compact_label(text: str) -> str:
    """compact() for short, endlessly repeated strings: anchor texts, titles, keywords."""
    return compact(text)


# Tone marks and thanthakhat: what OCR of Thai most often drops or misplaces.
_TONE_MARKS = tuple((chr(mark), "") for mark in range(0x0E48, 0x0E4D))


def without_tone_marks(text: str) -> str:
    """A looser matching form for text read by OCR: "ความเสียง" still finds "ความเสี่ยง"."""
    return _replace_each(text, _TONE_MARKS)
