"""Golden evaluations: small sites (pages and files as real bytes, read by the real extractors)
where the verdict depends on where the evidence is and whether it opens, not only on what it
says. Each is labelled with the status and URL an assessor would give, before running."""

from __future__ import annotations

from dataclasses import dataclass, field

from tests.fixtures.documents import docx, pdf
from tests.golden.cases import page

MAIN = "http://site.test"


@dataclass(frozen=True)
class Served:
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    status: int = 200  # anything else: the link fails with that HTTP status


@dataclass(frozen=True)
class SiteCase:
    item: str
    name: str
    klass: str
    pages: dict[str, Served]
    status: str
    url: str | None
    declared: list[str] = field(default_factory=list)
    anchors: dict[str, str] = field(default_factory=dict)  # url -> anchor text seen in menus
    fix_names: str | None = None  # a URL the fix must name (a working copy elsewhere)


def html(title: str, body: str) -> Served:
    return Served(page(title, body).encode())


def pdf_file(lines: list[str], password: str | None = None) -> Served:
    return Served(pdf(lines, password=password), "application/pdf")


GONE = Served(b"not found", "text/html", 404)
# A tiny blank PNG: a picture with no words in it.
_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)

_PLAN = [
    "แผนการดำเนินงาน ประจำปีงบประมาณ พ.ศ. 2568",
    "1. โครงการก่อสร้างถนน 450,000 บาท ระยะเวลา ต.ค. 67 - ธ.ค. 67",
    "2. โครงการซ่อมแซมประปาหมู่บ้าน 120,000 บาท ระยะเวลา ม.ค. 68",
]
_REPORT_2567 = [
    "รายงานผลการจัดซื้อจัดจ้างประจำปี พ.ศ. 2567",
    "งบประมาณที่ใช้ 3,200,000 บาท สรุปรายการ 45 รายการ",
    "ปัญหา อุปสรรค ข้อเสนอแนะ",
]
_CONTACT = (
    "<p>ที่อยู่ 99 หมู่ที่ 1 ตำบลตัวอย่าง โทรศัพท์ 075-123-456 โทรสาร 075-123-457 อีเมล a@b.go.th</p>"
    "<iframe src='https://www.google.com/maps/embed?pb=1'></iframe>"
)

