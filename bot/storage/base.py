"""What every store shares: the database (and its one write path) and the time helpers."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.storage.db import Database


def ts(when: datetime) -> str:
    """Aware datetime -> ISO-8601 UTC text (how every time is stored)."""
    return when.astimezone(UTC).isoformat()


def dt(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def dt_or_none(text: str | None) -> datetime | None:
    return dt(text) if text else None


def day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def iso(value: object) -> object:
    """Dates as ISO text; anything else unchanged."""
    return value.isoformat() if isinstance(value, date) else value


def marks(values: object) -> str:
    """'?, ?, ?' for an IN (...) list."""
    return ", ".join("?" for _ in values)  # type: ignore[attr-defined]


class Store:
    """One store per feature (or table family). Reads and writes go through self.db only."""

    def __init__(self, db: Database) -> None:
        self.db = db
