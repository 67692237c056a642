"""Coaching texts for one viewer (Telegram HTML; names and links escaped). No Telegram here.

Every time is shown in the viewer's own zone, with the zone named.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from html import escape

from bot.coaching.rules import (
    MAX_SLOTS,
    MIN_SLOTS,
    BadLine,
    CoachingCheckinResult,
    GroupCoaching,
    OpenRefusal,
    SlotsError,
    Tally,
    part_window,
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


def reminder_text(v: Viewer, schedule: Schedule, c: Coaching, now: datetime) -> str:
    _ = v.tr.gettext
    assert c.start is not None
    country = country_label(v, schedule, c.country)
    if abs(c.start - now) < timedelta(minutes=1) or c.start < now:
        first = "🔔 <b>" + _("The coaching hour starts now · {country}").format(
            country=country) + "</b>"
        last = _("Check in with the button below.")
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


def hours_text(v: Viewer, group: GroupCoaching, *, line: bool = False) -> str:
    """'hours used: 1 of 2' (line=True: on a line of its own, capitalized)."""
    text = v.tr.ngettext("hours used: {used} of {hours}", "hours used: {used} of {hours}",
                         group.hours).format(used=group.used, hours=group.hours)
    return text[:1].upper() + text[1:] if line else text


def answered_text(v: Viewer, t: Tally) -> str:
    answered = t.members - len(t.unanswered)
    return v.tr.ngettext("{answered} of {members} member answered",
                         "{answered} of {members} members answered", t.members).format(
        answered=answered, members=t.members)


def state_text(v: Viewer, group: GroupCoaching, tally: Tally | None) -> str:
    _ = v.tr.gettext
    match group.state:
        case "not_started":
            return _("not started")
        case "polling":
            if tally is None:
                return _("polling")
            return _("polling: {answered}").format(answered=answered_text(v, tally))
        case "booked":
            c = group.current
            assert c is not None and c.start is not None
            return _("booked: {when}").format(when=v.at(c.start, "medium"))
        case "done":
            return _("done")
    raise AssertionError(group.state)


def overview(v: Viewer, schedule: Schedule, groups: list[GroupCoaching],
             tallies: dict[str, Tally]) -> str:
    _ = v.tr.gettext
    lines = ["🗓 <b>" + _("Coaching of the core groups") + "</b>",
             _("Times in your time zone ({zone}).").format(zone=zone_label(v)), ""]
    for g in groups:
        lines.append(f"{country_label(v, schedule, g.country)} — "
                     f"{state_text(v, g, tallies.get(g.country))} · {hours_text(v, g)}")
    lines += ["", _("Tap a country to see its coaching or to propose times.")]
    return "\n".join(lines)


def tally_lines(v: Viewer, c: Coaching, t: Tally) -> list[str]:
    _ = v.tr.gettext
    lines = []
    for row in t.slots:
        lines.append(f"<b>{row.slot.position}.</b> {span(v, row.slot.start, c.duration_minutes)}")
        yes = f"✅ {len(row.yes)}" + (f" ({names(row.yes)})" if row.yes else "")
        no = f"❌ {len(row.no)}" + (f" ({names(row.no)})" if row.no else "")
        lines.append(f"    {yes} · {no}")
    if t.unanswered:
        lines.append(v.tr.ngettext("Not answered yet ({n}): {names}",
                                   "Not answered yet ({n}): {names}", len(t.unanswered)).format(
            n=len(t.unanswered), names=names(t.unanswered)))
    else:
        lines.append(_("Everyone has answered."))
    return lines


def polling_screen(v: Viewer, schedule: Schedule, group: GroupCoaching, t: Tally) -> str:
    _ = v.tr.gettext
    c = group.current
    assert c is not None
    return "\n".join([
        "🗓 " + heading(v, schedule, group.country),
        _("Poll under way: {answered}. Times in your time zone ({zone}).").format(
            answered=answered_text(v, t), zone=zone_label(v)),
        "",
        *tally_lines(v, c, t),
        "",
        _("Book a time, or propose new ones. · {hours}").format(hours=hours_text(v, group)),
    ])


def booked_screen(v: Viewer, schedule: Schedule, group: GroupCoaching,
                  members: list[Participant], checkins: list[CoachingCheckin],
                  now: datetime) -> str:
    _ = v.tr.gettext
    c = group.current
    assert c is not None and c.start is not None
    lines = ["✅ " + heading(v, schedule, group.country),
             when_text(v, c.start, c.duration_minutes) + " · " + v.until(c.start, now),
             link_line(v, schedule.coaching.link(c.country)) if schedule.coaching.link(
                 c.country) else _("No join link in schedule.json (coaching.meeting_link): "
                                   "send it to the group yourself."),
             hours_text(v, group, line=True)]
    if now >= c.start - timedelta(minutes=schedule.checkin.opens_minutes_before):
        lines += ["", *attendance_lines(v, members, checkins)]
    return "\n".join(lines)


def attendance_lines(v: Viewer, members: list[Participant],
                     checkins: list[CoachingCheckin]) -> list[str]:
    here = {r.user_id for r in checkins}
    present = [m for m in members if m.user_id in here]
    absent = [m for m in members if m.user_id not in here]
    lines = [v.tr.ngettext("Checked in: {n} of {members}", "Checked in: {n} of {members}",
                           len(members)).format(n=len(present), members=len(members))
             + (f" ({names(present)})" if present else "")]
    if absent:
        lines.append(v.tr.gettext("Not checked in: {names}").format(names=names(absent)))
    return lines


def idle_screen(v: Viewer, schedule: Schedule, group: GroupCoaching,
                refusal: OpenRefusal | None) -> str:
    """Nothing under way: what happened so far, and whether more hours are left."""
    _ = v.tr.gettext
    lines = ["🗓 " + heading(v, schedule, group.country), hours_text(v, group, line=True)]
    if group.last is not None and group.state == "done":
        assert group.last.start is not None
        lines.append(_("The last one was on {when}.").format(
            when=when_text(v, group.last.start, group.last.duration_minutes)))
    if refusal == "no_hours":
        lines.append(_("All its coaching hours are used. An organizer can add more in "
                       "schedule.json (coaching.extra_hours)."))
    return "\n".join(lines)


def examples(v: Viewer, now: datetime) -> str:
    day = (now.astimezone(v.tz) + timedelta(days=1)).date()
    later = day + timedelta(days=1)
    return f"{day:%Y-%m-%d} 15:00\n{later:%d/%m/%Y} 16:30"


def slots_prompt(v: Viewer, schedule: Schedule, country: str, members: int,
                 c: Coaching | None, now: datetime) -> str:
    _ = v.tr.gettext
    ask = (_("Type 2 to 5 possible times, one per line, in your time zone ({zone}). For "
             "example:") if c is None else
           _("Type one time to book the coaching hour at that time (everyone is told), or 2 "
             "to 5 times for a new poll, one per line, in your time zone ({zone}). For "
             "example:"))
    lines = ["🗓 " + heading(v, schedule, country) + " · " + v.tr.ngettext(
        "{n} member", "{n} members", members).format(n=members),
        ask.format(zone=zone_label(v)), f"<code>{examples(v, now)}</code>"]
    window = part_window(schedule)
    if window is not None:
        lines.append(_("Coaching happens in part {part} of the program: from {start} to "
                       "{end}, outside the sessions.").format(
            part=schedule.coaching.part, start=v.date(window[0], "long"),
            end=v.date(window[1], "long")))
    lines.append(_("The coaching lasts {length}. /cancel stops.").format(
        length=v.duration(timedelta(minutes=schedule.coaching.duration_minutes))))
    return "\n".join(lines)


def slots_refusal(v: Viewer, schedule: Schedule, error: SlotsError, now: datetime) -> str:
    _ = v.tr.gettext
    if not error.bad:
        assert error.count is not None
        return v.tr.ngettext(
            "Please type between {min} and {max} times, one per line (I read {n} time).",
            "Please type between {min} and {max} times, one per line (I read {n} times).",
            error.count).format(min=MIN_SLOTS, max=MAX_SLOTS, n=error.count)
    lines = [_("Please check these lines:")]
    lines += [bad_line(v, schedule, bad) for bad in error.bad]
    lines += ["", _("Type all the times again, one per line, for example:"),
              f"<code>{examples(v, now)}</code>"]
    return "\n".join(lines)


def bad_line(v: Viewer, schedule: Schedule, bad: BadLine) -> str:
    _ = v.tr.gettext
    window = part_window(schedule)
    reasons = {
        "format": _("I could not read that time."),
        "past": _("that time has already passed."),
        "gap": _("that time does not exist in {zone} (the clocks change then)."),
        "outside": _("that is outside part {part} of the program ({start} – {end})."),
        "clash": _("that overlaps Session {n}."),
        "duplicate": _("that time is there twice."),
    }  # fmt: skip
    reason = reasons[bad.reason].format(
        zone=zone_label(v), part=schedule.coaching.part, n=bad.session,
        start=v.date(window[0], "medium") if window else "",
        end=v.date(window[1], "medium") if window else "")
    return _("Line {n} «{text}»: {reason}").format(n=bad.number, text=escape(bad.text),
                                                   reason=reason)


def preview_text(v: Viewer, schedule: Schedule, country: str, starts: list[datetime],
                 members: int) -> str:
    _ = v.tr.gettext
    minutes = schedule.coaching.duration_minutes
    if len(starts) == 1:
        return _("Book the coaching hour of {country} on {when}? Everyone in the group is "
                 "told ({members}).").format(
            country=country_label(v, schedule, country), when=when_text(v, starts[0], minutes),
            members=v.tr.ngettext("{n} member", "{n} members", members).format(n=members))
    lines = [_("Poll for the core group · {country} ({members}):").format(
        country=country_label(v, schedule, country),
        members=v.tr.ngettext("{n} member", "{n} members", members).format(n=members))]
    lines += [f"{i}. {span(v, s, minutes)}" for i, s in enumerate(starts, start=1)]
    lines += ["", _("Times in your time zone ({zone}). Each member sees them in their own "
                    "time zone and language.").format(zone=zone_label(v))]
    return "\n".join(lines)


def poll_sent(v: Viewer, members: int) -> str:
    return "📤 " + v.tr.ngettext(
        "The poll is on its way to {n} member. Their answers appear below as they come in.",
        "The poll is on its way to {n} members. Their answers appear below as they come in.",
        members).format(n=members)


def draft_gone(v: Viewer) -> str:
    return v.tr.gettext("These times are no longer waiting to be sent. Send /coaching to "
                        "start again.")


def changed_meanwhile(v: Viewer) -> str:
    return v.tr.gettext("Someone changed this coaching in the meantime. Here it is now.")


def open_refusal(v: Viewer, schedule: Schedule, country: str, why: OpenRefusal) -> str:
    _ = v.tr.gettext
    if why == "under_way":
        return _("A coaching of {country} is already under way.").format(
            country=country_label(v, schedule, country))
    return _("All coaching hours of {country} are used. An organizer can add more in "
             "schedule.json (coaching.extra_hours).").format(
        country=country_label(v, schedule, country))


def book_question(v: Viewer, schedule: Schedule, c: Coaching, start: datetime) -> str:
    return v.tr.gettext(
        "Book {when} for the core group · {country}? Everyone in the group gets the time, the "
        "join link and reminders.").format(
        when=when_text(v, start, c.duration_minutes),
        country=country_label(v, schedule, c.country))


def booked_done(v: Viewer, members: int) -> str:
    return "✅ " + v.tr.ngettext("Booked. {n} member is being told.",
                                "Booked. {n} members are being told.", members).format(n=members)


def cancel_question(v: Viewer, schedule: Schedule, c: Coaching) -> str:
    return v.tr.gettext("Cancel the coaching hour of {country}? Everyone in the group is "
                        "told.").format(country=country_label(v, schedule, c.country))


def cancelled_done(v: Viewer) -> str:
    return "✖️ " + v.tr.gettext("Cancelled. The group is being told.")


def unknown_country(v: Viewer, schedule: Schedule) -> str:
    codes = ", ".join(c.code for c in schedule.countries)
    return v.tr.gettext("Please give a country code: {codes}, e.g. /coaching GH.").format(
        codes=codes)


def event_texts(v: Viewer, schedule: Schedule, c: Coaching) -> tuple[str, str]:
    """The calendar event's title and description, in the viewer's language."""
    _ = v.tr.gettext
    country = schedule.country(c.country)
    title = _("Coaching hour of the core group · {country}").format(
        country=country_name(country, v.lang) if country else c.country)
    link = schedule.coaching.link(c.country)
    return title, (_("Join: {link}").format(link=link) if link else "")
