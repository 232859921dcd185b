"""Settings: one TOML file validated with pydantic; secrets come only from the environment."""

from __future__ import annotations

import os
import re
import tomllib
from datetime import date
from pathlib import Path
from typing import Any, Literal, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from monitor.business_time import WEEKDAYS, WorkCalendar, parse_ranges

DEFAULT_CONFIG = Path("config/makegood.example.toml")
CONFIG_ENV = "MAKEGOOD_CONFIG"
DATABASE_URL_ENV = "MAKEGOOD_DATABASE_URL"
SECRET_KEY_ENV = "MAKEGOOD_SECRET_KEY"
MAX_SLA_MINUTES = 30 * 24 * 60


class ConfigError(Exception):
    """The configuration file is missing or invalid; the message names the file and the key."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StorageSettings(_Strict):
    """Where the database lives. The URL may also come from MAKEGOOD_DATABASE_URL."""

    url: str = Field(
        "sqlite:///data/makegood.db",
        description="SQLAlchemy database URL; a relative SQLite path is relative to the project"
        " folder. MAKEGOOD_DATABASE_URL wins over it (a password belongs there, not here).",
    )


class WebSettings(_Strict):
    """The review-queue web app."""

    host: str = Field("127.0.0.1", description="Address the web app listens on.")
    port: int = Field(8080, ge=1, le=65535, description="Port the web app listens on.")
    base_url: str = Field(
        "http://127.0.0.1:8080", description="The address staff open; links in alert mail use it."
    )
    secure_cookies: bool = Field(
        False, description="Send session cookies only over HTTPS; set true behind HTTPS."
    )
    session_hours: int = Field(12, ge=1, description="A login lasts this many hours.")
    api_requests_per_minute: int = Field(
        120,
        ge=1,
        le=100_000,
        description="JSON API (/api/v1): requests a token may make per minute, sustained"
        " (per web worker process: an in-memory token bucket).",
    )
    api_burst: int = Field(
        30,
        ge=1,
        le=100_000,
        description="JSON API: requests a token may make at once, before the rate applies.",
    )


class WebhookSettings(_Strict):
    """Outgoing webhooks that admins register on /admin/webhooks."""

    allow_internal_addresses: bool = Field(
        False,
        description="Let webhook URLs point at loopback, private, link-local or reserved"
        " addresses. Off, a webhook cannot reach this machine's own services or the internal"
        " network (checked when a URL is registered and again before each delivery).",
    )


class SmtpSettings(_Strict):
    """Outgoing mail. The password comes from the variable named by `password_env`."""

    host: str = Field("127.0.0.1", description="SMTP server host.")
    port: int = Field(25, ge=1, le=65535, description="SMTP server port.")
    starttls: bool = Field(False, description="Upgrade the connection with STARTTLS.")
    username: str = Field("", description="SMTP login name; empty: no login.")
    # Sending the login without STARTTLS exposes the password; only for a trusted link (localhost).
    allow_plain_login: bool = Field(
        False,
        description="Log in without STARTTLS (exposes the password): only on a trusted link.",
    )
    password_env: str = Field(
        "MAKEGOOD_SMTP_PASSWORD", description="Environment variable holding the SMTP password."
    )
    sender: str = Field("makegood@localhost", description="From address of alert mail.")
    timeout_seconds: float = Field(10.0, gt=0, description="Seconds to wait for the SMTP server.")

    @property
    def password(self) -> str:
        """The SMTP password from the environment (empty when unset)."""
        return os.environ.get(self.password_env, "")


def _check_timezone(value: str) -> str:
    """The IANA zone name unchanged, or ValueError naming what is wrong."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: "America" is a folder
        raise ValueError(
            f"unknown time zone {value!r} (an IANA name, e.g. Europe/Berlin)"
        ) from None
    return value


