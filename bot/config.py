"""Settings from the environment or `.env` (names are a contract: keep them)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

LANGUAGES = ("en", "es", "fr", "pt")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    # Required to run the bot; commands that never talk to Telegram work without it.
    telegram_bot_token: SecretStr | None = None
    bot_api_url: str | None = None
    database_path: Path = Path("data/bot.sqlite3")
    # postgresql://user:password@host:5432/db selects PostgreSQL; unset: SQLite at DATABASE_PATH.
    database_url: SecretStr | None = None  # secret: it may hold a password
    schedule_path: Path = Path("schedule.json")
    organizer_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    default_language: str = "en"
    # "open": anyone may join without an invitation; "closed": invitation links only.
    registration: Literal["open", "closed"] = "open"
    privacy_url: str | None = None
    # Outgoing message limits (Telegram's: ~30/s overall, 1/s per chat); tests go faster.
    send_rate: float = Field(default=30.0, gt=0)
    send_chat_interval: float = Field(default=1.0, ge=0)
    # Share of SEND_RATE bulk sends leave free for replies while people are interacting.
    interactive_share: float = Field(default=0.2, ge=0, lt=1)
    # Webhook mode (instead of long polling) when WEBHOOK_URL is set: the bot listens on PORT
    # (8080 if unset); Telegram's secret-token header must carry WEBHOOK_SECRET (random per
    # start if unset). PORT alone (hosts set it for web processes): /healthz only.
    webhook_url: str | None = None
    port: int | None = Field(default=None, ge=0, le=65535)
    webhook_secret: SecretStr | None = None
    # "json": one JSON object per log line, for log collectors.
    log_format: Literal["text", "json"] = "text"
    # Daily backups (SQLite) into this folder, keeping the newest BACKUP_KEEP files.
    backup_dir: Path | None = None
    backup_keep: int = Field(default=7, ge=1)
    # Databases of earlier cohorts (SQLite files or postgresql:// URLs), comma-separated:
    # /verify and `python -m bot verify` also look there (docs/organizers.md, "The next cohort").
    earlier_cohorts: Annotated[list[SecretStr], NoDecode] = Field(default_factory=list)

    @field_validator("organizer_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        # "1,2" or "1 2" from the environment; a list when built in code.
        if isinstance(value, str):
            parts = value.replace(";", ",").replace(" ", ",").split(",")
            return [p for p in parts if p.strip()]
        if isinstance(value, int):
            return [value]
        return value

    @field_validator("default_language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        code = value.strip().lower()
        if code not in LANGUAGES:
            raise ValueError(f"must be one of {', '.join(LANGUAGES)}")
        return code

    @field_validator("registration", mode="before")
    @classmethod
    def _registration(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.strip().lower()
            if value not in ("open", "closed"):
                raise ValueError("must be open or closed")
        return value

    @field_validator("privacy_url")
    @classmethod
    def _privacy_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if not value.strip().startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.strip()

    @field_validator("webhook_url")
    @classmethod
    def _webhook_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if not value.strip().startswith(("https://", "http://")):
            raise ValueError("must start with https://")
        return value.strip()

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", value.get_secret_value()):
            raise ValueError("1 to 256 characters: letters, digits, _ and - only")
        return value

    @field_validator("log_format", mode="before")
    @classmethod
    def _log_format(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("backup_dir", mode="before")
    @classmethod
    def _backup_dir(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("earlier_cohorts", mode="before")
    @classmethod
    def _earlier_cohorts(cls, value: object) -> object:
        """"data/cohort-2021.sqlite3, postgresql://..."; each file must exist (opening a
        missing one would create an empty database and every code would verify as unknown)."""
        if isinstance(value, str):
            value = [p.strip() for p in value.replace(";", ",").split(",") if p.strip()]
        if not isinstance(value, list):
            return value
        for item in value:
            text = item.get_secret_value() if isinstance(item, SecretStr) else str(item)
            if text.startswith(("postgresql://", "postgres://")):
                continue
            if "://" in text:
                raise ValueError("each entry is a SQLite file or a postgresql:// URL")
            if not Path(text).is_file():
                raise ValueError(f"{text}: no such file")
        return value

    @property
    def earlier_databases(self) -> list[Path | str]:
        """What Repository.open() takes, for each earlier cohort."""
        found: list[Path | str] = []
        for item in self.earlier_cohorts:
            text = item.get_secret_value()
            found.append(text if "://" in text else Path(text))
        return found

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        url = value.get_secret_value().strip()
        if not url.startswith(("postgresql://", "postgres://")):
            raise ValueError("must start with postgresql:// (or leave it unset for SQLite)")
        return SecretStr(url)

    @property
    def database(self) -> Path | str:
        """What Repository.open() takes: the PostgreSQL URL when set, else the SQLite file."""
        if self.database_url is not None:
            return self.database_url.get_secret_value()
        return self.database_path

    @field_validator("bot_api_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @property
    def token(self) -> str | None:
        value = self.telegram_bot_token
        return value.get_secret_value() if value is not None and value.get_secret_value() else None

    @property
    def bot_file_url(self) -> str | None:
        """File URL derived from BOT_API_URL: .../bot -> .../file/bot."""
        if self.bot_api_url is None:
            return None
        base, sep, tail = self.bot_api_url.rpartition("/")
        return f"{base}/file/{tail}" if sep else f"{self.bot_api_url}/file"


class SettingsError(Exception):
    """One line naming the variable and the problem."""


TOKEN_MISSING = "TELEGRAM_BOT_TOKEN is not set (environment or .env)"


def load_settings(env_file: str | None = ".env", *, require_token: bool = True,
                  **overrides: object) -> Settings:
    try:
        settings = Settings(_env_file=env_file, **overrides)  # type: ignore[arg-type, call-arg]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = "_".join(str(p) for p in first["loc"][:1]).upper() or "settings"
        if first["type"] == "missing":
            raise SettingsError(f"{name} is not set (environment or .env)") from None
        msg = str(first["msg"]).removeprefix("Value error, ")
        raise SettingsError(f"{name}: {msg}") from None
    if require_token and settings.token is None:
        raise SettingsError(TOKEN_MISSING)
    return settings


def configured_organizers() -> list[int]:
    """ORGANIZER_IDS for the shell's offline tools (exports): none when the settings cannot be
    read."""
    try:
        return list(load_settings(require_token=False).organizer_ids)
    except SettingsError:
        return []
