from __future__ import annotations

from oitwatch.crawler.charset import decode_text
from oitwatch.text.urls import is_trap, normalise_url, resolve, same_page_key, same_site


def test_query_parameter_order_is_one_page() -> None:
    first = normalise_url("http://x.go.th/news.php?print=1&lang=th")
    second = normalise_url("http://x.go.th/news.php?lang=th&print=1")
    assert first == "http://x.go.th/news.php?print=1&lang=th"  # requested as written
    assert first and second and same_page_key(first) == same_page_key(second)
    # Repeated keys keep both values: ?id=2&id=1 is not ?id=1.
    assert same_page_key("http://x.go.th/?id=2&id=1") == "http://x.go.th/?id=1&id=2"


def test_normalise_url() -> None:
    assert (
        normalise_url("HTTP://WWW.Example.GO.TH:80/a/./b/../c#top")
        == "http://www.example.go.th/a/c"
    )
    assert normalise_url("https://x.go.th:443") == "https://x.go.th/"
    assert normalise_url("ftp://x.go.th/") is None
    assert normalise_url("http:///nohost") is None
    # A Thai file name raw and percent-encoded is the same URL.
    raw = normalise_url("http://x.go.th/ไฟล์/แผน.pdf")
    assert raw == normalise_url(
        "http://x.go.th/%E0%B9%84%E0%B8%9F%E0%B8%A5%E0%B9%8C/%e0%b9%81%e0%b8%9c%e0%b8%99.pdf"
    )


def test_resolve_skips_non_web_links() -> None:
    base = "http://x.go.th/a/"
    assert resolve(base, "mailto:a@x.go.th") is None
    assert resolve(base, "javascript:void(0)") is None
    assert resolve(base, "#top") is None
    assert resolve(base, "../b.pdf") == "http://x.go.th/b.pdf"


def test_same_site_accepts_www_variant() -> None:
    assert same_site("https://www.x.go.th/a", "x.go.th")
    assert same_site("http://x.go.th/a", "www.x.go.th")
    assert not same_site("http://drive.google.com/x", "x.go.th")


def test_traps() -> None:
    assert is_trap("http://x.go.th/a/b/a/b/a/b/")
    assert is_trap("http://x.go.th/" + "a" * 500)
    assert not is_trap("http://x.go.th/ita/2568/o1.pdf")


THAI = "องค์การบริหารส่วนตำบล ประจำปีงบประมาณ พ.ศ. ๒๕๖๘"


def test_decode_tis620_by_header() -> None:
    assert THAI in decode_text(f"<p>{THAI}</p>".encode("cp874"), "text/html; charset=TIS-620")


def test_decode_by_meta() -> None:
    body = f"<meta http-equiv='Content-Type' content='text/html; charset=windows-874'><p>{THAI}</p>"
    assert THAI in decode_text(body.encode("cp874"), "text/html")


def test_decode_wrong_utf8_declaration_falls_back() -> None:
    # Declared UTF-8, written in TIS-620: common on old PHP sites.
    assert THAI in decode_text(f"<p>{THAI}</p>".encode("cp874"), "text/html; charset=utf-8")


def test_decode_undeclared() -> None:
    assert THAI in decode_text(f"<p>{THAI}</p>".encode("cp874"), "")
    assert THAI in decode_text(f"<p>{THAI}</p>".encode(), "")


def test_hostile_documents_cost_one_resource() -> None:
    from oitwatch.crawler.outcomes import FetchResult, Outcome
    from oitwatch.pipeline.crawl import to_resource

    deep = b"<html><body>" + b"<div>" * 100_000 + b"x" + b"</div>" * 100_000 + b"</body></html>"
    cases = {
        "http://x.go.th/a.pdf": (b"%PDF-1.7\n" + b"\x00garbage" * 100, "application/pdf"),
        "http://x.go.th/b.docx": (b"PK\x03\x04not really a zip", "application/octet-stream"),
        "http://x.go.th/c.xlsx": (b"PK\x03\x04" + b"\xff" * 1000, ""),
        "http://x.go.th/d.html": (deep, "text/html"),
    }
    for url, (body, content_type) in cases.items():
        result = FetchResult(
            url=url,
            outcome=Outcome.OK,
            final_url=url,
            status=200,
            content_type=content_type,
            body=body,
        )
        resource = to_resource(result, 0, None)
        # Every one is garbage (or too deep to parse): marked corrupt, costing itself only.
        assert (resource.unreadable, resource.document) == ("corrupt", None), url