AlertKind = Literal["severity", "spike", "viral", "channel_down", "gap", "sla_warning", "digest"]
ALERT_KINDS: tuple[str, ...] = get_args(AlertKind)
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class AlertRouteSettings(_Strict):
    """One chat route: alerts that match go to the Apprise URL held in an environment variable."""

    url_env: str = Field(
        description="Name of the environment variable holding the Apprise URL (e.g. "
        "MAKEGOOD_SLACK_URL); the URL itself is a secret and never goes in the file."
    )
    min_severity: Literal["low", "medium", "high", "critical"] = Field(
        "high", description="Alerts below this severity are not sent on this route."
    )
    brands: list[str] = Field(
        default_factory=list, description="Only these brands' alerts (empty: every brand)."
    )
    kinds: list[AlertKind] = Field(
        default_factory=list,
        description="Only these alert kinds (empty: every kind but the daily digest, which a "
        "route gets only when it names it).",
    )

    @model_validator(mode="before")
    @classmethod
    def _no_literal_url(cls, data: Any) -> Any:
        if isinstance(data, dict) and "url" in data:
            raise ValueError(
                "a literal Apprise URL is a secret and is refused here: put it in an environment"
                ' variable and name that variable, e.g. url_env = "MAKEGOOD_SLACK_URL"'
            )
        return data

    @field_validator("url_env")
    @classmethod
    def _env_name(cls, value: str) -> str:
        if "://" in value:
            raise ValueError(
                "url_env names an environment variable, not the URL itself (the URL is a"
                ' secret): export MAKEGOOD_SLACK_URL=... and set url_env = "MAKEGOOD_SLACK_URL"'
            )
        if not _ENV_NAME.fullmatch(value):
            raise ValueError(f"{value!r} is not an environment variable name")
        return value


class AlertSettings(_Strict):
    """Who gets alert e-mails, when, and how many."""

    recipients: list[str] = Field(
        [], description="Who gets alert mail and the digest (a brand's alert_recipients win)."
    )
    min_severity: Literal["medium", "high", "critical"] = Field(
        "high", description="The lowest severity of a flagged post that is mailed."
    )
    quiet_hours: str = Field(
        "", description='No alert mail in this span of `timezone`, e.g. "22:00-07:00"; empty: none.'
    )
    timezone: str = Field("UTC", description="IANA time zone of quiet_hours and digest_hour.")
    max_per_hour: int = Field(
        20, ge=1, description="Alert mails per brand an hour; the rest wait for the next one."
    )
    digest_hour: int = Field(
        8, ge=0, le=23, description="Hour (in `timezone`) the digest goes out."
    )
    routes: list[AlertRouteSettings] = Field(
        default_factory=list,
        description="Chat routes ([[alerts.routes]]): each alert also goes to every matching"
        " route through Apprise (Slack, Teams, Discord, ntfy, JSON webhooks...).",
    )

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
        return _check_timezone(value)


class SpikeSettings(_Strict):
    """The spike watch: negative volume per bucket against its own baseline."""

    bucket_minutes: int = Field(
        60, ge=1, le=1440, description="The rolling bucket of negative mentions, in minutes."
    )
    baseline_hours: int = Field(
        24,
        ge=1,
        le=24 * 90,
        description="Hours of recent level, compared with the same hours on earlier days.",
    )
    k_sigma: float = Field(
        3.0, gt=0, le=100, description="Older configs: without alpha, alpha is its normal tail."
    )
    min_count: int = Field(
        5, ge=1, le=1_000_000, description="Never flag fewer negative mentions than this."
    )
    viral_engagement_per_hour: float = Field(
        500.0,
        gt=0,
        allow_inf_nan=False,
        description="A post gaining this much engagement an hour raises a viral alert.",
    )
    # The Poisson rule (monitor.spike): P(X >= observed | expected) < alpha, observed at least
    # min_ratio times the expected count, expected never below min_expected per bucket.
    alpha: float = Field(
        1e-4, gt=0, lt=1, description="Flag when P(X >= observed | expected) is below this."
    )
    min_ratio: float = Field(
        3.0, ge=1, le=1000, description="Flag only at this many times the expected count."
    )
    min_expected: float = Field(
        0.5, gt=0, le=1_000_000, description="The expected count never goes below this."
    )
    # Shorter windows (minutes) scanned inside the bucket, each against its share of the
    # expected count; they split scan_share of alpha evenly, the bucket keeps the rest.
    # [] tests the bucket only.
    scan_minutes: list[int] = Field(
        default_factory=lambda: [15, 30],
        description="Shorter windows (minutes) tested inside the bucket; [] tests the bucket only.",
    )
    scan_share: float = Field(
        0.2, ge=0, lt=1, description="The share of alpha the shorter windows get together."
    )

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

    outbox_interval_seconds: int = Field(
        10, ge=1, description="How often the outbox sends replies and mail."
    )
    alerts_interval_seconds: int = Field(30, ge=1, description="How often alert rows become mail.")
    spike_interval_seconds: int = Field(300, ge=1, description="How often the spike watch runs.")
    refresh_interval_seconds: int = Field(
        900, ge=1, description="How often engagement of open cases' posts is refreshed."
    )
    follow_up_interval_seconds: int = Field(
        300, ge=1, description="How often due follow-ups are looked for."
    )
    digest_check_seconds: int = Field(
        600, ge=1, description="How often the worker checks whether the digest is due."
    )
    jitter_seconds: float = Field(
        5.0, ge=0, description="Random delay added to each run (at most 10% of its interval)."
    )
    lease_seconds: int = Field(
        120, ge=2, description="A dead worker's claims are taken over after this."
    )
    misfire_grace_seconds: int = Field(
        300, ge=1, description="A run missed by up to this long still starts."
    )
    max_pages_per_run: int = Field(
        10, ge=1, description="A poll job reads at most this many pages a run."
    )
    retrain_interval_seconds: int = Field(
        900, ge=1, description="How often the worker checks whether a brand's model is due."
    )


