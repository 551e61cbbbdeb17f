"""Who a page lists: a photo counts only where the content shows it, never from the chrome."""

from __future__ import annotations

from oitwatch.documents.html import parse_html

URL = "http://x.go.th/executives"
MAYOR = "นายสมชาย ใจดี"
DEPUTY = "นางสาวสมศรี ดีงาม"


def _people(html: str) -> dict[str, bool]:
    return {p.name: p.photo for p in parse_html(html, URL).people}


def test_photo_beside_the_name_in_the_content() -> None:
    html = (
        "<body><main><div class='card'><img src='/p/1.jpg'><p>"
        f"{MAYOR} นายกเทศมนตรี โทร 081-234-5678</p></div>"
        f"<div class='card'><p>{DEPUTY} รองนายกเทศมนตรี</p></div></main></body>"
    )
    assert _people(html) == {"สมชาย ใจดี": True, "สมศรี ดีงาม": False}


def test_a_sidebar_photo_is_not_the_content_photo() -> None:
    # The mayor's portrait in the sidebar of every page: an assessor judging the executives'
    # page looks for a photo in its content.
    html = (
        f"<body><aside><img src='/mayor.jpg' alt='{MAYOR}'><p>{MAYOR}</p></aside>"
        f"<nav><img src='/n.jpg' alt='{DEPUTY}'></nav>"
        f"<main><p>{MAYOR} นายกเทศมนตรี</p><p>{DEPUTY} รองนายกเทศมนตรี</p></main></body>"
    )
    assert _people(html) == {"สมชาย ใจดี": False, "สมศรี ดีงาม": False}


def test_many_chrome_images_are_read_safely() -> None:
    # The chrome's nodes are freed before people are looked for: reading its images then
    # walked freed memory. Many pages, many menu images, the same answer every time.
    menu = "".join(
        f"<li><img src='/m/{i}.png' alt='{MAYOR}'><a href='/{i}'>เมนู {i}</a></li>"
        for i in range(300)
    )
    html = (
        f"<body><header><ul>{menu}</ul></header><footer><ul>{menu}</ul></footer>"
        f"<main><div><img src='/p/2.jpg'><span>{DEPUTY} ปลัด</span></div><p>{MAYOR} นายก</p></main></body>"
    )
    for _ in range(50):
        assert _people(html) == {"สมศรี ดีงาม": True, "สมชาย ใจดี": False}
