"""Reminder texts: the reminder itself, "session moved", and the /reminders screen."""

from __future__ import annotations

from datetime import datetime, timedelta
from html import escape

from bot.schedule import Schedule, Session
from bot.sessions.texts import join_lines, no_link_line
from bot.viewer import Viewer, session_heading, when_line


def offset_label(v: Viewer, offset: int) -> str:
    _ = v.tr.gettext
    if offset == 0:
        return _("When it starts")
    return _("{duration} before").format(duration=v.duration(timedelta(minutes=offset)))


def reminder_text(v: Viewer, schedule: Schedule, session: Session, now: datetime, *,
                  link_button: bool = False) -> str:
    """link_button: a Join button carries the link, so the text gives only its passcode."""
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
    lines += join_lines(v, schedule, session, link=not link_button)
    if not schedule.join_link(session):
        lines.append(no_link_line(v, schedule))
    return "\n".join(lines)


def moved_text(v: Viewer, session: Session, old_start: datetime) -> str:
    _ = v.tr.gettext
    return "\n".join(
        [
            "<b>📣 " + _("Session moved") + "</b>",
            f"<b>{session_heading(v, session)}</b>",
            _("New time: {when} ({zone}).").format(
                when=v.at(session.start), zone=escape(v.zone_name())),
            _("It was planned for {when}.").format(when=v.at(old_start)),
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


def no_group_note(v: Viewer) -> str:
    return "ℹ️ " + v.tr.gettext(
        "You are not in a group of the program yet, so no session reminders reach you.")
