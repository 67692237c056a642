"""What changed in a session since calendars and participants last heard of it.

Each change of a session's start or join link raises its version (the calendar SEQUENCE). A new
join link within a day of the session is announced to its audience; a new start is announced
by the reminders' "session moved" notice, which carries the updated calendar event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.schedule import Schedule, Session
from bot.storage.sessions import Version

LINK_NOTICE_BEFORE = timedelta(hours=24)  # a new link this close to the start is announced


@dataclass(frozen=True)
class Change:
    session: Session
    link: str | None  # the join link now
    sequence: int  # the new version
    moved: bool
    relinked: bool


def change(known: Version, schedule: Schedule, session: Session) -> Change | None:
    link = schedule.join_link(session)
    moved, relinked = known.start != session.start, known.link != link
    if not (moved or relinked):
        return None
    return Change(session, link, known.sequence + 1, moved, relinked)


def announce_link(c: Change, now: datetime) -> bool:
    """A new link (not a removed one) for a session starting within a day or running now;
    a moved session's notice carries its link already."""
    return (c.relinked and not c.moved and c.link is not None
            and c.session.start - LINK_NOTICE_BEFORE <= now < c.session.end)
