"""Organizer exports, shared by the /export commands and `python -m bot export KIND`.

Each feature that exports has an export module with one function that writes a file of the
given format ("csv" or "xlsx") from the repository; this table names them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from datetime import datetime
from html import escape
from pathlib import Path

from bot.attendance.export import write_attendance
from bot.certificates.export import write_certificates
from bot.coaching.export import write_coaching
from bot.feedback.export import write_feedback
from bot.goals.export import write_goals
from bot.help.texts import countries_label
from bot.networking.export import write_networking
from bot.people.export import write_people
from bot.schedule import Schedule
from bot.storage import Repository
from bot.viewer import Viewer

FORMATS = ("csv", "xlsx")
Exporter = Callable[[Repository, Schedule, str, Path], Awaitable[None]]

EXPORTERS: dict[str, Exporter] = {
    "attendance": write_attendance,
    "feedback": write_feedback,
    "goals": write_goals,
    "networking": write_networking,
    "people": write_people,
    "certificates": write_certificates,
    "coaching": write_coaching,
}


def N_(message: str) -> str:
    """Marks a msgid for extraction; translated in caption()."""
    return message


WHAT: dict[str, str] = {
    "attendance": N_("Attendance"),
    "feedback": N_("Session feedback"),
    "goals": N_("Group goals"),
    "networking": N_("Networking counts"),
    "people": N_("People"),
    "certificates": N_("Certificate register"),
    "coaching": N_("Coaching"),
}


def caption(v: Viewer, schedule: Schedule, kind: str, countries: Collection[str] | None,
            now: datetime, rows: int) -> str:
    """What the file is, for which countries, as of when (the viewer's zone), how many rows."""
    _ = v.tr.gettext
    where = (countries_label(v, schedule, countries) if countries is not None
             else _("every country"))
    what = _(WHAT[kind]) if kind in WHAT else escape(kind)
    return "\n".join([
        f"📄 <b>{what}</b>",
        _("Countries: {countries}").format(countries=where),
        _("As of {when} ({zone})").format(when=v.at(now, "medium"), zone=escape(v.zone_name())),
        v.tr.ngettext("{count} row", "{count} rows", rows).format(count=v.number(rows)),
    ])
