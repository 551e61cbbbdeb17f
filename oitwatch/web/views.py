"""What only the web page adds to the one report model (oitwatch.present.model): the reader's
language picked, the notes a Thai page can say, the "why" of a verdict in words, and the
dashboard's rows. The facts, the JSON and the CSV are present's; no HTML here."""

from __future__ import annotations

import re
from dataclasses import dataclass

from oitwatch.checklist.findings import Status
from oitwatch.present.labels import Lang, split_note, status_label
from oitwatch.present.model import ItemView, ReportView
from oitwatch.web import words

_THAI = re.compile("[\u0e00-\u0e7f]")


@dataclass(frozen=True)
class Count:
    status: str  # the raw value, for the page's data-status (styles, the filter)
    label: str
    n: int


def counts(view: ReportView, lang: Lang) -> list[Count]:
    return [Count(s.value, status_label(s).pick(lang), n) for s, n in view.counts.items()]


def to_fix(view: ReportView) -> int:
    return sum(item.status is not Status.PASS for item in view.items)


@dataclass(frozen=True)
class WarningShown:
    """A capability warning with its command apart: a command is set as code, not prose."""

    before: str
    command: str
    after: str


def warnings(view: ReportView, lang: Lang) -> list[WarningShown]:
    out = []
    for warning in view.warnings:
        text = warning.text.pick(lang)
        before, found, after = text.partition(warning.command)
        out.append(WarningShown(before, warning.command if found else "", after))
    return out


def notes(view: ReportView, lang: Lang) -> tuple[list[str], int]:
    """The run's notes (the form used, then the others; the warnings apart) in the reader's
    language, and how many exist in English only: a note for the administrator, which a Thai
    page says exists rather than shows."""
    all_notes = [split_note(view.form_note)] if view.form_note else []
    said: list[str] = []
    english_only = 0
    for note in [*all_notes, *view.other_notes]:
        text = note.pick(lang)
        if lang == Lang.TH and not _THAI.search(text):
            english_only += 1
        elif text:
            said.append(text)
    return said, english_only


@dataclass(frozen=True)
class Source:
    url: str
    kind: str
    row_label: str
    why: str  # English only: said on English pages


@dataclass(frozen=True)
class Seen:
    element: str
    seen: str  # a structure seen ("a map was seen"); else
    quote: str  # the words that proved it, as read on the site


@dataclass(frozen=True)
class Why:
    """Why the verdict, in words: what was opened, the period read, what proved what."""

    sources: list[Source]
    period: str
    found: list[Seen]
    notes: list[str]

    def __bool__(self) -> bool:
        return bool(self.sources or self.period or self.found or self.notes)


def why(item: ItemView, lang: Lang) -> Why:
    evidence = item.evidence
    names = {e.id: e.name.pick(lang) for e in item.elements}
    found = []
    for element in evidence.get("elements", []):
        if not element.get("found"):
            continue
        snippet = str(element.get("snippet", ""))
        seen = words.cue_seen(snippet, lang)
        name = names.get(str(element["id"]), str(element["id"]))
        found.append(Seen(name, seen or "", "" if seen else snippet))
    return Why(
        sources=[
            Source(
                str(s["url"]),
                words.label(words.SOURCES, str(s.get("source", "")), lang),
                str(s.get("row_label", "")),
                str(s.get("why", "")) if lang == Lang.EN else "",
            )
            for s in evidence.get("sources", [])
        ],
        period=words.period_in(str(evidence.get("period", "")), lang),
        found=found,
        notes=[str(n) for n in evidence.get("notes", [])] if lang == Lang.EN else [],
    )
