"""Sites: one row per URL ever checked, with what the registry says of it."""

from __future__ import annotations

from sqlalchemy import select, update

from oitwatch.config.registry import SiteEntry
from oitwatch.storage.schema import Site
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
