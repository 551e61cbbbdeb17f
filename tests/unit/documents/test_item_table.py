"""ITA pages in the layouts real sites use."""

from __future__ import annotations

from oitwatch.documents.html import parse_html
from oitwatch.documents.item_table import declared_links, might_have_item_table

BASE = "http://x.go.th/ita"


def _declared(html: str, year: int = 2568) -> dict[int, list[str]]:
    document = parse_html(html, BASE)
    links = declared_links(document.item_rows, year, document.periods.years)
    return {n: [link.url for link in ls] for n, ls in links.items()}


def _rows(n: int, fmt: str, prefix: str) -> str:
    return "".join(
        f"<tr><td>{fmt.format(n=i)}</td><td><a href='/{prefix}/{i}'>ลิงก์</a></td></tr>"
        for i in range(1, n + 1)
    )


def test_section_rows_inside_one_table() -> None:
    html = (
        "<table><tr><th>ข้อ</th><th>URL</th></tr>"
        "<tr><td colspan=2>ปีงบประมาณ 2567</td></tr>"
        + _rows(6, "O{n}", "y67")
        + "<tr><td colspan=2>ปีงบประมาณ 2568</td></tr>"
        + _rows(6, "O{n}", "y68")
        + "</table>"
    )
    assert _declared(html)[3] == ["http://x.go.th/y68/3"]


def test_one_column_per_year() -> None:
    rows = "".join(
        f"<tr><td>O{i}</td><td><a href='/a67/{i}'>2567</a></td><td><a href='/a68/{i}'>2568</a></td></tr>"
        for i in range(1, 7)
    )
    html = f"<table><tr><th>ข้อ</th><th>ปี 2567</th><th>ปี 2568</th></tr>{rows}</table>"
    assert _declared(html)[5] == ["http://x.go.th/a68/5"]
    assert _declared(html, 2567)[5] == ["http://x.go.th/a67/5"]


def test_list_layout_with_thai_labels() -> None:
    items = "".join(
        f"<li>ข้อ {'๐๑๒๓๔๕๖๗๘๙'[i]} <a href='/d/{i}.pdf'>เอกสาร</a></li>" for i in range(1, 8)
    )
    html = f"<h3>ITA ประจำปี ๒๕๖๘</h3><ul>{items}</ul>"
    assert _declared(html)[7] == ["http://x.go.th/d/7.pdf"]


def test_page_for_another_year_declares_nothing_for_this_one() -> None:
    html = (
        "<h2>ITA ปี 2567</h2><table><tr><th>ข้อ</th></tr>" + _rows(8, "o{n:02d}", "old") + "</table>"
    )
    assert _declared(html) == {}


def test_undated_table_counts_when_the_page_names_no_other_year() -> None:
    html = "<table><tr><th>ข้อ</th><th>URL</th></tr>" + _rows(8, "{n}", "u") + "</table>"
    assert _declared(html)[8] == ["http://x.go.th/u/8"]


def test_ordinary_numbered_table_is_not_an_ita_table() -> None:
    html = (
        "<table>"
        + "".join(f"<tr><td>{i}</td><td><a href='/n/{i}'>ข่าว</a></td></tr>" for i in range(1, 9))
        + "</table>"
    )
    assert parse_html(html, BASE).item_rows == ()


# -- layouts of vendor CMS templates (issue 15) -------------------------------------------


def _read(html: str) -> list[tuple[int, int | None, list[str], bool]]:
    document = parse_html(html, BASE)
    return [
        (r.number, r.year, [link.url for link in r.links], r.by_number) for r in document.item_rows
    ]


