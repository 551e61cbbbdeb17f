"""What only the web pages say, Thai first: words for the web's own internal values (job
states, phases, evidence sources, structure cues), host names in Thai, and errors told as a
cause and a fix. Statuses, dates and notes are present's (oitwatch.present.labels).

Pure functions: no request, no database. A Thai screen never shows an internal word (a job
state, a phase, an errno, a punycode host); English stays available with ``?lang=en``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from oitwatch.documents.model import Cue
from oitwatch.errors import CheckAborted, NameNotResolved, StorageError, TargetRefused
from oitwatch.present.labels import Bilingual, Lang


@dataclass(frozen=True)
class Said:
    """One thing said in both languages; ``fix`` is what the reader can do about it."""

    th: str
    en: str
    fix_th: str = ""
    fix_en: str = ""

    def text(self, lang: Lang) -> str:
        return Bilingual(self.th, self.en).pick(lang)

    def fix(self, lang: Lang) -> str:
        return Bilingual(self.fix_th, self.fix_en).pick(lang)


# -- internal values as words ----------------------------------------------------------------

# The web queue's job states (jobs.JobState values) and the check's phases (Progress.phase).
JOB_STATES: dict[str, Bilingual] = {
    "queued": Bilingual("รอคิว", "waiting in the queue"),
    "running": Bilingual("กำลังตรวจ", "checking"),
    "done": Bilingual("ตรวจเสร็จแล้ว", "finished"),
    "failed": Bilingual("ตรวจไม่สำเร็จ", "did not finish"),
}
PHASES: dict[str, Bilingual] = {
    "queued": Bilingual("รอเริ่มตรวจ", "waiting to start"),
    "crawl": Bilingual("กำลังเปิดหน้าเว็บและเอกสาร", "opening the site's pages and files"),
    "judge": Bilingual("กำลังพิจารณาทีละข้อ", "judging each item"),
    "done": Bilingual("เสร็จแล้ว", "done"),
}
# EvidenceSource.source: how a URL came to be judged for an item.
SOURCES: dict[str, Bilingual] = {
    "ita_row": Bilingual("ลิงก์ในหน้า ITA ของเว็บไซต์", "a row of the site's ITA page"),
    "declared_file": Bilingual("ลิงก์จากไฟล์ที่ระบุ", "the declared-links file"),
    "discovered": Bilingual("พบจากการไล่ดูเว็บไซต์", "found while crawling the site"),
    "linked_file": Bilingual("ไฟล์ที่ลิงก์จากหน้านั้น", "a file linked from that page"),
}


# A structure seen instead of words (checklist/checks.py stores "[map]", "[qr]"...).
CUES: dict[Cue, Bilingual] = {
    Cue.IMAGE: Bilingual("พบภาพ", "an image was seen"),
    Cue.MAP: Bilingual("พบแผนที่", "a map was seen"),
    Cue.TABLE: Bilingual("พบตาราง", "a table was seen"),
    Cue.FORM: Bilingual("พบแบบฟอร์มบนหน้าเว็บ", "a form was seen on the page"),
    Cue.QR: Bilingual("พบภาพคิวอาร์โค้ด", "a QR code image was seen"),
}
_CUE_SNIPPET = re.compile(r"\[(\w+)\]")


def cue_seen(snippet: str, lang: Lang) -> str | None:
    """The words for a snippet that is a structure marker, e.g. "[map]"; None for text."""
    match = _CUE_SNIPPET.fullmatch(snippet.strip())
    if match is None or match.group(1) not in {c.value for c in Cue}:
        return None
    return CUES[Cue(match.group(1))].pick(lang)


_OTHER = Bilingual("อื่น ๆ", "other")


def label(table: dict[str, Bilingual], value: str, lang: Lang) -> str:
    """A value's words; an unknown value is said as "other" rather than shown raw."""
    return table.get(value, _OTHER).pick(lang)


def period_in(period: str, lang: Lang) -> str:
    """A period read ("2568 (body: fiscal-year phrase)"): the years only on a Thai page."""
    if lang == "en":
        return period
    return " ".join(re.findall(r"\b(?:25|26)\d\d\b", period))


# -- errors -------------------------------------------------------------------------------------


def display_host(url_or_host: str) -> str:
    """A host as its owner typed it: Thai domain names shown in Thai, not as xn-- punycode."""
    host = urlsplit(url_or_host).hostname if "//" in url_or_host else url_or_host
    host = host or url_or_host
    try:
        return host.encode("ascii").decode("idna")
    except (UnicodeError, ValueError):
        return host


def display_url(url: str) -> str:
    """A URL to read (links keep the real one): its Thai host name in Thai."""
    parts = urlsplit(url)
    if not parts.hostname or "xn--" not in parts.hostname:
        return url
    return url.replace(parts.hostname, display_host(parts.hostname), 1)


