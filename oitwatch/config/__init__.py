"""One typed settings object: defaults < settings file < environment (OITWATCH_*) < CLI flags.

The names below load settings.py (and pydantic with it, ~13 MB) on first use, not with the
package: every process imports this package through ``import oitwatch`` (config/cache.py),
and the document workers (documents/isolate.py) never read a setting.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from oitwatch.config.settings import CrawlSettings, Settings, load_settings

__all__ = ["CrawlSettings", "Settings", "load_settings"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from oitwatch.config import settings

        return getattr(settings, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
