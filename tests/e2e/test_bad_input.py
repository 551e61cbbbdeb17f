"""Bad input gets one line naming the file or setting, exit 2, never a traceback."""

from __future__ import annotations

import resource
import signal
import sqlite3
from pathlib import Path

import pytest

from oitwatch.config import load_settings
from oitwatch.errors import ConfigError
from tests.support.cli import CliResult, invoke, run_cli

DOWN = "http://127.0.0.1:9/"  # nothing listens: a quick check that still writes a run
BIG_CELL = "x" * (200 * 1024)


def _one_line_error(result: CliResult, *words: str) -> str:
    assert result.code == 2, (result.code, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout
    lines = [line for line in result.stderr.splitlines() if line.startswith("oitwatch:")]
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def test_settings_file_not_utf8(tmp_path: Path) -> None:
    bad = tmp_path / "oitwatch.toml"
    bad.write_bytes('database = "ผลการตรวจ.db"\n'.encode("cp874"))
    result = invoke("--settings", str(bad), "check", DOWN)
    _one_line_error(result, str(bad), "save it as UTF-8")


def test_registry_not_utf8(tmp_path: Path) -> None:
    registry = tmp_path / "sites.toml"
    registry.write_bytes('[[sites]]\nurl = "http://x.go.th/"\nname = "อบต."\n'.encode("cp874"))
    result = invoke("run", "--sites", str(registry), "--db", str(tmp_path / "r.db"))
    _one_line_error(result, str(registry), "save it as UTF-8")


def test_env_group_not_json(tmp_path: Path) -> None:
    result = invoke(
        "check", DOWN, "--db", str(tmp_path / "e.db"), env={"OITWATCH_CRAWL": "delay=1"}
    )
    _one_line_error(result, "OITWATCH_CRAWL", "JSON")


def test_env_lists_take_commas(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OITWATCH_ALERTS__STAFF", "a@dla.go.th, b@dla.go.th")
    monkeypatch.setenv("OITWATCH_WEB__ALLOW_HOSTS", '["10.0.0.1"]')  # JSON still works
    settings = load_settings()
    assert settings.alerts.staff == ["a@dla.go.th", "b@dla.go.th"]
    assert settings.web.allow_hosts == ["10.0.0.1"]
    monkeypatch.setenv("OITWATCH_SMTP", "host=mail")
    with pytest.raises(ConfigError, match="OITWATCH_SMTP"):
        load_settings()


def test_registry_import_cell_over_128_kb(tmp_path: Path) -> None:
    export = tmp_path / "export.csv"
    export.write_text(
        f'จังหวัด,รหัส อปท.,ประเภท อปท.,อปท.,เว็ปไซต์ของอปท\nกระบี่,1,อบต.,"{BIG_CELL}",www.x.go.th\n',
        encoding="utf-8",
    )
    result = invoke("sites", "import", str(export), "--to", str(tmp_path / "sites.toml"))
    _one_line_error(result, str(export), "line 2")


def test_declared_cell_over_128_kb(tmp_path: Path) -> None:
    declared = tmp_path / "declared.csv"
    declared.write_text(f'O1,"http://x.go.th/{BIG_CELL}"\n', encoding="utf-8")
    result = invoke("check", DOWN, "--declared", str(declared), "--db", str(tmp_path / "d.db"))
    _one_line_error(result, str(declared))


def test_database_folder_not_writable() -> None:
    # /proc cannot be written even by root (tests run as root: chmod would not stop them).
    result = invoke("check", DOWN, "--db", "/proc/oitwatch-test.db")
    _one_line_error(result, "/proc/oitwatch-test.db", "not writable")


def test_database_file_read_only(tmp_path: Path) -> None:
    db = tmp_path / "ro.db"
    invoke("check", DOWN, "--db", str(db))
    before = _runs(db)
    read_only = f"sqlite:///file:{db}?mode=ro&uri=true"
    result = invoke("check", DOWN, "--db", read_only)
    _one_line_error(result, str(db), "read-only", "write access")
    assert _runs(db) == before


def _runs(db: Path) -> list[tuple[int, str]]:
    with sqlite3.connect(db) as conn:
        assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
        return conn.execute("select id, status from runs").fetchall()


def test_disk_full(tmp_path: Path) -> None:
    db = tmp_path / "full.db"
    invoke("check", DOWN, "--db", str(db))
    before = _runs(db)

    def small_disk() -> None:
        # Writing a file past 8 kB fails as on a full disk (the signal would kill instead):
        # the write-ahead log takes a transaction or two, then no more.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (8192, 8192))

    # A process of its own: the file size limit must not reach this test process.
    result = run_cli("check", DOWN, "--db", str(db), timeout=120, preexec_fn=small_disk)
    _one_line_error(result, str(db), "free some space")
    assert _runs(db)[: len(before)] == before  # the history is intact


def test_home_not_writable(tmp_path: Path) -> None:
    # A service user whose home is not a writable folder: pythainlp must not write there. A
    # process of its own: the folders are chosen when oitwatch is first imported.
    env = {"HOME": "/etc/hostname", "XDG_CACHE_HOME": ""}
    result = run_cli("check", DOWN, "--format", "json", "--db", str(tmp_path / "h.db"), env=env)
    assert "Traceback" not in result.stderr
    assert '"site_status": "unreachable"' in result.stdout


def test_damaged_database_warns(tmp_path: Path) -> None:
    db = tmp_path / "damaged.db"
    invoke("check", DOWN, "--db", str(db))
    with sqlite3.connect(db) as conn:
        conn.execute("pragma wal_checkpoint(truncate)")
        page_size = conn.execute("pragma page_size").fetchone()[0]
        root = conn.execute(
            "select rootpage from sqlite_master where name = 'item_results'"
        ).fetchone()[0]
    with db.open("r+b") as file:  # scribble over the table's first page
        file.seek((root - 1) * page_size)
        file.write(b"\xa5" * page_size)
    result = invoke("check", DOWN, "--db", str(db))
    assert "Traceback" not in result.stderr
    # Damage the migrations trip over stops the check; elsewhere it is a warning and runs on.
    assert f"the database {db} is damaged" in result.stderr
