"""Fleet benchmark: sites/min with 1, 2 and 4 crawl workers, and OCR pages/s with 1 and 2 OCR
workers, each worker its own `oitwatch worker` process, on one machine, against generated
sites on loopback addresses (127.0.4.x, one server process) and a real PostgreSQL.

    python3 benchmarks/fleet_benchmark.py [--sites 48] [--pages 40] [--scans 8]
        [--postgres postgresql://postgres@127.0.0.1:5432]

Each configuration gets a fresh database (oitwatch_bench_<pid>_<n>, dropped after). The crawl
runs use no delay between requests (loopback): they measure what the fleet machinery and the
checks cost, not politeness, which the README's extrapolation adds back.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))


def _admin(server: str, sql: str) -> None:
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


def _scalar(url: str, sql: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute(sql).fetchone()  # type: ignore[arg-type]
        return int(row[0]) if row and row[0] is not None else 0


class Bench:
    def __init__(self, server: str, work: Path) -> None:
        self.server, self.work, self.count = server, work, 0

    def database(self) -> tuple[str, str]:
        self.count += 1
        name = f"oitwatch_bench_{os.getpid()}_{self.count}"
        _admin(self.server, f"DROP DATABASE IF EXISTS {name}")
        _admin(self.server, f"CREATE DATABASE {name}")
        return name, f"{self.server}/{name}"

    def env(self, libpq_url: str) -> dict[str, str]:
        return {
            **os.environ,
            "PYTHONPATH": str(HERE.parent),
            "OITWATCH_DATABASE": libpq_url.replace("postgresql://", "postgresql+psycopg://"),
            "OITWATCH_CRAWL__DELAY": "0",
            "OITWATCH_CRAWL__MAX_DEPTH": "8",
            "OITWATCH_RENDER__MODE": "never",
            "OITWATCH_ALERTS__ENABLED": "false",
            "OITWATCH_FLEET__POLL": "0.5",
            "OITWATCH_FLEET__HEARTBEAT": "2",
        }

    def workers(self, env: dict[str, str], count: int, queues: str, concurrency: int) -> list:
        return [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "oitwatch",
                    "worker",
                    "--queues",
                    queues,
                    "--concurrency",
                    str(concurrency),
                ],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for _ in range(count)
        ]


def _stop(procs: list) -> None:
    for proc in procs:
        proc.send_signal(signal.SIGTERM)
    for proc in procs:
        proc.wait(timeout=120)


def _wait(url: str, sql: str, timeout: float = 1800) -> None:
    deadline = time.monotonic() + timeout
    while _scalar(url, sql) == 0:
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out: {sql}")
        time.sleep(0.25)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _ready(url: str, workers: int) -> None:
    """Workers are up (imports done, registered): the clock measures work, not start-up."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if _scalar(url, "select (to_regclass('procrastinate_workers') is not null)::int") and (
            _scalar(url, "select count(*) from procrastinate_workers") >= workers
        ):
            return
        time.sleep(0.25)
    raise SystemExit("workers did not start")


def crawl(
    bench: Bench, registry: Path, workers: int, concurrency: int
) -> tuple[int, float, int, float]:
    name, url = bench.database()
    env = bench.env(url)
    try:
        procs = bench.workers(env, workers, "crawl", concurrency)
        _ready(url, workers)
        cpu = _children_cpu()
        started = time.monotonic()
        subprocess.run(
            [sys.executable, "-m", "oitwatch", "run", "--queue", "--sites", str(registry)],
            env=env,
            check=True,
            capture_output=True,
        )
        _wait(url, "select count(*) from batches where status = 'completed'")
        seconds = time.monotonic() - started
        _stop(procs)
        cpu = _children_cpu() - cpu  # the enqueue and the workers, stop included
        sites = _scalar(url, "select count(*) from runs where status = 'completed'")
        pages = _scalar(url, "select count(*) from resources")
        return sites, seconds, pages, cpu
    finally:
        _admin(bench.server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def ocr(bench: Bench, scans: list[bytes], workers: int) -> float:
    from oitwatch.documents.ocr import OcrEngine
    from oitwatch.fleet.app import OCR_TASK, ensure_queue_schema, make_app
    from oitwatch.fleet.store import FleetStore
    from oitwatch.storage import open_database

    name, url = bench.database()
    sa_url = url.replace("postgresql://", "postgresql+psycopg://")
    try:
        db = open_database(sa_url)
        ensure_queue_schema(sa_url)
        store = FleetStore(db)
        engine = OcrEngine().name
        for n, data in enumerate(scans):
            store.request_ocr(f"scan-{n}", engine, "pdf", f"http://127.0.4.1/scan-{n}.pdf", data)

        async def enqueue() -> None:
            app = make_app(sa_url)
            async with app.open_async():
                for n in range(len(scans)):
                    await app.configure_task(name=OCR_TASK).defer_async(
                        content_hash=f"scan-{n}", engine=engine
                    )

        procs = bench.workers(bench.env(url), workers, "ocr", 2)
        _ready(url, workers)
        started = time.monotonic()
        asyncio.run(enqueue())
        db.close()
        _wait(
            url,
            f"select case when count(*) filter (where status in ('done', 'failed')) = {len(scans)}"
            " then 1 else 0 end from ocr_requests",
        )
        seconds = time.monotonic() - started
        _stop(procs)
        return seconds
    finally:
        _admin(bench.server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sites", type=int, default=48)
    parser.add_argument("--pages", type=int, default=40, help="pages per generated site")
    parser.add_argument("--scans", type=int, default=12, help="distinct one-page scans to read")
    parser.add_argument("--concurrency", type=int, default=4, help="site jobs per crawl worker")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432")
    args = parser.parse_args()

    hosts = [f"127.0.4.{n}" for n in range(1, args.sites + 1)]
    port = 19000 + os.getpid() % 1000
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
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
            bench = Bench(args.postgres, work)
            print(f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}; {args.sites} sites")
            for workers in (1, 2, 4):
                sites, seconds, pages, cpu = crawl(bench, registry, workers, args.concurrency)
                print(
                    f"crawl workers {workers} (x{args.concurrency} sites): {sites} sites in "
                    f"{seconds:.1f} s = {sites / seconds * 60:.0f} sites/min, "
                    f"{pages / seconds:.0f} pages/s, CPU {cpu * 1000 / max(sites, 1):.0f} ms/site"
                )
        finally:
            server.terminate()
            server.wait()
    from tests.fixtures.documents import scanned_pdf

    scans = [
        scanned_pdf(
            [
                "การประเมินความเสี่ยงการทุจริตในประเด็นที่เกี่ยวข้องกับสินบน",
                f"ประจำปีงบประมาณ พ.ศ. 2568 ฉบับที่ {n}",
                "มาตรการป้องกัน: เผยแพร่ขั้นตอนและค่าธรรมเนียมให้ประชาชนทราบ",
            ]
        )
        for n in range(args.scans)
    ]
    for workers in (1, 2):
        seconds = ocr(bench, scans, workers)
        print(
            f"OCR workers {workers}: {len(scans)} pages in {seconds:.1f} s = "
            f"{len(scans) / seconds:.2f} pages/s"
        )


if __name__ == "__main__":
    main()
