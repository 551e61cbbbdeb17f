"""A generated Thai municipal-style website and a small keep-alive HTTP server for benchmarks.

Run as ``python sitegen.py serve HOST PORT PAGES`` in its own process, so that the server
never shares a core's GIL with the crawler being measured.
"""

from __future__ import annotations

import asyncio
import sys

SECTIONS = 50
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


def render(path: str, pages: int) -> tuple[int, bytes]:
    per = page_count_per_section(pages)
    if path in ("/", "/index.html"):
        body = "<h1>หน้าแรก</h1>"
    elif path == "/ita.html":
        body = (
            "<h1>ITA ปี 2568</h1><table>"
            + "".join(
                f"<tr><td>O{n}</td><td><a href='/page/0/{n}.html'>ข้อ {n}</a></td></tr>"
                for n in range(1, 29)
            )
            + "</table>"
        )
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
        body = f"<h1>ข่าวที่ {p} หมวด {s}</h1>{FILLER}<p>{related}</p>"
    elif path == "/robots.txt":
        return 200, b"User-agent: *\nDisallow: /admin/\n"
    else:
        return 404, b"<h1>404</h1>"
    html = (
        "<!DOCTYPE html><html lang='th'><head><meta charset='utf-8'>"
        f"<title>อบต.ตัวอย่าง {path}</title></head><body><nav><ul>{MENU}</ul></nav>"
        f"<main>{body}</main><footer>โทร. 075-123-456</footer></body></html>"
    )
    return 200, html.encode()


async def serve(host: str | list[str], port: int, pages: int) -> None:
    cache: dict[str, tuple[int, bytes]] = {}

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                path = head.split(b" ", 2)[1].decode()
                if path not in cache:
                    cache[path] = render(path, pages)
                status, body = cache[path]
                reason = b"OK" if status == 200 else b"Not Found"
                writer.write(
                    b"HTTP/1.1 %d %s\r\nContent-Type: text/html; charset=utf-8\r\n"
                    b"Content-Length: %d\r\n\r\n" % (status, reason, len(body)) + body
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, host, port, backlog=1024)
    print("ready", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        hosts = sys.argv[2].split(",")
        asyncio.run(
            serve(hosts if len(hosts) > 1 else hosts[0], int(sys.argv[3]), int(sys.argv[4]))
        )
