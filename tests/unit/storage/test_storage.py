"""Migrations: a database holding history upgrades with its history intact, on SQLite and on
PostgreSQL alike."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import resources

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text

from oitwatch.checklist.findings import Status
from oitwatch.errors import StorageError
from oitwatch.storage import RunStatus, open_database
from oitwatch.storage.database import head_revision
from oitwatch.storage.schema import Base


def _config() -> Config:
    config = Config()
    config.set_main_option(
        "script_location", str(resources.files("oitwatch.storage") / "migrations")
    )
    return config


def _migrate_to(url: str, revision: str, *, down: bool = False) -> None:
    engine = create_engine(url)
    config = _config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)
    engine.dispose()


def _previous_revision() -> str:
    script = ScriptDirectory.from_config(_config())
    head = script.get_revision(script.get_current_head())
    assert head is not None and isinstance(head.down_revision, str)
    return head.down_revision


def _insert_history(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "insert into sites (url, host, created_at)"
                " values ('http://a.go.th/', 'a.go.th', '2025-01-01')"
            )
        )
        conn.execute(
            text(
                "insert into runs (site_id, started_at, status, checklist_id, fiscal_year,"
                " pages_fetched, version) select id, '2025-01-01', 'completed', 'ita-2568',"
                " 2568, 3, '0.0.1' from sites"
            )
        )
        conn.execute(
            text(
                "insert into item_results (run_id, position, item_id, status, declared, score,"
                " elements, years, evidence, reason_th, reason_en, fix_th, fix_en) values"
                " (1, 0, 'O1', 'pass', false, 100, '[]', '[]', '[]', 'มี', '', '', '')"
            )
        )
    engine.dispose()


def _assert_upgraded_with_history(url: str) -> None:
    db = open_database(url)  # upgrades to the newest schema
    try:
        [row] = db.item_history("http://a.go.th/")
        assert (row.item_id, row.status) == ("O1", Status.PASS)
        assert db.site("http://b.go.th/").id != db.site("http://a.go.th/").id
        with db.engine.connect() as connection:
            assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    finally:
        db.close()


def test_upgrade_from_the_first_schema_keeps_history(db_url: str) -> None:
    _migrate_to(db_url, "0001")
    _insert_history(db_url)
    _assert_upgraded_with_history(db_url)


def test_upgrade_from_the_previous_revision_keeps_history(db_url: str) -> None:
    _migrate_to(db_url, _previous_revision())
    _insert_history(db_url)
    _assert_upgraded_with_history(db_url)


def test_migrations_from_empty_and_back_down(db_url: str) -> None:
    db = open_database(db_url)  # from an empty database to the newest schema
    db.close()
    _migrate_to(db_url, "base", down=True)  # every downgrade runs on this backend too
    engine = create_engine(db_url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()
    db = open_database(db_url)
    with db.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    db.close()


def test_the_head_read_from_the_files_is_alembics() -> None:
    """open_database skips Alembic when the database is at this head: it must be the one
    Alembic would upgrade to, whatever order the revisions were numbered in."""
    assert head_revision() == ScriptDirectory.from_config(_config()).get_current_head()


def test_a_database_past_the_head_is_still_refused(db_url: str) -> None:
    """A revision these files do not know (a newer oitwatch wrote it) is no head: Alembic is
    asked, and refuses as before."""
    open_database(db_url).close()
    engine = create_engine(db_url)
    with engine.begin() as connection:
        connection.execute(text("update alembic_version set version_num = '9999'"))
    engine.dispose()
    with pytest.raises(StorageError, match="Can't locate revision identified by '9999'"):
        open_database(db_url)


def test_weakened_verdicts_of_earlier_runs_are_known_after_the_upgrade(db_url: str) -> None:
    """Before 0011 a weakened verdict said so only at the end of its English reason."""
    _migrate_to(db_url, "0010")
    _insert_history(db_url)
    engine = create_engine(db_url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "update item_results set reason_en = 'Not found (verdict weakened: no Thai OCR:"
                " scanned evidence was not read, this item may be better than reported)"
                " (verdict weakened: no Chromium: pages built by JavaScript were not read)'"
            )
        )
    engine.dispose()
    db = open_database(db_url)
    try:
        with db.engine.connect() as connection:
            [weakened] = connection.execute(text("select weakened from item_results")).scalars()
    finally:
        db.close()
    assert sorted(weakened if isinstance(weakened, list) else json.loads(weakened)) == [
        "chromium",
        "ocr",
    ]


def test_an_upgrade_apart_keeps_history_and_alembic_out_of_the_command(db_url: str) -> None:
    """A nightly run upgrades in a short-lived process: the run's own process, which lives for
    hours, never imports Alembic, and the history is upgraded as in process."""
    _migrate_to(db_url, _previous_revision())
    _insert_history(db_url)
    opener = (
        "import sys\n"
        "from oitwatch.storage import open_database\n"
        "db = open_database(sys.stdin.read(), migrate_apart=True)\n"
        "print(len(db.item_history('http://a.go.th/')), 'alembic' in sys.modules)\n"
        "db.close()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", opener], input=db_url, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["1", "False"]
    _assert_upgraded_with_history(db_url)


def test_an_upgrade_apart_that_fails_says_why_in_one_line(db_url: str) -> None:
    open_database(db_url).close()
    engine = create_engine(db_url)
    with engine.begin() as connection:
        connection.execute(text("update alembic_version set version_num = '9999'"))
    engine.dispose()
    with pytest.raises(StorageError, match="Can't locate revision identified by '9999'") as caught:
        open_database(db_url, migrate_apart=True)
    assert "\n" not in str(caught.value)


def test_text_with_a_nul_character_is_stored(db_url: str) -> None:
    """PostgreSQL refuses NUL in text where SQLite takes it: a hostile title must not fail a
    site's check on one backend only."""
    from oitwatch.config.registry import SiteEntry

    db = open_database(db_url)
    try:
        site = db.site("http://nul.go.th/", SiteEntry(url="http://nul.go.th/", name="อบต.\x00ร้าย"))
        db.name_site(site.id, "ignored")
        run_id = db.start_run(site.id, "ita-2568", 2568)
        db.end_run(run_id, RunStatus.FAILED, "broken\x00 page")
        found = db.find_site("http://nul.go.th/")
        assert found is not None and found.name in ("อบต.ร้าย", "อบต.\x00ร้าย")
    finally:
        db.close()
