"""Web load test: 50 concurrent report views while 5 checks run, against `oitwatch serve` in
its own process. Prints p50/p95 latency of the report views and how long the checks took.

    python3 benchmarks/web_load.py [--views 1000] [--concurrency 50] [--checks 5]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def wait_ready(base: str) -> None:
    async with httpx.AsyncClient() as client:
        for _ in range(100):
            try:
                if (await client.get(base + "/healthz")).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.1)
    raise SystemExit("the server did not start")


async def check(client: httpx.AsyncClient, url: str) -> tuple[int, float]:
    started = time.monotonic()
    job = (await client.post("/check", data={"url": url})).headers["location"]
    while True:
        state = (await client.get(job + ".json")).json()
        if state["state"] in ("done", "failed"):
            return int(state["site_id"] or 0), time.monotonic() - started
        await asyncio.sleep(0.2)


async def main(args: argparse.Namespace) -> None:
    site_port = _port()
    hosts = [f"127.0.4.{n}" for n in range(1, args.checks + 2)]
    sites = subprocess.Popen(
        [sys.executable, str(HERE / "sitegen.py"), "serve", ",".join(hosts), str(site_port), "100"],
        stdout=subprocess.PIPE,
        text=True,
    )
    port = _port()
    folder = tempfile.mkdtemp()
    env = {
        **os.environ,
        "OITWATCH_WEB__ALLOW_LOOPBACK": "true",
        "OITWATCH_CRAWL__DELAY": "0",
        "OITWATCH_WEB__CHECKS_PER_CLIENT": "100",
        "OITWATCH_WEB__WORKERS": str(args.checks),
        "OITWATCH_OCR__ENABLED": "false",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "oitwatch",
            "serve",
            "--port",
            str(port),
            "--db",
            f"{folder}/web.db",
        ],
        env=env,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        assert sites.stdout is not None and sites.stdout.readline().strip() == "ready"
        await wait_ready(base)
        async with httpx.AsyncClient(base_url=base, timeout=60) as client:
            site_id, _ = await check(client, f"http://{hosts[0]}:{site_port}/")  # a report to view
            latencies: list[float] = []
            queue: asyncio.Queue[int] = asyncio.Queue()
            for n in range(args.views):
                queue.put_nowait(n)

            async def viewer() -> None:
                while not queue.empty():
                    queue.get_nowait()
                    started = time.monotonic()
                    response = await client.get(f"/sites/{site_id}")
                    response.raise_for_status()
                    latencies.append(time.monotonic() - started)

            started = time.monotonic()
            checks = asyncio.gather(*(check(client, f"http://{h}:{site_port}/") for h in hosts[1:]))
            await asyncio.gather(*(viewer() for _ in range(args.concurrency)))
            views_seconds = time.monotonic() - started
            check_times = [t for _, t in await checks]
    finally:
        server.terminate()
        sites.terminate()
    latencies.sort()
    p50 = statistics.median(latencies) * 1000
    p95 = latencies[int(len(latencies) * 0.95) - 1] * 1000
    print(
        f"{len(latencies)} report views, {args.concurrency} concurrent, while {args.checks} checks ran:"
    )
    print(f"  p50 {p50:.0f} ms, p95 {p95:.0f} ms, {len(latencies) / views_seconds:.0f} views/s")
    print(f"  checks of 100-page sites took {min(check_times):.1f}-{max(check_times):.1f} s each")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--views", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--checks", type=int, default=5)
    asyncio.run(main(parser.parse_args()))
