"""Reading a time zone a person typed (no Telegram here)."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.parsing import normalized

# The longest IANA name is 32 characters; anything much longer is not one (and ZoneInfo
# would fail on it with an OSError, "file name too long").
MAX_ZONE_LENGTH = 64


def match_zone(text: str) -> str | None:
    """An IANA zone name, as typed ("Europe/Paris", "europe/paris", "Paris"), or None."""
    name = normalized(text).replace(" ", "_")
    if not name or len(name) > MAX_ZONE_LENGTH or not name.isascii() or "\0" in name:
        return None
    try:
        ZoneInfo(name)
        if "/" in name or name.upper() == "UTC":
            return name if name != "utc" else "UTC"
    except (ZoneInfoNotFoundError, ValueError, OSError):
        pass
    lowered = name.lower()
    for zone in available_timezones():
        if zone.lower() == lowered or zone.lower().rsplit("/", 1)[-1] == lowered:
            return zone
    return None
