"""Configuration from the environment or a `.env` file."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated, Literal
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationInfo, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from services.assignment import WorkingHours
from services.errors import InvalidInput
from services.reports.settings import OwnerSettings
from services.reports.worktime import parse_clock, parse_schedule

Locale = Literal["en", "az", "ru"]

_DURATION = re.compile(r"^\s*(\d+)\s*([smhd]?)\s*$")
_UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
WEBHOOK_PORTS = (443, 80, 88, 8443)
PROXY_SCHEMES = ("socks5", "socks4", "http")


def parse_duration(value: object) -> timedelta:
    """Read `90s`, `15m`, `2h`, `1d` or plain seconds."""
    if isinstance(value, timedelta):
        return value
    if isinstance(value, int | float):
        return timedelta(seconds=value)
    match = _DURATION.match(str(value).lower())
    if not match:
        raise ValueError(f"not a duration: {value!r} (write 90s, 15m, 2h or 1d)")
    return timedelta(seconds=int(match.group(1)) * _UNIT_SECONDS[match.group(2)])


def _int_list(value: object) -> list[int]:
    if isinstance(value, list):
        return [int(v) for v in value]
    return [int(part) for part in str(value or "").replace(" ", "").split(",") if part]


Duration = Annotated[timedelta, NoDecode]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    bot_token: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org"
    # socks5://user:password@host:1080, socks4://… or http://…; credentials stay secret.
    telegram_proxy: SecretStr | None = None
    database_url: str = "sqlite+aiosqlite:///./data/axin.db"
    redis_url: str | None = None
    owner_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    default_locale: Locale = "en"
    timezone: str = "UTC"
    phone_region: str = "AZ"
    http_host: str = "127.0.0.1"
    http_port: int = 8080
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    invite_ttl: Duration = timedelta(hours=24)
    missed_call_callback_after: Duration = timedelta(hours=2)
    task_overdue_escalation: Duration = timedelta(hours=24)
    # How long a sender's claim on a chat lasts unless renewed (it is, every third of it, while
    # the sender lives); after a crash the chat's notifications go out again then.
    outbox_lease: Duration = timedelta(seconds=15)
    # The same for the updates a worker received and has not handled yet.
    inbox_lease: Duration = timedelta(seconds=15)
    # Days before a contract's end when its manager is reminded, at 10:00 company time.
    renewal_offsets: Annotated[list[int], NoDecode] = Field(default_factory=lambda: [30, 7, 1])
    send_rate_global: float = 30.0
    send_rate_per_chat: float = 1.0
    currency: str = "AZN"
    # Owners' reports; each owner may change these for themselves in /settings.
    digest_time: str = "09:00"
    response_sla: Duration = timedelta(minutes=15)
    working_hours: str = "mon-fri 09:00-18:00"
    # text, or json: one object per line with the update and deal each line is about.
    log_format: Literal["text", "json"] = "text"
    # Rules' webhooks may post to loopback, private and link-local addresses (a receiver on the
    # same host or network); off, a post whose host has such an address is given up.
    rule_webhooks_private: bool = False
    # A directory with the business's own document.html (and what it includes) for quotes and
    # invoices; without it, or without that file in it, Axın's own template is used.
    document_templates: str | None = None

    @field_validator("owner_ids", mode="before")
    @classmethod
    def _owners(cls, value: object) -> list[int]:
        return _int_list(value)

    @field_validator("renewal_offsets", mode="before")
    @classmethod
    def _offsets(cls, value: object) -> list[int]:
        offsets = _int_list(value)
        if any(days < 1 for days in offsets):
            raise ValueError("renewal offsets are whole days, at least 1")
        return offsets

    @field_validator(
        "invite_ttl",
        "missed_call_callback_after",
        "task_overdue_escalation",
        "outbox_lease",
        "inbox_lease",
        mode="before",
    )
    @classmethod
    def _duration(cls, value: object) -> timedelta:
        return parse_duration(value)

    @field_validator("response_sla", mode="before")
    @classmethod
    def _sla(cls, value: object) -> timedelta:
        sla = parse_duration(value)
        if sla < timedelta(minutes=1):
            raise ValueError("the response SLA is at least 1m")
        return sla

    @field_validator("digest_time", "working_hours")
    @classmethod
    def _report_times(cls, value: str, info: ValidationInfo) -> str:
        parse = parse_clock if info.field_name == "digest_time" else parse_schedule
        try:
            parse(value)
        except InvalidInput as exc:
            raise ValueError(f"cannot read {value!r}") from exc
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("webhook_url")
    @classmethod
    def _webhook_url(cls, value: str | None) -> str | None:
        if not value:  # `WEBHOOK_URL=` in .env: long polling
            return None
        url = urlparse(value)
        if url.scheme != "https" or not url.hostname:
            raise ValueError("Telegram posts updates only to an https:// address")
        if url.port not in (None, *WEBHOOK_PORTS):
            raise ValueError("Telegram posts updates only to ports 443, 80, 88 or 8443")
        path = url.path or "/"
        if path in ("/healthz", "/metrics") or path.startswith("/api/"):
            raise ValueError(f"the path {path!r} is taken by the HTTP API")
        return value

    @field_validator("telegram_proxy")
    @classmethod
    def _proxy(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        url = urlparse(value.get_secret_value())
        if url.scheme not in PROXY_SCHEMES or not url.hostname:
            raise ValueError("write the proxy as socks5://host:port, socks4://… or http://…")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _SECRET.fullmatch(value.get_secret_value()):
            raise ValueError("use 1-256 characters: letters, digits, _ and -")
        return value

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> Settings:
        # Without it anyone who finds the address could post updates "from" an owner.
        if self.webhook_url and self.webhook_secret is None:
            raise ValueError("WEBHOOK_URL needs WEBHOOK_SECRET, which Telegram sends back")
        return self

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def working_hours_of(settings: Settings) -> WorkingHours:
    """The hours requests go to managers in, when no owner chose others in /settings."""
    return WorkingHours(parse_schedule(settings.working_hours), settings.zone)


def defaults_of(settings: Settings) -> OwnerSettings:
    """What an owner who never opened /settings gets, from the environment."""
    return OwnerSettings(
        daily=True,
        weekly=True,
        digest_at=parse_clock(settings.digest_time),
        sla_minutes=max(1, int(settings.response_sla / timedelta(minutes=1))),
        schedule=parse_schedule(settings.working_hours),
    )
