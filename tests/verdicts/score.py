"""Score oitwatch against the verdict corpus: serve every corpus site on loopback, check it
in-process with the real product, and compare each item's verdict with the assessor's label.

    python -m tests.verdicts.score [--json] [--site NAME] [--no-chromium]

Coarse groups: {pass}, {partial, outdated} (something is there but it costs points),
{missing, broken, off_site, unverifiable} (nothing judgeable on the main website)."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tests.support.server import FixtureSite, Routes
from tests.verdicts.corpus import (
    CLASSES,
    EXTERNAL_IP,
    LAYOUTS,
    STATUSES,
    CorpusSite,
    Label,
    build,
    load_corpus,
)

COARSE = {
    "pass": "pass",
    "partial": "flawed",
    "outdated": "flawed",
    "missing": "absent",
    "broken": "absent",
    "off_site": "absent",
    "unverifiable": "absent",
}

# Crawl settings for loopback fixtures: no politeness delay, a page budget far above any corpus
# site, and timeouts short enough for a quick run yet long enough that a loaded machine (the
# fixture servers share the process, and its GIL, with the check) never times out a page by
# accident: the corpus's one deliberately slow link answers after 20 s.
CRAWL = {
    "delay": 0,
    "connect_timeout": 5,
    "read_timeout": 5,
    "total_timeout": 8,
    "retries": 1,
    "backoff": 0.05,
    "per_host": 4,
    "max_pages": 300,
}


@dataclass
class Outcome:
    site: str
    item: str
    label: str
    got: str
    label_urls: list[str]
    got_url: str | None
    label_declared: bool
    got_declared: bool
    classes: list[str]
    why: str
    reason_en: str = ""

    @property
    def fine_ok(self) -> bool:
        return self.label == self.got

    @property
    def coarse_ok(self) -> bool:
        return COARSE[self.label] == COARSE.get(self.got, self.got)

    @property
    def false_pass(self) -> bool:
        return self.label != "pass" and self.got == "pass"

    @property
    def url_ok(self) -> bool | None:
        if not self.label_urls:
            return None
        return self.got_url in self.label_urls

    @property
    def mapped(self) -> bool:
        """Issue 15: the row was read for the right item and the right year's URL."""
        if self.got_declared != self.label_declared:
            return False
        return not self.label_urls or self.got_url in self.label_urls


@dataclass
class Score:
    outcomes: list[Outcome]
    sites: list[str]
    seconds: float
    site_errors: dict[str, str] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)

    def _rate(self, hits: Iterable[bool]) -> float:
        values = list(hits)
        return round(sum(values) / len(values), 4) if values else 1.0

    @property
    def fine_accuracy(self) -> float:
        return self._rate(o.fine_ok for o in self.outcomes)

    @property
    def coarse_accuracy(self) -> float:
        return self._rate(o.coarse_ok for o in self.outcomes)

    @property
    def false_passes(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.false_pass]

    @property
    def url_accuracy(self) -> float:
        return self._rate(o.url_ok for o in self.outcomes if o.url_ok is not None)

    def per_status(self) -> dict[str, dict[str, float]]:
        table: dict[str, dict[str, float]] = {}
        for status in STATUSES:
            rows = [o for o in self.outcomes if o.label == status]
            if rows:
                table[status] = {"n": len(rows), "fine": self._rate(o.fine_ok for o in rows)}
        return table

    def per_class(self) -> dict[str, dict[str, float]]:
        table: dict[str, dict[str, float]] = {}
        for code in (*CLASSES, *LAYOUTS):
            rows = [o for o in self.outcomes if code in o.classes]
            if rows:
                table[code] = {
                    "n": len(rows),
                    "fine": self._rate(o.fine_ok for o in rows),
                    "false_passes": sum(o.false_pass for o in rows),
                }
        return table

    def rows_mapped(self) -> dict[str, dict[str, float]]:
        table: dict[str, dict[str, float]] = {}
        for code in LAYOUTS:
            rows = [o for o in self.outcomes if code in o.classes]
            if rows:
                table[code] = {"n": len(rows), "mapped": self._rate(o.mapped for o in rows)}
        return table

    def per_site(self) -> dict[str, dict[str, float]]:
        table: dict[str, dict[str, float]] = {}
        for site in self.sites:
            rows = [o for o in self.outcomes if o.site == site]
            if rows:
                table[site] = {
                    "n": len(rows),
                    "fine": self._rate(o.fine_ok for o in rows),
                    "false_passes": sum(o.false_pass for o in rows),
                }
        return table

    def confusion(self) -> dict[str, dict[str, int]]:
        table: dict[str, Counter[str]] = defaultdict(Counter)
        for o in self.outcomes:
            table[o.label][o.got] += 1
        return {label: dict(counts) for label, counts in table.items()}

    def disagreements(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.fine_ok or o.url_ok is False]

    def to_json(self) -> dict[str, Any]:
        return {
            "sites": self.sites,
            "items": len(self.outcomes),
            "seconds": round(self.seconds, 1),
            "fine_accuracy": self.fine_accuracy,
            "coarse_accuracy": self.coarse_accuracy,
            "url_accuracy": self.url_accuracy,
            "false_passes": len(self.false_passes),
            "per_status": self.per_status(),
            "per_class": self.per_class(),
            "rows_mapped": self.rows_mapped(),
            "per_site": self.per_site(),
            "confusion": self.confusion(),
            "site_errors": self.site_errors,
            "skipped": self.skipped,
            "disagreements": [asdict(o) for o in self.disagreements()],
        }


