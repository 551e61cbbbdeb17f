"""Reports and history over stored runs; settings layering; secrets stay secret."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from oitwatch.config import load_settings
from tests.fixtures.sites import html
from tests.support.cli import run_cli
from tests.support.server import FixtureSite


def test_report_and_history(tmp_path: Path, db_url: str) -> None:
    hostile = "<script>alert('x')</script>อบต.ร้าย"
    site = FixtureSite(
        "127.0.0.12",
        {
            "/": html(hostile, "<a href='/news.html'>ข่าวประชาสัมพันธ์</a>"),
            "/news.html": html("ข่าวประชาสัมพันธ์", "<p>1 ม.ค. 2568</p>"),
        },
    ).start()
    try:
        registry = tmp_path / "sites.toml"
        registry.write_text(
            f'[[sites]]\nurl = "{site.url}/"\nname = "{hostile}"\nprovince = "กระบี่"\ntype = "อบต."\n',
            encoding="utf-8",
        )
        db = db_url  # a SQLite file or a PostgreSQL database: the same commands, same results
        assert run_cli("run", "--sites", str(registry), "--db", db).code == 0
        site.routes.pop("/news.html")
        assert run_cli("run", "--sites", str(registry), "--db", db).code == 0
    finally:
        site.stop()

    rows = list(
        csv.DictReader(io.StringIO(run_cli("report", "--db", db, "--format", "csv").stdout))
    )
    assert len(rows) == 1 and rows[0]["province"] == "กระบี่"
    assert "O4:broken" in rows[0]["failing_items"] and float(rows[0]["oit_estimate"]) < 100
    data = json.loads(run_cli("report", "--db", db, "--format", "json").stdout)
    assert data["sites"][0]["agency"] == hostile and "estimate" in data["score_method"]
    page = run_cli("report", "--db", db, "--format", "html", "--province", "กระบี่").stdout
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert (
        run_cli("report", "--db", db, "--format", "csv", "--province", "ตรัง").stdout.count("\n")
        == 1
    )

    shown = run_cli("history", f"{site.url}/", "--db", db, "--item", "O4")
    assert shown.code == 0
    assert "O4" in shown.stdout and "ผ่าน" in shown.stdout and "→" in shown.stdout
    assert "ลิงก์เสีย" in shown.stdout and "broken" not in shown.stdout
    data = json.loads(run_cli("history", f"{site.url}/", "--db", db, "--format", "json").stdout)
    o4 = next(i for i in data["items"] if i["id"] == "O4")
    assert [c["status"] for c in o4["changes"]] == ["pass", "broken"]
    assert o4["since"] == o4["changes"][-1]["at"]
    assert run_cli("history", "nowhere.go.th", "--db", db).code == 2


def test_settings_layers(tmp_path: Path, monkeypatch: object) -> None:
    import pytest

    mp: pytest.MonkeyPatch = monkeypatch  # type: ignore[assignment]
    file = tmp_path / "oitwatch.toml"
    file.write_text(
        'database = "file.db"\n[crawl]\ndelay = 2.0\nper_host = 3\n[smtp]\npassword = "hunter2"\n',
        encoding="utf-8",
    )
    assert load_settings().crawl.delay == 0.5  # default
    settings = load_settings(file)
    assert (settings.database, settings.crawl.delay, settings.crawl.per_host) == ("file.db", 2.0, 3)
    mp.setenv("OITWATCH_CRAWL__DELAY", "1.5")
    mp.setenv("OITWATCH_DATABASE", "env.db")
    settings = load_settings(file)
    assert (settings.database, settings.crawl.delay, settings.crawl.per_host) == ("env.db", 1.5, 3)
    settings = load_settings(file, database="cli.db")
    assert settings.database == "cli.db"
    # The secret is never shown: not in repr, not in a dump, not in errors.
    assert "hunter2" not in repr(settings) and "hunter2" not in settings.model_dump_json()
    assert (
        settings.smtp.password is not None
        and settings.smtp.password.get_secret_value() == "hunter2"
    )


def test_smtp_errors_do_not_print_the_password(tmp_path: Path) -> None:
    file = tmp_path / "oitwatch.toml"
    file.write_text(
        '[smtp]\nhost = "127.0.0.1"\nport = 1\nusername = "u"\npassword = "hunter2"\n',
        encoding="utf-8",
    )
    result = run_cli("--settings", str(file), "alerts", "test", "--to", "a@b.go.th")
    assert result.code == 2 and "could not send" in result.stderr
    assert "hunter2" not in result.stderr + result.stdout


def test_every_command_has_help_with_an_example() -> None:
    from oitwatch.cli import main

    def walk(group: object, prefix: list[str]) -> list[list[str]]:
        import click

        found = []
        for name, command in getattr(group, "commands", {}).items():
            if isinstance(command, click.Group):
                found += walk(command, [*prefix, name])
            else:
                found.append([*prefix, name])
        return found

    for path in walk(main, []):
        result = run_cli(*path, "--help")
        assert result.code == 0 and "Example:" in result.stdout, path
