"""Settings (DESIGN 6): read from the environment or ``.env`` here and nowhere else.

Everything below is passed down as plain arguments; ``rules`` and ``db`` never read the
environment. The token is a ``SecretStr`` so it never lands in a log or a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./data/navigator.db"
PACKAGE_QUESTIONNAIRE = Path(__file__).resolve().parent.parent / "rules" / "questionnaire.yaml"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore", env_ignore_empty=True)

    bot_token: SecretStr | None = None
    telegram_api_url: str | None = None  # a Bot-API-compatible server; None = api.telegram.org
    database_url: str = DEFAULT_DATABASE_URL
    redis_url: str | None = None
    staff_chat_id: int | None = None
    consultant_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    # Scale-out and operations (bot.telegram.scale, bot.telegram.webhook, bot.telegram.observability): Redis key prefix,
    # where the webhook listens (its path is WEBHOOK_URL's), the /healthz /readyz /metrics port
    # in polling mode (webhook mode serves them beside the webhook), log format, and how long
    # readiness is reported false before the listener closes on SIGTERM.
    redis_prefix: str = "navigator"
    webhook_host: str = "0.0.0.0"
    webhook_port: int = Field(default=8080, ge=1, le=65535)
    health_port: int | None = Field(default=None, ge=1, le=65535)
    log_format: str = Field(default="text", pattern="^(text|json)$")
    shutdown_grace: float = Field(default=2.0, ge=0)
    measures_path: Path = Path("measures.yaml")
    questionnaire_path: Path = PACKAGE_QUESTIONNAIRE
    dadata_api_key: SecretStr | None = None
    # Per-user throttle: a burst of this many updates, refilled at this rate per second.
    throttle_burst: int = Field(default=12, ge=1)
    throttle_rate: float = Field(default=2.0, gt=0)
    # Where the privacy notice is published; unset = the bot shows docs/privacy.md itself.
    privacy_policy_url: str | None = None
    # Handoff to consultants (bot.telegram.handoff): Moscow working hours "HH:MM-HH:MM", ISO weekdays
    # "1-5", extra days off "YYYY-MM-DD, …" (Labour Code art. 112 holidays are built in),
    # the usual answer time promised in working hours, the unclaimed ping, the reopen window.
    consultant_hours: str = "09:00-18:00"
    consultant_workdays: str = "1-5"
    consultant_holidays: str = ""
    consultant_answer_hours: int = Field(default=4, ge=1)
    ticket_ping_minutes: int = Field(default=30, ge=1)
    ticket_reopen_hours: int = Field(default=72, ge=0)
    # Alerts (bot.services.alerts): remind subscribers this many days before an eligible measure's window
    # closes; 0 turns deadline reminders off.
    deadline_reminder_days: int = Field(default=7, ge=0)

    @field_validator("consultant_ids", "admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        """``CONSULTANT_IDS=1,2 3`` → {1, 2, 3}."""
        if isinstance(value, str):
            return frozenset(int(part) for part in value.replace(",", " ").split())
        if isinstance(value, int):
            return frozenset({value})
        return value

    @field_validator("bot_token", "webhook_secret", "dadata_api_key", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @property
    def token(self) -> str | None:
        return self.bot_token.get_secret_value() if self.bot_token else None
