"""Decoding page bytes: HTTP header, then <meta>, then sniffing. Thai sites still serve TIS-620."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_\-]+)""", re.IGNORECASE)
_HEADER = re.compile(r"charset\s*=\s*[\"']?([a-zA-Z0-9_\-]+)", re.IGNORECASE)
# windows-874 is a superset of TIS-620 and ISO-8859-11 that real "tis-620" pages rely on.
_ALIASES = {
    "tis-620": "cp874",
    "tis620": "cp874",
    "iso-8859-11": "cp874",
    "windows-874": "cp874",
    "x-windows-874": "cp874",
}


def _codec(name: str) -> str | None:
    name = _ALIASES.get(name.strip().lower(), name.strip().lower())
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def declared_charset(body: bytes, content_type: str) -> str | None:
    match = _HEADER.search(content_type)
    if match and (codec := _codec(match.group(1))):
        return codec
    meta = _META.search(body[:4096])
    if meta and (codec := _codec(meta.group(1).decode("ascii", "ignore"))):
        return codec
    return None


def _looks_thai_legacy(body: bytes) -> bool:
    # TIS-620 Thai letters sit at 0xA1-0xFB; UTF-8 Thai starts with 0xE0 followed by 0xB8/0xB9.
    high = sum(1 for b in body[:4000] if b >= 0xA1)
    return high > 20 and b"\xe0\xb8" not in body[:4000]


def decode_text(body: bytes, content_type: str = "") -> str:
    codec = declared_charset(body, content_type)
    if codec is not None:
        try:
            text = body.decode(codec)
        except UnicodeDecodeError:
            text = ""
        else:
            # A page declaring utf-8 (or latin-1 by default) but written in TIS-620 is common.
            if codec != "utf-8" or "\ufffd" not in text:
                return text
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if _looks_thai_legacy(body):
        return body.decode("cp874", errors="replace")
    best = from_bytes(body[:65536]).best()
    if best is not None and best.encoding:
        return body.decode(best.encoding, errors="replace")
    return body.decode("utf-8", errors="replace")
