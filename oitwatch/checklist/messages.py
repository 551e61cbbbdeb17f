"""What a webmaster reads: the reason for a status and the fix, in Thai and English."""

from __future__ import annotations

from dataclasses import dataclass

from oitwatch.checklist.findings import ItemResult, Status
from oitwatch.checklist.model import Item, PeriodKind
from oitwatch.crawler.outcomes import answers_plain_http
from oitwatch.documents.errors import UnreadableReason


@dataclass(frozen=True)
class Explanation:
    reason_th: str
    reason_en: str
    fix_th: str
    fix_en: str


# How a failed fetch is told to a webmaster, by outcome value. The Thai text names no internal
# value (``timeout``, ``refused``); the English keeps it in brackets for whoever reports a bug.
FAILURES: dict[str, tuple[str, str]] = {
    "http_status": ("เซิร์ฟเวอร์ตอบว่า HTTP {status}", "the server answers HTTP {status}"),
    "timeout": ("เซิร์ฟเวอร์ไม่ตอบภายในเวลาที่รอ", "no answer in time (timeout)"),
    "dns": ("ไม่พบชื่อโดเมนนี้ในระบบ DNS", "the domain name does not resolve (DNS)"),
    "refused": ("เซิร์ฟเวอร์ไม่รับการเชื่อมต่อ", "the server refuses connections (refused)"),
    "tls": ("ใบรับรอง SSL/TLS ของเว็บไซต์ไม่ถูกต้อง", "the TLS/SSL certificate is not valid (tls)"),
    "connection_error": ("การเชื่อมต่อขาดระหว่างทาง", "the connection broke off (connection_error)"),
    "too_large": ("ไฟล์ใหญ่เกินกำหนด", "the file is larger than the limit (too_large)"),
    "bad_encoding": (
        "เซิร์ฟเวอร์บีบอัดข้อมูลในรูปแบบที่อ่านไม่ได้",
        "the server compresses the answer in a way that cannot be read (bad_encoding)",
    ),
    "soft_404": (
        "หน้าเว็บแจ้งว่า 'ไม่พบหน้า' แม้เซิร์ฟเวอร์ตอบว่าปกติ",
        "the page says 'not found' although the server answers 200 (soft_404)",
    ),
    "redirect_loop": ("ลิงก์เปลี่ยนทางวนซ้ำไม่สิ้นสุด", "the link redirects in a loop (redirect_loop)"),
    "too_many_redirects": ("ลิงก์เปลี่ยนทางหลายทอดเกินไป", "too many redirects (too_many_redirects)"),
    "empty": ("ไฟล์ว่างเปล่า", "the file is empty (empty)"),
    "invalid_url": ("ลิงก์ไม่ใช่ที่อยู่เว็บที่ถูกต้อง", "the link is not a valid web address (invalid_url)"),
    "forbidden_target": (
        "ลิงก์ชี้ไปยังเครือข่ายภายในที่ตรวจจากภายนอกไม่ได้",
        "the link points into a private network (forbidden_target)",
    ),
    "blocked_by_robots": (
        "robots.txt ของเว็บไซต์ห้ามโปรแกรมตรวจเปิดหน้านี้",
        "the site's robots.txt forbids checkers to open it (blocked_by_robots)",
    ),
}


def _http_instead(url: str) -> str:
    return "http://" + url[len("https://") :]


def describe_failure(
    outcome: str, status: int | None, url: str = "", error: str = ""
) -> tuple[str, str]:
    """(Thai, English) for a failed fetch. An https:// address whose server answers in plain
    HTTP is said as such, with the http:// address to try: not as a bad certificate."""
    if answers_plain_http(outcome, url, error):
        http = _http_instead(url)
        return (
            f"เว็บไซต์นี้ไม่รองรับ HTTPS ลองใช้ {http}",
            f"this site does not speak HTTPS; try {http} (tls)",
        )
    th, en = FAILURES.get(outcome, ("เปิดไม่ได้", outcome))
    return th.format(status=status), en.format(status=status)


# What to do when the main website does not open, by outcome: the one line a report gives an
# unreachable site (not one per item).
_UNREACHABLE_FIX: dict[str, tuple[str, str]] = {
    "dns": (
        "ตรวจสอบว่าโดเมนยังไม่หมดอายุและตั้งค่า DNS ถูกต้อง (ติดต่อผู้ดูแลโดเมนหรือผู้ให้บริการ)",
        "Check that the domain has not expired and its DNS is set up (ask the domain's registrar or host)",
    ),
    "tls": (
        "ติดตั้งหรือต่ออายุใบรับรอง SSL ของเว็บไซต์ (ติดต่อผู้ให้บริการโฮสติ้ง)",
        "Install or renew the site's TLS certificate (ask the hosting provider)",
    ),
    "http_status": (
        "ตรวจสอบเซิร์ฟเวอร์เว็บให้หน้าแรกเปิดได้ตามปกติ (ติดต่อผู้ให้บริการโฮสติ้ง)",
        "Make the server answer the home page normally (ask the hosting provider)",
    ),
    "forbidden_target": (
        "ใช้ที่อยู่เว็บไซต์ที่ประชาชนเปิดได้จากอินเทอร์เน็ต",
        "Use the site's public address, one that opens from the Internet",
    ),
}
_UNREACHABLE_DEFAULT = (
    "ตรวจสอบว่าเซิร์ฟเวอร์เว็บเปิดอยู่และรับการเชื่อมต่อจากภายนอก (ติดต่อผู้ให้บริการโฮสติ้ง)",
    "Make sure the web server is up and accepts connections from outside (ask the hosting provider)",
)


