"""Opening the database (pragmas, migrations) and the one facade over its parts.

`Database` is what the rest of oitwatch holds: each aggregate's reads and writes live in their
own module and are joined here, so callers never need to know which.

    sites.py        SiteStore      the sites and what the registry says of them
    runs.py         RunStore       runs, the resources they fetched, their item results
    derived.py      DerivedStore   readings and verdict memos an unchanged page reuses
    ocr_cache.py    OcrCacheStore  text read from scans, by content hash
    batches.py      BatchStore     `oitwatch run` batches and --resume
    alert_states.py AlertStore     what each webmaster was last told, saved with its mails
    outbox.py       OutboxStore    e-mails waiting to go out
    reports.py      ReportQueries  history, the dashboard and `oitwatch report` (no N+1)

Records they hand out are in records.py; the tables in schema.py. Opening a database already
at the newest schema (every night but the first after an upgrade) never imports Alembic; the
commands that last for hours upgrade in a short-lived process (upgrade.py).
"""

from __future__ import annotations

import ast
from functools import cache
from importlib import resources
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import DatabaseError
from sqlalchemy.pool import ConnectionPoolEntry

from oitwatch.errors import StorageError
from oitwatch.storage.alert_states import AlertStore
from oitwatch.storage.batches import BatchStore
from oitwatch.storage.derived import DerivedStore
from oitwatch.storage.ocr_cache import OcrCacheStore
from oitwatch.storage.outbox import OutboxStore
from oitwatch.storage.reports import ReportQueries
from oitwatch.storage.runs import RunStore
from oitwatch.storage.session import explain_storage_error
from oitwatch.storage.sites import SiteStore


def _sqlite_pragmas(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _assigned(tree: ast.Module, name: str) -> ast.expr | None:
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        else:
            continue
        if isinstance(target, ast.Name) and target.id == name:
            return value
    return None


@cache
def head_revision() -> str | None:
    """The newest migration, read from the files' ``revision``/``down_revision`` lines: the one
    no other revision points down to. Importing Alembic (and Mako, Pygments) costs ~11 MB of
    memory in every process; a database already at the head does not need it. None when the
    files do not say plainly (several heads, a computed value): Alembic decides then."""
    revisions: set[str] = set()
    pointed_to: set[str] = set()
    versions = resources.files("oitwatch.storage") / "migrations" / "versions"
    for entry in versions.iterdir():
        # Alembic's own rule: every .py file but __init__ is a revision.
        if not entry.name.endswith(".py") or entry.name.startswith(("__init__", ".#")):
            continue
        tree = ast.parse(entry.read_text(encoding="utf-8"))
        revision, down = _assigned(tree, "revision"), _assigned(tree, "down_revision")
        if not (isinstance(revision, ast.Constant) and isinstance(revision.value, str)):
            return None
        if down is None:
            return None
        try:
            down_value = ast.literal_eval(down)
        except ValueError:
            return None
        downs = down_value if isinstance(down_value, tuple | list) else (down_value,)
        if not all(d is None or isinstance(d, str) for d in downs):
            return None
        revisions.add(revision.value)
        pointed_to.update(d for d in downs if d is not None)
    heads = revisions - pointed_to
    return heads.pop() if len(heads) == 1 else None


def _at_head(engine: Engine) -> bool:
    """Whether the database already has the newest schema (a plain read, no lock taken)."""
    head = head_revision()
    if head is None:
        return False
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return False
        found = connection.exec_driver_sql("SELECT version_num FROM alembic_version").all()
    return [row[0] for row in found] == [head]


def _migrate(engine: Engine) -> None:
    """Upgrade to the newest schema. Foreign keys are off meanwhile, as SQLite requires for
    table rebuilds, and checked after: a migration must leave every reference whole."""
    if _at_head(engine):
        return  # the nightly case: nothing to do, and no Alembic to load for it
    from alembic import command
    from alembic.config import Config

    script_location = str(resources.files("oitwatch.storage") / "migrations")
    config = Config()
    config.set_main_option("script_location", script_location)
    with engine.connect() as connection:
        sqlite = engine.dialect.name == "sqlite"
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()  # the pragma is a no-op inside a transaction
        with connection.begin():
            if engine.dialect.name == "postgresql":
                # Workers on many machines start together: one migrates, the others wait for it.
                connection.exec_driver_sql("SELECT pg_advisory_xact_lock(7340032008)")
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
            if (
                sqlite
                and connection.exec_driver_sql("PRAGMA foreign_key_check").first() is not None
            ):
                raise StorageError("a schema migration left broken references; nothing was changed")
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()


class Database(
    SiteStore,
    RunStore,
    DerivedStore,
    OcrCacheStore,
    BatchStore,
    AlertStore,
    OutboxStore,
    ReportQueries,
):
    """Every read and write of the history, on SQLite or PostgreSQL (open_database)."""


def in_memory(url: str) -> bool:
    """A database that lives in this process alone: no other process can open or migrate it."""
    return url.endswith(":memory:") or "mode=memory" in url or url in ("sqlite://", "sqlite:///")


def open_database(url: str, *, check: bool = True, migrate_apart: bool = False) -> Database:
    """Open (and migrate) the history at ``url``. ``check`` reads the whole SQLite file for
    damage (Database.damage): once per command, not again in each of a run's crawl processes.
    ``migrate_apart``: an upgrade runs in a short-lived process (storage/upgrade.py), for the
    commands that last for hours and should not hold Alembic all that time."""
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        if str(path) != ":memory:" and not str(path).startswith("file:"):  # a URI
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StorageError(
                    f"cannot create the database folder {path.parent}: {exc}"
                ) from exc
    postgres = url.startswith("postgresql")
    # A server connection can die between nightly runs (restart, failover): test it before use.
    engine = create_engine(url, pool_pre_ping=True) if postgres else create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    if postgres:
        from oitwatch.storage.postgres import prepare

        prepare(engine)
    try:
        if migrate_apart and not in_memory(url) and not _at_head(engine):
            from oitwatch.storage.upgrade import upgrade_apart

            upgrade_apart(url)
        _migrate(engine)  # nothing left to do after an upgrade apart
    except StorageError:
        engine.dispose()
        raise
    except Exception as exc:
        engine.dispose()
        message = explain_storage_error(exc, url)
        if message is not None:
            raise StorageError(message) from exc
        raise StorageError(f"cannot open the database {url}: {exc}") from exc
    database = Database(engine)
    if url.startswith("sqlite"):
        database.url = url  # as given: SQLAlchemy would quote a file: URI
    if check:
        try:
            database.damage = database.quick_check()
        except DatabaseError as exc:
            database.damage = str(getattr(exc, "orig", exc))
    return database


__all__ = ["Database", "explain_storage_error", "in_memory", "open_database"]
