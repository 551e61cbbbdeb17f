"""Content-Encoding decoded under a byte cap, as the bytes are produced.

A 2 KB response with ``Content-Encoding: gzip, gzip`` once inflated past 2 GB: httpx decodes
every layer without a limit. Here one layer at most is accepted, and every decoder is asked
for no more than the bytes still allowed, so a bomb costs the cap and no more.
"""

from __future__ import annotations

import io
import zlib
from typing import Protocol

import brotli
import zstandard

from oitwatch.errors import OitwatchError

ACCEPT_ENCODING = "gzip, deflate, br, zstd"
_ZSTD_MAX_WINDOW = 1 << 23  # a frame asking for a larger window is refused, not allocated
_READ = 64 * 1024


class TooLarge(OitwatchError):
    """The decoded body would pass the cap."""


class BadEncoding(OitwatchError):
    """Stacked, unknown or corrupt Content-Encoding."""


class Decoder(Protocol):
    def feed(self, data: bytes, room: int) -> bytes:
        """Decoded bytes for ``data``; raises TooLarge past ``room`` bytes."""

    def finish(self, room: int) -> bytes: ...


class _Identity:
    def feed(self, data: bytes, room: int) -> bytes:
        if len(data) > room:
            raise TooLarge
        return data

    def finish(self, room: int) -> bytes:
        return b""


class _Zlib:
    """gzip, or deflate with or without its zlib header (servers send both)."""

    def __init__(self, gzip: bool) -> None:
        self._gzip = gzip
        self._inflate = zlib.decompressobj(zlib.MAX_WBITS | (16 if gzip else 0))
        self._started = False

    def feed(self, data: bytes, room: int) -> bytes:
        if not self._started and not self._gzip and data:
            self._started = True
            if data[0] & 0x0F != 8:  # no zlib header: raw deflate
                self._inflate = zlib.decompressobj(-zlib.MAX_WBITS)
        try:
            out = self._inflate.decompress(data, room + 1)
        except zlib.error as exc:
            raise BadEncoding(str(exc)) from exc
        if len(out) > room:
            raise TooLarge
        return out

    def finish(self, room: int) -> bytes:
        try:
            out = self._inflate.flush()
        except zlib.error as exc:
            raise BadEncoding(str(exc)) from exc
        if len(out) > room:
            raise TooLarge
        return out


class _Brotli:
    def __init__(self) -> None:
        self._brotli = brotli.Decompressor()

    def feed(self, data: bytes, room: int) -> bytes:
        try:
            out = self._brotli.process(data, output_buffer_limit=room + 1)
            while len(out) <= room and not self._brotli.can_accept_more_data():
                out += self._brotli.process(b"", output_buffer_limit=room + 1 - len(out))
        except brotli.error as exc:
            raise BadEncoding(str(exc)) from exc
        if len(out) > room:
            raise TooLarge
        return bytes(out)

    def finish(self, room: int) -> bytes:
        return b""


class _Zstd:
    """python-zstandard's incremental decoder has no output limit: keep the compressed bytes
    (already capped on the wire) and read them back through a bounded stream reader."""

    def __init__(self) -> None:
        self._raw = bytearray()

    def feed(self, data: bytes, room: int) -> bytes:
        self._raw += data
        return b""

    def finish(self, room: int) -> bytes:
        reader = zstandard.ZstdDecompressor(max_window_size=_ZSTD_MAX_WINDOW).stream_reader(
            io.BytesIO(bytes(self._raw)), read_across_frames=True
        )
        out = bytearray()
        try:
            while True:
                chunk = reader.read(min(_READ, room + 1 - len(out)))
                if not chunk:
                    return bytes(out)
                out += chunk
                if len(out) > room:
                    raise TooLarge
        except zstandard.ZstdError as exc:
            raise BadEncoding(str(exc)) from exc


def decoder_for(content_encoding: str) -> Decoder:
    """The decoder for a Content-Encoding header; BadEncoding for stacked or unknown ones."""
    layers = [
        e.strip().lower()
        for e in content_encoding.split(",")
        if e.strip() and e.strip().lower() != "identity"
    ]
    if not layers:
        return _Identity()
    if len(layers) > 1:
        raise BadEncoding(f"{len(layers)} encoding layers ({content_encoding})")
    name = layers[0]
    if name in ("gzip", "x-gzip"):
        return _Zlib(gzip=True)
    if name == "deflate":
        return _Zlib(gzip=False)
    if name == "br":
        return _Brotli()
    if name == "zstd":
        return _Zstd()
    raise BadEncoding(f"unknown encoding {name!r}")