def _sibling(n: int, urls: list[str], unquoted: bool = False) -> str:
    """Label in a bare span; a separate grid row with "ลิงค์", the URL as text, an "เปิด"."""
    words = "".join("<span>ลิงค์</span><br>" for _ in urls)
    texts = "".join(f"<span class='ellipsis'>{u}</span><br>" for u in urls)
    quote = "" if unquoted else "'"
    opens = "".join(f"<a class=btn href={quote}{u}{quote}>เปิด</a><br>" for u in urls)
    return (
        f"<span class='font-ita-content'>O{n} หัวข้อที่ {n}</span>"
        f"<div class='row'><div class='col-2'>{words}</div><div class='col-8'>{texts}</div>"
        f"<div class='col-2'>{opens}</div></div>"
    )


def test_label_and_links_as_siblings_with_the_url_as_text() -> None:
    body = (
        "<div class='list'><span class='font-ita-head'>ตัวชี้วัดย่อยที่ 9.1 ข้อมูลพื้นฐาน</span>"
        + "".join(_sibling(n, [f"http://x.go.th/f/{n}.pdf"]) for n in range(1, 4))
        + "<span class='font-ita-head'>ตัวชี้วัดย่อยที่ 9.2 การบริหารงาน</span>"
        + _sibling(4, ["http://x.go.th/f/4a.pdf", "https://drive.google.com/file/d/4b/view"])
        + _sibling(5, [])
        + _sibling(6, ["http://x.go.th/f/6.pdf"], unquoted=True)
        + "<span>O7 หัวข้อที่ 7</span><div><span>ลิงค์</span> <span>www.x.go.th/f/7.pdf</span></div>"
        + "</div><div class='links'><a href='https://www.dla.go.th/'>สถ.</a></div>"
    )
    rows = _read(f"<html><body>{body}</body></html>")
    assert [(n, links) for n, _, links, _ in rows] == [
        (1, ["http://x.go.th/f/1.pdf"]),
        (2, ["http://x.go.th/f/2.pdf"]),
        (3, ["http://x.go.th/f/3.pdf"]),
        (4, ["http://x.go.th/f/4a.pdf", "https://drive.google.com/file/d/4b/view"]),
        (5, []),  # a row printed without links, and never the topic line's "9.2"
        (6, ["http://x.go.th/f/6.pdf"]),  # not the page's own links after the list
        (7, ["http://www.x.go.th/f/7.pdf"]),  # the URL printed as text, no anchor
    ]


def test_link_lines_numbered_inside_a_row_are_not_read() -> None:
    rows = "".join(
        f"<span>O{n} หัวข้อ</span><div><a href=http://x.go.th/{n}/a.pdf>1. ลิงค์ - http://x.go.th/{n}/a.pdf</a>"
        f"<a href=http://x.go.th/{n}/b.pdf>2.ประกาศ</a></div>"
        for n in range(1, 7)
    )
    got = _read(f"<title>ITA 2568</title><body>{rows}</body>")
    assert [n for n, *_ in got] == [1, 2, 3, 4, 5, 6]
    assert got[2][2] == ["http://x.go.th/3/a.pdf", "http://x.go.th/3/b.pdf"]
    assert {year for _, year, _, _ in got} == {2568}  # the year from the title


def test_year_from_the_breadcrumb() -> None:
    rows = "".join(_sibling(n, [f"http://x.go.th/{n}.pdf"]) for n in range(1, 7))
    html = (
        "<body><div class='pad-path'><a href='/'>หน้าแรก</a> <a href='#'>ปี 2567</a></div>"
        f"<div>{rows}</div></body>"
    )
    assert {year for _, year, _, _ in _read(html)} == {2567}
    assert _declared(html) == {}  # the 2567 page declares nothing for 2568


def test_entries_of_two_years_side_by_side_keep_their_years() -> None:
    entries = "".join(
        f"<a href='/f/{y}/{n}.pdf'>O{n} เรื่องที่ {n} ปี {y}</a>"
        for n in range(1, 7)
        for y in (2568, 2567)
    )
    html = f"<body><div class='list'>{entries}</div></body>"
    assert _declared(html)[3] == ["http://x.go.th/f/2568/3.pdf"]
    assert _declared(html, 2567)[3] == ["http://x.go.th/f/2567/3.pdf"]


