"""Broadcast rules: which version a person gets, and when a typed time is (no Telegram here).

The records (Audience, Version, Report, Broadcast) are in bot/storage/broadcast_records.py.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal
from zoneinfo import ZoneInfo

from bot.storage.broadcast_records import GROUPS, Audience, Report, Version

__all__ = ["GROUPS", "Audience", "Report", "Version", "WhenError", "parse_when",
           "pick_version"]


def pick_version(versions: list[Version], language: str | None) -> Version:
    """The recipient's language if there is a version in it, else the first one."""
    for version in versions:
        if version.language is not None and version.language == language:
            return version
    return versions[0]


class WhenError(ValueError):
    """Why a typed time was refused: 'format', 'past' or 'gap' (skipped by a clock change)."""

    def __init__(self, reason: Literal["format", "past", "gap"]) -> None:
        super().__init__(reason)
        self.reason = reason


WHEN_FORMATS = (
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%d/%m/%Y %H:%M",
    "%d.%m.%Y %H:%M",
    "%d-%m-%Y %H:%M",
    "%d/%m/%Y %Hh%M",
    "%d/%m/%Y %Hh",
)


def parse_when(text: str, zone: str, now: datetime) -> datetime:
    """A wall-clock time typed in `zone` -> aware UTC, strictly in the future.

    Day first for slashes (24/03/2021), as everywhere the program runs. A time that does not
    exist in the zone (skipped when clocks go forward) is refused rather than guessed; an
    ambiguous one (clocks go back) means its first occurrence.
    """
    cleaned = " ".join(text.strip().replace(",", " ").split())
    for fmt in WHEN_FORMATS:
        try:
            naive = datetime.strptime(cleaned, fmt)
        except ValueError:
            continue
        break
    else:
        raise WhenError("format")
    tz = ZoneInfo(zone)
    local = naive.replace(tzinfo=tz)
    when = local.astimezone(UTC)
    if when.astimezone(tz).replace(tzinfo=None) != naive:
        raise WhenError("gap")
    if when <= now:
        raise WhenError("past")
    return when
