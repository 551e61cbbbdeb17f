"""One typed settings object: defaults < settings file < environment (OITWATCH_*) < CLI flags."""

from oitwatch.config.settings import CrawlSettings, Settings, load_settings

__all__ = ["CrawlSettings", "Settings", "load_settings"]