def test_a_plan_range_in_a_title_is_not_the_rows_year() -> None:
    entries = "".join(
        f"<li><a href='/f/{n}.pdf'>O{n} แผนพัฒนาท้องถิ่น (พ.ศ. 2566-2570)</a></li>" for n in range(1, 7)
    )
    html = f"<body><h2>ITA ปีงบประมาณ 2568</h2><ul>{entries}</ul></body>"
    assert {year for _, year, _, _ in _read(html)} == {2568}


def test_other_label_formats() -> None:
    labels = ["OIT 1", "ข้อ 2.", "O-3", "o04", "ข้อที่ ๕", "๐๖"]
    body = "".join(
        f"<p>{label} เรื่อง <a href='/d/{i}.pdf'>ดาวน์โหลด</a></p>"
        for i, label in enumerate(labels, 1)
    )
    rows = _read(f"<title>OIT 2568</title><body>{body}</body>")
    assert [(n, links, by_number) for n, _, links, by_number in rows] == [
        (i, [f"http://x.go.th/d/{i}.pdf"], True) for i in range(1, 7)
    ]


def test_ita_menu_numbered_with_its_own_numbers_is_read_by_meaning() -> None:
    names = ["โครงสร้าง", "ผู้บริหาร", "ติดต่อ", "ข่าว", "แผนพัฒนา", "E-Service"]
    numbers = [1, 2, 3, 4, 5, 17]
    items = "".join(
        f"<li><a href='/m/{n}'>{n}{'.' if n % 2 else ')'} {name}</a></li>"
        for n, name in zip(numbers, names, strict=True)
    )
    rows = _read(f"<title>ITA 2568</title><body><ul>{items}</ul></body>")
    assert [(n, by_number) for n, _, _, by_number in rows] == [(n, False) for n in numbers]
    # Only the checklist can say which item "17. E-Service" is: not O17.
    assert _declared(f"<title>ITA 2568</title><body><ul>{items}</ul></body>") == {}


def test_numbered_lists_off_ita_pages_and_other_forms_are_not_read() -> None:
    news = "".join(f"<li><a href='/n/{n}'>{n}. ประชุมสภา สมัยที่ {n}</a></li>" for n in range(1, 9))
    assert parse_html(f"<title>ข่าว</title><body><ul>{news}</ul></body>", BASE).item_rows == ()
    menu = "".join(f"<a href='/m/{n}'>เมนูที่ {n}</a>" for n in range(12)) + "<a href='/ita'>ITA</a>"
    with_menu = f"<title>ข่าว</title><body><div class='header'>{menu}</div><ul>{news}</ul></body>"
    assert parse_html(with_menu, BASE).item_rows == ()  # every page's menu links to the ITA
    clauses = "".join(f"<p>ข้อ {n} ให้ถือปฏิบัติ <a href='/r/{n}'>อ้างอิง</a></p>" for n in range(1, 9))
    assert parse_html(f"<title>ระเบียบ</title><body>{clauses}</body>", BASE).item_rows == ()
    moit = "".join(f"<p>MOIT {n} มาตรการ <a href='/m/{n}.pdf'>เอกสาร</a></p>" for n in range(1, 9))
    assert parse_html(f"<title>ITA MOIT</title><body>{moit}</body>", BASE).item_rows == ()


def test_a_table_row_of_links_belongs_to_the_label_row_above_it() -> None:
    rows = "".join(
        f"<tr><td colspan=3>O{n} หัวข้อที่ {n}</td></tr>"
        f"<tr><td>ลิงค์</td><td>http://x.go.th/{n}.pdf</td><td><a href='/{n}.pdf'>เปิด</a></td></tr>"
        for n in range(1, 7)
    )
    html = f"<h2>ITA 2568</h2><table>{rows}</table>"
    assert _declared(html)[4] == ["http://x.go.th/4.pdf"]
    text_only = html.replace("<a href=", "<span data-href=").replace("</a>", "</span>")
    assert _declared(text_only)[4] == ["http://x.go.th/4.pdf"]  # the URL printed as text


