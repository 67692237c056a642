"""Who a text is for (language, translations, zone) and the formatting every text shares.

Renderers in each feature's texts module take a Viewer and return Telegram HTML, with
organizer and user text escaped. No Telegram here.
"""

from __future__ import annotations

import functools
import gettext
from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_time, get_timezone_location
from babel.lists import format_list
from babel.units import format_unit

from bot.schedule import Country, Schedule, Session

LANGUAGE_NAMES = {"en": "English", "es": "Español", "fr": "Français", "pt": "Português"}


def flag(code: str) -> str:
    """Regional-indicator flag; clients without flag glyphs show the two letters."""
    return "".join(chr(0x1F1E6 + ord(c) - ord("A")) for c in code.upper())


# Babel formatting is pure and, for a given language, zone and instant, always the same:
# memoized, so a busy hour of /next spends its time on the wire, not re-formatting dates.
@functools.lru_cache(maxsize=64)
def _locale(lang: str) -> Locale:
    return Locale.parse(lang)


@functools.lru_cache(maxsize=8192)
def _time(when: datetime, zone: str, lang: str) -> str:
    return format_time(when, "HH:mm", tzinfo=ZoneInfo(zone), locale=_locale(lang))


@functools.lru_cache(maxsize=8192)
def _date(when: datetime, zone: str, fmt: str, lang: str) -> str:
    return format_date(when.astimezone(ZoneInfo(zone)), fmt, locale=_locale(lang))


@functools.lru_cache(maxsize=1024)
def _zone_name(zone: str, lang: str, city: bool) -> str:
    return get_timezone_location(ZoneInfo(zone), locale=_locale(lang), return_city=city)


@functools.lru_cache(maxsize=8192)
def _duration(minutes: int, lang: str) -> str:
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    locale = _locale(lang)
    parts = []
    if days:
        parts.append(format_unit(days, "duration-day", locale=locale))
    if hours and days < 3:
        parts.append(format_unit(hours, "duration-hour", locale=locale))
    if mins and not days:
        parts.append(format_unit(mins, "duration-minute", locale=locale))
    if not parts:
        parts.append(format_unit(0, "duration-minute", locale=locale))
    return format_list(parts, locale=locale)


@dataclass(frozen=True)
class Viewer:
    """Who the text is for: translations, language code and IANA zone."""

    tr: gettext.NullTranslations
    lang: str
    zone: str

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.zone)

    def time(self, when: datetime, zone: str | None = None) -> str:
        return _time(when, zone or self.zone, self.lang)

    def date(self, when: datetime, fmt: str = "full") -> str:
        return _date(when, self.zone, fmt, self.lang)

    def zone_name(self, zone: str | None = None) -> str:
        return _zone_name(zone or self.zone, self.lang, False)

    def city(self, zone: str) -> str:
        return _zone_name(zone, self.lang, True)

    def duration(self, delta: timedelta) -> str:
        """'1 hour and 30 minutes' (never rounded to '2 hours')."""
        return _duration(int(delta.total_seconds() // 60), self.lang)

    def until(self, start: datetime, now: datetime) -> str:
        _ = self.tr.gettext
        delta = start - now
        if abs(delta) < timedelta(minutes=1):
            return _("starting now")
        if delta > timedelta(0):
            return _("in {duration}").format(duration=self.duration(delta))
        return _("started {duration} ago").format(duration=self.duration(-delta))


def country_name(country: Country, lang: str) -> str:
    return country.name.get(lang) or country.name["en"]


def session_heading(v: Viewer, session: Session) -> str:
    _ = v.tr.gettext
    return _("Session {number}: {title}").format(
        number=session.number, title=escape(session.text("title", v.lang))
    )


def world_times(v: Viewer, schedule: Schedule, when: datetime) -> str:
    """One compact line: local start time in each country's default zone."""
    return " · ".join(f"{flag(c.code)} {v.time(when, c.zone)}" for c in schedule.countries)


def when_line(v: Viewer, session: Session) -> str:
    _ = v.tr.gettext
    return _("{time} ({zone}) · {length}").format(
        time=v.time(session.start), zone=escape(v.zone_name()), length=v.duration(session.duration)
    )
