"""Settings. Nothing else in oitwatch reads os.environ."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from oitwatch import __version__
from oitwatch.errors import ConfigError

DEFAULT_DB = "oitwatch.db"
CONTACT_URL = "https://github.com/oitwatch/oitwatch#for-webmasters"


class CrawlSettings(BaseModel):
    """How one site is crawled. Defaults are polite enough for a small agency's shared host."""

    model_config = ConfigDict(extra="forbid")

    user_agent: str = Field(
        default=f"oitwatch/{__version__} (+{CONTACT_URL}; ITA/OIT disclosure checker)",
        description="Honest User-Agent with a contact URL",
    )
    max_pages: int = Field(default=400, ge=1, le=100_000, description="Page budget per site")
    max_depth: int = Field(default=6, ge=0, le=50, description="Link depth from the home page")
    concurrency: int = Field(default=16, ge=1, le=512, description="Requests in flight, all hosts")
    per_host: int = Field(default=2, ge=1, le=64, description="Requests in flight per host")
    per_ip: int = Field(
        default=4, ge=1, le=256, description="Requests in flight per server IP (shared hosting)"
    )
    delay: float = Field(default=0.5, ge=0, le=60, description="Seconds between requests to a host")
    respect_robots: bool = True
    connect_timeout: float = Field(default=10, gt=0)
    read_timeout: float = Field(default=20, gt=0)
    total_timeout: float = Field(default=60, gt=0, description="Whole fetch, retries excluded")
    retries: int = Field(default=2, ge=0, le=10, description="Retries for transient errors only")
    backoff: float = Field(default=0.5, ge=0, description="First retry wait; doubles each time")
    max_bytes: int = Field(default=25 * 1024 * 1024, ge=1024, description="Cap per response")
    max_query_variants: int = Field(
        default=25, ge=1, description="Query-string variants of one path before it is a trap"
    )
    max_redirects: int = Field(default=10, ge=0, le=50)


class OcrSettings(BaseModel):
    """Reading scanned evidence with Tesseract (Debian: tesseract-ocr, tesseract-ocr-tha)."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = True
    languages: str = "tha+eng"
    max_pages: int = Field(default=10, ge=1, le=200, description="Pages read per document")
    page_timeout: float = Field(default=90, gt=0, description="Seconds per page")
    dpi: int = Field(default=300, ge=100, le=600)


class RenderSettings(BaseModel):
    """JavaScript rendering with Debian's Chromium through Playwright."""

    model_config = ConfigDict(extra="forbid")

    mode: Literal["auto", "never", "always"] = "auto"
    executable: str = "/usr/bin/chromium"
    pages: int = Field(default=2, ge=1, le=16, description="Browser pages open at once")
    page_timeout: float = Field(default=20, gt=0, description="Seconds to load one page")
    settle: float = Field(default=3, ge=0, description="Seconds to wait for scripts to finish")
    screenshots: bool = False
    screenshots_dir: str = "screenshots"


class WebSettings(BaseModel):
    """`oitwatch serve`. The check form fetches URLs for strangers: see web/guard.py."""

    model_config = ConfigDict(extra="forbid")

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    allow_loopback: bool = Field(
        default=False, description="Let the form check 127.0.0.0/8 (tests, local use)"
    )
    allow_hosts: list[str] = Field(
        default_factory=list, description="IP addresses the form may reach although not public"
    )
    admin_token: SecretStr | None = Field(default=None, description="Needed for write actions")
    private: bool = Field(default=False, description="Reading pages needs read_token too")
    read_token: SecretStr | None = None
    workers: int = Field(default=2, ge=1, le=16, description="Checks running at once")
    checks_per_client: int = Field(default=5, ge=1, description="Per client per 10 minutes")


class SmtpSettings(BaseModel):
    """Where alerts are sent from. The password is a secret: never printed or logged."""

    model_config = ConfigDict(extra="forbid")

    host: str = "localhost"
    port: int = Field(default=25, ge=1, le=65535)
    security: Literal["none", "starttls", "ssl"] = "none"
    username: str | None = None
    password: SecretStr | None = None
    sender: str = "oitwatch@localhost"
    timeout: float = Field(default=20, gt=0)


class AlertSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enabled: bool = True
    staff: list[str] = Field(default_factory=list, description="Digest recipients (DLA staff)")
    recheck_delay: float = Field(
        default=60,
        ge=0,
        description="Seconds before a new failure is re-checked, so a blip wakes nobody",
    )


class ScheduleSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cron: str = Field(default="0 1 * * *", description="When nightly runs start (crontab syntax)")
    timezone: str = "Asia/Bangkok"


class RunSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sites_in_flight: int = Field(default=16, ge=1, le=1000, description="Sites checked at once")


class FleetSettings(BaseModel):
    """`oitwatch run --queue` and `oitwatch worker`: many machines on one PostgreSQL."""

    model_config = ConfigDict(extra="forbid")

    concurrency: int = Field(default=4, ge=1, le=256, description="Site jobs at once per worker")
    heartbeat: float = Field(default=10, gt=0, description="Seconds between worker heartbeats")
    stall_timeout: float = Field(
        default=60, gt=0, description="A worker silent this long is dead: its sites are retried"
    )
    max_attempts: int = Field(default=3, ge=1, le=10, description="Tries of a site per batch")
    poll: float = Field(default=5, gt=0, description="Seconds between looks for new jobs")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="OITWATCH_", env_nested_delimiter="__", extra="forbid"
    )

    database: str = Field(default=DEFAULT_DB, description="SQLite file path or SQLAlchemy URL")
    fiscal_year: int = Field(default=2568, description="Which checklist to check against")
    crawl: CrawlSettings = Field(default_factory=CrawlSettings)
    ocr: OcrSettings = Field(default_factory=OcrSettings)
    render: RenderSettings = Field(default_factory=RenderSettings)
    web: WebSettings = Field(default_factory=WebSettings)
    sites_file: str = Field(default="sites.toml", description="The site registry (TOML)")
    run: RunSettings = Field(default_factory=RunSettings)
    smtp: SmtpSettings = Field(default_factory=SmtpSettings)
    alerts: AlertSettings = Field(default_factory=AlertSettings)
    schedule: ScheduleSettings = Field(default_factory=ScheduleSettings)
    fleet: FleetSettings = Field(default_factory=FleetSettings)

    @property
    def database_url(self) -> str:
        return self.database if "://" in self.database else f"sqlite:///{self.database}"


def _deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def load_settings(file: Path | None = None, **cli: Any) -> Settings:
    """Build settings from the layers; a typo in any of them is a ConfigError naming the field."""
    from_file: dict[str, Any] = {}
    if file is not None:
        try:
            from_file = tomllib.loads(file.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"settings file {file}: {exc}") from exc
    cli_values = {k: v for k, v in cli.items() if v is not None}
    try:
        # Environment beats the file: read env alone, then lay it over the file's values.
        env_only = Settings().model_dump(exclude_defaults=True)
        layered = _deep_merge(_deep_merge(from_file, env_only), cli_values)
        return Settings.model_validate(layered)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise ConfigError(f"invalid settings: {problems}") from exc
