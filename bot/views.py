"""Texts the bot shows, rendered for one person's language and zone (no Telegram here).

Everything returned is Telegram HTML: organizer and user text is escaped.
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


def next_text(v: Viewer, schedule: Schedule, session: Session | None, now: datetime) -> str:
    _ = v.tr.gettext
    if session is None:
        return _(
            "The program is over: all sessions have taken place. Thank you for taking part!"
        )
    head = _("Happening now") if session.start <= now else _("Next session")
    lines = [
        f"<b>{head}</b>",
        f"<b>{session_heading(v, session)}</b>",
        f"📅 {v.date(session.start)}",
        f"🕑 {when_line(v, session)}",
        f"⏳ {v.until(session.start, now)}",
        f"🌍 {world_times(v, schedule, session.start)}",
    ]
    if session.meeting_link:
        lines.append(_("🔗 Join: {link}").format(link=escape(session.meeting_link)))
    lines.append(_("Details: /session {number}").format(number=session.number))
    return "\n".join(lines)


def schedule_text(
    v: Viewer, schedule: Schedule, sessions: list[Session], now: datetime
) -> str:
    _ = v.tr.gettext
    upcoming = next((s for s in sessions if s.end > now), None)
    lines = [
        f"<b>{escape(schedule.program.name.get(v.lang) or schedule.program.name['en'])}</b>",
        _("Times in {zone}.").format(zone=escape(v.zone_name())),
    ]
    part = None
    for s in sessions:
        if s.part != part:
            part = s.part
            lines.append("")
            lines.append("<b>" + _("Part {part}").format(part=part) + "</b>")
        line = "{number}. {date} · {time} · {title}".format(
            number=s.number,
            date=v.date(s.start, "medium"),
            time=v.time(s.start),
            title=escape(s.text("title", v.lang)),
        )
        if s.end <= now:
            lines.append("✓ <s>" + line + "</s> " + _("(past)"))
        elif s is upcoming:
            marker = _("now") if s.start <= now else _("next")
            lines.append(f"▶️ <b>{line}</b> ← {marker}")
        else:
            lines.append("• " + line)
    lines.append("")
    lines.append(_("Details of one session: /session 3"))
    return "\n".join(lines)


def session_text(v: Viewer, schedule: Schedule, session: Session, now: datetime) -> str:
    _ = v.tr.gettext
    audience = (
        _("Core group only") if session.audience == "core" else _("Open to all participants")
    )
    lines = [
        f"<b>{session_heading(v, session)}</b>",
        _("Part {part} · {audience}").format(part=session.part, audience=audience),
        "",
        f"📅 {v.date(session.start)}",
        f"🕑 {when_line(v, session)}",
        f"🌍 {world_times(v, schedule, session.start)}",
    ]
    if session.end <= now:
        lines.append("✓ " + _("This session has taken place."))
    else:
        lines.append(f"⏳ {v.until(session.start, now)}")
    goals = session.goal_list(v.lang)
    if goals:
        lines += ["", "<b>" + _("Goals") + "</b>"]
        lines += [f"• {escape(g)}" for g in goals]
    description = session.text("description", v.lang)
    if description:
        lines += ["", escape(description)]
    if session.meeting_link:
        lines += ["", _("🔗 Join: {link}").format(link=escape(session.meeting_link))]
    return "\n".join(lines)


def country_name(country: Country, lang: str) -> str:
    return country.name.get(lang) or country.name["en"]


def offset_label(v: Viewer, offset: int) -> str:
    _ = v.tr.gettext
    if offset == 0:
        return _("When it starts")
    return _("{duration} before").format(duration=v.duration(timedelta(minutes=offset)))


def reminder_text(v: Viewer, session: Session, now: datetime) -> str:
    _ = v.tr.gettext
    if session.start <= now + timedelta(minutes=1):
        head = "🔔 " + _("Starting now!")
    else:
        head = "⏰ " + _("Reminder: the session starts {when}.").format(
            when=v.until(session.start, now)
        )
    lines = [
        f"<b>{head}</b>",
        f"<b>{session_heading(v, session)}</b>",
        f"📅 {v.date(session.start)}",
        f"🕑 {when_line(v, session)}",
    ]
    if session.meeting_link:
        lines.append(_("🔗 Join: {link}").format(link=escape(session.meeting_link)))
    return "\n".join(lines)


def moved_text(v: Viewer, session: Session, old_start: datetime) -> str:
    _ = v.tr.gettext
    return "\n".join(
        [
            "<b>📣 " + _("Session moved") + "</b>",
            f"<b>{session_heading(v, session)}</b>",
            _("New time: {date}, {time} ({zone}).").format(
                date=v.date(session.start), time=v.time(session.start),
                zone=escape(v.zone_name()),
            ),
            _("It was planned for {date}, {time}.").format(
                date=v.date(old_start), time=v.time(old_start)
            ),
        ]
    )


def reminders_text(v: Viewer, offsets: list[int], off: set[int], all_off: bool) -> str:
    _ = v.tr.gettext
    lines = ["<b>" + _("Your session reminders") + "</b>"]
    if all_off:
        lines.append(_("All reminders are off."))
    for offset in offsets:
        mark = "🚫" if all_off or offset in off else "✅"
        lines.append(f"{mark} {offset_label(v, offset)}")
    lines.append("")
    lines.append(_("Tap to turn a reminder on or off."))
    return "\n".join(lines)
