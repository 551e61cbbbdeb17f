"""robots.txt per host (protego), fetched once per run and cached."""

from __future__ import annotations

from protego import Protego


class RobotsRules:
    def __init__(self, text: str | None, user_agent: str) -> None:
        self._parser = Protego.parse(text) if text else None
        self._agent = user_agent.split("/", 1)[0]

    def allowed(self, url: str) -> bool:
        return self._parser is None or bool(self._parser.can_fetch(url, self._agent))

    @property
    def crawl_delay(self) -> float | None:
        if self._parser is None:
            return None
        delay = self._parser.crawl_delay(self._agent)
        return float(delay) if delay is not None else None

    @property
    def sitemaps(self) -> list[str]:
        return list(self._parser.sitemaps) if self._parser is not None else []
