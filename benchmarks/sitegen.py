"""A generated Thai municipal-style website and a small keep-alive HTTP server for benchmarks.

Run as ``python sitegen.py serve HOSTS PORT PAGES`` in its own process, so that the server
never shares a core's GIL with the crawler being measured. HOSTS is one address or a
comma-separated list (one site per loopback address).

What makes it realistic enough to compare crawlers on: ~15-25 KB pages with a 50-link menu on
every page, related-page links (duplicates), the same page under query strings in either
order (``?print=1&lang=th`` / ``?lang=th&print=1``), an ITA page whose rows link to PDFs
(Thai text, three pages each), robots.txt naming the sitemap, and ETag / Last-Modified
validators honoured with 304. ``GET /__stats`` answers the server's own counters (requests,
body bytes, 304s) so that every crawler is measured by the same yardstick.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import sys
from pathlib import Path

SECTIONS = 50
PDF_KINDS = 10
ITA_ITEMS = 28
LAST_MODIFIED = b"Mon, 01 Sep 2025 08:00:00 GMT"
MENU = (
    "".join(
        f"<li><a href='/section/{s}.html'>หมวด {s} ข่าวประชาสัมพันธ์และกิจกรรม</a></li>"
        for s in range(SECTIONS)
    )
    + "<li><a href='/ita.html'>ITA การประเมินคุณธรรมและความโปร่งใส</a></li>"
)
FILLER = (
    "<p>องค์การบริหารส่วนตำบลตัวอย่าง ได้ดำเนินโครงการพัฒนาคุณภาพชีวิตของประชาชน ประจำปีงบประมาณ "
    "พ.ศ. ๒๕๖๘ ตามแผนพัฒนาท้องถิ่น โดยมีวัตถุประสงค์เพื่อส่งเสริมการมีส่วนร่วมของประชาชน</p>"
) * 20


def page_count_per_section(pages: int) -> int:
    return max(1, pages // SECTIONS)


def requests_per_site(pages: int) -> int:
    """Distinct URLs a crawler that sorts query parameters fetches from one site."""
    per = page_count_per_section(pages)
    return 2 + SECTIONS + SECTIONS * per + ITA_ITEMS + 1  # + the print variant of page 0/0


def make_pdfs() -> list[bytes]:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.fixtures.documents import pdf

    lines = [
        "รายงานผลการดำเนินงานประจำปีงบประมาณ พ.ศ. ๒๕๖๘ องค์การบริหารส่วนตำบลตัวอย่าง",
        "ผลการดำเนินงานตามแผน โครงการก่อสร้างถนนคอนกรีตเสริมเหล็ก งบประมาณ 450,000 บาท",
        "ปัญหาอุปสรรค ฝนตกหนักทำให้การก่อสร้างล่าช้า ข้อเสนอแนะ วางแผนล่วงหน้า",
    ]
    return [pdf([f"{line} ({n})" for line in lines] * 40) for n in range(PDF_KINDS)]


def render(path: str, pages: int, pdfs: list[bytes], origin: str) -> tuple[int, bytes, str]:
    per = page_count_per_section(pages)
    path = path.split("?", 1)[0]
    html_type = "text/html; charset=utf-8"
    if path in ("/", "/index.html"):
        body = "<h1>หน้าแรก</h1>"
    elif path == "/ita.html":
        body = (
            "<h1>ITA ปี 2568</h1><table>"
            + "".join(
                f"<tr><td>O{n}</td><td><a href='/docs/o{n}.pdf'>ข้อ {n} เอกสาร</a>"
                f" <a href='/docs/o{n}.pdf'>ดาวน์โหลด</a></td></tr>"
                for n in range(1, ITA_ITEMS + 1)
            )
            + "</table>"
        )
    elif path.startswith("/docs/o") and path.endswith(".pdf"):
        n = int(path[len("/docs/o") : -len(".pdf")])
        if 1 <= n <= ITA_ITEMS:
            # Each site's files are its own (a comment after %%EOF): nothing read on one
            # site may be reused on another, as with real agencies.
            return 200, pdfs[n % len(pdfs)] + f"\n% {origin}\n".encode(), "application/pdf"
        return 404, b"<h1>404</h1>", html_type
    elif path.startswith("/section/"):
        s = int(path.split("/")[2].split(".")[0])
        body = (
            f"<h1>หมวด {s}</h1><ul>"
            + "".join(
                f"<li><a href='/page/{s}/{p}.html'>ข่าวที่ {p} ของหมวด {s}</a></li>"
                for p in range(per)
            )
            + "</ul>"
        )
    elif path.startswith("/page/"):
        _, _, s_text, p_text = path.split("/")
        s, p = int(s_text), int(p_text.split(".")[0])
        related = "".join(
            f"<a href='/page/{(s + k) % SECTIONS}/{(p + k) % per}.html'>เรื่องที่เกี่ยวข้อง {k}</a> "
            for k in range(1, 6)
        )
        variants = (
            "<a href='/page/0/0.html?print=1&amp;lang=th'>พิมพ์</a> "
            "<a href='/page/0/0.html?lang=th&amp;print=1'>พิมพ์หน้านี้</a>"
        )
        body = f"<h1>ข่าวที่ {p} หมวด {s}</h1>{FILLER}<p>{related}</p><p>{variants}</p>"
    elif path == "/robots.txt":
        text = f"User-agent: *\nDisallow: /admin/\nSitemap: {origin}/sitemap.xml\n"
        return 200, text.encode(), "text/plain"
    elif path == "/sitemap.xml":
        locs = "".join(f"<url><loc>{origin}/section/{s}.html</loc></url>" for s in range(SECTIONS))
        xml = f"<?xml version='1.0'?><urlset>{locs}</urlset>"
        return 200, xml.encode(), "application/xml"
    else:
        return 404, b"<h1>404</h1>", html_type
    html = (
        "<!DOCTYPE html><html lang='th'><head><meta charset='utf-8'>"
        f"<title>อบต.ตัวอย่าง {path}</title></head><body><nav><ul>{MENU}</ul></nav>"
        f"<main>{body}</main><footer>โทร. 075-123-456</footer></body></html>"
    )
    return 200, html.encode(), html_type


async def serve(hosts: list[str], port: int, pages: int) -> None:
    pdfs = make_pdfs()
    cache: dict[tuple[str, str], tuple[int, bytes, bytes, bytes]] = {}
    stats = {"requests": 0, "bytes": 0, "not_modified": 0}

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.split(b"\r\n")
                path = lines[0].split(b" ", 2)[1].decode()
                fields = {
                    k.strip().lower(): v.strip()
                    for k, _, v in (line.partition(b":") for line in lines[1:])
                }
                if path == "/__stats":
                    body = json.dumps(stats).encode()
                    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body))
                    writer.write(body)
                    await writer.drain()
                    continue
                stats["requests"] += 1
                host = fields.get(b"host", b"").decode()
                # Pages are the same on every site: cache them once, not once per site.
                key = (host if path in ("/robots.txt", "/sitemap.xml") else "", path)
                entry = cache.get(key)
                if entry is None:
                    status, body, kind = render(path, pages, pdfs, f"http://{host}")
                    etag = b'"%s"' % hashlib.sha1(body).hexdigest()[:16].encode()
                    entry = (status, body, kind.encode(), etag)
                    if not path.startswith("/docs/"):  # files differ per site: not kept
                        cache[key] = entry
                status, body, kind, etag = entry
                if status == 200 and (
                    fields.get(b"if-none-match") == etag
                    or fields.get(b"if-modified-since") == LAST_MODIFIED
                ):
                    stats["not_modified"] += 1
                    writer.write(b"HTTP/1.1 304 Not Modified\r\nETag: %s\r\n\r\n" % etag)
                    await writer.drain()
                    continue
                stats["bytes"] += len(body)
                reason = b"OK" if status == 200 else b"Not Found"
                validators = (
                    b"ETag: %s\r\nLast-Modified: %s\r\n" % (etag, LAST_MODIFIED)
                    if status == 200
                    else b""
                )
                writer.write(
                    b"HTTP/1.1 %d %s\r\nContent-Type: %s\r\n%sContent-Length: %d\r\n\r\n"
                    % (status, reason, kind, validators, len(body))
                    + body
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, ValueError):
            pass
        finally:
            writer.close()

    servers = [await asyncio.start_server(handle, h, port, backlog=4096) for h in hosts]
    print("ready", flush=True)
    await asyncio.gather(*(s.serve_forever() for s in servers))


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        asyncio.run(serve(sys.argv[2].split(","), int(sys.argv[3]), int(sys.argv[4])))
