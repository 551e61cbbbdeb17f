"""The ``oitwatch`` command. Thin: it parses options and calls the same functions as everything else."""

from __future__ import annotations

import asyncio
import json
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from oitwatch import __version__
from oitwatch.checklist import ChecklistError, available_years, load_checklist
from oitwatch.checklist.findings import SiteStatus
from oitwatch.checklist.loader import form_for
from oitwatch.cli.progress import ProgressLine, batch_text, site_text
from oitwatch.config import Settings, load_settings
from oitwatch.config.settings import RenderMode
from oitwatch.errors import OitwatchError
from oitwatch.present.labels import Bilingual, Lang

if TYPE_CHECKING:
    from oitwatch.config.registry import SiteEntry
    from oitwatch.present.model import ReportView
    from oitwatch.runs.batch import BatchProgress, BatchSummary
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


@dataclass
class CliOptions:
    """The options every command takes, before or after its name (``oitwatch --settings x.toml
    serve`` and ``oitwatch serve --settings x.toml``); the later one wins."""

    settings_file: Path | None = None
    lang: Lang = Lang.TH
    quiet: bool = False


def options(ctx: click.Context) -> CliOptions:
    root = ctx.find_root()
    if not isinstance(root.obj, CliOptions):
        root.obj = CliOptions()
    return root.obj


def _remember(name: str) -> Callable[[click.Context, click.Parameter, Any], None]:
    def store(ctx: click.Context, _param: click.Parameter, value: Any) -> None:
        if value is not None and value is not False:
            setattr(options(ctx), name, Lang(value) if name == "lang" else value)

    return store


def _global_options() -> list[click.Parameter]:
    return [
        click.Option(
            ["--settings", "settings_file"],
            # a missing file is the user's slip (exit 2), not a bug of oitwatch's
            type=click.Path(path_type=Path, dir_okay=False, exists=True),
            expose_value=False,
            callback=_remember("settings_file"),
            help="Settings file (TOML).",
        ),
        click.Option(
            ["--lang"],
            type=click.Choice([lang.value for lang in Lang]),
            default=None,
            expose_value=False,
            callback=_remember("lang"),
            help="Language of what is printed: th (default) or en.",
        ),
        click.Option(
            ["--quiet", "-q"],
            is_flag=True,
            default=False,
            expose_value=False,
            callback=_remember("quiet"),
            help="No progress line on stderr.",
        ),
    ]


def _with_global_options(command: click.Command) -> None:
    """Every command and group takes the global options (added once the tree is built)."""
    command.params.extend(_global_options())
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            _with_global_options(sub)


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="oitwatch")
@click.pass_context
def main(ctx: click.Context) -> None:
    """Check Thai local-government websites against the ITA/OIT checklist (the form in force).

    Global options (--settings, --lang, --quiet) go before or after the command's name.

    Example: oitwatch check https://www.example.go.th
    """
    options(ctx)


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
    type=click.Choice([mode.value for mode in RenderMode]),
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
            options(ctx).settings_file,
            database=database,
            **_pin(year),
            **({"crawl": crawl} if crawl else {}),
            **({"render": rendering} if rendering else {}),
        )
    except OitwatchError as exc:
        _fail(str(exc), as_json=as_json)
    report = _run_check(ctx, url, settings, as_json=as_json, declared=declared)
    if report.site_status is SiteStatus.UNREACHABLE:
        sys.exit(EXIT_CANNOT_RUN)
    sys.exit(EXIT_ALL_PASS if report.all_pass else EXIT_FINDINGS)


