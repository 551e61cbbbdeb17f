"""A fresh machine gets the whole product: the demo, the year in force, doctor, crashes that are
not findings, a fresh clone without ../shared, and the wheel in a fresh venv."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from oitwatch.checklist.loader import form_in_force, thai_fiscal_year
from tests.support.cli import FAST_ENV, check_json, invoke
from tests.support.server import FixtureSite

ROOT = Path(__file__).resolve().parents[2]
ALL_STATUSES = {"pass", "partial", "outdated", "off_site", "broken", "missing", "unverifiable"}
UNPINNED = {"OITWATCH_CHECKLIST__YEAR": None}


# -- the demo ---------------------------------------------------------------------------


def test_demo_report_has_every_status(tmp_path: Path) -> None:
    result = invoke("demo", "--format", "json", "--db", str(tmp_path / "demo.db"))
    assert result.code == 0, result.stderr
    data = result.json
    statuses = {i["status"] for i in data["items"]}
    assert statuses == ALL_STATUSES
    by_id = {i["id"]: i for i in data["items"]}
    # The scan is read by OCR, the DOCX and the XLSX by their readers.
    assert by_id["O9"]["status"] == "pass" and by_id["O9"]["ocr"]
    assert by_id["O7"]["url"].endswith(".docx") and by_id["O7"]["status"] == "pass"
    assert by_id["O11"]["url"].endswith(".xlsx") and by_id["O11"]["status"] == "pass"
    assert data["checklist"] == "ita-2569" and not data["warnings"]
    assert by_id["O12"]["rule_note"].startswith("กฎข้อนี้อนุมาน")
    assert "rule inferred from public agency pages" in by_id["O12"]["rule_note"]


def test_demo_table_is_thai_first(tmp_path: Path) -> None:
    result = invoke("demo", "--db", str(tmp_path / "demo.db"))
    assert result.code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("รายงานการตรวจเว็บไซต์")
    assert "ประจำปีงบประมาณ พ.ศ. 2569" in lines[1]
    assert any("ข้ออนุมานจากหน้าเว็บของหน่วยงาน" in line for line in lines[:6])
    for thai in ("ผ่าน", "ไม่ครบ", "ไม่เป็นปัจจุบัน", "อยู่นอกเว็บไซต์หลัก", "ลิงก์เสีย", "ไม่พบ", "อ่านไม่ได้"):
        assert thai in result.stdout


# -- capabilities -----------------------------------------------------------------------


def test_doctor_lists_capabilities_with_what_is_lost_and_the_fix(tmp_path: Path) -> None:
    ok = invoke("doctor", "--db", str(tmp_path / "d.db"))
    assert ok.code == 0, ok.stdout + ok.stderr
    assert ok.stdout.count("[ok     ]") >= 4  # OCR, Chromium, database, the form
    missing = invoke(
        "doctor",
        "--db",
        str(tmp_path / "d.db"),
        env={"OITWATCH_OCR__LANGUAGES": "tha+zzz", "OITWATCH_RENDER__EXECUTABLE": "/nonexistent"},
    )
    assert missing.code == 1
    assert missing.stdout.count("[MISSING]") == 2
    assert "tesseract has no zzz model" in missing.stdout
    assert "apt-get install -y tesseract-ocr tesseract-ocr-tha" in missing.stdout
    assert "apt-get install -y chromium" in missing.stdout
    assert "Lost:" in missing.stdout and "ผลกระทบ:" in missing.stdout


def test_doctor_reports_smtp_only_when_configured(tmp_path: Path) -> None:
    plain = invoke("doctor", "--db", str(tmp_path / "d.db"))
    assert "SMTP" not in plain.stdout
    configured = invoke(
        "doctor",
        "--db",
        str(tmp_path / "d.db"),
        env={"OITWATCH_SMTP__HOST": "127.0.0.1", "OITWATCH_SMTP__PORT": "9"},
    )
    assert configured.code == 1 and "[MISSING] เซิร์ฟเวอร์อีเมล (SMTP)" in configured.stdout


def test_a_check_without_ocr_says_so_on_top_and_on_the_item(tmp_path: Path) -> None:
    env = {"OITWATCH_OCR__LANGUAGES": "tha+zzz"}  # as if the Thai model were not installed
    result = invoke("demo", "--format", "json", "--db", str(tmp_path / "d.db"), env=env)
    data = result.json
    o9 = next(i for i in data["items"] if i["id"] == "O9")
    assert o9["status"] == "unverifiable" and o9["weakened_by"] == ["ocr"]
    assert "ตรวจได้ไม่เต็มที่" in o9["reason_th"] and "weakened" in o9["reason_en"]
    assert [w for w in data["warnings"] if "no Thai OCR" in w]
    assert all(i["weakened_by"] == [] for i in data["items"] if i["id"] != "O9")
    table = invoke("demo", "--db", str(tmp_path / "d.db"), env=env)
    top = table.stdout.splitlines()[:6]
    assert any(line.startswith("!! ตรวจได้ไม่เต็มที่") for line in top), top


def test_a_check_without_chromium_says_so_on_the_items_it_may_have_missed(
    tmp_path: Path,
) -> None:
    from tests.fixtures.js_sites import js_site_routes

    site = FixtureSite("127.0.0.31", js_site_routes(scripted=True)).start()
    try:
        result = check_json(
            site.url,
            tmp_path / "js.db",
            env={
                "OITWATCH_RENDER__EXECUTABLE": "/nonexistent/chromium",
                "OITWATCH_OCR__ENABLED": "false",
            },
        )
    finally:
        site.stop()
    data = result.json
    missing = [i for i in data["items"] if i["status"] == "missing"]
    assert missing and all(i["weakened_by"] == ["chromium"] for i in missing)
    assert all("ตรวจได้ไม่เต็มที่" in i["reason_th"] for i in missing)
    assert any("no Chromium" in w and "apt-get install -y chromium" in w for w in data["warnings"])


# -- the year in force ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (date(2024, 10, 1), 2568),
        (date(2025, 9, 30), 2568),
        (date(2025, 10, 1), 2569),
        (date(2026, 12, 1), 2570),
    ],
)
def test_thai_fiscal_year_starts_in_october(day: date, year: int) -> None:
    assert thai_fiscal_year(day) == year


def test_form_in_force_falls_back_to_the_newest_published() -> None:
    fy2570 = form_in_force(date(2026, 12, 1))
    assert (fy2570.year, fy2570.in_force, fy2570.pinned) == (2569, 2570, False)
    assert fy2570.note == (
        "แบบตรวจ OIT ปี 2570 ยังไม่ประกาศ ตรวจตามแบบปี 2569 / "
        "FY2570 form not yet published; checked against FY2569"
    )
    assert form_in_force(date(2025, 3, 1)).year == 2568
    assert form_in_force(date(2026, 3, 1)).year == 2569
    assert form_in_force(date(2026, 12, 1), pinned=2568).year == 2568


def _check(site: FixtureSite, tmp_path: Path, env: dict[str, str | None], *extra: str) -> Any:
    result = check_json(
        site.url,
        tmp_path / "y.db",
        "--max-pages",
        "40",
        *extra,
        env=env,
    )
    assert result.code in (0, 1), result.stderr
    return result.json


def test_a_check_in_fy2570_says_which_form_it_used(good: FixtureSite, tmp_path: Path) -> None:
    data = _check(good, tmp_path, {**UNPINNED, "OITWATCH_TODAY": "2026-12-01"})
    assert (data["checklist"], len(data["items"])) == ("ita-2569", 26)
    assert data["form_note"] in data["notes"]
    assert "FY2570 form not yet published; checked against FY2569" in data["form_note"]
    assert data["form_note"].startswith("แบบตรวจ OIT ปี 2570 ยังไม่ประกาศ ตรวจตามแบบปี 2569")


def test_a_check_in_fy2568_uses_2568(good: FixtureSite, tmp_path: Path) -> None:
    data = _check(good, tmp_path, {**UNPINNED, "OITWATCH_TODAY": "2025-05-01"})
    assert (data["checklist"], len(data["items"])) == ("ita-2568", 28)
    assert "FY2568 form (the fiscal year in force)" in data["form_note"]


def test_settings_pin_a_form(good: FixtureSite, tmp_path: Path) -> None:
    settings = tmp_path / "oitwatch.toml"
    settings.write_text("[checklist]\nyear = 2568\n", encoding="utf-8")
    result = invoke(
        "--settings",
        str(settings),
        "checklist",
        "show",
        env={**UNPINNED, "OITWATCH_TODAY": "2026-12-01"},
    )
    assert result.code == 0 and "O28 " in result.stdout
    assert "ตรวจตามแบบ OIT ปี 2568 ตามที่กำหนด" in result.stdout
    listed = invoke("checklist", "list", env={**UNPINNED, "OITWATCH_TODAY": "2026-12-01"})
    assert "ita-2568  FY2568  28 items" in listed.stdout
    assert "ita-2569  FY2569  26 items  (extends ita-2568)" in listed.stdout
    assert "<- used by default" in listed.stdout.splitlines()[2]


# -- crashes are not findings -----------------------------------------------------------


def test_an_internal_error_exits_3_with_a_json_error(
    good: FixtureSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from oitwatch.pipeline import site as site_check

    async def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("injected")

    monkeypatch.setattr(site_check, "check_site", broken)
    args = ["check", good.url, "--db", str(tmp_path / "e.db")]
    result = invoke(*args, "--format", "json")
    assert result.code == 3
    error = json.loads(result.stdout)["error"]
    assert error["kind"] == "internal_error" and error["exception"] == "ZeroDivisionError"
    assert "please report" in error["message"] and error["message_th"]
    assert "Traceback" in result.stderr  # the log keeps the traceback
    assert invoke(*args).code == 3


def test_a_bug_in_one_item_or_resource_costs_that_item_only(
    good: FixtureSite,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    from oitwatch.checklist.evaluate import ItemEvaluator
    from oitwatch.pipeline.crawl import SiteCrawler

    evaluate, fetch = ItemEvaluator.evaluate, SiteCrawler.fetch_resource

    async def evaluate_with_bug(self: ItemEvaluator, item: Any) -> Any:
        if item.id == "O5":
            raise KeyError("injected bug in one item")
        return await evaluate(self, item)

    async def fetch_with_bug(self: SiteCrawler, url: str, *depth: int) -> Any:
        # The evaluator's read of O8's evidence (the crawl passes a depth; it is left alone).
        if url.endswith("/docs/staff-manual.docx") and not depth:
            raise AttributeError("injected bug in one resource")
        return await fetch(self, url, *depth)

    monkeypatch.setattr(ItemEvaluator, "evaluate", evaluate_with_bug)
    monkeypatch.setattr(SiteCrawler, "fetch_resource", fetch_with_bug)
    result = check_json(good.url, tmp_path / "i.db")
    assert result.code == 1, result.stderr
    statuses = {i["id"]: (i["status"], i["reason_en"]) for i in json.loads(result.stdout)["items"]}
    for broken in ("O5", "O8"):
        status, reason = statuses[broken]
        assert status == "unverifiable" and "internal error, please report" in reason
    assert statuses["O1"][0] == "pass" and statuses["O9"][0] == "pass"
    logged = [r for r in caplog.records if r.message.startswith("internal error while checking")]
    assert {r.message.split()[4] for r in logged} == {"O5", "O8"}
    assert all(r.exc_info for r in logged)  # the traceback goes to the log


# -- a fresh clone ----------------------------------------------------------------------


_NOT_PROJECT = {".git", ".venv", "build", "dist", "__pycache__", ".pytest_cache", ".mypy_cache"}


def _project_files() -> list[str]:
    """The project's files as a clone has them: git's list, or (a tarball, a copy) the tree
    less what .gitignore keeps out."""
    if (ROOT / ".git").exists():
        listed = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        return [f for f in listed.stdout.splitlines() if (ROOT / f).is_file()]
    return [
        str(path.relative_to(ROOT))
        for path in ROOT.rglob("*")
        if path.is_file()
        and not _NOT_PROJECT & set(path.relative_to(ROOT).parts)
        and not path.name.startswith(".")
        and path.suffix not in (".db", ".pyc")
    ]


def _copy_project(target: Path) -> Path:
    for name in _project_files():
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target / name)
    return target


def test_quick_subset_passes_in_a_copy_without_shared(tmp_path: Path) -> None:
    """A user's clone has no ../shared: the quick subset must pass there, skipping only the
    checks that need the seeds, and saying why."""
    clone = _copy_project(tmp_path / "clone" / "oitwatch")
    assert not (clone.parent / "shared").exists()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(clone)  # this copy's code, not the installed one
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-m", "quick", "-p", "no:cacheprovider", "-rs"],
        cwd=clone,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert " passed" in proc.stdout and "failed" not in proc.stdout
    assert "../shared (seed documents, registry sample) is not beside this clone" in proc.stdout


# -- the wheel in a fresh venv ----------------------------------------------------------


@pytest.mark.slow
def test_wheel_installs_into_a_fresh_venv_and_checks_a_site(tmp_path: Path) -> None:
    """Everything imported at run time is declared: the built wheel, alone in a new venv, checks
    a site with a scanned PDF (OCR needs Pillow), a DOCX and an XLSX."""
    dist = tmp_path / "dist"
    source = _copy_project(tmp_path / "source")  # building writes build/ and egg-info
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-w",
            str(dist),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert build.returncode == 0, build.stderr[-2000:]
    wheel = next(dist.glob("oitwatch-*.whl"))
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", str(wheel)],
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
        check=False,
    )
    assert install.returncode == 0, install.stderr[-3000:]
    work = tmp_path / "work"
    work.mkdir()
    check = subprocess.run(
        [str(env_dir / "bin" / "oitwatch"), "demo", "--format", "json"],
        capture_output=True,
        text=True,
        env={**env, **{k: v for k, v in FAST_ENV.items() if v is not None}},
        cwd=work,  # not the source tree: the installed package must carry its data
        timeout=600,
        check=False,
    )
    assert check.returncode == 0, check.stderr[-3000:]
    items = {i["id"]: i for i in json.loads(check.stdout)["items"]}
    assert items["O9"]["ocr"] and items["O9"]["status"] == "pass"  # the scan, through Pillow
    assert items["O7"]["status"] == "pass" and items["O11"]["status"] == "pass"  # DOCX, XLSX
    assert {i["status"] for i in items.values()} == ALL_STATUSES
    assert (work / "oitwatch-demo.db").exists()