class HealthSettings(_Strict):
    """The operator's endpoints: /readyz's worker check and who may read /metrics."""

    metrics_access: Literal["localhost", "token"] = Field(
        "localhost",
        description=(
            "Who may read /metrics: 'localhost' (requests from 127.0.0.1 or ::1 only) or "
            "'token' (an `Authorization: Bearer` header with the value of `metrics_token_env`)."
        ),
    )
    metrics_token_env: str = Field(
        "MAKEGOOD_METRICS_TOKEN",
        description="The environment variable holding the /metrics bearer token (access 'token').",
    )
    worker_stale_seconds: int = Field(
        120,
        ge=4,
        description=(
            "/readyz fails when no worker's heartbeat is younger than this; workers beat "
            "every quarter of it."
        ),
    )
    require_worker: bool = Field(
        True,
        description="Whether /readyz checks the worker heartbeat (false when polling by cron).",
    )

    @property
    def metrics_token(self) -> str:
        """The /metrics bearer token from the environment (empty when unset)."""
        return os.environ.get(self.metrics_token_env, "")


class SlaSettings(_Strict):
    """Minutes to first response per severity (DESIGN.md: within the hour for high and critical)."""

    # At most 30 days: a longer "SLA" is a typo (hours or seconds given as minutes).
    critical: int = Field(
        60, ge=1, le=MAX_SLA_MINUTES, description="Minutes to answer a critical case."
    )
    high: int = Field(60, ge=1, le=MAX_SLA_MINUTES, description="Minutes to answer a high case.")
    medium: int = Field(
        240, ge=1, le=MAX_SLA_MINUTES, description="Minutes to answer a medium case."
    )
    low: int = Field(
        1440, ge=1, le=MAX_SLA_MINUTES, description="Minutes to answer a low (or none) case."
    )

    def minutes_for(self, severity: str) -> int:
        """The SLA in minutes for a severity (none counts as low)."""
        return int(getattr(self, severity, self.low)) if severity != "none" else self.low


DayHours = str | list[str]
_DAY_HELP = (
    'working hours that day, e.g. "09:00-17:30" or ["09:00-12:00", "13:00-17:30"]; absent = closed'
)