def _executable() -> str:
    """Where Chromium is, as the user configured it (OITWATCH_RENDER__EXECUTABLE)."""
    from oitwatch.config import Settings

    return Settings().render.executable


def chromium_available() -> bool:
    return Path(_executable()).exists()


def _relative(url: str | None, site_url: str, external_url: str) -> str | None:
    """The product's absolute URL in the labels' form: a path on the site, or EXTERNAL/..."""
    if url is None:
        return None
    if url.startswith(external_url + "/"):
        return "EXTERNAL" + url[len(external_url) :]
    if url.startswith(site_url):
        return url[len(site_url) :] or "/"
    return url


def _outcomes(
    site: CorpusSite, items: list[dict[str, Any]], site_url: str, external_url: str
) -> list[Outcome]:
    by_id = {i["id"]: i for i in items}
    rows = []
    for item_id, label in site.labels.items():
        got = by_id.get(item_id)
        rows.append(_outcome(label, got, site_url, external_url))
    return rows


def _outcome(label: Label, got: dict[str, Any] | None, site_url: str, external_url: str) -> Outcome:
    return Outcome(
        site=label.site,
        item=label.item,
        label=label.status,
        got=got["status"] if got else "(no item)",
        label_urls=list(label.urls),
        got_url=_relative(got.get("url"), site_url, external_url) if got else None,
        label_declared=label.declared,
        got_declared=bool(got and got.get("declared")),
        classes=list(label.classes),
        why=label.why,
        reason_en=str(got.get("reason_en", "")) if got else "",
    )


async def _check_all(
    sites: list[CorpusSite], db_path: Path, concurrency: int
) -> tuple[list[Outcome], dict[str, str]]:
    from oitwatch.config import Settings
    from oitwatch.crawler.fetcher import Fetcher
    from oitwatch.crawler.render import Renderer
    from oitwatch.pipeline.site import check_site
    from oitwatch.present.json_report import report_json
    from oitwatch.present.model import view_from_check
    from oitwatch.storage import open_database

    external_routes: Routes = {}
    external = FixtureSite(EXTERNAL_IP, external_routes).start()
    servers: list[FixtureSite] = []
    outcomes: list[Outcome] = []
    errors: dict[str, str] = {}
    db = open_database(f"sqlite:///{db_path}")
    base_settings = {
        "database": str(db_path),
        "crawl": CRAWL,
        "render": {"mode": "auto", "executable": _executable()},
        "alerts": {"recheck_delay": 0},
    }
    try:
        prepared = []
        for site in sites:
            server = FixtureSite(site.ip, {}).start()
            servers.append(server)
            external_url = f"{external.url}/{site.name}"
            served = build(site, server.url, external_url)
            server.routes.update(served.routes)
            server._server.fallback = served.fallback  # the fallback needs the routes first
            for path, route in served.external.items():
                external_routes[f"/{site.name}{path}"] = route
            prepared.append((site, server.url, external_url))

        first = Settings.model_validate(
            {**base_settings, "checklist": {"year": prepared[0][0].year}}
        )
        gate = asyncio.Semaphore(concurrency)
        async with (
            Fetcher(first.crawl) as fetcher,
            Renderer(first.render, first.crawl.user_agent) as renderer,
        ):

            async def one(site: CorpusSite, site_url: str, external_url: str) -> None:
                # The assessed year is always explicit: the product's default may change.
                settings = Settings.model_validate(
                    {**base_settings, "checklist": {"year": site.year}}
                )
                async with gate:
                    try:
                        report = await check_site(
                            site_url, settings, db, fetcher=fetcher, renderer=renderer
                        )
                    except Exception as exc:  # a crash is a finding about the product
                        errors[site.name] = f"{type(exc).__name__}: {exc}"
                        outcomes.extend(
                            _outcome(lb, None, site_url, external_url)
                            for lb in site.labels.values()
                        )
                        return
                items = report_json(view_from_check(report))["items"]
                outcomes.extend(_outcomes(site, items, site_url, external_url))

            await asyncio.gather(*(one(*p) for p in prepared))
    finally:
        db.close()
        for server in servers:
            server.stop()
        external.stop()
    order = {s.name: n for n, s in enumerate(sites)}
    outcomes.sort(key=lambda o: (order[o.site], int(o.item.lstrip("O"))))
    return outcomes, errors


