"""How long the end-of-run prune of the readings cache takes on a large history.

    python3 benchmarks/prune_benchmark.py [--readings 200000] [--db URL]

The database (a temporary SQLite file unless --db names another, e.g. an empty PostgreSQL
database) gets N readings created 60 days ago, and resources for them: half were fetched on
each of the last three nights (in use: kept), every one 60 days ago (the history). The prune
with the default 30 days must delete exactly the other half; the figure is its wall time.
"""

from __future__ import annotations

import argparse
import hashlib
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import text

from oitwatch.storage import open_database
from oitwatch.storage.schema import utcnow


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--readings", type=int, default=200_000)
    parser.add_argument("--db", default=None, help="an empty database [a temporary SQLite file]")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.db or f"sqlite:///{Path(folder) / 'prune.db'}"
        db = open_database(url)
        now = utcnow()
        old = now - timedelta(days=60)
        hashes = [hashlib.sha256(str(i).encode()).hexdigest() for i in range(args.readings)]
        in_use = hashes[: len(hashes) // 2]
        with db.engine.begin() as c:
            c.execute(
                text(
                    "insert into sites (url, host, created_at) values ('http://a.go.th/', 'a', :t)"
                ),
                {"t": now},
            )
            c.execute(
                text(
                    "insert into runs (site_id, started_at, status, checklist_id, fiscal_year,"
                    " pages_fetched, version) select id, :t, 'completed', 'x', 2569, 0, '1'"
                    " from sites"
                ),
                {"t": now},
            )
            batch = c.execute(
                text(
                    "insert into batches (started_at, status, trigger, sites_total, fiscal_year)"
                    " values (:t, 'completed', 'manual', 1, 2569) returning id"
                ),
                {"t": now},
            ).scalar_one()
            c.execute(
                text(
                    "insert into derived (key, content_hash, data, created_at)"
                    " values (:k, :h, :d, :t)"
                ),
                [{"k": "k" + h[1:], "h": h, "d": b"x" * 2000, "t": old} for h in hashes],
            )
            fetched = [{"h": h, "t": now - timedelta(days=d)} for h in in_use for d in (0, 1, 2)]
            fetched += [{"h": h, "t": old} for h in hashes]
            c.execute(
                text(
                    "insert into resources (run_id, url, outcome, kind, content_hash, size,"
                    " depth, fetched_at) select max(id), 'u', 'ok', 'html', :h, 0, 0, :t from runs"
                ),
                fetched,
            )
        started = time.monotonic()
        deleted = db.prune_derived(batch, 30)
        seconds = time.monotonic() - started
        db.close()
    assert deleted == len(hashes) - len(in_use), deleted
    print(
        f"{url.split(':')[0]}: {len(hashes)} readings, {len(fetched)} resources:"
        f" {deleted} deleted in {seconds:.1f} s"
    )


if __name__ == "__main__":
    main()
