"""A report in the terminal: Thai by default (English with --lang en), as wide as the terminal.

Each item is one line (number, status, heading, and the evidence link when it fits); the reason
and the fix go under it, wrapped to the width. An unreachable site is one line with the cause
and the fix, not a row per item. Nothing internal is shown: no element ids, status values or
English notes on a Thai table (tests/unit/present/test_table.py holds it to that).
"""

from __future__ import annotations

import re
import shutil
import unicodedata
from functools import cache

from oitwatch.checklist import Checklist
from oitwatch.checklist.findings import Status
from oitwatch.present.labels import Bilingual, Lang, format_when, split_note, status_label
from oitwatch.present.model import ReportView

WIDE = 120  # from this width the evidence link shares the item's line
MIN_WIDTH = 60


def display_width(text: str) -> int:
    """Columns a string takes: Thai vowels and tone marks above or below take none."""
    return sum(
        0 if unicodedata.combining(ch) or unicodedata.category(ch) == "Mn" else 1 for ch in text
    )


def pad(text: str, width: int) -> str:
    return text + " " * max(0, width - display_width(text))


def clip(text: str, width: int) -> str:
    if display_width(text) <= width:
        return text
    out = ""
    for ch in text:
        if display_width(out + ch) > width - 1:
            break
        out += ch
    return out + "…"


def terminal_width() -> int:
    """The terminal's columns (COLUMNS when set, 100 when not a terminal), at least 60."""
    return max(MIN_WIDTH, shutil.get_terminal_size((100, 24)).columns)


_SPACES = re.compile(r"(\s+)")
_URL = re.compile(r"^[a-z]+://", re.IGNORECASE)


@cache
def _thai_words(text: str) -> tuple[str, ...]:
    from pythainlp.tokenize import word_tokenize  # loaded only when a line needs breaking

    return tuple(word_tokenize(text, engine="newmm", keep_whitespace=False))


def _pieces(text: str, width: int) -> list[str]:
    """Text as pieces a line may break between: words at spaces, Thai words within a run of
    Thai (Thai puts no spaces between words), never inside a URL."""
    out: list[str] = []
    for token in _SPACES.split(text):
        if not token:
            continue
        if token.isspace():
            out.append(" ")
        elif display_width(token) <= width or _URL.match(token):
            out.append(token)
        else:
            out.extend(_thai_words(token))
    return out


def wrap(text: str, width: int, first: str, rest: str) -> list[str]:
    """``text`` in lines of at most ``width`` columns (a URL longer than a line stays whole),
    the first line starting with ``first``, the others with ``rest``."""
    lines: list[str] = []
    line = first
    room = width - display_width(first)
    used = 0
    for piece in _pieces(text, max(10, width - display_width(rest))):
        size = display_width(piece)
        if piece == " ":
            if used:
                line, used = line + " ", used + 1
            continue
        if used and used + size > room:
            lines.append(line.rstrip())
            line, used, room = rest, 0, width - display_width(rest)
        line, used = line + piece, used + size
    lines.append(line.rstrip())
    return lines


_WORDS: dict[str, Bilingual] = {
    "title": Bilingual("รายงานการตรวจเว็บไซต์", "Report for"),
    "form": Bilingual("แบบตรวจ", "Form"),
    "checked": Bilingual("ตรวจเมื่อ", "Checked"),
    "pages": Bilingual("หน้าที่เปิดตรวจ", "Pages fetched"),
    "item": Bilingual("ข้อ", "Item"),
    "status": Bilingual("สถานะ", "Status"),
    "heading": Bilingual("หัวข้อ", "Heading"),
    "evidence": Bilingual("หลักฐาน", "Evidence"),
    "reason": Bilingual("เหตุผล", "Reason"),
    "fix": Bilingual("วิธีแก้", "Fix"),
    "summary": Bilingual("สรุป", "Summary"),
    "score": Bilingual("คะแนน OIT โดยประมาณ", "Estimated OIT score"),
    "method": Bilingual(
        "ข้อที่ผ่านได้ 100 ไม่ครบได้คะแนนบางส่วน อื่น ๆ 0 เฉลี่ยตามตัวชี้วัดย่อยและตัวชี้วัด",
        "items 100 / partial / 0, averaged per sub-indicator and indicator",
    ),
    "note": Bilingual("หมายเหตุ", "Note"),
    "inferred": Bilingual(
        "กฎ {n} จาก {total} ข้ออนุมานจากหน้าเว็บของหน่วยงานที่เผยแพร่ (ยังไม่มีคู่มือฉบับทางการ)",
        "{n} of {total} rules inferred from public agency pages (no official manual yet)",
    ),
}


