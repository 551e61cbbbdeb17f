"""Input files as users write them: the site registry (sites.toml) and the declared-links
CSV (item,url rows as submitted to the assessment)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path

Site = str | Mapping[str, object]


def _toml_value(value: object) -> str:
    # TOML basic strings and arrays of them read as JSON does; Thai text stays as written.
    return json.dumps(value, ensure_ascii=False)


def write_registry(path: Path, sites: Iterable[Site], extra: str = "") -> Path:
    """A sites.toml of ``[[sites]]`` tables: a site is its URL, or its keys (url, name,
    province, recipients...). ``extra`` is raw TOML appended as written (a typo, a site the
    helper would not write)."""
    tables = []
    for site in sites:
        fields = {"url": site} if isinstance(site, str) else site
        lines = "".join(f"{key} = {_toml_value(value)}\n" for key, value in fields.items())
        tables.append(f"[[sites]]\n{lines}\n")
    path.write_text("".join(tables) + extra, encoding="utf-8")
    return path


def write_declared(path: Path, rows: Iterable[tuple[str, str]], header: bool = False) -> Path:
    """A declared-links CSV: one ``item,url`` row each, under an ``item,url`` header if asked."""
    lines = ["item,url"] if header else []
    lines += [f"{item},{url}" for item, url in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
