"""Materials rules: limits, reading a link from a message, who may remove an item, and when
the follow-up after a session goes out. Plain Python."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.membership import Member
from bot.schedule import Schedule, Session, is_web_link
from bot.storage.materials import Material

MAX_ITEMS = 20  # per session: each gets a button and a line
CAPTION_MAX = 300  # characters kept of a caption (Telegram allows 1024)
SETTLE = timedelta(minutes=10)  # a late first item: the follow-up waits this long for more


def link_from(text: str, urls: list[str]) -> tuple[str, str] | None:
    """(url, caption) from a text message: its first web address (urls: the addresses
    Telegram marked, in order); the rest of the text is the caption."""
    url = next((u for u in urls if is_web_link(u)), None)
    if url is None:
        return None
    caption = " ".join(text.replace(url, " ").split())
    return url, caption[:CAPTION_MAX]


def may_remove(m: Member, item: Material) -> bool:
    """Anyone on staff adds; the one who added it, or staff for every country, removes."""
    return m.unlimited or (m.staff and item.added_by == m.user_id)


def grace(schedule: Schedule) -> timedelta:
    return timedelta(hours=schedule.after_session.grace_hours)


def followup_due(schedule: Schedule, session: Session) -> datetime:
    return session.end + timedelta(minutes=schedule.after_session.delay_minutes)


def followup_sendable(schedule: Schedule, session: Session, now: datetime) -> bool:
    """From the due time until the grace period after it (the bot may have been down, or
    nothing was attached yet), if organizers did not turn it off for this session."""
    due = followup_due(schedule, session)
    return session.send_materials and due <= now <= due + grace(schedule)
