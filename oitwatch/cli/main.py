"""The ``oitwatch`` command. Thin: it parses options and calls the same functions as everything else."""

from __future__ import annotations

import asyncio
import json
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from oitwatch import __version__
from oitwatch.checklist import ChecklistError, available_years, load_checklist
from oitwatch.checklist.loader import form_for
from oitwatch.config import Settings, load_settings
from oitwatch.errors import OitwatchError

if TYPE_CHECKING:
    from oitwatch.config.registry import SiteEntry
    from oitwatch.pipeline.site import CheckReport
    from oitwatch.runs.batch import BatchProgress
    from oitwatch.storage import Database

EXIT_ALL_PASS = 0
EXIT_FINDINGS = 1
EXIT_CANNOT_RUN = 2
EXIT_INTERNAL_ERROR = 3  # a bug in oitwatch, never a finding about the site
REPORT_BUGS = "https://github.com/oitwatch/oitwatch/issues"


def _fail(message: str, *, as_json: bool = False) -> NoReturn:
    if as_json:
        click.echo(json.dumps(_error_object("cannot_run", message), ensure_ascii=False, indent=2))
    click.echo(f"oitwatch: {message}", err=True)
    sys.exit(EXIT_CANNOT_RUN)


def _error_object(kind: str, message: str, exception: str | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"kind": kind, "message": message, "version": __version__}
    if exception is not None:
        error["exception"] = exception
        error["message_th"] = "เกิดข้อผิดพลาดภายในโปรแกรม โปรดแจ้งผู้พัฒนา"
        error["report_to"] = REPORT_BUGS
    return {"error": error}


def _internal_error(exc: BaseException, *, as_json: bool = False) -> NoReturn:
    """A bug: the traceback to stderr (the log), exit 3, and a JSON error object if asked."""
    traceback.print_exception(exc, file=sys.stderr)
    message = f"internal error, please report ({REPORT_BUGS}): {type(exc).__name__}: {exc}"
    if as_json:
        click.echo(
            json.dumps(
                _error_object("internal_error", message, type(exc).__name__),
                ensure_ascii=False,
                indent=2,
            )
        )
    click.echo(f"oitwatch: {message}", err=True)
    sys.exit(EXIT_INTERNAL_ERROR)


