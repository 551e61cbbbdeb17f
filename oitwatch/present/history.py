"""`oitwatch history`: how each item of a site changed over time."""

from __future__ import annotations

from itertools import groupby

from oitwatch.storage import HistoryRow


def render_history(url: str, rows: list[HistoryRow]) -> str:
    if not rows:
        return f"{url}: no completed checks"
    lines = [f"ประวัติการตรวจ / history of {url}", ""]
    for item_id, entries in groupby(
        sorted(rows, key=lambda r: (_order(r.item_id), r.run_id)), key=lambda r: r.item_id
    ):
        changes: list[str] = []
        previous = None
        for row in entries:
            if row.status != previous:
                when = row.started_at.strftime("%Y-%m-%d %H:%M")
                changes.append(f"{when} {row.status}" + (f" ({row.url})" if row.url else ""))
                previous = row.status
        lines.append(f"{item_id:<4} " + " → ".join(changes))
    return "\n".join(lines)


def _order(item_id: str) -> int:
    return int(item_id[1:]) if item_id[1:].isdigit() else 0
