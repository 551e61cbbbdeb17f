"""The OIT checklist: one data file per fiscal year (``data/ita-YYYY.toml``), loaded into frozen models.

Where an O-item's rule lives: ``data/ita-2568.toml``, under ``[[items]]`` with ``id = "O5"``.
"""

from oitwatch.checklist.loader import ChecklistError, available_years, load_checklist
from oitwatch.checklist.model import Checklist, Element, Item, PeriodKind, PeriodRule

__all__ = [
    "Checklist",
    "ChecklistError",
    "Element",
    "Item",
    "PeriodKind",
    "PeriodRule",
    "available_years",
    "load_checklist",
]