def unreachable(outcome: str, status: int | None, url: str = "", error: str = "") -> Explanation:
    """Why the main website could not be checked, and the one fix for it."""
    cause_th, cause_en = (
        describe_failure(outcome, status, url, error) if outcome else ("ไม่มีการตอบกลับ", "no answer")
    )
    if answers_plain_http(outcome, url, error):
        http = _http_instead(url)
        fix_th = f"ตรวจด้วยที่อยู่ {http} หรือเปิดใช้ HTTPS บนเซิร์ฟเวอร์ (ติดตั้งใบรับรอง SSL)"
        fix_en = f"Check {http} instead, or turn HTTPS on at the server (install a TLS certificate)"
    else:
        fix_th, fix_en = _UNREACHABLE_FIX.get(outcome, _UNREACHABLE_DEFAULT)
    return Explanation(
        f"เปิดเว็บไซต์หลักไม่ได้: {cause_th}",
        f"The main website cannot be opened: {cause_en}",
        fix_th,
        fix_en,
    )


def _declared_row(result: ItemResult) -> tuple[str, str] | None:
    """Where the agency declared the item's link: (Thai, English) "row o7 of the ITA page URL"."""
    row = result.id.lower()
    for source in result.sources:
        if source.source == "ita_row" and source.page:
            return f"แถว {row} ของหน้า ITA {source.page}", f"row {row} of the ITA page {source.page}"
        if source.source == "declared_file" and source.page:
            return f"แถว {row} ในไฟล์ {source.page}", f"row {row} of {source.page}"
    return None


def _years_th(years: list[int]) -> str:
    return ", ".join(str(y) for y in years[-4:]) or "-"


def _wanted_years(item: Item, fiscal_year: int) -> tuple[str, str]:
    rule = item.period
    if rule.kind is PeriodKind.COVERING:
        return (f"แผนที่ครอบคลุมปี พ.ศ. {fiscal_year}", f"a plan covering {fiscal_year}")
    years = sorted(rule.accepted_years(fiscal_year))
    joined = " หรือ ".join(map(str, years))
    return (f"ปี พ.ศ. {joined}", "year " + " or ".join(map(str, years)))


OCR_NOTE = (
    " (ผลนี้อาศัยข้อความที่อ่านจากภาพสแกนด้วย OCR)",
    " (this verdict rests on text read from a scan by OCR)",
)


def explain(
    item: Item,
    result: ItemResult,
    fiscal_year: int,
    *,
    failure: tuple[str, str] = ("", ""),
    alternative: str | None = None,
    unreadable: UnreadableReason | None = None,
    ita_page: str | None = None,
) -> Explanation:
    """``ita_page``: the site's ITA page, where a missing item's link is to be added."""
    text = _explain(item, result, fiscal_year, failure, alternative, unreadable, ita_page)
    if not result.ocr:
        return text
    return Explanation(
        text.reason_th + OCR_NOTE[0], text.reason_en + OCR_NOTE[1], text.fix_th, text.fix_en
    )


