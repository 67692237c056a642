"""Settings from the environment or `.env` (names are a contract: keep them)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

LANGUAGES = ("en", "es", "fr", "pt")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    telegram_bot_token: SecretStr
    bot_api_url: str | None = None
    database_path: Path = Path("data/bot.sqlite3")
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

    @field_validator("bot_api_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @property
    def bot_file_url(self) -> str | None:
        """File URL derived from BOT_API_URL: .../bot -> .../file/bot."""
        if self.bot_api_url is None:
            return None
        base, sep, tail = self.bot_api_url.rpartition("/")
        return f"{base}/file/{tail}" if sep else f"{self.bot_api_url}/file"


class SettingsError(Exception):
    """One line naming the variable and the problem."""


def load_settings(env_file: str | None = ".env", **overrides: object) -> Settings:
    try:
        return Settings(_env_file=env_file, **overrides)  # type: ignore[arg-type, call-arg]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = "_".join(str(p) for p in first["loc"][:1]).upper() or "settings"
        if first["type"] == "missing":
            raise SettingsError(f"{name} is not set (environment or .env)") from None
        msg = str(first["msg"]).removeprefix("Value error, ")
        raise SettingsError(f"{name}: {msg}") from None
