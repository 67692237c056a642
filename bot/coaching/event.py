"""A booked coaching hour as a calendar event (bot/calendar.py writes the file, as for the
sessions). The UID is stable per coaching and SEQUENCE grows with each new time, so calendar
apps update the event they already have instead of adding a second one.
"""

from __future__ import annotations

from bot.calendar import Event, uid
from bot.storage.coaching import Coaching


def coaching_event(c: Coaching, title: str, description: str, link: str | None,
                   domain: str) -> Event:
    """domain: the program's slug (schedule.json), as in the sessions' UIDs."""
    assert c.start is not None and c.end is not None
    return Event(uid=uid("coaching", c.id, domain), start=c.start, end=c.end, title=title,
                 description=description, url=link, sequence=c.sequence)