def _run_check(
    ctx: click.Context,
    url: str,
    settings: Settings,
    *,
    as_json: bool,
    declared: Path | None = None,
) -> ReportView:
    """Check one site and print its report; exits 2 when it cannot run, 3 on a bug."""
    from oitwatch.pipeline.site import Progress, check_site
    from oitwatch.present.json_report import report_json_text
    from oitwatch.present.model import check_view
    from oitwatch.present.table import render_table, terminal_width

    try:
        load_checklist(form_for(settings).year)
    except ChecklistError as exc:
        _fail(str(exc), as_json=as_json)
    db = _database(settings, as_json=as_json)
    opts = options(ctx)
    line = ProgressLine(quiet=opts.quiet, width=terminal_width())
    budget = settings.crawl.max_pages

    def progress(p: Progress) -> None:
        line.show(
            p.pages,
            budget,
            site_text(p.pages, budget, p.failures, p.last_url, p.phase, opts.lang),
        )

    try:
        report = asyncio.run(
            check_site(url, settings, db, declared_file=declared, on_progress=progress)
        )
        view = check_view(db, report)
        text = report_json_text(view) if as_json else render_table(view, opts.lang)
    except KeyboardInterrupt:
        line.done()
        click.echo("oitwatch: interrupted; the run is stored as 'interrupted'", err=True)
        sys.exit(130)
    except OitwatchError as exc:
        line.done()
        _fail(str(exc), as_json=as_json)
    except Exception as exc:
        line.done()
        _internal_error(exc, as_json=as_json)
    finally:
        db.close()
    line.done()
    click.echo(text)
    return view


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
            options(ctx).settings_file,
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
        report = _run_check(ctx, sites.url, settings, as_json=as_json)
    sys.exit(EXIT_CANNOT_RUN if report.site_status is SiteStatus.UNREACHABLE else EXIT_ALL_PASS)


def _pin(year: int | None) -> dict[str, Any]:
    """--year as a settings layer: it pins the form like checklist.year."""
    return {"checklist": {"year": year}} if year is not None else {}


def _settings(ctx: click.Context, **cli: Any) -> Settings:
    try:
        return load_settings(options(ctx).settings_file, **cli)
    except OitwatchError as exc:
        _fail(str(exc))


def _database(settings: Settings, *, as_json: bool = False, long_lived: bool = False) -> Database:
    """The history, opened for a command; ``long_lived``: one that runs for hours (a nightly
    run, the scheduler, a fleet worker) upgrades the schema in a process of its own."""
    from oitwatch.storage import open_database

    try:
        db = open_database(settings.database_url, migrate_apart=long_lived)
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
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.pass_context
def sites_list(ctx: click.Context, province: str | None, fmt: str) -> None:
    """List registered sites.

    Example: oitwatch sites list --province กระบี่ --format json
    """
    registry = _registry(_settings(ctx), province)
    if fmt == "json":
        data = [site.model_dump(exclude_none=True) for site in registry]
        click.echo(json.dumps({"sites": data}, ensure_ascii=False, indent=2))
        return
    for site in registry:
        click.echo(
            f"{site.code or '-':<8} {site.province or '-':<12} {site.label}  {site.url}"
            f"  {', '.join(site.recipients)}"
        )