def _explain(
    item: Item,
    result: ItemResult,
    fiscal_year: int,
    failure: tuple[str, str],
    alternative: str | None,
    unreadable: UnreadableReason | None,
    ita_page: str | None,
) -> Explanation:
    url = result.url or "-"
    status = result.status
    row = _declared_row(result)
    if status is Status.PASS:
        return Explanation(
            f"พบข้อมูลครบทุกองค์ประกอบที่ {url}",
            f"All required elements found at {url}",
            "ไม่ต้องแก้ไข ตรวจสอบให้ลิงก์ยังเปิดได้จนถึงวันประเมิน",
            "Nothing to fix; keep the link working until the assessment",
        )
    if status is Status.PARTIAL:
        missing = [e for e in result.elements if not e.found]
        th = ", ".join(e.th + (f" ({e.detail_th})" if e.detail_th else "") for e in missing)
        en = ", ".join(e.en + (f" ({e.detail_en})" if e.detail_en else "") for e in missing)
        th = th or "ระบุปีของข้อมูล"
        en = en or "the year the data is for"
        return Explanation(
            f"พบข้อมูลที่ {url} แต่ยังขาด: {th}",
            f"Found at {url} but missing: {en}",
            f"เพิ่ม{th} ในเอกสารที่ {url}",
            f"Add {en} to the document at {url}",
        )
    if status is Status.OUTDATED:
        wanted_th, wanted_en = _wanted_years(item, fiscal_year)
        return Explanation(
            f"ข้อมูลที่ {url} เป็นของปี {_years_th(result.years_found)} ไม่ใช่{wanted_th}",
            f"The data at {url} is for {_years_th(result.years_found)}, not {wanted_en}",
            f"เผยแพร่ฉบับ{wanted_th} แทน: {item.fix_th}",
            f"Publish the version for {wanted_en} instead: {item.fix_en}",
        )
    if status is Status.OFF_SITE:
        return Explanation(
            f"ข้อมูลอยู่นอกเว็บไซต์หลักของหน่วยงาน ({url}) ผู้ประเมินไม่นับ",
            f"The evidence is outside the agency's main website ({url}); assessors do not count it",
            f"อัปโหลดไฟล์ขึ้นเว็บไซต์หลักของหน่วยงาน แล้วแก้ลิงก์ใน{row[0] if row else 'หน้า ITA'} ให้ชี้ไปที่ไฟล์นั้นแทน {url}",
            f"Upload the file to the main website and point {row[1] if row else 'the ITA page'} to it instead of {url}",
        )
    if status is Status.BROKEN:
        alt_th = f" (พบเอกสารที่อาจใช้แทนได้ที่ {alternative})" if alternative else ""
        alt_en = f" (a document that may serve is at {alternative})" if alternative else ""
        where_th, where_en = (f"ใน{row[0]}", f" in {row[1]}") if row else ("", "")
        return Explanation(
            f"ลิงก์ {url} เปิดไม่ได้: {failure[0]}",
            f"The link {url} does not work: {failure[1]}",
            f"แก้ลิงก์{where_th} ให้เปิดได้และชี้ไปที่หน้าที่มีข้อมูลโดยตรง{alt_th}",
            f"Fix the link{where_en} so that it opens the page holding the data{alt_en}",
        )
    if status is Status.UNVERIFIABLE:
        why_th = {
            UnreadableReason.PASSWORD: "ไฟล์ถูกตั้งรหัสผ่าน",
            UnreadableReason.CORRUPT: "ไฟล์เสียหาย",
            UnreadableReason.NO_TEXT: "ไฟล์เป็นภาพสแกนที่ไม่มีข้อความ",
            UnreadableReason.ROBOTS: "robots.txt ของเว็บไซต์ห้ามโปรแกรมตรวจอ่านหน้านี้",
        }
        why_en = {
            UnreadableReason.PASSWORD: "the file is password-protected",
            UnreadableReason.CORRUPT: "the file is corrupt",
            UnreadableReason.NO_TEXT: "the file is a scan with no text layer",
            UnreadableReason.ROBOTS: "the site's robots.txt forbids checkers to read it",
        }
        reason_th = f"พบไฟล์ที่ {url} แต่อ่านไม่ได้: {why_th[unreadable] if unreadable else ''}"
        reason_en = f"Found {url} but cannot read it: {why_en[unreadable] if unreadable else ''}"
        if unreadable is UnreadableReason.ROBOTS:
            return Explanation(
                reason_th,
                reason_en,
                "แก้ robots.txt ให้อนุญาตหน้าที่เป็นหลักฐาน ITA (ผู้ประเมินและโปรแกรมตรวจต้องเปิดได้)",
                "Allow the ITA evidence pages in robots.txt so that checkers can read them",
            )
        return Explanation(
            reason_th,
            reason_en,
            "อัปโหลดไฟล์ PDF ที่เปิดได้โดยไม่ต้องใช้รหัสผ่าน และมีข้อความที่คัดลอกได้",
            "Upload a PDF that opens without a password and has selectable text",
        )
    if row is not None and result.url:
        # The agency's row points at a page without the item: that row is what to change.
        return Explanation(
            f"{row[0]} ชี้ไปที่ {url} ซึ่งไม่มีข้อมูลของข้อนี้",
            f"{row[1][0].upper()}{row[1][1:]} points to {url}, which does not hold this item",
            f"{item.fix_th} แล้วแก้ลิงก์ใน{row[0]} ให้ชี้ไปที่ข้อมูลนั้น",
            f"{item.fix_en}, then point the link in {row[1]} to it",
        )
    item_row = item.id.lower()
    where_th, where_en = (
        (f"แถว {item_row} ของหน้า ITA {ita_page}", f"row {item_row} of the ITA page {ita_page}")
        if ita_page
        else (
            f"แถว {item_row} ของหน้า ITA (เมนู ITA หรือ การเปิดเผยข้อมูลสาธารณะ บนหน้าแรก)",
            f"row {item_row} of the ITA page (the ITA or public-disclosure menu of the home page)",
        )
    )
    return Explanation(
        "ไม่พบข้อมูลนี้บนเว็บไซต์หลัก",
        "Nothing for this item was found on the main website",
        f"{item.fix_th} แล้วใส่ลิงก์ไว้ใน{where_th}",
        f"{item.fix_en}, and link it from {where_en}",
    )
