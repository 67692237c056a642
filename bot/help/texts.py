"""What the bot can do: /help and the command menu (no Telegram here)."""

from __future__ import annotations

from html import escape

from bot.schedule import Schedule
from bot.viewer import Viewer


def command_menu(v: Viewer) -> list[tuple[str, str]]:
    """(command, description) for Telegram's menu (setMyCommands)."""
    _ = v.tr.gettext
    return [
        ("next", _("When is the next session")),
        ("schedule", _("The whole program")),
        ("session", _("One session in full, e.g. /session 3")),
        ("reminders", _("Turn session reminders on or off")),
        ("checkin", _("Check in to the session running now")),
        ("me", _("My attendance and certificate progress")),
        ("goals", _("My group's goals and action plan")),
        ("settings", _("Language, country and time zone")),
        ("help", _("What this bot can do")),
        ("start", _("Start again")),
    ]


def help_text(v: Viewer, schedule: Schedule) -> str:
    _ = v.tr.gettext
    lines = [
        "<b>" + _("What I can do") + "</b>",
        _("/next: the next session, in your time zone"),
        _("/schedule: the whole program"),
        _("/session 3: one session in full (any number from the schedule)"),
        _("/reminders: choose which session reminders you get"),
        _("/checkin: check in to the session running now"),
        _("/me: your attendance and certificate progress"),
        _("/goals: your group's goals and action plan"),
        _("/settings: change language, country or time zone"),
        _("/profile: your name, organization and sector"),
        _("/mydata: a copy of your data · /forget: delete it"),
        _("/help: this message"),
    ]
    contact = schedule.program.contact
    text = contact.get(v.lang) or contact.get("en")
    if text:
        lines += ["", _("Questions? {contact}").format(contact=escape(text))]
    return "\n".join(lines)