_EXAMPLE = "https://www.example.go.th"
_TYPE_AGAIN = Said(
    "",
    "",
    f"ใส่ที่อยู่เว็บไซต์หลักของหน่วยงานที่เปิดได้จากอินเทอร์เน็ต เช่น {_EXAMPLE}",
    f"Enter your agency's main website address, one the internet can open, e.g. {_EXAMPLE}",
)
# What the address guard (crawler/guard.py) refuses, by the words of its message.
_REFUSALS: tuple[tuple[str, str], ...] = (
    ("link-local", "เป็นที่อยู่ภายในของระบบคลาวด์ ไม่ใช่เว็บไซต์สาธารณะ"),
    ("loopback", "เป็นที่อยู่ของเครื่องเซิร์ฟเวอร์นี้เอง ไม่ใช่เว็บไซต์สาธารณะ"),
    ("private network", "เป็นที่อยู่ในเครือข่ายภายใน ไม่ใช่เว็บไซต์สาธารณะ"),
    ("multicast", "เป็นที่อยู่ที่ใช้เปิดเว็บไซต์ไม่ได้"),
    ("reserved", "เป็นที่อยู่ที่ใช้เปิดเว็บไซต์ไม่ได้"),
    ("unspecified", "เป็นที่อยู่ที่ใช้เปิดเว็บไซต์ไม่ได้"),
    ("only http and https", "ตรวจได้เฉพาะที่อยู่ที่ขึ้นต้นด้วย http:// หรือ https://"),
    ("no host name", "ที่อยู่นี้ไม่มีชื่อเว็บไซต์"),
    ("bad port", "หมายเลขพอร์ตในที่อยู่ไม่ถูกต้อง"),
)


def explain_error(exc: BaseException, url: str = "") -> Said:
    """An error met when a check is asked for or run, as a cause and a fix. The English keeps
    the guard's own words (without errno); the Thai never shows an exception's raw text."""
    host = display_host(url) if url else ""
    if isinstance(exc, NameNotResolved):
        return Said(
            f"ไม่พบชื่อเว็บไซต์ {host} ในระบบชื่อโดเมน (DNS)",
            f"the name {host} does not resolve (no such domain, or its DNS is down)",
            f"ตรวจการสะกดชื่อเว็บไซต์ เช่น {_EXAMPLE} หากสะกดถูกแล้ว ให้ติดต่อผู้ดูแลโดเมน",
            f"Check the spelling (e.g. {_EXAMPLE}); if it is right, ask whoever runs the domain",
        )
    if isinstance(exc, TargetRefused):
        message = str(exc)
        th = next((t for key, t in _REFUSALS if key in message), "ไม่ใช่เว็บไซต์สาธารณะ")
        where = f"{host} " if host and not th.startswith("ตรวจ") else ""
        return Said(
            f"{where}{th}",
            message.replace(urlsplit(url).hostname or "\0", host) if url else message,
            _TYPE_AGAIN.fix_th,
            _TYPE_AGAIN.fix_en,
        )
    if isinstance(exc, CheckAborted):
        if str(exc).startswith("no website address"):
            return Said("ยังไม่ได้ใส่ที่อยู่เว็บไซต์", str(exc), _TYPE_AGAIN.fix_th, _TYPE_AGAIN.fix_en)
        return Said("ข้อความที่ใส่ไม่ใช่ที่อยู่เว็บไซต์", str(exc), _TYPE_AGAIN.fix_th, _TYPE_AGAIN.fix_en)
    if isinstance(exc, StorageError):
        return SAVE_FAILED
    return Said(
        "การตรวจหยุดกลางคันเพราะข้อผิดพลาดภายในโปรแกรม",
        "the check stopped on an internal error",
        "ลองส่งตรวจใหม่อีกครั้ง หากยังไม่ได้ โปรดแจ้งผู้ดูแลระบบ",
        "Try again; if it fails again, tell the administrator (the server log has the details)",
    )


SAVE_FAILED = Said(
    "บันทึกผลการตรวจลงฐานข้อมูลไม่ได้",
    "the result could not be saved in the database",
    "แจ้งผู้ดูแลระบบ (พื้นที่ดิสก์เต็ม หรือไฟล์ฐานข้อมูลเสีย)",
    "Tell the administrator: the disk may be full or the database damaged",
)
SHUTTING_DOWN = Said(
    "เซิร์ฟเวอร์กำลังปิดระหว่างตรวจ",
    "the server shut down during the check",
    "ส่งตรวจใหม่อีกครั้งในภายหลัง",
    "Ask for the check again later",
)


def too_long(limit: int) -> Said:
    return Said(
        f"ที่อยู่ยาวเกิน {limit} ตัวอักษร",
        f"the address is longer than {limit} characters",
        _TYPE_AGAIN.fix_th,
        _TYPE_AGAIN.fix_en,
    )


def rate_limited(per_client: int, minutes: int) -> Said:
    return Said(
        f"ส่งตรวจได้ไม่เกิน {per_client} ครั้งในทุก {minutes} นาที",
        f"at most {per_client} checks every {minutes} minutes",
        "รอสักครู่แล้วส่งตรวจใหม่",
        "Wait a few minutes and ask again",
    )


# Error pages by HTTP status, for Starlette's own errors (an unknown path, a wrong method).
HTTP_ERRORS: dict[int, Said] = {
    400: Said("คำขอไม่ถูกต้อง", "bad request"),
    401: Said(
        "ระบบนี้เปิดให้ดูเฉพาะผู้ที่มีรหัสสำหรับอ่าน",
        "this oitwatch is private: a read token is needed",
        "ขอรหัสสำหรับอ่านจากผู้ดูแลระบบ",
        "Ask the administrator for the read token",
    ),
    403: Said(
        "ต้องใช้รหัสผู้ดูแลระบบ",
        "an admin token is needed",
        "ขอรหัสผู้ดูแลระบบจากผู้ดูแล",
        "Ask the administrator",
    ),
    404: Said("ไม่พบหน้านี้", "no such page"),
    405: Said("ใช้วิธีนี้กับหน้านี้ไม่ได้", "method not allowed"),
    409: Said("ทำตอนนี้ไม่ได้", "not now"),
    500: Said(
        "เกิดข้อผิดพลาดภายในโปรแกรม",
        "internal error",
        "ลองใหม่อีกครั้ง หากยังไม่ได้ โปรดแจ้งผู้ดูแลระบบ",
        "Try again; if it persists, tell the administrator",
    ),
}