def test_own_numbers_in_tables_and_parenthesised_lists_of_an_ita_page() -> None:
    """Issue 15 class 5: "6)" in a table cell and "17) ..." in a list, on an ITA page that also
    uses form labels, are rows read by their titles (not by their numbers)."""
    rows = "".join(
        f"<tr><td>OIT {n}</td><td>เรื่อง {n}</td><td><a href='/f/{n}.pdf'>ดาวน์โหลด</a></td></tr>"
        for n in range(1, 6)
    )
    html = (
        "<html><head><title>การเปิดเผยข้อมูลสาธารณะ (OIT) ปีงบประมาณ 2568</title></head><body>"
        f"<table>{rows}<tr><td>6)</td><td>แผนดำเนินงานประจำปี</td>"
        "<td><a href='/f/plan.pdf'>ดาวน์โหลด</a></td></tr></table>"
        "<ul><li>17) แนวปฏิบัติการจัดการเรื่องร้องเรียน <a href='/f/guide.pdf'>ดาวน์โหลด</a></li></ul>"
        "</body></html>"
    )
    document = parse_html(html, BASE)
    own = {row.number: row for row in document.item_rows if not row.by_number}
    assert set(own) == {6, 17}
    assert [link.url for link in own[6].links] == ["http://x.go.th/f/plan.pdf"]
    assert "แผนดำเนินงาน" in own[6].label
    assert _declared(html).keys() == {1, 2, 3, 4, 5}  # by number: only the form's labels


def test_a_numbered_table_outside_an_ita_page_is_no_item_table() -> None:
    rows = "".join(
        f"<tr><td>{n})</td><td>โครงการซ่อมถนน หมู่ {n}</td><td><a href='/p/{n}'>ดู</a></td></tr>"
        for n in range(1, 9)
    )
    document = parse_html(
        f"<html><head><title>ข่าวจัดซื้อจัดจ้าง</title></head><body><table>{rows}</table></body></html>",
        BASE,
    )
    assert document.item_rows == ()


def test_rows_of_a_table_nested_in_a_layout_table_keep_their_links() -> None:
    """Table-layout sites put the ITA table inside the page's layout table."""
    inner = "".join(
        f"<tr><td>๐{n}</td><td>เรื่อง {n}</td><td><a href='/f/{n}.pdf'>คลิก</a></td></tr>"
        for n in range(1, 7)
    )
    html = (
        "<table><tr><td>เมนู <a href='/'>หน้าแรก</a> ITA ปี 2568</td>"
        f"<td>พ.ศ. ๒๕๖๘<table><tr><td>ข้อ</td><td>รายการ</td></tr>{inner}</table></td></tr></table>"
    )
    declared = _declared(html)
    assert declared[1] == ["http://x.go.th/f/1.pdf"] and len(declared) == 6


def test_a_column_headed_by_another_word_starting_with_kho_numbers_no_items() -> None:
    # "ข้อมูล" (data) and "ข้อความ" (message) begin with the letters of "ข้อ": a numbered table
    # of downloads under them is no list of the form's items.
    for header in ("ข้อมูลข่าวสาร", "ข้อความ"):
        html = f"<table><tr><th>{header}</th><th>ไฟล์</th></tr>" + _rows(8, "{n}", "d") + "</table>"
        assert not might_have_item_table(html), header
        assert _declared(html) == {}, header


def test_a_column_headed_kho_thi_numbers_items() -> None:
    for header in ("ข้อที่", "ข้อ ที่", "<b>ข้อ</b>", "ข้อ/รายการ"):
        html = f"<table><tr><th>{header}</th><th>URL</th></tr>" + _rows(8, "{n}", "u") + "</table>"
        assert might_have_item_table(html), header
        assert _declared(html)[4] == ["http://x.go.th/u/4"], header
