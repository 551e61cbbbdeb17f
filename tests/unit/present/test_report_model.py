"""One report model: the same view from a fresh check and from stored rows, one JSON contract
(validated against the shipped schema), one CSV writer."""

from __future__ import annotations

import asyncio
import csv
import dataclasses
import io
import json
from datetime import datetime
from pathlib import Path

from click.testing import CliRunner
from jsonschema import Draft202012Validator

from oitwatch.checklist.findings import Status
from oitwatch.cli import main
from oitwatch.config import load_settings
from oitwatch.pipeline.site import CheckReport, check_site
from oitwatch.present.json_report import report_json, report_schema
from oitwatch.present.labels import Lang
from oitwatch.present.model import ReportView, SiteSummary, check_view, report_view
from oitwatch.present.spreadsheet import report_csv, sites_csv
from oitwatch.storage import open_database
from tests.support.cli import FAST_ENV
from tests.support.server import FixtureSite
from tests.unit.present.schema import assert_valid_report, report_errors


def test_the_shipped_schema_is_a_valid_schema() -> None:
    Draft202012Validator.check_schema(report_schema())
    # and it refuses what it should: the check above cannot pass a schema that allows all
    assert report_errors({"site": 1})
    assert report_errors({"items": [{"id": "X1"}]})


def test_check_json_matches_the_schema(good: FixtureSite, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["check", good.url, "--format", "json", "--db", str(tmp_path / "c.db")],
        env=FAST_ENV,
    )
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    assert_valid_report(data)
    assert len(data["items"]) == 28 and data["checked_at"].endswith("Z")
    assert data["site_problem"] is None
    # the Thai names of what is missing travel with the ids
    o13 = next(i for i in data["items"] if i["id"] == "O13")
    assert o13["missing_elements"] == ["suggestions"] and o13["missing_th"] != ["suggestions"]


def _fresh_and_stored(url: str, db_file: Path) -> tuple[CheckReport, ReportView, ReportView]:
    settings = load_settings(
        None, database=str(db_file), crawl={"delay": 0, "read_timeout": 1, "retries": 1}
    )
    db = open_database(settings.database_url)
    try:
        report = asyncio.run(check_site(url, settings, db))
        fresh = check_view(db, report)
        stored = report_view(db, report.site_id)
    finally:
        db.close()
    assert stored is not None
    return report, fresh, stored


def test_fresh_and_stored_views_are_the_same(good: FixtureSite, tmp_path: Path) -> None:
    report, fresh, stored = _fresh_and_stored(good.url, tmp_path / "s.db")
    assert fresh.pages_rendered == stored.pages_rendered == 0
    assert fresh == stored
    assert report_csv(fresh) == report_csv(stored)
    assert report_csv(fresh, Lang.EN) == report_csv(stored, Lang.EN)
    fresh_json, stored_json = report_json(fresh), report_json(stored)
    assert fresh_json["items"] == stored_json["items"]
    assert_valid_report(stored_json)
    # every item has a history that started with this run
    assert all(i.since is not None and i.since == fresh.checked_at for i in fresh.items)
    assert fresh.score.oit == report.estimate.oit and fresh.score.indicators


def test_unreachable_site_is_one_problem(unreachable_url: str, tmp_path: Path) -> None:
    _, fresh, stored = _fresh_and_stored(unreachable_url, tmp_path / "u.db")
    assert fresh == stored
    problem = fresh.site_problem
    assert problem is not None and "refused" in problem[0].en
    data = report_json(fresh)
    assert data["site_problem"]["reason_en"] == problem[0].en
    assert_valid_report(data)
    rows = list(csv.reader(io.StringIO(report_csv(stored))))
    assert len(rows) == 2  # the header and the site's one row, not 28 identical rows


def test_csv_cells_that_look_like_formulas_stay_text(good: FixtureSite, tmp_path: Path) -> None:
    _, fresh, _ = _fresh_and_stored(good.url, tmp_path / "f.db")
    hostile = dataclasses.replace(
        fresh,
        items=tuple(
            dataclasses.replace(
                i, reason=dataclasses.replace(i.reason, th='=HYPERLINK("http://x")')
            )
            for i in fresh.items
        ),
    )
    rows = list(csv.reader(io.StringIO(report_csv(hostile))))
    assert all(row[6].startswith("'=") for row in rows[1:])


def test_site_csv_neutralises_formulas() -> None:
    hostile = SiteSummary(
        site_id=1,
        url="-2+3",
        host="x",
        agency='=HYPERLINK("http://evil","click")',
        agency_type="+cmd",
        province="@SUM(A1)",
        run_id=1,
        checked_at=datetime(2026, 12, 1, 11, 10),
        site_status="ok",
        oit_estimate=50.0,
        passed=1,
        items=28,
        failing=(("O5", Status.BROKEN),),
    )
    row = next(r for r in csv.reader(io.StringIO(sites_csv([hostile]))) if r[0] != "agency")
    assert row[:4] == ['\'=HYPERLINK("http://evil","click")', "'+cmd", "'@SUM(A1)", "'-2+3"]
    assert row[4:] == ["2026-12-01T18:10+07:00", "ok", "50.00", "1", "O5:broken"]
