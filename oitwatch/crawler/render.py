"""Rendering pages whose content JavaScript builds (Google Sites, single-page templates).

httpx fetches first; a page is rendered only when it looks like an empty script shell, and a
site found to need it is rendered from the start next time. The browser (Debian's Chromium,
driven by Playwright) starts on first need, so static sites never start it. It reaches only
the site being checked: third-party requests, images, media, fonts and downloads are refused;
dialogs are dismissed; every page has a deadline.

With an address policy (the web form's and the nightly run's guard), the browser reaches the
network only through a local proxy that vets and pins every connection (crawler/guard_proxy.py):
route interception never sees redirect hops, the proxy sees every one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from oitwatch.config.settings import RenderSettings
from oitwatch.crawler.guard import AddressPolicy
from oitwatch.crawler.guard_proxy import GuardProxy
from oitwatch.errors import OitwatchError

log = logging.getLogger(__name__)

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-gpu",
    "--disable-dev-shm-usage",
]
_BLOCKED_TYPES = frozenset({"image", "media", "font"})


class RenderUnavailable(OitwatchError):
    """No browser here; checks go on over HTTP only."""


@dataclass(frozen=True)
class Rendered:
    html: str
    final_url: str


class Renderer:
    """One browser per run, started lazily; at most ``settings.pages`` pages at once."""

    def __init__(
        self, settings: RenderSettings, user_agent: str, policy: AddressPolicy | None = None
    ) -> None:
        self.settings = settings
        self.user_agent = user_agent
        self.policy = policy
        self._proxy = GuardProxy(policy, settings.page_timeout) if policy is not None else None
        self._slots = asyncio.Semaphore(settings.pages)
        self._start_lock = asyncio.Lock()
        self._playwright: Any = None
        self._browser: Any = None
        self.unavailable: str | None = None
        self.pages_rendered = 0

    def available(self) -> bool:
        return self.unavailable is None and Path(self.settings.executable).exists()

    async def _browser_ready(self) -> Any:
        async with self._start_lock:
            if self._browser is not None:
                return self._browser
            if self.unavailable is not None:
                raise RenderUnavailable(self.unavailable)
            if not Path(self.settings.executable).exists():
                self.unavailable = (
                    f"no browser at {self.settings.executable} (apt-get install chromium)"
                )
                raise RenderUnavailable(self.unavailable)
            from playwright.async_api import Error as PlaywrightError
            from playwright.async_api import async_playwright

            try:
                self._playwright = await async_playwright().start()
                proxy, args = None, CHROMIUM_ARGS
                if self._proxy is not None:
                    # Loopback is never proxied by default: the guard must see it too.
                    proxy = {"server": await self._proxy.start()}
                    args = [*CHROMIUM_ARGS, "--proxy-bypass-list=<-loopback>"]
                self._browser = await self._playwright.chromium.launch(
                    executable_path=self.settings.executable,
                    headless=True,
                    args=args,
                    proxy=proxy,
                )
            except (PlaywrightError, OSError) as exc:
                self.unavailable = f"Chromium would not start: {exc}"
                await self.close()
                raise RenderUnavailable(self.unavailable) from exc
            return self._browser

    async def _page(self, allow: Callable[[str], bool]) -> tuple[Any, Any]:
        browser = await self._browser_ready()
        context = await browser.new_context(
            user_agent=self.user_agent,
            accept_downloads=False,
            service_workers="block",
            locale="th-TH",
        )

        async def only_the_site(route: Any) -> None:
            request = route.request
            if request.resource_type in _BLOCKED_TYPES or not allow(request.url):
                await route.abort()
            else:
                await route.continue_()

        await context.route("**/*", only_the_site)
        page = await context.new_page()
        page.on("dialog", lambda dialog: asyncio.ensure_future(dialog.dismiss()))
        return context, page

    async def _load(self, page: Any, url: str) -> None:
        from playwright.async_api import Error as PlaywrightError

        try:
            await page.goto(
                url, wait_until="domcontentloaded", timeout=self.settings.page_timeout * 1000
            )
        except PlaywrightError as exc:  # a page that never finishes loading still has a DOM
            log.info("render %s: %s", url, str(exc).splitlines()[0])
        # Scripts still busy after the settle time: take the page as it is.
        with contextlib.suppress(PlaywrightError):
            await page.wait_for_load_state("networkidle", timeout=self.settings.settle * 1000)

    async def render(self, url: str, allow: Callable[[str], bool]) -> Rendered | None:
        """The page's HTML after its scripts ran, or None if the browser could not get it."""
        from playwright.async_api import Error as PlaywrightError

        async with self._slots:
            context, page = await self._page(allow)
            try:
                async with asyncio.timeout(self.settings.page_timeout + self.settings.settle + 10):
                    await self._load(page, url)
                    html = await page.content()
                    self.pages_rendered += 1
                    return Rendered(html, page.url)
            except (PlaywrightError, TimeoutError) as exc:
                log.warning("render %s failed: %s", url, exc)
                return None
            finally:
                await context.close()

    async def screenshot(self, url: str, path: Path, allow: Callable[[str], bool]) -> bool:
        from playwright.async_api import Error as PlaywrightError

        async with self._slots:
            context, page = await self._page(allow)
            try:
                async with asyncio.timeout(self.settings.page_timeout + self.settings.settle + 10):
                    await self._load(page, url)
                    path.parent.mkdir(parents=True, exist_ok=True)
                    await page.screenshot(path=str(path), full_page=True)
                    return True
            except (PlaywrightError, TimeoutError, OSError) as exc:
                log.warning("screenshot %s failed: %s", url, exc)
                return False
            finally:
                await context.close()

    @property
    def refused(self) -> list[str]:
        """What the guard kept the browser from."""
        return self._proxy.refused if self._proxy is not None else []

    async def close(self) -> None:
        if self._proxy is not None:
            await self._proxy.close()
        browser, playwright = self._browser, self._playwright
        self._browser = self._playwright = None
        try:
            if browser is not None:
                await browser.close()
        finally:
            if playwright is not None:
                await playwright.stop()

    async def __aenter__(self) -> Renderer:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()