def run(
    only: str | None = None, *, with_chromium: bool | None = None, concurrency: int = 3
) -> Score:
    """Check the corpus and score it. Sites that need Chromium are skipped (and said so) when
    it is missing or ``with_chromium`` is False."""
    sites = load_corpus(only)
    if with_chromium is None:
        with_chromium = chromium_available()
    skipped = {
        s.name: "needs Chromium (JavaScript-built site)"
        for s in sites
        if s.needs_chromium and not with_chromium
    }
    sites = [s for s in sites if s.name not in skipped]
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="oitwatch-verdicts-") as tmp:
        if sites:
            outcomes, errors = asyncio.run(
                _check_all(sites, Path(tmp) / "verdicts.db", concurrency)
            )
        else:
            outcomes, errors = [], {}
    return Score(outcomes, [s.name for s in sites], time.monotonic() - started, errors, skipped)


# -- printing ----------------------------------------------------------------------------


def _pct(x: float) -> str:
    return f"{x:.3f}"


def _short(o: Outcome) -> str:
    return f"{o.site}/{o.item} " + ("url" if o.fine_ok else f"{o.label}->{o.got}")


def render_text(score: Score) -> str:
    out: list[str] = []
    w = out.append
    w(
        f"verdict corpus: {len(score.outcomes)} labelled items on {len(score.sites)} sites "
        f"({score.seconds:.0f} s)"
    )
    for name, why in score.skipped.items():
        w(f"  skipped {name}: {why}")
    for name, err in score.site_errors.items():
        w(f"  ERROR {name}: {err}")
    w("")
    w(f"fine accuracy    {_pct(score.fine_accuracy)}   (exact status)")
    w(
        f"coarse accuracy  {_pct(score.coarse_accuracy)}   "
        "({pass} / {partial,outdated} / {missing,broken,off_site,unverifiable})"
    )
    w(f"url accuracy     {_pct(score.url_accuracy)}   (items whose label names URLs)")
    w(f"false passes     {len(score.false_passes)}")
    for o in score.false_passes:
        w(f"  {o.site}/{o.item}: label {o.label}, got pass ({o.got_url}) -- {o.why}")
    w("")
    w("per status (label)      n   fine")
    for status, row in score.per_status().items():
        w(f"  {status:<14} {int(row['n']):>6}  {_pct(row['fine'])}")
    w("")
    w("per class               n   fine  false-passes")
    for code, row in score.per_class().items():
        w(f"  {code:<14} {int(row['n']):>6}  {_pct(row['fine'])}  {int(row['false_passes'])}")
    w("")
    w("rows mapped (issue 15)  n   mapped")
    for code, row in score.rows_mapped().items():
        w(f"  {code:<14} {int(row['n']):>6}  {_pct(row['mapped'])}")
    w("")
    w("per site                n   fine  false-passes")
    for site, row in score.per_site().items():
        w(f"  {site:<18} {int(row['n']):>2}  {_pct(row['fine'])}  {int(row['false_passes'])}")
    w("")
    w("confusion (rows: label, columns: got)")
    got_cols = [s for s in STATUSES if any(o.got == s for o in score.outcomes)]
    got_cols += sorted({o.got for o in score.outcomes} - set(STATUSES))
    w("  " + " " * 13 + "".join(f"{c[:8]:>9}" for c in got_cols))
    confusion = score.confusion()
    for label in STATUSES:
        if label in confusion:
            w(f"  {label:<13}" + "".join(f"{confusion[label].get(c, 0):>9}" for c in got_cols))
    w("")
    dis = score.disagreements()
    w('disagreements by class (site/item label->got; "url": right status, wrong URL)')
    for code in (*CLASSES, *LAYOUTS):
        rows = [o for o in dis if code in o.classes]
        if rows:
            w(f"  {code:<4} " + ", ".join(_short(o) for o in rows))
    unclassed = [o for o in dis if not o.classes]
    if unclassed:
        w("  --   " + ", ".join(_short(o) for o in unclassed))
    w("")
    w(f"disagreements ({len(dis)}): site/item  label -> got  [classes]  got url | label urls")
    for o in dis:
        mark = "" if o.fine_ok else f"{o.label} -> {o.got}"
        if o.fine_ok:
            mark = f"{o.label} (url)"
        w(f"  {o.site}/{o.item}  {mark}  [{' '.join(o.classes)}]")
        w(f"      got {o.got_url} | want {' '.join(o.label_urls) or '-'}")
        w(f"      why: {o.why}")
        if o.reason_en:
            w(f"      product: {o.reason_en[:200]}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.verdicts.score", description=__doc__)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--site", help="score one corpus site only")
    parser.add_argument("--no-chromium", action="store_true", help="skip sites that need Chromium")
    args = parser.parse_args(argv)
    score = run(args.site, with_chromium=False if args.no_chromium else None)
    if args.json:
        print(json.dumps(score.to_json(), ensure_ascii=False, indent=2))
    else:
        print(render_text(score))
    return 0


if __name__ == "__main__":
    sys.exit(main())