def _word(key: str, lang: Lang | str) -> str:
    return _WORDS[key].pick(lang)


def render_table(view: ReportView, lang: Lang | str = Lang.TH, width: int | None = None) -> str:
    width = max(MIN_WIDTH, width or terminal_width())
    lines: list[str] = []
    say = lines.extend
    site = f"{view.agency} {view.site_url}" if view.agency else view.site_url
    say(wrap(site, width, f"{_word('title', lang)} ", "  "))
    say(wrap(view.checklist_title.pick(lang), width, f"{_word('form', lang)}: ", "  "))
    if view.form_note:
        say(wrap(split_note(view.form_note).pick(lang), width, "  ", "  "))
    checked = f"{format_when(view.checked_at, lang)} · " if view.checked_at else ""
    pages = f"{checked}{_word('pages', lang)}: {view.pages_fetched}"
    say(wrap(pages, width, f"{_word('checked', lang)} ", "  "))
    if view.inferred_rules:
        text = _word("inferred", lang).format(n=view.inferred_rules, total=len(view.items))
        say(wrap(text, width, "", ""))
    for warning in view.warnings:
        say(wrap(warning.text.pick(lang), width, "!! ", "   "))
    rule = "─" * width
    lines.append(rule)
    problem = view.site_problem
    if problem is not None:
        cause, fix = problem
        say(wrap(f"{cause.pick(lang)} {_word('fix', lang)}: {fix.pick(lang)}", width, "!! ", "   "))
    else:
        lines.extend(_items(view, lang, width))
    lines.append(rule)
    counts = ", ".join(f"{status_label(s).pick(lang)} {n}" for s, n in view.counts.items())
    if problem is None:
        say(wrap(counts, width, f"{_word('summary', lang)}: ", "  "))
    say(
        wrap(
            f"{view.score.oit:.2f} ({_word('method', lang)})",
            width,
            f"{_word('score', lang)}: ",
            "  ",
        )
    )
    for note in view.other_notes:
        say(wrap(note.pick(lang), width, f"{_word('note', lang)}: ", "  "))
    return "\n".join(lines)


def _items(view: ReportView, lang: Lang | str, width: int) -> list[str]:
    status_w = (
        max(display_width(i.status_label.pick(lang)) for i in view.items) if view.items else 6
    )
    status_w = max(status_w, display_width(_word("status", lang)))
    indent = " " * 5
    wide = width >= WIDE
    heading_w = 40 if wide else width - len(indent) - status_w - 1
    head = f"{pad(_word('item', lang), 4)} {pad(_word('status', lang), status_w)} "
    head += pad(_word("heading", lang), heading_w) if wide else _word("heading", lang)
    if wide:
        head += f" {_word('evidence', lang)}"
    lines = [head.rstrip()]
    for item in view.items:
        line = f"{pad(item.id, 4)} {pad(item.status_label.pick(lang), status_w)} "
        heading = clip(item.heading.pick(lang), heading_w)
        if wide:
            line += f"{pad(heading, heading_w)} {item.url or '-'}"
        else:
            line += heading
        lines.append(line.rstrip())
        if not wide and item.url:
            lines.append(f"{indent}{_word('evidence', lang)}: {item.url}")
        if item.status is Status.PASS:
            continue
        reason, fix = item.reason.pick(lang), item.fix.pick(lang)
        lines.extend(wrap(reason, width, f"{indent}{_word('reason', lang)}: ", indent + "  "))
        lines.extend(wrap(fix, width, f"{indent}{_word('fix', lang)}: ", indent + "  "))
        if item.rule_note is not None:  # how sure the rule is matters where work is asked for
            lines.extend(wrap(f"({item.rule_note.pick(lang)})", width, indent, indent))
    return lines


def render_checklist(checklist: Checklist) -> str:
    lines = [checklist.title_th, checklist.title_en, ""]
    for item in checklist.items:
        period = item.period.kind.value + (
            f" (+{item.period.years_back} ปีก่อน)" if item.period.years_back else ""
        )
        lines.append(f"{pad(item.id, 4)} {item.heading_th}")
        lines.append(
            f"{pad('', 4)} {item.gloss_en} — ตัวชี้วัดย่อย {item.sub_indicator}, period: {period}, hosting: {item.hosting.value}"
        )
        if item.inferred:
            lines.append(
                f"{pad('', 4)} (กฎข้อนี้อนุมานจากหน้าเว็บของหน่วยงานที่เผยแพร่ / rule inferred from"
                f" public agency pages, confidence: {item.confidence.value}; source: {item.source})"
            )
        for element in item.elements:
            lines.append(f"{pad('', 6)}- {element.th} / {element.en}")
    return "\n".join(lines)
