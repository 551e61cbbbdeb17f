"""The one progress line of the command line, for `check` (pages of one site) and `run` (sites
of a batch): a bar that updates in place on a terminal, a plain line every few seconds in a log,
nothing with --quiet. Always on stderr, so stdout stays the report."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from oitwatch.checklist.findings import SiteStatus
from oitwatch.present.labels import Bilingual, Lang, site_status_label
from oitwatch.present.table import clip, display_width

BAR = 24


class ProgressLine:
    def __init__(
        self,
        *,
        quiet: bool = False,
        stream: TextIO | None = None,
        tty: bool | None = None,
        width: int = 100,
    ) -> None:
        self.quiet = quiet
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.width = width
        self.last = 0.0
        self.shown = False

    def show(self, done: int, total: int, text: str, *, force: bool = False) -> None:
        """``done`` of ``total`` (a bar when total > 0) and a short text after it."""
        if self.quiet:
            return
        now = time.monotonic()
        if not force and now - self.last < (0.1 if self.tty else 5.0):
            return
        self.last = now
        line = "[oitwatch] "
        if total > 0:
            filled = BAR * min(done, total) // total
            line += f"[{'#' * filled}{'.' * (BAR - filled)}] "
        line += text
        if self.tty:
            # one line rewritten in place: never wider than the terminal, or it scrolls
            self.stream.write("\r\x1b[2K" + clip(line, self.width - 1))
            self.shown = True
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def done(self) -> None:
        """Clear the line (a terminal), so the report starts on a clean line."""
        if self.tty and self.shown and not self.quiet:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
        self.shown = False


_PAGES = Bilingual("หน้า", "pages")
_FAILED = Bilingual("ลิงก์เสีย", "failed")
_JUDGING = Bilingual("กำลังตรวจเนื้อหาแต่ละข้อ", "judging the items")
_SITES = Bilingual("เว็บไซต์", "sites")
_UNREACHABLE = site_status_label(SiteStatus.UNREACHABLE)  # the reports' words for it


def site_text(
    pages: int, budget: int, failures: int, url: str, phase: str, lang: Lang | str
) -> str:
    """One site's progress: pages fetched of the page budget, then the items being judged."""
    if phase == "judge":
        return f"{pages} {_PAGES.pick(lang)} · {_JUDGING.pick(lang)}"
    text = f"{pages}/{budget} {_PAGES.pick(lang)} · {_FAILED.pick(lang)} {failures}"
    return f"{text}  {url}" if display_width(url) < 70 else f"{text}  {url[:69]}…"


def batch_text(
    done: int,
    total: int,
    pages: int,
    failures: int,
    unreachable: int,
    current: str,
    lang: Lang | str,
) -> str:
    return (
        f"{_SITES.pick(lang)} {done}/{total} · {_PAGES.pick(lang)} {pages}"
        f" · {_FAILED.pick(lang)} {failures} · {_UNREACHABLE.pick(lang)} {unreachable}"
        f"  {current[:30]}"
    )
