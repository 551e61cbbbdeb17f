"""Load a checklist data file; a malformed file fails naming the item and the field.

A file may be written as the differences from an earlier form (``extends = "ita-2568"``): its
items name the earlier item they continue (``from``) and any they absorb (``absorbs``), give
only the fields that changed, and every earlier item must be continued, absorbed or listed
under ``removed``. Whatever the earlier file says and this one does not is inherited, so an
edit to 2568 reaches 2569 too.

Which form applies today (``form_in_force``): the one for the Thai fiscal year in force
(1 October starts the next year), else the newest published, with a note saying so.
"""

from __future__ import annotations

import copy
import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from oitwatch.checklist.model import Checklist
from oitwatch.config import Settings
from oitwatch.errors import OitwatchError

DEFAULT_YEAR = 2568


class ChecklistError(OitwatchError):
    """A checklist file is missing or malformed."""


def _data_dir() -> Path:
    return Path(str(resources.files("oitwatch.checklist") / "data"))


def available_years() -> list[int]:
    return sorted(int(p.stem.removeprefix("ita-")) for p in _data_dir().glob("ita-*.toml"))


def _describe(raw: dict[str, Any], loc: tuple[int | str, ...]) -> str:
    """Turn a pydantic location like ('items', 4, 'elements', 0, 'th') into 'O5 elements[0].th'."""
    if len(loc) >= 2 and loc[0] == "items" and isinstance(loc[1], int):
        items = raw.get("items", [])
        item = items[loc[1]] if loc[1] < len(items) else {}
        name = item.get("id", f"items[{loc[1]}]") if isinstance(item, dict) else f"items[{loc[1]}]"
        rest = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc[2:]).lstrip(".")
        return f"item {name}, field {rest or '(item)'}"
    return "field " + ".".join(str(p) for p in loc)


def _read_raw(checklist_id: str, data_dir: Path) -> dict[str, Any]:
    path = data_dir / f"{checklist_id}.toml"
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ChecklistError(f"cannot read checklist {path}: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ChecklistError(f"{path}: not valid TOML: {exc}") from exc


def _merge_elements(
    base: list[dict[str, Any]], changes: list[dict[str, Any]], where: str
) -> list[dict[str, Any]]:
    """Elements by id: a known id takes the given fields over the inherited ones; a new id is
    appended whole."""
    merged = [dict(e) for e in base]
    by_id = {e.get("id"): e for e in merged}
    for change in changes:
        if not isinstance(change, dict) or "id" not in change:
            raise ChecklistError(f"{where}: every element change needs an id")
        if change["id"] in by_id:
            by_id[change["id"]].update(change)
        else:
            merged.append(dict(change))
            by_id[change["id"]] = merged[-1]
    return merged


def _merge_item(
    base: dict[str, Any], change: dict[str, Any], absorbed: list[dict[str, Any]], where: str
) -> dict[str, Any]:
    item = copy.deepcopy(base)
    change = dict(change)
    for other in absorbed:
        taken = {e.get("id") for e in item.get("elements", [])}
        for element in other.get("elements", []):
            if element.get("id") in taken:
                raise ChecklistError(
                    f"{where}: absorbed element {element.get('id')!r} of {other.get('id')} "
                    "has the same id as one already there: rename it in this file"
                )
            item.setdefault("elements", []).append(copy.deepcopy(element))
        item["synonyms"] = [
            *item.get("synonyms", []),
            *(s for s in other.get("synonyms", []) if s not in item.get("synonyms", [])),
        ]
    drop = set(change.pop("drop_elements", []))
    unknown = drop - {e.get("id") for e in item.get("elements", [])}
    if unknown:
        raise ChecklistError(f"{where}: drop_elements names no inherited element {sorted(unknown)}")
    item["elements"] = [e for e in item.get("elements", []) if e.get("id") not in drop]
    item["elements"] = _merge_elements(item["elements"], change.pop("elements", []), where)
    if "period" in change:
        item["period"] = {**item.get("period", {}), **change.pop("period")}
    added = change.pop("add_synonyms", [])
    dropped = set(change.pop("drop_synonyms", []))
    synonyms = change.pop("synonyms", item.get("synonyms", []))
    # The new heading's words first: they are the most specific.
    item["synonyms"] = [s for s in dict.fromkeys([*added, *synonyms]) if s not in dropped]
    item.update(change)
    return item


def _resolve(raw: dict[str, Any], origin: str, data_dir: Path, depth: int = 0) -> dict[str, Any]:
    """A file that extends another, merged into one complete form (plain data, not yet validated)."""
    parent_id = raw.get("extends")
    if parent_id is None:
        return raw
    if depth > 5:
        raise ChecklistError(f"{origin}: 'extends' goes round in a circle")
    if not isinstance(parent_id, str):
        raise ChecklistError(f"{origin}: extends must be a checklist id such as 'ita-2568'")
    parent = _resolve(_read_raw(parent_id, data_dir), parent_id, data_dir, depth + 1)
    parent_items = {i.get("id"): i for i in parent.get("items", [])}
    accounted: set[str] = set()

    def take(item_id: object, where: str) -> dict[str, Any]:
        if item_id not in parent_items:
            raise ChecklistError(f"{where}: {parent_id} has no item {item_id!r}")
        if item_id in accounted:
            raise ChecklistError(f"{where}: item {item_id} of {parent_id} is used twice")
        accounted.add(str(item_id))
        found: dict[str, Any] = parent_items[item_id]
        return found

    items: list[dict[str, Any]] = []
    for index, change in enumerate(raw.get("items", [])):
        change = dict(change)
        where = f"{origin}: item {change.get('id', f'items[{index}]')}"
        base_id = change.pop("from", None)
        absorbs = change.pop("absorbs", [])
        base = take(base_id, where) if base_id is not None else {}
        absorbed = [take(a, where) for a in absorbs]
        merged = _merge_item(base, change, absorbed, where)
        merged["continues"] = [x for x in [base_id, *absorbs] if x is not None]
        items.append(merged)
    for removal in raw.get("removed", []):
        if not isinstance(removal, dict) or not removal.get("reason") or not removal.get("source"):
            raise ChecklistError(f"{origin}: every removed item needs an id, a reason and a source")
        take(removal.get("id"), f"{origin}: removed")
    left = [i for i in parent_items if i not in accounted]
    if left:
        raise ChecklistError(
            f"{origin}: items {', '.join(map(str, left))} of {parent_id} are neither continued "
            "(from), absorbed nor removed"
        )
    merged_form = {k: v for k, v in parent.items() if k not in ("items", "extends")}
    merged_form.update({k: v for k, v in raw.items() if k not in ("items", "removed")})
    merged_form["sources"] = {**parent.get("sources", {}), **raw.get("sources", {})}
    merged_form["items"] = items
    return merged_form


def parse_checklist(text: str, origin: str, data_dir: Path | None = None) -> Checklist:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ChecklistError(f"{origin}: not valid TOML: {exc}") from exc
    raw = _resolve(raw, origin, data_dir or _data_dir())
    try:
        checklist = Checklist.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{_describe(raw, tuple(err['loc']))}: {err['msg']}" for err in exc.errors()
        )
        raise ChecklistError(f"{origin}: {problems}") from exc
    from oitwatch.checklist.checks import CHECKS

    for index, item in enumerate(checklist.items):
        for position, element in enumerate(item.elements):
            if element.check not in CHECKS:
                where = _describe(raw, ("items", index, "elements", position, "check"))
                known = ", ".join(sorted(CHECKS))
                raise ChecklistError(
                    f"{origin}: {where}: unknown check {element.check!r} (known: {known})"
                )
    return checklist


