"""The dashboard's order of its lines (present's SiteSummary, from one query:
``present.model.site_summaries``), and forgetting a mistyped site: its history through the
storage facade, its screenshots from the web's folder."""

from __future__ import annotations

from pathlib import Path

from oitwatch.present.model import SiteSummary
from oitwatch.storage import Database, ForgottenSite


def sort_lines(lines: list[SiteSummary], sort: str) -> list[SiteSummary]:
    """Lowest score first (sites never scored first of all), or most new problems first."""

    def score(line: SiteSummary) -> float:
        return line.oit_estimate if line.oit_estimate is not None else -1

    if sort == "problems":
        return sorted(lines, key=lambda line: (-line.new_problems, max(score(line), 0)))
    return sorted(lines, key=score)


def forget_site(db: Database, site_id: int, screenshots_dir: Path) -> ForgottenSite | None:
    """Delete one site and everything stored about it (Database.forget_site), then its
    screenshots under ``screenshots_dir``: a stored path is data, never deleted outside it."""
    gone = db.forget_site(site_id)
    if gone is None:
        return None
    root = screenshots_dir.resolve()
    for shot in gone.screenshots:
        path = Path(shot).resolve()
        if path.is_relative_to(root):
            path.unlink(missing_ok=True)
    return gone
