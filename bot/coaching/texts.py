"""Coaching texts for one viewer (Telegram HTML; names and links escaped). No Telegram here.

Every time is shown in the viewer's own zone, with the zone named.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from html import escape

from bot.coaching.rules import (
    CoachingCheckinResult,
)
from bot.models import Participant
from bot.schedule import Schedule
from bot.storage.coaching import Answer, Coaching, CoachingCheckin, Slot
from bot.viewer import Viewer, country_name, flag


def zone_label(v: Viewer) -> str:
    """The zone's name; plain "UTC" for people who never chose one (Babel: "Unknown Region")."""
    return "UTC" if v.zone in ("UTC", "Etc/UTC") else escape(v.zone_name())


def country_label(v: Viewer, schedule: Schedule, code: str) -> str:
    found = schedule.country(code)
    return f"{flag(code)} {escape(country_name(found, v.lang))}" if found else escape(code)


def heading(v: Viewer, schedule: Schedule, country: str) -> str:
    return "<b>" + v.tr.gettext("Coaching hour of the core group · {country}").format(
        country=country_label(v, schedule, country)) + "</b>"


def span(v: Viewer, start: datetime, minutes: int) -> str:
    """'Tuesday, March 23, 2021, from 09:00 to 10:00' in the viewer's zone."""
    end = start + timedelta(minutes=minutes)
    return v.tr.gettext("{date} from {start} to {end}").format(
        date=v.date(start), start=v.time(start), end=v.time(end))


def when_text(v: Viewer, start: datetime, minutes: int) -> str:
    return v.tr.gettext("{when} ({zone})").format(when=span(v, start, minutes),
                                                  zone=zone_label(v))


def names(people: list[Participant]) -> str:
    return ", ".join(escape(p.name) for p in people)


def link_line(v: Viewer, link: str | None) -> str:
    _ = v.tr.gettext
    if not link:
        return _("The facilitator will send you the join link.")
    return _("Join: {link}").format(link=f'<a href="{escape(link, quote=True)}">'
                                         f"{escape(link)}</a>")


# the poll, as each member gets it


def poll_text(v: Viewer, schedule: Schedule, c: Coaching, slots: list[Slot],
              mine: dict[int, Answer], *, reminder: bool = False) -> str:
    _ = v.tr.gettext
    lines = []
    if reminder:
        lines.append("⏰ " + _("Reminder: the facilitator is waiting for your answers."))
    lines.append("🗓 " + heading(v, schedule, c.country))
    if c.round > 1:
        lines.append(_("The coaching hour needs a new time."))
    lines.append(_("Which of these times suit you? Times are in your time zone ({zone}); the "
                   "hour lasts {length}.").format(zone=zone_label(v),
                                                  length=v.duration(timedelta(
                                                      minutes=c.duration_minutes))))
    lines.append("")
    marks = {"yes": "✅ " + _("you can"), "no": "❌ " + _("you can't")}
    for slot in slots:
        line = f"{slot.position}. {span(v, slot.start, c.duration_minutes)}"
        if slot.id in mine:
            line += " · " + marks[mine[slot.id]]
        lines.append(line)
    lines += ["", _("Tap “I can” or “I can't” for each time. You can change your answers until "
                    "the facilitator chooses the time.")]
    return "\n".join(lines)


def answer_saved(v: Viewer) -> str:
    return v.tr.gettext("Answer saved.")


def poll_closed(v: Viewer) -> str:
    return v.tr.gettext("This poll is closed. /coaching shows your group's coaching hour.")


# notices and reminders


def booked_text(v: Viewer, schedule: Schedule, c: Coaching, start: datetime) -> str:
    """The booking, or a new time (a coaching booked before): one notice each."""
    _ = v.tr.gettext
    title = (_("New time for the coaching hour · {country}") if c.bookings > 1
             else _("Coaching hour booked · {country}"))
    return "\n".join([
        ("🔁 " if c.bookings > 1 else "✅ ") + "<b>" + title.format(
            country=country_label(v, schedule, c.country)) + "</b>",
        when_text(v, start, c.duration_minutes),
        link_line(v, schedule.coaching.link(c.country)),
        "",
        _("You will get reminders before it, as for the sessions. /coaching shows it at any "
          "time."),
    ])