@sites.command(name="remove")
@click.argument("url")
@click.option(
    "--from",
    "target",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Registry file [settings: sites_file].",
)
@click.pass_context
def sites_remove(ctx: click.Context, url: str, target: Path | None) -> None:
    """Remove a site from the registry (its stored checks stay in the database).

    Example: oitwatch sites remove www.example.go.th
    """
    from oitwatch.config.registry import load_registry, normalise_address, save_registry

    path = target or Path(_settings(ctx).sites_file)
    wanted, why = normalise_address(url)
    if wanted is None:
        _fail(f"not a website address: {url!r} ({why})")
    try:
        registry = load_registry(path)
    except OitwatchError as exc:
        _fail(str(exc))

    def same(site_url: str) -> bool:
        # "www.example.go.th" names the site whichever scheme the registry gives it
        if "://" in url:
            return site_url == wanted
        return site_url.split("://", 1)[1] == wanted.split("://", 1)[1]

    kept = [site for site in registry if not same(site.url)]
    gone = [site.url for site in registry if same(site.url)]
    if not gone:
        _fail(f"{wanted} is not in {path}")
    try:
        save_registry(path, kept)
    except (OitwatchError, OSError) as exc:
        _fail(str(exc))
    lang = options(ctx).lang
    said = Bilingual(f"ลบ {gone[0]} ออกจาก {path} แล้ว", f"removed {gone[0]} from {path}")
    click.echo(said.pick(lang))


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
    db = _database(settings, long_lived=True)
    opts = options(ctx)
    line = ProgressLine(quiet=opts.quiet)

    def progress(p: BatchProgress) -> None:
        text = batch_text(p.done, p.total, p.pages, p.failures, p.unreachable, p.current, opts.lang)
        line.show(p.done, p.total, text, force=p.done >= p.total)

    try:
        summary = asyncio.run(run_once(settings, db, registry, resume=resume, on_progress=progress))
    except KeyboardInterrupt:
        click.echo("\noitwatch: interrupted; finish with 'oitwatch run --resume'", err=True)
        sys.exit(130)
    except OitwatchError as exc:
        _fail(str(exc))
    finally:
        db.close()
    line.done()
    for said in _run_summary(summary):
        click.echo(said.pick(opts.lang))
    for error in summary.errors:
        click.echo(f"error: {error}", err=True)
    if summary.failed:
        click.echo(
            f"oitwatch: {summary.failed} site(s) could not be checked (details in"
            f" {settings.log_path}); check them again with 'oitwatch run --resume'",
            err=True,
        )
        sys.exit(EXIT_FINDINGS)


def _run_summary(summary: BatchSummary) -> list[Bilingual]:
    resumed = (
        Bilingual(
            f" (ตรวจไปแล้ว {summary.already_done} เว็บไซต์ก่อนทำต่อ)",
            f" ({summary.already_done} done before the resume)",
        )
        if summary.already_done
        else Bilingual("", "")
    )
    lines = [
        Bilingual(
            f"รอบที่ {summary.batch_id}: ตรวจ {summary.checked} เว็บไซต์{resumed.th}"
            f" ใน {summary.seconds:.0f} วินาที, {summary.pages} หน้า,"
            f" เปิดไม่ได้ {summary.unreachable} เว็บไซต์",
            f"run {summary.batch_id}: {summary.checked} sites checked{resumed.en}"
            f" in {summary.seconds:.0f} s, {summary.pages} pages, {summary.unreachable} unreachable",
        ),
        Bilingual(
            f"ปัญหาใหม่ {summary.new_problems}, แก้แล้ว {summary.recoveries},"
            f" ขัดข้องชั่วคราวที่ไม่ได้แจ้งเตือน {summary.blips}",
            f"new problems {summary.new_problems}, recoveries {summary.recoveries}, "
            f"blips not alerted {summary.blips}",
        ),
    ]
    delivery = summary.delivery
    if delivery is not None:
        smtp = f" (SMTP: {delivery.error})" if delivery.error else ""
        lines.append(
            Bilingual(
                f"อีเมล: ส่งแล้ว {delivery.sent}, รอส่ง {delivery.waiting}{smtp}",
                f"e-mail: {delivery.sent} sent, {delivery.waiting} waiting{smtp}",
            )
        )
    return lines


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
    db = _database(settings, long_lived=True)

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
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.option("--db", "database", default=None, help="SQLite file [oitwatch.db].")
@click.pass_context
def history(
    ctx: click.Context, site: str, item_id: str | None, fmt: str, database: str | None
) -> None:
    """How each item of a site changed over the runs.

    Example: oitwatch history www.example.go.th --item O5
    """
    from oitwatch.present.history import history_json, render_history
    from oitwatch.present.model import load_history

    settings = _settings(ctx, database=database)
    db = _database(settings)
    try:
        found = db.find_site(site)
        if found is None:
            _fail(f"no checks stored for {site!r}")
        changes = load_history(db, found.url, item_id.upper() if item_id else None)
    finally:
        db.close()
    if fmt == "json":
        click.echo(json.dumps(history_json(found.url, changes), ensure_ascii=False, indent=2))
    else:
        click.echo(render_history(found.url, changes, options(ctx).lang))


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
_with_global_options(main)
