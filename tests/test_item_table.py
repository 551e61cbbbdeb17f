"""ITA pages in the layouts real sites use."""

from __future__ import annotations

from oitwatch.documents.html import parse_html
from oitwatch.documents.item_table import declared_links

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
