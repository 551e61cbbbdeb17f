"""SQLite or PostgreSQL storage (SQLAlchemy 2 + Alembic): sites, runs, fetched resources, item results.

History is append-only: a new check adds a run; nothing a check stored is ever overwritten.
Callers hold a `Database` (open_database); what it hands out is in records.py.
"""

from oitwatch.storage.database import Database, open_database
from oitwatch.storage.records import (
    AlertState,
    BatchLine,
    Facets,
    ForgottenSite,
    HistoryRow,
    ItemStatus,
    LatestRun,
    Mail,
    OutboxMail,
    PriorItem,
    RunInfo,
    SiteInfo,
)
from oitwatch.storage.schema import ItemResultRow, ResourceRow, Run, RunStatus, Site

__all__ = [
    "AlertState",
    "BatchLine",
    "Database",
    "Facets",
    "ForgottenSite",
    "HistoryRow",
    "ItemResultRow",
    "ItemStatus",
    "LatestRun",
    "Mail",
    "OutboxMail",
    "PriorItem",
    "ResourceRow",
    "Run",
    "RunInfo",
    "RunStatus",
    "Site",
    "SiteInfo",
    "open_database",
]
