"""Settings. Nothing else in oitwatch reads os.environ."""

from __future__ import annotations

import os
import tomllib
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal, get_origin

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    SettingsError,
)

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
    concurrency: int = Field(
        default=256, ge=1, le=1024, description="Requests in flight, all hosts together"
    )
    per_host: int = Field(default=2, ge=1, le=64, description="Requests in flight per host")
    per_ip: int = Field(
        default=4, ge=1, le=256, description="Requests in flight per server IP (shared hosting)"
    )
    delay: float = Field(default=0.5, ge=0, le=60, description="Seconds between requests to a host")
    respect_robots: bool = True
    connect_timeout: float = Field(default=10, gt=0)
    read_timeout: float = Field(default=20, gt=0)
    total_timeout: float = Field(default=60, gt=0, description="Whole fetch, retries excluded")
    resource_deadline: float = Field(
        default=120, gt=0, description="Seconds for one URL, retries and redirects included"
    )
    site_deadline: float = Field(
        default=600,
        gt=0,
        description="Seconds for one site's check; past it the check ends with what it has",
    )
    retries: int = Field(default=2, ge=0, le=10, description="Retries for transient errors only")
    backoff: float = Field(default=0.5, ge=0, description="First retry wait; doubles each time")
    max_bytes: int = Field(default=25 * 1024 * 1024, ge=1024, description="Cap per response")
    max_query_variants: int = Field(
        default=25, ge=1, description="Query-string variants of one path before it is a trap"
    )
    max_redirects: int = Field(default=10, ge=0, le=50)
    incremental: bool = Field(
        default=True,
        description="Ask 'changed since the last check?' and reuse what is unchanged (--full: no)",
    )
    full_every_days: float = Field(
        default=7,
        ge=0,
        description="Between full crawls, a site whose evidence, ITA pages and home page are"
        " unchanged is not crawled again: its last verdicts stand (0: crawl every night)",
    )
    keep_readings_days: float = Field(
        default=30,
        ge=0,
        description="After a run, readings of pages and files no check fetched for this long are"
        " deleted (a cache: the history is never touched); at least twice full_every_days",
    )

    @model_validator(mode="after")
    def _readings_outlive_revisits(self) -> CrawlSettings:
        # A site revisited without a crawl fetches nothing for up to full_every_days, and its
        # readings must still be there for its next crawl.
        if self.keep_readings_days < 2 * self.full_every_days:
            raise ValueError(
                f"keep_readings_days ({self.keep_readings_days:g}) must be at least twice"
                f" full_every_days ({self.full_every_days:g})"
            )
        return self


class OcrSettings(BaseModel):
    """Reading scanned evidence with Tesseract (Debian: tesseract-ocr, tesseract-ocr-tha)."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = True
    languages: str = "tha+eng"
    max_pages: int = Field(default=10, ge=1, le=200, description="Pages read per document")
    page_timeout: float = Field(default=90, gt=0, description="Seconds per page")
    dpi: int = Field(default=300, ge=100, le=600)


class DocumentSettings(BaseModel):
    """PDF, DOCX and XLSX are read in a worker process with these limits (documents/isolate.py):
    a hostile file costs that file, never the check."""

    model_config = ConfigDict(extra="forbid")

    memory_mb: int = Field(
        default=384, ge=128, le=16384, description="Address space of the reading process"
    )
    seconds: float = Field(default=30, gt=0, le=3600, description="Time to read one file")


class RenderMode(StrEnum):
    """When pages are rendered with Chromium (``render.mode``, ``check --render``)."""

    AUTO = "auto"  # only pages built by JavaScript, and every page of a site known to need it
    NEVER = "never"
    ALWAYS = "always"


class RenderSettings(BaseModel):
    """JavaScript rendering with Debian's Chromium through Playwright."""

    model_config = ConfigDict(extra="forbid")

    mode: RenderMode = RenderMode.AUTO
    executable: str = "/usr/bin/chromium"
    pages: int = Field(default=2, ge=1, le=16, description="Browser pages open at once")
    page_timeout: float = Field(default=20, gt=0, description="Seconds to load one page")
    settle: float = Field(default=3, ge=0, description="Seconds to wait for scripts to finish")
    screenshots: bool = False
    screenshots_dir: str = "screenshots"


