"""Coaching texts for staff: the overview, the tally, drafting a poll or a booking (Telegram
HTML; names escaped). No Telegram here. Times in the viewer's own zone, with the zone named.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from html import escape

from bot.coaching.rules import (
    MAX_SLOTS,
    MIN_SLOTS,
    BadLine,
    GroupCoaching,
    OpenRefusal,
    SlotsError,
    Tally,
    part_window,
)
from bot.coaching.texts import country_label, heading, link_line, names, span, when_text, zone_label
from bot.models import Participant
from bot.schedule import Schedule
from bot.storage.coaching import Coaching, CoachingCheckin
from bot.viewer import Viewer


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
