"""What a fresh process carries: libraries that only some work needs are imported by that work.

Each import here costs megabytes in every process that makes it (a nightly run, its document
workers): Alembic with Mako and Pygments ~11 MB, pypdfium2 and Pillow ~6 MB, pydantic and the
settings ~13 MB. A fresh interpreter is the only honest measure: this test process has long
imported them all.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, inspect, text

from oitwatch.storage import open_database
from oitwatch.storage.database import head_revision

ROOT = Path(__file__).resolve().parents[2]


def _loaded(code: str, *watched: str) -> list[str]:
    """Which of ``watched`` a fresh interpreter has imported after running ``code``."""
    probe = (
        f"{code}\nimport json, sys\n"
        f"print(json.dumps(sorted(m for m in {list(watched)!r} if m in sys.modules)))"
    )
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, env=env
    )
    assert result.returncode == 0, result.stderr[-3000:]
    found: list[str] = json.loads(result.stdout.splitlines()[-1])
    return found


def test_the_run_path_imports_no_migrations_and_no_pdf_or_image_library() -> None:
    found = _loaded(
        "import oitwatch.cli.main, oitwatch.runs.batch", "alembic", "mako", "pypdfium2", "PIL"
    )
    assert found == []


def test_a_database_at_the_head_opens_without_alembic(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'at-head.db'}"
    open_database(url).close()  # created and migrated here
    opened = f"from oitwatch.storage import open_database\nopen_database({url!r}).close()"
    assert _loaded(opened, "alembic", "mako") == []


def test_a_new_database_is_still_migrated(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    opened = f"from oitwatch.storage import open_database\nopen_database({url!r}).close()"
    assert _loaded(opened, "alembic") == ["alembic"]
    engine = create_engine(url)
    try:
        assert {"sites", "runs", "item_results"} <= set(inspect(engine).get_table_names())
        with engine.connect() as connection:
            version = connection.execute(text("select version_num from alembic_version"))
            assert version.scalar_one() == head_revision()
    finally:
        engine.dispose()


def test_the_document_worker_carries_neither_settings_nor_a_database() -> None:
    """Two of them run beside every nightly run (parsing, OCR); pdfium loads with a PDF."""
    code = "from oitwatch.documents import isolate\nisolate._table()"
    found = _loaded(code, "pydantic", "sqlalchemy", "alembic", "pypdfium2", "PIL", "asyncio")
    assert found == []