class WebSettings(BaseModel):
    """`oitwatch serve`. The check form fetches URLs for strangers: see crawler/guard.py."""

    model_config = ConfigDict(extra="forbid")

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    allow_loopback: bool = Field(
        default=False, description="Let the form check 127.0.0.0/8 (tests, local use)"
    )
    allow_hosts: list[str] = Field(
        default_factory=list,
        description="IP addresses or networks the form may reach although not public",
    )
    admin_token: SecretStr | None = Field(default=None, description="Needed for write actions")
    private: bool = Field(default=False, description="Reading pages needs read_token too")
    read_token: SecretStr | None = None
    workers: int = Field(default=2, ge=1, le=16, description="Checks running at once")
    checks_per_client: int = Field(default=5, ge=1, description="Per client per 10 minutes")
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description="Reverse proxies (IP addresses or networks) whose X-Forwarded-For is believed;"
        " from anyone else the header is ignored, so it cannot dodge the rate limit",
    )


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

    # Politeness, not this number, should bound a nightly run: at 1 request/s per host a site
    # of ~121 requests takes ~2 minutes whatever the machine, so the country (7,850 sites)
    # needs ~130 sites in flight to finish in 2 hours. The memory budget holds back new
    # sites when the process grows past it.
    sites_in_flight: int = Field(default=256, ge=1, le=2000, description="Sites checked at once")
    memory_budget_mb: int = Field(
        default=1024, ge=64, description="Start no new site while the process is larger"
    )
    # One process parses and judges on one core; a large run without a delay is bound by it.
    processes: int = Field(
        default=0,
        ge=0,
        le=64,
        description="Processes checking a run's sites, the run's own included (0: one per CPU"
        " core when the run has at least 24 sites per process); sites sharing a server address"
        " stay in one process",
    )
    allow_loopback: bool = Field(
        default=True,
        description="Registry sites on 127.0.0.0/8 may be checked (the registry is the operator's)",
    )
    allow_hosts: list[str] = Field(
        default_factory=list,
        description="Private addresses or networks (10.1.2.3, 10.1.0.0/16) registry sites may use;"
        " every other private, link-local (cloud metadata) or reserved address is refused",
    )
    log_file: str = Field(
        default="",
        description="Where errors of a run are logged with their traceback"
        " (default: oitwatch.log beside the SQLite database, else in the working folder)",
    )


def _env_name(field_name: str, value: object) -> str:
    """The environment variable that held a value, to name it in an error."""
    for name, text in os.environ.items():
        upper = name.upper()
        if upper.startswith("OITWATCH_") and upper.endswith(field_name.upper()) and text == value:
            return name
    return f"OITWATCH_...{field_name.upper()}"


class _EnvSource(EnvSettingsSource):
    """Environment values: JSON for lists and nested settings, as pydantic-settings reads
    them, and also a plain comma-separated list (OITWATCH_ALERTS__STAFF=a@x.th,b@x.th)."""

    def decode_complex_value(self, field_name: str, field: FieldInfo | None, value: Any) -> Any:
        try:
            return super().decode_complex_value(field_name, field, value)  # type: ignore[arg-type]
        except ValueError:
            if field is not None and get_origin(field.annotation) is list:
                return [part.strip() for part in str(value).split(",") if part.strip()]
            name = _env_name(field_name, value)
            raise ValueError(
                f"environment variable {name}={value!r} is not JSON: a group of settings takes"
                f' JSON (e.g. {name}=\'{{"key": "value"}}\'), or set each setting on its own'
                " (e.g. OITWATCH_CRAWL__DELAY=1)"
            ) from None


class ChecklistSettings(BaseModel):
    """Which OIT form to check against."""

    model_config = ConfigDict(extra="forbid")

    year: int | None = Field(
        default=None,
        description="Pin a form (พ.ศ., e.g. 2569); default: the fiscal year in force today",
    )


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

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return init_settings, _EnvSource(settings_cls), dotenv_settings, file_secret_settings

    database: str = Field(default=DEFAULT_DB, description="SQLite file path or SQLAlchemy URL")
    checklist: ChecklistSettings = Field(default_factory=ChecklistSettings)
    today: date | None = Field(
        default=None,
        description="The date to take as today (OITWATCH_TODAY), for tests; default: the clock",
    )
    crawl: CrawlSettings = Field(default_factory=CrawlSettings)
    ocr: OcrSettings = Field(default_factory=OcrSettings)
    documents: DocumentSettings = Field(default_factory=DocumentSettings)
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

    @property
    def database_folder(self) -> Path | None:
        """The SQLite database's folder (None for a server database)."""
        url = self.database_url
        if not url.startswith("sqlite:///") or url.endswith(":memory:"):
            return None
        return Path(url.removeprefix("sqlite:///")).parent

    @property
    def log_path(self) -> Path:
        if self.run.log_file:
            return Path(self.run.log_file)
        return (self.database_folder or Path()) / "oitwatch.log"


def _deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def read_toml(path: Path, what: str) -> dict[str, Any]:
    """A TOML file's contents; a ConfigError naming the file when it cannot be used."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{what} {path} is not UTF-8 text (byte {exc.start}): save it as UTF-8"
            " (บันทึกไฟล์เป็น UTF-8)"
        ) from None
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{what} {path}: {exc}") from exc


def load_settings(file: Path | None = None, **cli: Any) -> Settings:
    """Build settings from the layers; a typo in any of them is a ConfigError naming the field."""
    from_file: dict[str, Any] = {}
    if file is not None:
        from_file = read_toml(file, "settings file")
    cli_values = {k: v for k, v in cli.items() if v is not None}
    try:
        # Environment beats the file: read env alone, then lay it over the file's values.
        env_only = Settings().model_dump(exclude_defaults=True)
        layered = _deep_merge(_deep_merge(from_file, env_only), cli_values)
        return Settings.model_validate(layered)
    except SettingsError as exc:
        raise ConfigError(f"invalid settings: {exc.__cause__ or exc}") from exc
    except ValidationError as exc:
        problems = "; ".join(
            # A validator's own sentence, without pydantic's "Value error, " before it.
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg'].removeprefix('Value error, ')}"
            for err in exc.errors()
        )
        raise ConfigError(f"invalid settings: {problems}") from exc
