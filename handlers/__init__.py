"""Telegram handlers: read the update, call domain code and storage, render, reply."""

from __future__ import annotations

from telegram.ext import Application

from handlers import (
    attendance,
    broadcast,
    errors,
    exports,
    goals,
    help,
    membership,
    onboarding,
    reminders,
    roles,
    schedule,
)


def register(app: Application) -> None:
    onboarding.register(app)
    schedule.register(app)
    help.register(app)
    roles.register(app)
    reminders.register(app)
    attendance.register(app)
    goals.register(app)
    exports.register(app)
    membership.register(app)
    broadcast.register(app)
    # Last: anything no other handler took gets a short answer, never silence.
    errors.register(app)
