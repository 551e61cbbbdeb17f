"""What this machine can do, and what a check loses without it (``oitwatch doctor``).

A missing capability does not stop a check: it weakens verdicts. The check says so at the top
of its report and on each item it touched (``site_check``); ``doctor`` says it before a check.
"""

from __future__ import annotations

import shutil
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

from oitwatch.config import Settings
from oitwatch.config.settings import RenderMode

APT_OCR = "sudo apt-get install -y tesseract-ocr tesseract-ocr-tha"
APT_CHROMIUM = "sudo apt-get install -y chromium"


@dataclass(frozen=True)
class Capability:
    key: str  # ocr | chromium | database | smtp
    name_th: str
    name_en: str
    ok: bool
    detail: str  # what was found, or why not
    lost_th: str  # what is lost without it
    lost_en: str
    fix: str  # the command (or setting) that fixes it


# What a check loses when a capability is missing, in the words the report uses.
WEAKENED: dict[str, tuple[str, str]] = {
    "ocr": (
        "ไม่มี OCR ภาษาไทย จึงอ่านเอกสารสแกนไม่ได้ ผลข้อนี้อาจดีกว่าที่รายงาน",
        "no Thai OCR: scanned evidence was not read, this item may be better than reported",
    ),
    "chromium": (
        "ไม่มีเบราว์เซอร์ Chromium จึงอ่านหน้าที่สร้างด้วย JavaScript ไม่ได้ ข้อนี้อาจอยู่บนหน้าเหล่านั้น",
        "no Chromium: pages built by JavaScript were not read, this item may be on one of them",
    ),
}

# Capabilities that weakened the item being evaluated: each item runs in its own task, so a
# context variable attributes a loss (a scan not read) to the item whose evidence it was.
current_losses: ContextVar[set[str] | None] = ContextVar("current_losses", default=None)


def note_loss(capability: str) -> None:
    losses = current_losses.get()
    if losses is not None:
        losses.add(capability)


def weakened_warning(capability: str) -> str:
    th, en = WEAKENED[capability]
    fix = APT_OCR if capability == "ocr" else APT_CHROMIUM
    return f"ตรวจได้ไม่เต็มที่: {th} / verdicts weakened: {en}. Fix: {fix} (oitwatch doctor)"


def ocr(settings: Settings) -> Capability:
    from oitwatch.documents.ocr import tesseract_languages

    wanted = set(settings.ocr.languages.split("+"))
    found = tesseract_languages("tesseract")
    binary = shutil.which("tesseract")
    if not settings.ocr.enabled:
        ok, detail = False, "turned off in the settings (ocr.enabled = false)"
    elif binary is None:
        ok, detail = False, "tesseract is not installed"
    elif not wanted <= found:
        ok, detail = False, f"tesseract has no {'+'.join(sorted(wanted - found))} model"
    else:
        ok, detail = True, f"{binary} with {settings.ocr.languages}"
    return Capability(
        "ocr",
        "OCR ภาษาไทย (Tesseract)",
        "OCR with the Thai model (Tesseract)",
        ok,
        detail,
        "เอกสารสแกน (PDF ภาพ รูปภาพ) จะอ่านไม่ได้ และข้อที่ใช้เป็นหลักฐานจะเป็น 'อ่านไม่ได้'",
        "scanned PDFs and images cannot be read; items resting on them are 'unverifiable'",
        APT_OCR if settings.ocr.enabled else "set ocr.enabled = true",
    )


def chromium(settings: Settings) -> Capability:
    path = Path(settings.render.executable)
    if settings.render.mode is RenderMode.NEVER:
        ok, detail = False, "rendering is off (render.mode = never)"
    elif not path.exists():
        ok, detail = False, f"no browser at {path}"
    else:
        ok, detail = True, str(path)
    try:
        import playwright  # noqa: F401
    except ImportError:
        ok, detail = False, "the playwright package is not installed"
    return Capability(
        "chromium",
        "เบราว์เซอร์ Chromium (หน้าที่สร้างด้วย JavaScript)",
        "Chromium for pages built by JavaScript",
        ok,
        detail,
        "หน้าที่สร้างด้วย JavaScript จะอ่านไม่ได้ ข้อที่อยู่บนหน้าเหล่านั้นอาจถูกรายงานว่า 'ไม่พบ'",
        "pages built by JavaScript cannot be read; items on them may be reported 'missing'",
        APT_CHROMIUM if settings.render.mode is not RenderMode.NEVER else "set render.mode = auto",
    )


def database(settings: Settings) -> Capability:
    from sqlalchemy import text
    from sqlalchemy.exc import SQLAlchemyError

    from oitwatch.errors import OitwatchError
    from oitwatch.storage import open_database

    try:
        db = open_database(settings.database_url)  # creates or migrates: already a write
        try:
            # A write that changes nothing and is rolled back: it needs the write lock, so a
            # read-only file or a full disk shows here.
            with db.engine.connect() as connection:
                connection.execute(text("update alembic_version set version_num = version_num"))
                connection.rollback()
        finally:
            db.close()
        ok, detail = True, settings.database
    except (OitwatchError, OSError, SQLAlchemyError) as exc:
        ok, detail = False, f"{settings.database}: {exc}"
    return Capability(
        "database",
        "ฐานข้อมูล (บันทึกผลการตรวจ)",
        "the database (stores every check)",
        ok,
        detail,
        "บันทึกผลการตรวจไม่ได้ ตรวจเว็บไซต์ไม่ได้เลย",
        "checks cannot be stored, so none can run",
        "use --db PATH (or the database setting) with a writable folder",
    )


def smtp(settings: Settings) -> Capability | None:
    """Only when alerts are configured to go somewhere: a default install sends no mail."""
    configured = (
        settings.smtp.host != "localhost" or settings.smtp.username or settings.alerts.staff
    )
    if not configured:
        return None
    import smtplib

    try:
        with smtplib.SMTP(settings.smtp.host, settings.smtp.port, timeout=5) as server:
            server.noop()
        ok, detail = True, f"{settings.smtp.host}:{settings.smtp.port}"
    except (OSError, smtplib.SMTPException) as exc:
        ok, detail = False, f"{settings.smtp.host}:{settings.smtp.port}: {exc}"
    return Capability(
        "smtp",
        "เซิร์ฟเวอร์อีเมล (SMTP)",
        "the mail server (SMTP)",
        ok,
        detail,
        "ส่งการแจ้งเตือนไม่ได้ (เก็บไว้ในกล่องขาออกและส่งเมื่อเซิร์ฟเวอร์กลับมา)",
        "alerts cannot be sent (they wait in the outbox until the server is back)",
        "check [smtp] host/port in the settings; then oitwatch alerts test --to you@example",
    )


def check_all(settings: Settings) -> list[Capability]:
    found = [ocr(settings), chromium(settings), database(settings)]
    mail = smtp(settings)
    return found + ([mail] if mail is not None else [])