class _Main(click.Group):
    """Every command: an exception nobody expected is an internal error (exit 3), never a
    finding (1) or a site that could not be checked (2)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as exc:
            _internal_error(exc)


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


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="oitwatch")
@click.option(
    "--settings",
    "settings_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Settings file (TOML).",
)
@click.pass_context
def main(ctx: click.Context, settings_file: Path | None) -> None:
    """Check Thai local-government websites against the ITA/OIT checklist (the form in force).

    Example: oitwatch check https://www.example.go.th
    """
    ctx.obj = {"settings_file": settings_file}


_FULL_HELP = "Read every page and file again, even those unchanged since the last check."


@main.command()
@click.argument("url")
@click.option(
    "--year",
    type=int,
    default=None,
    help="Fiscal year (พ.ศ.) of the form, e.g. 2568 [the year in force today, else the newest].",
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
@click.option(
    "--render",
    type=click.Choice(["auto", "never", "always"]),
    default=None,
    help="Render JavaScript pages with Chromium [auto: only the pages that need it].",
)
@click.option(
    "--screenshots",
    is_flag=True,
    default=None,
    help="Save a PNG of each item's evidence page beside the run.",
)
@click.option("--full", is_flag=True, help=_FULL_HELP)
@click.pass_context
def check(
    ctx: click.Context,
    url: str,
    year: int | None,
    fmt: str,
    database: str | None,
    declared: Path | None,
    max_pages: int | None,
    render: str | None,
    screenshots: bool | None,
    full: bool,
) -> None:
    """Crawl one website and report every OIT item: what is there, where, and what to fix.

    Exit status: 0 every item passes, 1 some items need work, 2 the check could not run,
    3 internal error (a bug: please report it).

    Example: oitwatch check www.example.go.th --format json --db checks.db
    """
    crawl: dict[str, Any] = {"max_pages": max_pages} if max_pages is not None else {}
    if full:
        crawl["incremental"] = False
    rendering = {k: v for k, v in (("mode", render), ("screenshots", screenshots)) if v}
    as_json = fmt == "json"
    try:
        settings = load_settings(
            ctx.obj["settings_file"],
            database=database,
            **_pin(year),
            **({"crawl": crawl} if crawl else {}),
            **({"render": rendering} if rendering else {}),
        )
    except OitwatchError as exc:
        _fail(str(exc), as_json=as_json)
    report = _run_check(url, settings, as_json=as_json, declared=declared)
    if report.site_status == "unreachable":
        sys.exit(EXIT_CANNOT_RUN)
    sys.exit(EXIT_ALL_PASS if report.all_pass else EXIT_FINDINGS)


def _run_check(
    url: str, settings: Settings, *, as_json: bool, declared: Path | None = None
) -> CheckReport:
    """Check one site and print its report; exits 2 when it cannot run, 3 on a bug."""
    from oitwatch.pipeline.site import check_site
    from oitwatch.present.json_report import report_json_text
    from oitwatch.present.model import check_view
    from oitwatch.present.table import render_table

    try:
        load_checklist(form_for(settings).year)
    except ChecklistError as exc:
        _fail(str(exc), as_json=as_json)
    db = _database(settings, as_json=as_json)
    progress = _ProgressLine()
    try:
        report = asyncio.run(
            check_site(url, settings, db, declared_file=declared, on_progress=progress)
        )
        text = report_json_text(check_view(db, report)) if as_json else render_table(report)
    except KeyboardInterrupt:
        progress.done()
        click.echo("oitwatch: interrupted; the run is stored as 'interrupted'", err=True)
        sys.exit(130)
    except OitwatchError as exc:
        progress.done()
        _fail(str(exc), as_json=as_json)
    except Exception as exc:
        progress.done()
        _internal_error(exc, as_json=as_json)
    finally:
        db.close()
    progress.done()
    click.echo(text)
    return report


@main.command()
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.option(
    "--db", "database", default=None, help="SQLite file for the demo's runs [oitwatch-demo.db]."
)
@click.option("--year", type=int, default=None, help="Form to check against [2569, the demo's].")
@click.pass_context
def demo(ctx: click.Context, fmt: str, database: str | None, year: int | None) -> None:
    """Serve a small bundled Thai sample site on 127.0.0.1 and check it: a real report with
    every status (pass, partial, outdated, off_site, broken, missing, unverifiable).

    Exit status 0 when the report was made (the demo site has findings on purpose), 2 or 3
    as for check.

    Example: oitwatch demo
    """
    from oitwatch.demo import DEMO_YEAR, serve_demo

    as_json = fmt == "json"
    try:
        settings = load_settings(
            ctx.obj["settings_file"],
            database=database or "oitwatch-demo.db",
            checklist={"year": year or DEMO_YEAR},
            # The demo server is this machine's own: no need to wait between requests.
            crawl={"delay": 0, "per_host": 4},
        )
    except OitwatchError as exc:
        _fail(str(exc), as_json=as_json)
    with serve_demo() as sites:
        click.echo(
            f"oitwatch: demo site at {sites.url} (off-site host {sites.external}); checking it",
            err=True,
        )
        report = _run_check(sites.url, settings, as_json=as_json)
    sys.exit(EXIT_CANNOT_RUN if report.site_status == "unreachable" else EXIT_ALL_PASS)


def _pin(year: int | None) -> dict[str, Any]:
    """--year as a settings layer: it pins the form like checklist.year."""
    return {"checklist": {"year": year}} if year is not None else {}


def _settings(ctx: click.Context, **cli: Any) -> Settings:
    try:
        return load_settings(ctx.obj["settings_file"], **cli)
    except OitwatchError as exc:
        _fail(str(exc))


def _database(settings: Settings, *, as_json: bool = False) -> Database:
    from oitwatch.storage import open_database

    try:
        db = open_database(settings.database_url)
    except OitwatchError as exc:
        _fail(str(exc), as_json=as_json)
    if db.damage:
        where = settings.database_url.removeprefix("sqlite:///")
        click.echo(
            f"oitwatch: warning: the database {where} is damaged (quick_check: {db.damage});"
            f" keep a copy and recover it: sqlite3 {where} '.recover' | sqlite3 repaired.db",
            err=True,
        )
    return db


def _registry(settings: Settings, province: str | None = None) -> list[SiteEntry]:
    from oitwatch.config.registry import load_registry

    try:
        sites = load_registry(Path(settings.sites_file))
    except OitwatchError as exc:
        _fail(str(exc))
    return [s for s in sites if province is None or s.province == province]


@main.group()
def sites() -> None:
    """The site registry (a TOML file, default sites.toml)."""


@sites.command(name="import")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--to",
    "target",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Registry file to merge into [settings: sites_file].",
)
@click.pass_context
def sites_import(ctx: click.Context, csv_file: Path, target: Path | None) -> None:
    """Import agencies from a DLA registry export (CSV), normalising messy web addresses.

    Every row that cannot be used is listed with its line number and the reason.

    Example: oitwatch sites import re01_tambon.csv --to sites.toml
    """
    from oitwatch.config.registry import (
        import_registry_csv,
        load_registry,
        merge_sites,
        save_registry,
    )

    settings = _settings(ctx)
    target = target or Path(settings.sites_file)
    try:
        result = import_registry_csv(csv_file.read_text(encoding="utf-8-sig"))
        existing = load_registry(target) if target.exists() else []
        merged, added, updated = merge_sites(existing, result.sites)
        save_registry(target, merged)
    except (OitwatchError, UnicodeDecodeError, OSError) as exc:
        _fail(str(exc) if str(target) in str(exc) else f"{csv_file}: {exc}")
    click.echo(
        f"{csv_file}: {result.rows} rows, {len(result.sites)} agencies with a usable website "
        f"({added} new, {updated} updated) -> {target}"
    )
    if result.rejected:
        click.echo(f"rejected {len(result.rejected)} agencies (ไม่ได้นำเข้า):")
        for r in result.rejected:
            click.echo(f"  line {r.line}: {r.code} {r.name}: {r.reason}")


@sites.command(name="list")
@click.option("--province", default=None)
@click.pass_context
def sites_list(ctx: click.Context, province: str | None) -> None:
    """List registered sites.

    Example: oitwatch sites list --province กระบี่
    """
    for site in _registry(_settings(ctx), province):
        click.echo(
            f"{site.code or '-':<8} {site.province or '-':<12} {site.label}  {site.url}"
            f"  {', '.join(site.recipients)}"
        )


class _BatchLine:
    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.last = 0.0

    def __call__(self, p: BatchProgress) -> None:
        now = time.monotonic()
        if now - self.last < (0.2 if self.tty else 10.0) and p.done < p.total:
            return
        self.last = now
        width = 30
        filled = width * p.done // max(p.total, 1)
        text = (
            f"[{'#' * filled}{'.' * (width - filled)}] sites {p.done}/{p.total}  pages {p.pages}"
            f"  failures {p.failures}  unreachable {p.unreachable}  {p.current[:30]}"
        )
        click.echo(("\r\x1b[2K" + text) if self.tty else text, err=True, nl=not self.tty)


@main.command()
@click.option("--resume", is_flag=True, help="Finish the unfinished sites of an interrupted run.")
@click.option("--province", default=None, help="Only the sites of this province.")
@click.option("--sites", "sites_file", default=None, help="Registry file [sites.toml].")
@click.option("--db", "database", default=None, help="SQLite file [oitwatch.db].")
@click.option(
    "--queue", is_flag=True, help="Put the sites on the fleet's queue (PostgreSQL) for workers."
)
@click.option("--batch", "batch_key", default=None, help="With --queue: batch key [today].")
@click.option("--full", is_flag=True, help=_FULL_HELP)
@click.pass_context
def run(
    ctx: click.Context,
    resume: bool,
    province: str | None,
    sites_file: str | None,
    database: str | None,
    queue: bool,
    batch_key: str | None,
    full: bool,
) -> None:
    """Check every registered site once, send alerts, print a summary.

    Example: oitwatch run --sites sites.toml
    """
    from oitwatch.runs.batch import run_once

    settings = _settings(
        ctx,
        database=database,
        sites_file=sites_file,
        **({"crawl": {"incremental": False}} if full else {}),
    )
    registry = _registry(settings, province)
    if queue:
        from oitwatch.cli.fleet import run_queued

        run_queued(settings, registry, batch_key)
        return
    db = _database(settings)
    line = _BatchLine()
    try:
        summary = asyncio.run(run_once(settings, db, registry, resume=resume, on_progress=line))
    except KeyboardInterrupt:
        click.echo("\noitwatch: interrupted; finish with 'oitwatch run --resume'", err=True)
        sys.exit(130)
    except OitwatchError as exc:
        _fail(str(exc))
    finally:
        db.close()
    click.echo("", err=True)
    click.echo(
        f"run {summary.batch_id}: {summary.checked} sites checked"
        + (f" ({summary.already_done} done before the resume)" if summary.already_done else "")
        + f" in {summary.seconds:.0f} s, {summary.pages} pages, {summary.unreachable} unreachable"
    )
    click.echo(
        f"new problems {summary.new_problems}, recoveries {summary.recoveries}, "
        f"blips not alerted {summary.blips}"
    )
    if summary.delivery is not None:
        click.echo(
            f"e-mail: {summary.delivery.sent} sent, {summary.delivery.waiting} waiting"
            + (f" (SMTP: {summary.delivery.error})" if summary.delivery.error else "")
        )
    for error in summary.errors:
        click.echo(f"error: {error}", err=True)
    if summary.failed:
        click.echo(
            f"oitwatch: {summary.failed} site(s) could not be checked (details in"
            f" {settings.log_path}); check them again with 'oitwatch run --resume'",
            err=True,
        )
        sys.exit(EXIT_FINDINGS)


@main.command()
@click.option("--sites", "sites_file", default=None, help="Registry file [sites.toml].")
@click.option("--db", "database", default=None, help="SQLite file [oitwatch.db].")
@click.option("--queue", is_flag=True, help="Enqueue the nightly batch for fleet workers.")
@click.pass_context
def schedule(ctx: click.Context, sites_file: str | None, database: str | None, queue: bool) -> None:
    """Run nightly by the schedule in the settings (default 01:00 Asia/Bangkok) until SIGTERM.

    Example: oitwatch --settings oitwatch.toml schedule
    """
    from oitwatch.runs.batch import run_once
    from oitwatch.runs.scheduler import NightlyScheduler, cron_trigger, previous_fire_time

    settings = _settings(ctx, database=database, sites_file=sites_file)
    _registry(settings)  # fail now, not at 01:00, if the registry is wrong
    try:
        trigger = cron_trigger(settings.schedule)
    except OitwatchError as exc:
        _fail(str(exc))
    db = _database(settings)

    async def job(name: str) -> object:
        resume = db.unfinished_batch() is not None
        return await run_once(settings, db, _registry(settings), resume=resume, trigger=name)

    last = db.last_batch_start()
    missed = previous_fire_time(trigger, datetime.now(trigger.timezone))
    catch_up = db.unfinished_batch() is not None or (
        missed is not None and (last is None or last.replace(tzinfo=UTC) < missed)
    )
    if queue:  # enqueuing is idempotent (a batch per night): catching up is always safe
        from oitwatch.cli.fleet import queued_job

        job, catch_up = queued_job(settings, db, missed), missed is not None
    scheduler = NightlyScheduler(job, trigger, settings.schedule.timezone)
    scheduler.start(catch_up=catch_up)
    click.echo(
        f"oitwatch: scheduled '{settings.schedule.cron}' ({settings.schedule.timezone})"
        + ("; running the missed run now" if catch_up else ""),
        err=True,
    )
    scheduler.serve_forever()
    db.close()


@main.command()
@click.argument("site")
@click.option("--item", "item_id", default=None, help="One item, e.g. O5.")
@click.option("--db", "database", default=None, help="SQLite file [oitwatch.db].")
@click.pass_context
def history(ctx: click.Context, site: str, item_id: str | None, database: str | None) -> None:
    """How each item of a site changed over the runs.

    Example: oitwatch history www.example.go.th --item O5
    """
    from oitwatch.present.history import render_history

    settings = _settings(ctx, database=database)
    db = _database(settings)
    try:
        found = db.find_site(site)
        if found is None:
            _fail(f"no checks stored for {site!r}")
        click.echo(
            render_history(
                found.url, db.item_history(found.url, item_id.upper() if item_id else None)
            )
        )
    finally:
        db.close()


@main.group()
def alerts() -> None:
    """E-mail alerts."""


@alerts.command(name="test")
@click.option("--to", "address", required=True, help="Where to send the sample.")
@click.pass_context
def alerts_test(ctx: click.Context, address: str) -> None:
    """Send a sample alert through the configured SMTP server.

    Example: oitwatch alerts test --to webmaster@example.go.th
    """
    import smtplib

    from oitwatch.alerts.smtp import build, send

    settings = _settings(ctx)
    message = build(
        settings.smtp,
        [address],
        "[oitwatch] ทดสอบการแจ้งเตือน / test alert",
        "นี่คือข้อความทดสอบจาก oitwatch\n\nThis is a test message from oitwatch.",
        "test",
    )
    try:
        send(settings.smtp, message)
    except (OSError, smtplib.SMTPException) as exc:
        _fail(f"could not send through {settings.smtp.host}:{settings.smtp.port}: {exc}")
    click.echo(f"sent a test alert to {address} through {settings.smtp.host}:{settings.smtp.port}")


@main.command()
@click.option("--province", default=None)
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "json", "html"]), default="csv", show_default=True
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to a file instead of standard output.",
)
@click.option("--db", "database", default=None, help="SQLite file [oitwatch.db].")
@click.pass_context
def report(
    ctx: click.Context, province: str | None, fmt: str, output: Path | None, database: str | None
) -> None:
    """One row per site over its latest run: score estimate and the items to fix.

    Example: oitwatch report --province กระบี่ --format html --output krabi.html
    """
    from oitwatch.present.model import site_summaries
    from oitwatch.present.spreadsheet import sites_csv
    from oitwatch.present.stored import sites_html, sites_json

    settings = _settings(ctx, database=database)
    db = _database(settings)
    try:
        rows = site_summaries(db, province)
    finally:
        db.close()
    text = {"csv": sites_csv, "json": sites_json, "html": sites_html}[fmt](rows)
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"{len(rows)} sites -> {output}", err=True)


@main.command()
@click.option("--host", default=None, help="Address to listen on [127.0.0.1].")
@click.option("--port", type=int, default=None, help="Port [8000].")
@click.option("--db", "database", default=None, help="SQLite file [oitwatch.db].")
@click.pass_context
def serve(ctx: click.Context, host: str | None, port: int | None, database: str | None) -> None:
    """The web page: check a site from the browser, read reports, see the dashboard.

    Example: oitwatch serve --host 127.0.0.1 --port 8000
    """
    import uvicorn

    from oitwatch.web.app import create_app

    web = {k: v for k, v in (("host", host), ("port", port)) if v is not None}
    settings = _settings(ctx, database=database, **({"web": web} if web else {}))
    click.echo(f"oitwatch: serving on http://{settings.web.host}:{settings.web.port}/", err=True)
    uvicorn.run(
        create_app(settings),
        host=settings.web.host,
        port=settings.web.port,
        log_level="warning",
        proxy_headers=False,  # X-Forwarded-For is read by the app, from web.trusted_proxies only
    )


@main.group(name="checklist")
def checklist_group() -> None:
    """The checklist oitwatch checks against."""


@checklist_group.command(name="show")
@click.option(
    "--year", type=int, default=None, help="Fiscal year (พ.ศ.) [the form in force today]."
)
@click.pass_context
def checklist_show(ctx: click.Context, year: int | None) -> None:
    """Print the checklist's items and required elements.

    Example: oitwatch checklist show --year 2569
    """
    from oitwatch.present.table import render_checklist

    settings = _settings(ctx, **_pin(year))
    try:
        form = form_for(settings)
        click.echo(form.note)
        click.echo(render_checklist(load_checklist(form.year)))
    except ChecklistError as exc:
        _fail(str(exc))


@checklist_group.command(name="list")
@click.pass_context
def checklist_list(ctx: click.Context) -> None:
    """List the forms this version knows, and which one a check uses today.

    Example: oitwatch checklist list
    """
    settings = _settings(ctx)
    try:
        form = form_for(settings)
        for year in available_years():
            checklist = load_checklist(year)
            inferred = sum(item.inferred for item in checklist.items)
            line = (
                f"{checklist.id}  FY{year}  {len(checklist.items)} items"
                + (f"  (extends {checklist.extends})" if checklist.extends else "")
                + (f"  {inferred} rules inferred from agency pages" if inferred else "")
                + ("  <- used by default" if year == form.year else "")
            )
            click.echo(line)
            click.echo(f"    {checklist.title_th}")
    except ChecklistError as exc:
        _fail(str(exc))
    click.echo(form.note)


@main.command()
@click.option("--db", "database", default=None, help="SQLite file [oitwatch.db].")
@click.pass_context
def doctor(ctx: click.Context, database: str | None) -> None:
    """What this machine can do: each capability ok or missing, what a check loses without it,
    and the command that fixes it. Exit status 0 when all is there, 1 when something is missing.

    Example: oitwatch doctor
    """
    from oitwatch.pipeline.capabilities import check_all

    settings = _settings(ctx, database=database)
    found = check_all(settings)
    for capability in found:
        state = "ok     " if capability.ok else "MISSING"
        click.echo(f"[{state}] {capability.name_th} / {capability.name_en}: {capability.detail}")
        if not capability.ok:
            click.echo(f"          ผลกระทบ: {capability.lost_th}")
            click.echo(f"          Lost:    {capability.lost_en}")
            click.echo(f"          Fix:     {capability.fix}")
    try:
        click.echo(f"[ok     ] {form_for(settings).note}")
    except ChecklistError as exc:
        click.echo(f"[MISSING] checklist: {exc}")
        sys.exit(EXIT_FINDINGS)
    sys.exit(EXIT_ALL_PASS if all(c.ok for c in found) else EXIT_FINDINGS)


# The fleet's commands (worker, status): PostgreSQL only, registered from their own module.
from oitwatch.cli.fleet import register as _register_fleet  # noqa: E402

_register_fleet(main)
