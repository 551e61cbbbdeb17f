"""`oitwatch history`: how each item of a site changed over time (ItemHistory, from model.py)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from oitwatch.present.json_report import iso_utc
from oitwatch.present.labels import Bilingual, Lang, format_when, status_label
from oitwatch.present.model import ItemHistory

_TITLE = Bilingual("ประวัติการตรวจ", "History of")
_NONE = Bilingual("ยังไม่มีผลการตรวจที่เสร็จสมบูรณ์", "no completed checks")


def render_history(url: str, items: Mapping[str, ItemHistory], lang: Lang | str = Lang.TH) -> str:
    """One line per item: each change of status, when (Bangkok time) and where."""
    if not items:
        return f"{url}: {_NONE.pick(lang)}"
    lines = [f"{_TITLE.pick(lang)} {url}", ""]
    for item in items.values():
        changes = [
            f"{format_when(c.when, lang)} {status_label(c.status).pick(lang)}"
            + (f" ({c.url})" if c.url else "")
            for c in item.changes
        ]
        lines.append(f"{item.item_id:<4} " + " → ".join(changes))
    return "\n".join(lines)


def history_json(url: str, items: Mapping[str, ItemHistory]) -> dict[str, Any]:
    return {
        "site": url,
        "items": [
            {
                "id": item.item_id,
                "since": iso_utc(item.since),
                "changes": [
                    {
                        "run_id": c.run_id,
                        "at": iso_utc(c.when),
                        "status": c.status.value,
                        "status_th": status_label(c.status).th,
                        "url": c.url,
                    }
                    for c in item.changes
                ],
            }
            for item in items.values()
        ],
    }
