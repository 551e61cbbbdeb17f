"""Migrations: a database holding history upgrades with its history intact."""

from __future__ import annotations

import sqlite3
from importlib import resources
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from oitwatch.storage import open_database
from oitwatch.storage.schema import Base


def test_upgrade_from_the_first_schema_keeps_history(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    engine = create_engine(f"sqlite:///{path}")
    config = Config()
    config.set_main_option(
        "script_location", str(resources.files("oitwatch.storage") / "migrations")
    )
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
    engine.dispose()
    with sqlite3.connect(path) as conn:
        conn.execute(
            "insert into sites (id, url, host, created_at) values (1, 'http://a.go.th/', 'a.go.th', '2025-01-01')"
        )
        conn.execute(
            "insert into runs (id, site_id, started_at, status, checklist_id, fiscal_year, pages_fetched, version)"
            " values (1, 1, '2025-01-01', 'completed', 'ita-2568', 2568, 3, '0.0.1')"
        )
        conn.execute(
            "insert into item_results (run_id, position, item_id, status, declared, score, elements, years,"
            " evidence, reason_th, reason_en, fix_th, fix_en) values"
            " (1, 0, 'O1', 'pass', 0, 100, '[]', '[]', '[]', '', '', '', '')"
        )
    db = open_database(f"sqlite:///{path}")  # upgrades to the newest schema
    assert db.item_history("http://a.go.th/")[0]["status"] == "pass"
    with db.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    db.close()
