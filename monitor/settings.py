"""Settings: one TOML file validated with pydantic; secrets come only from the environment."""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

DEFAULT_CONFIG = Path("config/makegood.example.toml")
DATABASE_URL_ENV = "MAKEGOOD_DATABASE_URL"
SECRET_KEY_ENV = "MAKEGOOD_SECRET_KEY"
MAX_SLA_MINUTES = 30 * 24 * 60


class ConfigError(Exception):
    """The configuration file is missing or invalid; the message names the file and the key."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StorageSettings(_Strict):
    """Where the database lives. The URL may also come from MAKEGOOD_DATABASE_URL."""

    url: str = "sqlite:///data/makegood.db"


class WebSettings(_Strict):
    """The review-queue web app."""

    host: str = "127.0.0.1"
    port: int = Field(8080, ge=1, le=65535)
    base_url: str = "http://127.0.0.1:8080"
    secure_cookies: bool = False  # set true behind HTTPS
    session_hours: int = Field(12, ge=1)
    api_requests_per_minute: int = Field(
        120,
        ge=1,
        le=100_000,
        description="JSON API (/api/v1): requests a token may make per minute, sustained"
        " (per web worker process: an in-memory token bucket)",
    )
    api_burst: int = Field(
        30,
        ge=1,
        le=100_000,
        description="JSON API: requests a token may make at once, before the rate applies",
    )


class SmtpSettings(_Strict):
    """Outgoing mail. The password comes from the variable named by `password_env`."""

    host: str = "127.0.0.1"
    port: int = Field(25, ge=1, le=65535)
    starttls: bool = False
    username: str = ""
    # Sending the login without STARTTLS exposes the password; only for a trusted link (localhost).
    allow_plain_login: bool = False
    password_env: str = "MAKEGOOD_SMTP_PASSWORD"
    sender: str = "makegood@localhost"
    timeout_seconds: float = Field(10.0, gt=0)

    @property
    def password(self) -> str:
        """The SMTP password from the environment (empty when unset)."""
        return os.environ.get(self.password_env, "")


class AlertSettings(_Strict):
    """Who gets alert e-mails, when, and how many."""

    recipients: list[str] = []
    min_severity: Literal["medium", "high", "critical"] = "high"
    quiet_hours: str = ""  # "22:00-07:00" in `timezone`; empty = none
    timezone: str = "UTC"
    max_per_hour: int = Field(20, ge=1)
    digest_hour: int = Field(8, ge=0, le=23)

    @field_validator("quiet_hours")
    @classmethod
    def _quiet_hours(cls, value: str) -> str:
        if not value:
            return value
        match = re.fullmatch(r"(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})", value.strip())
        if not match:
            raise ValueError("expected HH:MM-HH:MM, e.g. 22:00-07:00")
        start_h, start_m, end_h, end_m = (int(g) for g in match.groups())
        if max(start_h, end_h) > 23 or max(start_m, end_m) > 59:
            raise ValueError(f"{value!r}: hours are 00-23 and minutes 00-59")
        if (start_h, start_m) == (end_h, end_m):
            raise ValueError(f"{value!r}: start and end are the same time (leave it empty)")
        return value.strip()

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: "America" is a folder
            raise ValueError(
                f"unknown time zone {value!r} (an IANA name, e.g. Europe/Berlin)"
            ) from None
        return value


class SpikeSettings(_Strict):
    """The spike watch: negative volume per bucket against its own baseline."""

    bucket_minutes: int = Field(60, ge=1, le=1440)  # at most a day per bucket
    baseline_hours: int = Field(24, ge=1, le=24 * 90)  # a baseline of at most 90 days
    k_sigma: float = Field(3.0, gt=0, le=100)  # older configs: used as alpha (normal tail)
    min_count: int = Field(5, ge=1, le=1_000_000)
    viral_engagement_per_hour: float = Field(500.0, gt=0, allow_inf_nan=False)
    # The Poisson rule (monitor.spike): P(X >= observed | expected) < alpha, observed at least
    # min_ratio times the expected count, expected never below min_expected per bucket.
    alpha: float = Field(1e-4, gt=0, lt=1)
    min_ratio: float = Field(3.0, ge=1, le=1000)
    min_expected: float = Field(0.5, gt=0, le=1_000_000)
    # Shorter windows (minutes) scanned inside the bucket, each against its share of the
    # expected count; they split scan_share of alpha evenly, the bucket keeps the rest.
    # [] tests the bucket only.
    scan_minutes: list[int] = Field(default_factory=lambda: [15, 30])
    scan_share: float = Field(0.2, ge=0, lt=1)  # of alpha, for the shorter windows together

    @field_validator("scan_minutes")
    @classmethod
    def _positive_windows(cls, value: list[int]) -> list[int]:
        if any(m < 1 for m in value):
            raise ValueError("scan windows are whole minutes, at least 1")
        return value

    @model_validator(mode="after")
    def _windows_inside_the_bucket(self) -> SpikeSettings:
        if any(m >= self.bucket_minutes for m in self.scan_minutes):
            raise ValueError(
                f"scan_minutes must be shorter than bucket_minutes ({self.bucket_minutes})"
            )
        return self


class WorkerSettings(_Strict):
    """The background worker: job intervals, leases, and how late a missed run may still start."""

    outbox_interval_seconds: int = Field(10, ge=1)
    alerts_interval_seconds: int = Field(30, ge=1)
    spike_interval_seconds: int = Field(300, ge=1)
    refresh_interval_seconds: int = Field(900, ge=1)
    follow_up_interval_seconds: int = Field(300, ge=1)
    digest_check_seconds: int = Field(600, ge=1)
    jitter_seconds: float = Field(5.0, ge=0)  # at most 10% of a job's interval is used
    lease_seconds: int = Field(120, ge=2)  # a dead worker's claims are taken over after this
    misfire_grace_seconds: int = Field(300, ge=1)
    max_pages_per_run: int = Field(10, ge=1)  # a poll job drains at most this many pages


class SlaSettings(_Strict):
    """Minutes to first response per severity (DESIGN.md: within the hour for high and critical)."""

    # At most 30 days: a longer "SLA" is a typo (hours or seconds given as minutes).
    critical: int = Field(60, ge=1, le=MAX_SLA_MINUTES)
    high: int = Field(60, ge=1, le=MAX_SLA_MINUTES)
    medium: int = Field(240, ge=1, le=MAX_SLA_MINUTES)
    low: int = Field(1440, ge=1, le=MAX_SLA_MINUTES)

    def minutes_for(self, severity: str) -> int:
        """The SLA in minutes for a severity (none counts as low)."""
        return int(getattr(self, severity, self.low)) if severity != "none" else self.low


class ChannelSettings(BaseModel):
    """One source for a brand. `type` picks the source module; other keys are its options."""

    model_config = ConfigDict(extra="allow", frozen=True)

    type: str
    name: str = ""
    enabled: bool = True
    interval_seconds: int = Field(300, ge=1)
    down_after_minutes: float = Field(30, gt=0)  # failing this long raises "channel down"

    @property
    def options(self) -> dict[str, Any]:
        """The source-specific options (everything but the common keys)."""
        return dict(self.model_extra or {})


class BrandSettings(_Strict):
    """A brand we listen for, and how its cases are handled."""

    name: str
    keywords: list[str] = []
    aliases: list[str] = []
    handles: list[str] = []
    hashtags: list[str] = []
    exclusions: list[str] = []
    queries: list[str] = []
    signature: str = ""
    two_person_rule: bool = False
    follow_up_days: int = Field(3, ge=0)
    # Win-back: later posts by the author within this many days of the first response count,
    # and a rise in sentiment of at least the threshold counts as "won back".
    win_back_days: int = Field(30, ge=1)
    win_back_threshold: float = Field(0.5, gt=0, le=2)
    root_causes: list[str] = [
        "carrier delay",
        "warehouse error",
        "product defect",
        "billing error",
        "website or app bug",
        "policy unclear",
        "staff conduct",
        "customer misunderstanding",
    ]
    alert_recipients: list[str] = []
    channels: list[ChannelSettings] = []

    @model_validator(mode="after")
    def _something_to_match(self) -> BrandSettings:
        if not (self.keywords or self.aliases or self.handles or self.hashtags or self.queries):
            raise ValueError("a brand needs at least one of keywords, aliases, handles, hashtags")
        return self


class Settings(_Strict):
    """The whole configuration."""

    data_dir: str = "data"
    templates_dir: str = "templates"
    storage: StorageSettings = StorageSettings()
    web: WebSettings = WebSettings()
    smtp: SmtpSettings = SmtpSettings()
    alerts: AlertSettings = AlertSettings()
    spike: SpikeSettings = SpikeSettings()
    worker: WorkerSettings = WorkerSettings()
    sla: SlaSettings = SlaSettings()
    brands: list[BrandSettings] = Field(min_length=1)

    @property
    def database_url(self) -> str:
        """The database URL: MAKEGOOD_DATABASE_URL wins over the file."""
        return os.environ.get(DATABASE_URL_ENV) or self.storage.url

    def brand(self, name: str) -> BrandSettings:
        """The brand of that name (KeyError if none)."""
        for brand in self.brands:
            if brand.name == name:
                return brand
        raise KeyError(name)

    def find_brand(self, name: str) -> BrandSettings | None:
        """The brand of that name, or None."""
        return next((brand for brand in self.brands if brand.name == name), None)


def _location(loc: tuple[Any, ...], data: dict[str, Any]) -> str:
    """Render a pydantic error location as a TOML key path, naming brands by name."""
    parts: list[str] = []
    node: Any = data
    for item in loc:
        if isinstance(item, int):
            name = node[item].get("name") if isinstance(node, list) and item < len(node) else None
            parts[-1] = f"{parts[-1]}[{item}]" + (f" ({name})" if isinstance(name, str) else "")
        else:
            parts.append(str(item))
        try:
            node = node[item]
        except (KeyError, IndexError, TypeError):
            node = None
    return ".".join(parts) or "(top level)"


def parse_settings(
    data: dict[str, Any], source: str = "<config>", check_channels: bool = False
) -> Settings:
    """Validate a parsed TOML document; ConfigError lists every bad key and what is wrong.

    With `check_channels` (as load_settings does, for every command) each channel is checked
    against its source's options model too (unknown type, unknown option, wrong type), so a
    bad channel fails at load rather than at its poll. Without it, the source's factory is
    the check (tests build settings of channels that are meant to fail there).
    """
    from monitor.channel_options import brand_channel_problems

    problems: list[tuple[tuple[Any, ...], str]] = []
    settings: Settings | None = None
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        problems = [(tuple(error["loc"]), str(error["msg"])) for error in exc.errors()]
    if check_channels:
        problems += brand_channel_problems(data)
    if problems:
        lines = [f"{source}: invalid configuration"]
        lines += [f"  {_location(loc, data)}: {message}" for loc, message in problems]
        raise ConfigError("\n".join(lines))
    assert settings is not None
    return settings


def load_settings(path: str | Path | None = None) -> Settings:
    """Read and validate the TOML file at `path` (default: MAKEGOOD_CONFIG or the example)."""
    path = Path(path or os.environ.get("MAKEGOOD_CONFIG") or DEFAULT_CONFIG)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such configuration file") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    settings = parse_settings(data, str(path), check_channels=True)
    base = path.resolve().parent.parent if path.parent.name == "config" else path.resolve().parent
    return _resolve_paths(settings, base)


def _resolve_paths(settings: Settings, base: Path) -> Settings:
    """Make relative data and template folders relative to the project (the config's parent)."""
    updates: dict[str, Any] = {}
    for key in ("data_dir", "templates_dir"):
        value = Path(getattr(settings, key))
        if not value.is_absolute():
            updates[key] = str(base / value)
    url = settings.storage.url
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
        relative = url.removeprefix("sqlite:///")
        if relative and relative != ":memory:":
            updates["storage"] = StorageSettings(url=f"sqlite:///{base / relative}")
    return settings.model_copy(update=updates)
