"""Nightly-run benchmark: `oitwatch run` over many generated agency sites, each on its own
loopback address (127.0.2.x), all served by one asyncio server process.

    python3 benchmarks/nightly_benchmark.py [--sites 200] [--pages 60] [--in-flight 16]

Prints sites/min, pages/s and the run's peak RSS, and extrapolates to the ~7,850 local
governments, at full speed and at a polite 1 request/s per host.
"""

from __future__ import annotations

import argparse
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
COUNTRY = 7850


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sites", type=int, default=200)
    parser.add_argument("--pages", type=int, default=60, help="pages per generated site")
    parser.add_argument("--in-flight", type=int, default=16, help="sites checked at once")
    args = parser.parse_args()

    hosts = (
        [f"127.0.2.{n}" for n in range(1, args.sites + 1)]
        if args.sites <= 254
        else [f"127.0.{2 + n // 250}.{1 + n % 250}" for n in range(args.sites)]
    )
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        port = 18000 + os.getpid() % 1000
        server = subprocess.Popen(
            [
                sys.executable,
                str(HERE / "sitegen.py"),
                "serve",
                ",".join(hosts),
                str(port),
                str(args.pages),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert server.stdout is not None and server.stdout.readline().strip() == "ready"
            registry = work / "sites.toml"
            registry.write_text(
                "".join(
                    f'[[sites]]\nurl = "http://{h}:{port}/"\nname = "อบต.ทดสอบ {n}"\n\n'
                    for n, h in enumerate(hosts)
                ),
                encoding="utf-8",
            )
            env = {
                **os.environ,
                "OITWATCH_CRAWL__DELAY": "0",
                "OITWATCH_CRAWL__PER_HOST": "2",
                "OITWATCH_CRAWL__CONCURRENCY": "32",
                "OITWATCH_CRAWL__MAX_DEPTH": "8",
                "OITWATCH_RUN__SITES_IN_FLIGHT": str(args.in_flight),
                "OITWATCH_ALERTS__RECHECK_DELAY": "0",
            }
            database = work / "nightly.db"
            started = time.monotonic()
            result = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "oitwatch",
                    "run",
                    "--sites",
                    str(registry),
                    "--db",
                    str(database),
                ],
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            seconds = time.monotonic() - started
            peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        finally:
            server.terminate()
            server.wait()
        if result.returncode != 0:
            print(result.stderr[-2000:])
            raise SystemExit(result.returncode)
        with sqlite3.connect(database) as conn:
            pages = conn.execute("select count(*) from resources").fetchone()[0]
            completed = conn.execute(
                "select count(*) from runs where status = 'completed'"
            ).fetchone()[0]
    per_site = pages / max(completed, 1)
    print(
        f"oitwatch run: {completed} sites ({args.pages}-page generated sites), {pages} requests stored, "
        f"{seconds:.1f} s, {args.in_flight} sites in flight"
    )
    print(
        f"  {completed / seconds * 60:.0f} sites/min, {pages / seconds:.0f} pages/s, "
        f"peak RSS {peak_mb:.0f} MB (the run process; the site server's is smaller)"
    )
    full = COUNTRY / (completed / seconds) / 60
    print(f"  extrapolated to {COUNTRY} sites at this speed: {full:.0f} min")
    # Real sites: ~121 requests each (perf-notes), politely 1 request/s per host.
    polite = COUNTRY * 121 / (200 * 1.0) / 60
    print(
        f"  at 1 request/s per host, 200 sites in flight, 121 requests a site: {polite:.0f} min "
        f"(politeness, not CPU, sets the floor; {per_site:.0f} requests a site here)"
    )


if __name__ == "__main__":
    main()