SITE_CASES: list[SiteCase] = [
    # A2: declared links win; the working copy the crawl found is named in the fix
    SiteCase(
        "O6",
        "declared file gone, copy elsewhere",
        "A2",
        {
            f"{MAIN}/ita/o6.pdf": GONE,
            f"{MAIN}/plan2568.pdf": pdf_file(_PLAN),
        },
        "broken",
        f"{MAIN}/ita/o6.pdf",
        declared=[f"{MAIN}/ita/o6.pdf"],
        anchors={f"{MAIN}/plan2568.pdf": "แผนการดำเนินงานประจำปี 2568"},
        fix_names=f"{MAIN}/plan2568.pdf",
    ),
    SiteCase(
        "O6",
        "declared file opens",
        "A2",
        {f"{MAIN}/ita/o6.pdf": pdf_file(_PLAN)},
        "pass",
        f"{MAIN}/ita/o6.pdf",
        declared=[f"{MAIN}/ita/o6.pdf"],
    ),
    SiteCase(
        "O6",
        "one of two declared files gone, the other lacks budgets",
        "A2",
        {
            f"{MAIN}/ita/o6-a.pdf": GONE,
            f"{MAIN}/ita/o6-b.pdf": pdf_file(
                [
                    "แผนการดำเนินงาน ประจำปีงบประมาณ พ.ศ. 2568",
                    "1. โครงการก่อสร้างถนน ระยะเวลา ไตรมาส 1",
                    "2. โครงการซ่อมแซมประปา ระยะเวลา ไตรมาส 2",
                ]
            ),
            f"{MAIN}/plan2568.pdf": pdf_file(_PLAN),
        },
        "broken",
        f"{MAIN}/ita/o6-a.pdf",
        declared=[f"{MAIN}/ita/o6-a.pdf", f"{MAIN}/ita/o6-b.pdf"],
        anchors={f"{MAIN}/plan2568.pdf": "แผนการดำเนินงานประจำปี 2568"},
        fix_names=f"{MAIN}/plan2568.pdf",
    ),
    SiteCase(
        "O6",
        "one of two declared files gone, the other complete",
        "A2",
        {f"{MAIN}/ita/o6-a.pdf": GONE, f"{MAIN}/ita/o6-b.pdf": pdf_file(_PLAN)},
        "pass",
        f"{MAIN}/ita/o6-b.pdf",
        declared=[f"{MAIN}/ita/o6-a.pdf", f"{MAIN}/ita/o6-b.pdf"],
    ),
    # D23: evidence only on a Drive-like host; an off-site link that fails is broken
    SiteCase(
        "O13",
        "declared Drive file gone",
        "D23",
        {"https://drive.google.com/file/d/abc/view": GONE},
        "broken",
        "https://drive.google.com/file/d/abc/view",
        declared=["https://drive.google.com/file/d/abc/view"],
    ),
    SiteCase(
        "O13",
        "thin wrapper page pointing to Drive",
        "D23",
        {
            f"{MAIN}/report.html": html(
                "รายงานผลการจัดซื้อจัดจ้างประจำปี",
                "<p>ปี 2567 งบประมาณที่ใช้ 3,200,000 บาท</p>"
                "<a href='https://drive.google.com/file/d/xyz/view'>ดาวน์โหลด</a>",
            ),
            "https://drive.google.com/file/d/xyz/view": html("Google Drive", "<p>file</p>"),
        },
        "off_site",
        "https://drive.google.com/file/d/xyz/view",
        declared=[f"{MAIN}/report.html"],
    ),
    SiteCase(
        "O13",
        "thin wrapper page pointing to an uploaded file",
        "D23",
        {
            f"{MAIN}/report.html": html(
                "รายงานผลการจัดซื้อจัดจ้างประจำปี",
                "<a href='/files/report2567.pdf'>ดาวน์โหลด</a>",
            ),
            f"{MAIN}/files/report2567.pdf": pdf_file(_REPORT_2567),
        },
        "pass",
        f"{MAIN}/report.html",
        declared=[f"{MAIN}/report.html"],
    ),
    # D22: a password-protected file is the evidence
    SiteCase(
        "O13",
        "page with words, file locked",
        "D22",
        {
            f"{MAIN}/report.html": html(
                "รายงานผลการจัดซื้อจัดจ้างประจำปี 2567",
                "<p>งบประมาณที่ใช้ 3,200,000 บาท</p><a href='/files/report2567.pdf'>รายงาน</a>",
            ),
            f"{MAIN}/files/report2567.pdf": pdf_file(_REPORT_2567, password="1234"),
        },
        "unverifiable",
        f"{MAIN}/files/report2567.pdf",
        declared=[f"{MAIN}/report.html"],
    ),
    SiteCase(
        "O13",
        "page with words, file readable",
        "D22",
        {
            f"{MAIN}/report.html": html(
                "รายงานผลการจัดซื้อจัดจ้างประจำปี 2567",
                "<p>งบประมาณที่ใช้ 3,200,000 บาท</p><a href='/files/report2567.pdf'>รายงาน</a>",
            ),
            f"{MAIN}/files/report2567.pdf": pdf_file(_REPORT_2567),
        },
        "pass",
        f"{MAIN}/report.html",
        declared=[f"{MAIN}/report.html"],
    ),
    # B11: a map embedded from a map host is part of the contact page
    SiteCase(
        "O3",
        "contact page with map, no Q&A",
        "B11",
        {f"{MAIN}/contact.html": html("ติดต่อเรา", _CONTACT)},
        "partial",
        f"{MAIN}/contact.html",
        declared=[f"{MAIN}/contact.html"],
    ),
    SiteCase(
        "O3",
        "contact page with map and Q&A",
        "B11",
        {f"{MAIN}/contact.html": html("ติดต่อเรา", _CONTACT + "<p>กระดานสนทนา ถาม-ตอบ</p>")},
        "pass",
        f"{MAIN}/contact.html",
        declared=[f"{MAIN}/contact.html"],
    ),
    SiteCase(
        "O3",
        "contact page with the agency's Facebook, no fax",
        "B11",
        {
            f"{MAIN}/contact.html": html(
                "ติดต่อเรา",
                "<p>ที่อยู่ 99 หมู่ที่ 1 ตำบลตัวอย่าง อำเภอเมือง จังหวัดกระบี่ รหัสไปรษณีย์ 81000</p>"
                "<p>โทรศัพท์ 075-123-456 อีเมล saraban@tambon.go.th เวลาทำการ จันทร์-ศุกร์"
                " 08.30-16.30 น. ติดต่อสอบถามผ่าน Line OA @tambon หรือกระดานสนทนาของเว็บไซต์</p>"
                "<iframe src='https://www.google.com/maps/embed?pb=1'></iframe>"
                "<iframe src='https://www.facebook.com/plugins/page.php?href=tambon'></iframe>"
                "<a href='https://www.facebook.com/tambon'>ติดต่อเราทาง Facebook</a>",
            )
        },
        "partial",
        f"{MAIN}/contact.html",
        declared=[f"{MAIN}/contact.html"],
    ),
    # A5: a corruption form hosted elsewhere, linked from the main site
    SiteCase(
        "O18",
        "corruption form on a forms host",
        "A5",
        {
            f"{MAIN}/corruption.html": html(
                "แจ้งเรื่องร้องเรียนการทุจริตและประพฤติมิชอบ",
                "<p>ช่องทางแจ้งเบาะแสการทุจริตของเจ้าหน้าที่ แยกจากเรื่องร้องเรียนทั่วไป</p>"
                "<a href='https://forms.gle/Corrupt123'>กรอกแบบฟอร์มแจ้งเรื่องร้องเรียนการทุจริต</a>",
            )
        },
        "pass",
        f"{MAIN}/corruption.html",
        declared=[f"{MAIN}/corruption.html"],
    ),
    SiteCase(
        "O18",
        "general complaints only",
        "A5",
        {
            f"{MAIN}/complaints.html": html(
                "ร้องเรียนร้องทุกข์",
                "<p>แจ้งไฟฟ้าส่องสว่างชำรุด ถนนเสียหาย ขยะตกค้าง</p>"
                "<a href='https://forms.gle/General456'>กรอกแบบฟอร์มร้องเรียนออนไลน์</a>",
            )
        },
        "partial",
        f"{MAIN}/complaints.html",
        declared=[f"{MAIN}/complaints.html"],
    ),
    # B9: the page's own address says e-service; what it offers is a form to download
    SiteCase(
        "O10",
        "e-service page offering downloads",
        "B9",
        {
            f"{MAIN}/page/eservice": html(
                "E-Service",
                "<p>ดาวน์โหลดแบบฟอร์มคำร้อง กรอกข้อมูลแล้วพิมพ์ออกมา นำมายื่นที่ที่ทำการ</p>"
                "<a href='/storage/forms/request.docx'>แบบคำร้องทั่วไป (Word)</a>",
            ),
            f"{MAIN}/storage/forms/request.docx": Served(
                docx(["แบบคำร้องทั่วไป", "ชื่อผู้ยื่นคำร้อง ........ ที่อยู่ ........"]),
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ),
        },
        "partial",
        f"{MAIN}/page/eservice",
        declared=[f"{MAIN}/page/eservice"],
    ),
    # A3: a page that names the item and holds nothing is no evidence
    SiteCase(
        "O23",
        "empty category page",
        "A3",
        {
            f"{MAIN}/categories/menu/31": html(
                "การประเมินความเสี่ยงการทุจริต", "<div class='alert'>ยังไม่มีข้อมูลในหมวดหมู่นี้</div>"
            )
        },
        "missing",
        f"{MAIN}/categories/menu/31",  # declared: the report names the row's empty page
        declared=[f"{MAIN}/categories/menu/31"],
    ),
    SiteCase(
        "O23",
        "category page with the assessment",
        "A3",
        {
            f"{MAIN}/categories/menu/31": html(
                "การประเมินความเสี่ยงการทุจริต",
                "<p>ประจำปีงบประมาณ พ.ศ. 2568</p><table><tr><th>เหตุการณ์ความเสี่ยง</th>"
                "<th>ระดับความเสี่ยง</th><th>มาตรการ</th></tr><tr><td>เรียกรับสินบนในการออกใบอนุญาต</td>"
                "<td>สูง</td><td>เผยแพร่ขั้นตอนและค่าธรรมเนียม</td></tr></table>",
            )
        },
        "pass",
        f"{MAIN}/categories/menu/31",
        declared=[f"{MAIN}/categories/menu/31"],
    ),
    # D22/D23: a banner with no words on a wrapper page is no unreadable evidence
    SiteCase(
        "O26",
        "wrapper page with a banner, report on Drive",
        "D23",
        {
            f"{MAIN}/anti26.php": html(
                "รายงานผลการดำเนินการป้องกันการทุจริต",
                "<img src='/images/banner.png'><a href='https://drive.google.com/file/d/r26/view'>คลิกที่นี่</a>",
            ),
            f"{MAIN}/images/banner.png": Served(_PNG, "image/png"),
            "https://drive.google.com/file/d/r26/view": html("Google Drive", "<p>file</p>"),
        },
        "off_site",
        "https://drive.google.com/file/d/r26/view",
        declared=[f"{MAIN}/anti26.php"],
    ),
    SiteCase(
        "O18",
        "general complaints page found from the menu",
        "A5",
        {
            f"{MAIN}/complaints.html": html(
                "ร้องเรียน/ร้องทุกข์",
                "<p>แจ้งเรื่องร้องทุกข์ ไฟฟ้าสาธารณะดับ ถนนชำรุด ขยะตกค้าง</p>"
                "<form action='/complaint_save.php' method='post'><input name='name'>"
                "<textarea name='detail'></textarea></form>",
            )
        },
        "partial",
        f"{MAIN}/complaints.html",
        anchors={f"{MAIN}/complaints.html": "ร้องเรียน/ร้องทุกข์"},
    ),
]
