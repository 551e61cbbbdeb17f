"""Rendering benchmark: rendered pages/s on a JavaScript-built site, and the share of pages
rendered on static sites in auto mode (must be 0 %: no browser start for sites that need none),
including the ITA layouts of vendor CMS templates, which load dozens of scripts but whose static
HTML holds the rows and links (issue 15, class 7: renders per site must be 0).

    python3 benchmarks/render_benchmark.py [--pages 40]
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from oitwatch.config import load_settings
from oitwatch.pipeline.site import check_site
from oitwatch.storage import open_database
from tests.fixtures.ita_layouts import LAYOUTS
from tests.fixtures.js_sites import _shell, js_site_routes
from tests.support.server import FixtureSite, Route

HERE = Path(__file__).resolve().parent


def scripted_routes(pages: int) -> dict[str, Route]:
    routes = {}
    for n in range(pages):
        links = "".join(f"<a href='/n{m}.html'>ข่าวที่ {m}</a> " for m in range(pages) if m != n)
        routes["/" if n == 0 else f"/n{n}.html"] = Route(
            _shell(f"ข่าวที่ {n}", f"<p>{links}</p>").encode()
        )
    return routes


def check(url: str, folder: Path, name: str) -> tuple[int, int, float]:
    settings = load_settings(
        database=str(folder / f"{name}.db"),
        crawl={"delay": 0, "per_host": 4, "max_pages": 3000, "max_depth": 8},
        render={"mode": "auto", "pages": 2, "settle": 0.5},
        ocr={"enabled": False},
    )
    db = open_database(settings.database_url)
    started = time.monotonic()
    report = asyncio.run(check_site(url, settings, db))
    db.close()
    return report.pages_fetched, report.pages_rendered, time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        scripted = FixtureSite("127.0.0.16", scripted_routes(args.pages)).start()
        twin = FixtureSite("127.0.0.17", js_site_routes(scripted=False)).start()
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        server = subprocess.Popen(
            [sys.executable, str(HERE / "sitegen.py"), "serve", "127.0.0.1", str(port), "2500"],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert server.stdout is not None and server.stdout.readline().strip() == "ready"
            pages, rendered, seconds = check(scripted.url + "/", folder, "js")
            print(
                f"JavaScript site: {rendered} of {pages} pages rendered in {seconds:.1f} s "
                f"(browser start included) = {rendered / seconds:.1f} rendered pages/s"
            )
            for label, url in (
                ("static twin", twin.url + "/"),
                ("generated static site", f"http://127.0.0.1:{port}/"),
            ):
                pages, rendered, seconds = check(url, folder, label.replace(" ", "-"))
                print(
                    f"{label}: {rendered} of {pages} pages rendered = {100 * rendered / max(pages, 1):.0f} %"
                    f" in auto mode ({seconds:.1f} s)"
                )
            for name, layout in LAYOUTS.items():
                site = FixtureSite("127.0.0.1", {}).start()
                try:
                    site.routes.update(layout(site.url)[0])
                    pages, rendered, seconds = check(site.url + "/", folder, name)
                finally:
                    site.stop()
                print(f"ITA layout {name}: {rendered} renders of {pages} pages ({seconds:.1f} s)")
        finally:
            server.terminate()
            scripted.stop()
            twin.stop()


if __name__ == "__main__":
    main()