class BusinessHoursSettings(_Strict):
    """A brand's working week: SLA clocks count only these hours (monitor.business_time)."""

    timezone: str = Field(
        "", description="IANA time zone of the hours and holidays; empty = [alerts] timezone"
    )
    mon: DayHours = Field("", description=_DAY_HELP)
    tue: DayHours = Field("", description=_DAY_HELP)
    wed: DayHours = Field("", description=_DAY_HELP)
    thu: DayHours = Field("", description=_DAY_HELP)
    fri: DayHours = Field("", description=_DAY_HELP)
    sat: DayHours = Field("", description=_DAY_HELP)
    sun: DayHours = Field("", description=_DAY_HELP)
    holidays: list[date] = Field(
        [],
        description='closed local dates (ISO), e.g. ["2026-12-25"]; closes ranges starting then',
    )

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        return _check_timezone(value) if value else value

    @field_validator(*WEEKDAYS)
    @classmethod
    def _ranges(cls, value: DayHours) -> DayHours:
        if value:  # "" and [] are a closed day
            parse_ranges(value)
        return value

    @model_validator(mode="after")
    def _some_day_open(self) -> BusinessHoursSettings:
        if not any(getattr(self, day) for day in WEEKDAYS):
            raise ValueError(
                'no working hours on any day (set e.g. mon = "09:00-17:30", or drop [brands.hours])'
            )
        return self

    def calendar(self, default_timezone: str) -> WorkCalendar:
        """The calendar these hours describe (zone: their own, else `default_timezone`)."""
        week = tuple(
            parse_ranges(getattr(self, day)) if getattr(self, day) else () for day in WEEKDAYS
        )
        zone = ZoneInfo(self.timezone or default_timezone)
        return WorkCalendar(zone, week, frozenset(self.holidays))


class ChannelSettings(BaseModel):
    """One source for a brand. `type` picks the source module; other keys are its options."""

    model_config = ConfigDict(extra="allow", frozen=True)

    type: str = Field(description="The source: replay, reddit, x, mastodon, bluesky, ...")
    name: str = Field("", description="Tells two channels of one type apart (in keys and logs).")
    enabled: bool = Field(True, description="False: configured but not polled.")
    interval_seconds: int = Field(300, ge=1, description="Seconds between polls.")
    down_after_minutes: float = Field(
        30, gt=0, description='Failing this long raises a "channel down" alert.'
    )

    @property
    def options(self) -> dict[str, Any]:
        """The source-specific options (everything but the common keys)."""
        return dict(self.model_extra or {})


class LearningSettings(_Strict):
    """When each brand's learned flag model is retrained from staff labels, and how it is judged."""

    retrain_after_labels: int = Field(
        50,
        ge=1,
        description="Retrain a brand once this many new labels arrived since its last version.",
    )
    retrain_every_hours: float = Field(
        24,
        gt=0,
        description="Also retrain when the last version is this old and any label changed.",
    )
    min_labels: int = Field(
        40, ge=10, description="No model is trained for a brand with fewer labels than this."
    )
    holdout_share: float = Field(
        0.2,
        ge=0.05,
        le=0.5,
        description="The latest share of a brand's labels held back to judge a new model on.",
    )
    default_data_dir: str = Field(
        "",
        description=(
            "A folder with VADER's ground-truth sets (vader_groundtruth/) added to every brand's "
            "training rows, never to the held-back slice; empty: the brand's labels only."
        ),
    )


