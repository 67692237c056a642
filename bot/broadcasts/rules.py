"""Broadcast rules: which version a person gets (no Telegram here). Typed times: bot/parsing.py.

The records (Audience, Version, Report, Broadcast) are in bot/storage/broadcast_records.py.
"""

from __future__ import annotations

from bot.storage.broadcast_records import GROUPS, Audience, Report, Version

__all__ = ["GROUPS", "Audience", "Report", "Version", "pick_version"]


def pick_version(versions: list[Version], language: str | None) -> Version:
    """The recipient's language if there is a version in it, else the first one."""
    for version in versions:
        if version.language is not None and version.language == language:
            return version
    return versions[0]
