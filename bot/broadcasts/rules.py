"""Broadcast rules: which version a person gets (no Telegram here). Typed times: bot/parsing.py.

The records (Audience, Version, Report, Broadcast) are in bot/storage/broadcast_records.py.
"""

from __future__ import annotations

from bot.membership import Member, may_act_on
from bot.storage.broadcast_records import GROUPS, Audience, Report, Version

__all__ = ["GROUPS", "Audience", "Report", "Version", "author_may_send", "pick_version"]


def author_may_send(m: Member | None, audience: Audience) -> bool:
    """May a scheduled broadcast go out now? Its author must still have the right to every
    country it was fixed to when scheduled (`reach`), or to the whole program when it was not
    limited. Revoked or narrowed rights: no (it is held). Widened rights: yes, and it still
    reaches only its fixed countries (Audience.effective keeps it within `reach`)."""
    if m is None or not m.staff:
        return False
    if audience.reach is None:
        return may_act_on(m, None)
    return all(may_act_on(m, country) for country in audience.reach)


def pick_version(versions: list[Version], language: str | None) -> Version:
    """The recipient's language if there is a version in it, else the first one."""
    for version in versions:
        if version.language is not None and version.language == language:
            return version
    return versions[0]
