"""Organizer exports, shared by the /export commands and `python -m bot export KIND`.

Each feature that exports has an export module with one function that writes a file of the
given format ("csv" or "xlsx") from the repository; this table names them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from bot.attendance.export import write_attendance
from bot.certificates.export import write_certificates
from bot.coaching.export import write_coaching
from bot.feedback.export import write_feedback
from bot.goals.export import write_goals
from bot.networking.export import write_networking
from bot.people.export import write_people
from bot.schedule import Schedule
from bot.storage import Repository

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
