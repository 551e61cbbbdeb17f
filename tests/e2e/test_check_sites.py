"""End to end: `oitwatch check` against fixture websites on real loopback servers."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from oitwatch.checklist.findings import Status
from tests.fixtures.sites import GOOD_EXPECTED, TIS_EXPECTED
from tests.support.cli import CliResult, check_json, invoke
from tests.support.files import write_declared
from tests.support.server import FixtureSite


def _statuses(result: CliResult) -> dict[str, str]:
    return {item["id"]: item["status"] for item in result.json["items"]}


def _item(result: CliResult, item_id: str) -> dict[str, object]:
    return next(i for i in result.json["items"] if i["id"] == item_id)


def test_good_site_every_item(good_check: CliResult) -> None:
    assert good_check.code == 1, good_check.stderr
    assert _statuses(good_check) == GOOD_EXPECTED


def test_tis620_site_every_item(tis620_check: CliResult) -> None:
    assert tis620_check.code == 1, tis620_check.stderr
    assert _statuses(tis620_check) == TIS_EXPECTED


def test_static_sites_start_no_browser(good_check: CliResult, tis620_check: CliResult) -> None:
    assert good_check.json["pages_rendered"] == 0 and tis620_check.json["pages_rendered"] == 0


def test_every_status_value_appears(good_check: CliResult, tis620_check: CliResult) -> None:
    seen = set(_statuses(good_check).values()) | set(_statuses(tis620_check).values())
    assert seen == {s.value for s in Status}


def test_json_contract(good_check: CliResult) -> None:
    data = good_check.json
    assert data["checklist"] == "ita-2568"
    assert data["fiscal_year"] == 2568
    assert data["site_status"] == "ok"
    assert data["pages_fetched"] > 28
    assert [i["id"] for i in data["items"]] == [f"O{n}" for n in range(1, 29)]
    for item in data["items"]:
        for key in (
            "status",
            "url",
            "missing_elements",
            "reason_th",
            "reason_en",
            "fix_th",
            "fix_en",
        ):
            assert key in item
        assert item["reason_th"] and item["reason_en"] and item["fix_th"] and item["fix_en"]


def test_partial_names_missing_element(good_check: CliResult) -> None:
    o13 = _item(good_check, "O13")
    assert o13["missing_elements"] == ["suggestions"]
    assert "ข้อเสนอแนะ" in str(o13["fix_th"])
    assert str(o13["url"]).endswith("/docs/procurement-report-2567.pdf")


def test_broken_declared_link_names_the_alternative(
    good_check: CliResult, good: FixtureSite
) -> None:
    o22 = _item(good_check, "O22")
    assert o22["url"] == f"{good.url}/docs/gift-report-2568.pdf"
    assert "HTTP 404" in str(o22["reason_en"])
    assert f"{good.url}/docs/gift-report-2568-final.pdf" in str(o22["fix_en"])


def test_failure_kinds_are_reported(good_check: CliResult) -> None:
    assert "soft_404" in str(_item(good_check, "O23")["reason_en"])
    assert "timeout" in str(_item(good_check, "O24")["reason_en"])
    assert "redirect_loop" in str(_item(good_check, "O25")["reason_en"])
    assert "password" in str(_item(good_check, "O26")["reason_en"])


def test_declared_links_come_from_the_2568_table(good_check: CliResult, good: FixtureSite) -> None:
    # The 2567 table comes first on the page; its links must not be used for 2568.
    assert _item(good_check, "O5")["url"] == f"{good.url}/plan/dev-plan-2566-2570.pdf"
    assert all(i["declared"] for i in good_check.json["items"] if i["id"] != "O27")
    assert not _item(good_check, "O27")["declared"]


def test_outdated_reports_the_year(good_check: CliResult) -> None:
    o7 = _item(good_check, "O7")
    assert o7["years_found"] == [2565]
    assert "2567" in str(o7["fix_th"]) and "2568" in str(o7["fix_th"])


def test_tis620_text_is_decoded(tis620_check: CliResult) -> None:
    o2 = _item(tis620_check, "O2")
    assert o2["missing_elements"] == ["photo"]
    # Who lacks what, by name, in both languages.
    assert "บุญมี มากมี" in str(o2["reason_th"]) and "สุข ใจเย็น" in str(o2["reason_en"])
    o3 = _item(tis620_check, "O3")
    assert o3["missing_elements"] == ["fax", "map", "qa_channel"]


def test_scanned_evidence_is_read_and_flagged(tis620_check: CliResult) -> None:
    o23 = _item(tis620_check, "O23")
    assert o23["status"] == "pass" and o23["ocr"] is True
    assert "OCR" in str(o23["reason_en"]) and "OCR" in str(o23["reason_th"])
    assert not _item(tis620_check, "O1")["ocr"]


def test_crawler_trap_is_bounded(
    tis620: FixtureSite, tis620_check: CliResult, session_db: Path
) -> None:
    with sqlite3.connect(session_db) as conn:
        calendar = conn.execute(
            "select count(*) from resources where run_id = ? and url like '%calendar.php%'",
            (tis620_check.json["run_id"],),
        ).fetchone()[0]
    assert 0 < calendar <= 25  # the query-variant bound, in this one check
    # robots.txt is obeyed by every check that ever touched this server
    assert not any(p.startswith("/private/") for p in tis620.requests)


def test_unreachable_site(unreachable_url: str, tmp_path: Path) -> None:
    result = check_json(unreachable_url, tmp_path / "u.db")
    assert result.code == 2
    data = result.json
    assert data["site_status"] == "unreachable"
    assert [i["status"] for i in data["items"]] == ["broken"] * 28
    assert "refused" in data["items"][0]["reason_en"]


def test_declared_csv_takes_precedence(good: FixtureSite, tmp_path: Path) -> None:
    rows = [
        ("O7", f"{good.url}/docs/annual-report-2568.pdf"),
        ("๐๒๒", f"{good.url}/docs/gift-report-2568-final.pdf"),  # Thai digits, no "O"
    ]
    declared = write_declared(tmp_path / "declared.csv", rows, header=True)
    result = check_json(
        good.url,
        tmp_path / "d.db",
        "--declared",
        str(declared),
    )
    statuses = _statuses(result)
    assert statuses["O7"] == "pass"  # the ITA page declares the 2565 report; the CSV wins
    assert statuses["O22"] == "pass"
    assert statuses["O21"] == "missing"  # the CSV declares nothing else: judged by the crawl


def test_every_check_is_stored_as_a_new_run(good: FixtureSite, tmp_path: Path) -> None:
    db = tmp_path / "history.db"
    first = check_json(good.url, db, "--max-pages", "60")
    second = check_json(good.url, db, "--max-pages", "60")
    assert first.json["run_id"] != second.json["run_id"]
    with sqlite3.connect(db) as conn:
        runs = conn.execute("select status, site_status from runs order by id").fetchall()
        assert runs == [("completed", "ok"), ("completed", "ok")]
        per_run = conn.execute(
            "select run_id, count(*) from item_results group by run_id"
        ).fetchall()
        assert [count for _, count in per_run] == [28, 28]
        resources = conn.execute("select count(*) from resources").fetchone()[0]
        assert resources >= 2 * 28
        assert conn.execute("pragma journal_mode").fetchone()[0] == "wal"


def test_table_output_is_thai_first_english_on_request(good: FixtureSite, tmp_path: Path) -> None:
    result = invoke("check", good.url, "--db", str(tmp_path / "t.db"), "--max-pages", "80")
    assert result.code == 1
    assert "ข้อ" in result.stdout and "ลิงก์เสีย" in result.stdout
    assert "Item" not in result.stdout and "broken" not in result.stdout
    assert "[oitwatch]" in result.stderr  # progress on stderr
    english = invoke(
        "check", good.url, "--db", str(tmp_path / "t.db"), "--max-pages", "80", "--lang", "en"
    )
    assert "Item" in english.stdout and "broken" in english.stdout


def test_bad_url_is_a_clear_error(tmp_path: Path) -> None:
    result = invoke("check", "not a url", "--db", str(tmp_path / "x.db"))
    assert result.code == 2
    assert "not a website address" in result.stderr
    assert "Traceback" not in result.stderr


def test_settings_typo_is_a_clear_error(tmp_path: Path, good: FixtureSite) -> None:
    result = invoke(
        "check", good.url, "--db", str(tmp_path / "x.db"), env={"OITWATCH_CRAWL__MAX_PAGEZ": "3"}
    )
    assert result.code == 2
    assert "max_pagez" in result.stderr.lower()
    assert "Traceback" not in result.stderr


def test_year_2569_needs_no_code_change(good: FixtureSite, tmp_path: Path) -> None:
    result = check_json(good.url, tmp_path / "y.db", "--year", "2569", "--max-pages", "80")
    data = result.json
    assert result.code == 1
    assert (data["checklist"], data["fiscal_year"]) == ("ita-2569", 2569)
    assert [i["id"] for i in data["items"]] == [f"O{n}" for n in range(1, 27)]
    statuses = {i["id"]: i["status"] for i in data["items"]}
    # The site's ITA page has no 2569 table, so nothing is declared: items are found by meaning.
    assert not any(i["declared"] for i in data["items"])
    urls = {i["id"]: i["url"] or "" for i in data["items"]}
    # Renumbered items are found through their meaning: 2568's O17 and O28 are 2569's O16, O26.
    assert statuses["O16"] == "pass" and urls["O16"].endswith("/docs/complaint-manual.pdf")
    assert statuses["O26"] == "pass" and urls["O26"].endswith("/integrity-report-2568.pdf")
    assert statuses["O1"] != "pass"  # 2569's O1 also wants the duties and powers: not there
    assert statuses["O6"] == "outdated"  # the annual plan found is 2568's
