"""Sites: one row per URL ever checked, with what the registry says of it."""

from __future__ import annotations

from sqlalchemy import delete, func, select, update

from oitwatch.config.registry import SiteEntry
from oitwatch.storage.records import ForgottenSite
from oitwatch.storage.schema import (
    AlertStateRow,
    FleetJob,
    ItemResultRow,
    OutboxMessage,
    ResourceRow,
    Run,
    Site,
)
from oitwatch.storage.session import Store
from oitwatch.text.urls import host_of


class SiteStore(Store):
    def site(self, url: str, entry: SiteEntry | None = None) -> Site:
        """The site row for a URL, created on first sight; registry details kept up to date."""
        with self.session() as session:
            site = session.scalar(select(Site).where(Site.url == url))
            if site is None:
                site = Site(url=url, host=host_of(url))
                session.add(site)
            if entry is not None:
                site.name = entry.name or site.name
                site.agency_type = entry.type or site.agency_type
                site.province = entry.province or site.province
                site.code = entry.code or site.code
            session.flush()
            return site

    def name_site(self, site_id: int, title: str) -> None:
        name = " ".join(title.split())[:200]
        if name:
            with self.session() as session:
                session.execute(
                    update(Site).where(Site.id == site_id, Site.name.is_(None)).values(name=name)
                )

    def remember_rendering(self, site_id: int, needed: bool) -> None:
        with self.session() as session:
            session.execute(update(Site).where(Site.id == site_id).values(needs_render=needed))

    def find_site(self, text: str) -> Site | None:
        """A site by URL, host or name, as a person would type it."""
        with self.session() as session:
            for clause in (
                Site.url == text,
                Site.host == text.lower(),
                Site.name == text,
                Site.host == f"www.{text.lower()}",
                Site.url.contains(text.lower()),
            ):
                site = session.scalars(select(Site).where(clause).limit(1)).first()
                if site is not None:
                    return site
            return None

    def site_by_id(self, site_id: int) -> Site | None:
        with self.session() as session:
            return session.get(Site, site_id)

    def run_count(self, site_id: int) -> int:
        with self.session() as session:
            return int(session.scalar(select(func.count()).where(Run.site_id == site_id)) or 0)

    def forget_site(self, site_id: int) -> ForgottenSite | None:
        """Delete one site and everything stored about it (runs, fetched resources, item
        results, alert states, its own mails), in one transaction; the one deletion of user
        history, asked for by a person. Nothing of any other site is touched: batches keep
        their rows, and a fleet job that checked this site only loses its link to the deleted
        run. Its screenshots' paths are handed back for the caller to remove."""
        with self.session() as session:
            site = session.get(Site, site_id)
            if site is None:
                return None
            name = site.name or site.host
            runs = select(Run.id).where(Run.site_id == site_id).scalar_subquery()
            shots = tuple(
                shot
                for shot in session.scalars(
                    select(ItemResultRow.screenshot).where(ItemResultRow.run_id.in_(runs))
                )
                if shot
            )
            count = session.scalar(select(func.count()).where(Run.site_id == site_id)) or 0
            session.execute(update(FleetJob).where(FleetJob.run_id.in_(runs)).values(run_id=None))
            session.execute(delete(AlertStateRow).where(AlertStateRow.site_id == site_id))
            session.execute(delete(OutboxMessage).where(OutboxMessage.site_id == site_id))
            session.execute(delete(ItemResultRow).where(ItemResultRow.run_id.in_(runs)))
            session.execute(delete(ResourceRow).where(ResourceRow.run_id.in_(runs)))
            session.execute(delete(Run).where(Run.site_id == site_id))
            session.execute(delete(Site).where(Site.id == site_id))
        return ForgottenSite(name, int(count), shots)
