"""The "Add to calendar" event of a booked coaching hour (iCalendar, RFC 5545).

One function builds it, so it can move to a shared calendar module later. The UID is stable
per coaching and SEQUENCE grows with each new time, so calendar apps update the event they
already have instead of adding a second one.
"""

from __future__ import annotations

from datetime import datetime

from icalendar import Calendar, Event

from bot.storage.coaching import Coaching

UID_DOMAIN = "sske-bot"


def coaching_event(c: Coaching, title: str, description: str, link: str | None,
                   now: datetime) -> bytes:
    """An .ics file with one event: times in UTC (each calendar app shows its own zone)."""
    assert c.start is not None and c.end is not None
    event = Event()
    event.add("uid", f"coaching-{c.id}@{UID_DOMAIN}")
    event.add("sequence", c.sequence)
    event.add("dtstamp", now)
    event.add("dtstart", c.start)
    event.add("dtend", c.end)
    event.add("summary", title)
    event.add("status", "CONFIRMED")
    if description:
        event.add("description", description)
    if link:
        event.add("url", link)
        event.add("location", link)
    calendar = Calendar()
    calendar.add("prodid", "-//SSKE cocoa program bot//coaching//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add_component(event)
    return calendar.to_ical()
