"""Attendance: participants check in; facilitators follow and correct; organizers export."""

from __future__ import annotations

from telegram.ext import Application

from handlers.attendance import checkin, staff


def register(app: Application) -> None:
    checkin.register(app)
    staff.register(app)
