"""Load a checklist data file; a malformed file fails naming the item and the field."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from oitwatch.checklist.model import Checklist
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


def parse_checklist(text: str, origin: str) -> Checklist:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ChecklistError(f"{origin}: not valid TOML: {exc}") from exc
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
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ChecklistError(f"cannot read checklist {path}: {exc}") from exc
    return parse_checklist(text, str(path))


@cache
def load_checklist(year: int = DEFAULT_YEAR) -> Checklist:
    path = _data_dir() / f"ita-{year}.toml"
    if not path.exists():
        years = ", ".join(map(str, available_years()))
        raise ChecklistError(f"no checklist for fiscal year {year} (available: {years})")
    return load_checklist_file(path)
