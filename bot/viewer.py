"""Who a text is for (language, translations, zone) and the formatting every text shares.

Renderers in each feature's texts module take a Viewer and return Telegram HTML, with
organizer and user text escaped. No Telegram here.
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time, get_timezone_location
from babel.lists import format_list
from babel.units import format_unit

from bot.schedule import Country, Schedule, Session

LANGUAGE_NAMES = {"en": "English", "es": "Español", "fr": "Français", "pt": "Português"}


def flag(code: str) -> str:
    """Regional-indicator flag; clients without flag glyphs show the two letters."""
    return "".join(chr(0x1F1E6 + ord(c) - ord("A")) for c in code.upper())


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
        return format_time(when, "HH:mm", tzinfo=ZoneInfo(zone or self.zone), locale=self.lang)

    def date(self, when: datetime, fmt: str = "full") -> str:
        return format_date(when.astimezone(self.tz), fmt, locale=self.lang)

    def zone_name(self, zone: str | None = None) -> str:
        return get_timezone_location(ZoneInfo(zone or self.zone), locale=self.lang)

    def city(self, zone: str) -> str:
        return get_timezone_location(ZoneInfo(zone), locale=self.lang, return_city=True)

    def duration(self, delta: timedelta) -> str:
        """'1 hour and 30 minutes' (never rounded to '2 hours')."""
        minutes = int(delta.total_seconds() // 60)
        days, rest = divmod(minutes, 1440)
        hours, mins = divmod(rest, 60)
        parts = []
        if days:
            parts.append(format_unit(days, "duration-day", locale=self.lang))
        if hours and days < 3:
            parts.append(format_unit(hours, "duration-hour", locale=self.lang))
        if mins and not days:
            parts.append(format_unit(mins, "duration-minute", locale=self.lang))
        if not parts:
            parts.append(format_unit(0, "duration-minute", locale=self.lang))
        return format_list(parts, locale=self.lang)

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


def scope_refusal(v: Viewer, schedule: Schedule, scope: frozenset[str] | None) -> str:
    """To a staff member limited to some countries who tried to act beyond them."""
    names = [country_name(c, v.lang) for c in schedule.countries if scope and c.code in scope]
    return v.tr.gettext("Sorry, you can only act on people and goals of {countries}.").format(
        countries=escape(", ".join(names) or "—"))


def program_wide_refusal(v: Viewer) -> str:
    """To a limited staff member trying something that affects the whole program."""
    return v.tr.gettext(
        "Sorry, only organizers and facilitators for every country can do that: it affects "
        "the whole program.")


def private_chat_note(v: Viewer) -> tuple[str, str]:
    """(text, button label) for a personal command sent in a group chat."""
    _ = v.tr.gettext
    return (_("This is personal, so I only answer it in our private chat. Open it with the "
              "button and send the command there."), _("Open the private chat"))
