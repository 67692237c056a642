"""Calendar files (.ics, RFC 5545) built with the icalendar library: one event or many.

Generic on purpose (sessions, coaching, ...): an Event is start, end, title, description, link,
a stable UID and a SEQUENCE. Calendars match events by UID, so sending the same UID again with
a higher SEQUENCE updates the entry instead of adding a second one. Times are written in UTC;
each calendar app shows them in its owner's zone. No Telegram, no storage here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from icalendar import Alarm, Calendar
from icalendar import Event as VEvent

PRODID = "-//SSKE cocoa program bot//EN"
MIME_TYPE = "text/calendar"


@dataclass(frozen=True)
class Event:
    uid: str  # stable for the life of the event: see uid()
    start: datetime  # aware
    end: datetime
    title: str  # plain text (not HTML)
    description: str = ""
    url: str | None = None  # the join link: also the LOCATION most apps show
    sequence: int = 0  # bumped on each change of time or link
    alarm: timedelta | None = timedelta(hours=1)  # before the start; None: no alarm


def uid(kind: str, key: object, domain: str) -> str:
    """'session-3@sske-cocoa-2021': the same thing always gets the same UID."""
    return f"{kind}-{key}@{domain}"


def _vevent(event: Event, stamp: datetime) -> VEvent:
    vevent = VEvent()
    vevent.add("uid", event.uid)
    vevent.add("dtstamp", stamp)
    vevent.add("dtstart", event.start.astimezone(UTC))
    vevent.add("dtend", event.end.astimezone(UTC))
    vevent.add("sequence", event.sequence)
    vevent.add("summary", event.title)
    if event.description:
        vevent.add("description", event.description)
    if event.url:
        vevent.add("url", event.url)
        vevent.add("location", event.url)
    if event.alarm is not None:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("trigger", -event.alarm)
        alarm.add("description", event.title)
        vevent.add_component(alarm)
    return vevent


def ics(events: Iterable[Event], now: datetime, *, name: str | None = None,
        prodid: str = PRODID) -> bytes:
    """A calendar file holding the events (DTSTAMP: now, in UTC)."""
    calendar = Calendar()
    calendar.add("prodid", prodid)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    if name:
        calendar.add("x-wr-calname", name)
    stamp = now.astimezone(UTC)
    for event in events:
        calendar.add_component(_vevent(event, stamp))
    data: bytes = calendar.to_ical()
    return data
