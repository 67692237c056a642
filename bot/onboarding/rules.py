"""Reading a time zone a person typed (no Telegram here)."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones


def match_zone(text: str) -> str | None:
    """An IANA zone name, as typed ("Europe/Paris", "europe/paris", "Paris"), or None."""
    name = text.strip().replace(" ", "_")
    try:
        ZoneInfo(name)
        if "/" in name or name.upper() == "UTC":
            return name if name != "utc" else "UTC"
    except (ZoneInfoNotFoundError, ValueError):
        pass
    lowered = name.lower()
    for zone in available_timezones():
        if zone.lower() == lowered or zone.lower().rsplit("/", 1)[-1] == lowered:
            return zone
    return None
