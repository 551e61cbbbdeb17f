"""The ``oitwatch`` command. Thin: it parses options and calls the same functions as everything else."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

import click

from oitwatch import __version__
from oitwatch.checklist import ChecklistError, load_checklist
from oitwatch.config import load_settings
from oitwatch.errors import OitwatchError

EXIT_ALL_PASS = 0
EXIT_FINDINGS = 1
EXIT_CANNOT_RUN = 2


def _fail(message: str) -> None:
    click.echo(f"oitwatch: {message}", err=True)
    sys.exit(EXIT_CANNOT_RUN)


class _ProgressLine:
    """Pages fetched so far on stderr: one updating line on a terminal, a line every so often in logs."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.last = 0.0

    def __call__(self, progress: Any) -> None:
        now = time.monotonic()
        if now - self.last < (0.1 if self.tty else 5.0):
            return
        self.last = now
        text = f"[oitwatch] {progress.pages} pages, {progress.failures} failed  {progress.last_url[:70]}"
        if self.tty:
            click.echo("\r\x1b[2K" + text, err=True, nl=False)
        else:
            click.echo(text, err=True)

    def done(self) -> None:
        if self.tty:
            click.echo("\r\x1b[2K", err=True, nl=False)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="oitwatch")
@click.option(
    "--settings",
    "settings_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Settings file (TOML).",
)
@click.pass_context
def main(ctx: click.Context, settings_file: Path | None) -> None:
    """Check Thai local-government websites against the ITA/OIT checklist (O1–O28).

    Example: oitwatch check https://www.example.go.th
    """
    ctx.obj = {"settings_file": settings_file}


@main.command()
@click.argument("url")
@click.option(
    "--year", type=int, default=None, help="Fiscal year (พ.ศ.) of the checklist, e.g. 2568."
)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.option(
    "--db", "database", default=None, help="SQLite file to store the results in [oitwatch.db]."
)
@click.option(
    "--declared",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="CSV of item,url rows as submitted to the assessment; takes precedence.",
)
@click.option("--max-pages", type=int, default=None, help="Page budget for the crawl [400].")
@click.pass_context
def check(
    ctx: click.Context,
    url: str,
    year: int | None,
    fmt: str,
    database: str | None,
    declared: Path | None,
    max_pages: int | None,
) -> None:
    """Crawl one website and report O1–O28: what is there, where, and what to fix.

    Exit status: 0 every item passes, 1 some items need work, 2 the check could not run.

    Example: oitwatch check www.example.go.th --format json --db checks.db
    """
    from oitwatch.report import render_table
    from oitwatch.site_check import check_site
    from oitwatch.storage import open_database

    crawl: dict[str, Any] = {"max_pages": max_pages} if max_pages is not None else {}
    try:
        settings = load_settings(
            ctx.obj["settings_file"],
            database=database,
            fiscal_year=year,
            **({"crawl": crawl} if crawl else {}),
        )
        load_checklist(settings.fiscal_year)
        db = open_database(settings.database_url)
    except OitwatchError as exc:
        _fail(str(exc))
        return
    progress = _ProgressLine()
    try:
        report = asyncio.run(
            check_site(url, settings, db, declared_file=declared, on_progress=progress)
        )
    except KeyboardInterrupt:
        progress.done()
        click.echo("oitwatch: interrupted; the run is stored as 'interrupted'", err=True)
        sys.exit(130)
    except OitwatchError as exc:
        progress.done()
        _fail(str(exc))
        return
    finally:
        db.close()
    progress.done()
    if fmt == "json":
        click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        click.echo(render_table(report))
    if report.site_status == "unreachable":
        sys.exit(EXIT_CANNOT_RUN)
    sys.exit(EXIT_ALL_PASS if report.all_pass else EXIT_FINDINGS)


@main.group(name="checklist")
def checklist_group() -> None:
    """The checklist oitwatch checks against."""


@checklist_group.command(name="show")
@click.option("--year", type=int, default=2568, show_default=True, help="Fiscal year (พ.ศ.).")
def checklist_show(year: int) -> None:
    """Print the checklist's items and required elements.

    Example: oitwatch checklist show --year 2568
    """
    from oitwatch.report import render_checklist

    try:
        click.echo(render_checklist(load_checklist(year)))
    except ChecklistError as exc:
        _fail(str(exc))
