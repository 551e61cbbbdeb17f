"""Nightly-run benchmark: `oitwatch run` over many generated agency sites, each on its own
loopback address, all served by one asyncio server process (sitegen.py), side by side with a
bare crawler in the same run. Every figure comes from the server's own counters.

    python3 benchmarks/nightly_benchmark.py --sites 500            # delay 0: vs a bare crawler
    python3 benchmarks/nightly_benchmark.py --polite --sites 200   # 1 request/s per host
    python3 benchmarks/nightly_benchmark.py --two-nights --sites 100

* default: oitwatch (default settings, delay 0) against a bare httpx + selectolax crawler with
  one small pool per site (2 connections) and as many sites in flight; pages/s and peak RSS.
* --polite: oitwatch at its default settings but 1 request/s per host; projects the time for
  the country's 7,850 sites from the mean time a site takes, the sites in flight, and the CPU
  spent per site (2 cores).
* --two-nights: two runs over the same database; requests, bytes, 304s and time of each night,
  and whether every item's verdict is the same.

The machine may be shared: compare the ratios printed for one run, not figures across runs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import urllib.request
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
COUNTRY = 7850
CORES = 2


def _hosts(count: int) -> list[str]:
    return [f"127.0.{2 + n // 250}.{1 + n % 250}" for n in range(count)]


def _stats(host: str, port: int) -> dict[str, int]:
    with urllib.request.urlopen(f"http://{host}:{port}/__stats", timeout=10) as answer:
        return dict(json.loads(answer.read()))


def _delta(after: dict[str, int], before: dict[str, int]) -> dict[str, int]:
    return {k: after[k] - before[k] for k in after}


def _child_usage() -> tuple[float, float]:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def _measured(command: list[str], env: dict[str, str]) -> dict[str, float]:
    """Run a crawler in a process of its own, through a wrapper whose children are only it:
    wall seconds, CPU seconds and peak RSS are that crawler's alone. ``rss_mb`` is the
    largest single process's peak; ``tree_mb`` the peak of the crawler and every process
    it started together (oitwatch reads documents in a worker process, and a large run checks
    on every core: those count too), sampled every 0.1 s; ``pss_mb`` the same tree's
    proportional set size (a page shared by n processes counts 1/n in each), what the tree
    really takes from the machine."""
    wrapper = (
        "import json, os, resource, subprocess, sys, threading, time\n"
        "PAGE = os.sysconf('SC_PAGE_SIZE')\n"
        "def kids(pid):\n"
        "    # The kernel's own list of a process's children: no walk over every /proc entry\n"
        "    # (that walk cost a tenth of a core at 10 samples a second, taken from the crawler).\n"
        "    try:\n"
        "        return [int(c) for t in os.listdir(f'/proc/{pid}/task')\n"
        "                for c in open(f'/proc/{pid}/task/{t}/children').read().split()]\n"
        "    except OSError:\n"
        "        return []\n"
        "def tree_memory(root):\n"
        "    rss, pss, todo = 0, 0, [root]\n"
        "    while todo:\n"
        "        pid = todo.pop()\n"
        "        todo.extend(kids(pid))\n"
        "        try:\n"
        "            rss += int(open(f'/proc/{pid}/statm').read().split()[1]) * PAGE\n"
        "            for line in open(f'/proc/{pid}/smaps_rollup'):\n"
        "                if line.startswith('Pss:'):\n"
        "                    pss += int(line.split()[1]) * 1024\n"
        "        except OSError:\n"
        "            pass\n"
        "    return rss / 2**20, pss / 2**20\n"
        "t = time.monotonic()\n"
        "p = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE,"
        " text=True)\n"
        "peak = [0.0, 0.0]\n"
        "def sample():\n"
        "    while p.poll() is None:\n"
        "        rss, pss = tree_memory(p.pid)\n"
        "        peak[0], peak[1] = max(peak[0], rss), max(peak[1], pss)\n"
        "        time.sleep(0.1)\n"
        "threading.Thread(target=sample, daemon=True).start()\n"
        "_, err = p.communicate()\n"
        "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "sys.stderr.write(err[-3000:])\n"
        "print(json.dumps({'seconds': time.monotonic() - t, 'cpu': u.ru_utime + u.ru_stime,"
        " 'rss_mb': u.ru_maxrss / 1024, 'tree_mb': peak[0], 'pss_mb': peak[1],"
        " 'code': p.returncode}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", wrapper, *command], env=env, capture_output=True, text=True
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    if result["code"] not in (0, 1):
        print(out.stderr[-3000:], file=sys.stderr)
        raise SystemExit(f"crawler failed: {command}")
    return dict(result)


def _oitwatch(
    registry: Path, database: Path, crawl: dict[str, str], run: dict[str, str]
) -> dict[str, float]:
    env = {**os.environ, "OITWATCH_ALERTS__RECHECK_DELAY": "0", "OITWATCH_RENDER__MODE": "never"}
    env.update({f"OITWATCH_CRAWL__{k.upper()}": v for k, v in crawl.items()})
    env.update({f"OITWATCH_RUN__{k.upper()}": v for k, v in run.items()})
    command = [sys.executable, "-m", "oitwatch", "run", "--sites", str(registry)]
    return _measured([*command, "--db", str(database)], env)


async def _bare(urls: list[str], in_flight: int, per_site: int, max_pages: int) -> int:
    """A bare crawler: one client with a small pool per site, set de-dup, selectolax links."""
    import ssl
    from functools import lru_cache
    from urllib.parse import urljoin

    import httpx
    from selectolax.lexbor import LexborHTMLParser

    resolve = lru_cache(maxsize=100_000)(urljoin)
    context = ssl.create_default_context()
    sites = asyncio.Semaphore(in_flight)
    fetched = 0

    async def site(url: str) -> None:
        nonlocal fetched
        host = url.split("/")[2]
        seen = {url}
        queue = [url]
        active = 0
        done = asyncio.Event()
        count = 0

        async def worker(client: httpx.AsyncClient) -> None:
            nonlocal active, count, fetched
            while count < max_pages:
                if not queue:
                    if active == 0:
                        done.set()
                        return
                    await asyncio.sleep(0.002)
                    continue
                current = queue.pop()
                active += 1
                count += 1
                try:
                    response = await client.get(current)
                    fetched += 1
                    if "html" in response.headers.get("content-type", ""):
                        for node in LexborHTMLParser(response.text).css("a[href]"):
                            target = resolve(current, node.attributes.get("href") or "")
                            if target.split("/")[2] == host and target not in seen:
                                seen.add(target)
                                queue.append(target)
                finally:
                    active -= 1

        async with sites:
            limits = httpx.Limits(max_connections=per_site, max_keepalive_connections=per_site)
            async with httpx.AsyncClient(limits=limits, verify=context) as client:
                await asyncio.gather(*(worker(client) for _ in range(per_site * 2)))

    await asyncio.gather(*(site(u) for u in urls))
    return fetched


def _registry(folder: Path, hosts: list[str], port: int) -> Path:
    registry = folder / "sites.toml"
    registry.write_text(
        "".join(
            f'[[sites]]\nurl = "http://{h}:{port}/"\nname = "อบต.ทดสอบ {n}"\n\n'
            for n, h in enumerate(hosts)
        ),
        encoding="utf-8",
    )
    return registry


def _site_seconds(database: Path, batch: int | None = None) -> list[float]:
    with sqlite3.connect(database) as conn:
        rows = conn.execute(
            "select started_at, finished_at from runs where status = 'completed'"
            + (f" and batch_id = {int(batch)}" if batch is not None else "")
        ).fetchall()
    return [
        (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()
        for start, end in rows
    ]


def _verdicts(database: Path, batch: int) -> dict[tuple[str, str], str]:
    with sqlite3.connect(database) as conn:
        rows = conn.execute(
            "select s.url, i.item_id, i.status from item_results i join runs r on r.id = i.run_id"
            " join sites s on s.id = r.site_id where r.batch_id = ?",
            (batch,),
        ).fetchall()
    return {(url, item): status for url, item, status in rows}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sites", type=int, default=200)
    parser.add_argument("--pages", type=int, default=60, help="pages per generated site")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--polite", action="store_true")
    mode.add_argument("--two-nights", action="store_true")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--urls", help=argparse.SUPPRESS)
    parser.add_argument("--in-flight", type=int, default=256, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one == "bare":
        urls = Path(args.urls).read_text().split()
        print(asyncio.run(_bare(urls, args.in_flight, 2, 400)))
        return

    hosts = _hosts(args.sites)
    port = 18000 + os.getpid() % 1000
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        serve = [str(HERE / "sitegen.py"), "serve", ",".join(hosts), str(port), str(args.pages)]
        server = subprocess.Popen(
            [sys.executable, *serve],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert server.stdout is not None and server.stdout.readline().strip() == "ready"
            registry = _registry(work, hosts, port)
            if args.polite:
                polite(args, work, registry, hosts[0], port)
            elif args.two_nights:
                two_nights(args, work, registry, hosts[0], port)
            else:
                fast(args, work, registry, hosts, port)
        finally:
            server.terminate()
            server.wait()
    print("caveat: the machine is shared with other sessions; compare ratios within this run")


def fast(args: argparse.Namespace, work: Path, registry: Path, hosts: list[str], port: int) -> None:
    from oitwatch.config.settings import RunSettings

    in_flight = RunSettings().sites_in_flight
    before = _stats(hosts[0], port)
    ours = _oitwatch(registry, work / "fast.db", {"delay": "0", "max_depth": "8"}, {})
    ours_count = _delta(_stats(hosts[0], port), before)
    urls = work / "urls.txt"
    urls.write_text("\n".join(f"http://{h}:{port}/" for h in hosts))
    before = _stats(hosts[0], port)
    command = [sys.executable, __file__, "--one", "bare", "--urls", str(urls)]
    bare = _measured([*command, "--in-flight", str(in_flight)], dict(os.environ))
    bare_count = _delta(_stats(hosts[0], port), before)
    print(f"{args.sites} sites on {args.sites} loopback addresses, delay 0, {in_flight} in flight")
    print(
        f"{'crawler':<46} {'requests':>9} {'s':>7} {'pages/s':>8} {'CPU ms/p':>9} {'RSS MB':>7}"
        f" {'tree MB':>8} {'PSS MB':>7}"
    )
    for label, m, c in (
        ("bare httpx + selectolax, pool of 2 per site", bare, bare_count),
        ("oitwatch run (crawl, parse, judge, store)", ours, ours_count),
    ):
        rate = c["requests"] / m["seconds"]
        cpu = m["cpu"] * 1000 / max(c["requests"], 1)
        print(
            f"{label:<46} {c['requests']:>9} {m['seconds']:>7.1f} {rate:>8.0f} {cpu:>9.2f}"
            f" {m['rss_mb']:>7.0f} {m['tree_mb']:>8.0f} {m['pss_mb']:>7.0f}"
        )
    ratio = (ours_count["requests"] / ours["seconds"]) / (bare_count["requests"] / bare["seconds"])
    print(
        f"oitwatch / bare pages/s: {ratio:.2f} (target >= 0.8, RSS < 120 MB);"
        " RSS: the largest process's peak; tree: the peak of all of a crawler's processes"
        " together, RSS and PSS (shared pages split between the processes sharing them)"
    )


def polite(args: argparse.Namespace, work: Path, registry: Path, host: str, port: int) -> None:
    from oitwatch.config.settings import RunSettings

    in_flight = RunSettings().sites_in_flight
    database = work / "polite.db"
    before = _stats(host, port)
    ours = _oitwatch(registry, database, {"delay": "1.0"}, {})
    count = _delta(_stats(host, port), before)
    seconds = _site_seconds(database)
    mean = sum(seconds) / len(seconds)
    per_site = count["requests"] / args.sites
    # Sites stream through the in-flight slots; a site's time is set by 1 request/s.
    politeness = COUNTRY / in_flight * mean
    cpu_bound = ours["cpu"] / args.sites * COUNTRY / CORES
    projected = max(politeness, cpu_bound)
    print(
        f"polite run: {args.sites} sites, 1 request/s per host, default settings "
        f"({in_flight} sites in flight): {ours['seconds']:.0f} s, {count['requests']} requests "
        f"({per_site:.0f} a site), peak RSS {ours['rss_mb']:.0f} MB, CPU {ours['cpu']:.0f} s"
    )
    print(
        f"  a site takes {mean:.0f} s on average (max {max(seconds):.0f} s); "
        f"CPU {ours['cpu'] / args.sites * 1000:.0f} ms a site"
    )
    print(
        f"  projected for {COUNTRY} sites: {projected / 60:.0f} min "
        f"(politeness {politeness / 60:.0f} min = {COUNTRY} / {in_flight} x {mean:.0f} s; "
        f"CPU {cpu_bound / 60:.0f} min on {CORES} cores); target < 120 min"
    )


def two_nights(args: argparse.Namespace, work: Path, registry: Path, host: str, port: int) -> None:
    database = work / "nights.db"
    nights = []
    for _ in range(2):
        before = _stats(host, port)
        measured = _oitwatch(registry, database, {"delay": "0"}, {})
        nights.append((measured, _delta(_stats(host, port), before)))
    first, second = nights
    same = _verdicts(database, 1) == _verdicts(database, 2) and bool(_verdicts(database, 1))
    print(f"two nights over the same {args.sites} unchanged sites (delay 0, default settings)")
    print(
        f"{'night':<8} {'s':>7} {'CPU s':>7} {'requests':>9} {'304s':>7} {'body MB':>8}"
        f" {'RSS MB':>7}"
    )
    for name, (m, c) in zip(("first", "second"), nights, strict=True):
        print(
            f"{name:<8} {m['seconds']:>7.1f} {m['cpu']:>7.1f} {c['requests']:>9}"
            f" {c['not_modified']:>7} {c['bytes'] / 2**20:>8.1f} {m['rss_mb']:>7.0f}"
        )
    print(
        f"second night: {first[0]['seconds'] / second[0]['seconds']:.1f}x less time "
        f"({first[0]['cpu'] / max(second[0]['cpu'], 0.01):.1f}x less CPU), "
        f"{first[1]['bytes'] / max(second[1]['bytes'], 1):.0f}x fewer bytes; "
        f"verdicts {'identical' if same else 'DIFFERENT'} (targets >= 5x, >= 10x, identical)"
    )


if __name__ == "__main__":
    main()