class BrandSettings(_Strict):
    """A brand we listen for, and how its cases are handled."""

    name: str = Field(description="The brand's name, as staff see it.")
    keywords: list[str] = Field([], description="Words that make a post about the brand.")
    aliases: list[str] = Field([], description="Other names, matched like keywords.")
    handles: list[str] = Field([], description="The brand's accounts, e.g. @kettlebird.")
    hashtags: list[str] = Field([], description="Hashtags, e.g. #kettlebird.")
    exclusions: list[str] = Field([], description="Phrases that make a match not the brand.")
    queries: list[str] = Field([], description="Search terms for channels (default: keywords).")
    signature: str = Field("", description="Signs the reply templates ({{ signature }}).")
    two_person_rule: bool = Field(
        False, description="A reply needs an approver other than its author."
    )
    follow_up_days: int = Field(3, ge=0, description="Days after the reply to follow up.")
    # Win-back: later posts by the author within this many days of the first response count,
    # and a rise in sentiment of at least the threshold counts as "won back".
    win_back_days: int = Field(
        30, ge=1, description="Later posts within this many days count for the win-back."
    )
    win_back_threshold: float = Field(
        0.5, gt=0, le=2, description='A rise in sentiment of this much counts as "won back".'
    )
    root_causes: list[str] = Field(
        description="The root causes staff choose from when closing a case.",
        default=[
            "carrier delay",
            "warehouse error",
            "product defect",
            "billing error",
            "website or app bug",
            "policy unclear",
            "staff conduct",
            "customer misunderstanding",
        ],
    )
    alert_recipients: list[str] = Field(
        [], description="This brand's alert mail goes here instead of alerts.recipients."
    )
    hours: BusinessHoursSettings | None = Field(
        None, description="Working hours, time zone and holidays; absent: the clock never stops."
    )
    sla_warning_share: float = Field(
        0.8,
        gt=0,
        lt=1,
        description="Share of the SLA after which an unanswered case raises an sla_warning alert.",
    )
    learned: Literal["off", "default", "brand"] = Field(
        "off",
        description=(
            "The learned flag on top of the rules: 'off' (the rules alone), 'default' (the "
            "shipped model), 'brand' (the brand's active model retrained from staff labels; the "
            "shipped one until a first version is kept)."
        ),
    )
    channels: list[ChannelSettings] = Field([], description="Where the brand is listened for.")
    lexicons: dict[str, list[str]] = Field(
        {},
        description=(
            "The brand's own complaint lexicon files per language (relative: to the project),"
            ' e.g. {es = ["lexicons/es.toml"]}: same shape as monitor/lexicons/<lang>.toml;'
            " their phrases extend the shipped ones and their tier for a phrase both have wins."
        ),
    )

    @field_validator("lexicons")
    @classmethod
    def _language_codes(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for lang in value:
            if not re.fullmatch(r"[a-z]{2,3}", lang):
                raise ValueError(f"{lang!r} is not a language code such as es, de or pt")
        return value

    @model_validator(mode="after")
    def _something_to_match(self) -> BrandSettings:
        if not (self.keywords or self.aliases or self.handles or self.hashtags or self.queries):
            raise ValueError("a brand needs at least one of keywords, aliases, handles, hashtags")
        return self


class Settings(_Strict):
    """The whole configuration."""

    data_dir: str = Field(
        "data", description="Folder for the session key and other state (relative: to the project)."
    )
    templates_dir: str = Field(
        "templates", description="Folder of the reply and alert templates staff edit."
    )
    storage: StorageSettings = Field(StorageSettings(), description="The database.")
    web: WebSettings = Field(WebSettings(), description="The review-queue web app.")
    smtp: SmtpSettings = Field(SmtpSettings(), description="Outgoing mail.")
    alerts: AlertSettings = Field(AlertSettings(), description="Alert mail and the digest.")
    spike: SpikeSettings = Field(SpikeSettings(), description="The spike watch.")
    worker: WorkerSettings = Field(WorkerSettings(), description="The background worker.")
    sla: SlaSettings = Field(SlaSettings(), description="Minutes to first response.")
    health: HealthSettings = Field(HealthSettings(), description="/healthz, /readyz and /metrics.")
    webhooks: WebhookSettings = Field(WebhookSettings(), description="Outgoing webhooks.")
    learning: LearningSettings = Field(
        LearningSettings(), description="Retraining each brand's learned flag model."
    )
    brands: list[BrandSettings] = Field(min_length=1, description="The brands listened for.")

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

    def two_person_rule(self, brand: str) -> bool:
        """Whether the brand's replies need an approver other than their author (unknown: no)."""
        found = self.find_brand(brand)
        return bool(found and found.two_person_rule)

    def calendar_for(self, brand: str) -> WorkCalendar | None:
        """The brand's working calendar, or None (unknown brand or no hours: wall-clock SLA)."""
        found = self.find_brand(brand)
        if found is None or found.hours is None:
            return None
        return found.hours.calendar(self.alerts.timezone)


def _location(loc: tuple[Any, ...], data: dict[str, Any]) -> str:
    """Render a pydantic error location as a TOML key path, naming brands by name."""
    parts: list[str] = []
    node: Any = data
    for item in loc:
        if isinstance(item, int):
            entry = node[item] if isinstance(node, list) and item < len(node) else None
            name = entry.get("name") if isinstance(entry, dict) else None
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
        problems = [(tuple(error["loc"]), _message(error, data)) for error in exc.errors()]
    problems += _secret_problems(data)
    if check_channels:
        problems += brand_channel_problems(data)
    if problems:
        lines = [f"{source}: invalid configuration"]
        lines += [f"  {_location(loc, data)}: {message}" for loc, message in problems]
        raise ConfigError("\n".join(lines))
    assert settings is not None
    return settings


def config_location(path: str | Path | None = None) -> tuple[Path, str]:
    """The configuration file to read and where its path came from (for the error messages)."""
    if path:
        return Path(path), "given with --config"
    if os.environ.get(CONFIG_ENV):
        return Path(os.environ[CONFIG_ENV]), f"from ${CONFIG_ENV}"
    return DEFAULT_CONFIG, f"the default, as neither --config nor ${CONFIG_ENV} was given"


def _message(error: Any, data: dict[str, Any]) -> str:
    """Pydantic's message, or for a secret given literally the variable it belongs in."""
    from monitor.config_secrets import model_at, secret_hint, table_at

    loc = tuple(error["loc"])
    if error["type"] == "extra_forbidden" and loc:
        model = model_at(Settings, loc[:-1])
        hint = secret_hint(model, str(loc[-1]), table_at(data, loc[:-1])) if model else None
        if hint:
            return hint
    return str(error["msg"])


def _secret_problems(data: dict[str, Any]) -> list[tuple[tuple[Any, ...], str]]:
    """Secrets in values the models accept: a database URL with its password."""
    from monitor.config_secrets import table_at, url_password_problem

    problem = url_password_problem(table_at(data, ("storage", "url")))
    return [(("storage", "url"), problem)] if problem else []


def load_settings(path: str | Path | None = None) -> Settings:
    """Read and validate the TOML file at `path` (default: MAKEGOOD_CONFIG or the example)."""
    path, origin = config_location(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        where = path if path.is_absolute() else f"{path} (in {Path.cwd()})"
        raise ConfigError(
            f"{where}: no such configuration file ({origin}).\n"
            "  Make one with `makegood init DIR` (an editable configuration and the templates),"
            f" then give --config DIR/makegood.toml or set {CONFIG_ENV}."
        ) from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    settings = parse_settings(data, str(path), check_channels=True)
    settings = _resolve_paths(settings, project_folder(path))
    _check_lexicons(settings, path)
    return settings


def _check_lexicons(settings: Settings, path: Path) -> None:
    """Read every brand's lexicon files now, so a bad one stops the start with its name."""
    from monitor.scoring.foreign import LexiconError, brand_lexicons

    for brand in settings.brands:
        try:
            brand_lexicons(brand.lexicons)
        except LexiconError as exc:
            raise ConfigError(f"{path}: brands '{brand.name}' lexicons: {exc}") from None


def project_folder(config: Path) -> Path:
    """The folder relative paths in `config` are relative to: its own, or above a `config/`."""
    config = config.resolve()
    return config.parent.parent if config.parent.name == "config" else config.parent


def _resolve_paths(settings: Settings, base: Path) -> Settings:
    """Make relative data and template folders and brand lexicon files relative to the project
    (the config's parent)."""
    updates: dict[str, Any] = {}
    for key in ("data_dir", "templates_dir"):
        value = Path(getattr(settings, key))
        if not value.is_absolute():
            updates[key] = str(base / value)
    brands = [
        b.model_copy(
            update={
                "lexicons": {
                    lang: [str(base / f) if not Path(f).is_absolute() else f for f in files]
                    for lang, files in b.lexicons.items()
                }
            }
        )
        if b.lexicons
        else b
        for b in settings.brands
    ]
    if any(b.lexicons for b in brands):
        updates["brands"] = brands
    url = settings.storage.url
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
        relative = url.removeprefix("sqlite:///")
        if relative and relative != ":memory:":
            updates["storage"] = StorageSettings(url=f"sqlite:///{base / relative}")
    return settings.model_copy(update=updates)