def cancelled_text(v: Viewer, schedule: Schedule, c: Coaching) -> str:
    _ = v.tr.gettext
    lines = ["✖️ " + _("The coaching hour of the core group · {country} is cancelled.").format(
        country=country_label(v, schedule, c.country))]
    if c.start is not None:
        lines.append(_("It was planned for {when}.").format(
            when=when_text(v, c.start, c.duration_minutes)))
    lines.append(_("The facilitator will be in touch if a new time is needed."))
    return "\n".join(lines)


def reminder_text(v: Viewer, schedule: Schedule, c: Coaching, now: datetime, *,
                  checks_in: bool = True) -> str:
    """checks_in: the reader is a member of the group and gets the check-in button (the coach
    does not check in, so is not told to)."""
    _ = v.tr.gettext
    assert c.start is not None
    country = country_label(v, schedule, c.country)
    if abs(c.start - now) < timedelta(minutes=1) or c.start < now:
        first = "🔔 <b>" + _("The coaching hour starts now · {country}").format(
            country=country) + "</b>"
        last = _("Check in with the button below.") if checks_in else ""
    else:
        first = "⏰ <b>" + _("Coaching hour · {country}: {until}").format(
            country=country, until=v.until(c.start, now)) + "</b>"
        last = ""
    lines = [first, when_text(v, c.start, c.duration_minutes),
             link_line(v, schedule.coaching.link(c.country))]
    return "\n".join([*lines, last] if last else lines)


# a member's /coaching


def not_in_core(v: Viewer) -> str:
    return v.tr.gettext("Coaching hours are for the core group of each country.")


def nothing_yet(v: Viewer, schedule: Schedule, country: str) -> str:
    _ = v.tr.gettext
    return "\n".join([
        "🗓 " + heading(v, schedule, country),
        _("Not planned yet: a facilitator will send you a poll to find a time that suits "
          "everyone."),
    ])


def member_booked(v: Viewer, schedule: Schedule, c: Coaching,
                  record: CoachingCheckin | None, now: datetime) -> str:
    _ = v.tr.gettext
    assert c.start is not None
    lines = ["✅ " + heading(v, schedule, c.country),
             when_text(v, c.start, c.duration_minutes) + " · " + v.until(c.start, now),
             link_line(v, schedule.coaching.link(c.country))]
    if record is not None:
        lines.append(checked_in_line(v, record))
    return "\n".join(lines)


def member_done(v: Viewer, schedule: Schedule, c: Coaching,
                record: CoachingCheckin | None) -> str:
    _ = v.tr.gettext
    assert c.start is not None
    line = _("Held on {when}.").format(when=when_text(v, c.start, c.duration_minutes))
    attended = checked_in_line(v, record) if record else _("You did not check in.")
    return f"{line} {attended}"


def checked_in_line(v: Viewer, record: CoachingCheckin) -> str:
    _ = v.tr.gettext
    if record.status == "late":
        return _("You checked in late, at {time}.").format(time=v.time(record.checked_in_at))
    return _("You checked in at {time}.").format(time=v.time(record.checked_in_at))


def checkin_text(v: Viewer, schedule: Schedule, result: CoachingCheckinResult) -> str:
    _ = v.tr.gettext
    match result.outcome:
        case "recorded":
            assert result.record is not None
            if result.record.status == "late":
                return "⏰ " + _("You are checked in to the coaching hour, recorded as late.")
            return "✅ " + _("You are checked in to the coaching hour. Welcome!")
        case "already":
            assert result.record is not None
            return _("You are already checked in to the coaching hour (since {time}).").format(
                time=v.time(result.record.checked_in_at))
        case "early":
            assert result.at is not None
            return _("Check-in for the coaching hour opens on {when}.").format(
                when=_("{when} ({zone})").format(when=v.at(result.at), zone=zone_label(v)))
        case "closed":
            return _("Check-in for this coaching hour is closed: it has ended.")
        case "not_member":
            assert result.coaching is not None
            return _("This coaching hour is for the core group · {country}.").format(
                country=country_label(v, schedule, result.coaching.country))
        case "not_booked":
            return _("This coaching hour is no longer booked. /coaching shows your group's.")
    raise AssertionError(result.outcome)


# staff


def event_texts(v: Viewer, schedule: Schedule, c: Coaching) -> tuple[str, str]:
    """The calendar event's title and description, in the viewer's language."""
    _ = v.tr.gettext
    country = schedule.country(c.country)
    title = _("Coaching hour of the core group · {country}").format(
        country=country_name(country, v.lang) if country else c.country)
    link = schedule.coaching.link(c.country)
    return title, (_("Join: {link}").format(link=link) if link else "")
