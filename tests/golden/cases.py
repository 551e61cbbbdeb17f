"""Golden documents: for each O-item of FY2568, a compliant document and a deficient one, with the
verdict and the missing elements a trained assessor would give. Built as real files (HTML, text
PDF, scanned PDF, XLSX, DOCX) and read by the real extractors."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Case:
    item: str
    name: str
    format: str  # html | pdf | scan | xlsx | docx
    content: object  # html: str; pdf, scan, docx: list[str]; xlsx: list[list[object]]
    status: str
    missing: list[str] = field(default_factory=list)
    site_qr: bool = False  # the site shows the EIT QR code (O28)


def page(title: str, body: str) -> str:
    return (
        f"<html><head><title>{title}</title></head><body><nav><a href='/'>หน้าแรก</a> "
        f"<a href='/x'>ข้อเสนอแนะ งบประมาณ 1,000 บาท ปี 2568</a></nav><main><h1>{title}</h1>{body}</main>"
        "<footer>โทร 075-000-000 ปัญหา อุปสรรค</footer></body></html>"
    )


CASES: list[Case] = [
    # O1 structure
    Case(
        "O1",
        "chart and units",
        "html",
        page(
            "โครงสร้างองค์กร",
            "<img src='/chart.png' alt='แผนผังโครงสร้างการแบ่งส่วนราชการ'><p>สำนักปลัด กองคลัง กองช่าง</p>",
        ),
        "pass",
    ),
    Case(
        "O1",
        "chart only",
        "html",
        page("แผนผังโครงสร้าง", "<img src='/chart.png' alt='chart'><p>ผังโครงสร้างองค์กร</p>"),
        "partial",
        ["units"],
    ),
    # O2 executives: each one needs a position, a photo and a contact
    Case(
        "O2",
        "every executive complete",
        "html",
        page(
            "ข้อมูลผู้บริหาร",
            "<div><img src='/a.jpg'><p>นายสมชาย ใจดี นายกองค์การบริหารส่วนตำบล โทร. 081-234-5678</p></div>"
            "<div><img src='/b.jpg'><p>นางสมศรี รักงาน ปลัดองค์การบริหารส่วนตำบล โทร. 089-765-4321</p></div>",
        ),
        "pass",
    ),
    Case(
        "O2",
        "deputy without photo and phone",
        "html",
        page(
            "ข้อมูลผู้บริหาร",
            "<div><img src='/a.jpg'><p>นายสมชาย ใจดี นายกองค์การบริหารส่วนตำบล โทร. 081-234-5678</p></div>"
            "<div><p>นายบุญมี มากมี รองนายกองค์การบริหารส่วนตำบล</p></div>",
        ),
        "partial",
        ["photo", "contact"],
    ),
    # O3 contact
    Case(
        "O3",
        "all channels",
        "html",
        page(
            "ติดต่อเรา",
            "<p>ที่อยู่ 99 หมู่ที่ 1 ตำบลตัวอย่าง โทรศัพท์ 075-123-456 โทรสาร 075-123-457 อีเมล a@b.go.th</p>"
            "<iframe src='https://www.google.com/maps/embed?pb=1'></iframe><p>กระดานสนทนา ถาม-ตอบ</p>",
        ),
        "pass",
    ),
    Case(
        "O3",
        "no fax, no Q&A",
        "html",
        page(
            "ติดต่อเรา", "<p>ที่อยู่ 99 หมู่ที่ 1 โทรศัพท์ 075-123-456 อีเมล a@b.go.th</p><p>แผนที่ตั้งสำนักงาน</p>"
        ),
        "partial",
        ["fax", "qa_channel"],
    ),
    # O4 news
    Case(
        "O4",
        "news of 2568",
        "html",
        page("ข่าวประชาสัมพันธ์", "<p>12 ม.ค. 2568 ข่าวกิจกรรมวันเด็ก</p>"),
        "pass",
    ),
    Case(
        "O4",
        "news of 2566",
        "html",
        page("ข่าวประชาสัมพันธ์", "<p>12 ม.ค. 2566 ข่าวกิจกรรมวันเด็ก</p>"),
        "outdated",
    ),
    # O5 multi-year plan
    Case(
        "O5",
        "plan 2566-2570",
        "pdf",
        ["แผนพัฒนาท้องถิ่น (พ.ศ. ๒๕๖๖ - ๒๕๗๐)", "ยุทธศาสตร์ที่ 1 เป้าหมาย", "ตัวชี้วัด ร้อยละ 80"],
        "pass",
    ),
    Case(
        "O5",
        "plan 2561-2565",
        "pdf",
        ["แผนพัฒนาท้องถิ่นสี่ปี (พ.ศ. 2561 - 2565)", "ยุทธศาสตร์ เป้าหมาย ตัวชี้วัด"],
        "outdated",
    ),
    # O6 annual plan: projects, money, timing
    Case(
        "O6",
        "FY2568 plan",
        "pdf",
        [
            "แผนการดำเนินงาน ประจำปีงบประมาณ พ.ศ. 2568",
            "โครงการก่อสร้างถนน 450,000 บาท ระยะเวลา ต.ค. 67 - ธ.ค. 67",
        ],
        "pass",
    ),
    Case(
        "O6",
        "no amounts",
        "pdf",
        ["แผนการดำเนินงาน ประจำปีงบประมาณ พ.ศ. 2568", "โครงการก่อสร้างถนน ระยะเวลา ไตรมาส 1"],
        "partial",
        ["budget"],
    ),
    # O7 annual report (2567 or 2568)
    Case(
        "O7",
        "report 2567",
        "docx",
        [
            "รายงานผลการดำเนินงานประจำปี พ.ศ. 2567",
            "ผลการดำเนินงานตามแผน 20 โครงการ",
            "ปัญหาอุปสรรค งบประมาณน้อย",
            "ข้อเสนอแนะ เพิ่มงบประมาณ",
        ],
        "pass",
    ),
    Case(
        "O7",
        "no suggestions",
        "docx",
        [
            "รายงานผลการดำเนินงานประจำปี พ.ศ. 2568",
            "ผลการดำเนินงานตามแผน 20 โครงการ",
            "ปัญหาอุปสรรค งบประมาณน้อย",
        ],
        "partial",
        ["suggestions"],
    ),
    # O8 staff manual
    Case(
        "O8",
        "manual",
        "docx",
        [
            "คู่มือการปฏิบัติงานด้านการเงิน",
            "สำหรับเจ้าหน้าที่ตำแหน่ง นักวิชาการเงินและบัญชี",
            "ขั้นตอนการเบิกจ่าย 1. ตรวจ 2. อนุมัติ",
        ],
        "pass",
    ),
    Case(
        "O8",
        "no steps",
        "docx",
        ["คู่มือการปฏิบัติงานด้านการเงิน", "สำหรับเจ้าหน้าที่ตำแหน่ง นักวิชาการเงินและบัญชี"],
        "partial",
        ["steps"],
    ),
    # O9 service manual
    Case(
        "O9",
        "manual",
        "pdf",
        ["คู่มือสำหรับประชาชน งานบริการจดทะเบียนพาณิชย์", "ขั้นตอนการให้บริการ 1. ยื่นคำขอ 2. ชำระค่าธรรมเนียม"],
        "pass",
    ),
    Case("O9", "no steps", "pdf", ["คู่มือสำหรับประชาชน งานบริการจดทะเบียนพาณิชย์"], "partial", ["steps"]),
    # O10 e-service
    Case(
        "O10",
        "online form",
        "html",
        page("E-Service", "<form action='/r'><label>ยื่นคำร้องออนไลน์<input name='n'></label></form>"),
        "pass",
    ),
    Case(
        "O10",
        "walk-in only",
        "html",
        page("E-Service", "<p>ยื่นคำร้องด้วยตนเองที่สำนักงาน</p>"),
        "partial",
        ["online_service"],
    ),
    # O11 service statistics: at least the first six months
    Case(
        "O11",
        "Oct-Mar",
        "xlsx",
        [
            ["สถิติการให้บริการ ปีงบประมาณ 2568"],
            ["เดือน", "จำนวนผู้รับบริการ"],
            ["ต.ค. 67", 1],
            ["พ.ย. 67", 2],
            ["ธ.ค. 67", 3],
            ["ม.ค. 68", 4],
            ["ก.พ. 68", 5],
            ["มี.ค. 68", 6],
        ],
        "pass",
    ),
    Case(
        "O11",
        "one quarter",
        "xlsx",
        [
            ["สถิติการให้บริการ ปีงบประมาณ 2568"],
            ["เดือน", "จำนวนผู้รับบริการ"],
            ["ต.ค. 67", 1],
            ["พ.ย. 67", 2],
            ["ธ.ค. 67", 3],
        ],
        "partial",
        ["coverage"],
    ),
    # O12 procurement list: a structured table; a scanned table does not count
    Case(
        "O12",
        "HTML table",
        "html",
        page(
            "รายการการจัดซื้อจัดจ้าง ปี 2568",
            "<table><tr><th>รายการ</th><th>ความก้าวหน้า</th></tr><tr><td>ถนน</td><td>แล้วเสร็จ</td></tr></table>",
        ),
        "pass",
    ),
    Case(
        "O12",
        "scanned table",
        "scan",
        ["รายการการจัดซื้อจัดจ้าง ปีงบประมาณ 2568", "รายการ ซ่อมถนน ความก้าวหน้า แล้วเสร็จ"],
        "partial",
        ["structured_table"],
    ),
    # O13 annual procurement report (2567 or 2568)
    Case(
        "O13",
        "report 2567",
        "pdf",
        [
            "รายงานผลการจัดซื้อจัดจ้างประจำปี พ.ศ. 2567",
            "งบประมาณที่ใช้ 3,200,000 บาท สรุปรายการ 45 รายการ",
            "ปัญหา อุปสรรค ข้อเสนอแนะ",
        ],
        "pass",
    ),
    Case(
        "O13",
        "report 2565",
        "pdf",
        [
            "รายงานผลการจัดซื้อจัดจ้างประจำปี พ.ศ. 2565",
            "งบประมาณที่ใช้ 3,200,000 บาท สรุปรายการ",
            "ปัญหา อุปสรรค ข้อเสนอแนะ",
        ],
        "outdated",
    ),
    # O14 HR plan
    Case(
        "O14",
        "plan 2567-2569",
        "pdf",
        ["แผนการบริหารและพัฒนาทรัพยากรบุคคล พ.ศ. 2567 - 2569", "ยุทธศาสตร์ เป้าหมาย", "ตัวชี้วัด"],
        "pass",
    ),
    Case(
        "O14",
        "no indicators",
        "pdf",
        ["แผนการบริหารและพัฒนาทรัพยากรบุคคล พ.ศ. 2567 - 2569", "ยุทธศาสตร์ เป้าหมาย"],
        "partial",
        ["indicators"],
    ),
    # O15 HR report
    Case(
        "O15",
        "report 2568",
        "docx",
        [
            "รายงานผลการบริหารและพัฒนาทรัพยากรบุคคล ประจำปี พ.ศ. 2568",
            "ผลการดำเนินการตามแผน",
            "อัตรากำลัง 35 อัตรา",
            "ปัญหาอุปสรรค",
            "ข้อเสนอแนะ",
        ],
        "pass",
    ),
    Case(
        "O15",
        "no statistics",
        "docx",
        [
            "รายงานผลการบริหารและพัฒนาทรัพยากรบุคคล ประจำปี พ.ศ. 2568",
            "ผลการดำเนินการตามแผน",
            "ปัญหาอุปสรรค",
            "ข้อเสนอแนะ",
        ],
        "partial",
        ["statistics"],
    ),
    # O16 ethics
    Case(
        "O16",
        "all four",
        "pdf",
        [
            "ประมวลจริยธรรมพนักงานส่วนท้องถิ่น ปี 2568",
            "คำสั่งแต่งตั้งคณะทำงานขับเคลื่อนจริยธรรม",
            "แนวปฏิบัติ Do & Don't",
            "โครงการอบรมจริยธรรม",
        ],
        "pass",
    ),
    Case(
        "O16",
        "no Do & Don't",
        "pdf",
        [
            "ประมวลจริยธรรมพนักงานส่วนท้องถิ่น ปี 2568",
            "คำสั่งแต่งตั้งคณะทำงานขับเคลื่อนจริยธรรม",
            "โครงการอบรมจริยธรรม",
        ],
        "partial",
        ["do_dont"],
    ),
    # O17 complaint procedure
    Case(
        "O17",
        "procedure",
        "pdf",
        [
            "คู่มือการจัดการเรื่องร้องเรียนการทุจริต",
            "ช่องทางการร้องเรียน",
            "ขั้นตอนการจัดการเรื่องร้องเรียน",
            "ผู้รับผิดชอบ สำนักปลัด",
            "ระยะเวลาดำเนินการ 15 วัน",
        ],
        "pass",
    ),
    Case(
        "O17",
        "no time frame",
        "pdf",
        [
            "คู่มือการจัดการเรื่องร้องเรียนการทุจริต",
            "ช่องทางการร้องเรียน",
            "ขั้นตอนการจัดการเรื่องร้องเรียน",
            "ผู้รับผิดชอบ สำนักปลัด",
        ],
        "partial",
        ["time_frame"],
    ),
    # O18 corruption-complaint channel
    Case(
        "O18",
        "dedicated form",
        "html",
        page("แจ้งเรื่องร้องเรียนการทุจริตและประพฤติมิชอบ", "<form><textarea name='d'></textarea></form>"),
        "pass",
    ),
    Case(
        "O18",
        "general complaints form",
        "html",
        page("ร้องเรียนร้องทุกข์", "<form><textarea name='d'></textarea></form>"),
        "partial",
        ["corruption_specific"],
    ),
    # O19 complaint statistics: figures for both halves
    Case(
        "O19",
        "whole year",
        "pdf",
        [
            "สถิติเรื่องร้องเรียนการทุจริต ปีงบประมาณ 2568 รอบ 12 เดือน",
            "เรื่องร้องเรียนทั้งหมด 3 เรื่อง แล้วเสร็จ 2 เรื่อง อยู่ระหว่างดำเนินการ 1 เรื่อง",
        ],
        "pass",
    ),
    Case(
        "O19",
        "first half only",
        "pdf",
        [
            "สถิติเรื่องร้องเรียนการทุจริต ปีงบประมาณ 2568 รอบ 6 เดือนแรก",
            "เรื่องร้องเรียนทั้งหมด 3 เรื่อง แล้วเสร็จ 2 เรื่อง อยู่ระหว่างดำเนินการ 1 เรื่อง",
        ],
        "partial",
        ["coverage"],
    ),
    # O20 participation
    Case(
        "O20",
        "2568 meeting",
        "html",
        page("การมีส่วนร่วม", "<p>5 มี.ค. 2568 ประชาคมหมู่บ้าน รับฟังความคิดเห็น</p>"),
        "pass",
    ),
    Case(
        "O20",
        "2565 meeting",
        "html",
        page("การมีส่วนร่วม", "<p>5 มี.ค. 2565 ประชาคมหมู่บ้าน รับฟังความคิดเห็น</p>"),
        "outdated",
    ),
    # O21 No Gift Policy: a scanned, signed announcement
    Case(
        "O21",
        "scanned announcement",
        "scan",
        [
            "ประกาศองค์การบริหารส่วนตำบลตัวอย่าง",
            "เรื่อง ประกาศเจตนารมณ์ No Gift Policy ประจำปี 2568",
            "ไม่รับของขวัญและของกำนัลทุกชนิด",
            "ประกาศ ณ วันที่ 1 ตุลาคม 2567",
            "นายสมชาย ใจดี นายกองค์การบริหารส่วนตำบล",
        ],
        "pass",
    ),
    Case(
        "O21",
        "2566 announcement",
        "pdf",
        ["ประกาศเจตนารมณ์ No Gift Policy ประจำปี 2566", "ไม่รับของขวัญ", "ลงชื่อ นายก"],
        "outdated",
    ),
    # O22 gift report: both six-month rounds
    Case(
        "O22",
        "both rounds",
        "pdf",
        ["รายงานการรับทรัพย์สินหรือประโยชน์อื่นใด ประจำปี 2568", "รอบ 6 เดือนแรก ไม่มี", "รอบ 6 เดือนหลัง ไม่มี"],
        "pass",
    ),
    Case(
        "O22",
        "first round only",
        "pdf",
        ["รายงานการรับทรัพย์สินหรือประโยชน์อื่นใด ประจำปี 2568", "รอบ 6 เดือนแรก ไม่มี"],
        "partial",
        ["coverage"],
    ),
    # O23 bribery risk assessment
    Case(
        "O23",
        "assessment",
        "pdf",
        [
            "การประเมินความเสี่ยงการทุจริต ปี 2568",
            "เหตุการณ์ความเสี่ยง การเรียกรับสินบน",
            "ระดับความเสี่ยง สูง",
            "มาตรการป้องกัน",
        ],
        "pass",
    ),
    Case(
        "O23",
        "no levels",
        "pdf",
        ["การประเมินความเสี่ยงการทุจริต ปี 2568", "เหตุการณ์ความเสี่ยง การเรียกรับสินบน", "มาตรการป้องกัน"],
        "partial",
        ["levels"],
    ),
    # O24 risk-management report
    Case(
        "O24",
        "report 2567",
        "xlsx",
        [
            ["รายงานผลการจัดการความเสี่ยงการทุจริต ปี 2567"],
            ["เหตุการณ์", "ระดับความเสี่ยง", "มาตรการ"],
            ["รับสินบน", "สูง", "ตรวจสอบ"],
        ],
        "pass",
    ),
    Case(
        "O24",
        "no measures",
        "xlsx",
        [["รายงานผลการจัดการความเสี่ยงการทุจริต ปี 2567"], ["เหตุการณ์", "ระดับความเสี่ยง"], ["รับสินบน", "สูง"]],
        "partial",
        ["measures"],
    ),
    # O25 anti-corruption plan
    Case(
        "O25",
        "plan 2568",
        "pdf",
        [
            "แผนปฏิบัติการป้องกันการทุจริต ประจำปีงบประมาณ พ.ศ. 2568",
            "โครงการอบรมคุณธรรม 20,000 บาท ไตรมาส 2",
        ],
        "pass",
    ),
    Case(
        "O25",
        "plan 2566",
        "pdf",
        [
            "แผนปฏิบัติการป้องกันการทุจริต ประจำปีงบประมาณ พ.ศ. 2566",
            "โครงการอบรมคุณธรรม 20,000 บาท ไตรมาส 2",
        ],
        "outdated",
    ),
    # O26 anti-corruption report
    Case(
        "O26",
        "report",
        "docx",
        [
            "รายงานผลการดำเนินการป้องกันการทุจริต ประจำปี 2567",
            "ผลการดำเนินโครงการ 5 โครงการ",
            "ผลการใช้จ่ายงบประมาณ ร้อยละ 90",
            "ปัญหาอุปสรรค",
            "ข้อเสนอแนะ",
        ],
        "pass",
    ),
    Case(
        "O26",
        "no spending",
        "docx",
        [
            "รายงานผลการดำเนินการป้องกันการทุจริต ประจำปี 2567",
            "ผลการดำเนินโครงการ 5 โครงการ",
            "ปัญหาอุปสรรค",
            "ข้อเสนอแนะ",
        ],
        "partial",
        ["spending"],
    ),
    # O27 integrity measures
    Case(
        "O27",
        "analysis and measures",
        "pdf",
        [
            "มาตรการส่งเสริมคุณธรรมและความโปร่งใส ปี 2568",
            "การวิเคราะห์ผลการประเมิน ITA",
            "ข้อบกพร่อง การเปิดเผยข้อมูล",
            "ประเด็นที่ต้องพัฒนา",
            "มาตรการ เผยแพร่ข้อมูลให้ครบ",
        ],
        "pass",
    ),
    Case(
        "O27",
        "no weaknesses",
        "pdf",
        [
            "มาตรการส่งเสริมคุณธรรมและความโปร่งใส ปี 2568",
            "การวิเคราะห์ผลการประเมิน ITA",
            "ประเด็นที่ต้องพัฒนา",
            "มาตรการ เผยแพร่ข้อมูลให้ครบ",
        ],
        "partial",
        ["weaknesses"],
    ),
    # O28 its report, plus the EIT QR code on the website
    Case(
        "O28",
        "report, QR on site",
        "pdf",
        [
            "รายงานผลการดำเนินการเพื่อส่งเสริมคุณธรรมและความโปร่งใส ปี 2568",
            "ผลการดำเนินการตามมาตรการ 4 มาตรการ",
        ],
        "pass",
        site_qr=True,
    ),
    Case(
        "O28",
        "no QR on site",
        "pdf",
        [
            "รายงานผลการดำเนินการเพื่อส่งเสริมคุณธรรมและความโปร่งใส ปี 2568",
            "ผลการดำเนินการตามมาตรการ 4 มาตรการ",
        ],
        "partial",
        ["qr_code"],
    ),
]
