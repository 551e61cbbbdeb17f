"""Frozen models of a checklist file. Validation happens here, once, at load."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from oitwatch.documents.model import Cue


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PeriodKind(StrEnum):
    CURRENT = "current"  # must be up now; no year to check
    ANY = "any"  # a manual or procedure: any year will do
    FISCAL_YEAR = "fiscal_year"  # for the assessed fiscal year (or, with years_back, before it)
    COVERING = "covering"  # a multi-year plan whose range covers the fiscal year


class Coverage(StrEnum):
    NONE = "none"
    FIRST_HALF = "first_half"  # at least ต.ค. - มี.ค. of the fiscal year
    WHOLE_YEAR = "whole_year"  # both six-month halves


class PeriodRule(_Frozen):
    kind: PeriodKind
    # Items asking for something done in the year (news, activities) are dated by the
    # activity's own full date, never by a plan's range the text mentions.
    activity: bool = False
    # How many fiscal years before the assessed one are also accepted (reports look back).
    years_back: int = Field(default=0, ge=0, le=3)
    # Which months a document of the right year must cover; less is partial, not outdated.
    coverage: Coverage = Coverage.NONE
    source: str = ""

    def accepted_years(self, fiscal_year: int) -> frozenset[int]:
        return frozenset(range(fiscal_year - self.years_back, fiscal_year + 1))


class Hosting(StrEnum):
    MAIN_SITE = "main_site"
    LINKED_ELSEWHERE = "linked_elsewhere"  # may live elsewhere if the main site links to it


class Scope(StrEnum):
    DOCUMENT = "document"  # in the evidence an assessor opens for the item
    SITE = "site"  # anywhere on the main website (the EIT QR code of O28)


class Confidence(StrEnum):
    """How sure a rule is: shown on the report where it is not from the official manual."""

    OFFICIAL = "official"  # the official elements, as the manual or an official form words them
    MEDIUM = "medium"  # inferred from public agency pages that agree with each other
    LOW = "low"  # inferred from one agency's pages, or carried forward by assumption


class Element(_Frozen):
    """A required element of an item and how its presence is recognised.

    ``check`` names a pure function in checklist/checks.py; ``param`` is its argument (for
    ``per_person``: which part of each person's entry is required)."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    th: str = Field(min_length=1)
    en: str = Field(min_length=1)
    check: str = "keywords"
    param: str | None = None
    scope: Scope = Scope.DOCUMENT
    any_of: tuple[str, ...] = ()
    pattern: str | None = None
    cues: tuple[Cue, ...] = ()
    # The item's own name and the document's title prove nothing about its content: elements
    # are matched on the body. An element that says what the document *is* (a code of ethics,
    # an announcement, a report on gifts) may be read from the title too.
    title_ok: bool = False
    # For tabular evidence (an HTML table, a spreadsheet), the element must be a column header.
    columns: bool = False
    # A keyword is not that word when the next word turns it into another: "แผนที่" (a map)
    # followed by "สอดคล้อง" is "แผน ที่ สอดคล้อง" (a plan that...). Checked with pythainlp.
    not_followed_by: tuple[str, ...] = ()
    source: str = Field(min_length=1)

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"not a valid regular expression: {exc}") from exc
        return value

    @model_validator(mode="after")
    def _recognisable(self) -> Self:
        if self.check == "keywords" and not self.any_of and self.pattern is None and not self.cues:
            raise ValueError("a keywords element needs any_of keywords, a pattern or cues")
        return self


class Item(_Frozen):
    id: str = Field(pattern=r"^O\d{1,2}$")
    heading_th: str = Field(min_length=1)
    gloss_en: str = Field(min_length=1)
    indicator: str = Field(min_length=1)
    sub_indicator: str = Field(min_length=1)
    synonyms: tuple[str, ...] = Field(min_length=1)
    period: PeriodRule
    hosting: Hosting = Hosting.MAIN_SITE
    elements: tuple[Element, ...] = Field(min_length=1)
    partial_score: int = Field(default=50, ge=0, le=100)
    fix_th: str = Field(min_length=1)
    fix_en: str = Field(min_length=1)
    source: str = Field(min_length=1)
    confidence: Confidence = Confidence.OFFICIAL
    # The previous form's items this one continues (``from`` and ``absorbs`` in a file that
    # ``extends`` another): how an item is followed across years, by meaning, not by number.
    continues: tuple[str, ...] = ()

    @property
    def inferred(self) -> bool:
        return self.confidence is not Confidence.OFFICIAL

    @property
    def number(self) -> int:
        return int(self.id[1:])

    @model_validator(mode="after")
    def _unique_elements(self) -> Self:
        ids = [e.id for e in self.elements]
        if len(ids) != len(set(ids)):
            raise ValueError(f"duplicate element ids in {self.id}")
        return self


class Checklist(_Frozen):
    id: str = Field(pattern=r"^ita-\d{4}$")
    fiscal_year: int = Field(ge=2560, le=2700)
    title_th: str
    title_en: str
    extends: str | None = None  # the form this one was written as differences from
    sources: dict[str, str]
    # Labels that mark the site's ITA/OIT page, in menus and headings.
    ita_page_synonyms: tuple[str, ...] = Field(min_length=1)
    items: tuple[Item, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _numbering(self) -> Self:
        expected = [f"O{n}" for n in range(1, len(self.items) + 1)]
        actual = [item.id for item in self.items]
        if actual != expected:
            raise ValueError(
                f"items must be numbered O1..O{len(self.items)} in order, got {actual}"
            )
        return self

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)
