"""SQLite or PostgreSQL storage (SQLAlchemy 2 + Alembic): sites, runs, fetched resources, item results.

History is append-only: a new check adds a run; nothing a check stored is ever overwritten.
"""

from oitwatch.storage.database import Database, open_database
from oitwatch.storage.schema import ItemResultRow, ResourceRow, Run, RunStatus, Site

__all__ = ["Database", "ItemResultRow", "ResourceRow", "Run", "RunStatus", "Site", "open_database"]
