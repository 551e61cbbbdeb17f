"""Build the bundled demo site (oitwatch/demo/site/) from readable source, once, by hand.

    python3 scripts/build_demo.py

The demo is a small Thai agency website laid out for the FY2569 form, made so that its report
shows every status: most items pass; one is partial, one outdated, one off-site, one broken,
one missing and one unverifiable. O9's service manual is a scan (read by OCR when Tesseract
is there), O7 a DOCX, O11 an XLSX. Needs the test extras (reportlab) and the Garuda font;
the files it writes are committed, so users never run it.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fixtures.documents import docx, pdf, scanned_pdf, xlsx  # noqa: E402

SITE = ROOT / "oitwatch" / "demo" / "site"
EXTERNAL = "{{EXTERNAL}}"  # replaced by the off-site stand-in's address when served

MENU = (
    "<a href='/'>หน้าแรก</a> <a href='/ita.html'>ITA การประเมินคุณธรรมและความโปร่งใส</a> "
    "<a href='/news.html'>ข่าวประชาสัมพันธ์</a> <a href='/contact.html'>ติดต่อเรา</a>"
)

# The FY2569 rows of the site's ITA page: (item, link); None = the row has no link.
ROWS: dict[str, str | None] = {
    "O1": "/structure.html",
    "O2": "/executives.html",
    "O3": "/contact.html",
    "O4": "/news.html",
    "O5": "/docs/dev-plan-2566-2570.pdf",
    "O6": "/docs/annual-plan-2567.pdf",  # outdated: the plan of 2567
    "O7": "/docs/annual-report-2568.docx",  # a DOCX
    "O8": "/staff-manual.html",
    "O9": "/docs/service-manual-scan.pdf",  # a scan: OCR reads it
    "O10": f"{EXTERNAL}/eservice.html",  # may be hosted elsewhere when linked
    "O11": "/docs/procurement-monthly-2569.xlsx",  # an XLSX
    "O12": "/docs/procurement-report-2568.pdf",  # partial: no ข้อเสนอแนะ
    "O13": "/docs/hr-plan-2569.pdf",
    "O14": "/docs/hr-report-2568.pdf",
    "O15": "/ethics.html",
    "O16": "/docs/complaint-manual.pdf",
    "O17": "/complaint-form.html",
    "O18": "/docs/complaint-stats-2568.pdf",
    "O19": "/participation-2569.html",
    "O20": f"{EXTERNAL}/drive/nogift-2569.pdf",  # off_site: only on a file-sharing host
    "O21": "/docs/risk-assessment-2569.pdf",  # broken: the file is not there (404)
    "O22": "/docs/risk-report-2568.pdf",  # unverifiable: a damaged PDF
    "O23": "/docs/anti-corruption-plan-2569.pdf",
    "O24": "/docs/anti-corruption-report-2568.pdf",
    "O25": None,  # missing: nothing on the site
    "O26": "/docs/integrity-report-2568.pdf",
}


def page(title: str, body: str) -> str:
    return (
        f"<!DOCTYPE html><html lang='th'><head><meta charset='utf-8'><title>{title}</title></head>"
        f"<body><nav>{MENU}</nav><main><h1>{title}</h1>{body}</main>"
        "<footer>องค์การบริหารส่วนตำบลบ้านตัวอย่าง (เว็บไซต์สาธิต oitwatch)</footer></body></html>"
    )


def ita_table() -> str:
    cells = []
    for number, (item, link) in enumerate(ROWS.items(), start=1):
        label = f"O{number}"
        shown = "-" if link is None else f"<a href='{link}'>{link}</a>"
        cells.append(f"<tr><td>{label}</td><td>{shown}</td><td>ข้อมูล {item}</td></tr>")
    return (
        "<h2>การเปิดเผยข้อมูลสาธารณะ (OIT) ประจำปีงบประมาณ พ.ศ. 2569</h2>"
        "<table><tr><th>ข้อ</th><th>URL</th><th>คำอธิบาย</th></tr>" + "".join(cells) + "</table>"
    )


HTML = {
    "index.html": page(
        "องค์การบริหารส่วนตำบลบ้านตัวอย่าง",
        "<p>ยินดีต้อนรับสู่เว็บไซต์สาธิตของ oitwatch</p><img src='/img/eit-qr.png' alt='QR code แบบวัด EIT'>",
    ),
    "ita.html": page("ITA การประเมินคุณธรรมและความโปร่งใส", ita_table()),
    "structure.html": page(
        "โครงสร้าง หน้าที่และอำนาจ",
        "<img src='/img/chart.png' alt='แผนผังโครงสร้างการแบ่งส่วนราชการ'>"
        "<h2>แผนผังโครงสร้างการแบ่งส่วนราชการ</h2>"
        "<ul><li>สำนักปลัด</li><li>กองคลัง</li><li>กองช่าง</li></ul>"
        "<h2>อำนาจหน้าที่</h2><p>จัดให้มีและบำรุงรักษาทางน้ำและทางบก รักษาความสะอาดของถนน</p>",
    ),
    "executives.html": page(
        "ข้อมูลผู้บริหาร",
        "<div><img src='/img/mayor.png'><p>นายสมชาย ใจดี ตำแหน่ง นายกองค์การบริหารส่วนตำบล "
        "โทร. 081-234-5678</p></div><div><img src='/img/clerk.png'><p>นางสมศรี รักงาน "
        "ตำแหน่ง ปลัดองค์การบริหารส่วนตำบล โทร. 089-765-4321</p></div>",
    ),
    "contact.html": page(
        "ข้อมูลการติดต่อและช่องทางการสอบถาม",
        "<p>ที่อยู่ 99 หมู่ที่ 1 ตำบลบ้านตัวอย่าง อำเภอเมือง จังหวัดกระบี่ 81000</p>"
        "<p>โทรศัพท์ 075-123-456 โทรสาร 075-123-457</p><p>อีเมล saraban@example.go.th</p>"
        "<iframe src='https://www.google.com/maps/embed?pb=demo'></iframe>"
        "<p>ช่องทางถาม-ตอบ: Line OA @bantuayang</p>",
    ),
    "news.html": page(
        "ข่าวประชาสัมพันธ์",
        "<ul><li>15 ม.ค. 2569 ข่าวกิจกรรมวันเด็กแห่งชาติ</li>"
        "<li>3 ก.พ. 2569 ประชาสัมพันธ์การชำระภาษีที่ดินและสิ่งปลูกสร้าง</li></ul>",
    ),
    "staff-manual.html": page(
        "คู่มือการปฏิบัติงาน",
        "<p>คู่มือการปฏิบัติงานด้านการจัดเก็บรายได้ สำหรับเจ้าหน้าที่ตำแหน่ง นักวิชาการจัดเก็บรายได้</p>"
        "<p>ขั้นตอนการปฏิบัติงาน 1. รับแบบ 2. ตรวจสอบ 3. ออกใบเสร็จ</p>",
    ),
    "ethics.html": page(
        "ประมวลจริยธรรมและการขับเคลื่อนจริยธรรม",
        "<p>ประมวลจริยธรรมของพนักงานส่วนท้องถิ่น</p>"
        "<p>คำสั่งแต่งตั้งคณะทำงานขับเคลื่อนจริยธรรม ประจำปี พ.ศ. 2569</p>"
        "<p>แนวปฏิบัติ Do &amp; Don't ของเจ้าหน้าที่</p>"
        "<p>โครงการฝึกอบรมคุณธรรมจริยธรรม 18 มีนาคม 2569</p>",
    ),
    "complaint-form.html": page(
        "แจ้งเรื่องร้องเรียนการทุจริตและประพฤติมิชอบ",
        "<form method='post' action='/complaint'><label>รายละเอียดการทุจริต<textarea name='d'>"
        "</textarea></label><button>ส่ง</button></form>",
    ),
    "participation-2569.html": page(
        "ผลการเปิดโอกาสให้มีส่วนร่วมในการดำเนินงาน",
        "<p>20 มี.ค. 2569 จัดประชาคมหมู่บ้านเพื่อรับฟังความคิดเห็นในการจัดทำแผนพัฒนา</p>"
        "<p>สรุปผล: ประชาชนเสนอโครงการ 12 เรื่อง นำผลไปบรรจุในแผนพัฒนาท้องถิ่น</p>",
    ),
}

EXTERNAL_HTML = {
    "eservice.html": (
        "<!DOCTYPE html><html lang='th'><head><meta charset='utf-8'><title>E-Service</title></head>"
        "<body><h1>ระบบการให้บริการผ่านช่องทางออนไลน์ (E-Service)</h1>"
        "<form method='post' action='/submit'><label>ยื่นคำร้องออนไลน์<input name='x'></label>"
        "<button>ส่ง</button></form>"
        "<p>สถิติการขอรับบริการผ่านช่องทางออนไลน์ ปีงบประมาณ 2569: ต.ค. 68 จำนวนผู้ใช้บริการ 35 ราย</p>"
        "</body></html>"
    ),
}

PDF_DOCS = {
    "dev-plan-2566-2570.pdf": [
        "แผนพัฒนาท้องถิ่น (พ.ศ. ๒๕๖๖ - ๒๕๗๐)",
        "ยุทธศาสตร์ที่ ๑ การพัฒนาโครงสร้างพื้นฐาน เป้าหมาย ถนนได้มาตรฐาน",
        "ตัวชี้วัด ร้อยละของถนนที่ได้มาตรฐาน",
    ],
    "annual-plan-2567.pdf": [
        "แผนการดำเนินงาน ประจำปีงบประมาณ พ.ศ. ๒๕๖๗",
        "โครงการก่อสร้างถนนคอนกรีต งบประมาณ 500,000 บาท ระยะเวลา ต.ค. ๖๖ - ธ.ค. ๖๖",
    ],
    "procurement-report-2568.pdf": [
        "รายงานสรุปผลการจัดซื้อจัดจ้างหรือการจัดหาพัสดุของหน่วยงาน ประจำปีงบประมาณ พ.ศ. 2568",
        "งบประมาณที่ใช้ 3,200,000 บาท สรุปรายการจัดซื้อจัดจ้าง 45 รายการ",
        "ปัญหาอุปสรรค ผู้เสนอราคาน้อยราย",
    ],
    "hr-plan-2569.pdf": [
        "หลักเกณฑ์และแผนการบริหารและพัฒนาทรัพยากรบุคคล ประจำปีงบประมาณ พ.ศ. 2569",
        "หลักเกณฑ์การสรรหาและการแต่งตั้ง การเลื่อนตำแหน่ง การประเมินผลการปฏิบัติงาน",
        "ยุทธศาสตร์ที่ 1 พัฒนาสมรรถนะบุคลากร เป้าหมาย บุคลากรได้รับการอบรมครบ",
        "ตัวชี้วัด ร้อยละของบุคลากรที่ได้รับการพัฒนา",
    ],
    "hr-report-2568.pdf": [
        "รายงานผลการบริหารและพัฒนาทรัพยากรบุคคล ประจำปีงบประมาณ พ.ศ. 2568",
        "ผลการดำเนินการตามแผน สถิติอัตรากำลัง 35 อัตรา การฝึกอบรม 12 หลักสูตร",
        "ปัญหา/อุปสรรค งบประมาณจำกัด ข้อเสนอแนะ เพิ่มการอบรมออนไลน์",
    ],
    "complaint-manual.pdf": [
        "คู่มือการจัดการเรื่องร้องเรียนการทุจริตและประพฤติมิชอบ",
        "ช่องทางการร้องเรียน ทางเว็บไซต์ โทรศัพท์ หรือด้วยตนเอง",
        "ขั้นตอนการจัดการเรื่องร้องเรียน ผู้รับผิดชอบ ศูนย์รับเรื่องร้องเรียน สำนักปลัด",
        "ระยะเวลาดำเนินการภายใน 15 วัน",
    ],
    "complaint-stats-2568.pdf": [
        "ข้อมูลสถิติเรื่องร้องเรียนการทุจริตและประพฤติมิชอบ ประจำปีงบประมาณ พ.ศ. 2568",
        "ข้อมูลรอบ 12 เดือน (ต.ค. 2567 - ก.ย. 2568)",
        "จำนวนเรื่องร้องเรียนทั้งหมด 3 เรื่อง ดำเนินการแล้วเสร็จ 2 เรื่อง อยู่ระหว่างดำเนินการ 1 เรื่อง",
    ],
    "anti-corruption-plan-2569.pdf": [
        "แผนปฏิบัติการป้องกันการทุจริต ประจำปีงบประมาณ พ.ศ. 2569",
        "โครงการอบรมเสริมสร้างความโปร่งใส งบประมาณ 20,000 บาท ระยะเวลา ไตรมาส 2",
    ],
    "anti-corruption-report-2568.pdf": [
        "รายงานผลการดำเนินการป้องกันการทุจริต ประจำปีงบประมาณ พ.ศ. 2568",
        "ผลการดำเนินการ 5 โครงการ ผลการใช้จ่ายงบประมาณ เบิกจ่าย 80,000 บาท",
        "ปัญหา/อุปสรรค ระยะเวลาจำกัด ข้อเสนอแนะ เริ่มโครงการเร็วขึ้น",
    ],
    "integrity-report-2568.pdf": [
        "รายงานผลการดำเนินการเพื่อส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน ประจำปีงบประมาณ พ.ศ. ๒๕๖๘",
        "ผลการดำเนินการตามมาตรการ ๔ มาตรการ",
        "แสดง QR code แบบวัด EIT บนหน้าแรกของเว็บไซต์",
    ],
}


def main() -> None:
    if SITE.exists():
        shutil.rmtree(SITE)
    main_dir, external_dir = SITE / "main", SITE / "external"
    for folder in (main_dir / "docs", main_dir / "img", external_dir / "drive"):
        folder.mkdir(parents=True)
    for name, text in HTML.items():
        (main_dir / name).write_text(text, encoding="utf-8")
    for name, text in EXTERNAL_HTML.items():
        (external_dir / name).write_text(text, encoding="utf-8")
    for name, lines in PDF_DOCS.items():
        (main_dir / "docs" / name).write_bytes(pdf(lines))
    (main_dir / "docs" / "annual-report-2568.docx").write_bytes(
        docx(
            [
                "รายงานผลการดำเนินงานประจำปี พ.ศ. 2568",
                "ผลการดำเนินงานตามแผน โครงการ 18 โครงการ",
                "ปัญหาอุปสรรค ฝนตกหนัก ข้อเสนอแนะ วางแผนล่วงหน้า",
            ],
            heading="รายงานผลการดำเนินงานประจำปี",
        )
    )
    (main_dir / "docs" / "procurement-monthly-2569.xlsx").write_bytes(
        xlsx(
            [
                ["สรุปผลการจัดซื้อจัดจ้างหรือการจัดหาพัสดุรายเดือน ประจำปีงบประมาณ พ.ศ. 2569"],
                ["เดือน", "งานที่ซื้อหรือจ้าง", "วงเงิน", "วิธีซื้อหรือจ้าง", "ผู้ได้รับการคัดเลือกและราคาที่ตกลง"],
                ["ต.ค. 68", "จ้างซ่อมถนน", 45000, "วิธีเฉพาะเจาะจง", "หจก.ตัวอย่าง 44,500"],
                ["พ.ย. 68", "ซื้อวัสดุสำนักงาน", 12000, "วิธีเฉพาะเจาะจง", "ร้านตัวอย่าง 11,800"],
                ["ธ.ค. 68", "จ้างเหมาทำความสะอาด", 30000, "วิธีเฉพาะเจาะจง", "นายตัวอย่าง 30,000"],
                ["ม.ค. 69", "ซื้อครุภัณฑ์คอมพิวเตอร์", 60000, "วิธีเฉพาะเจาะจง", "บริษัทตัวอย่าง 59,000"],
                [
                    "ก.พ. 69",
                    "จ้างก่อสร้างรางระบายน้ำ",
                    450000,
                    "วิธีประกวดราคา e-bidding",
                    "หจก.ตัวอย่าง 440,000",
                ],
                ["มี.ค. 69", "ซื้อน้ำมันเชื้อเพลิง", 25000, "วิธีเฉพาะเจาะจง", "สถานีบริการตัวอย่าง 25,000"],
            ],
            title="สขร.1",
        )
    )
    (main_dir / "docs" / "service-manual-scan.pdf").write_bytes(
        scanned_pdf(
            [
                "คู่มือสำหรับประชาชน",
                "งานบริการขออนุญาตก่อสร้างอาคาร",
                "ขั้นตอนการให้บริการ",
                "1. ยื่นคำขอ 2. ตรวจสอบเอกสาร 3. อนุญาต",
            ],
            dpi=200,
        )
    )
    # A damaged upload: the start of a PDF and nothing more.
    (main_dir / "docs" / "risk-report-2568.pdf").write_bytes(
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<"
    )
    (external_dir / "drive" / "nogift-2569.pdf").write_bytes(
        pdf(
            [
                "ประกาศเจตนารมณ์ No Gift Policy ประจำปีงบประมาณ พ.ศ. 2569",
                "ไม่รับของขวัญและของกำนัลทุกชนิดจากการปฏิบัติหน้าที่",
                "ประกาศ ณ วันที่ 1 ตุลาคม 2568 นายกองค์การบริหารส่วนตำบล",
            ]
        )
    )
    for name in ("eit-qr.png", "chart.png", "mayor.png", "clerk.png"):
        (main_dir / "img" / name).write_bytes(_png())
    print(f"wrote {sum(1 for p in SITE.rglob('*') if p.is_file())} files under {SITE}")


def _png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("L", (8, 8), 200).save(buffer, "PNG")
    return buffer.getvalue()


if __name__ == "__main__":
    main()