def load_checklist_file(path: Path) -> Checklist:
    """A form from a file; one it extends is looked for beside it."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ChecklistError(f"cannot read checklist {path}: {exc}") from exc
    return parse_checklist(text, str(path), path.parent)


@cache
def load_checklist(year: int = DEFAULT_YEAR) -> Checklist:
    path = _data_dir() / f"ita-{year}.toml"
    if not path.exists():
        years = ", ".join(map(str, available_years()))
        raise ChecklistError(f"no checklist for fiscal year {year} (available: {years})")
    return load_checklist_file(path)


def thai_fiscal_year(day: date) -> int:
    """The Thai fiscal year (พ.ศ.) a day falls in: it starts on 1 October."""
    return day.year + 543 + (1 if day.month >= 10 else 0)


@dataclass(frozen=True)
class FormChoice:
    """Which form a check uses, and why, in words for the report."""

    year: int  # the form used
    in_force: int  # the fiscal year in force on the day
    pinned: bool  # chosen by --year or checklist.year, not by the date

    @property
    def note_th(self) -> str:
        if self.pinned:
            return f"ตรวจตามแบบ OIT ปี {self.year} ตามที่กำหนด (ปีงบประมาณปัจจุบันคือ {self.in_force})"
        if self.year != self.in_force:
            return f"แบบตรวจ OIT ปี {self.in_force} ยังไม่ประกาศ ตรวจตามแบบปี {self.year}"
        return f"ตรวจตามแบบ OIT ปี {self.year} (ปีงบประมาณปัจจุบัน)"

    @property
    def note_en(self) -> str:
        if self.pinned:
            return f"checked against the FY{self.year} form as set (the fiscal year in force is {self.in_force})"
        if self.year != self.in_force:
            return f"FY{self.in_force} form not yet published; checked against FY{self.year}"
        return f"checked against the FY{self.year} form (the fiscal year in force)"

    @property
    def note(self) -> str:
        return f"{self.note_th} / {self.note_en}"


def form_in_force(today: date, pinned: int | None = None) -> FormChoice:
    """The form for the fiscal year in force on ``today`` if it is published, else the newest
    one before it (an assessment runs on the last published form until the next is out)."""
    in_force = thai_fiscal_year(today)
    if pinned is not None:
        return FormChoice(pinned, in_force, True)
    years = available_years()
    usable = [y for y in years if y <= in_force] or years[:1]
    if not usable:
        raise ChecklistError("no checklist data files are installed")
    return FormChoice(max(usable), in_force, False)


def form_for(settings: Settings) -> FormChoice:
    """The form a check uses: `checklist.year` if set, else the one in force today (Bangkok)."""
    today = settings.today or datetime.now(ZoneInfo("Asia/Bangkok")).date()
    return form_in_force(today, settings.checklist.year)
