"""One site's alerts after its check: what changed since the last night, a second look at a new
failure before anyone is woken, and the mails queued in the outbox. Used by the nightly run
(runs/batch.py) and by the fleet's workers (fleet/worker.py)."""

from __future__ import annotations

import asyncio
from datetime import datetime

from oitwatch.alerts.compose import problems_mail, recovery_mail
from oitwatch.alerts.transitions import Changes, Kind, detect, unconfirmed
from oitwatch.config import Settings
from oitwatch.config.registry import SiteEntry
from oitwatch.crawler.fetcher import Fetcher
from oitwatch.pipeline.crawl import to_resource
from oitwatch.pipeline.site import CheckReport
from oitwatch.storage import Database


def _when() -> str:
    return datetime.now().astimezone().strftime("%Y-%m-%d %H:%M")


class SiteAlerts:
    """Decide, confirm and queue one site's alerts after its run."""

    def __init__(self, settings: Settings, db: Database, fetcher: Fetcher, batch_id: int) -> None:
        self.settings, self.db, self.fetcher, self.batch_id = settings, db, fetcher, batch_id
        self.blips = 0  # new failures that a re-check did not confirm

    async def _still_failing(self, url: str) -> bool:
        resource = to_resource(await self.fetcher.fetch(url), 0, None)
        return not resource.ok

    async def process(self, report: CheckReport, entry: SiteEntry) -> Changes:
        known = self.db.alert_states(report.site_id)
        previous = {
            item: prior.url
            for item, prior in self.db.previous_items(report.site_id, report.run_id).items()
        }
        changes = detect(known, report.items, report.site_status, report.site, previous)
        suspects = [t for t in changes.transitions if t.kind is Kind.PROBLEM and t.recheck_url]
        if suspects:
            # One failed night may be a blip: look again before waking anyone.
            await asyncio.sleep(self.settings.alerts.recheck_delay)
            blips = {
                t.item_id
                for t in suspects
                if t.recheck_url and not await self._still_failing(t.recheck_url)
            }
            self.blips += len(blips)
            changes = unconfirmed(changes, known, blips)
        mails = []
        if entry.recipients and self.settings.alerts.enabled:
            problems = [t for t in changes.transitions if t.kind is Kind.PROBLEM]
            fixed = [t for t in changes.transitions if t.kind is Kind.RECOVERY]
            if problems:
                mails.append(
                    problems_mail(entry.label, report.site, _when(), problems, entry.recipients)
                )
            if fixed:
                mails.append(
                    recovery_mail(entry.label, report.site, _when(), fixed, entry.recipients)
                )
        self.db.save_alerts(
            report.site_id,
            report.run_id,
            # Only what changed: an unchanged site's night writes no alert state.
            {k: v for k, v in changes.states.items() if known.get(k) != v},
            mails,
            self.batch_id,
            {
                "new": [t.item_id for t in changes.transitions if t.kind is Kind.PROBLEM],
                "fixed": [t.item_id for t in changes.transitions if t.kind is Kind.RECOVERY],
            },
        )
        return changes
